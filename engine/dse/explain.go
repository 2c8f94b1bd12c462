package dse

import (
	"context"
	"database/sql"
	"fmt"
)

// Explanation says how an adjusted value was obtained: the registered
// indicator it adjusts, the method, and for each sex and age group of the
// unit the registered events and the stratum whose completeness scaled
// them (its own or a pooled one).
type Explanation struct {
	Registered string   `json:"registered"` // the base indicator
	Events     []string `json:"events"`     // EventDeath and/or EventBirth
	Method     string   `json:"method"`
	Factors    []Factor `json:"factors"`
}

// Factor is one row of FactorsTable as lineage shows it.
type Factor struct {
	Event      string  `json:"event"`
	Sex        int     `json:"sex"`
	AgeGroup   string  `json:"age_group,omitempty"`
	Registered float64 `json:"registered"`
	// Source is the stratum whose completeness was used; Pooled is true
	// when it is not the cell itself (too few source records).
	Source struct {
		Division     string  `json:"division"`
		Sex          int     `json:"sex"` // 0: both sexes
		AgeGroup     string  `json:"age_group,omitempty"`
		Register     float64 `json:"register"`
		Records      float64 `json:"records"`
		Matched      float64 `json:"matched"`
		Completeness float64 `json:"completeness"` // matched / records
	} `json:"source"`
	Pooled  bool    `json:"pooled"`
	Factor  float64 `json:"factor"`            // records / matched: adjusted = registered × factor
	RelVar  float64 `json:"relative_variance"` // of the factor (CSD variance / N̂²)
	Missing bool    `json:"missing,omitempty"` // no stratum had enough records: no adjusted value (Factor and RelVar 0)
}

// method describes the estimate (docs/indicators.md).
const method = "dual-system (Chandra Sekar–Deming): register × death records or birth certificates matched by linkage, " +
	"by sex and age group, small strata pooled; adjusted = registered × records/matched; interval includes the completeness's variance"

// eventsOf returns the events an adjusted indicator rests on.
func eventsOf(id string) []string {
	switch id {
	case "deaths_adj", "cdr_adj", "e0_adj":
		return []string{EventDeath}
	case "births_adj", "cbr_adj", "tfr_adj":
		return []string{EventBirth}
	case "imr_adj":
		return []string{EventDeath, EventBirth}
	}
	return nil
}

// Explain returns the explanation of the adjusted indicator id (one of
// Adjusted) for a unit and period of version, or nil when id is not an
// adjusted indicator.
func Explain(ctx context.Context, db *sql.DB, version int64, id, base, division, ptype, period string) (*Explanation, error) {
	events := eventsOf(id)
	if events == nil {
		return nil, nil
	}
	ex := &Explanation{Registered: base, Events: events, Method: method, Factors: []Factor{}}
	if ok, err := tableExists(ctx, db, "dse", "factors"); err != nil || !ok {
		return ex, err
	}
	rows, err := db.QueryContext(ctx, `SELECT event, sex, age_group, registered, coalesce(source_division, ''), coalesce(source_sex, 0),
		coalesce(source_age_group, ''), coalesce(source_registered, 0), coalesce(source_records, 0), coalesce(source_matched, 0),
		coalesce(factor, 0), coalesce(rel_var, 0), source_division IS NULL
	FROM `+FactorsTable+` WHERE version = ? AND division = ? AND ptype = ? AND period = ? AND list_contains(?, event)
	ORDER BY event DESC, sex, age_group`, version, division, ptype, period, events)
	if err != nil {
		return nil, fmt.Errorf("dse: explain %s %s %s: %w", id, division, period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f Factor
		s := &f.Source
		if err := rows.Scan(&f.Event, &f.Sex, &f.AgeGroup, &f.Registered, &s.Division, &s.Sex, &s.AgeGroup, &s.Register, &s.Records,
			&s.Matched, &f.Factor, &f.RelVar, &f.Missing); err != nil {
			return nil, fmt.Errorf("dse: explain %s %s %s: %w", id, division, period, err)
		}
		if id == "imr_adj" && f.Event == EventDeath && f.AgeGroup != AgeGroups[0].Label {
			continue
		}
		if s.Records > 0 {
			s.Completeness = s.Matched / s.Records
		}
		f.Pooled = !f.Missing && (s.Division != division || s.Sex != f.Sex || s.AgeGroup != f.AgeGroup)
		ex.Factors = append(ex.Factors, f)
	}
	return ex, rows.Err()
}
