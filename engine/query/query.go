package query

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Errors of the query API.
var (
	ErrNoCube        = errors.New("no cube covers this division")
	ErrPartialScope  = errors.New("no loaded scope covers this division completely")
	ErrNotFound      = errors.New("no value for this unit and period")
	ErrNotComputed   = errors.New("indicator is not computed at this level")
	ErrUnknownIndic  = errors.New("unknown indicator")
	ErrBadDivision   = errors.New("bad division code")
	errPeriodMissing = errors.New("period is required")
)

// Run is one built cube (a row of cube.runs) with what its snapshot's
// scope covers.
type Run struct {
	Version     int64                  `json:"version"`
	Scope       string                 `json:"scope"`
	ScopeKind   string                 `json:"scope_kind"` // models.Scope.Kind: "province" or "counties" ("" when the snapshot has no catalog row)
	AsOf        time.Time              `json:"as_of"`
	PeriodStart time.Time              `json:"period_start"`
	BuiltAt     time.Time              `json:"built_at"`
	Mode        string                 `json:"mode"`
	AgeLevel    models.Level           `json:"age_level"`
	ValueLevel  models.Level           `json:"value_level"`
	provinces   map[string]bool        // provinces with data in the cube
	province    string                 // the province a "province" scope covers
	complete    map[string]bool        // for a "counties" scope: the counties listed and the cities and provinces all of whose counties are listed
	ix          *memIndex              // the cube in memory (the newest cube of each scope), or nil
	provisional map[string]nowcast.Row // provisional monthly counts by nowcast.Key (engine/nowcast)
	provMonths  map[string]bool        // the months provisional for some unit
}

// Covers reports whether the cube's scope covers division (a normalised
// code) completely: a province scope every unit of its province; a county
// list its counties and the units in them, and a city or province only
// when every county of it in the division list (meta.divisions) is listed;
// the nation only a cube with the nation's rows (the merged cube of a
// national node, engine/exchange).
func (r *Run) Covers(division string) bool {
	if division == models.NationCode { // a national node's merged cube (engine/exchange) has the nation's rows
		return r.provinces[models.NationCode]
	}
	if len(division) < 2 {
		return false
	}
	if r.ScopeKind == "counties" {
		if len(division) >= 6 {
			return r.complete[division[:6]]
		}
		return r.complete[division]
	}
	return r.province != "" && division[:2] == r.province
}

// holds reports whether the cube has data of some part of division.
func (r *Run) holds(division string) bool {
	if len(division) < 2 || !r.provinces[division[:2]] {
		return false
	}
	if r.ScopeKind != "counties" || len(division) == 2 {
		return true
	}
	if len(division) >= 6 {
		return r.complete[division[:6]]
	}
	for c := range r.complete {
		if len(c) == 6 && strings.HasPrefix(c, division) {
			return true
		}
	}
	return false
}

// Engine answers queries on the cube. It is safe for concurrent use.
type Engine struct {
	st  *store.Store
	db  *sql.DB
	cat *models.Catalog

	memory   bool         // keep the newest cube of each scope in memory
	memLevel models.Level // deepest level whose measures are in memory

	mu   sync.RWMutex
	runs []*Run // newest as-of first

	valueStmt, measureStmt, childValues, seriesValues *sql.Stmt

	narrowMu sync.Mutex
	narrow   map[string]*sql.Stmt // derivations on read: measure queries of the columns a formula reads
}

// Options configure an engine.
type Options struct {
	// Catalog supplies the indicators; models.DefaultCatalog when nil.
	Catalog *models.Catalog
	// NoMemory reads every query from the store's tables instead of
	// keeping the newest cube of each scope in memory (for one-shot
	// commands, where reading the cube into memory costs more than the
	// queries).
	NoMemory bool
	// MemoryLevel is the deepest level whose measures are kept in memory
	// (values derived on read below the value level); default township.
	// Every row of cube.values is kept whatever the level.
	MemoryLevel models.Level
}

// New returns an engine reading the cube of st with the indicators of cat
// (models.DefaultCatalog when nil), keeping the newest cube of each scope
// in memory (see NewWithOptions).
func New(ctx context.Context, st *store.Store, cat *models.Catalog) (*Engine, error) {
	return NewWithOptions(ctx, st, Options{Catalog: cat})
}

