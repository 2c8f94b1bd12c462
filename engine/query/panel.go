package query

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
)

// MonitoringScope is the store scope of the monitoring-county snapshots.
const MonitoringScope = "monitoring"

// PanelCounty is one monitoring county with its value.
type PanelCounty struct {
	datasets.MonitoringCounty
	Value cube.Value `json:"value"`
}

// PanelEstimate is the weighted estimate of an indicator for a domain (the
// nation, or one province) from the monitoring counties, with its
// linearisation standard error, and the full-data value when a full cube
// of that domain exists.
type PanelEstimate struct {
	Domain    string      `json:"domain"` // "00" (nation) or a province code
	Indicator string      `json:"indicator"`
	Period    string      `json:"period"`
	Counties  int         `json:"counties"`
	Estimate  float64     `json:"estimate"`
	SE        float64     `json:"se"`
	Lower     float64     `json:"lower"`
	Upper     float64     `json:"upper"`
	Full      *cube.Value `json:"full,omitempty"`   // the full-data value of the domain, if a full cube exists
	Covers    *bool       `json:"covers,omitempty"` // whether [Lower, Upper] covers Full.Value
}

// Panel is the monitoring panel for one indicator and period.
type Panel struct {
	Version   int64           `json:"version"`
	Counties  []PanelCounty   `json:"counties"`
	National  PanelEstimate   `json:"national"`
	Provinces []PanelEstimate `json:"provinces"`
}

// panelUnit is what one county contributes to an estimate: y (numerator)
// and x (denominator, 1 for a count), or per-age pairs for TFR.
type panelUnit struct {
	county  datasets.MonitoringCounty
	y, x    float64
	by, px  [50]float64 // TFR: births and female person-years by age
	present bool
}

// Panel returns the monitoring counties' values of an indicator for a
// period, side by side, with the national estimate and one estimate per
// province of the panel. Estimates are Horvitz–Thompson-type: a count is
// Σ wᵢyᵢ; a rate, proportion or ratio is the ratio estimator
// R = Σ wᵢyᵢ / Σ wᵢxᵢ × scale; TFR is Σₓ of the ratio estimators of the
// ASFRs. Standard errors linearise the estimator (zᵢ = wᵢ(yᵢ − R xᵢ)/X)
// and use the stratified with-replacement formula; a stratum with one
// county is merged with the other counties of its province (or, if alone,
// with the other singletons). The counties and weights are those of
// datasets.MonitoringCounties. Version 0 means the newest monitoring cube.
func (e *Engine) Panel(ctx context.Context, indicator, period string, version int64) (*Panel, error) {
	ind, ok := e.cat.Get(indicator)
	if !ok {
		return nil, fmt.Errorf("indicator %q: %w", indicator, ErrUnknownIndic)
	}
	if ind.Kind == models.KindMethod && ind.Method != "tfr" {
		return nil, fmt.Errorf("panel estimate of %s (method %s): %w", ind.ID, ind.Method, ErrNotComputed)
	}
	ptype, label, err := cube.ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	run, err := e.scopeRun(MonitoringScope, version)
	if err != nil {
		return nil, err
	}
	panel := datasets.MonitoringCounties()
	p := &Panel{Version: run.Version}
	var units []panelUnit
	var read map[string][]cube.MeasureRow // every county in one query, without the in-memory index
	if run.ix == nil {
		if read, err = e.panelMeasuresAll(ctx, run, ptype, label); err != nil {
			return nil, fmt.Errorf("panel: %w", err)
		}
	}
	for _, mc := range panel {
		u := panelUnit{county: mc}
		mrows := read[mc.Code]
		if read == nil {
			if mrows, err = e.panelMeasures(ctx, run, mc.Code, ptype, label); err != nil {
				return nil, fmt.Errorf("panel: %w", err)
			}
		}
		pc := PanelCounty{MonitoringCounty: mc}
		pc.Value = cube.Value{Version: run.Version, Scope: run.Scope, Indicator: ind.ID, Division: mc.Code, Level: models.LevelCounty, PeriodType: ptype, Period: label,
			Value: nan, Lower: nan, Upper: nan, Numerator: nan, Denominator: nan, Flag: cube.FlagEmpty}
		if len(mrows) == 1 {
			u.present = true
			c := mrows[0].Counts
			if ind.Kind == models.KindMethod {
				if err := e.panelAges(ctx, run, ind, &u, &pc, ptype, label); err != nil {
					return nil, fmt.Errorf("panel: %w", err)
				}
			} else {
				v, err := cube.Derive(ind, c)
				if err != nil {
					return nil, err
				}
				pc.Value = v
				u.y = c.Get(ind.Numerator)
				u.x = 1
				if ind.Kind != models.KindCount {
					u.x = c.Get(ind.Denominator)
				}
			}
			pc.Value.Version, pc.Value.Division, pc.Value.Level, pc.Value.PeriodType, pc.Value.Period = run.Version, mc.Code, models.LevelCounty, ptype, label
			pc.Value.Scope = run.Scope
		}
		p.Counties = append(p.Counties, pc)
		units = append(units, u)
	}
	p.National = estimate(ind, units)
	p.National.Domain, p.National.Period = models.NationCode, label
	byProv := map[string][]panelUnit{}
	for _, u := range units {
		byProv[u.county.Province] = append(byProv[u.county.Province], u)
	}
	provs := make([]string, 0, len(byProv))
	for pr := range byProv {
		provs = append(provs, pr)
	}
	sort.Strings(provs)
	for _, pr := range provs {
		est := estimate(ind, byProv[pr])
		est.Domain, est.Period = pr, label
		if fr := e.fullRun(pr, run.Version); fr == nil {
			// no full-data cube of this province
		} else if full, err := e.Value(ctx, Key{Indicator: ind.ID, Division: pr, Period: label, Version: fr.Version}); err == nil {
			f := full
			est.Full = &f
			c := est.Lower <= f.Value && f.Value <= est.Upper
			est.Covers = &c
		}
		p.Provinces = append(p.Provinces, est)
	}
	return p, nil
}

