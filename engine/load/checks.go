package load

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
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
	scope   models.Scope
	// malformed are the keys read from the malformed records of each
	// table (csv): the rows they name exist but were quarantined.
	malformed map[string][]string
	// outside counts the rows of each required table outside the scope,
	// whatever their other problems (outOfScope).
	outside map[string]int64
}

func (c *checker) t(table string) string { return c.st.Table(c.version, table) }

// ok is the condition that a staged row of table is still accepted.
func (c *checker) ok(table, alias string) string {
	return fmt.Sprintf(`%[1]s._problem IS NULL AND %[1]s._row NOT IN (SELECT "row" FROM load_problems WHERE tbl = %[2]s AND action = 'quarantined')`, alias, q(table))
}

// A reference from one table's column to the key of a target table. The
// order of refs is the order in which a row's references are checked: a
// row with several unknown references is quarantined for the first.
type ref struct {
	table, col, target string
	unknown            string // reason when the key names no row at all ("" : flag it instead)
	flag               string // reason when the key names no accepted row
}

var refs = []ref{
	{models.TablePersons, "household_id", models.TableHouseholds, ReasonHouseholdUnknown, ReasonHouseholdQuarantined},
	{models.TablePersons, "mother_person_id", models.TablePersons, ReasonMotherUnknown, ReasonMotherQuarantined},
	{models.TablePersons, "father_person_id", models.TablePersons, ReasonFatherUnknown, ReasonFatherQuarantined},
	{models.TableEvents, "person_id", models.TablePersons, ReasonPersonUnknown, ReasonPersonQuarantined},
	{models.TableEvents, "mother_person_id", models.TablePersons, ReasonMotherUnknown, ReasonMotherQuarantined},
	{models.TableHouseholds, "head_person_id", models.TablePersons, "", ReasonHeadUnknown},
	{models.TableEvents, "spouse_person_id", models.TablePersons, "", ReasonSpouseUnknown},
}

// targets are the tables references point to, in the order of refs.
var targets = []string{models.TableHouseholds, models.TablePersons}

