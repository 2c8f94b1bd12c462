package dashboards

import (
	"fmt"
	"sort"
)

// periodPages are the pages whose figures depend on a period: they carry
// the period picker, and monthPages among them open on the latest month
// (the data-quality measures of the latest snapshot) instead of
// DefaultPeriod.
var (
	periodPages = map[string]bool{"overview": true, "explorer": true, "panel": true, "quality": true}
	monthPages  = map[string]bool{"quality": true}
)

// PeriodPicker is the period chooser of a page: a GET form that keeps the
// page's other query parameters, so that the chosen view is in the URL
// (?period=2025, 2025-Q4, 2025-12, R12-2025-12) and can be shared.
type PeriodPicker struct {
	Current Period
	Groups  []PeriodGroup
	Keep    [][2]string // the page's other query parameters
}

// PeriodGroup is the choices of one period kind.
type PeriodGroup struct {
	Label   string
	Options []PeriodOption
}

// PeriodOption is one period to choose.
type PeriodOption struct {
	Value    Period
	Label    string
	Selected bool
}

// Numbers of choices of each kind, latest first.
const (
	pickYears, pickR12, pickQuarters, pickMonths = 3, 12, 8, 24
)

// periodPicker builds the picker of page, or nil for a page without a
// period or when no cube has been built.
func (r *req) periodPicker(page string) *PeriodPicker {
	if !periodPages[page] {
		return nil
	}
	cur, err := r.periodOr(monthPages[page])
	if err != nil {
		return nil
	}
	latest, err := r.s.src.LatestPeriod(r.ctx())
	if err != nil || latest.Kind() != Month {
		return nil
	}
	pp := &PeriodPicker{Current: cur}
	y, m, _, _ := splitPeriod(string(latest))
	lastYear := Period(fmt.Sprintf("%04d", y-1))
	if m == 12 {
		lastYear = Period(fmt.Sprintf("%04d", y))
	}
	lastQuarter := Period(fmt.Sprintf("%04d-Q%d", y, m/3))
	if m < 3 {
		lastQuarter = Period(fmt.Sprintf("%04d-Q4", y-1))
	}
	for _, g := range []struct {
		kind  PeriodKind
		label string
		last  Period
		n     int
	}{{Year, "period.year", lastYear, pickYears}, {R12, "period.r12", "R12-" + latest, pickR12},
		{Quarter, "period.quarter", lastQuarter, pickQuarters}, {Month, "period.month", latest, pickMonths}} {
		grp := PeriodGroup{Label: msg(r.lang, g.label)}
		seen := false
		for i := 0; i < g.n; i++ {
			p := g.last.Shift(-i)
			seen = seen || p == cur
			grp.Options = append(grp.Options, PeriodOption{Value: p, Label: p.Label(r.lang), Selected: p == cur})
		}
		if !seen && cur.Kind() == g.kind { // a period older than the choices, from a shared URL
			grp.Options = append([]PeriodOption{{Value: cur, Label: cur.Label(r.lang), Selected: true}}, grp.Options...)
		}
		pp.Groups = append(pp.Groups, grp)
	}
	q := r.c.QueryParams()
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "period" && k != "offset" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range q[k] {
			pp.Keep = append(pp.Keep, [2]string{k, v})
		}
	}
	return pp
}
