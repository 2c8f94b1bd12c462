package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/models"
)

func init() {
	register(command{
		name:    "indicators",
		summary: "indicator catalog, cube computation and queries",
		subcommands: []subcommand{ // in usage order
			{"list", "list the indicator catalog (names, units, formulas, intervals)", runIndicatorsList},
			{"compute", "compute (or incrementally refresh) the cube of a snapshot version", runIndicatorsCompute},
			{"query", "query an indicator: value, children, ancestors, series, level table, lineage", runIndicatorsQuery},
			{"panel", "the monitoring counties side by side and the national panel estimate", runIndicatorsPanel},
		},
	})
}

// indicatorCatalog returns the default catalog plus the indicators of a
// user catalog file (JSON array), if any.
func indicatorCatalog(path string) (*models.Catalog, error) {
	cat := models.DefaultCatalog()
	if path == "" {
		return cat, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("indicator catalog: %w", err)
	}
	defer f.Close()
	if err := cat.LoadFile(f, path); err != nil {
		return nil, err
	}
	return cat, nil
}

func parseLang(s string) (models.Lang, error) {
	switch s {
	case "zh", "":
		return models.ZH, nil
	case "en":
		return models.EN, nil
	}
	return 0, usageErrorf("-lang %q: want zh or en", s)
}

func runIndicatorsList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("indicators list", "indicators list [-format table|json] [-lang zh|en] [-catalog file.json]", stderr)
	format := fs.String("format", "table", "output format: table or json")
	langFlag := fs.String("lang", "zh", "language of names and formulas: zh or en")
	catPath := fs.String("catalog", "", "extra indicators (JSON array of count, rate, proportion or ratio indicators)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	lang, err := parseLang(*langFlag)
	if err != nil {
		return err
	}
	cat, err := indicatorCatalog(*catPath)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cat.All())
	case "table":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tname\tunit\tkind\tinterval\tformula")
		for _, ind := range cat.All() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ind.ID, ind.Label(lang), ind.Unit, ind.Kind, ind.Interval, ind.Formula(lang))
		}
		return tw.Flush()
	}
	return usageErrorf("-format %q: want table or json", *format)
}

func runIndicatorsCompute(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("indicators compute", "indicators compute (-version N | -scope S) [-full] [-data dir]", stderr)
	sf := addStoreFlags(fs)
	version := fs.Int64("version", 0, "snapshot version to compute")
	scope := fs.String("scope", "", "compute the current version of this scope")
	full := fs.Bool("full", false, "rebuild from scratch instead of refreshing from the previous cube of the scope")
	ageLevel := fs.String("age-level", "county", "deepest level with age detail (TFR, e0, pyramids): province, city, county, township or village")
	valueLevel := fs.String("value-level", "county", "deepest level whose indicator values are materialised")
	catPath := fs.String("catalog", "", "extra indicators file (JSON) to materialise")
	asJSON := fs.Bool("json", false, "print the build report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*version == 0) == (*scope == "") {
		return usageErrorf("give exactly one of -version and -scope")
	}
	al, err := models.ParseLevel(*ageLevel)
	if err != nil || al < models.LevelProvince {
		return usageErrorf("-age-level %q: want province, city, county, township or village", *ageLevel)
	}
	vl, err := models.ParseLevel(*valueLevel)
	if err != nil || vl < models.LevelProvince {
		return usageErrorf("-value-level %q: want province, city, county, township or village", *valueLevel)
	}
	cat, err := indicatorCatalog(*catPath)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := resolveVersion(ctx, st, *version, *scope, nil)
	if err != nil {
		return err
	}
	res, err := cube.Refresh(ctx, st, v, cube.Options{AgeLevel: al, ValueLevel: vl, Catalog: cat, Full: *full})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "cube of version %d (scope %s): %s build in %s\n", res.Version, res.Scope, res.Mode, res.Duration.Round(1e6))
	if res.Mode == "incremental" {
		fmt.Fprintf(stdout, "  from version %d: %d of %d months and %d villages recomputed\n", res.BaseVersion, res.MonthsRecomputed, res.Months, res.VillagesChanged)
	}
	fmt.Fprintf(stdout, "  %d measure rows, %d age rows, %d indicator values\n", res.MeasureRows, res.AgeRows, res.ValueRows)
	for _, s := range res.Steps {
		fmt.Fprintf(stdout, "  %-18s %s\n", s.Name, s.Duration.Round(1e5))
	}
	return nil
}

