package main

import (
	"context"
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
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/detect"
	"github.com/padis/padis/engine/notify"
	"github.com/padis/padis/models"
)

func init() {
	register(command{
		name:    "alerts",
		summary: "early-warning alerts: evaluate rules, list, show and acknowledge alerts, detect aberrations",
		subcommands: []subcommand{ // in usage order
			{"evaluate", "evaluate the early-warning rules on a loaded version and store the alerts", runAlertsEvaluate},
			{"list", "list stored alerts (filters: division, level, colour, status…)", runAlertsList},
			{"show", "show one alert with its history", runAlertsShow},
			{"ack", "acknowledge an alert", runAlertsAck},
			{"detect", "run an aberration-detection method over a count series (CSV period,count)", runAlertsDetect},
		},
	})
}

func runAlertsDetect(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("alerts detect",
		"alerts detect --method ears-c1|ears-c2|ears-c3|cusum|farrington --series FILE.csv [--side upper|lower|both] [flags]", stderr)
	method := fs.String("method", "", "detection method: "+strings.Join(detect.Methods, ", "))
	series := fs.String("series", "", "CSV file with header period,count, one row per period in time order")
	var opts detect.Options
	fs.StringVar(&opts.Side, "side", detect.SideUpper, "direction: upper (increases), lower (decreases) or both (alpha/2 each)")
	fs.IntVar(&opts.Period, "period", 12, "seasonal period: 12 for months, 52 for weeks (cusum, farrington)")
	fs.Float64Var(&opts.Alpha, "alpha", 0, "one-sided alarm probability (0: method default, 0.001 EARS C1/C2, 0.025 C3, 0.05 farrington)")
	fs.IntVar(&opts.Baseline, "baseline", 0, "EARS baseline length (0: 7)")
	fs.Float64Var(&opts.MinSigma, "min-sigma", 0, "EARS floor on the standard deviation")
	fs.Float64Var(&opts.K, "k", 0, "CUSUM reference value in sd (0: 0.5)")
	fs.Float64Var(&opts.H, "cusum-h", 0, "CUSUM decision interval h in sd (0: 4); -h is help")
	fs.IntVar(&opts.Train, "train", 0, "CUSUM training periods (0: 2×period)")
	fs.IntVar(&opts.Years, "years", 0, "farrington years of history b (0: 5)")
	fs.IntVar(&opts.Window, "window", 0, "farrington half-window w (0: 3)")
	fs.StringVar(&opts.Threshold, "threshold", "", "farrington threshold: nbPlugin (default), muan or delta (Farrington 1996)")
	fs.StringVar(&opts.Power, "power", "", "power transformation of the delta threshold: none, 1/2 or 2/3 (default)")
	format := fs.String("format", "table", "output format: table, csv or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *method == "" || *series == "" {
		return usageErrorf("--method and --series are required")
	}
	if !contains(detect.Methods, *method) {
		return usageErrorf("unknown method %q (want one of %s)", *method, strings.Join(detect.Methods, ", "))
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		return usageErrorf("unknown format %q (want table, csv or json)", *format)
	}
	if !contains(detect.Sides, opts.Side) {
		return usageErrorf("unknown side %q (want %s)", opts.Side, strings.Join(detect.Sides, ", "))
	}
	labels, counts, err := readSeriesCSV(*series)
	if err != nil {
		return err
	}
	res, err := detect.Detect(*method, counts, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", *series, err)
	}
	switch *format {
	case "csv":
		return writeAlertsCSV(stdout, labels, res)
	case "json":
		return writeAlertsJSON(stdout, *method, *series, labels, res)
	}
	return writeAlertsTable(stdout, labels, res)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// readSeriesCSV reads a CSV with header period,count. Rows are numbered
// as lines of the file, the header being row 1.
func readSeriesCSV(path string) (labels []string, counts []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s: empty file, want header period,count", path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, want := range []string{"period", "count"} {
		got := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")))
		if got != want {
			return nil, nil, fmt.Errorf("%s: row 1, field %d: header %q, want %q (header period,count)", path, i+1, header[i], want)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		row, _ := r.FieldPos(0)
		label := strings.TrimSpace(rec[0])
		if label == "" {
			return nil, nil, fmt.Errorf("%s: row %d, field period: empty", path, row)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: row %d, field count: %q is not a number", path, row, rec[1])
		}
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("%s: row %d, field count: %v, want a finite count ≥ 0", path, row, v)
		}
		labels = append(labels, label)
		counts = append(counts, v)
	}
	if len(counts) == 0 {
		return nil, nil, fmt.Errorf("%s: no data rows after the header", path)
	}
	return labels, counts, nil
}

