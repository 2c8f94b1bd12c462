package cube

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/padis/padis/engine/cpuclock"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/residence"
	"github.com/padis/padis/engine/sqlfile"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Options configure a cube build.
type Options struct {
	// AgeLevel is the deepest level with age-specific counts and the
	// named methods (ASFR, TFR, mean age at childbearing, e0, median age);
	// default county. Village-level life tables are meaningless, and the
	// age table grows with the number of units.
	AgeLevel models.Level
	// ValueLevel is the deepest level whose indicator values are
	// materialised in cube.values; below it engine/query derives them from
	// cube.measures with the same Derive. Default county.
	ValueLevel models.Level
	// Catalog supplies the indicators to materialise; DefaultCatalog when nil.
	Catalog *models.Catalog
	// Full forces a full rebuild even when an earlier version of the same
	// scope has a cube (see Refresh).
	Full bool
	// Progress, when set, is called as each phase of the build starts
	// (PhaseFacts, PhaseCompare, PhaseRollup, PhaseValues), so that a
	// console can show where a build of a minute is.
	Progress func(phase string)
}

// Phases of a build, as passed to Options.Progress.
const (
	PhaseFacts   = "person-months and events"      // the facts of the persons (all, or those that changed)
	PhaseCompare = "comparison with the base cube" // a refresh finds the persons whose inputs changed
	PhaseRollup  = "roll-up"                       // units and periods into cube.measures and cube.age
	PhaseValues  = "indicator values"              // cube.values
)

func (o Options) withDefaults() Options {
	if o.AgeLevel == 0 {
		o.AgeLevel = models.LevelCounty
	}
	if o.ValueLevel == 0 {
		o.ValueLevel = models.LevelCounty
	}
	if o.Catalog == nil {
		o.Catalog = models.DefaultCatalog()
	}
	return o
}

// Step is the duration of one stage of a build: wall time, and the CPU
// time of the whole process meanwhile (DuckDB's threads included).
type Step struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration"`
	CPU      time.Duration `json:"cpu"`
}

// Result describes a build.
type Result struct {
	Version     int64  `json:"version"`
	Scope       string `json:"scope"`
	Mode        string `json:"mode"` // "full" or "incremental"
	BaseVersion int64  `json:"base_version,omitempty"`
	// Reason says why a Refresh built in full.
	Reason string `json:"reason,omitempty"`
	Months int    `json:"months"`
	// MonthsRecomputed counts the months with a changed village-month and
	// those the base does not have; VillagesChanged the villages with a
	// changed village-month in the base's months.
	MonthsRecomputed int   `json:"months_recomputed"`
	VillagesChanged  int64 `json:"villages_changed"`
	// PersonsChanged counts the persons whose inputs differ from the
	// base's (added and removed included); PersonsRecomputed those whose
	// facts were recomputed in both versions (the changed persons and the
	// other members of their households).
	PersonsChanged    int64 `json:"persons_changed"`
	PersonsRecomputed int64 `json:"persons_recomputed"`
	MeasureRows       int64 `json:"measure_rows"`
	AgeRows           int64 `json:"age_rows"`
	ValueRows         int64 `json:"value_rows"`
	// ValuesComputed counts the values computed (the others were copied
	// from the base).
	ValuesComputed int64         `json:"values_computed"`
	Duration       time.Duration `json:"duration"`
	Steps          []Step        `json:"steps"`
}

// step records the stage name begun at start, when the process had used
// cpu of CPU time.
func (r *Result) step(name string, start time.Time, cpu time.Duration) {
	r.Steps = append(r.Steps, Step{name, time.Since(start), cpuclock.Process() - cpu})
}

// levelLens are the code lengths of the levels below the nation.
var levelLens = []struct {
	level models.Level
	len   int
}{{models.LevelProvince, 2}, {models.LevelCity, 4}, {models.LevelCounty, 6}, {models.LevelTownship, 9}, {models.LevelVillage, 12}}

func levelValues(max models.Level) string {
	var parts []string
	for _, l := range levelLens {
		if l.level <= max {
			parts = append(parts, fmt.Sprintf("(%d, %d)", l.len, l.level))
		}
	}
	return "(VALUES " + strings.Join(parts, ", ") + ") l(len, level)"
}

