package cube

import (
	_ "embed"
	"strings"
)

//go:embed facts.sql
var factsSQL string

//go:embed rollup.sql
var rollupSQL string

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