func runIndicatorsQuery(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("indicators query", "indicators query -indicator ID -division CODE [-period P] [-children|-ancestors|-series TYPE|-level L|-lineage] [-format table|csv|json|parquet|arrow]", stderr)
	sf := addStoreFlags(fs)
	indicator := fs.String("indicator", "", "indicator id (see padis indicators list)")
	division := fs.String("division", "", "division code (2, 4, 6, 9 or 12 digits)")
	period := fs.String("period", "", "period: YYYY, YYYY-MM, YYYY-Qn or R12-YYYY-MM")
	version := fs.Int64("version", 0, "snapshot version (default: the current cube of a scope covering the whole division; a partial scope such as the monitoring panel only when given here)")
	children := fs.Bool("children", false, "the indicator for each child unit")
	ancestors := fs.Bool("ancestors", false, "the indicator for each ancestor unit")
	series := fs.String("series", "", "time series over every period of this type: month, quarter, year or r12")
	level := fs.String("level", "", "table of every unit at this level within the division")
	lineage := fs.Bool("lineage", false, "print where the value came from (JSON)")
	format := fs.String("format", "table", "output: table, csv, json, parquet or arrow")
	out := fs.String("out", "", "write to this file instead of standard output")
	langFlag := fs.String("lang", "zh", "language of names in table and csv output: zh or en")
	catPath := fs.String("catalog", "", "extra indicators file (JSON)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *indicator == "" || *division == "" {
		return usageErrorf("-indicator and -division are required")
	}
	if *series == "" && *period == "" {
		return usageErrorf("-period is required (except with -series)")
	}
	lang, err := parseLang(*langFlag)
	if err != nil {
		return err
	}
	switch *format {
	case "table", query.FormatCSV, query.FormatJSON, query.FormatParquet, query.FormatArrow:
	default:
		return usageErrorf("-format %q: want table, csv, json, parquet or arrow", *format)
	}
	if (*format == query.FormatParquet || *format == query.FormatArrow) && *out == "" {
		return usageErrorf("-format %s writes binary data: give -out file", *format)
	}
	cat, err := indicatorCatalog(*catPath)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	eng, err := query.NewWithOptions(ctx, st, query.Options{Catalog: cat, NoMemory: true}) // one query: read the tables
	if err != nil {
		return err
	}
	defer eng.Close()
	k := query.Key{Indicator: *indicator, Division: *division, Period: *period, Version: *version}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if *lineage {
		l, err := eng.Lineage(ctx, k)
		if err != nil {
			return queryError(err)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(l)
	}
	var values []cube.Value
	switch {
	case *children:
		values, err = eng.Children(ctx, k)
	case *ancestors:
		values, err = eng.Ancestors(ctx, k)
	case *series != "":
		values, err = eng.Series(ctx, k, *series)
	case *level != "":
		l, perr := models.ParseLevel(*level)
		if perr != nil {
			return usageErrorf("-level: %v", perr)
		}
		values, err = eng.Table(ctx, *indicator, l, *division, *period, *version)
	default:
		values, err = eng.Get(ctx, k)
	}
	if err != nil {
		return queryError(err)
	}
	if *format == "table" {
		return writeValuesTable(w, values, eng.Runs(), cat, lang)
	}
	return query.Write(w, *format, values, cat, lang)
}

// queryError turns bad-argument errors of the query API into usage errors.
func queryError(err error) error {
	if errors.Is(err, query.ErrUnknownIndic) || errors.Is(err, query.ErrBadDivision) || strings.HasPrefix(err.Error(), "period ") {
		return usageErrorf("%v", err)
	}
	return err
}

// writeValuesTable writes values as a table headed by the version and
// scope of the cube(s) they came from ("# version 3 scope 51 as of …").
func writeValuesTable(w io.Writer, values []cube.Value, runs []query.Run, cat *models.Catalog, lang models.Lang) error {
	seen := map[int64]bool{}
	for _, v := range values {
		if seen[v.Version] {
			continue
		}
		seen[v.Version] = true
		line := fmt.Sprintf("# version %d scope %s", v.Version, v.Scope)
		for _, r := range runs {
			if r.Version == v.Version {
				line += fmt.Sprintf(" (%s) as of %s", r.ScopeKind, r.AsOf.Format(time.DateOnly))
			}
		}
		fmt.Fprintln(w, line)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "division\tperiod\tindicator\tbreakdown\tvalue\t95% interval\tnumerator\tdenominator\tunit\tflag")
	for _, v := range values {
		unit := ""
		if ind, ok := cat.Get(v.Indicator); ok {
			unit = ind.Unit
		}
		ci := ""
		if v.Lower == v.Lower && v.Upper == v.Upper {
			ci = fmt.Sprintf("%s – %s", indNum(v.Lower, 4, ""), indNum(v.Upper, 4, ""))
		}
		flag := v.Flag
		if v.Unreliable {
			flag += " (" + v.ReliabilityReason + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Division, v.Period, v.Indicator, v.Breakdown,
			indNum(v.Value, 4, "–"), ci, indNum(v.Numerator, 2, ""), indNum(v.Denominator, 2, ""), unit, flag)
	}
	return tw.Flush()
}

// indNum formats a number with prec decimals, or missing for NaN.
func indNum(v float64, prec int, missing string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return missing
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

func runIndicatorsPanel(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("indicators panel", "indicators panel -indicator ID -period P [-format table|json] [-data dir]", stderr)
	sf := addStoreFlags(fs)
	indicator := fs.String("indicator", "", "indicator id (a count, rate, proportion or ratio, or tfr)")
	period := fs.String("period", "", "period: YYYY, YYYY-MM, YYYY-Qn or R12-YYYY-MM")
	version := fs.Int64("version", 0, "version of the monitoring snapshot (default: the newest monitoring cube)")
	format := fs.String("format", "table", "output: table or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *indicator == "" || *period == "" {
		return usageErrorf("-indicator and -period are required")
	}
	if *format != "table" && *format != "json" {
		return usageErrorf("-format %q: want table or json", *format)
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	eng, err := query.NewWithOptions(ctx, st, query.Options{NoMemory: true}) // one query: read the tables
	if err != nil {
		return err
	}
	defer eng.Close()
	p, err := eng.Panel(ctx, *indicator, *period, *version)
	if err != nil {
		return queryError(err)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "county\tname\tstratum\tweight\tvalue\tnumerator\tdenominator\tflag")
	for _, c := range p.Counties {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\n", c.Code, c.Name, c.Stratum, c.Weight,
			indNum(c.Value.Value, 4, "–"), indNum(c.Value.Numerator, 1, ""), indNum(c.Value.Denominator, 1, ""), c.Value.Flag)
	}
	fmt.Fprintln(tw, "\ndomain\tcounties\testimate\tse\t95% interval\tfull-data value\tcovered")
	for _, est := range append([]query.PanelEstimate{p.National}, p.Provinces...) {
		full, cov := "", ""
		if est.Full != nil {
			full = indNum(est.Full.Value, 4, "–")
			cov = strconv.FormatBool(*est.Covers)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s – %s\t%s\t%s\n", est.Domain, est.Counties, indNum(est.Estimate, 4, "–"), indNum(est.SE, 4, "–"),
			indNum(est.Lower, 4, ""), indNum(est.Upper, 4, ""), full, cov)
	}
	return tw.Flush()
}
