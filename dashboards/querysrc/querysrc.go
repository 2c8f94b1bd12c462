// Package querysrc adapts engine/query, the one read API of the indicator
// cube, to dashboards.Source, and the monthly report archive of
// dashboards/report to dashboards.ReportArchive. It is the only place the
// dashboards meet the engine; it imports engine/query and nothing below it.
//
// Alerts are read from engine/alerts, data-quality measures from the
// indicators engine/quality and engine/linkage store in the cube, and
// worklist items (masked, with status updates and audited reveals) from
// engine/linkage; without a store (WithStore) or PII keys (WithKeys) those
// are reported as dashboards.ErrNotAvailable. Snapshots lists the store's
// published versions with their load reports and quarantine summaries
// (WithLoads; without it, only the versions with a cube).
package querysrc

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/projinput"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// Source is a dashboards.Source reading from a query engine.
type Source struct {
	eng    *query.Engine
	tree   *models.DivisionTree
	loads  LoadCatalog         // nil: Snapshots lists the cube runs only
	st     *store.Store        // alerts and worklists (WithStore); nil: not available
	keys   *pii.Keys           // worklist masking and reveals (WithKeys); nil: not available
	reveal models.RevealPolicy // what a reveal needs (WithRevealPolicy)
}

// New returns a source over eng; tree is the division tree the data is
// keyed by (datasets.Divisions()).
func New(eng *query.Engine, tree *models.DivisionTree) *Source {
	return &Source{eng: eng, tree: tree}
}

// Divisions implements dashboards.Source.
func (s *Source) Divisions() *models.DivisionTree { return s.tree }

// Catalog implements dashboards.Source.
func (s *Source) Catalog() *models.Catalog { return s.eng.Catalog() }

// runs returns the cube runs by version.
func (s *Source) runs() map[int64]query.Run {
	m := map[int64]query.Run{}
	for _, r := range s.eng.Runs() {
		m[r.Version] = r
	}
	return m
}

// LatestPeriod is the last month of the newest provincial cube.
func (s *Source) LatestPeriod(ctx context.Context) (dashboards.Period, error) {
	for _, r := range s.eng.Runs() {
		if r.Scope == query.MonitoringScope {
			continue
		}
		ps, err := s.eng.Periods(ctx, r.Version, "month")
		if err != nil {
			return "", err
		}
		if len(ps) > 0 {
			return dashboards.Period(ps[len(ps)-1]), nil
		}
	}
	return "", fmt.Errorf("no cube has been built: %w", dashboards.ErrNotAvailable)
}

