// Package querysource adapts engine/query, the one read API of the
// indicator cube, to report.Reader, so that every number of the monthly
// report is the API's number.
//
// The one thing the API does not offer is a year-to-date period
// ("YTD-YYYY-MM", January to that month). Source answers it from the API's
// monthly values: it sums the monthly base counts (the numerators and
// denominators the API returns, all additive flow measures, as the cube's
// own roll-up of months into quarters and years does) and derives the
// indicator from the sums with cube.Derive, the cube's own formula and
// interval code. Stock indicators have no year-to-date value, nor has a
// year whose January precedes the snapshot's data.
package querysource

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Source is a report.Reader and report.QualityReader over a query engine.
// It is meant for one report at a time (the Scheduler builds reports one
// after the other); it is not safe for concurrent use.
type Source struct {
	Engine *query.Engine
	Tree   *models.DivisionTree
	// Version pins the snapshot version; 0 means the newest cube covering
	// each division, fixed at the first question about its province.
	Version int64
	// Store, when set, gives the load's quarantine counts for the data
	// quality section.
	Store *store.Store

	versions map[string]query.Run // by province code
	// tables caches level tables for the duration of one report: the
	// year-to-date sums read the same monthly tables several times.
	// Snapshot, which the builder calls first, clears it.
	tables map[tableKey]map[string]cube.Value
	// panels caches the API's monitoring panels for one report, and
	// panelSource answers for the monitoring counties from the panel's
	// cube (the national report).
	panels      map[tableKey]*query.Panel
	panelSource *Source
}

type tableKey struct {
	ind, period, prov string
	level             models.Level
	version           int64
}

// New returns a source over eng with the division names of tree.
func New(eng *query.Engine, tree *models.DivisionTree) *Source {
	return &Source{Engine: eng, Tree: tree}
}

var _ report.Reader = (*Source)(nil)
var _ report.QualityReader = (*Source)(nil)

// run returns the cube the source answers from for division.
func (s *Source) run(division string) (query.Run, error) {
	if division == models.NationCode {
		return s.panelRun()
	}
	if len(division) < 2 {
		return query.Run{}, fmt.Errorf("division %q: %w", division, query.ErrBadDivision)
	}
	prov := division[:2]
	if r, ok := s.versions[prov]; ok {
		return r, nil
	}
	for _, r := range s.Engine.Runs() {
		if (s.Version != 0 && r.Version == s.Version) || (s.Version == 0 && r.Scope == prov) {
			if s.versions == nil {
				s.versions = map[string]query.Run{}
			}
			s.versions[prov] = r
			return r, nil
		}
	}
	if s.Version != 0 {
		return query.Run{}, fmt.Errorf("version %d: %w", s.Version, query.ErrNoCube)
	}
	return query.Run{}, fmt.Errorf("division %s: %w", division, query.ErrNoCube)
}

// Snapshot returns the cube's version and "scope as-of". The builder calls
// it first: it starts a new report, so the newest cube is looked up again
// (after a load and the engine's Reload, the next report uses the new
// version) and the table cache is emptied.
func (s *Source) Snapshot(_ context.Context, division string) (int64, string, error) {
	s.versions, s.tables, s.panels, s.panelSource = nil, nil, nil, nil
	r, err := s.run(division)
	if err != nil {
		return 0, "", err
	}
	return r.Version, r.Scope + " " + r.AsOf.Format("2006-01-02"), nil
}

// Unit returns the unit's names from the division tree.
func (s *Source) Unit(_ context.Context, code string) (report.Unit, error) {
	d, err := s.Tree.Get(code)
	if err != nil {
		return report.Unit{}, err
	}
	full, err := s.Tree.FullName(d.Code)
	if err != nil {
		full = d.Name
	}
	return report.Unit{Code: d.Code, Name: d.Name, FullName: full, Level: d.Level}, nil
}

// Children returns the unit's children in the division tree, by code;
// for the nation, the provinces whose full data are loaded.
func (s *Source) Children(ctx context.Context, code string) ([]report.Unit, error) {
	if code == models.NationCode {
		return s.fullProvinces(ctx)
	}
	ds, err := s.Tree.Children(code)
	if err != nil {
		return nil, err
	}
	out := make([]report.Unit, 0, len(ds))
	for _, d := range ds {
		full, err := s.Tree.FullName(d.Code)
		if err != nil {
			full = d.Name
		}
		out = append(out, report.Unit{Code: d.Code, Name: d.Name, FullName: full, Level: d.Level})
	}
	return out, nil
}