// NewWithOptions returns an engine reading the cube of st. Unless
// opts.NoMemory, the newest cube of each scope is read into memory by
// Reload and answered from there (the other versions from the tables);
// readers keep seeing the cubes of the previous Reload until the next one.
func NewWithOptions(ctx context.Context, st *store.Store, opts Options) (*Engine, error) {
	cat := opts.Catalog
	if cat == nil {
		cat = models.DefaultCatalog()
	}
	if err := cube.EnsureSchema(ctx, st); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	e := &Engine{st: st, db: st.DB(), cat: cat, memory: !opts.NoMemory, memLevel: opts.MemoryLevel}
	if e.memLevel == 0 {
		e.memLevel = defaultMemLevel
	}
	if err := e.Reload(ctx); err != nil {
		return nil, err
	}
	vcols := `version, indicator, division, level, ptype, period, breakdown, value, lower, upper, numerator, denominator, flag`
	prep := []struct {
		dst *(*sql.Stmt)
		q   string
	}{
		{&e.valueStmt, `SELECT ` + vcols + ` FROM cube.values WHERE version = ? AND indicator = ? AND division = ? AND ptype = ? AND period = ? ORDER BY breakdown`},
		{&e.measureStmt, `SELECT ` + cube.MeasureSelect() + ` FROM cube.measures WHERE version = ? AND division = ? AND ptype = ? AND period = ?`},
		{&e.childValues, `SELECT ` + vcols + ` FROM cube.values WHERE version = ? AND indicator = ? AND level = ? AND division >= ? AND division < ? AND ptype = ? AND period = ? ORDER BY division, breakdown`},
		{&e.seriesValues, `SELECT ` + vcols + ` FROM cube.values WHERE version = ? AND indicator = ? AND division = ? AND ptype = ? ORDER BY period, breakdown`},
	}
	for _, p := range prep {
		s, err := e.db.PrepareContext(ctx, p.q)
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("query: prepare: %w", err)
		}
		*p.dst = s
	}
	return e, nil
}

// Close releases the prepared statements.
func (e *Engine) Close() error {
	e.narrowMu.Lock()
	defer e.narrowMu.Unlock()
	for _, s := range e.narrow {
		s.Close()
	}
	for _, s := range []*sql.Stmt{e.valueStmt, e.measureStmt, e.childValues, e.seriesValues} {
		if s != nil {
			s.Close()
		}
	}
	return nil
}

// Catalog returns the engine's indicator catalog.
func (e *Engine) Catalog() *models.Catalog { return e.cat }

