package cube

import (
	"fmt"
	"strings"

	"github.com/padis/padis/models"
)

// stockMeasures are taken at the end of a period (the value of its last
// month); every other measure is a flow or an exposure summed over the
// months of the period.
var stockMeasures = map[string]bool{
	"population": true, "pop_male": true, "pop_female": true, "pop_0_14": true, "pop_15_59": true,
	"pop_15_64": true, "pop_60plus": true, "pop_65plus": true, "pop_80plus": true,
	"households": true, "household_members": true, "women_15_49": true, "married_women_15_49": true,
	"contraceptors": true, "migrant_population": true, "eligible_reward": true, "eligible_special": true,
	"duplicate_cards_removed": true,
}

// IsStock reports whether measure id is a stock (end of period) measure.
func IsStock(id string) bool { return stockMeasures[id] }

// DuplicatesMeasure counts the duplicate cards (重卡) a unit's measures of
// persons leave out: the cards counted on another card that are resident
// at the end of the period (facts.sql).
const DuplicatesMeasure = "duplicate_cards_removed"

// CountsPersons reports whether measure id counts persons from their
// cards (population, person-years, deaths, households…), so that it
// leaves out the duplicate cards of DuplicatesMeasure; births and the
// other events are counted once by moving a duplicate's events to the
// kept card.
func CountsPersons(id string) bool {
	return pmMeasureSQL[id] != "" || id == "households" || id == "household_members"
}

// exposureMeasures are the person-years measures (sums of days / 365.25).
var exposureMeasures = map[string]bool{"person_years": true, "person_years_female_15_49": true}

// pmMeasureSQL are the measures aggregated from the person-months (cube_pm)
// of one village and month.
var pmMeasureSQL = map[string]string{
	"person_years":              "sum(days) / 365.25",
	"person_years_female_15_49": "coalesce(sum(days) FILTER (WHERE sex = 2 AND age_mid BETWEEN 15 AND 49), 0) / 365.25",
	"population":                "count(*) FILTER (WHERE stock)",
	"pop_male":                  "count(*) FILTER (WHERE stock AND sex = 1)",
	"pop_female":                "count(*) FILTER (WHERE stock AND sex = 2)",
	"pop_0_14":                  "count(*) FILTER (WHERE stock AND age_eom <= 14)",
	"pop_15_59":                 "count(*) FILTER (WHERE stock AND age_eom BETWEEN 15 AND 59)",
	"pop_15_64":                 "count(*) FILTER (WHERE stock AND age_eom BETWEEN 15 AND 64)",
	"pop_60plus":                "count(*) FILTER (WHERE stock AND age_eom >= 60)",
	"pop_65plus":                "count(*) FILTER (WHERE stock AND age_eom >= 65)",
	"pop_80plus":                "count(*) FILTER (WHERE stock AND age_eom >= 80)",
	"women_15_49":               "count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49)",
	"married_women_15_49":       "count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49 AND married)",
	"contraceptors":             "count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49 AND married AND contra)",
	"migrant_population":        "count(*) FILTER (WHERE stock AND reg_county <> left(place, 6))",
	"eligible_reward":           "count(*) FILTER (WHERE stock AND reward_base AND age_eom >= 60)",
	"eligible_special":          "count(*) FILTER (WHERE stock AND special_base AND age_mother_eom >= 49)",
	"deaths":                    "count(*) FILTER (WHERE death)",
	"infant_deaths":             "count(*) FILTER (WHERE death AND age_exit = 0)",
}

// eventMeasures are the measures counted from births and events in
// facts.sql; listed so that every measure is accounted for.
var eventMeasures = map[string]bool{
	"births": true, "births_male": true, "births_female": true, "births_order1": true, "births_order2": true,
	"births_order3plus": true, "births_policy": true, "migrants_in": true, "migrants_out": true,
	"migrants_in_inter": true, "migrants_out_inter": true, "migrants_in_intra": true, "migrants_out_intra": true,
	"marriages": true, "divorces": true, "events": true, "events_timely": true,
	"households": true, "household_members": true, // from the residents' household ids, in their own branch
	"duplicate_cards_removed": true, // from the duplicate cards' person-months, in their own branch
}

// checkMeasures returns an error when a measure of the catalog has no SQL.
func checkMeasures() error {
	for _, m := range models.Measures {
		_, pm := pmMeasureSQL[m.ID]
		if !pm && !eventMeasures[m.ID] {
			return fmt.Errorf("measure %s has no computation in engine/cube", m.ID)
		}
	}
	return nil
}

// measureIdent quotes a measure id as a column name.
func measureIdent(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

// pmSelect returns the select list of the person-month aggregation.
func pmSelect() string {
	var b strings.Builder
	first := true
	for _, m := range models.Measures {
		expr, ok := pmMeasureSQL[m.ID]
		if !ok {
			continue
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		fmt.Fprintf(&b, "\t\t%s AS %s", expr, measureIdent(m.ID))
	}
	return b.String()
}

// vmSelect returns, for every measure, its column of the aggregation of
// village_months (facts.sql) that computes it, zero when that
// aggregation has no row for the village-month.
func vmSelect() string {
	parts := make([]string, len(models.Measures))
	for i, m := range models.Measures {
		parts[i] = fmt.Sprintf("coalesce(%s.%s, 0)::DOUBLE AS %[2]s", vmSource(m.ID), measureIdent(m.ID))
	}
	return strings.Join(parts, ", ")
}

// vmSource names the aggregation of village_months (facts.sql) that
// computes measure id: pm (person-months), dc (the person-months of
// duplicate cards), hh (households), bi (births) or ev (events).
func vmSource(id string) string {
	switch {
	case pmMeasureSQL[id] != "":
		return "pm"
	case id == "households" || id == "household_members":
		return "hh"
	case id == DuplicatesMeasure:
		return "dc"
	case strings.HasPrefix(id, "births"):
		return "bi"
	}
	return "ev"
}

// rollupCols returns a comma-separated list with one entry per measure:
// flow (a format with the quoted measure id as %[1]s) for flows and
// exposure, stock for stock measures.
func rollupCols(flow, stock string) string {
	parts := make([]string, len(models.Measures))
	for i, m := range models.Measures {
		f := flow
		if IsStock(m.ID) {
			f = stock
		}
		parts[i] = fmt.Sprintf(f, measureIdent(m.ID))
	}
	return strings.Join(parts, ", ")
}