// run runs the checks in dependency order.
//
// Each table's keys are grouped once (key, the first row still accepted
// with it, how many rows are), which gives the duplicates and answers every
// reference to that table: the references of all tables to one target are
// joined with the target's keys once (one hash table over them, not one
// per column and check), and that join gives both the unknown references
// and, once every quarantine is known, the flags.
func (c *checker) run(ctx context.Context) error {
	for _, tb := range models.SnapshotTables {
		if !c.loaded[tb.Name] {
			continue
		}
		if err := c.divisions(ctx, tb); err != nil {
			return err
		}
		if err := c.outOfScope(ctx, tb); err != nil {
			return err
		}
		if err := c.duplicates(ctx, tb); err != nil {
			return err
		}
		if err := c.malformedKeys(ctx, tb.Name); err != nil {
			return err
		}
	}
	// References that name no row of the target file at all: quarantined,
	// for the first such reference of the row. Households go first, as in
	// refs: a person's household is checked before its parents.
	for _, target := range targets {
		if err := c.references(ctx, target); err != nil {
			return err
		}
	}
	// References to keys whose rows were all quarantined: flagged. These
	// run after every quarantine is known, and flags remove nothing, so
	// there is no cascade.
	for _, target := range targets {
		if err := c.flags(ctx, target); err != nil {
			return err
		}
	}
	return nil
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

// inScope is the SQL condition that the division code expr lies inside
// the scope (models.Scope.Check): in one of its counties when it lists
// any, else in its province.
func inScope(s models.Scope, expr string) string {
	if len(s.Counties) > 0 {
		return "list_contains(" + codeList(s.Counties) + ", left(" + expr + ", 6))"
	}
	return "left(" + expr + ", 2) = " + q(s.Province)
}

// scoped lists the tables whose rows must lie inside the manifest's
// scope: the required ones. A source table (police, deaths, birth
// certificates) may name a place outside it (a death elsewhere).
func scoped(table string) bool { return slices.Contains(requiredTables, table) }

// outOfScope quarantines the rows still accepted of a required table none
// of whose divisions (for persons: registration or residence) lies inside
// the scope, with reason out_of_scope on its first division column.
func (c *checker) outOfScope(ctx context.Context, tb models.Table) error {
	if !scoped(tb.Name) {
		return nil
	}
	var in []string
	field := ""
	for _, col := range tb.Columns {
		if col.Division {
			in = append(in, "coalesce("+inScope(c.scope, "r."+id(col.Name))+", false)")
			if field == "" {
				field = col.Name
			}
		}
	}
	if len(in) == 0 {
		return nil
	}
	cond := strings.Join(in, " OR ")
	var n int64
	if err := c.conn.QueryRowContext(ctx, `SELECT count(*) FROM `+c.t(tb.Name)+` r WHERE NOT (`+cond+`)`).Scan(&n); err != nil {
		return fmt.Errorf("scope %s: %w", tb.Name, err)
	}
	if c.outside == nil {
		c.outside = map[string]int64{}
	}
	c.outside[tb.Name] = n
	if n == 0 {
		return nil
	}
	_, err := c.exec(ctx, "scope "+tb.Name, fmt.Sprintf(`INSERT INTO load_problems
SELECT %[1]s, r._row, %[2]s, %[3]s, 'quarantined' FROM %[4]s r
WHERE %[5]s AND NOT (%[6]s)`, q(tb.Name), q(field), q(ReasonOutOfScope), c.t(tb.Name), c.ok(tb.Name, "r"), cond))
	return err
}

// malformedKeys adds the keys read from the table's malformed records to
// its keys (with no row kept), so that a reference to one of them is
// flagged as a reference to a quarantined row rather than quarantined as
// a reference to no row at all: a rejected parent never silently rejects
// its children.
func (c *checker) malformedKeys(ctx context.Context, table string) error {
	ks := c.malformed[table]
	if !isTarget(table) || len(ks) == 0 {
		return nil
	}
	for len(ks) > 0 {
		n := min(len(ks), 500)
		args := make([]any, n)
		for i := range n {
			args[i] = ks[i]
		}
		vals := strings.Repeat("(?), ", n-1) + "(?)"
		_, err := c.conn.ExecContext(ctx, `INSERT INTO `+keys(table)+` SELECT DISTINCT k, NULL, 0 FROM (VALUES `+vals+`) m(k)
WHERE k NOT IN (SELECT k FROM `+keys(table)+`)`, args...)
		if err != nil {
			return fmt.Errorf("malformed keys %s: %w", table, err)
		}
		ks = ks[n:]
	}
	return nil
}

// dropKeys drops the temporary tables of keys and references.
func dropKeys() string {
	var b strings.Builder
	for _, tb := range targets {
		b.WriteString("DROP TABLE IF EXISTS " + keys(tb) + "; DROP TABLE IF EXISTS " + refsTable(tb) + "; ")
	}
	return b.String()
}

// keys names the temporary table of the keys of a table references point
// to: every key of a staged row (k), the first row accepted with it after
// the division check (keep, NULL when none) and the number of such rows (n).
func keys(table string) string { return "load_keys_" + store.TableName(table) }

// duplicates groups the keys of the table and quarantines every row but
// the first (in file order) of each key among the rows accepted so far.
// The keys of a table that references point to are kept for them.
func (c *checker) duplicates(ctx context.Context, tb models.Table) error {
	k := id(tb.Key)
	grouped := fmt.Sprintf(`SELECT r.%[1]s AS k, min(r._row) FILTER (WHERE %[2]s) AS keep, count(*) FILTER (WHERE %[2]s) AS n
FROM %[3]s r WHERE r.%[1]s IS NOT NULL GROUP BY r.%[1]s`, k, c.ok(tb.Name, "r"), c.t(tb.Name))
	if isTarget(tb.Name) {
		if _, err := c.exec(ctx, "keys "+tb.Name, `CREATE OR REPLACE TEMP TABLE `+keys(tb.Name)+` AS `+grouped); err != nil {
			return err
		}
		grouped = keys(tb.Name)
	} else {
		grouped = "(" + grouped + ")"
	}
	_, err := c.exec(ctx, "duplicates "+tb.Name, fmt.Sprintf(`INSERT INTO load_problems
SELECT %[1]s, r._row, %[2]s, %[3]s, 'quarantined'
FROM %[4]s r JOIN (SELECT k, keep FROM %[5]s WHERE n > 1) d ON d.k = r.%[6]s
WHERE r._row <> d.keep AND %[7]s`, q(tb.Name), q(tb.Key), q(ReasonDuplicateKey), c.t(tb.Name), grouped, k, c.ok(tb.Name, "r")))
	return err
}

// isTarget reports whether references point to table.
func isTarget(table string) bool { return slices.Contains(targets, table) }

// refsTable names the temporary table of the references to target.
func refsTable(target string) string { return "load_refs_" + store.TableName(target) }

// final reports whether the accepted rows of table are known once its
// duplicates are: no reference from it can quarantine one of its rows.
func final(table string) bool {
	return !slices.ContainsFunc(refs, func(r ref) bool { return r.table == table && r.unknown != "" })
}

// references joins the references of every table to target, from the rows
// accepted so far, with target's keys, once, into a temporary table (the
// reference's table, row and position in refs; whether the key names no
// row at all; the key's kept row), and quarantines each row for its first
// reference (in refs order) that names no row of target. When target is
// final, only the references that will be quarantined or flagged are kept.
func (c *checker) references(ctx context.Context, target string) error {
	if !c.loaded[target] {
		return nil
	}
	var edges, unknown, ords []string
	for i, r := range refs {
		if r.target != target || !c.loaded[r.table] {
			continue
		}
		edges = append(edges, fmt.Sprintf(`SELECT %[1]s AS tbl, r._row, %[2]d AS ord, r.%[3]s AS k FROM %[4]s r WHERE r.%[3]s IS NOT NULL AND %[5]s`,
			q(r.table), i, id(r.col), c.t(r.table), c.ok(r.table, "r")))
		if r.unknown != "" {
			unknown = append(unknown, fmt.Sprintf("WHEN %d THEN [%s, %s]", i, q(r.col), q(r.unknown)))
			ords = append(ords, fmt.Sprint(i))
		}
	}
	if len(edges) == 0 {
		return nil
	}
	where := ""
	if final(target) {
		where = "\nWHERE t.k IS NULL OR t.keep IS NULL"
	}
	if _, err := c.exec(ctx, "references "+target, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %[1]s AS
SELECT e.tbl, e._row, e.ord, t.k IS NULL AS unknown, t.keep
FROM (%[2]s) e LEFT JOIN %[3]s t ON t.k = e.k%[4]s`,
		refsTable(target), strings.Join(edges, "\n\tUNION ALL "), keys(target), where)); err != nil {
		return err
	}
	if len(unknown) == 0 {
		return nil
	}
	_, err := c.exec(ctx, "unknown references "+target, fmt.Sprintf(`INSERT INTO load_problems
SELECT tbl, _row, f[1], f[2], 'quarantined' FROM (
	SELECT tbl, _row, CASE min(ord) %[1]s END AS f
	FROM %[2]s WHERE unknown AND ord IN (%[3]s) GROUP BY tbl, _row)`,
		strings.Join(unknown, " "), refsTable(target), strings.Join(ords, ", ")))
	return err
}

// flags flags each reference to target of a row still accepted whose key
// has no accepted row in target: a key's kept row is accepted unless a
// reference check quarantined it (it is neither a duplicate nor a row with
// a problem). References that name no row at all quarantined their row,
// except those that are only flagged.
func (c *checker) flags(ctx context.Context, target string) error {
	if !c.loaded[target] {
		return nil
	}
	var whens []string
	for i, r := range refs {
		if r.target == target {
			whens = append(whens, fmt.Sprintf("WHEN %d THEN [%s, %s]", i, q(r.col), q(r.flag)))
		}
	}
	_, err := c.exec(ctx, "flags "+target, fmt.Sprintf(`INSERT INTO load_problems
SELECT tbl, _row, f[1], f[2], 'flagged' FROM (
	SELECT r.tbl, r._row, CASE r.ord %[1]s END AS f FROM %[2]s r
	WHERE (r.keep IS NULL OR r.keep IN (SELECT "row" FROM load_problems WHERE tbl = %[3]s AND action = 'quarantined'))
		AND NOT EXISTS (SELECT 1 FROM load_problems p WHERE p.tbl = r.tbl AND p."row" = r._row AND p.action = 'quarantined'))`,
		strings.Join(whens, " "), refsTable(target), q(target)))
	return err
}