func fin(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// value converts the fields of a cube value.
func value(runs map[int64]query.Run, ind, unit string, p dashboards.Period, version int64, v, lo, hi, num, den float64) dashboards.Value {
	out := dashboards.Value{Indicator: ind, Unit: unit, Period: p, Value: fin(v), Lo: fin(lo), Hi: fin(hi), Numerator: fin(num), Denominator: fin(den)}
	if r, ok := runs[version]; ok {
		out.Lineage = dashboards.Lineage{Version: version, Scope: r.Scope, Snapshot: r.Scope + " " + r.AsOf.Format("2006-01-02"), Computed: r.BuiltAt}
	}
	return out
}

// withReliability sets the reliability flag (engine/cube's rule) and the
// provisional fields (engine/nowcast) of a value converted from v.
func withReliability(d dashboards.Value, v cube.Value) dashboards.Value {
	d.Unreliable, d.ReliabilityReason = v.Unreliable, v.ReliabilityReason
	if v.Provisional {
		d.Provisional, d.Registered, d.Nowcast, d.NowcastLower, d.NowcastUpper = true, fin(v.Registered), fin(v.Nowcast), fin(v.NowcastLower), fin(v.NowcastUpper)
	}
	return d
}

// version picks the cube a unit is read from: engine/query's current cube
// of a scope that covers the unit completely (the province's own scope for
// a province and anything in it; the monitoring panel's cube for a county
// of the panel in a province without one). ok is false when no loaded
// scope covers the unit completely: the monitoring cube holds only a
// sample of a province's counties and would give partial sums.
func (s *Source) version(unit string) (v int64, ok bool) {
	r, err := s.eng.Current(unit)
	if err != nil {
		return 0, false
	}
	return r.Version, true
}

// missing reports errors that mean "no value here" rather than failure.
func missing(err error) bool {
	return errors.Is(err, query.ErrNoCube) || errors.Is(err, query.ErrPartialScope) || errors.Is(err, query.ErrNotFound) || errors.Is(err, query.ErrNotComputed) || errors.Is(err, query.ErrBadDivision)
}

// Values implements dashboards.Source. Units of one level are read with
// one query over their longest common division prefix; the nation has a
// cube value only on a national node (its merged cube, engine/exchange).
func (s *Source) Values(ctx context.Context, ind string, units []string, p dashboards.Period) ([]dashboards.Value, error) {
	if _, ok := s.eng.Catalog().Get(ind); !ok {
		return nil, fmt.Errorf("indicator %q: %w", ind, dashboards.ErrNotFound)
	}
	runs := s.runs()
	out := make([]dashboards.Value, len(units))
	for i, u := range units {
		out[i] = dashboards.Value{Indicator: ind, Unit: u, Period: p}
	}
	groups := map[string][]int{} // level|province → indexes
	for i, u := range units {
		if len(u) < 2 {
			continue
		}
		k := fmt.Sprintf("%d|%s", len(u), u[:2])
		groups[k] = append(groups[k], i)
	}
	for _, idx := range groups {
		if len(idx) == 1 {
			u := units[idx[0]]
			ver, ok := s.version(u)
			if !ok {
				continue
			}
			v, err := s.eng.Value(ctx, query.Key{Indicator: ind, Division: u, Period: string(p), Version: ver})
			if err != nil {
				if missing(err) {
					continue
				}
				return nil, fmt.Errorf("%s of %s in %s: %w", ind, u, p, err)
			}
			out[idx[0]] = withReliability(value(runs, ind, u, p, v.Version, v.Value, v.Lower, v.Upper, v.Numerator, v.Denominator), v)
			continue
		}
		prefix := units[idx[0]]
		for _, i := range idx[1:] {
			prefix = commonPrefix(prefix, units[i])
		}
		within := prefix[:codeLenAtMost(len(prefix))]
		lvl, err := models.LevelOfCode(units[idx[0]])
		if err != nil {
			return nil, err
		}
		if l, _ := models.LevelOfCode(within); l == lvl {
			within = within[:codeLenAtMost(len(within)-1)]
		}
		ver, ok := s.version(units[idx[0]])
		if !ok {
			continue
		}
		vs, err := s.eng.Table(ctx, ind, lvl, within, string(p), ver)
		if err != nil {
			if missing(err) {
				continue
			}
			return nil, fmt.Errorf("%s of %d units within %s in %s: %w", ind, len(idx), within, p, err)
		}
		pos := map[string]int{}
		for _, i := range idx {
			pos[units[i]] = i
		}
		for _, v := range vs {
			if i, ok := pos[v.Division]; ok && v.Breakdown == "" {
				out[i] = withReliability(value(runs, ind, units[i], p, v.Version, v.Value, v.Lower, v.Upper, v.Numerator, v.Denominator), v)
			}
		}
	}
	return out, nil
}

func commonPrefix(a, b string) string {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return a[:i]
}

// codeLenAtMost returns the longest short-code length ≤ n (at least 2).
func codeLenAtMost(n int) int {
	for _, l := range []int{12, 9, 6, 4, 2} {
		if l <= n {
			return l
		}
	}
	return 2
}

// Series implements dashboards.Source: the months from..to, each present
// once (nil values where the cube has none).
func (s *Source) Series(ctx context.Context, ind, unit string, from, to dashboards.Period) ([]dashboards.Value, error) {
	runs := s.runs()
	var out []dashboards.Value
	idx := map[dashboards.Period]int{}
	for p := from; p <= to; p = p.Shift(1) {
		idx[p] = len(out)
		out = append(out, dashboards.Value{Indicator: ind, Unit: unit, Period: p})
	}
	ver, ok := s.version(unit)
	if !ok {
		return out, nil
	}
	vs, err := s.eng.Series(ctx, query.Key{Indicator: ind, Division: unit, Version: ver}, from.Kind().EngineType())
	if err != nil {
		if missing(err) {
			return out, nil
		}
		return nil, fmt.Errorf("series of %s for %s: %w", ind, unit, err)
	}
	for _, v := range vs {
		if i, ok := idx[dashboards.Period(v.Period)]; ok && v.Breakdown == "" {
			out[i] = withReliability(value(runs, ind, unit, out[i].Period, v.Version, v.Value, v.Lower, v.Upper, v.Numerator, v.Denominator), v)
		}
	}
	return out, nil
}

// Pyramid implements dashboards.Source (single years 0–99 and 100+).
func (s *Source) Pyramid(ctx context.Context, unit string, p dashboards.Period) (dashboards.Pyramid, error) {
	ver, ok := s.version(unit)
	if !ok {
		return dashboards.Pyramid{}, fmt.Errorf("pyramid of %s: no cube of the province: %w", unit, dashboards.ErrNotAvailable)
	}
	py, err := s.eng.Pyramid(ctx, unit, string(p), ver)
	if err != nil {
		if missing(err) {
			return dashboards.Pyramid{}, fmt.Errorf("pyramid of %s: %w", unit, dashboards.ErrNotAvailable)
		}
		return dashboards.Pyramid{}, err
	}
	out := dashboards.Pyramid{Unit: unit, Period: p}
	for x := range py.Male {
		out.Ages = append(out.Ages, x)
		out.Male = append(out.Male, py.Male[x])
		out.Female = append(out.Female, py.Female[x])
	}
	return out, nil
}

// Panel implements dashboards.Source from the monitoring cube.
func (s *Source) Panel(ctx context.Context, ind string, p dashboards.Period) ([]dashboards.Value, dashboards.Value, error) {
	pn, err := s.eng.Panel(ctx, ind, string(p), 0)
	if err != nil {
		if missing(err) {
			return nil, dashboards.Value{}, fmt.Errorf("monitoring panel: %v: %w", err, dashboards.ErrNotAvailable)
		}
		return nil, dashboards.Value{}, err
	}
	runs := s.runs()
	var out []dashboards.Value
	for _, c := range pn.Counties {
		v := c.Value
		out = append(out, withReliability(value(runs, ind, c.Code, p, v.Version, v.Value, v.Lower, v.Upper, v.Numerator, v.Denominator), v))
	}
	n := pn.National
	nat := value(runs, ind, models.NationCode, p, pn.Version, n.Estimate, n.Lower, n.Upper, math.NaN(), math.NaN())
	return out, nat, nil
}

// ProjectionInput builds the projection input of unit with
// projinput.FromStore, the one builder `padis project --division`, the
// report and the projection alerts use too, with its defaults (the
// snapshot's as-of date, a 3-year window of events, migration included):
// from the version the dashboards read for unit's province, else the
// newest version covering unit. It needs the store (WithStore).
func (s *Source) ProjectionInput(ctx context.Context, unit string) (*projections.Input, error) {
	if s.st == nil {
		return nil, fmt.Errorf("projection input of %s: no store: %w", unit, dashboards.ErrNotAvailable)
	}
	v, _ := s.version(unit)
	if v == 0 {
		lv, err := projinput.LatestVersion(ctx, s.st, unit)
		if errors.Is(err, store.ErrNoVersion) {
			return nil, fmt.Errorf("projection input of %s: %v: %w", unit, err, dashboards.ErrNotAvailable)
		}
		if err != nil {
			return nil, err
		}
		v = lv.ID
	}
	in, _, err := projinput.FromStore(ctx, s.st, v, unit, projinput.Options{})
	if err != nil {
		return nil, fmt.Errorf("projection input of %s: %w", unit, err)
	}
	return in, nil
}