// panelMeasures returns the measure row of a county and period (none
// when the county has no data), from memory when the cube is there.
func (e *Engine) panelMeasures(ctx context.Context, run *Run, county, ptype, period string) ([]cube.MeasureRow, error) {
	if run.ix != nil {
		if c, present, ok := run.ix.counts(county, period, nil); ok {
			if !present {
				return nil, nil
			}
			return []cube.MeasureRow{{Division: county, Level: models.LevelCounty, PeriodType: ptype, Period: period, Counts: c}}, nil
		}
	}
	rows, err := e.measureStmt.QueryContext(ctx, run.Version, county, ptype, period)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return cube.ScanMeasureRows(rows)
}

// panelMeasuresAll reads the county measure rows of run for one period
// in one query, keyed by county code.
func (e *Engine) panelMeasuresAll(ctx context.Context, run *Run, ptype, period string) (map[string][]cube.MeasureRow, error) {
	rows, err := e.db.QueryContext(ctx, `SELECT `+cube.MeasureSelect()+` FROM cube.measures
		WHERE version = ? AND level = ? AND ptype = ? AND period = ?`, run.Version, int(models.LevelCounty), ptype, period)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	all, err := cube.ScanMeasureRows(rows)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]cube.MeasureRow, len(all))
	for _, r := range all {
		out[r.Division] = append(out[r.Division], r)
	}
	return out, nil
}

// panelAges fills the TFR inputs of u (births and female person-years by
// age) and the county's value pc of the age method ind.
func (e *Engine) panelAges(ctx context.Context, run *Run, ind models.Indicator, u *panelUnit, pc *PanelCounty, ptype, period string) error {
	county := u.county.Code
	if run.ix != nil && ind.Method == "tfr" {
		if a := run.ix.age(county, period); a != nil {
			u.by, u.px = a.births, a.pyF
		}
		vs, ok := run.ix.stored(ind.ID, []string{county}, ptype, period)
		if ok && len(vs) > 0 {
			pc.Value = vs[0]
			return nil
		}
	}
	a, _, err := cube.ReadAges(ctx, e.db, run.Version, county, ptype, period)
	if err != nil {
		return err
	}
	for x := 15; x <= 49; x++ {
		u.by[x], u.px[x] = a.Births[x], a.PY[2][x]
	}
	vs, err := cube.Methods(ind, a)
	if err != nil {
		return err
	}
	pc.Value = vs[0]
	return nil
}

