package cube

import (
	"database/sql"
	"database/sql/driver"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// AppendValues appends vals, whose key fields (Indicator, Division, Level,
// PeriodType, Period, Breakdown) are filled, to cube.values of version
// through DuckDB's appender on conn: how an engine package stores the
// values of its models.KindStored indicators. NaN and infinite numbers are
// stored as NULL.
func AppendValues(conn *sql.Conn, version int64, vals []Value) error {
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "cube", "values")
		if err != nil {
			return fmt.Errorf("cube.values: %w", err)
		}
		for _, v := range vals {
			if err := app.AppendRow(version, v.Indicator, v.Division, int8(v.Level), v.PeriodType, v.Period, v.Breakdown,
				null(v.Value), null(v.Lower), null(v.Upper), null(v.Numerator), null(v.Denominator), v.Flag); err != nil {
				app.Close()
				return fmt.Errorf("cube.values: %w", err)
			}
		}
		if err := app.Close(); err != nil {
			return fmt.Errorf("cube.values: %w", err)
		}
		return nil
	})
}
