package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/padis/padis/engine/quality"
	"github.com/padis/padis/models"
)

func init() {
	register(command{
		name:    "quality",
		summary: "data-quality measures per unit, the quality score, age heaping (Whipple, Myers)",
		subcommands: []subcommand{ // in usage order
			{"run", "compute the quality measures of a snapshot version and write them into the cube", runQualityRun},
			{"measures", "the quality measures and score of a unit (or of its children)", runQualityMeasures},
			{"score", "a unit's quality score across the versions of its scope (the trend)", runQualityScore},
			{"heaping", "Whipple's and Myers' age-heaping indices from single-year age counts (CSV age,count)", runQualityHeaping},
		},
	})
}

// heapingReport is the output of padis quality heaping.
type heapingReport struct {
	Ages string `json:"ages"`
	// WhippleAgeMin and WhippleAgeMax are DemoTools' ageMin and ageMax: the
	// first and last age of the numerator (ages ending in the digits);
	// WhippleFrom and WhippleTo the whole range counted (ageMin−2 …
	// ageMax+2). Zero when the range was given with --from and --to.
	WhippleAgeMin int     `json:"whipple_age_min,omitempty"`
	WhippleAgeMax int     `json:"whipple_age_max,omitempty"`
	WhippleFrom   int     `json:"whipple_from"`
	WhippleTo     int     `json:"whipple_to"`
	Whipple05     float64 `json:"whipple_0_5"`
	WhippleClass  string  `json:"whipple_class"`
	Whipple0      float64 `json:"whipple_0"`
	MyersFrom     int     `json:"myers_from"`
	MyersTo       int     `json:"myers_to"`
	Myers         float64 `json:"myers"`
	// MyersShare and MyersPreference are indexed by terminal digit 0…9.
	MyersShare      [10]float64 `json:"myers_share_pct"`
	MyersPreference [10]float64 `json:"myers_preference_pct"`
}

// heapingSynopsis says how the age flags relate to DemoTools'.
const heapingSynopsis = `quality heaping --ages FILE.csv [--age-min 25 --age-max 60 | --from 23 --to 62] [--format table|csv|json]

Whipple's index: --age-min and --age-max mean what DemoTools'
check_heaping_whipple(ageMin, ageMax) means: the heaped ages ending in 0 or 5
run from ageMin to ageMax, and every age from ageMin-2 to ageMax+2 is
counted (the default 25 and 60 is the UN range 23-62; DemoTools' own default
ageMax is 65). --from and --to give that whole range directly instead.
The digit-0 variant uses the same range. Myers' --myers-from and --myers-to
are DemoTools' ageMin and ageMax of check_heaping_myers (default 10 and 89).`