// Reload re-reads the list of built cubes (after a build, and after other
// packages wrote values into cube.values) and, unless the engine was made
// with NoMemory, reads the newest cube of each scope into memory. Queries
// running meanwhile see the cubes of the previous Reload; the new ones
// replace them at once when they are all read.
func (e *Engine) Reload(ctx context.Context) error {
	rows, err := e.db.QueryContext(ctx, `SELECT r.version, r.scope, r.as_of, r.period_start, r.built_at, r.mode, r.age_level, r.value_level,
		coalesce(string_agg(DISTINCT m.division, ','), ''), coalesce(any_value(v.scope_def), '')
		FROM cube.runs r LEFT JOIN cube.measures m ON m.version = r.version AND m.level <= 1
		LEFT JOIN meta.versions v ON v.id = r.version
		GROUP BY ALL ORDER BY r.as_of DESC, r.version DESC`)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			e.mu.Lock()
			e.runs = nil
			e.mu.Unlock()
			return nil
		}
		return fmt.Errorf("query: list cubes: %w", err)
	}
	defer rows.Close()
	var runs []*Run
	for rows.Next() {
		r := &Run{provinces: map[string]bool{}}
		var age, val int
		var provs, def string
		if err := rows.Scan(&r.Version, &r.Scope, &r.AsOf, &r.PeriodStart, &r.BuiltAt, &r.Mode, &age, &val, &provs, &def); err != nil {
			return fmt.Errorf("query: list cubes: %w", err)
		}
		r.AgeLevel, r.ValueLevel = models.Level(age), models.Level(val)
		for _, p := range strings.Split(provs, ",") {
			if p != "" {
				r.provinces[p] = true
			}
		}
		if err := r.setScope(def); err != nil {
			return fmt.Errorf("query: cube %d: %w", r.Version, err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query: list cubes: %w", err)
	}
	rows.Close()
	for _, r := range runs {
		if r.provisional, err = nowcast.Provisionals(ctx, e.db, r.Version); err != nil {
			return fmt.Errorf("query: cube %d: %w", r.Version, err)
		}
		r.provMonths = map[string]bool{}
		for _, n := range r.provisional {
			r.provMonths[n.Period] = true
		}
	}
	if err := e.completeCounties(ctx, runs); err != nil {
		return err
	}
	if e.memory {
		e.mu.RLock()
		old := map[int64]*memIndex{}
		for _, r := range e.runs {
			if r.ix != nil {
				old[r.Version] = r.ix
			}
		}
		e.mu.RUnlock()
		seen := map[string]bool{}
		for _, r := range runs {
			if seen[r.Scope] {
				continue
			}
			seen[r.Scope] = true
			sig, err := e.valuesSignature(ctx, r.Version)
			if err != nil {
				return fmt.Errorf("query: cube %d: %w", r.Version, err)
			}
			if ix := old[r.Version]; ix != nil && ix.builtAt.Equal(r.BuiltAt) && ix.sig == sig {
				r.ix = ix // unchanged since the last Reload
				continue
			}
			ix, err := e.loadIndex(ctx, r)
			if err != nil {
				return fmt.Errorf("query: read cube %d into memory: %w", r.Version, err)
			}
			ix.sig = sig
			r.ix = ix
		}
	}
	e.mu.Lock()
	e.runs = runs
	e.mu.Unlock()
	return nil
}

// valuesSignature summarises the rows of cube.values of a version, which
// other packages may rewrite after the build, so that Reload reads a cube
// into memory again only when it changed.
func (e *Engine) valuesSignature(ctx context.Context, version int64) (string, error) {
	var n int64
	var h sql.NullString
	err := e.db.QueryRowContext(ctx, `SELECT count(*), bit_xor(hash(indicator, division, ptype, period, breakdown, value, lower, upper, numerator, denominator, flag))::VARCHAR
		FROM cube.values WHERE version = ?`, version).Scan(&n, &h)
	if err != nil {
		return "", fmt.Errorf("values signature: %w", err)
	}
	return fmt.Sprintf("%d/%s", n, h.String), nil
}

// MemoryBytes returns the approximate size of the cubes held in memory.
func (e *Engine) MemoryBytes() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var n int64
	for _, r := range e.runs {
		if r.ix != nil {
			n += r.ix.bytes
		}
	}
	return n
}

// Runs returns the built cubes, newest as-of first.
func (e *Engine) Runs() []Run {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]Run, len(e.runs))
	for i, r := range e.runs {
		out[i] = *r
	}
	return out
}

// setScope reads the snapshot's scope definition (meta.versions.scope_def)
// into r. A cube without one (its snapshot's catalog row is gone) covers
// a province when its scope key is a province code, and nothing otherwise.
func (r *Run) setScope(def string) error {
	var sc models.Scope
	if def != "" {
		if err := json.Unmarshal([]byte(def), &sc); err != nil {
			return fmt.Errorf("scope definition: %w", err)
		}
	} else if len(r.Scope) == 2 {
		sc = models.Scope{Kind: "province", Province: r.Scope}
	}
	r.ScopeKind = sc.Kind
	switch sc.Kind {
	case "province":
		r.province = sc.Province
	case "counties":
		r.complete = map[string]bool{}
		for _, c := range sc.Counties {
			if code, err := models.NormalizeCode(c); err == nil && len(code) == 6 {
				r.complete[code] = true
			}
		}
	}
	return nil
}

