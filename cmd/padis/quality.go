package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/padis/padis/engine/quality"
)

func init() {
	register(command{
		name:    "quality",
		summary: "data-quality measures: age heaping (Whipple, Myers)",
		run:     runQuality,
	})
}

// qualitySubcommands are the subcommands of padis quality, in usage order.
var qualitySubcommands = []subcommand{
	{"heaping", "Whipple's and Myers' age-heaping indices from single-year age counts (CSV age,count)", runQualityHeaping},
}

// runQuality dispatches on the first argument.
func runQuality(args []string, stdout, stderr io.Writer) error {
	return dispatch("quality", qualitySubcommands, args, stdout, stderr)
}

// heapingReport is the output of padis quality heaping.
type heapingReport struct {
	Ages         string  `json:"ages"`
	WhippleFrom  int     `json:"whipple_from"`
	WhippleTo    int     `json:"whipple_to"`
	Whipple05    float64 `json:"whipple_0_5"`
	WhippleClass string  `json:"whipple_class"`
	Whipple0     float64 `json:"whipple_0"`
	MyersFrom    int     `json:"myers_from"`
	MyersTo      int     `json:"myers_to"`
	Myers        float64 `json:"myers"`
	// MyersShare and MyersPreference are indexed by terminal digit 0…9.
	MyersShare      [10]float64 `json:"myers_share_pct"`
	MyersPreference [10]float64 `json:"myers_preference_pct"`
}

func runQualityHeaping(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("quality heaping", "quality heaping --ages FILE.csv [--from 23 --to 62] [--format table|csv|json]", stderr)
	ages := fs.String("ages", "", "CSV file with header age,count: persons by single year of age")
	from := fs.Int("from", quality.WhippleFrom, "first age of Whipple's range")
	to := fs.Int("to", quality.WhippleTo, "last age of Whipple's range (inclusive)")
	myFrom := fs.Int("myers-from", quality.MyersFrom, "first age of Myers' range")
	myTo := fs.Int("myers-to", quality.MyersTo, "last age of Myers' range (inclusive; whole decades)")
	format := fs.String("format", "table", "output format: table, csv or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *ages == "" {
		return usageErrorf("--ages is required")
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		return usageErrorf("unknown format %q (want table, csv or json)", *format)
	}
	counts, err := readAgesCSV(*ages)
	if err != nil {
		return err
	}
	rep := heapingReport{Ages: *ages, WhippleFrom: *from, WhippleTo: *to, MyersFrom: *myFrom, MyersTo: *myTo}
	if rep.Whipple05, err = quality.Whipple(counts, *from, *to, quality.Digits05); err != nil {
		return fmt.Errorf("%s: %w", *ages, err)
	}
	rep.WhippleClass = quality.WhippleClass(rep.Whipple05)
	if rep.Whipple0, err = quality.Whipple(counts, *from, *to, quality.Digits0); err != nil {
		return fmt.Errorf("%s: %w", *ages, err)
	}
	m, err := quality.Myers(counts, *myFrom, *myTo)
	if err != nil {
		return fmt.Errorf("%s: %w", *ages, err)
	}
	rep.Myers, rep.MyersShare, rep.MyersPreference = m.Index, m.Share, m.Preference

	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "csv":
		return writeHeapingCSV(stdout, rep)
	}
	return writeHeapingTable(stdout, rep)
}

func writeHeapingTable(w io.Writer, r heapingReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Whipple's index, ages %d–%d, digits 0 and 5\t%.1f\t%s\n", r.WhippleFrom, r.WhippleTo, r.Whipple05, r.WhippleClass)
	fmt.Fprintf(tw, "Whipple's index, ages %d–%d, digit 0\t%.1f\t\n", r.WhippleFrom, r.WhippleTo, r.Whipple0)
	fmt.Fprintf(tw, "Myers' blended index, ages %d–%d (0–90)\t%.2f\t\n", r.MyersFrom, r.MyersTo, r.Myers)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "digit\tshare %\tpreference\t")
	for d := 0; d < 10; d++ {
		fmt.Fprintf(tw, "%d\t%.2f\t%+.2f\t\n", d, r.MyersShare[d], r.MyersPreference[d])
	}
	return tw.Flush()
}

func writeHeapingCSV(w io.Writer, r heapingReport) error {
	cw := csv.NewWriter(w)
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	cw.Write([]string{"measure", "digit", "value"})
	cw.Write([]string{"whipple_0_5", "", f(r.Whipple05)})
	cw.Write([]string{"whipple_class", "", r.WhippleClass})
	cw.Write([]string{"whipple_0", "", f(r.Whipple0)})
	cw.Write([]string{"myers", "", f(r.Myers)})
	for d := 0; d < 10; d++ {
		cw.Write([]string{"myers_share_pct", strconv.Itoa(d), f(r.MyersShare[d])})
	}
	for d := 0; d < 10; d++ {
		cw.Write([]string{"myers_preference_pct", strconv.Itoa(d), f(r.MyersPreference[d])})
	}
	cw.Flush()
	return cw.Error()
}

// maxAge bounds the ages accepted in an age file.
const maxAge = 150

// readAgesCSV reads a CSV with header age,count into counts indexed by
// age, NaN where an age is absent. Rows are numbered as lines of the file,
// the header being row 1.
func readAgesCSV(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, want header age,count", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, want := range []string{"age", "count"} {
		got := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")))
		if got != want {
			return nil, fmt.Errorf("%s: row 1, field %d: header %q, want %q (header age,count)", path, i+1, header[i], want)
		}
	}
	counts := make([]float64, 0, 101)
	seen := map[int]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		row, _ := r.FieldPos(0)
		age, err := strconv.Atoi(strings.TrimSpace(rec[0]))
		if err != nil || age < 0 || age > maxAge {
			return nil, fmt.Errorf("%s: row %d, field age: %q, want a single year of age 0…%d", path, row, rec[0], maxAge)
		}
		if prev, dup := seen[age]; dup {
			return nil, fmt.Errorf("%s: row %d, field age: age %d already given in row %d", path, row, age, prev)
		}
		seen[age] = row
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: row %d, field count: %q is not a number", path, row, rec[1])
		}
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: row %d, field count: %v, want a finite count ≥ 0", path, row, v)
		}
		for len(counts) <= age {
			counts = append(counts, math.NaN())
		}
		counts[age] = v
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("%s: no data rows after the header", path)
	}
	return counts, nil
}