// figure converts an API value.
func figure(v cube.Value) report.Figure {
	f := report.Figure{Indicator: v.Indicator, Division: v.Division, Period: v.Period, Version: v.Version,
		Value: v.Value, Lower: v.Lower, Upper: v.Upper, Numerator: v.Numerator, Denominator: v.Denominator, Flag: v.Flag, Provisional: v.Provisional}
	if v.Provisional && !math.IsNaN(v.Nowcast) && !math.IsInf(v.Nowcast, 0) {
		f.Registered, f.Nowcast = v.Registered, v.Nowcast
	}
	return f
}

// absent reports whether err means "no value" rather than a failure.
func absent(err error) bool {
	return errors.Is(err, query.ErrNotFound) || errors.Is(err, query.ErrNotComputed)
}

// Values returns ind in period for each division; for the nation, the
// monitoring panel's estimate.
func (s *Source) Values(ctx context.Context, ind, period string, divisions []string) ([]report.Figure, error) {
	if len(divisions) == 1 && divisions[0] == models.NationCode {
		f, err := s.national(ctx, ind, period)
		if err != nil {
			return nil, err
		}
		return []report.Figure{f}, nil
	}
	for _, d := range divisions {
		if d == models.NationCode {
			return nil, fmt.Errorf("values of %s: ask for the nation alone", ind)
		}
	}
	if rest, ok := strings.CutPrefix(period, "YTD-"); ok {
		m, err := report.ParseMonth(rest)
		if err != nil {
			return nil, fmt.Errorf("period %q: %w", period, err)
		}
		return s.ytd(ctx, ind, m, divisions)
	}
	return s.direct(ctx, ind, period, divisions)
}

// ytdMonth returns the month of a year-to-date period label.
func ytdMonth(period string) (report.Month, bool) {
	rest, ok := strings.CutPrefix(period, "YTD-")
	if !ok {
		return report.Month{}, false
	}
	m, err := report.ParseMonth(rest)
	return m, err == nil
}

// direct reads a period the API knows: one value, or a level table per
// province and level when several units are asked for.
func (s *Source) direct(ctx context.Context, ind, period string, divisions []string) ([]report.Figure, error) {
	out := make([]report.Figure, len(divisions))
	if len(divisions) == 1 {
		r, err := s.run(divisions[0])
		if err != nil {
			return nil, err
		}
		v, err := s.Engine.Value(ctx, query.Key{Indicator: ind, Division: divisions[0], Period: period, Version: r.Version})
		switch {
		case absent(err):
			out[0] = report.Missing(ind, divisions[0], period)
			out[0].Version = r.Version
		case err != nil:
			return nil, err
		default:
			out[0] = figure(v)
		}
		return out, nil
	}
	if s.tables == nil {
		s.tables = map[tableKey]map[string]cube.Value{}
	}
	for i, d := range divisions {
		r, err := s.run(d)
		if err != nil {
			return nil, err
		}
		lvl, err := models.LevelOfCode(d)
		if err != nil {
			return nil, err
		}
		g := tableKey{ind, period, d[:2], lvl, r.Version}
		vals, ok := s.tables[g]
		if !ok {
			vs, err := s.Engine.Table(ctx, ind, lvl, g.prov, period, r.Version)
			if err != nil && !absent(err) {
				return nil, err
			}
			vals = make(map[string]cube.Value, len(vs))
			for _, v := range vs {
				if v.Breakdown == "" {
					vals[v.Division] = v
				}
			}
			s.tables[g] = vals
		}
		if v, ok := vals[d]; ok {
			out[i] = figure(v)
		} else {
			out[i] = report.Missing(ind, d, period)
			out[i].Version = r.Version
		}
	}
	return out, nil
}

// ytdParts are, for each indicator the report asks year to date, the
// measures it is derived from and which API value supplies each: the
// indicator whose monthly numerator or denominator is that measure.
var ytdParts = map[string][]struct {
	measure, from string
	den           bool
}{
	"births": {{"births", "births", false}},
	"deaths": {{"deaths", "deaths", false}},
	"cbr":    {{"births", "cbr", false}, {"person_years", "cbr", true}},
	"cdr":    {{"deaths", "cdr", false}, {"person_years", "cdr", true}},
	"rni":    {{"births", "births", false}, {"deaths", "deaths", false}, {"person_years", "cbr", true}},
	"srb":    {{"births_male", "srb", false}, {"births_female", "srb", true}},
	"imr":    {{"infant_deaths", "imr", false}, {"births", "imr", true}},
}

