package quality

import (
	"fmt"
	"strings"
)

// Field is one main field of the persons table whose completeness is
// measured: present and valid where it is expected.
type Field struct {
	Name string // column of models.PersonsTable
	// Raw is the key of the field in a quarantined row's raw JSON (the
	// pseudonym column for a PII field).
	Raw string
	// Expected is the SQL condition, over the record columns age (at
	// as-of, NULL when the birth date is unusable) and vital, under which
	// the field must be filled; empty means always.
	Expected string
	Doc      string
}

// Fields are the main fields whose completeness is measured, in report
// order. Education and marital status are expected from age 15 (the end
// of compulsory schooling, below every legal marriage age), the status
// date for the dead and the moved out; the others always.
var Fields = []Field{
	{"id_number", "id_number_key", "", "resident ID number"},
	{"name", "name_key", "", "name"},
	{"sex", "sex", "", "sex"},
	{"birth_date", "birth_date", "", "birth date"},
	{"ethnicity", "ethnicity", "", "ethnicity"},
	{"marital_status", "marital_status", "age IS NULL OR age >= 15", "marital status, persons aged 15+"},
	{"education", "education", "age IS NULL OR age >= 15", "education, persons aged 15+"},
	{"reg_place", "reg_place", "", "registration place"},
	{"reg_type", "reg_type", "", "registration type"},
	{"res_place", "res_place", "", "usual residence"},
	{"household_id", "household_id", "", "household"},
	{"relation", "relation", "", "relation to the head"},
	{"vital_status", "vital_status", "", "vital status"},
	{"registered_date", "registered_date", "", "date registered"},
	{"status_date", "status_date", "vital IN ('2', '3')", "date of death or move-out, for the dead and the moved out"},
}

// Loader reason codes (engine/load.Reasons) the measures read. They are
// repeated here rather than imported: engine/quality reads the store, it
// does not depend on the loader.
var (
	// reasonsBeforeCodes stop a row before its codes are checked
	// (casts, required fields, malformed CSV).
	reasonsBeforeCodes = []string{"bad_date", "bad_integer", "bad_boolean", "missing_required", "csv_malformed"}
	// reasonsBadCode are the code and division-code failures.
	reasonsBadCode = []string{"unknown_code", "unknown_division"}
	// reasonsBadID are the ID-number failures.
	reasonsBadID = []string{"id_format", "id_birth_date", "id_check_character"}
	// flagsIDMismatch flag an accepted row whose ID number disagrees with
	// its birth date or sex.
	flagsIDMismatch = []string{"id_birth_mismatch", "id_sex_mismatch"}
)

func sqlList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + v + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// expectedSQL is the SQL condition under which f is expected.
func (f Field) expectedSQL() string {
	if f.Expected == "" {
		return "true"
	}
	return "(" + f.Expected + ")"
}

// fieldColumns returns the per-field completeness columns of the village
// aggregate: exp_<f> (records expected to have f) and ok_<f> (of those,
// records with f present and valid).
func fieldColumns() string {
	var cols []string
	for _, f := range Fields {
		e := f.expectedSQL()
		cols = append(cols,
			fmt.Sprintf("count(*) FILTER (WHERE %s) AS exp_%s", e, f.Name),
			fmt.Sprintf("count(*) FILTER (WHERE %s AND ok_%s) AS ok_%s", e, f.Name, f.Name))
	}
	return strings.Join(cols, ",\n\t")
}

// okAccepted returns the ok_<f> columns of an accepted row: loaded values
// are valid, so present is enough.
func okAccepted() string {
	var cols []string
	for _, f := range Fields {
		col := f.Name
		if f.Raw != f.Name {
			col = f.Raw
		}
		cols = append(cols, fmt.Sprintf("%s IS NOT NULL AS ok_%s", col, f.Name))
	}
	return strings.Join(cols, ", ")
}

// okQuarantined returns the ok_<f> columns of a quarantined row: present
// in the raw row and not the field the quarantine names.
func okQuarantined() string {
	var cols []string
	for _, f := range Fields {
		cols = append(cols, fmt.Sprintf("(nullif(raw->>'%s', '') IS NOT NULL AND NOT list_contains(fields, '%s')) AS ok_%s", f.Raw, f.Name, f.Name))
	}
	return strings.Join(cols, ", ")
}

// sumColumns returns "sum(c) AS c" for each column.
func sumColumns(cols []string, prefix string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = fmt.Sprintf("sum(%s%s) AS %s", prefix, c, c)
	}
	return strings.Join(out, ", ")
}