// fmtNum formats v for text output, missing as missing.
func fmtNum(v float64, prec int, missing string) string {
	if math.IsNaN(v) {
		return missing
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

func writeAlertsTable(w io.Writer, labels []string, res []detect.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "period\tobserved\texpected\tlower\tupper\tscore\tp\talarm\t")
	for i, r := range res {
		alarm := ""
		switch {
		case r.Low:
			alarm = "LOW"
		case r.Alarm:
			alarm = "ALARM"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", labels[i], fmtNum(r.Observed, -1, "-"),
			fmtNum(r.Expected, 2, "-"), fmtNum(r.Lower, 2, "-"), fmtNum(r.Upper, 2, "-"), fmtNum(r.Score, 2, "-"),
			fmtNum(r.PValue, 4, "-"), alarm)
	}
	return tw.Flush()
}

func writeAlertsCSV(w io.Writer, labels []string, res []detect.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"period", "observed", "expected", "lower", "upper", "score", "p_value", "alarm", "low"})
	for i, r := range res {
		cw.Write([]string{labels[i], fmtNum(r.Observed, -1, ""), fmtNum(r.Expected, -1, ""),
			fmtNum(r.Lower, -1, ""), fmtNum(r.Upper, -1, ""), fmtNum(r.Score, -1, ""), fmtNum(r.PValue, -1, ""),
			strconv.FormatBool(r.Alarm), strconv.FormatBool(r.Low)})
	}
	cw.Flush()
	return cw.Error()
}

// jsonNum is a float that encodes NaN as null and ±Inf as a string.
type jsonNum float64

// MarshalJSON implements json.Marshaler.
func (v jsonNum) MarshalJSON() ([]byte, error) {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return []byte("null"), nil
	case math.IsInf(f, 0):
		return json.Marshal(strconv.FormatFloat(f, 'f', -1, 64))
	}
	return json.Marshal(f)
}