// ytd sums the monthly parts of ind from January to m and derives it.
func (s *Source) ytd(ctx context.Context, ind string, m report.Month, divisions []string) ([]report.Figure, error) {
	cat := s.Engine.Catalog()
	def, ok := cat.Get(ind)
	if !ok {
		return nil, fmt.Errorf("indicator %q: %w", ind, query.ErrUnknownIndic)
	}
	parts, ok := ytdParts[ind]
	if !ok {
		return nil, fmt.Errorf("indicator %s has no year-to-date value in the report source (only flows: %s)", ind, strings.Join(ytdIndicators(), ", "))
	}
	period := m.YTD()
	if len(divisions) == 0 {
		return nil, nil
	}
	// A year whose January precedes the data has no year-to-date value:
	// absent months would be taken for empty ones.
	r0, err := s.run(divisions[0])
	if err != nil {
		return nil, err
	}
	if ps := r0.PeriodStart; ps.Year() > m.Year || (ps.Year() == m.Year && (ps.Month() > 1 || ps.Day() > 1)) {
		out := make([]report.Figure, len(divisions))
		for i, d := range divisions {
			out[i] = report.Missing(ind, d, period)
			out[i].Version = r0.Version
		}
		return out, nil
	}
	counts := make([]cube.Counts, len(divisions))
	complete := make([]bool, len(divisions))
	seen := make([]bool, len(divisions)) // a value in some month
	for i := range counts {
		counts[i] = make(cube.Counts, len(models.Measures))
		for j := range counts[i] {
			counts[i][j] = math.NaN()
		}
		complete[i] = true
	}
	for _, p := range parts {
		idx := cube.MeasureIndex(p.measure)
		for i := range counts {
			counts[i][idx] = 0
		}
		for i := 1; i <= m.Month; i++ {
			mo := report.Month{Year: m.Year, Month: i}
			vs, err := s.direct(ctx, p.from, mo.String(), divisions)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", ind, period, err)
			}
			for i, v := range vs {
				x := v.Numerator
				if p.den {
					x = v.Denominator
				}
				if v.Valid() || !math.IsNaN(v.Numerator) {
					seen[i] = true
				}
				if math.IsNaN(x) {
					// A unit with no value in a month: an empty month (no
					// residents, no events) adds nothing; a value without
					// its parts makes the sum unknown.
					if v.Valid() {
						complete[i] = false
					}
					continue
				}
				counts[i][idx] += x
			}
		}
	}
	out := make([]report.Figure, len(divisions))
	for i, d := range divisions {
		r, err := s.run(d)
		if err != nil {
			return nil, err
		}
		if !complete[i] || !seen[i] {
			out[i] = report.Missing(ind, d, period)
			out[i].Version = r.Version
			continue
		}
		v, err := cube.Derive(def, counts[i])
		if err != nil {
			return nil, fmt.Errorf("%s %s %s: %w", ind, d, period, err)
		}
		f := figure(v)
		f.Division, f.Period, f.Version = d, period, r.Version
		out[i] = f
	}
	return out, nil
}

