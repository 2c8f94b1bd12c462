// Command charset prints, one per line as U+XXXX code points in ascending
// order, every character used in the names of the embedded division tree
// (datasets.Divisions) and in the names, units and formulas of the
// indicator catalog (the report's appendix). fonts/subset.sh feeds the list
// to pyftsubset so that the vendored font covers every unit name and
// definition a report can show.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "charset:", err)
		os.Exit(1)
	}
}

func run() error {
	tree, err := datasets.Divisions()
	if err != nil {
		return fmt.Errorf("load divisions: %w", err)
	}
	seen := map[rune]bool{}
	for l := models.LevelProvince; l <= models.LevelVillage; l++ {
		for _, d := range tree.Level(l) {
			for _, r := range d.Name {
				seen[r] = true
			}
		}
	}
	for _, ind := range models.DefaultCatalog().All() {
		for _, s := range []string{ind.ZH, ind.EN, ind.Unit, ind.FormulaZH, ind.FormulaEN} {
			for _, r := range s {
				seen[r] = true
			}
		}
	}
	for _, m := range models.Measures {
		for _, s := range []string{m.ZH, m.EN, m.Doc} {
			for _, r := range s {
				seen[r] = true
			}
		}
	}
	runes := make([]rune, 0, len(seen))
	for r := range seen {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	w := bufio.NewWriter(os.Stdout)
	for _, r := range runes {
		fmt.Fprintf(w, "U+%04X\n", r)
	}
	return w.Flush()
}
