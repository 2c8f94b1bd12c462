package alerts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// evaluation is the state of one Evaluate call.
type evaluation struct {
	st         *store.Store
	db         *sql.DB
	version    int64
	scope      string
	catalog    *models.Catalog
	tree       *models.DivisionTree
	valueLevel models.Level
	lastMonth  string
	workers    int
	now        time.Time
	start      time.Time
	digest     string

	units []string // prefixes of the units evaluated; nil for all

	// counties are the counties of a scope of kind "counties" (nil for a
	// province scope): only the units they cover completely are
	// evaluated (see covered).
	counties map[string]bool
	coverage map[string]bool // covered, by division

	// currentFrom is, per rule, the first period whose alerts are
	// current (setCurrent); older ones are superseded.
	currentFrom map[string]string
	// res counts the unit-periods judged per threshold rule
	// (Result.Tested).
	res *Result
	// provisional are the monthly counts still being registered
	// (engine/nowcast), by nowcast.Key: aberration rules do not judge them.
	provisional map[string]nowcast.Row

	mu    sync.Mutex
	names map[string]string
}

// evaluated reports whether alerts of division are judged in this
// evaluation: it is among opts.Units and covered by the scope.
func (ev *evaluation) evaluated(division string) bool {
	return ev.inScope(division) && ev.covered(division)
}

// covered reports whether the version's scope covers division
// completely. A province scope covers every unit. A scope of scattered
// counties (kind "counties", e.g. the monitoring panel) covers its
// counties and the units below them, and a city or province only when
// every county of it in the division tree is in the scope: otherwise the
// cube's value of the city or province is the sum of a few counties,
// which stands for no real unit and must not raise an alert. Not safe
// for concurrent use.
func (ev *evaluation) covered(division string) bool {
	if ev.counties == nil {
		return true
	}
	if c, ok := ev.coverage[division]; ok {
		return c
	}
	var c bool
	if l, err := models.LevelOfCode(division); err == nil && l >= models.LevelCounty {
		c = ev.counties[models.AncestorCode(division, models.LevelCounty)]
	} else if ds, err := ev.tree.Descendants(division, models.LevelCounty); err == nil && len(ds) > 0 {
		c = true
		for _, d := range ds {
			c = c && ev.counties[d.Code]
		}
	}
	ev.coverage[division] = c
	return c
}

// inScope reports whether division is among the units evaluated.
func (ev *evaluation) inScope(division string) bool {
	if ev.units == nil {
		return true
	}
	for _, u := range ev.units {
		if strings.HasPrefix(division, u) {
			return true
		}
	}
	return false
}

