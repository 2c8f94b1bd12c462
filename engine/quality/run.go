package quality

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Tables of the quality schema.
const (
	RunsTable     = "quality.runs"     // one row per computed version
	MeasuresTable = "quality.measures" // one row per version and unit: the counts behind every measure, and the score
)

// Indicators are the catalog ids (models.KindStored) that Run writes into
// cube.values.
var Indicators = []string{"quality_completeness", "quality_id_validity", "quality_code_validity", "quality_consistency",
	"quality_duplicates", "quality_whipple", "quality_myers", "quality_score"}

// Options configure a run.
type Options struct {
	// MinHeapingPop is the fewest persons in an index's age range for
	// which Whipple's and Myers' indices are given; default MinHeapingPop.
	MinHeapingPop int
}

// Result describes a run.
type Result struct {
	Version  int64  `json:"version"`
	Scope    string `json:"scope"`
	Period   string `json:"period"` // month of the as-of date
	Units    int64  `json:"units"`
	Records  int64  `json:"records"`
	Unplaced int64  `json:"unplaced"` // quarantined person rows with no usable place (in no unit)
	// Linkage is true when engine/linkage tables of the version were found
	// (duplicates and feedback are then measured).
	Linkage bool `json:"linkage"`
	// CubeValues is the number of rows written into cube.values; 0 when the
	// version has no cube yet (run again after cube.Build).
	CubeValues int64         `json:"cube_values"`
	Duration   time.Duration `json:"duration"`
	Steps      []cube.Step   `json:"steps"`
}

// outColumns are the columns of q_out after division and level, in order.
func outColumns() []string {
	return append(villageColumns(), "lag_p50", "lag_p90", "lag_p95", "lag_max", "pop_whipple", "whipple_num", "pop_myers", "myers")
}

// measureColumns are the numeric columns of quality.measures.
func measureColumns() []string { return append(outColumns(), "score", "score_num", "score_den") }

func lagBinColumn(i int) string { return fmt.Sprintf("lag_b%d", i) }

