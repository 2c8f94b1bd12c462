package cube

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/padis/padis/engine/store"
	"strings"

	"github.com/padis/padis/models"
)

// Cube table names (schema cube of the store's database).
const (
	RunsTable     = "cube.runs"     // one row per built version
	MeasuresTable = "cube.measures" // base measures per version, unit and period
	AgeTable      = "cube.age"      // age-specific counts per version, unit, period, sex and age
	ValuesTable   = "cube.values"   // materialised indicator values with intervals
	PersonsTable  = "cube.persons"  // per version and person, a hash of the person's inputs (incremental refresh)
	VillagesTable = "cube.villages" // per version and village, its rows (person-months and events; incremental refresh)
	// DuplicatesTable lists per version the cards the cube counted on
	// another card (person_id, kept, kind: duplicate or
	// probable_duplicate; engine/linkage.CountedOnceSQL).
	DuplicatesTable = "cube.duplicates"
)

// tables are the cube tables keyed by version.
var tables = []string{RunsTable, MeasuresTable, AgeTable, ValuesTable, PersonsTable, VillagesTable, DuplicatesTable}

const keyColumns = `version BIGINT NOT NULL, division VARCHAR NOT NULL, level TINYINT NOT NULL, ptype VARCHAR NOT NULL, period VARCHAR NOT NULL`

// ddl returns the statements creating the cube schema.
func ddl() string {
	var cols []string
	for _, m := range models.Measures {
		cols = append(cols, measureIdent(m.ID)+" DOUBLE")
	}
	return `CREATE SCHEMA IF NOT EXISTS cube;
CREATE TABLE IF NOT EXISTS cube.runs (
	version BIGINT NOT NULL, scope VARCHAR NOT NULL, as_of DATE NOT NULL, period_start DATE NOT NULL,
	built_at TIMESTAMP NOT NULL, mode VARCHAR NOT NULL, base_version BIGINT, duration_ms BIGINT NOT NULL,
	age_level TINYINT NOT NULL, value_level TINYINT NOT NULL, measure_rows BIGINT NOT NULL,
	months INTEGER NOT NULL, months_recomputed INTEGER NOT NULL, villages_changed BIGINT NOT NULL);
ALTER TABLE cube.runs ADD COLUMN IF NOT EXISTS signature VARCHAR;
CREATE TABLE IF NOT EXISTS cube.measures (` + keyColumns + `, ` + strings.Join(cols, ", ") + `);
CREATE TABLE IF NOT EXISTS cube.age (` + keyColumns + `, sex TINYINT NOT NULL, age SMALLINT NOT NULL,
	pop DOUBLE NOT NULL, py DOUBLE NOT NULL, deaths DOUBLE NOT NULL, births DOUBLE NOT NULL);
CREATE TABLE IF NOT EXISTS cube.values (version BIGINT NOT NULL, indicator VARCHAR NOT NULL, division VARCHAR NOT NULL,
	level TINYINT NOT NULL, ptype VARCHAR NOT NULL, period VARCHAR NOT NULL, breakdown VARCHAR NOT NULL,
	value DOUBLE, lower DOUBLE, upper DOUBLE, numerator DOUBLE, denominator DOUBLE, flag VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS cube.persons (version BIGINT NOT NULL, person_id VARCHAR NOT NULL, h UBIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS cube.villages (version BIGINT NOT NULL, village VARCHAR NOT NULL, n BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS cube.duplicates (version BIGINT NOT NULL, person_id VARCHAR NOT NULL, kept VARCHAR NOT NULL, kind VARCHAR NOT NULL);
DROP TABLE IF EXISTS cube.base; -- the village-months of the refresh before cube.persons; nothing reads it`
}

// migrate creates the cube schema and adds the columns of measures added
// to the catalog since the tables were created.
func migrate(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) error {
	if _, err := db.ExecContext(ctx, ddl()); err != nil {
		return fmt.Errorf("create cube schema: %w", err)
	}
	for _, tbl := range []string{"measures"} {
		rows, err := db.QueryContext(ctx, `SELECT column_name FROM duckdb_columns() WHERE schema_name = 'cube' AND table_name = ?`, tbl)
		if err != nil {
			return fmt.Errorf("cube schema: %w", err)
		}
		have := map[string]bool{}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return fmt.Errorf("cube schema: %w", err)
			}
			have[c] = true
		}
		rows.Close()
		for _, m := range models.Measures {
			if !have[m.ID] {
				if _, err := db.ExecContext(ctx, `ALTER TABLE cube.`+tbl+` ADD COLUMN `+measureIdent(m.ID)+` DOUBLE DEFAULT 0`); err != nil {
					return fmt.Errorf("cube schema: add measure %s: %w", m.ID, err)
				}
			}
		}
	}
	return nil
}

// EnsureSchema creates the cube tables of st when they do not exist yet, so
// that readers can open a store on which no cube has been built.
func EnsureSchema(ctx context.Context, st *store.Store) error {
	return migrate(ctx, st.DB())
}