// Build computes the cube of version from scratch and replaces whatever
// cube the version had. It runs on one connection of the store.
func Build(ctx context.Context, st *store.Store, version int64, opts Options) (*Result, error) {
	return build(ctx, st, version, opts.withDefaults(), nil, "")
}

// builder runs the SQL of one build on one connection and times it.
type builder struct {
	ctx      context.Context
	conn     *sql.Conn
	version  int64
	res      *Result
	progress func(phase string)
}

// phase reports the start of a phase of the build.
func (b *builder) phase(name string) {
	if b.progress != nil {
		b.progress(name)
	}
}

func (b *builder) exec(name, q string) error {
	s, c := time.Now(), cpuclock.Process()
	if _, err := b.conn.ExecContext(b.ctx, q); err != nil {
		return fmt.Errorf("cube of version %d: %s: %w", b.version, name, err)
	}
	b.res.step(name, s, c)
	return nil
}

// sections runs the named sections of file (all when none are named), in
// the file's order, with vars; prefix names the steps.
func (b *builder) sections(file, prefix string, vars map[string]string, names ...string) error {
	for _, s := range sqlfile.Sections(file) {
		if len(names) > 0 && !slices.Contains(names, s.Name) {
			continue
		}
		if err := b.exec(prefix+s.Name, sqlfile.Expand(s.SQL, vars)); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) count(q string, args ...any) (int64, error) {
	var n int64
	if err := b.conn.QueryRowContext(b.ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("cube of version %d: %w", b.version, err)
	}
	return n, nil
}

// factSections compute the facts of the persons of cube_people.
var factSections = []string{"spells", "person_months", "births", "village_months", "age_months"}

// build computes the cube; with inc non-nil, from the cube of inc.base
// and the facts of the persons whose inputs changed (refresh.go); reason
// says why a refresh builds in full.
func build(ctx context.Context, st *store.Store, version int64, opts Options, inc *incremental, reason string) (*Result, error) {
	if err := checkMeasures(); err != nil {
		return nil, err
	}
	if opts.Progress != nil {
		if inc != nil {
			opts.Progress(PhaseCompare)
		} else {
			opts.Progress(PhaseFacts)
		}
	}
	t0 := time.Now()
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("cube: %w", err)
	}
	if err := linkage.EnsureSchema(ctx, st); err != nil {
		return nil, fmt.Errorf("cube of version %d: %w", version, err)
	}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("cube of version %d: %w", version, err)
	}
	defer conn.Close()
	if err := migrate(ctx, conn); err != nil {
		return nil, err
	}
	first, last := monthIndex(v.PeriodStart), monthIndex(v.AsOf)
	res := &Result{Version: version, Scope: v.Scope, Mode: "full", Reason: reason, Months: last - first + 1, MonthsRecomputed: last - first + 1}
	b := &builder{ctx: ctx, conn: conn, version: version, res: res, progress: opts.Progress}
	vars := map[string]string{
		"ps":            store.Quote(v.PeriodStart.Format(time.DateOnly)),
		"agelen":        fmt.Sprint(opts.AgeLevel.CodeLen()),
		"pm_measures":   pmSelect(),
		"vm_cols":       vmSelect(),
		"levels":        levelValues(models.LevelVillage),
		"levels_above":  levelValues(models.LevelTownship),
		"village_level": fmt.Sprint(int(models.LevelVillage)),
		"zero_cols":     rollupCols("0::DOUBLE AS %[1]s", "0::DOUBLE AS %[1]s"),
		"coalesce_cols": rollupCols("coalesce(x.%[1]s, 0) AS %[1]s", "coalesce(x.%[1]s, 0) AS %[1]s"),
		"age_levels":    levelValues(opts.AgeLevel),
		"first_r12":     fmt.Sprint(first + 11),
		"sum_cols":      rollupCols("sum(%[1]s) AS %[1]s", "sum(%[1]s) AS %[1]s"),
		"plain_cols":    rollupCols("%[1]s", "%[1]s"),
		"period_cols":   rollupCols("sum(d.%[1]s) AS %[1]s", "coalesce(sum(d.%[1]s) FILTER (WHERE p.last), 0) AS %[1]s"),
		"window_cols":   rollupCols("sum(%[1]s) OVER w AS %[1]s", "%[1]s"),
		"version":       fmt.Sprint(version),
		"vm":            "cube_vm",
		"lm":            "cube_lm",
		"dm":            "cube_dm",
		"months":        "cube_months",
		"pmap":          "cube_pmap",
		"measures_out":  "cube.measures",
		"am":            "cube_am",
		"la":            "cube_la",
		"married_at":    stateAt("x.married", "x.m_mi", "x.m_st", "x.m_init", "x.mi"),
		"contra_at":     stateAt("x.contra", "x.c_mi", "x.c_st", "x.c_init", "x.mi"),
	}
	pe := v.AsOf.AddDate(0, 0, 1)
	persons := st.Table(version, models.TablePersons)
	all := factsVars(vars, facts{persons: persons, events: st.Table(version, models.TableEvents), dups: "cube_dups",
		pe: pe, miFrom: first, miTo: last, evFrom: v.PeriodStart, evTo: pe})
	if err := b.exec("months", monthsSQL(first, last, pe)); err != nil {
		return nil, err
	}
	if err := b.exec("duplicate cards", dupsSQL("cube_dups", linkage.CountedOnceSQL(persons, v.Scope), st.Table(version, models.TableEvents))); err != nil {
		return nil, err
	}
	if err := b.exec("periods", periodsSQL("cube_pmap", first, last)); err != nil {
		return nil, err
	}
	if err := b.sections(factsSQL, "", all, "people", "hashes"); err != nil {
		return nil, err
	}
	if inc != nil {
		if err := inc.diff(b, st, v); err != nil {
			return nil, err
		}
		if inc.reason != "" {
			res.Reason, inc = inc.reason, nil
		}
		b.phase(PhaseFacts)
	}
	if inc == nil {
		if err := b.sections(factsSQL, "", all, factSections...); err != nil {
			return nil, err
		}
	} else if err := inc.facts(b, st, v, vars, all); err != nil {
		return nil, err
	}
	b.phase(PhaseRollup)
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("cube of version %d: %w", version, err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	if err := deleteVersion(ctx, conn, version); err != nil {
		return nil, fmt.Errorf("cube of version %d: clear: %w", version, err)
	}
	if err := b.exec("store hashes", `INSERT INTO cube.persons SELECT `+vars["version"]+`, person_id, h FROM cube_ph;
		INSERT INTO `+DuplicatesTable+` SELECT `+vars["version"]+`, person_id, kept, kind FROM cube_dups`); err != nil {
		return nil, err
	}
	only := ""
	if inc == nil {
		err = b.sections(rollupSQL, "", vars)
	} else {
		only, err = inc.rollup(b, vars, opts)
	}
	if err != nil {
		return nil, err
	}
	b.phase(PhaseValues)
	s, c := time.Now(), cpuclock.Process()
	n, err := materialize(ctx, conn, version, opts, only)
	if err != nil {
		return nil, fmt.Errorf("cube of version %d: %w", version, err)
	}
	res.step("values", s, c)
	if res.ValueRows, err = b.count(`SELECT count(*) FROM cube.values WHERE version = ?`, version); err != nil {
		return nil, err
	}
	res.ValuesComputed = n
	if res.MeasureRows, err = b.count(`SELECT count(*) FROM cube.measures WHERE version = ?`, version); err != nil {
		return nil, err
	}
	if res.AgeRows, err = b.count(`SELECT count(*) FROM cube.age WHERE version = ?`, version); err != nil {
		return nil, err
	}
	res.Duration = time.Since(t0)
	var base sql.NullInt64
	if res.BaseVersion > 0 {
		base = sql.NullInt64{Int64: res.BaseVersion, Valid: true}
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO cube.runs BY NAME SELECT ? AS version, ? AS scope, ? AS as_of, ? AS period_start,
		? AS built_at, ? AS mode, ? AS base_version, ? AS duration_ms, ? AS age_level, ? AS value_level, ? AS measure_rows,
		? AS months, ? AS months_recomputed, ? AS villages_changed, ? AS signature`,
		version, v.Scope, v.AsOf, v.PeriodStart, time.Now().UTC(), res.Mode, base, res.Duration.Milliseconds(),
		int(opts.AgeLevel), int(opts.ValueLevel), res.MeasureRows, res.Months, res.MonthsRecomputed, res.VillagesChanged, signature(opts)); err != nil {
		return nil, fmt.Errorf("cube of version %d: record run: %w", version, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("cube of version %d: commit: %w", version, err)
	}
	committed = true
	for _, t := range tempTables {
		conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.`+t)
	}
	return res, nil
}