// completeCounties adds to the county-list scopes of runs the cities and
// provinces all of whose counties in the division list are listed.
func (e *Engine) completeCounties(ctx context.Context, runs []*Run) error {
	need := false
	for _, r := range runs {
		need = need || r.ScopeKind == "counties"
	}
	if !need {
		return nil
	}
	rows, err := e.db.QueryContext(ctx, `SELECT DISTINCT left(code, 6) FROM meta.divisions`)
	if err != nil {
		return fmt.Errorf("query: division list: %w", err)
	}
	defer rows.Close()
	var counties []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return fmt.Errorf("query: division list: %w", err)
		}
		counties = append(counties, c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query: division list: %w", err)
	}
	for _, r := range runs {
		if r.ScopeKind != "counties" {
			continue
		}
		whole := map[string]bool{} // prefix → every county listed so far
		for _, c := range counties {
			for _, p := range []string{c[:2], c[:4]} {
				if ok, seen := whole[p]; !seen || ok {
					whole[p] = r.complete[c]
				}
			}
		}
		for p, ok := range whole {
			if ok {
				r.complete[p] = true
			}
		}
	}
	return nil
}

// run returns the cube of version, or with version 0 the current cube of
// a scope that covers division completely (Run.Covers): the province's
// own scope first, then the newest other (a county list holding the
// whole unit). A scope holding only part of the division (the monitoring
// panel for a province) answers only when asked by version; without one
// the error names the scopes that hold part of it.
func (e *Engine) run(version int64, division string) (*Run, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if version != 0 {
		for _, r := range e.runs {
			if r.Version == version {
				return r, nil
			}
		}
		return nil, fmt.Errorf("version %d: %w", version, ErrNoCube)
	}
	var best *Run
	for _, r := range e.runs { // newest as-of first
		if !r.Covers(division) {
			continue
		}
		if r.ScopeKind == "province" {
			return r, nil
		}
		if best == nil {
			best = r
		}
	}
	if best != nil {
		return best, nil
	}
	var partial, loaded []string
	seen := map[string]bool{}
	for _, r := range e.runs {
		if seen[r.Scope] {
			continue
		}
		seen[r.Scope] = true
		desc := fmt.Sprintf("%s (version %d)", r.Scope, r.Version)
		loaded = append(loaded, desc)
		if r.holds(division) {
			partial = append(partial, desc)
		}
	}
	if len(partial) > 0 {
		return nil, fmt.Errorf("division %s: %w; scopes holding part of it: %s (give a version to query one of them)", division, ErrPartialScope, strings.Join(partial, ", "))
	}
	if len(loaded) == 0 {
		return nil, fmt.Errorf("division %s: %w (no cube has been built)", division, ErrNoCube)
	}
	return nil, fmt.Errorf("division %s: %w; loaded scopes: %s", division, ErrNoCube, strings.Join(loaded, ", "))
}

// Current returns the cube a query about division without a version
// answers from: the current cube of a scope that covers it completely
// (see run). Its error wraps ErrPartialScope or ErrNoCube and names the
// scopes holding part of the division.
func (e *Engine) Current(division string) (Run, error) {
	div, err := models.NormalizeCode(division)
	if err != nil {
		return Run{}, fmt.Errorf("division %q: %w", division, ErrBadDivision)
	}
	r, err := e.run(0, div)
	if err != nil {
		return Run{}, err
	}
	return *r, nil
}

// Key selects one indicator of one unit and period.
type Key struct {
	Indicator string // catalog id
	Division  string // any form models.NormalizeCode accepts
	Period    string // YYYY, YYYY-MM, YYYY-Qn or R12-YYYY-MM
	Version   int64  // 0: the newest cube covering the division
}

// resolved is a Key checked against the catalog and the cubes.
type resolved struct {
	ind      models.Indicator
	division string
	level    models.Level
	ptype    string
	period   string
	run      *Run
}

func (e *Engine) resolve(k Key, needPeriod bool) (*resolved, error) {
	ind, ok := e.cat.Get(k.Indicator)
	if !ok {
		return nil, fmt.Errorf("indicator %q: %w", k.Indicator, ErrUnknownIndic)
	}
	div, err := models.NormalizeCode(k.Division)
	if err != nil {
		return nil, fmt.Errorf("division %q: %w", k.Division, ErrBadDivision)
	}
	r := &resolved{ind: ind, division: div}
	r.level, _ = models.LevelOfCode(div)
	if needPeriod {
		if k.Period == "" {
			return nil, errPeriodMissing
		}
		r.ptype, r.period, err = cube.ParsePeriod(k.Period)
		if err != nil {
			return nil, err
		}
	}
	r.run, err = e.run(k.Version, div)
	if err != nil {
		return nil, err
	}
	if !cube.Derivable(ind) && ind.Kind != models.KindStored && r.level > r.run.AgeLevel {
		return nil, fmt.Errorf("%s at the %s level (age detail stops at %s): %w", ind.ID, r.level, r.run.AgeLevel, ErrNotComputed)
	}
	return r, nil
}

