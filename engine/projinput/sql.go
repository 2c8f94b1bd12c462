package projinput

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed spells.sql
var spellsSQL string

// statements returns the named statements of spells.sql: the first chunk
// (before any "-- name:" line) is "spells".
func statements() map[string]string {
	out := map[string]string{}
	parts := strings.Split(spellsSQL, "-- name: ")
	out["spells"] = parts[0]
	for _, p := range parts[1:] {
		name, body, _ := strings.Cut(p, "\n")
		out[strings.TrimSpace(name)] = body
	}
	return out
}

// statement returns a named statement with its placeholders filled.
func statement(name string, r *strings.Replacer) (string, error) {
	s, ok := statements()[name]
	if !ok {
		return "", fmt.Errorf("projinput: no statement %q in spells.sql", name)
	}
	s = r.Replace(s)
	if i := strings.Index(s, "{{"); i >= 0 {
		return "", fmt.Errorf("projinput: statement %q: unfilled placeholder at %q", name, s[i:min(len(s), i+20)])
	}
	return s, nil
}