// Evaluate applies every rule to snapshot version: threshold rules to
// every unit of their levels and every period of their type, aberration
// rules to every unit's monthly series, projection rules to every unit's
// 10-year projection. It stores the alerts in schema alerts (created when
// missing), resolves those whose condition cleared, carries status and
// acknowledgements over from the previous evaluated version of the same
// scope, and delivers new orange/red alerts when opts.Notify is enabled.
// It is deterministic for a given opts.Now and idempotent: a second call
// for the same version and rules changes nothing. The version's cube must
// have been built.
func Evaluate(ctx context.Context, st *store.Store, version int64, opts Options) (*Result, error) {
	ev, rules, err := newEvaluation(ctx, st, version, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Version: version, Scope: ev.scope, Rules: len(rules), ByColour: map[string]int{}, Tested: map[string]int{}}
	if ev.counties != nil {
		res.Coverage = fmt.Sprintf("a scope of %d counties: only they, the units below them and the cities or provinces all of whose counties are in the scope are evaluated", len(ev.counties))
	}
	step := func(name string, t0 time.Time) { res.Steps = append(res.Steps, Step{name, time.Since(t0)}) }
	step("prepare", ev.start)
	skip := func(r *Rule, why string) { res.Skipped = append(res.Skipped, r.ID+": "+why) }

	t0 := time.Now()
	cands, err := ev.thresholdStep(ctx, rules, res, skip)
	if err != nil {
		return nil, fmt.Errorf("alerts of version %d: %w", version, err)
	}
	step("threshold rules", t0)
	t0 = time.Now()
	out, err := ev.aberrationStep(ctx, rules, res, skip)
	if err != nil {
		return nil, fmt.Errorf("alerts of version %d: %w", version, err)
	}
	cands = append(cands, out...)
	step("aberration rules", t0)

	// Projection rules: one projection per unit, as long as the longest
	// horizon.
	t0 = time.Now()
	var levels []models.Level
	var horizon int

	for i := range rules {
		r := &rules[i]
		if r.Kind != KindProjection {
			continue
		}
		horizon = max(horizon, r.Horizon)
		for _, l := range r.levels() {
			if !slices.Contains(levels, l) {
				levels = append(levels, l)
			}
		}
	}
	if horizon > 0 {
		inputs, err := ev.readProjectionInputs(ctx, levels)
		if err != nil {
			return nil, fmt.Errorf("alerts of version %d: %w", version, err)
		}
		proj, err := ev.projectAll(inputs, horizon)
		if err != nil {
			return nil, fmt.Errorf("alerts of version %d: %w", version, err)
		}
		divs := make([]string, 0, len(proj))
		for d := range proj {
			divs = append(divs, d)
		}
		sort.Strings(divs)
		variants := map[string]func(string) (*projections.Result, error){}
		for i := range rules {
			r := &rules[i]
			if r.Kind != KindProjection {
				continue
			}
			if len(proj) == 0 {
				skip(r, "no projection inputs (fewer than 12 months?)")
				continue
			}
			lv := r.levels()
			for _, d := range divs {
				if !slices.Contains(lv, inputs[d].level) || !ev.evaluated(d) {
					continue
				}
				if variants[d] == nil {
					variants[d] = variantProjector(inputs[d], horizon)
				}
				a, hit, err := ev.projectionAlert(r, d, inputs[d].level, proj[d], variants[d])
				if err != nil {
					return nil, fmt.Errorf("alerts of version %d: %w", version, err)
				}
				if hit {
					cands = append(cands, a)
				}
			}
		}
	}
	step("projection rules", t0)

	kept := cands[:0]
	for _, a := range cands {
		if ev.evaluated(a.Division) {
			kept = append(kept, a)
		}
	}
	byID := map[string]*Rule{}
	for i := range rules {
		byID[rules[i].ID] = &rules[i]
	}
	n := len(kept)
	cands = ev.group(kept, byID)
	res.Groups = len(cands) - n
	res.Candidates = len(cands)
	for _, a := range cands {
		res.ByColour[a.Colour]++
	}
	t0 = time.Now()
	raised, err := ev.sync(ctx, cands, res)
	if err != nil {
		return nil, err
	}
	step("store", t0)
	if opts.Notify.Enabled() {
		t0 = time.Now()
		n, err := deliver(ctx, opts.Notify, raised, ev)
		res.Notified = n
		step("notify", t0)
		if err != nil {
			res.Duration = time.Since(ev.start)
			return res, fmt.Errorf("alerts of version %d: stored, but delivery failed: %w", version, err)
		}
	}
	res.Duration = time.Since(ev.start)
	return res, nil
}