// tempTables are the connection's tables a build leaves behind.
var tempTables = []string{"cube_months", "cube_dups", "cube_dups_ev", "cube_dups_base", "cube_dups_base_ev", "cube_pmap", "cube_pmap_base", "cube_newp", "cube_people", "cube_ph", "cube_spells", "cube_births",
	"cube_vm", "cube_am", "cube_changed", "cube_r", "cube_rp", "cube_vm_r", "cube_am_r", "cube_vm_old", "cube_am_old", "cube_vm_next", "cube_am_next",
	"cube_dvm", "cube_dlm", "cube_dam", "cube_dal", "cube_nlm", "cube_nal", "cube_ddm", "cube_months_base", "cube_vn", "cube_units", "cube_new_units", "cube_gone_units", "cube_dp", "cube_dap", "cube_ak",
	"cube_lm", "cube_dm", "cube_la", "cube_da"}

// facts selects the inputs of one run of facts.sql: the version's tables,
// the table of its cards counted on another card (dups, dupsSQL) and
// period end, the months mi_from…mi_to of the person-months and the dates
// evFrom…evTo (end excluded) of the events; with only, the persons of
// cube_r (person-months and events) and cube_rp (cube_people).
type facts struct {
	persons, events string
	dups            string
	pe              time.Time
	miFrom, miTo    int
	evFrom, evTo    time.Time
	only            bool
}

