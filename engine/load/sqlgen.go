package load

import (
	"strings"
	"time"

	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Internal columns of a loaded table.
const (
	colRow     = "_row"     // 1-based data row number in the delivered file
	colProblem = "_problem" // first row-level problem, "reason:field"; NULL when none
	colFlag    = "_flag"    // first flag, "reason:field"; the row is kept
	colRaw     = "_raw"     // the input row as JSON, only for rows with a problem
	colExtra   = "_extra"   // unknown extra columns of the file, kept aside
)

// tableSQL builds the statement that reads one file into the version:
// a single pass that casts, checks every row-level rule, pseudonymises
// and seals the PII, and keeps the raw values of failing rows.
type tableSQL struct {
	in      *input
	colType map[string]string // DuckDB type of each file column
	asOf    time.Time
	start   time.Time
	target  string // qualified table name
}

func q(s string) string { return store.Quote(s) }

func id(s string) string { return store.Ident(s) }

// has reports whether the file has column c.
func (t *tableSQL) has(c string) bool { _, ok := t.colType[c]; return ok }

// isText reports whether the file's column c is text.
func (t *tableSQL) isText(c string) bool { return t.colType[c] == "VARCHAR" }

// The read statement has three levels: the first casts each column of
// the file once (srcText, srcTyped); the second computes the pseudonyms,
// the seal and the checks over those columns (text, typed), so that a cast
// used by several checks is computed once; the third adds the raw row of
// the rows with a problem and drops the work columns.

// asText is expr, the value of the file's column c, as VARCHAR with the
// empty string as NULL.
func (t *tableSQL) asText(c, expr string) string {
	switch {
	case !t.has(c):
		return "CAST(NULL AS VARCHAR)"
	case t.isText(c):
		return "nullif(" + expr + ", '')"
	default:
		return "CAST(" + expr + " AS VARCHAR)"
	}
}

// srcText is the file's column as VARCHAR, with the empty string as NULL.
func (t *tableSQL) srcText(c string) string { return t.asText(c, "s."+id(c)) }

// srcTyped is the file's column cast to its schema type (NULL when the
// cast fails).
func (t *tableSQL) srcTyped(c models.Column) string {
	src := t.colType[c.Name]
	switch {
	case !t.has(c.Name):
		return "CAST(NULL AS " + string(c.Type) + ")"
	case c.Type == models.TypeString:
		return t.srcText(c.Name)
	case src == string(c.Type):
		return "s." + id(c.Name)
	case c.Type == models.TypeDate && strings.HasPrefix(src, "TIMESTAMP"):
		return "CAST(s." + id(c.Name) + " AS DATE)"
	default:
		return "TRY_CAST(" + t.srcText(c.Name) + " AS " + string(c.Type) + ")"
	}
}

// Names of the first level's work columns: the text of a PII column and
// the raw value of any other column.
func textCol(c string) string { return id("_t_" + c) }
func rawCol(c string) string  { return id("_r_" + c) }

// text is column c of the first level as VARCHAR, with the empty string as
// NULL.
func (t *tableSQL) text(c string) string {
	if col, _ := t.in.schema.Column(c); col.PII != "" {
		return textCol(c)
	}
	return t.asText(c, rawCol(c))
}

// typed is column c of the first level, of its schema type.
func (t *tableSQL) typed(c models.Column) string {
	if c.PII != "" {
		return textCol(c.Name)
	}
	return id(c.Name)
}

// castCanFail reports whether a value of the file's column can fail to cast.
func (t *tableSQL) castCanFail(c models.Column) bool {
	if !t.has(c.Name) || c.Type == models.TypeString {
		return false
	}
	src := t.colType[c.Name]
	return src != string(c.Type) && !(c.Type == models.TypeDate && strings.HasPrefix(src, "TIMESTAMP"))
}

var castReason = map[models.ColumnType]string{
	models.TypeDate: ReasonBadDate,
	models.TypeInt:  ReasonBadInteger,
	models.TypeBool: ReasonBadBoolean,
}

// idChecks returns the WHEN clause validating ID number column c with
// padis_id_problem (models.ParseIDNumber).
func (t *tableSQL) idChecks(c string) []string {
	p := funcIDProblem + "(" + t.text(c) + ")"
	return []string{"WHEN " + p + " IS NOT NULL THEN " + p + " || " + q(":"+c)}
}

func when(cond, reason, field string) string {
	return "WHEN " + cond + " THEN " + q(reason+":"+field)
}

// codeList is a list literal of codes.
func codeList(codes []string) string {
	qs := make([]string, len(codes))
	for i, c := range codes {
		qs[i] = q(c)
	}
	return "[" + strings.Join(qs, ", ") + "]"
}

func dateLit(d time.Time) string { return "DATE " + q(d.Format(time.DateOnly)) }

// problems returns the row-level checks of the table, first failing wins.
func (t *tableSQL) problems() []string {
	sch := t.in.schema
	var w []string
	for _, c := range sch.Columns {
		if t.castCanFail(c) {
			w = append(w, when(t.text(c.Name)+" IS NOT NULL AND "+t.typed(c)+" IS NULL", castReason[c.Type], c.Name))
		}
	}
	for _, c := range sch.Columns {
		if c.Required {
			w = append(w, when(t.typed(c)+" IS NULL", ReasonMissingRequired, c.Name))
		}
	}
	codes := models.CodeTables()
	for _, c := range sch.Columns {
		if c.CodeList != "" {
			// list_contains over a constant list, not NOT IN: DuckDB plans
			// an IN list of more than a few values as a join (measured 8×
			// the CPU). Both are NULL for a NULL value.
			w = append(w, when("NOT list_contains("+codeList(codes[c.CodeList].Codes)+", "+t.typed(c)+")", ReasonUnknownCode, c.Name))
		}
	}
	for _, c := range sch.Columns {
		if c.PII == "id" {
			w = append(w, t.idChecks(c.Name)...)
		}
	}
	col := func(name string) string {
		c, ok := sch.Column(name)
		if !ok {
			panic("load: no column " + name + " in " + sch.Name)
		}
		return t.typed(c)
	}
	asOf := dateLit(t.asOf)
	after := func(name string) string {
		return when(col(name)+" > "+asOf, ReasonDateAfterSnapshot, name)
	}
	switch sch.Name {
	case models.TablePersons:
		w = append(w,
			when(col("birth_date")+" > "+asOf, ReasonBirthInFuture, "birth_date"),
			when(col("vital_status")+" = '2' AND "+col("status_date")+" < "+col("birth_date"), ReasonDeathBeforeBirth, "status_date"),
			when(col("status_date")+" < "+col("birth_date"), ReasonDateBeforeBirth, "status_date"),
			after("status_date"),
			when(col("registered_date")+" < "+col("birth_date"), ReasonDateBeforeBirth, "registered_date"),
			after("registered_date"),
			after("updated_date"),
			when(col("children_born")+" < 0", ReasonBadCount, "children_born"),
			when(col("children_living")+" < 0 OR "+col("children_living")+" > "+col("children_born"), ReasonBadCount, "children_living"),
		)
	case models.TableHouseholds:
		w = append(w, after("registered_date"))
	case models.TableEvents:
		w = append(w,
			when(col("event_date")+" < "+dateLit(t.start)+" OR "+col("event_date")+" > "+asOf, ReasonEventOutsidePeriod, "event_date"),
			when(col("recorded_date")+" < "+col("event_date"), ReasonRecordedBeforeEvent, "recorded_date"),
			after("recorded_date"),
			when(col("birth_order")+" < 1", ReasonBadCount, "birth_order"),
		)
	case models.TablePolice:
		w = append(w, when(col("birth_date")+" > "+asOf, ReasonBirthInFuture, "birth_date"))
	case models.TableBirthCertificates:
		w = append(w,
			when(col("birth_date")+" > "+asOf, ReasonBirthInFuture, "birth_date"),
			when(col("issued_date")+" < "+col("birth_date"), ReasonDateBeforeBirth, "issued_date"),
			after("issued_date"),
		)
	case models.TableDeaths:
		w = append(w,
			when(col("birth_date")+" > "+asOf, ReasonBirthInFuture, "birth_date"),
			when(col("death_date")+" < "+col("birth_date"), ReasonDeathBeforeBirth, "death_date"),
			after("death_date"),
		)
	case models.TableBenefitRoll:
		w = append(w,
			when(col("birth_date")+" > "+asOf, ReasonBirthInFuture, "birth_date"),
			when(col("amount")+" < 0", ReasonBadCount, "amount"),
			when(col("children")+" < 0", ReasonBadCount, "children"),
			when(col("daughters")+" < 0 OR "+col("daughters")+" > "+col("children"), ReasonBadCount, "daughters"),
		)
	}
	return w
}

// flags returns the checks that keep the row but note a problem.
func (t *tableSQL) flags() []string {
	sch := t.in.schema
	var w []string
	_, hasID := sch.Column("id_number")
	birth, hasBirth := sch.Column("birth_date")
	sex, hasSex := sch.Column("sex")
	if hasID && hasBirth && hasSex {
		x := t.text("id_number")
		w = append(w,
			when(x+" IS NOT NULL AND "+t.typed(birth)+" IS NOT NULL AND substr("+x+", 7, 8) <> strftime("+t.typed(birth)+", '%Y%m%d')", ReasonIDBirthMismatch, "id_number"),
			when(x+" IS NOT NULL AND "+t.typed(sex)+" IN ('1', '2') AND ((ascii(substr("+x+", 17, 1)) - 48) % 2 = 1) <> ("+t.typed(sex)+" = '1')", ReasonIDSexMismatch, "id_number"),
		)
	}
	if sch.Name == models.TablePersons {
		st, _ := sch.Column("status_date")
		vs, _ := sch.Column("vital_status")
		w = append(w, when(t.typed(vs)+" IN ('2', '3') AND "+t.typed(st)+" IS NULL", ReasonStatusDateMissing, "status_date"))
	}
	return w
}

func caseOf(whens []string) string {
	if len(whens) == 0 {
		return "CAST(NULL AS VARCHAR)"
	}
	return "CASE\n\t\t" + strings.Join(whens, "\n\t\t") + "\n\tEND"
}

// source returns the FROM clause yielding the file's columns and _row.
func (t *tableSQL) source() string {
	in := t.in
	path := q(in.readPath)
	switch {
	case in.readAs == "parquet":
		return "(SELECT file_row_number + 1 AS _row, * EXCLUDE (file_row_number) FROM read_parquet(" + path + ", file_row_number = true))"
	default: // csv: the copy made by writeCleanCSV, rows numbered
		return "(SELECT CAST(_row AS BIGINT) AS _row, * EXCLUDE (_row) FROM " + t.readCSV(append([]string{"_row"}, in.columns...)) + ")"
	}
}

func (t *tableSQL) readCSV(cols []string) string {
	specs := make([]string, len(cols))
	for i, c := range cols {
		specs[i] = q(c) + ": 'VARCHAR'"
	}
	return "read_csv(" + q(t.in.readPath) + ", header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', " +
		"strict_mode = true, columns = {" + strings.Join(specs, ", ") + "})"
}

// extras returns the file's columns that are not in the schema.
func (t *tableSQL) extras() []string {
	var out []string
	for _, c := range t.in.columns {
		if _, ok := t.in.schema.Column(c); !ok {
			out = append(out, c)
		}
	}
	return out
}

// build returns the CREATE TABLE AS statement.
func (t *tableSQL) build() string {
	sch := t.in.schema
	var cast, mid, rawFields, excl, piiText []string
	cast = append(cast, "s._row AS _row")
	mid = append(mid, "_row")
	for _, c := range sch.Columns {
		if c.PII != "" {
			cast = append(cast, t.srcText(c.Name)+" AS "+textCol(c.Name))
			excl = append(excl, textCol(c.Name))
			mid = append(mid, pii.FuncPseudonym+"("+textCol(c.Name)+") AS "+id(pii.KeyColumn(c.Name)))
			piiText = append(piiText, textCol(c.Name))
			rawFields = append(rawFields, id(pii.KeyColumn(c.Name))+" := "+id(pii.KeyColumn(c.Name)))
			continue
		}
		cast = append(cast, t.srcTyped(c)+" AS "+id(c.Name))
		mid = append(mid, id(c.Name))
		// The raw value passes through untouched; it is turned into text
		// only for the rows with a problem, in the outer CASE.
		raw := "CAST(NULL AS VARCHAR)"
		if t.has(c.Name) {
			cast = append(cast, "s."+id(c.Name)+" AS "+rawCol(c.Name))
			excl = append(excl, rawCol(c.Name))
			raw = t.text(c.Name)
		}
		rawFields = append(rawFields, id(c.Name)+" := "+raw)
	}
	mid = append(mid, pii.FuncSeal+"("+strings.Join(piiText, ", ")+") AS "+pii.LocatorColumn)
	rawFields = append(rawFields, pii.LocatorColumn+" := "+pii.LocatorColumn)
	mid = append(mid, caseOf(t.problems())+" AS "+colProblem)
	mid = append(mid, caseOf(t.flags())+" AS "+colFlag)
	if ex := t.extras(); len(ex) > 0 {
		var fs []string
		for _, c := range ex {
			fs = append(fs, id(c)+" := s."+id(c))
		}
		cast = append(cast, "struct_pack("+strings.Join(fs, ", ")+") AS "+colExtra)
		mid = append(mid, colExtra)
		rawFields = append(rawFields, colExtra+" := "+colExtra)
	}
	mid = append(mid, excl...)
	return "CREATE TABLE " + t.target + " AS\nSELECT * EXCLUDE (" + strings.Join(excl, ", ") + "),\n\tCASE WHEN " + colProblem +
		" IS NOT NULL THEN CAST(to_json(struct_pack(" + strings.Join(rawFields, ", ") + ")) AS VARCHAR) END AS " + colRaw +
		"\nFROM (SELECT\n\t" + strings.Join(mid, ",\n\t") +
		"\nFROM (SELECT\n\t" + strings.Join(cast, ",\n\t") + "\nFROM " + t.source() + " s))"
}
