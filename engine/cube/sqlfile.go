package cube

import (
	_ "embed"
)

//go:embed facts.sql
var factsSQL string

//go:embed rollup.sql
var rollupSQL string