// factsVars returns vars with the placeholders of facts.sql for f.
func factsVars(vars map[string]string, f facts) map[string]string {
	out := maps.Clone(vars)
	out["persons"], out["events"], out["dups"] = f.persons, countedEvents(f.events, f.dups), f.dups
	out["pe"] = store.Quote(f.pe.Format(time.DateOnly))
	out["residence_spells"] = residence.Spells("cube_people", out["events"], out["ps"], out["pe"])
	out["mi_from"], out["mi_to"] = fmt.Sprint(f.miFrom), fmt.Sprint(f.miTo)
	out["ev_from"], out["ev_to"] = store.Quote(f.evFrom.Format(time.DateOnly)), store.Quote(f.evTo.Format(time.DateOnly))
	out["people_where"], out["kids_where"], out["pm_where"], out["ev_where"] = "", "", "", ""
	if f.only {
		out["people_where"] = "AND p.person_id IN (SELECT person_id FROM cube_rp)"
		out["kids_where"] = "AND l.parent IN (SELECT person_id FROM cube_rp)"
		out["pm_where"] = "AND sp.person_id IN (SELECT person_id FROM cube_r)"
		out["ev_where"] = `AND (coalesce(e.person_id, '') IN (SELECT person_id FROM cube_r)
			OR (e.event_type IN ('marriage', 'divorce') AND e.spouse_person_id IN (SELECT person_id FROM cube_r)))`
	}
	return out
}

// dupsSQL creates the temporary tables of the cards counted on another
// card: dups (person_id, kept, kind) from the query q, and dups_ev, their
// events moved to the kept card, except those the kept card has itself
// (same type and date) and the repeats of one event on several
// duplicates, so that an event is counted once, on the card counted.
func dupsSQL(dups, q, events string) string {
	return `CREATE OR REPLACE TEMP TABLE ` + dups + ` AS ` + q + `;
CREATE OR REPLACE TEMP TABLE ` + dups + `_ev AS
SELECT e.* REPLACE (d.kept AS person_id) FROM ` + events + ` e JOIN ` + dups + ` d ON d.person_id = e.person_id
WHERE (d.kept, e.event_type, e.event_date) NOT IN (
	SELECT (person_id, event_type, event_date) FROM ` + events + ` WHERE person_id IN (SELECT kept FROM ` + dups + `))
QUALIFY row_number() OVER (PARTITION BY d.kept, e.event_type, e.event_date ORDER BY e.event_id) = 1`
}

