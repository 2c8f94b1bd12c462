package report

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

// headlineSpecs are the headline figures, in display order.
var headlineSpecs = []struct {
	key, ind string
	span     Span
}{
	{"population", "population", SpanMonth},
	{"births_month", "births", SpanMonth},
	{"births_ytd", "births", SpanYTD},
	{"deaths_month", "deaths", SpanMonth},
	{"deaths_ytd", "deaths", SpanYTD},
	{"cbr_ytd", "cbr", SpanYTD},
	{"cdr_ytd", "cdr", SpanYTD},
	{"rni_ytd", "rni", SpanYTD},
	{"tfr_r12", "tfr", SpanR12},
	{"srb_ytd", "srb", SpanYTD},
	{"share_65plus", "share_65plus", SpanMonth},
	{"migrant_population", "migrant_population", SpanMonth},
}

// Builder fills a Report from a Reader.
type Builder struct {
	Reader  Reader
	Catalog *models.Catalog // nil: models.DefaultCatalog()
	// SeriesMonths is the length of the births and deaths series (24–36;
	// 0 means 36).
	SeriesMonths int
	// OutlookYears is the projection horizon (0 means 10).
	OutlookYears int
	// Now returns the generation time (nil: time.Now); tests fix it.
	Now func() time.Time
}

