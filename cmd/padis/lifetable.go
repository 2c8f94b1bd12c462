package main

import (
	"fmt"
	"io"
	"os"

	"github.com/padis/padis/projections"
)

func init() {
	register(command{name: "lifetable", summary: "build a period or Brass model life table", run: runLifetable})
}

const lifetableSynopsis = `lifetable --input FILE [--sex m|f] [--a0 coale-demeny|andreev-kingkade] [--format csv|json] [--out FILE]
       padis lifetable --brass-e0 E0 [--input STANDARD.csv] [--sex m|f] [...]

Prints the full life table (age, width, mx, qx, ax, lx, dx, Lx, Tx, ex).

The input CSV has a header row and one row per age interval (single years
0,1,…,ω or abridged 0,1,5,10,…,ω; the last row is the open group), with the
column age and either mx or deaths and exposure (person-years; "population"
is accepted), plus optional width (checked) and ax (overrides the rule).
Lines starting with # are comments. See docs/projections.md.

With --brass-e0 the table is the Brass logit model (beta = 1) whose alpha
is solved to give that e0 against the standard: the --input table, or the
PADIS standard (Siler model, 0…110+) when --input is omitted.`

func runLifetable(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("lifetable", lifetableSynopsis, stderr)
	input := fs.String("input", "", "life-table input `CSV` (age and mx, or age, deaths and exposure; optional width, ax)")
	sexFlag := fs.String("sex", "m", "sex of the table, `m or f` (selects the a0 and 4a1 formulas)")
	a0Flag := fs.String("a0", "coale-demeny", "rule for 1a0 (and 4a1): `coale-demeny or andreev-kingkade`")
	format := fs.String("format", "csv", "output format: `csv or json`")
	radix := fs.Float64("radix", 100000, "life-table radix l0")
	brassE0 := fs.Float64("brass-e0", 0, "if > 0, print the Brass logit model table with this `e0` (alpha solved, beta = 1)")
	out := fs.String("out", "", "write to `FILE` instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	sex, err := projections.ParseSex(*sexFlag)
	if err != nil {
		return usageErrorf("--sex: %v", err)
	}
	rule, err := projections.ParseA0Rule(*a0Flag)
	if err != nil {
		return usageErrorf("--a0: %v", err)
	}
	if *format != "csv" && *format != "json" {
		return usageErrorf("--format %q: want csv or json", *format)
	}
	if *radix <= 0 {
		return usageErrorf("--radix %v: want a positive number", *radix)
	}
	if *input == "" && *brassE0 <= 0 {
		return usageErrorf("give --input FILE or --brass-e0 E0")
	}
	var lt *projections.LifeTable
	if *input != "" {
		lti, err := projections.ReadLifeTableCSV(*input)
		if err != nil {
			return err
		}
		lt, err = projections.NewLifeTable(lti.Ages, lti.Mx, projections.LifeTableOptions{Sex: sex, A0: rule, Ax: lti.Ax, Radix: *radix})
		if err != nil {
			return fmt.Errorf("%s: %w", *input, err)
		}
	} else {
		lt = projections.StandardLifeTable(sex)
	}
	if *brassE0 > 0 {
		alpha, m, err := projections.SolveBrassAlpha(lt, 1, *brassE0, rule)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "Brass alpha = %.6f (beta = 1), e0 = %.4f\n", alpha, m.E0())
		lt = m
		if *radix != lt.Radix {
			// Rescale the radix-dependent columns.
			k := *radix / lt.Radix
			for i := range lt.Lx {
				lt.Lx[i] *= k
				lt.Dx[i] *= k
				lt.NLx[i] *= k
				lt.Tx[i] *= k
			}
			lt.Radix = *radix
		}
	}
	return writeProjectionOutput(*out, stdout, func(w io.Writer) error {
		if *format == "json" {
			return projections.WriteJSON(w, lt)
		}
		return projections.WriteLifeTableCSV(w, lt)
	})
}

// writeProjectionOutput runs write on path (created) or on stdout when path is "".
func writeProjectionOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