// materialised reports whether the values of r's indicator at level are
// in cube.values.
func (r *resolved) materialised(level models.Level) bool {
	if r.ind.Kind == models.KindStored { // stored at every level (engine/quality, engine/linkage)
		return true
	}
	if cube.Derivable(r.ind) {
		return level <= r.run.ValueLevel
	}
	return level <= r.run.AgeLevel
}

// Get returns the value(s) of an indicator for a unit and period: one
// value, or one per breakdown (ASFR by age, e0 total and by sex), the
// total first. A unit with no residents and no events gives ErrNotFound.
func (e *Engine) Get(ctx context.Context, k Key) ([]cube.Value, error) {
	r, err := e.resolve(k, true)
	if err != nil {
		return nil, err
	}
	out, err := e.pick(ctx, r, r.level, func(*memIndex) []string { return []string{r.division} }, r.period,
		func() ([]cube.Value, error) {
			return scanValues(e.valueStmt.QueryContext(ctx, r.run.Version, r.ind.ID, r.division, r.ptype, r.period))
		},
		func() ([]cube.Value, error) {
			return e.derived(ctx, r, shapePoint, r.run.Version, r.division, r.ptype, r.period)
		})
	if err != nil {
		return nil, fmt.Errorf("query %s %s %s: %w", r.ind.ID, r.division, r.period, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s %s %s: %w", r.ind.ID, r.division, r.period, ErrNotFound)
	}
	return out, nil
}

// Value returns the total value (no breakdown) of an indicator for a unit
// and period.
func (e *Engine) Value(ctx context.Context, k Key) (cube.Value, error) {
	vs, err := e.Get(ctx, k)
	if err != nil {
		return cube.Value{}, err
	}
	for _, v := range vs {
		if v.Breakdown == "" {
			return v, nil
		}
	}
	return vs[0], nil
}

// Children returns the indicator for each child unit of the division in
// the period (drill-down), ordered by code; units with no data are absent.
func (e *Engine) Children(ctx context.Context, k Key) ([]cube.Value, error) {
	r, err := e.resolve(k, true)
	if err != nil {
		return nil, err
	}
	if r.level >= models.LevelVillage {
		return nil, nil
	}
	child := r.level + 1
	if !cube.Derivable(r.ind) && r.ind.Kind != models.KindStored && child > r.run.AgeLevel {
		return nil, fmt.Errorf("%s at the %s level: %w", r.ind.ID, child, ErrNotComputed)
	}
	return e.pick(ctx, r, child, func(ix *memIndex) []string { return ix.within(child, r.division) }, r.period,
		func() ([]cube.Value, error) {
			return scanValues(e.childValues.QueryContext(ctx, r.run.Version, r.ind.ID, int(child), r.division, r.division+prefixEnd, r.ptype, r.period))
		},
		func() ([]cube.Value, error) {
			return e.derived(ctx, r, shapeWithin, r.run.Version, int(child), r.division, r.division+prefixEnd, r.ptype, r.period)
		})
}

// Ancestors returns the indicator for each ancestor of the division, from
// the province down to the parent.
func (e *Engine) Ancestors(ctx context.Context, k Key) ([]cube.Value, error) {
	r, err := e.resolve(k, true)
	if err != nil {
		return nil, err
	}
	var out []cube.Value
	for l := models.LevelProvince; l < r.level; l++ {
		kk := k
		kk.Division = r.division[:l.CodeLen()]
		if k.Version == 0 && !r.run.Covers(kk.Division) {
			continue // a county-list cube holds only part of this ancestor
		}
		kk.Version = r.run.Version
		vs, err := e.Get(ctx, kk)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

// Series returns the indicator for the division over every period of
// ptype (month, quarter, year, r12) in the cube, oldest first.
func (e *Engine) Series(ctx context.Context, k Key, ptype string) ([]cube.Value, error) {
	r, err := e.resolve(k, false)
	if err != nil {
		return nil, err
	}
	switch ptype {
	case cube.PeriodMonth, cube.PeriodQuarter, cube.PeriodYear, cube.PeriodR12:
	default:
		return nil, fmt.Errorf("period type %q: want month, quarter, year or r12", ptype)
	}
	r.ptype = ptype
	return e.pick(ctx, r, r.level, func(*memIndex) []string { return []string{r.division} }, "",
		func() ([]cube.Value, error) {
			return scanValues(e.seriesValues.QueryContext(ctx, r.run.Version, r.ind.ID, r.division, ptype))
		},
		func() ([]cube.Value, error) {
			return e.derived(ctx, r, shapeSeries, r.run.Version, r.division, ptype)
		})
}

// Table returns the indicator for every unit at level within the division
// prefix within ("" or a province code for all), ordered by code.
func (e *Engine) Table(ctx context.Context, indicator string, level models.Level, within, period string, version int64) ([]cube.Value, error) {
	if within == "" { // the province of the current province cube (or of the cube of version)
		e.mu.RLock()
		for _, r := range e.runs {
			if version == 0 && r.province != "" {
				within = r.province
				break
			}
			if r.Version == version {
				for p := range r.provinces {
					within = p
					break
				}
				break
			}
		}
		e.mu.RUnlock()
	}
	r, err := e.resolve(Key{Indicator: indicator, Division: within, Period: period, Version: version}, true)
	if err != nil {
		return nil, err
	}
	if level < r.level || level > models.LevelVillage {
		return nil, fmt.Errorf("level %s is not below %s", level, r.division)
	}
	if !cube.Derivable(r.ind) && r.ind.Kind != models.KindStored && level > r.run.AgeLevel {
		return nil, fmt.Errorf("%s at the %s level: %w", r.ind.ID, level, ErrNotComputed)
	}
	return e.pick(ctx, r, level, func(ix *memIndex) []string { return ix.within(level, r.division) }, r.period,
		func() ([]cube.Value, error) {
			return scanValues(e.childValues.QueryContext(ctx, r.run.Version, r.ind.ID, int(level), r.division, r.division+prefixEnd, r.ptype, r.period))
		},
		func() ([]cube.Value, error) {
			return e.derived(ctx, r, shapeWithin, r.run.Version, int(level), r.division, r.division+prefixEnd, r.ptype, r.period)
		})
}

// pick reads materialised values at level when the cube has them, and
// derives them from the measures otherwise (below the value level, or for
// an indicator added to the catalog after the cube was built). It answers
// from the cube in memory (the values of the divisions listed by divs in
// period, or in every period of r.ptype when period is "") when it holds
// the indicator or the measures, and from the tables with stored and
// derive otherwise. Every value it returns names the cube's scope and is
// judged by cube.Assess after markProvisional (provisional.go).
func (e *Engine) pick(ctx context.Context, r *resolved, level models.Level, divs func(*memIndex) []string, period string,
	stored, derive func() ([]cube.Value, error)) ([]cube.Value, error) {
	out, err := e.pickValues(ctx, r, level, divs, period, stored, derive)
	for i := range out {
		out[i].Scope = r.run.Scope
		r.run.markProvisional(e.cat, r.ind, &out[i])
		cube.Assess(r.ind, &out[i]) // the same reliability rule for stored, older and derived values
	}
	return out, err
}

func (e *Engine) pickValues(ctx context.Context, r *resolved, level models.Level, divs func(*memIndex) []string, period string,
	stored, derive func() ([]cube.Value, error)) ([]cube.Value, error) {
	ix := r.run.ix
	var units []string
	if ix != nil {
		units = divs(ix)
	}
	if r.materialised(level) {
		var out []cube.Value
		var err error
		inMemory := false
		if ix != nil {
			out, inMemory = ix.stored(r.ind.ID, units, r.ptype, period)
		}
		if !inMemory {
			out, err = stored()
		}
		if err != nil || len(out) > 0 || !cube.Derivable(r.ind) {
			return out, err
		}
	}
	if !cube.Derivable(r.ind) {
		return nil, nil
	}
	if ix != nil {
		if out, ok, err := ix.derived(r.ind, units, r.ptype, period); ok || err != nil {
			return out, err
		}
	}
	return derive()
}

// prefixEnd follows every digit: codes starting with p are in
// [p, p+prefixEnd), a range that DuckDB prunes by its zone maps (a
// starts_with filter is not pruned).
const prefixEnd = "~"

// Shapes of the measure queries of derivations on read.
const (
	shapePoint  = `version = ? AND division = ? AND ptype = ? AND period = ? ORDER BY division`
	shapeWithin = `version = ? AND level = ? AND division >= ? AND division < ? AND ptype = ? AND period = ? ORDER BY division`
	shapeSeries = `version = ? AND division = ? AND ptype = ? ORDER BY period`
)

// derived reads, with the query of shape, the measure rows of the
// measures r's formula reads, and derives r's indicator.
func (e *Engine) derived(ctx context.Context, r *resolved, shape string, args ...any) ([]cube.Value, error) {
	ids := formulaMeasures(r.ind)
	idx := make([]int, len(ids))
	cols := "division, level, ptype, period"
	for i, id := range ids {
		idx[i] = cube.MeasureIndex(id)
		if idx[i] < 0 {
			return nil, fmt.Errorf("indicator %s: unknown measure %q", r.ind.ID, id)
		}
		cols += `, "` + id + `"`
	}
	q := `SELECT ` + cols + ` FROM cube.measures WHERE ` + shape
	e.narrowMu.Lock()
	stmt, ok := e.narrow[q]
	if !ok {
		var err error
		if stmt, err = e.db.PrepareContext(ctx, q); err != nil {
			e.narrowMu.Unlock()
			return nil, err
		}
		if e.narrow == nil {
			e.narrow = map[string]*sql.Stmt{}
		}
		e.narrow[q] = stmt
	}
	e.narrowMu.Unlock()
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cube.Value
	vals := make([]sql.NullFloat64, len(ids))
	var div, pt, per string
	var level int
	dest := []any{&div, &level, &pt, &per}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		c := make(cube.Counts, len(models.Measures))
		for i, v := range vals {
			c[idx[i]] = v.Float64
		}
		v, err := cube.Derive(r.ind, c)
		if err != nil {
			return nil, err
		}
		v.Version, v.Division, v.Level, v.PeriodType, v.Period = r.run.Version, div, models.Level(level), pt, per
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanValues(rows *sql.Rows, err error) ([]cube.Value, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cube.Value
	for rows.Next() {
		var v cube.Value
		var level int
		var val, lo, hi, num, den sql.NullFloat64
		if err := rows.Scan(&v.Version, &v.Indicator, &v.Division, &level, &v.PeriodType, &v.Period, &v.Breakdown, &val, &lo, &hi, &num, &den, &v.Flag); err != nil {
			return nil, err
		}
		v.Level = models.Level(level)
		v.Value, v.Lower, v.Upper, v.Numerator, v.Denominator = nf(val), nf(lo), nf(hi), nf(num), nf(den)
		out = append(out, v)
	}
	return out, rows.Err()
}

func nf(n sql.NullFloat64) float64 {
	if !n.Valid {
		return nan
	}
	return n.Float64
}

// Periods returns the periods of ptype present in a cube, oldest first.
func (e *Engine) Periods(ctx context.Context, version int64, ptype string) ([]string, error) {
	e.mu.RLock()
	for _, r := range e.runs {
		if r.Version == version && r.ix != nil {
			e.mu.RUnlock()
			lo, hi, _ := r.ix.periodRange(ptype, "")
			return append([]string(nil), r.ix.periods[lo:hi]...), nil
		}
	}
	e.mu.RUnlock()
	rows, err := e.db.QueryContext(ctx, `SELECT DISTINCT period FROM cube.measures WHERE version = ? AND level = 1 AND ptype = ?`, version, ptype)
	if err != nil {
		return nil, fmt.Errorf("periods of version %d: %w", version, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out, rows.Err()
}
