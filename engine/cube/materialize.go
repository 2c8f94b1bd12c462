package cube

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/padis/padis/models"
)

// MeasureRow is the row of cube.measures of one unit and period.
type MeasureRow struct {
	Division   string
	Level      models.Level
	PeriodType string
	Period     string
	Counts     Counts
}

// measureColumns is the select list of the measure columns.
func measureColumns() string {
	cols := make([]string, len(models.Measures))
	for i, m := range models.Measures {
		cols[i] = measureIdent(m.ID)
	}
	return strings.Join(cols, ", ")
}

// ScanMeasureRows reads rows of cube.measures selected as
// division, level, ptype, period followed by every measure column.
func ScanMeasureRows(rows *sql.Rows) ([]MeasureRow, error) {
	var out []MeasureRow
	for rows.Next() {
		r := MeasureRow{Counts: make(Counts, len(models.Measures))}
		var level int
		dest := []any{&r.Division, &level, &r.PeriodType, &r.Period}
		vals := make([]sql.NullFloat64, len(models.Measures))
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.Level = models.Level(level)
		for i, v := range vals {
			r.Counts[i] = v.Float64
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MeasureSelect is the select list that ScanMeasureRows reads.
func MeasureSelect() string { return "division, level, ptype, period, " + measureColumns() }

// AgeKey identifies one unit and period of the age table.
type AgeKey struct {
	Division   string
	Level      models.Level
	PeriodType string
	Period     string
}

// materialize writes cube.values of version: every derivable indicator of
// the catalog for the units down to opts.ValueLevel, and the age-table
// methods for the units down to opts.AgeLevel; with only (a table of
// division, ptype and period), for those units and periods only.
func materialize(ctx context.Context, conn *sql.Conn, version int64, opts Options, only string) (int64, error) {
	rows, err := conn.QueryContext(ctx, `SELECT `+MeasureSelect()+` FROM cube.measures`+onlyJoin(only)+` WHERE version = ? AND level <= ?`, version, int(opts.ValueLevel))
	if err != nil {
		return 0, fmt.Errorf("values: %w", err)
	}
	mrows, err := ScanMeasureRows(rows)
	rows.Close()
	if err != nil {
		return 0, fmt.Errorf("values: %w", err)
	}
	ages, order, err := readAges(ctx, conn, version, only, "")
	if err != nil {
		return 0, err
	}
	var derivable, methods []models.Indicator
	for _, ind := range opts.Catalog.All() {
		if ind.Kind == models.KindStored { // written by its engine package
			continue
		}
		if Derivable(ind) {
			derivable = append(derivable, ind)
		} else {
			methods = append(methods, ind)
		}
	}
	var n int64
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "cube", "values")
		if err != nil {
			return err
		}
		put := func(v Value, k AgeKey) error {
			n++
			return app.AppendRow(version, v.Indicator, k.Division, int8(k.Level), k.PeriodType, k.Period, v.Breakdown,
				null(v.Value), null(v.Lower), null(v.Upper), null(v.Numerator), null(v.Denominator), v.Flag)
		}
		for _, r := range mrows {
			k := AgeKey{r.Division, r.Level, r.PeriodType, r.Period}
			for _, ind := range derivable {
				v, err := Derive(ind, r.Counts)
				if err != nil {
					app.Close()
					return err
				}
				if err := put(v, k); err != nil {
					app.Close()
					return err
				}
			}
		}
		for _, k := range order {
			for _, ind := range methods {
				vs, err := Methods(ind, ages[k])
				if err != nil {
					app.Close()
					return err
				}
				for _, v := range vs {
					if err := put(v, k); err != nil {
						app.Close()
						return err
					}
				}
			}
		}
		return app.Close()
	})
	if err != nil {
		return n, fmt.Errorf("values: %w", err)
	}
	return n, nil
}

// onlyJoin restricts a query of a cube table to the units and periods of
// the table only (none when empty).
func onlyJoin(only string) string {
	if only == "" {
		return ""
	}
	return " t SEMI JOIN " + only + " k ON k.division = t.division AND k.ptype = t.ptype AND k.period = t.period"
}

// readAges reads the age table of version (restricted by onlyJoin(only)
// and where) grouped by unit and period, in table order.
func readAges(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, version int64, only, where string, args ...any) (map[AgeKey]*AgeCounts, []AgeKey, error) {
	query := `SELECT division, level, ptype, period, sex, age, pop, py, deaths, births FROM cube.age` + onlyJoin(only) + ` WHERE version = ?`
	if where != "" {
		query += " AND " + where
	}
	rows, err := q.QueryContext(ctx, query, append([]any{version}, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("age table: %w", err)
	}
	defer rows.Close()
	out := map[AgeKey]*AgeCounts{}
	var order []AgeKey
	for rows.Next() {
		var k AgeKey
		var level, sex, age int
		var pop, py, deaths, births float64
		if err := rows.Scan(&k.Division, &level, &k.PeriodType, &k.Period, &sex, &age, &pop, &py, &deaths, &births); err != nil {
			return nil, nil, fmt.Errorf("age table: %w", err)
		}
		k.Level = models.Level(level)
		a := out[k]
		if a == nil {
			a = &AgeCounts{}
			out[k] = a
			order = append(order, k)
		}
		a.Add(sex, age, pop, py, deaths, births)
	}
	return out, order, rows.Err()
}

// ReadAges returns the age counts of one unit and period of version.
func ReadAges(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, version int64, division, ptype, period string) (*AgeCounts, bool, error) {
	m, _, err := readAges(ctx, q, version, "", "division = ? AND ptype = ? AND period = ?", division, ptype, period)
	if err != nil {
		return nil, false, err
	}
	for _, a := range m {
		return a, true, nil
	}
	return &AgeCounts{}, false, nil
}

func null(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

// ReadAgesWhere returns the age counts of version for the units and
// periods that satisfy where (SQL over the columns of cube.age, with args),
// keyed by unit and period, and the keys in table order.
func ReadAgesWhere(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, version int64, where string, args ...any) (map[AgeKey]*AgeCounts, []AgeKey, error) {
	return readAges(ctx, q, version, "", where, args...)
}