// newEvaluation prepares the evaluation of version with opts: defaults,
// units, rules, scope and coverage, the cube's value level and last month,
// and the alert tables. It returns the rules to apply.
func newEvaluation(ctx context.Context, st *store.Store, version int64, opts Options) (*evaluation, []Rule, error) {
	ev := &evaluation{st: st, db: st.DB(), version: version, catalog: opts.Catalog, tree: opts.Tree, workers: opts.Workers,
		now: opts.Now, start: time.Now(), names: map[string]string{}}
	if ev.now.IsZero() {
		ev.now = time.Now()
	}
	ev.now = ev.now.UTC().Truncate(time.Microsecond)
	if ev.workers <= 0 {
		ev.workers = 2
	}
	if ev.catalog == nil {
		ev.catalog = models.DefaultCatalog()
	}
	if ev.tree == nil {
		t, err := datasets.Divisions()
		if err != nil {
			return nil, nil, fmt.Errorf("alerts: %w", err)
		}
		ev.tree = t
	}
	for _, u := range opts.Units {
		c, err := models.NormalizeCode(u)
		if err != nil {
			return nil, nil, fmt.Errorf("alerts: %w", err)
		}
		if c == models.NationCode {
			c = ""
		}
		ev.units = append(ev.units, c)
	}
	rules := opts.Rules
	if rules == nil {
		rules = DefaultRules()
	}
	ev.digest = RulesDigest(rules)
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, nil, fmt.Errorf("alerts of version %d: %w", version, err)
	}
	ev.scope = v.Scope
	if v.ScopeDef.Kind == "counties" {
		ev.counties, ev.coverage = map[string]bool{}, map[string]bool{}
		for _, c := range v.ScopeDef.Counties {
			ev.counties[c] = true
		}
	}
	var vl int
	err = ev.db.QueryRowContext(ctx, `SELECT value_level FROM cube.runs WHERE version = ?`, version).Scan(&vl)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("alerts of version %d: the cube is not built (padis indicators compute)", version)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("alerts of version %d: %w", version, err)
	}
	ev.valueLevel = models.Level(vl)
	var last sql.NullString
	if err := ev.db.QueryRowContext(ctx, `SELECT max(period) FROM cube.measures WHERE version = ? AND ptype = 'month'`, version).Scan(&last); err != nil {
		return nil, nil, fmt.Errorf("alerts of version %d: %w", version, err)
	}
	ev.lastMonth = last.String
	if ev.provisional, err = nowcast.Provisionals(ctx, ev.db, version); err != nil {
		return nil, nil, fmt.Errorf("alerts of version %d: %w", version, err)
	}
	if err := EnsureSchema(ctx, st); err != nil {
		return nil, nil, err
	}
	return ev, rules, nil
}

// thresholdStep applies the threshold rules (judged unit-periods counted
// in res.Tested).
func (ev *evaluation) thresholdStep(ctx context.Context, rules []Rule, res *Result, skip func(*Rule, string)) ([]Alert, error) {
	var cands []Alert
	ev.res = res
	mc := &measureCache{ev: ev, rows: map[string][]cube.MeasureRow{}}
	for i := range rules {
		r := &rules[i]
		if r.Kind != KindThreshold {
			continue
		}
		out, ok, err := ev.thresholdCandidates(ctx, r, mc)
		if err != nil {
			return nil, err
		}
		if !ok {
			skip(r, "no values of "+r.Indicator)
			continue
		}
		cands = append(cands, out...)
	}
	return cands, nil
}

// aberrationStep reads every monthly series the aberration rules need
// once, records the rules' current periods (setCurrent) and applies the
// aberration rules.
func (ev *evaluation) aberrationStep(ctx context.Context, rules []Rule, res *Result, skip func(*Rule, string)) ([]Alert, error) {
	var measures []string
	var levels []models.Level
	for i := range rules {
		r := &rules[i]
		if r.Kind != KindAberration {
			continue
		}
		if !slices.Contains(measures, r.Indicator) {
			measures = append(measures, r.Indicator)
		}
		for _, l := range r.levels() {
			if !slices.Contains(levels, l) {
				levels = append(levels, l)
			}
		}
	}
	s, err := ev.readSeries(ctx, measures, levels)
	if err != nil {
		return nil, err
	}
	if err := ev.setCurrent(ctx, rules, s.months); err != nil {
		return nil, err
	}
	var cands []Alert
	for i := range rules {
		r := &rules[i]
		if r.Kind != KindAberration {
			continue
		}
		out, ok, err := ev.aberrationCandidates(r, s, res)
		if err != nil {
			return nil, err
		}
		if !ok {
			skip(r, fmt.Sprintf("%d months are too few for %s", len(s.months), r.Method))
			continue
		}
		cands = append(cands, out...)
	}
	return cands, nil
}