func writeAlertsJSON(w io.Writer, method, series string, labels []string, res []detect.Result) error {
	type row struct {
		Period   string  `json:"period"`
		Observed jsonNum `json:"observed"`
		Expected jsonNum `json:"expected"`
		Lower    jsonNum `json:"lower"`
		Upper    jsonNum `json:"upper"`
		Score    jsonNum `json:"score"`
		PValue   jsonNum `json:"p_value"`
		Alarm    bool    `json:"alarm"`
		Low      bool    `json:"low"`
	}
	out := struct {
		Method  string `json:"method"`
		Series  string `json:"series"`
		Results []row  `json:"results"`
	}{Method: method, Series: series, Results: make([]row, len(res))}
	for i, r := range res {
		out.Results[i] = row{labels[i], jsonNum(r.Observed), jsonNum(r.Expected), jsonNum(r.Lower), jsonNum(r.Upper),
			jsonNum(r.Score), jsonNum(r.PValue), r.Alarm, r.Low}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// splitID takes a leading positional argument (the alert id) off args so
// that flags may follow it.
func splitID(args []string) (id string, rest []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

func runAlertsEvaluate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("alerts evaluate", "alerts evaluate [--version N | --scope S] [--rules FILE] [--notify FILE] [--json]", stderr)
	sf := addStoreFlags(fs)
	version := fs.Int64("version", 0, "snapshot version (default: the current version of every scope with a cube)")
	scope := fs.String("scope", "", "only the current version of this scope")
	rulesFile := fs.String("rules", "", "JSON rules file replacing the shipped rules (docs/alerts.md)")
	notifyFile := fs.String("notify", "", "JSON delivery configuration: webhook and e-mail for new orange/red alerts (off by default)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	var opts alerts.Options
	if *rulesFile != "" {
		r, err := alerts.LoadRules(*rulesFile)
		if err != nil {
			return err
		}
		opts.Rules = r
	}
	if *notifyFile != "" {
		c, err := notify.LoadConfig(*notifyFile)
		if err != nil {
			return err
		}
		opts.Notify = c
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var versions []int64
	if *version > 0 {
		versions = []int64{*version}
	} else {
		vs, err := st.Versions(ctx, *scope)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, v := range vs { // newest first within a scope
			if !seen[v.Scope] {
				seen[v.Scope] = true
				versions = append(versions, v.ID)
			}
		}
		if len(versions) == 0 {
			return fmt.Errorf("no loaded version to evaluate (padis load)")
		}
	}
	var results []*alerts.Result
	tree, err := datasets.Divisions()
	if err != nil {
		return err
	}
	opts.Tree = tree
	for _, v := range versions {
		res, err := alerts.Evaluate(ctx, st, v, opts)
		if res != nil {
			results = append(results, res)
		}
		if err != nil {
			return err
		}
		if !*asJSON {
			fmt.Fprintf(stdout, "version %d (%s): %d alerts (red %d, orange %d, yellow %d, blue %d; %d grouped alerts); %d new, %d changed, %d resolved, %d superseded, %d grouped; %s\n",
				res.Version, res.Scope, res.Candidates, res.ByColour[alerts.Red], res.ByColour[alerts.Orange], res.ByColour[alerts.Yellow],
				res.ByColour[alerts.Blue], res.Groups, res.New, res.Changed, res.Resolved, res.Superseded, res.Grouped, res.Duration.Round(time.Millisecond))
			for _, s := range res.Steps {
				fmt.Fprintf(stdout, "  %-18s %s\n", s.Name, s.Duration.Round(time.Millisecond))
			}
			if res.Coverage != "" {
				fmt.Fprintf(stdout, "  coverage: %s\n", res.Coverage)
			}
			for _, s := range res.Skipped {
				fmt.Fprintf(stdout, "  skipped %s\n", s)
			}
			if opts.Notify.Enabled() {
				fmt.Fprintf(stdout, "  delivered %d new alerts\n", res.Notified)
			}
		}
	}
	if *asJSON {
		return writeJSON(stdout, results)
	}
	return nil
}

func runAlertsList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("alerts list", "alerts list [--division CODE] [--level L] [--colour C] [--status S] [--open] [--rule R] [--indicator I] [--period P] [--version N] [--lang zh|en] [--json]", stderr)
	sf := addStoreFlags(fs)
	var f alerts.Filter
	division := fs.String("division", "", "only units at or below this division code (comma-separated for several)")
	level := fs.String("level", "", "only this unit level: province, city, county, township, village")
	fs.StringVar(&f.Colour, "colour", "", "only this colour: blue, yellow, orange, red")
	fs.StringVar(&f.MinColour, "min-colour", "", "this colour and the more severe")
	fs.StringVar(&f.Status, "status", "", "only this status: new, acknowledged, resolved, superseded, grouped")
	fs.BoolVar(&f.Open, "open", false, "only new and acknowledged alerts (not resolved, superseded or grouped)")
	fs.StringVar(&f.Rule, "rule", "", "only this rule id")
	fs.StringVar(&f.Indicator, "indicator", "", "only this indicator or measure")
	fs.StringVar(&f.Period, "period", "", "only this period (e.g. 2025, 2025-09)")
	fs.Int64Var(&f.Version, "version", 0, "snapshot version (default: the latest evaluated version of every scope)")
	fs.IntVar(&f.Limit, "limit", 0, "at most this many alerts")
	lang := fs.String("lang", "zh", "language of the explanations: zh or en")
	asJSON := fs.Bool("json", false, "print the alerts as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *lang != "zh" && *lang != "en" {
		return usageErrorf("unknown language %q (want zh or en)", *lang)
	}
	if *division != "" {
		f.Units = strings.Split(*division, ",")
	}
	if *level != "" {
		l, err := models.ParseLevel(*level)
		if err != nil {
			return usageErrorf("%v", err)
		}
		f.Level = l
	}
	if err := f.Validate(); err != nil {
		return usageErrorf("%v", err)
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := alerts.List(ctx, st, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, list)
	}
	l := models.ZH
	if *lang == "en" {
		l = models.EN
	}
	t := newTable("id", tr(l, "颜色", "colour"), tr(l, "状态", "status"), tr(l, "规则", "rule"), tr(l, "区划", "division"),
		tr(l, "时期", "period"), tr(l, "说明", "explanation"))
	for _, a := range list {
		t.add(a.ID, alertWord(a.Colour, l), alertWord(a.Status, l), a.Rule, a.Division, a.Period, explanation(a, *lang))
	}
	if err := t.write(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, tr(l, "共 %s 条预警\n", "%s alerts\n"), humanNum(float64(len(list)), 0, ""))
	return nil
}

// alertWords are the Chinese names of alert colours and statuses.
var alertWords = map[string]string{
	"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色",
	"new": "新", "acknowledged": "已确认", "resolved": "已解除", "superseded": "已替代", "grouped": "已归组",
}

// alertWord returns an alert colour or status in lang.
func alertWord(w string, lang models.Lang) string {
	if zh, ok := alertWords[w]; ok && lang == models.ZH {
		return zh
	}
	return w
}

// explanation returns the alert's explanation in lang.
func explanation(a alerts.Alert, lang string) string {
	if lang == "en" {
		return a.ExplanationEN
	}
	return a.ExplanationZH
}

func runAlertsShow(args []string, stdout, stderr io.Writer) error {
	id, rest := splitID(args)
	fs := newFlagSet("alerts show", "alerts show ID [--version N] [--lang zh|en] [--json]", stderr)
	sf := addStoreFlags(fs)
	version := fs.Int64("version", 0, "snapshot version (default: the latest holding the alert)")
	lang := fs.String("lang", "zh", "language of the explanation: zh or en")
	asJSON := fs.Bool("json", false, "print the alert as JSON")
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	if id == "" {
		return usageErrorf("the alert id is required")
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := alerts.Get(ctx, st, id, *version)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, a)
	}
	writeAlert(stdout, a, *lang)
	return nil
}

// alertDecimals is the number of decimals of an alert's value: the
// catalog's for an indicator, none for an observed count (aberrations on a
// measure), one for a projection's percentage or ratio.
func alertDecimals(a alerts.Alert) int {
	if a.Kind == alerts.KindProjection {
		return 1
	}
	if _, ok := models.MeasureByID(a.Indicator); ok {
		return 0
	}
	return indicatorDecimals(models.DefaultCatalog(), a.Indicator)
}

// writeAlert prints one alert and its history.
func writeAlert(w io.Writer, a alerts.Alert, lang string) {
	fmt.Fprintf(w, "%s\n\n", explanation(a, lang))
	fmt.Fprintf(w, "id          %s (version %d)\n", a.ID, a.Version)
	fmt.Fprintf(w, "rule        %s (%s), indicator %s\n", a.Rule, a.Kind, a.Indicator)
	fmt.Fprintf(w, "unit        %s %s (%s)\n", a.Division, a.UnitName, a.Level)
	fmt.Fprintf(w, "period      %s (%s)\n", a.Period, a.PeriodType)
	dec := alertDecimals(a)
	fmt.Fprintf(w, "value       %s [%s, %s]; expected %s; p %s\n", humanNum(a.Value, dec, "-"), humanNum(a.Lower, dec, "-"),
		humanNum(a.Upper, dec, "-"), humanNum(a.Expected, dec+1, "-"), fmtNum(a.PValue, 6, "-"))
	fmt.Fprintf(w, "colour      %s (%s threshold %s)\n", a.Colour, a.Condition, fmtNum(a.Threshold, -1, "-"))
	fmt.Fprintf(w, "status      %s; first seen %s, last seen %s\n", a.Status, a.FirstSeen.Format(time.RFC3339), a.LastSeen.Format(time.RFC3339))
	if a.AckUser != "" {
		fmt.Fprintf(w, "acknowledged by %s at %s: %s\n", a.AckUser, a.AckAt.Format(time.RFC3339), a.AckNote)
	}
	fmt.Fprintln(w, "\nhistory:")
	for _, e := range a.History {
		fmt.Fprintf(w, "  %s  v%d  %-12s %-6s %s", e.At.Format(time.RFC3339), e.Version, e.Action, e.Colour, humanNum(e.Value, dec, "-"))
		if e.User != "" {
			fmt.Fprintf(w, "  %s: %s", e.User, e.Note)
		}
		fmt.Fprintln(w)
	}
}

func runAlertsAck(args []string, stdout, stderr io.Writer) error {
	id, rest := splitID(args)
	fs := newFlagSet("alerts ack", "alerts ack ID --user NAME [--note TEXT] [--json]", stderr)
	sf := addStoreFlags(fs)
	user := fs.String("user", "", "who acknowledges (required)")
	note := fs.String("note", "", "a note: what was checked or done")
	asJSON := fs.Bool("json", false, "print the alert as JSON")
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	if id == "" || *user == "" {
		return usageErrorf("the alert id and --user are required")
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := alerts.Acknowledge(ctx, st, id, *user, *note, time.Now())
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, a)
	}
	fmt.Fprintf(stdout, "acknowledged %s by %s\n", a.ID, a.AckUser)
	return nil
}
