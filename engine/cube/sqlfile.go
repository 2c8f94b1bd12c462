package cube

import (
	_ "embed"
	"strings"
)

//go:embed facts.sql
var factsSQL string

//go:embed rollup.sql
var rollupSQL string

// section is one named statement of an embedded SQL file.
type section struct {
	name string
	sql  string
}

// sections splits an SQL file at its "-- name: x" lines.
func sections(file string) []section {
	var out []section
	for _, part := range strings.Split(file, "-- name: ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		out = append(out, section{strings.TrimSpace(name), body})
	}
	return out
}

// expand replaces the {{placeholders}} of q.
func expand(q string, vars map[string]string) string {
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "{{"+k+"}}", v)
	}
	return strings.NewReplacer(pairs...).Replace(q)
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