// scopeRun returns the cube of version, or the newest cube of scope.
func (e *Engine) scopeRun(scope string, version int64) (*Run, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, r := range e.runs {
		if (version != 0 && r.Version == version) || (version == 0 && r.Scope == scope) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("scope %s: %w", scope, ErrNoCube)
}

// fullRun returns the current cube other than the panel's that covers
// province completely, or nil.
func (e *Engine) fullRun(province string, panel int64) *Run {
	r, err := e.run(0, province)
	if err != nil || r.Version == panel || r.Scope == MonitoringScope {
		return nil
	}
	return r
}

// estimate computes the weighted estimate of ind over units.
func estimate(ind models.Indicator, units []panelUnit) PanelEstimate {
	est := PanelEstimate{Indicator: ind.ID, Estimate: nan, SE: nan, Lower: nan, Upper: nan}
	var in []panelUnit
	for _, u := range units {
		if u.present {
			in = append(in, u)
		}
	}
	est.Counties = len(in)
	if len(in) == 0 {
		return est
	}
	z := make([]float64, len(in))
	var P [50]float64 // TFR: weighted woman-years by age
	switch {
	case ind.Kind == models.KindMethod: // TFR: Σₓ Rₓ with Rₓ = Σ w b / Σ w p
		var R [50]float64
		tfr := 0.0
		for x := 15; x <= 49; x++ {
			var B float64
			for _, u := range in {
				B += u.county.Weight * u.by[x]
				P[x] += u.county.Weight * u.px[x]
			}
			if P[x] > 0 {
				R[x] = B / P[x]
				tfr += R[x]
			}
		}
		for i, u := range in {
			for x := 15; x <= 49; x++ {
				if P[x] > 0 {
					z[i] += u.county.Weight * (u.by[x] - R[x]*u.px[x]) / P[x]
				}
			}
		}
		est.Estimate = tfr
	default:
		var Y, X float64
		for _, u := range in {
			Y += u.county.Weight * u.y
			X += u.county.Weight * u.x
		}
		if ind.Kind == models.KindCount {
			est.Estimate = Y
			for i, u := range in {
				z[i] = u.county.Weight * u.y
			}
		} else {
			if !(X > 0) {
				return est
			}
			R := Y / X
			est.Estimate = R * ind.Scale
			for i, u := range in {
				z[i] = u.county.Weight * (u.y - R*u.x) / X * ind.Scale
			}
		}
	}
	est.SE = math.Sqrt(stratifiedVariance(in, z))
	est.Lower, est.Upper = est.Estimate-1.959963984540054*est.SE, est.Estimate+1.959963984540054*est.SE
	if est.Estimate == 0 {
		// No event in the domain: the linearised SE is 0. Use the exact
		// Poisson upper limit of a zero count (3.69) at the largest weight;
		// for TFR, the gamma limit of zero births at every age with the
		// weights wmax/Pₓ (cube.WeightedPoisson, as the cube's TFR).
		var X, wmax float64
		for _, u := range in {
			X += u.county.Weight * u.x
			wmax = math.Max(wmax, u.county.Weight)
		}
		_, hi := cube.PoissonExact(0)
		est.Lower, est.Upper = 0, hi*wmax
		switch {
		case ind.Kind == models.KindMethod:
			var w []float64
			for x := 15; x <= 49; x++ {
				if P[x] > 0 {
					w = append(w, wmax/P[x])
				}
			}
			_, est.Upper = cube.WeightedPoisson(w, make([]float64, len(w)))
		case ind.Kind != models.KindCount && X > 0:
			est.Upper = hi * wmax / X * ind.Scale
		}
	}
	return est
}

// stratifiedVariance returns Σ_h n_h/(n_h−1) Σ_i (z_i − z̄_h)², the
// with-replacement variance of Σ z_i, with singleton strata merged.
func stratifiedVariance(units []panelUnit, z []float64) float64 {
	size := map[string]int{}
	for _, u := range units {
		size[u.county.Stratum]++
	}
	stratum := make([]string, len(units))
	provSize := map[string]int{}
	for i, u := range units {
		stratum[i] = u.county.Stratum
		if size[stratum[i]] == 1 {
			stratum[i] = "prov:" + u.county.Province
			provSize[u.county.Province]++
		}
	}
	for i, u := range units {
		if stratum[i] == "prov:"+u.county.Province && provSize[u.county.Province] == 1 {
			stratum[i] = "singletons"
		}
	}
	groups := map[string][]float64{}
	for i := range units {
		groups[stratum[i]] = append(groups[stratum[i]], z[i])
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a fixed order: the same SE to the last bit on every call
	v := 0.0
	for _, k := range keys {
		g := groups[k]
		n := float64(len(g))
		if n < 2 {
			continue
		}
		mean := sum(g) / n
		ss := 0.0
		for _, x := range g {
			ss += (x - mean) * (x - mean)
		}
		v += n / (n - 1) * ss
	}
	return v
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
