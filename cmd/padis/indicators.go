package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
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
	if *format == "json" {
		warnIgnored(fs, stderr, "with --format json (it carries both languages)", "lang")
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cat.All())
	case "table":
		t := newTable(tr(lang, "代码", "id"), tr(lang, "名称", "name"), tr(lang, "单位", "unit"), tr(lang, "类别", "kind"),
			tr(lang, "区间方法", "interval"), tr(lang, "小数位", "decimals"), tr(lang, "公式", "formula")).alignRight(5)
		for _, ind := range cat.All() {
			t.add(ind.ID, ind.Label(lang), ind.UnitLabel(lang), kindLabel(ind.Kind, lang), tr(lang, intervalLabels[ind.Interval], ind.Interval), strconv.Itoa(ind.Decimals), ind.Formula(lang))
		}
		return t.write(stdout)
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
	// One kind of answer per query: lineage, children, ancestors, series,
	// level table, in that order; the others are ignored, and said so.
	switch {
	case *lineage:
		warnIgnored(fs, stderr, "with --lineage", "children", "ancestors", "series", "level", "format", "lang")
	case *children:
		warnIgnored(fs, stderr, "with --children", "ancestors", "series", "level")
	case *ancestors:
		warnIgnored(fs, stderr, "with --ancestors", "series", "level")
	case *series != "":
		warnIgnored(fs, stderr, "with --series (every period of the type)", "level", "period")
	}
	if !*lineage && *format != "table" && *format != query.FormatCSV {
		warnIgnored(fs, stderr, "with --format "+*format+" (names in table and csv output only)", "lang")
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

// kindLabels are the Chinese names of the indicator kinds.
var kindLabels = map[models.IndicatorKind]string{
	models.KindCount: "计数", models.KindRate: "率", models.KindProportion: "比例",
	models.KindRatio: "比", models.KindMethod: "方法", models.KindStored: "存储",
}

// intervalLabels are the Chinese names of the interval methods.
var intervalLabels = map[string]string{
	models.IntervalNone: "无", models.IntervalPoissonExact: "精确泊松", models.IntervalWilson: "Wilson得分",
	models.IntervalRatioBinom: "二项比值", models.IntervalDifference: "泊松差值", models.IntervalDelta: "Delta法",
	models.IntervalGamma: "伽马（Fay–Feuer）", models.IntervalChiang: "蒋庆琅法",
	models.IntervalPosterior: "经验贝叶斯后验",
}

// flagLabels are the Chinese names of the value flags and reliability
// reasons (engine/cube).
var flagLabels = map[string]string{
	cube.FlagEmpty: "无数据", cube.FlagUnreliable: "不可靠", cube.ReasonFewEvents: "事件过少", cube.ReasonWideInterval: "区间过宽",
}

// scopeKindLabels are the Chinese names of the scope kinds (models.Scope).
var scopeKindLabels = map[string]string{"province": "全省", "counties": "县样本"}

// flagText returns a value flag or reliability reason in lang.
func flagText(f string, lang models.Lang) string {
	if zh, ok := flagLabels[f]; ok && lang == models.ZH {
		return zh
	}
	return f
}

// kindLabel returns an indicator kind in lang.
func kindLabel(k models.IndicatorKind, lang models.Lang) string {
	if zh, ok := kindLabels[k]; ok && lang == models.ZH {
		return zh
	}
	return string(k)
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
		line := fmt.Sprintf(tr(lang, "# 版本 %d 范围 %s", "# version %d scope %s"), v.Version, v.Scope)
		for _, r := range runs {
			if r.Version == v.Version {
				kind := r.ScopeKind
				if zh, ok := scopeKindLabels[kind]; ok && lang == models.ZH {
					kind = zh
				}
				line += fmt.Sprintf(tr(lang, "（%s）截至 %s", " (%s) as of %s"), kind, r.AsOf.Format(time.DateOnly))
			}
		}
		fmt.Fprintln(w, line)
	}
	t := newTable(tr(lang, "区划", "division"), tr(lang, "时期", "period"), tr(lang, "指标", "indicator"), tr(lang, "分组", "breakdown"),
		tr(lang, "数值", "value"), tr(lang, "95%区间", "95% interval"), tr(lang, "分子", "numerator"), tr(lang, "分母", "denominator"),
		tr(lang, "单位", "unit"), tr(lang, "标记", "flag")).alignRight(4, 5, 6, 7)
	for _, v := range values {
		unit, name := "", v.Indicator
		if ind, ok := cat.Get(v.Indicator); ok {
			unit, name = ind.UnitLabel(lang), ind.Label(lang)
		}
		dec := indicatorDecimals(cat, v.Indicator)
		ci := ""
		if v.Lower == v.Lower && v.Upper == v.Upper {
			ci = fmt.Sprintf("%s – %s", humanNum(v.Lower, dec, ""), humanNum(v.Upper, dec, ""))
		}
		flag := flagText(v.Flag, lang)
		if v.Unreliable {
			flag += tr(lang, "（"+flagText(v.ReliabilityReason, lang)+"）", " ("+v.ReliabilityReason+")")
		}
		t.add(v.Division, v.Period, name, v.Breakdown, humanNum(v.Value, dec, "–"), ci,
			humanNum(v.Numerator, countDecimals(v.Numerator), ""), humanNum(v.Denominator, countDecimals(v.Denominator), ""), unit, flag)
	}
	return t.write(w)
}

