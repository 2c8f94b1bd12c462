package cube

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/padis/padis/engine/residence"
	"strings"
	"time"

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
}

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

// Step is the duration of one stage of a build.
type Step struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration"`
}

// Result describes a build.
type Result struct {
	Version          int64         `json:"version"`
	Scope            string        `json:"scope"`
	Mode             string        `json:"mode"` // "full" or "incremental"
	BaseVersion      int64         `json:"base_version,omitempty"`
	Months           int           `json:"months"`
	MonthsRecomputed int           `json:"months_recomputed"`
	VillagesChanged  int64         `json:"villages_changed"`
	MeasureRows      int64         `json:"measure_rows"`
	AgeRows          int64         `json:"age_rows"`
	ValueRows        int64         `json:"value_rows"`
	Duration         time.Duration `json:"duration"`
	Steps            []Step        `json:"steps"`
}

func (r *Result) step(name string, start time.Time) {
	r.Steps = append(r.Steps, Step{name, time.Since(start)})
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
	return build(ctx, st, version, opts.withDefaults(), nil)
}

// build computes the cube; with inc non-nil only the village-months of
// inc.changed are recomputed and the others copied from inc.base.
func build(ctx context.Context, st *store.Store, version int64, opts Options, inc *incremental) (*Result, error) {
	if err := checkMeasures(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("cube: %w", err)
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
	pe := v.AsOf.AddDate(0, 0, 1)
	res := &Result{Version: version, Scope: v.Scope, Mode: "full", Months: last - first + 1, MonthsRecomputed: last - first + 1}
	vars := map[string]string{
		"persons":       st.Table(version, models.TablePersons),
		"events":        st.Table(version, models.TableEvents),
		"ps":            store.Quote(v.PeriodStart.Format(time.DateOnly)),
		"pe":            store.Quote(pe.Format(time.DateOnly)),
		"agelen":        fmt.Sprint(opts.AgeLevel.CodeLen()),
		"pm_measures":   pmSelect(),
		"measure_sums":  sumSelect(),
		"levels":        levelValues(models.LevelVillage),
		"age_levels":    levelValues(opts.AgeLevel),
		"first_r12":     fmt.Sprint(first + 11),
		"sum_cols":      rollupCols("sum(%[1]s) AS %[1]s", "sum(%[1]s) AS %[1]s"),
		"coalesce_cols": rollupCols("coalesce(x.%[1]s, 0) AS %[1]s", "coalesce(x.%[1]s, 0) AS %[1]s"),
		"plain_cols":    rollupCols("%[1]s", "%[1]s"),
		"period_cols":   rollupCols("sum(d.%[1]s) AS %[1]s", "coalesce(sum(d.%[1]s) FILTER (WHERE p.last), 0) AS %[1]s"),
		"window_cols":   rollupCols("sum(%[1]s) OVER w AS %[1]s", "%[1]s"),
		"version":       fmt.Sprint(version),
	}
	vars["residence_spells"] = residence.Spells("cube_people", vars["events"], vars["ps"], vars["pe"])
	vars["married_at"] = stateAt("x.married", "x.m_mi", "x.m_st", "x.m_init", "x.mi")
	vars["contra_at"] = stateAt("x.contra", "x.c_mi", "x.c_st", "x.c_init", "x.mi")
	exec := func(name, q string) error {
		s := time.Now()
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("cube of version %d: %s: %w", version, name, err)
		}
		res.step(name, s)
		return nil
	}
	if err := exec("months", monthsSQL(first, last, pe)); err != nil {
		return nil, err
	}
	if err := exec("periods", periodsSQL(first, last)); err != nil {
		return nil, err
	}
	noFilters(vars)
	if inc != nil {
		inc.filters(vars)
	}
	for _, s := range sqlfile.Sections(factsSQL) {
		if err := exec(s.Name, sqlfile.Expand(s.SQL, vars)); err != nil {
			return nil, err
		}
		if s.Name == "fingerprints" && inc != nil {
			if err := inc.diff(ctx, conn, res); err != nil {
				return nil, err
			}
			if inc.mostChanged {
				res.Mode, res.BaseVersion, res.MonthsRecomputed, inc = "full", 0, res.Months, nil
				noFilters(vars)
			} else {
				inc.ageFilters(vars)
			}
		}
	}
	if inc != nil {
		if err := inc.merge(ctx, conn, res); err != nil {
			return nil, err
		}
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("cube of version %d: %w", version, err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	for _, t := range []string{RunsTable, MeasuresTable, AgeTable, ValuesTable, BaseTable} {
		if _, err := conn.ExecContext(ctx, `DELETE FROM `+t+` WHERE version = ?`, version); err != nil {
			return nil, fmt.Errorf("cube of version %d: clear %s: %w", version, t, err)
		}
	}
	if err := exec("store base", sqlfile.Expand(storeBaseSQL, vars)); err != nil {
		return nil, err
	}
	for _, sec := range sqlfile.Sections(rollupSQL) {
		if err := exec(sec.Name, sqlfile.Expand(sec.SQL, vars)); err != nil {
			return nil, err
		}
	}
	s := time.Now()
	n, err := materialize(ctx, conn, version, opts)
	if err != nil {
		return nil, fmt.Errorf("cube of version %d: %w", version, err)
	}
	res.ValueRows = n
	res.step("values", s)
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM cube.measures WHERE version = ?`, version).Scan(&res.MeasureRows); err != nil {
		return nil, fmt.Errorf("cube of version %d: %w", version, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM cube.age WHERE version = ?`, version).Scan(&res.AgeRows); err != nil {
		return nil, fmt.Errorf("cube of version %d: %w", version, err)
	}
	res.Duration = time.Since(t0)
	var base sql.NullInt64
	if res.BaseVersion > 0 {
		base = sql.NullInt64{Int64: res.BaseVersion, Valid: true}
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO cube.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		version, v.Scope, v.AsOf, v.PeriodStart, time.Now().UTC(), res.Mode, base, res.Duration.Milliseconds(),
		int(opts.AgeLevel), int(opts.ValueLevel), res.MeasureRows, res.Months, res.MonthsRecomputed, res.VillagesChanged); err != nil {
		return nil, fmt.Errorf("cube of version %d: record run: %w", version, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("cube of version %d: commit: %w", version, err)
	}
	committed = true
	for _, t := range []string{"cube_spells", "cube_people", "cube_births", "cube_vm", "cube_am", "cube_fp", "cube_changed", "cube_changed_units",
		"cube_lm", "cube_dm", "cube_la", "cube_da"} {
		conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.`+t)
	}
	return res, nil
}

// noFilters clears the placeholders restricting the facts to changed
// village-months (a full build).
func noFilters(vars map[string]string) {
	for _, k := range []string{"vm_filter_pm", "vm_filter_births", "vm_filter_events", "am_filter_pm", "am_filter_births"} {
		vars[k] = ""
	}
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

// periodsSQL creates cube_pmap from periodMap.
func periodsSQL(first, last int) string {
	var rows []string
	for _, p := range periodMap(first, last) {
		rows = append(rows, fmt.Sprintf("(%d, '%s', '%s', %t)", p.month, p.ptype, p.period, p.last))
	}
	return `CREATE OR REPLACE TEMP TABLE cube_pmap AS SELECT * FROM (VALUES ` + strings.Join(rows, ", ") + `) t(mi, ptype, period, last)`
}

const storeBaseSQL = `INSERT INTO cube.base BY NAME
SELECT {{version}} AS version, v.*, coalesce(f.fp, 0) AS fp
FROM cube_vm v LEFT JOIN cube_fp f ON f.village = v.village AND f.mi = v.mi`