// countedEvents returns a subquery of the events table with the events of
// the cards of dups moved to the kept card (dups_ev, dupsSQL).
func countedEvents(events, dups string) string {
	return `(SELECT * FROM ` + events + ` WHERE person_id IS NULL OR person_id NOT IN (SELECT person_id FROM ` + dups + `)
	UNION ALL SELECT * FROM ` + dups + `_ev)`
}

// signature identifies what a cube is computed from besides the data:
// the format of the cube tables, the measures, the catalog and the
// levels. A refresh starts only from a cube with the same signature.
func signature(opts Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "cube format %d; age level %d; value level %d\n", cubeFormat, opts.AgeLevel, opts.ValueLevel)
	for _, m := range models.Measures {
		fmt.Fprintln(h, m.ID)
	}
	json.NewEncoder(h).Encode(opts.Catalog.All())
	return hex.EncodeToString(h.Sum(nil))
}

// cubeFormat is the version of the cube tables' layout and computation;
// raise it when a change makes earlier cubes unfit as a refresh's base.
const cubeFormat = 3 // 3: duplicate cards counted once

// canonCols rounds the person-years measures to the nearest multiple of
// 1/365.25 (they are sums of days / 365.25), as a REPLACE list.
func canonCols() string {
	var parts []string
	for _, m := range models.Measures {
		if exposureMeasures[m.ID] {
			parts = append(parts, fmt.Sprintf("round(%[1]s * 365.25) / 365.25 AS %[1]s", measureIdent(m.ID)))
		}
	}
	return strings.Join(parts, ", ")
}

// stateAt returns the SQL expression of an attribute at the end of month
// mi: the state after the last event of the attribute in a month ≤ mi
// (months and states: ascending lists, one entry per month with events),
// the state before the first event (initial) when mi precedes it, and the
// snapshot's value (snapshot) for a person with no event.
func stateAt(snapshot, months, states, initial, mi string) string {
	return fmt.Sprintf(`(CASE WHEN %[2]s IS NULL THEN %[1]s WHEN %[5]s < %[2]s[1] THEN %[4]s
		ELSE %[3]s[len(list_filter(%[2]s, ev_mi -> ev_mi <= %[5]s))] END)`, snapshot, months, states, initial, mi)
}

// monthsSQL creates cube_months: month index, first day, first day of the
// next month (capped at the period end) and the yyyymmdd of mid-month and
// of the month's last day.
func monthsSQL(first, last int, pe time.Time) string {
	var rows []string
	for mi := first; mi <= last; mi++ {
		s := monthStart(mi)
		e := monthStart(mi + 1)
		if e.After(pe) {
			e = pe
		}
		eom := e.AddDate(0, 0, -1)
		mid := s.AddDate(0, 0, 14)
		rows = append(rows, fmt.Sprintf("(%d, DATE '%s', DATE '%s', %d, %d)", mi, s.Format(time.DateOnly), e.Format(time.DateOnly), ymd(eom), ymd(mid)))
	}
	return `CREATE OR REPLACE TEMP TABLE cube_months AS SELECT * FROM (VALUES ` + strings.Join(rows, ", ") + `) t(mi, mstart, mend, eom_ymd, mid_ymd)`
}

func ymd(t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }

// periodsSQL creates the temp table name (mi, ptype, period, last) from
// periodMap.
func periodsSQL(name string, first, last int) string {
	var rows []string
	for _, p := range periodMap(first, last) {
		rows = append(rows, fmt.Sprintf("(%d, '%s', '%s', %t)", p.month, p.ptype, p.period, p.last))
	}
	return `CREATE OR REPLACE TEMP TABLE ` + name + ` AS SELECT * FROM (VALUES ` + strings.Join(rows, ", ") + `) t(mi, ptype, period, last)`
}
