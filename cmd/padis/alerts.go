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

	"github.com/padis/padis/engine/detect"
)

func init() {
	register(command{
		name:    "alerts",
		summary: "early-warning alerts: detect aberrations in count series",
		run:     runAlerts,
	})
}

// alertsSubcommands are the subcommands of padis alerts, in usage order.
// list, show and ack will join detect once alerts are stored.
var alertsSubcommands = []subcommand{
	{"detect", "run an aberration-detection method over a count series (CSV period,count)", runAlertsDetect},
}

// runAlerts dispatches on the first argument.
func runAlerts(args []string, stdout, stderr io.Writer) error {
	return dispatch("alerts", alertsSubcommands, args, stdout, stderr)
}

func runAlertsDetect(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("alerts detect",
		"alerts detect --method ears-c1|ears-c2|ears-c3|cusum|farrington --series FILE.csv [flags]", stderr)
	method := fs.String("method", "", "detection method: "+strings.Join(detect.Methods, ", "))
	series := fs.String("series", "", "CSV file with header period,count, one row per period in time order")
	var opts detect.Options
	fs.IntVar(&opts.Period, "period", 12, "seasonal period: 12 for months, 52 for weeks (cusum, farrington)")
	fs.Float64Var(&opts.Alpha, "alpha", 0, "one-sided alarm probability (0: method default, 0.001 EARS C1/C2, 0.025 C3, 0.05 farrington)")
	fs.IntVar(&opts.Baseline, "baseline", 0, "EARS baseline length (0: 7)")
	fs.Float64Var(&opts.MinSigma, "min-sigma", 0, "EARS floor on the standard deviation")
	fs.Float64Var(&opts.K, "k", 0, "CUSUM reference value in sd (0: 0.5)")
	fs.Float64Var(&opts.H, "h", 0, "CUSUM decision interval in sd (0: 4)")
	fs.IntVar(&opts.Train, "train", 0, "CUSUM training periods (0: 2×period)")
	fs.IntVar(&opts.Years, "years", 0, "farrington years of history b (0: 5)")
	fs.IntVar(&opts.Window, "window", 0, "farrington half-window w (0: 3)")
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
	fmt.Fprintln(tw, "period\tobserved\texpected\tupper\tscore\tp\talarm\t")
	for i, r := range res {
		alarm := ""
		if r.Alarm {
			alarm = "ALARM"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", labels[i], fmtNum(r.Observed, -1, "-"),
			fmtNum(r.Expected, 2, "-"), fmtNum(r.Upper, 2, "-"), fmtNum(r.Score, 2, "-"),
			fmtNum(r.PValue, 4, "-"), alarm)
	}
	return tw.Flush()
}

func writeAlertsCSV(w io.Writer, labels []string, res []detect.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"period", "observed", "expected", "upper", "score", "p_value", "alarm"})
	for i, r := range res {
		cw.Write([]string{labels[i], fmtNum(r.Observed, -1, ""), fmtNum(r.Expected, -1, ""),
			fmtNum(r.Upper, -1, ""), fmtNum(r.Score, -1, ""), fmtNum(r.PValue, -1, ""),
			strconv.FormatBool(r.Alarm)})
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
		Upper    jsonNum `json:"upper"`
		Score    jsonNum `json:"score"`
		PValue   jsonNum `json:"p_value"`
		Alarm    bool    `json:"alarm"`
	}
	out := struct {
		Method  string `json:"method"`
		Series  string `json:"series"`
		Results []row  `json:"results"`
	}{Method: method, Series: series, Results: make([]row, len(res))}
	for i, r := range res {
		out.Results[i] = row{labels[i], jsonNum(r.Observed), jsonNum(r.Expected), jsonNum(r.Upper),
			jsonNum(r.Score), jsonNum(r.PValue), r.Alarm}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
