// Package sqlfile splits an embedded SQL file into its named statements
// and fills their {{placeholders}}; engine/cube and engine/linkage keep
// their SQL in such files.
package sqlfile

import "strings"

// Section is one named statement of an SQL file.
type Section struct {
	Name string
	SQL  string
}

// Sections splits an SQL file at its "-- name: x" lines; the text before
// the first one is dropped.
func Sections(file string) []Section {
	var out []Section
	for _, part := range strings.Split(file, "-- name: ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		out = append(out, Section{strings.TrimSpace(name), body})
	}
	return out
}

// Expand replaces the {{placeholders}} of q by their values in vars.
func Expand(q string, vars map[string]string) string {
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "{{"+k+"}}", v)
	}
	return strings.NewReplacer(pairs...).Replace(q)
}