func runQualityHeaping(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("quality heaping", heapingSynopsis, stderr)
	ages := fs.String("ages", "", "CSV file with header age,count: persons by single year of age")
	ageMin := fs.Int("age-min", quality.WhippleFrom+2, "Whipple: first age ending in 0 or 5 that is counted as heaped, as DemoTools' ageMin (ends in 0 or 5)")
	ageMax := fs.Int("age-max", quality.WhippleTo-2, "Whipple: last age ending in 0 or 5 that is counted as heaped, as DemoTools' ageMax (ends in 0 or 5; DemoTools' default is 65, the UN range 23–62 is 60)")
	from := fs.Int("from", 0, "Whipple: first age of the whole range instead (not DemoTools' ageMin: --from F --to T = --age-min F+2 --age-max T-2)")
	to := fs.Int("to", 0, "Whipple: last age of the whole range instead (inclusive; with --from)")
	myFrom := fs.Int("myers-from", quality.MyersFrom, "first age of Myers' range, as DemoTools' ageMin of check_heaping_myers")
	myTo := fs.Int("myers-to", quality.MyersTo, "last age of Myers' range (inclusive; whole decades), as DemoTools' ageMax of check_heaping_myers")
	format := fs.String("format", "table", "output format: table, csv or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	rep := heapingReport{Ages: *ages, MyersFrom: *myFrom, MyersTo: *myTo}
	switch {
	case set["from"] || set["to"]:
		if set["age-min"] || set["age-max"] {
			return usageErrorf("give --age-min and --age-max (DemoTools' meaning) or --from and --to (the whole range), not both")
		}
		if !set["from"] || !set["to"] {
			return usageErrorf("--from and --to go together")
		}
		rep.WhippleFrom, rep.WhippleTo = *from, *to
	default:
		if *ageMin%5 != 0 || *ageMax%5 != 0 || *ageMin < 2 || *ageMax < *ageMin {
			return usageErrorf("--age-min %d --age-max %d: want ages ending in 0 or 5, age-min ≤ age-max", *ageMin, *ageMax)
		}
		rep.WhippleAgeMin, rep.WhippleAgeMax = *ageMin, *ageMax
		rep.WhippleFrom, rep.WhippleTo = *ageMin-2, *ageMax+2
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
	if rep.Whipple05, err = quality.Whipple(counts, rep.WhippleFrom, rep.WhippleTo, quality.Digits05); err != nil {
		return fmt.Errorf("%s: %w", *ages, err)
	}
	rep.WhippleClass = quality.WhippleClass(rep.Whipple05)
	if rep.Whipple0, err = quality.Whipple(counts, rep.WhippleFrom, rep.WhippleTo, quality.Digits0); err != nil {
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
	if r.WhippleAgeMin != 0 {
		fmt.Fprintf(tw, "  (DemoTools ageMin %d, ageMax %d)\t\t\n", r.WhippleAgeMin, r.WhippleAgeMax)
	}
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

func runQualityRun(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("quality run", "quality run (--version N | --scope S) [--min-heaping-pop N] [--json] [--data DIR]", stderr)
	sf := addStoreFlags(fs)
	vf := addVersionFlags(fs)
	minPop := fs.Int("min-heaping-pop", quality.MinHeapingPop, "fewest persons in the age range for Whipple's and Myers' indices")
	asJSON := fs.Bool("json", false, "print the run report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	version, err := vf.resolve(ctx, st, func() (int64, error) { return 0, usageErrorf("give --version or --scope") })
	if err != nil {
		return err
	}
	res, err := quality.Run(ctx, st, version, quality.Options{MinHeapingPop: *minPop})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	fmt.Fprintf(stdout, "quality of version %d (scope %s, %s): %s units, %s person records (%s without a usable place) in %s\n",
		res.Version, res.Scope, res.Period, group(res.Units), group(res.Records), group(res.Unplaced), res.Duration.Round(1e6))
	if !res.Linkage {
		fmt.Fprintln(stdout, "  no linkage of this version: duplicate cards and worklist feedback not measured")
	}
	if res.CubeValues == 0 {
		fmt.Fprintln(stdout, "  the version has no cube: indicator values not written (run again after 'padis indicators compute')")
	} else {
		fmt.Fprintf(stdout, "  %s indicator values written into the cube\n", group(res.CubeValues))
	}
	for _, s := range res.Steps {
		fmt.Fprintf(stdout, "  %-18s %s\n", s.Name, s.Duration.Round(1e5))
	}
	return nil
}

func runQualityMeasures(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("quality measures", "quality measures --division CODE [--children] [--version N | --scope S | --period P] [--json | --csv] [--data DIR]", stderr)
	sf := addStoreFlags(fs)
	vf := addVersionFlags(fs)
	uf := addUnitReportFlags(fs, "unit code (2, 4, 6, 9 or 12 digits)", "JSON: every measure with numerator, denominator and interval", "CSV, one row per unit")
	division, asJSON, asCSV := uf.division, uf.asJSON, uf.asCSV
	children := fs.Bool("children", false, "list the units one level below --division instead")
	period := fs.String("period", "", "without --version/--scope: the newest version whose as-of month lies in this month, quarter or year")
	if err := uf.parse(fs, args); err != nil {
		return err
	}
	code, err := models.NormalizeCode(*division)
	if err != nil {
		return usageErrorf("--division %q: %v", *division, err)
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	version, err := vf.resolve(ctx, st, func() (int64, error) { return quality.VersionFor(ctx, st, code, *period) })
	if err != nil {
		return err
	}
	var ms []*quality.Measures
	if *children {
		l, _ := models.LevelOfCode(code)
		if l >= models.LevelVillage {
			return usageErrorf("--children: %s is a village", code)
		}
		ms, err = quality.Units(ctx, st, version, code, l+1)
	} else {
		ms, err = quality.Read(ctx, st, version, []string{code})
	}
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return fmt.Errorf("quality of %s in version %d: %w", code, version, quality.ErrNotComputed)
	}
	switch {
	case *asJSON:
		return writeJSON(stdout, ms)
	case *asCSV:
		return writeMeasuresCSV(stdout, ms)
	}
	return writeMeasuresTable(stdout, ms)
}

// qualityColumns are the columns of the table and CSV outputs.
var qualityColumns = []struct {
	name string
	get  func(m *quality.Measures) float64
}{
	{"records", func(m *quality.Measures) float64 { return m.Records }},
	{"completeness", func(m *quality.Measures) float64 { return m.Completeness.Value }},
	{"id_validity", func(m *quality.Measures) float64 { return m.IDValidity.Value }},
	{"code_validity", func(m *quality.Measures) float64 { return m.CodeValidity.Value }},
	{"consistency", func(m *quality.Measures) float64 { return m.Consistency.Value }},
	{"timeliness", func(m *quality.Measures) float64 { return m.Timeliness.Value }},
	{"lag_p50", func(m *quality.Measures) float64 { return m.Lags.P50 }},
	{"lag_p90", func(m *quality.Measures) float64 { return m.Lags.P90 }},
	{"whipple", func(m *quality.Measures) float64 { return heapingValue(m.Whipple) }},
	{"myers", func(m *quality.Measures) float64 { return heapingValue(m.Myers) }},
	{"duplicates_per_1000", func(m *quality.Measures) float64 { return propValue(m.Duplicates) }},
	{"feedback", func(m *quality.Measures) float64 { return propValue(m.Feedback) }},
	{"score", func(m *quality.Measures) float64 { return m.Score.Value }},
}

func heapingValue(h *quality.Heaping) float64 {
	if h == nil {
		return math.NaN()
	}
	return h.Value
}

func propValue(p *quality.Proportion) float64 {
	if p == nil {
		return math.NaN()
	}
	return p.Value
}

func writeMeasuresCSV(w io.Writer, ms []*quality.Measures) error {
	cw := csv.NewWriter(w)
	head := []string{"version", "division", "level", "period"}
	for _, c := range qualityColumns {
		head = append(head, c.name)
	}
	cw.Write(head)
	for _, m := range ms {
		rec := []string{strconv.FormatInt(m.Version, 10), m.Division, m.Level.String(), m.Period}
		for _, c := range qualityColumns {
			v := c.get(m)
			if math.IsNaN(v) {
				rec = append(rec, "")
			} else {
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeMeasuresTable(w io.Writer, ms []*quality.Measures) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "division\t")
	for _, c := range qualityColumns {
		fmt.Fprintf(tw, "%s\t", c.name)
	}
	fmt.Fprintln(tw)
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t", m.Division)
		for _, c := range qualityColumns {
			v := c.get(m)
			switch {
			case math.IsNaN(v):
				fmt.Fprint(tw, "–\t")
			case c.name == "records":
				fmt.Fprintf(tw, "%s\t", group(int64(v)))
			default:
				fmt.Fprintf(tw, "%.1f\t", v)
			}
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func runQualityScore(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("quality score", "quality score --division CODE [--scope S] [--json | --csv] [--data DIR]", stderr)
	sf := addStoreFlags(fs)
	uf := addUnitReportFlags(fs, "unit code", "JSON, with each version's measures", "CSV: version, as_of, period, score, change")
	division, asJSON, asCSV := uf.division, uf.asJSON, uf.asCSV
	scope := fs.String("scope", "", "scope whose versions form the series (default: the scope of the newest version holding the unit)")
	langFlag := fs.String("lang", "zh", "language of the table: zh or en")
	if err := uf.parse(fs, args); err != nil {
		return err
	}
	lang, err := parseLang(*langFlag)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *scope == "" {
		v, err := quality.VersionFor(ctx, st, *division, "")
		if err != nil {
			return err
		}
		sv, err := st.Version(ctx, v)
		if err != nil {
			return err
		}
		*scope = sv.Scope
	}
	pts, err := quality.Series(ctx, st, *scope, *division)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, pts)
	}
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 2, 64)
	}
	if *asCSV {
		cw := csv.NewWriter(stdout)
		cw.Write([]string{"version", "as_of", "period", "score", "change"})
		for _, p := range pts {
			cw.Write([]string{strconv.FormatInt(p.Version, 10), p.AsOf.Format("2006-01-02"), p.Period, f(p.ScoreJS), f(p.Change)})
		}
		cw.Flush()
		return cw.Error()
	}
	t := newTable(tr(lang, "版本", "version"), tr(lang, "截至", "as of"), tr(lang, "得分", "score"), tr(lang, "变化", "change")).alignRight(0, 2, 3)
	for _, p := range pts {
		t.add(strconv.FormatInt(p.Version, 10), p.AsOf.Format("2006-01-02"), f(p.ScoreJS), f(p.Change))
	}
	return t.write(stdout)
}
