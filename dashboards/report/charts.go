package report

import (
	"fmt"
	"math"
	"strconv"

	"github.com/padis/padis/dashboards/report/chart"
	"github.com/padis/padis/models"
)

// NamedChart is one chart of the report with its key ("births_deaths",
// "pyramid", "srb_units", "tfr_units", "outlook").
type NamedChart struct {
	Key   string
	Chart chart.Chart
}

// Charts draws the report's charts in lang. A chart whose data is absent
// (no child units, no outlook…) is left out.
func Charts(r *Report, lang models.Lang) ([]NamedChart, error) {
	var out []NamedChart
	add := func(key string, c chart.Chart, err error) error {
		if err != nil {
			return fmt.Errorf("report %s %s: chart %s: %w", r.Unit.Code, r.Month, key, err)
		}
		out = append(out, NamedChart{key, c})
		return nil
	}
	if len(r.Monthly) >= 2 {
		var m chart.Monthly
		for _, p := range r.Monthly {
			m.Months = append(m.Months, p.Month)
			m.Births = append(m.Births, p.Births.Value)
			m.Deaths = append(m.Deaths, p.Deaths.Value)
		}
		c, err := chart.BirthsDeaths(m, lang)
		if err := add("births_deaths", c, err); err != nil {
			return nil, err
		}
	}
	if r.Pyramid != nil && len(r.Pyramid.Ages) > 0 {
		in := chart.PyramidData{Groups: ageGroups(r.Pyramid.Ages), Male: r.Pyramid.Male, Female: r.Pyramid.Female, Period: r.Pyramid.Period}
		if p := r.PyramidPrev; p != nil && equalInts(p.Ages, r.Pyramid.Ages) {
			in.MalePrev, in.FemalePrev, in.PrevPeriod = p.Male, p.Female, p.Period
		}
		c, err := chart.Pyramid(in, lang)
		if err := add("pyramid", c, err); err != nil {
			return nil, err
		}
	}
	rows := r.Children
	srbTitle, tfrTitle := "", tr(lang, "各单位总和生育率排序（近12个月）", "Total fertility rate by unit, ranked (last 12 months)")
	if r.National() {
		// The provinces as the monitoring panel estimates them: the
		// provinces with full data are too few to compare.
		rows = r.PanelDomains
		srbTitle = tr(lang, "各省份出生人口性别比及95%区间（监测县估计）", "Sex ratio at birth by province, 95% intervals (panel estimates)")
		tfrTitle = tr(lang, "各省份总和生育率排序（监测县估计，近12个月）", "Total fertility rate by province (panel estimates, last 12 months)")
	}
	srb, tfr := unitValues(rows, "srb_"+string(r.FlowSpan())), unitValues(rows, "tfr_r12")
	if hasValue(srb) {
		c, err := chart.SRBByUnit(srb, SRBRange, srbTitle, lang)
		if err := add("srb_units", c, err); err != nil {
			return nil, err
		}
	}
	if hasValue(tfr) {
		refs := []chart.RefLine{{Value: 2.1, Label: tr(lang, "更替水平 2.1", "replacement 2.1")}, {Value: TFRThresholds[0], Label: tr(lang, "预警线 ", "warning ") + formatNumber(TFRThresholds[0], 1)}}
		c, err := chart.RankedBars(tfr, refs, tfrTitle,
			tr(lang, "总和生育率（每名妇女生育子女数）", "children per woman"), lang)
		if err := add("tfr_units", c, err); err != nil {
			return nil, err
		}
	}
	if o := r.Outlook; o != nil && len(o.Years) >= 2 {
		c, err := chart.Outlook(chart.OutlookData{Years: o.Years, Total: o.Total, Aged65: o.Aged65, SchoolAge: o.SchoolAge}, lang)
		if err := add("outlook", c, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ageGroups labels groups starting at ages: "0-4", …, "100+".
func ageGroups(ages []int) []string {
	out := make([]string, len(ages))
	for i, a := range ages {
		switch {
		case i == len(ages)-1:
			out[i] = strconv.Itoa(a) + "+"
		case ages[i+1]-a == 1:
			out[i] = strconv.Itoa(a)
		default:
			out[i] = strconv.Itoa(a) + "-" + strconv.Itoa(ages[i+1]-1)
		}
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// unitValues extracts one column of a table for a chart.
func unitValues(rows []Row, key string) []chart.UnitValue {
	out := make([]chart.UnitValue, 0, len(rows))
	for _, r := range rows {
		f, ok := r.Figures[key]
		if !ok {
			continue
		}
		u := chart.UnitValue{Name: r.Unit.Name, Value: f.Value, Lo: math.NaN(), Hi: math.NaN()}
		if f.HasInterval() {
			u.Lo, u.Hi = f.Lower, f.Upper
		}
		out = append(out, u)
	}
	return out
}

func hasValue(us []chart.UnitValue) bool {
	for _, u := range us {
		if !math.IsNaN(u.Value) {
			return true
		}
	}
	return false
}

// tr picks the text in lang.
func tr(lang models.Lang, zh, en string) string {
	if lang == models.EN {
		return en
	}
	return zh
}