// Build returns the report of division for month. Parts the reader cannot
// give (ErrNotAvailable from an optional interface) are left out and noted
// in Report.Notes; any other error fails the build.
func (b *Builder) Build(ctx context.Context, division string, month Month) (*Report, error) {
	cat := b.Catalog
	if cat == nil {
		cat = models.DefaultCatalog()
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	rd := b.Reader
	unit, err := rd.Unit(ctx, division)
	if err != nil {
		return nil, fmt.Errorf("report %s %s: unit: %w", division, month, err)
	}
	version, desc, err := rd.Snapshot(ctx, unit.Code)
	if err != nil {
		return nil, fmt.Errorf("report %s %s: snapshot: %w", division, month, err)
	}
	r := &Report{Unit: unit, Month: month.String(), Version: version, Snapshot: desc, GeneratedAt: now().UTC(), Catalog: cat}
	if or, ok := rd.(OriginReader); ok {
		gen, scope, err := or.Origin(ctx, unit.Code)
		if err != nil {
			return nil, fmt.Errorf("report %s %s: data origin: %w", division, month, err)
		}
		r.SyntheticScale = datasets.SyntheticScale(scope, gen)
	}
	one := []string{unit.Code}
	var mr MonitoringReader
	if unit.Level == models.LevelNation {
		// The national figures are the monitoring panel's estimates,
		// which the API gives for months and 12-month periods but not
		// year to date: the national report's flows are 12-month ones.
		var ok bool
		if mr, ok = rd.(MonitoringReader); !ok {
			return nil, fmt.Errorf("report %s %s: the data source has no monitoring panel, the only national data: %w", division, month, ErrNotAvailable)
		}
		r.Flow = SpanR12
	}

	for _, h := range headlineSpecs {
		if h.span == SpanYTD && r.FlowSpan() != SpanYTD {
			h.span, h.key = r.FlowSpan(), h.ind+"_"+string(r.FlowSpan())
		}
		if _, ok := cat.Get(h.ind); !ok {
			return nil, fmt.Errorf("report %s %s: headline %s: indicator %q is not in the catalog", division, month, h.key, h.ind)
		}
		figures := func(ind string) ([3]Figure, error) {
			var figs [3]Figure
			for i, m := range []Month{month, month.Add(-1), month.Add(-12)} {
				if i == 1 && h.span == SpanYTD && isCount(cat, h.ind) {
					// A year-to-date count always grows on the previous
					// month's: that comparison says nothing and is left out.
					figs[i] = Missing(ind, unit.Code, m.Period(h.span))
					figs[i].Version, figs[i].Flag = version, FlagOmitted
					continue
				}
				v, err := rd.Values(ctx, ind, m.Period(h.span), one)
				if err != nil {
					return figs, fmt.Errorf("report %s %s: headline %s %s: %w", division, month, h.key, m.Period(h.span), err)
				}
				if len(v) != 1 {
					return figs, fmt.Errorf("report %s %s: headline %s: reader returned %d values for 1 unit", division, month, h.key, len(v))
				}
				figs[i] = v[0]
			}
			return figs, nil
		}
		figs, err := figures(h.ind)
		if err != nil {
			return nil, err
		}
		hl := Headline{Key: h.key, Indicator: h.ind, Span: h.span, Current: figs[0], Previous: figs[1], YearAgo: figs[2]}
		// Lead with the indicator's variant where the catalog has one
		// with a value, the registered figure (and completeness) beside it.
		// A source that cannot give the variant for this span (a stored
		// value has no year-to-date sum; a panel estimate has no adjusted
		// figure) leaves the registered figure to lead.
		if v, ok := cat.LeadVariant(h.ind); ok {
			vf, err := figures(v.ID)
			if err == nil && vf[0].Valid() {
				reg := figs[0]
				hl.Indicator, hl.Variant, hl.Registered = v.ID, v.Variant, &reg
				hl.Current, hl.Previous, hl.YearAgo = vf[0], vf[1], vf[2]
				base, _ := cat.Get(h.ind)
				if id := cat.CompletenessOf(base); id != "" && v.Variant == models.VariantAdjusted {
					c, err := rd.Values(ctx, id, month.Period(h.span), one)
					if err != nil {
						return nil, fmt.Errorf("report %s %s: headline %s completeness: %w", division, month, h.key, err)
					}
					if len(c) == 1 && c[0].Valid() {
						hl.Completeness = &c[0]
					}
				}
			}
		}
		r.Headlines = append(r.Headlines, hl)
	}
	if pop, _ := r.Headline("population"); !pop.Current.Valid() {
		return nil, fmt.Errorf("report %s %s: no population for this unit and month in snapshot version %d (%s)", division, month, version, desc)
	}

	if err := b.series(ctx, r, month); err != nil {
		return nil, err
	}
	if r.Pyramid, err = rd.Pyramid(ctx, unit.Code, month); err != nil {
		if !errors.Is(err, ErrNotAvailable) {
			return nil, fmt.Errorf("report %s %s: pyramid: %w", division, month, err)
		}
		r.Pyramid = nil
		r.Notes = append(r.Notes, "pyramid")
	}
	if r.PyramidPrev, err = rd.Pyramid(ctx, unit.Code, month.Add(-12)); err != nil {
		if !errors.Is(err, ErrNotAvailable) {
			return nil, fmt.Errorf("report %s %s: pyramid a year earlier: %w", division, month, err)
		}
		r.PyramidPrev = nil
	}

	children, err := rd.Children(ctx, unit.Code)
	if err != nil {
		return nil, fmt.Errorf("report %s %s: children: %w", division, month, err)
	}
	if r.Children, err = b.table(ctx, rd.Values, r.Columns(), children, month); err != nil {
		return nil, fmt.Errorf("report %s %s: child units: %w", division, month, err)
	}
	r.ChildLevel = unit.Level + 1
	if unit.Level == models.LevelProvince {
		var counties []Unit
		for _, c := range children {
			cs, err := rd.Children(ctx, c.Code)
			if err != nil {
				return nil, fmt.Errorf("report %s %s: counties of %s: %w", division, month, c.Code, err)
			}
			counties = append(counties, cs...)
		}
		if r.Counties, err = b.table(ctx, rd.Values, r.Columns(), counties, month); err != nil {
			return nil, fmt.Errorf("report %s %s: counties: %w", division, month, err)
		}
	}
	if mr != nil {
		if err := b.monitoring(ctx, mr, r, month); err != nil {
			return nil, fmt.Errorf("report %s %s: %w", division, month, err)
		}
	}

	if ar, ok := rd.(AlertReader); ok {
		alerts, err := ar.Alerts(ctx, unit.Code, month)
		switch {
		case errors.Is(err, ErrNotAvailable):
		case err != nil:
			return nil, fmt.Errorf("report %s %s: alerts: %w", division, month, err)
		default:
			r.Alerts, r.AlertsKnown = sortAlerts(alerts), true
		}
	}
	if !r.AlertsKnown {
		r.Notes = append(r.Notes, "alerts")
	}
	if qr, ok := rd.(QualityReader); ok {
		q, err := qr.Quality(ctx, unit.Code, month)
		switch {
		case errors.Is(err, ErrNotAvailable):
		case err != nil:
			return nil, fmt.Errorf("report %s %s: quality: %w", division, month, err)
		default:
			r.Quality = q
		}
	}
	if r.Quality == nil {
		r.Notes = append(r.Notes, "quality")
	}
	if or, ok := rd.(OutlookReader); ok {
		years := b.OutlookYears
		if years <= 0 {
			years = 10
		}
		o, err := or.Outlook(ctx, unit.Code, month, years)
		switch {
		case errors.Is(err, ErrNotAvailable):
		case err != nil:
			return nil, fmt.Errorf("report %s %s: outlook: %w", division, month, err)
		default:
			r.Outlook = o
		}
	}
	if r.Outlook == nil {
		r.Notes = append(r.Notes, "outlook")
	}
	return r, nil
}

// series reads the births and deaths by month.
func (b *Builder) series(ctx context.Context, r *Report, month Month) error {
	n := b.SeriesMonths
	if n <= 0 {
		n = 36
	}
	from := month.Add(-(n - 1))
	births, err := b.Reader.Series(ctx, "births", r.Unit.Code, from, month)
	if err != nil {
		return fmt.Errorf("report %s %s: births series: %w", r.Unit.Code, month, err)
	}
	deaths, err := b.Reader.Series(ctx, "deaths", r.Unit.Code, from, month)
	if err != nil {
		return fmt.Errorf("report %s %s: deaths series: %w", r.Unit.Code, month, err)
	}
	if len(births) != n || len(deaths) != n {
		return fmt.Errorf("report %s %s: series: reader returned %d births and %d deaths values for %d months", r.Unit.Code, month, len(births), len(deaths), n)
	}
	for i := 0; i < n; i++ {
		m := from.Add(i).String()
		// Drop the months before the data starts (both series empty).
		if !births[i].Valid() && !deaths[i].Valid() && len(r.Monthly) == 0 {
			continue
		}
		r.Monthly = append(r.Monthly, MonthPoint{Month: m, Births: births[i], Deaths: deaths[i]})
	}
	return nil
}

// monitoring reads the national report's panel parts: the monitoring
// counties' table and the panel's estimates by province.
func (b *Builder) monitoring(ctx context.Context, mr MonitoringReader, r *Report, month Month) error {
	units, err := mr.MonitoringCounties(ctx)
	if err != nil {
		return fmt.Errorf("monitoring counties: %w", err)
	}
	if r.Monitoring, err = b.table(ctx, mr.MonitoringValues, r.Columns(), units, month); err != nil {
		return fmt.Errorf("monitoring counties: %w", err)
	}
	byCode := map[string]int{}
	for _, c := range PanelDomainColumns {
		fs, err := mr.PanelDomains(ctx, c.Indicator, month.Period(c.Span))
		if err != nil {
			return fmt.Errorf("panel estimates by province: %s: %w", c.Indicator, err)
		}
		for _, f := range fs {
			i, ok := byCode[f.Division]
			if !ok {
				u, err := b.Reader.Unit(ctx, f.Division)
				if err != nil {
					return fmt.Errorf("panel estimates by province: %w", err)
				}
				i = len(r.PanelDomains)
				byCode[f.Division] = i
				r.PanelDomains = append(r.PanelDomains, Row{Unit: u, Figures: map[string]Figure{}})
			}
			r.PanelDomains[i].Figures[c.Key] = f
		}
	}
	return nil
}

// PanelDomainColumns are the panel's estimates by province the national
// report charts.
var PanelDomainColumns = []Column{{"tfr_r12", "tfr", SpanR12}, {"srb_r12", "srb", SpanR12}}

// valuesFunc reads an indicator for units (Reader.Values,
// MonitoringReader.MonitoringValues).
type valuesFunc func(ctx context.Context, ind, period string, divisions []string) ([]Figure, error)

// table reads cols for units with values.
func (b *Builder) table(ctx context.Context, values valuesFunc, cols []Column, units []Unit, month Month) ([]Row, error) {
	if len(units) == 0 {
		return nil, nil
	}
	codes := make([]string, len(units))
	rows := make([]Row, len(units))
	for i, u := range units {
		codes[i] = u.Code
		rows[i] = Row{Unit: u, Figures: make(map[string]Figure, len(cols))}
	}
	for _, c := range cols {
		vs, err := values(ctx, c.Indicator, month.Period(c.Span), codes)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", c.Indicator, month.Period(c.Span), err)
		}
		if len(vs) != len(codes) {
			return nil, fmt.Errorf("%s: reader returned %d values for %d units", c.Indicator, len(vs), len(codes))
		}
		for i, v := range vs {
			rows[i].Figures[c.Key] = v
		}
	}
	return rows, nil
}

// sortAlerts orders alerts by level (red first), then unit and rule, so
// that the report does not depend on the reader's order.
func sortAlerts(as []Alert) []Alert {
	rank := map[string]int{}
	for i, l := range AlertLevels {
		rank[l] = i
	}
	out := append([]Alert(nil), as...)
	sortStable(out, func(a, b Alert) bool {
		if rank[a.Level] != rank[b.Level] {
			return rank[a.Level] < rank[b.Level]
		}
		if a.Division != b.Division {
			return a.Division < b.Division
		}
		return a.Rule < b.Rule
	})
	return out
}