func ytdIndicators() []string {
	var ids []string
	for id := range ytdParts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Series returns ind for division for each month from..to; months without
// a value are Missing.
func (s *Source) Series(ctx context.Context, ind, division string, from, to report.Month) ([]report.Figure, error) {
	if division == models.NationCode {
		return s.nationalSeries(ctx, ind, from, to)
	}
	r, err := s.run(division)
	if err != nil {
		return nil, err
	}
	vs, err := s.Engine.Series(ctx, query.Key{Indicator: ind, Division: division, Version: r.Version}, cube.PeriodMonth)
	if err != nil && !absent(err) {
		return nil, err
	}
	byMonth := map[string]cube.Value{}
	for _, v := range vs {
		if v.Breakdown == "" {
			byMonth[v.Period] = v
		}
	}
	var out []report.Figure
	for m := from; m.String() <= to.String(); m = m.Add(1) {
		if v, ok := byMonth[m.String()]; ok {
			out = append(out, figure(v))
		} else {
			f := report.Missing(ind, division, m.String())
			f.Version = r.Version
			out = append(out, f)
		}
	}
	return out, nil
}

// Pyramid returns the population by sex and 5-year age group (0–4 …
// 95–99, 100+) at the end of month; report.ErrNotAvailable when the cube
// has no age table for that unit and month.
func (s *Source) Pyramid(ctx context.Context, division string, month report.Month) (*report.Pyramid, error) {
	if division == models.NationCode {
		return nil, fmt.Errorf("pyramid of the nation: the monitoring panel gives no population by age: %w", report.ErrNotAvailable)
	}
	r, err := s.run(division)
	if err != nil {
		return nil, err
	}
	p, err := s.Engine.Pyramid(ctx, division, month.String(), r.Version)
	if absent(err) {
		return nil, fmt.Errorf("pyramid %s %s: %w", division, month, report.ErrNotAvailable)
	}
	if err != nil {
		return nil, err
	}
	male, female := p.FiveYear()
	out := &report.Pyramid{Period: month.String()}
	for g := range male {
		out.Ages = append(out.Ages, g*5)
	}
	out.Male, out.Female = male[:], female[:]
	return out, nil
}

// Quality returns the data quality of the month for the unit: the
// catalog's quality indicators, registration timeliness and worklist
// sizes as the API gives them (engine/quality and engine/linkage store
// theirs in the cube for every level; a measure not yet computed is
// Missing), and, when Store is set, the load counts of the snapshot by
// table and by quarantine reason. For the nation: the panel's estimate
// of timeliness and the panel snapshot's load.
func (s *Source) Quality(ctx context.Context, division string, month report.Month) (*report.Quality, error) {
	r, err := s.run(division)
	if err != nil {
		return nil, err
	}
	cat := s.Engine.Catalog()
	one := []string{division}
	read := func(ind string) (report.Figure, error) {
		if division == models.NationCode {
			if def, _ := cat.Get(ind); def.Kind == models.KindStored {
				f := report.Missing(ind, division, month.String())
				f.Version = r.Version
				return f, nil // stored per unit; the panel does not estimate them
			}
			return s.national(ctx, ind, month.String())
		}
		fs, err := s.direct(ctx, ind, month.String(), one)
		if err != nil {
			return report.Figure{}, err
		}
		return fs[0], nil
	}
	// readAll reads the indicators of ids the catalog has.
	readAll := func(ids []string) ([]report.Figure, error) {
		var out []report.Figure
		for _, id := range ids {
			if _, ok := cat.Get(id); !ok {
				continue
			}
			f, err := read(id)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
		return out, nil
	}
	worklists := make([]string, len(report.WorklistKinds))
	for i, k := range report.WorklistKinds {
		worklists[i] = "worklist_" + k
	}
	q := &report.Quality{Snapshot: r.Version}
	if q.Measures, err = readAll(report.QualityIndicators); err != nil {
		return nil, err
	}
	if q.Timeliness, err = read(report.TimelinessIndicator); err != nil {
		return nil, err
	}
	if q.Worklists, err = readAll(worklists); err != nil {
		return nil, err
	}
	if s.Store != nil {
		v, err := s.Store.Version(ctx, r.Version)
		if err != nil {
			return nil, fmt.Errorf("load of version %d: %w", r.Version, err)
		}
		for _, t := range v.Tables {
			q.Load = append(q.Load, report.LoadTable{Table: t.Table, RowsIn: t.RowsIn, Accepted: t.Accepted, Quarantined: t.Quarantined, Flagged: t.Flagged})
		}
		rcs, err := s.Store.QuarantineSummary(ctx, r.Version)
		if err != nil {
			return nil, err
		}
		for _, rc := range rcs {
			qr := report.QuarantineReason{Table: rc.Table, Reason: rc.Reason, Action: rc.Action, Count: rc.Count}
			if lr, ok := load.LookupReason(rc.Reason); ok {
				qr.ZH, qr.EN = lr.ZH, lr.EN
			}
			q.Reasons = append(q.Reasons, qr)
		}
	}
	return q, nil
}

var _ report.OriginReader = (*Source)(nil)

// Origin returns the generator block and scope of the version the source
// answers from for division (report.OriginReader). Without a Store the
// origin is unknown and reported as real data.
func (s *Source) Origin(ctx context.Context, division string) (*models.GenInfo, models.Scope, error) {
	if s.Store == nil {
		return nil, models.Scope{}, nil
	}
	r, err := s.run(division)
	if err != nil {
		return nil, models.Scope{}, err
	}
	v, err := s.Store.Version(ctx, r.Version)
	if err != nil {
		return nil, models.Scope{}, fmt.Errorf("origin of %s: %w", division, err)
	}
	return v.Generator, v.ScopeDef, nil
}