type execer interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// migrate creates the quality schema and adds columns a newer PADIS
// measures.
func migrate(ctx context.Context, db execer) error {
	var cols []string
	for _, c := range measureColumns() {
		cols = append(cols, c+" DOUBLE")
	}
	ddl := `CREATE SCHEMA IF NOT EXISTS quality;
CREATE TABLE IF NOT EXISTS quality.runs (version BIGINT NOT NULL, scope VARCHAR NOT NULL, as_of DATE NOT NULL, period VARCHAR NOT NULL,
	computed_at TIMESTAMP NOT NULL, duration_ms BIGINT NOT NULL, units BIGINT NOT NULL, records BIGINT NOT NULL, unplaced BIGINT NOT NULL,
	linkage BOOLEAN NOT NULL, cube_values BIGINT NOT NULL, min_heaping_pop INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quality.measures (version BIGINT NOT NULL, division VARCHAR NOT NULL, level TINYINT NOT NULL, ` + strings.Join(cols, ", ") + `);`
	if _, err := db.ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("quality schema: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT column_name FROM duckdb_columns() WHERE schema_name = 'quality' AND table_name = 'measures'`)
	if err != nil {
		return fmt.Errorf("quality schema: %w", err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return fmt.Errorf("quality schema: %w", err)
		}
		have[c] = true
	}
	rows.Close()
	for _, c := range measureColumns() {
		if !have[c] {
			if _, err := db.ExecContext(ctx, `ALTER TABLE quality.measures ADD COLUMN `+c+` DOUBLE`); err != nil {
				return fmt.Errorf("quality schema: add %s: %w", c, err)
			}
		}
	}
	return nil
}

// dateSQL is a DATE literal.
func dateSQL(t time.Time) string { return "DATE " + store.Quote(t.Format(time.DateOnly)) }

// ageAt is the age in completed years at date expression at of the date
// expression b.
func ageAt(b, at string) string {
	return fmt.Sprintf("(year(%[2]s) - year(%[1]s) - CASE WHEN month(%[1]s) * 100 + day(%[1]s) > month(%[2]s) * 100 + day(%[2]s) THEN 1 ELSE 0 END)", b, at)
}

// Run computes the quality measures of version: it replaces the
// version's rows of quality.* and, when the version's cube exists, its
// quality indicators in cube.values (a rebuilt cube loses them; run again).
// Running it twice gives the same tables.
func Run(ctx context.Context, st *store.Store, version int64, opts Options) (*Result, error) {
	t0 := time.Now()
	if opts.MinHeapingPop <= 0 {
		opts.MinHeapingPop = MinHeapingPop
	}
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("quality of version %d: %w", version, err)
	}
	defer conn.Close()
	defer func() {
		for _, t := range tempTables {
			conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.`+t)
		}
	}()
	if err := migrate(ctx, conn); err != nil {
		return nil, err
	}
	if err := cube.EnsureSchema(ctx, st); err != nil {
		return nil, fmt.Errorf("quality of version %d: %w", version, err)
	}
	res := &Result{Version: version, Scope: v.Scope, Period: v.AsOf.Format("2006-01")}
	link, err := linkageSQL(ctx, conn, version)
	if err != nil {
		return nil, fmt.Errorf("quality of version %d: %w", version, err)
	}
	res.Linkage = link != ""
	asOf := dateSQL(v.AsOf)
	vars := map[string]string{
		"persons":    st.Table(version, models.TablePersons),
		"households": st.Table(version, models.TableHouseholds),
		"events":     st.Table(version, models.TableEvents),
		"quarantine": st.Table(version, store.QuarantineTable),
		"age":        ageAt("b", asOf),
		"age_alive":  ageAt("birth_date", asOf),
		"age_status": ageAt("p.birth_date", "coalesce(p.status_date, "+asOf+")"),
		"mother_age": ageAt("m.birth_date", "p.birth_date"),
		"ps":         store.Quote(v.PeriodStart.Format(time.DateOnly)),
		"pe":         store.Quote(v.AsOf.AddDate(0, 0, 1).Format(time.DateOnly)),
		"link":       link,
	}
	for _, s := range statements(vars, res.Linkage) {
		t := time.Now()
		if _, err := conn.ExecContext(ctx, s[1]); err != nil {
			return nil, fmt.Errorf("quality of version %d: %s: %w", version, s[0], err)
		}
		res.Steps = append(res.Steps, cube.Step{Name: s[0], Duration: time.Since(t)})
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE place IS NULL) FROM q_rec`).Scan(&res.Records, &res.Unplaced); err != nil {
		return nil, fmt.Errorf("quality of version %d: %w", version, err)
	}
	t := time.Now()
	units, err := readOut(ctx, conn, res.Linkage, opts.MinHeapingPop)
	if err != nil {
		return nil, fmt.Errorf("quality of version %d: %w", version, err)
	}
	res.Units = int64(len(units))
	var hasCube bool
	if err := conn.QueryRowContext(ctx, `SELECT count(*) > 0 FROM cube.runs WHERE version = ?`, version).Scan(&hasCube); err != nil {
		return nil, fmt.Errorf("quality of version %d: %w", version, err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("quality of version %d: %w", version, err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	for _, q := range []string{`DELETE FROM quality.runs WHERE version = ?`, `DELETE FROM quality.measures WHERE version = ?`,
		`DELETE FROM cube.values WHERE version = ? AND indicator IN ` + sqlList(Indicators)} {
		if _, err := conn.ExecContext(ctx, q, version); err != nil {
			return nil, fmt.Errorf("quality of version %d: clear: %w", version, err)
		}
	}
	if err := writeUnits(conn, version, res.Period, units, hasCube, &res.CubeValues); err != nil {
		return nil, fmt.Errorf("quality of version %d: %w", version, err)
	}
	res.Steps = append(res.Steps, cube.Step{Name: "score and write", Duration: time.Since(t)})
	res.Duration = time.Since(t0)
	if _, err := conn.ExecContext(ctx, `INSERT INTO quality.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		version, v.Scope, v.AsOf, res.Period, time.Now().UTC(), res.Duration.Milliseconds(), res.Units, res.Records, res.Unplaced,
		res.Linkage, res.CubeValues, opts.MinHeapingPop); err != nil {
		return nil, fmt.Errorf("quality of version %d: record run: %w", version, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("quality of version %d: commit: %w", version, err)
	}
	committed = true
	return res, nil
}

// unit is one row of q_out.
type unit struct {
	division string
	level    models.Level
	r        row
	m        *Measures
}

// readOut reads q_out and computes each unit's measures and score.
func readOut(ctx context.Context, conn *sql.Conn, linkage bool, minPop int) ([]unit, error) {
	cols := outColumns()
	rows, err := conn.QueryContext(ctx, `SELECT division, level, `+strings.Join(cols, ", ")+` FROM q_out ORDER BY level, division`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unit
	for rows.Next() {
		u, err := scanUnit(rows, cols)
		if err != nil {
			return nil, err
		}
		u.m = measuresOf(u.r, linkage, minPop)
		out = append(out, u)
	}
	return out, rows.Err()
}

// scanUnit reads division, level, cols and then extra of one row; NULL
// columns are left out of the row map.
func scanUnit(rows *sql.Rows, cols []string, extra ...any) (unit, error) {
	var u unit
	var level int
	vals := make([]sql.NullFloat64, len(cols))
	dest := []any{&u.division, &level}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	if err := rows.Scan(append(dest, extra...)...); err != nil {
		return u, err
	}
	u.level = models.Level(level)
	u.r = make(row, len(cols))
	for i, c := range cols {
		if vals[i].Valid {
			u.r[c] = vals[i].Float64
		}
	}
	return u, nil
}

// writeUnits appends the units to quality.measures and, with hasCube,
// their indicator values to cube.values.
func writeUnits(conn *sql.Conn, version int64, period string, units []unit, hasCube bool, nValues *int64) error {
	cols := outColumns()
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "quality", "measures")
		if err != nil {
			return err
		}
		for _, u := range units {
			vals := []driver.Value{version, u.division, int8(u.level)}
			for _, c := range cols {
				if f, ok := u.r[c]; ok {
					vals = append(vals, f)
				} else {
					vals = append(vals, nil)
				}
			}
			s := u.m.Score
			vals = append(vals, nullable(s.Value), s.Numerator, s.Denominator)
			if err := app.AppendRow(vals...); err != nil {
				app.Close()
				return fmt.Errorf("quality.measures: %w", err)
			}
		}
		if err := app.Close(); err != nil {
			return fmt.Errorf("quality.measures: %w", err)
		}
		if !hasCube {
			return nil
		}
		app, err = duckdb.NewAppender(dc.(driver.Conn), "", "cube", "values")
		if err != nil {
			return err
		}
		for _, u := range units {
			for _, cv := range cubeValues(u.m) {
				*nValues++
				if err := app.AppendRow(version, cv.Indicator, u.division, int8(u.level), cube.PeriodMonth, period, "",
					nullable(cv.Value), nullable(cv.Lower), nullable(cv.Upper), nullable(cv.Numerator), nullable(cv.Denominator), cv.Flag); err != nil {
					app.Close()
					return fmt.Errorf("cube.values: %w", err)
				}
			}
		}
		return app.Close()
	})
}

func nullable(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

// cubeValues returns the indicator values of m (Indicators; an absent
// measure gives no value).
func cubeValues(m *Measures) []cube.Value {
	var out []cube.Value
	prop := func(id string, p Proportion) {
		v := cube.Value{Indicator: id, Value: p.Value, Lower: p.Lower, Upper: p.Upper, Numerator: p.Numerator, Denominator: p.Denominator}
		if !(p.Denominator > 0) {
			v.Flag = cube.FlagEmpty
		}
		out = append(out, v)
	}
	prop("quality_completeness", m.Completeness)
	prop("quality_id_validity", m.IDValidity)
	prop("quality_code_validity", m.CodeValidity)
	prop("quality_consistency", m.Consistency)
	if m.Duplicates != nil {
		prop("quality_duplicates", *m.Duplicates)
	}
	nan := math.NaN()
	if w := m.Whipple; w != nil {
		out = append(out, cube.Value{Indicator: "quality_whipple", Value: w.Value, Lower: w.Lower, Upper: w.Upper,
			Numerator: w.Value * w.Population * whippleShare() / 100, Denominator: w.Population})
	}
	if my := m.Myers; my != nil {
		out = append(out, cube.Value{Indicator: "quality_myers", Value: my.Value, Lower: nan, Upper: nan, Numerator: nan, Denominator: my.Population})
	}
	s := m.Score
	v := cube.Value{Indicator: "quality_score", Value: s.Value, Lower: nan, Upper: nan, Numerator: s.Numerator, Denominator: s.Denominator}
	if math.IsNaN(s.Value) {
		v.Flag = cube.FlagEmpty
	}
	return append(out, v)
}

// Drop deletes the quality rows of version (quality.* and its quality
// indicators in cube.values).
func Drop(ctx context.Context, st *store.Store, version int64) error {
	if err := cube.EnsureSchema(ctx, st); err != nil {
		return fmt.Errorf("drop quality of version %d: %w", version, err)
	}
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("drop quality of version %d: %w", version, err)
	}
	defer tx.Rollback()
	if err := migrate(ctx, tx); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM quality.runs WHERE version = ?`, `DELETE FROM quality.measures WHERE version = ?`,
		`DELETE FROM cube.values WHERE version = ? AND indicator IN ` + sqlList(Indicators)} {
		if _, err := tx.ExecContext(ctx, q, version); err != nil {
			return fmt.Errorf("drop quality of version %d: %w", version, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("drop quality of version %d: %w", version, err)
	}
	return nil
}
