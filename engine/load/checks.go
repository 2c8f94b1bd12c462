package load

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// The checks that need more than one row run after all files are read, as
// set operations over the staged tables. Their findings go to a temporary
// table of problems (tbl, row, field, reason, action) that is folded into
// the quarantine at the end.

const problemsDDL = `CREATE TEMP TABLE load_problems (tbl VARCHAR NOT NULL, "row" BIGINT NOT NULL, field VARCHAR NOT NULL, reason VARCHAR NOT NULL, action VARCHAR NOT NULL)`

type checker struct {
	conn    *sql.Conn
	st      *store.Store
	version int64
	loaded  map[string]bool // snapshot tables present
	exec    func(ctx context.Context, phase, query string) (int64, error)
}

func (c *checker) t(table string) string { return c.st.Table(c.version, table) }

// ok is the condition that a staged row of table is still accepted.
func (c *checker) ok(table, alias string) string {
	return fmt.Sprintf(`%[1]s._problem IS NULL AND %[1]s._row NOT IN (SELECT "row" FROM load_problems WHERE tbl = %[2]s AND action = 'quarantined')`, alias, q(table))
}

// run runs the checks in dependency order.
func (c *checker) run(ctx context.Context) error {
	for _, tb := range models.SnapshotTables {
		if !c.loaded[tb.Name] {
			continue
		}
		if err := c.divisions(ctx, tb); err != nil {
			return err
		}
		if err := c.duplicates(ctx, tb); err != nil {
			return err
		}
	}
	// References that name no row of the file at all: quarantined.
	refs := []struct{ table, col, target, reason, flag string }{
		{models.TablePersons, "household_id", models.TableHouseholds, ReasonHouseholdUnknown, ReasonHouseholdQuarantined},
		{models.TablePersons, "mother_person_id", models.TablePersons, ReasonMotherUnknown, ReasonMotherQuarantined},
		{models.TablePersons, "father_person_id", models.TablePersons, ReasonFatherUnknown, ReasonFatherQuarantined},
		{models.TableEvents, "person_id", models.TablePersons, ReasonPersonUnknown, ReasonPersonQuarantined},
		{models.TableEvents, "mother_person_id", models.TablePersons, ReasonMotherUnknown, ReasonMotherQuarantined},
	}
	for _, r := range refs {
		if err := c.unknownRef(ctx, r.table, r.col, r.target, r.reason); err != nil {
			return err
		}
	}
	// From here on no row is quarantined: the accepted keys of persons and
	// households are final and are materialised once for the flags.
	for _, tb := range []string{models.TablePersons, models.TableHouseholds} {
		if !c.loaded[tb] {
			continue
		}
		k := id(targetKey(tb))
		if _, err := c.exec(ctx, "accepted keys "+tb, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS SELECT DISTINCT t.%s AS k FROM %s t WHERE %s`,
			okKeys(tb), k, c.t(tb), c.ok(tb, "t"))); err != nil {
			return err
		}
	}
	// References to rows that exist but were quarantined: flagged. These
	// run after every quarantine is known, and flags remove nothing, so
	// there is no cascade.
	for _, r := range refs {
		if err := c.quarantinedRef(ctx, r.table, r.col, r.target, r.flag); err != nil {
			return err
		}
	}
	if err := c.flagReference(ctx, models.TableHouseholds, "head_person_id", ReasonHeadUnknown); err != nil {
		return err
	}
	return c.flagReference(ctx, models.TableEvents, "spouse_person_id", ReasonSpouseUnknown)
}

// divisions quarantines rows whose division columns are not villages of
// the division list.
func (c *checker) divisions(ctx context.Context, tb models.Table) error {
	var whens []string
	for _, col := range tb.Columns {
		if col.Division {
			whens = append(whens, fmt.Sprintf("WHEN r.%[1]s IS NOT NULL AND r.%[1]s NOT IN (SELECT code FROM %[2]s) THEN %[3]s", id(col.Name), store.DivisionsTable, q(col.Name)))
		}
	}
	if len(whens) == 0 {
		return nil
	}
	_, err := c.exec(ctx, "divisions "+tb.Name, fmt.Sprintf(`INSERT INTO load_problems
SELECT %[1]s, _row, field, %[2]s, 'quarantined' FROM (
	SELECT r._row, CASE %[3]s END AS field FROM %[4]s r WHERE r._problem IS NULL
) WHERE field IS NOT NULL`, q(tb.Name), q(ReasonUnknownDivision), strings.Join(whens, " "), c.t(tb.Name)))
	return err
}

// duplicates quarantines every row but the first (in file order) of each
// key among the rows accepted so far.
func (c *checker) duplicates(ctx context.Context, tb models.Table) error {
	k := id(tb.Key)
	_, err := c.exec(ctx, "duplicates "+tb.Name, fmt.Sprintf(`INSERT INTO load_problems
SELECT %[1]s, _row, %[2]s, %[3]s, 'quarantined' FROM (
	SELECT r._row, row_number() OVER (PARTITION BY r.%[4]s ORDER BY r._row) AS n
	FROM %[5]s r
	WHERE %[6]s AND r.%[4]s IN (SELECT %[4]s FROM %[5]s WHERE _problem IS NULL GROUP BY %[4]s HAVING count(*) > 1)
) WHERE n > 1`, q(tb.Name), q(tb.Key), q(ReasonDuplicateKey), k, c.t(tb.Name), c.ok(tb.Name, "r")))
	return err
}

// targetKey is the key column referenced in target.
func targetKey(target string) string {
	t, _ := store.SnapshotTable(target)
	return t.Key
}

// unknownRef quarantines the accepted rows of table whose column col names
// no row of target at all.
func (c *checker) unknownRef(ctx context.Context, table, col, target, reason string) error {
	if !c.loaded[table] || !c.loaded[target] {
		return nil
	}
	key := id(targetKey(target))
	_, err := c.exec(ctx, "references "+table+"."+col, fmt.Sprintf(`INSERT INTO load_problems
SELECT %[1]s, r._row, %[2]s, %[3]s, 'quarantined'
FROM %[4]s r
WHERE %[5]s AND r.%[6]s IS NOT NULL
	AND r.%[6]s NOT IN (SELECT %[7]s FROM %[8]s WHERE %[7]s IS NOT NULL)`,
		q(table), q(col), q(reason), c.t(table), c.ok(table, "r"), id(col), key, c.t(target)))
	return err
}

// okKeys names the temporary table of the accepted keys of table.
func okKeys(table string) string { return "load_ok_" + store.TableName(table) }

// quarantinedRef flags the accepted rows of table whose column col names
// a row of target that exists but was quarantined (every reference to no
// row at all was quarantined before).
func (c *checker) quarantinedRef(ctx context.Context, table, col, target, reason string) error {
	if !c.loaded[table] || !c.loaded[target] {
		return nil
	}
	_, err := c.exec(ctx, "flags "+table+"."+col, fmt.Sprintf(`INSERT INTO load_problems
SELECT %[1]s, r._row, %[2]s, %[3]s, 'flagged'
FROM %[4]s r
WHERE %[5]s AND r.%[6]s IS NOT NULL
	AND r.%[6]s NOT IN (SELECT k FROM %[7]s)`,
		q(table), q(col), q(reason), c.t(table), c.ok(table, "r"), id(col), okKeys(target)))
	return err
}

// flagReference flags accepted rows of table whose col names no accepted
// person.
func (c *checker) flagReference(ctx context.Context, table, col, reason string) error {
	if !c.loaded[table] || !c.loaded[models.TablePersons] {
		return nil
	}
	_, err := c.exec(ctx, "flags "+table+"."+col, fmt.Sprintf(`INSERT INTO load_problems
SELECT %[1]s, r._row, %[2]s, %[3]s, 'flagged' FROM %[4]s r
WHERE %[5]s AND r.%[6]s IS NOT NULL
	AND r.%[6]s NOT IN (SELECT k FROM %[7]s)`,
		q(table), q(col), q(reason), c.t(table), c.ok(table, "r"), id(col), okKeys(models.TablePersons)))
	return err
}