func runIndicatorsPanel(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("indicators panel", "indicators panel -indicator ID -period P [-format table|json] [-data dir]", stderr)
	sf := addStoreFlags(fs)
	indicator := fs.String("indicator", "", "indicator id (a count, rate, proportion or ratio, or tfr)")
	period := fs.String("period", "", "period: YYYY, YYYY-MM, YYYY-Qn or R12-YYYY-MM")
	version := fs.Int64("version", 0, "version of the monitoring snapshot (default: the newest monitoring cube)")
	format := fs.String("format", "table", "output: table or json")
	langFlag := fs.String("lang", "zh", "language of the table's headers: zh or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *indicator == "" || *period == "" {
		return usageErrorf("-indicator and -period are required")
	}
	lang, err := parseLang(*langFlag)
	if err != nil {
		return err
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
	dec := indicatorDecimals(models.DefaultCatalog(), *indicator)
	t := newTable(tr(lang, "县", "county"), tr(lang, "名称", "name"), tr(lang, "层", "stratum"), tr(lang, "权数", "weight"),
		tr(lang, "数值", "value"), tr(lang, "分子", "numerator"), tr(lang, "分母", "denominator"), tr(lang, "标记", "flag")).alignRight(3, 4, 5, 6)
	for _, c := range p.Counties {
		t.add(c.Code, c.Name, c.Stratum, humanNum(c.Weight, 2, ""), humanNum(c.Value.Value, dec, "–"),
			humanNum(c.Value.Numerator, countDecimals(c.Value.Numerator), ""), humanNum(c.Value.Denominator, countDecimals(c.Value.Denominator), ""), flagText(c.Value.Flag, lang))
	}
	if err := t.write(stdout); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	t = newTable(tr(lang, "范围", "domain"), tr(lang, "县数", "counties"), tr(lang, "估计值", "estimate"), tr(lang, "标准误", "se"),
		tr(lang, "95%区间", "95% interval"), tr(lang, "全量数据值", "full-data value"), tr(lang, "区间覆盖", "covered")).alignRight(1, 2, 3, 4, 5)
	for _, est := range append([]query.PanelEstimate{p.National}, p.Provinces...) {
		full, cov := "", ""
		if est.Full != nil {
			full = humanNum(est.Full.Value, dec, "–")
			cov = tr(lang, map[bool]string{true: "是", false: "否"}[*est.Covers], strconv.FormatBool(*est.Covers))
		}
		t.add(est.Domain, strconv.Itoa(est.Counties), humanNum(est.Estimate, dec, "–"), humanNum(est.SE, dec+1, "–"),
			humanNum(est.Lower, dec, "")+" – "+humanNum(est.Upper, dec, ""), full, cov)
	}
	return t.write(stdout)
}
