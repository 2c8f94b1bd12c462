package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/alerts"
)

// writeFile writes content to name in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runPadis runs the command line and returns the exit code and outputs.
func runPadis(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// spikeSeries is 10 months of 10–12 and a month of 40: EARS C1 with the
// default baseline 7 assesses months 8–11 and alarms on the last.
const spikeSeries = "period,count\n2024-01,10\n2024-02,11\n2024-03,12\n2024-04,10\n2024-05,11\n" +
	"2024-06,12\n2024-07,10\n2024-08,11\n2024-09,12\n2024-10,10\n2024-11,40\n"

func TestAlertsDispatch(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"alerts"}, 2},
		{[]string{"alerts", "nope"}, 2},
		{[]string{"alerts", "-h"}, 0},
	} {
		code, stdout, stderr := runPadis(tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.args, code, tc.code)
		}
		list := stderr // with a usage error on stderr; asked for (-h) on stdout
		if tc.code == 0 {
			list = stdout
		}
		if !strings.Contains(list, "detect") {
			t.Errorf("%v: subcommands not listed:\n%s", tc.args, list)
		}
	}
}

func TestAlertsDetectFormats(t *testing.T) {
	path := writeFile(t, "births.csv", spikeSeries)

	code, out, stderr := runPadis("alerts", "detect", "--method", "ears-c1", "--series", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 12 {
		t.Fatalf("%d table lines, want header + 11:\n%s", len(lines), out)
	}
	for i, l := range lines[1:] {
		if got, want := strings.Contains(l, "ALARM"), i == 10; got != want {
			t.Errorf("line %q: alarm %v, want %v", l, got, want)
		}
	}

	code, out, _ = runPadis("alerts", "detect", "--method", "ears-c1", "--series", path, "--format", "csv")
	if code != 0 {
		t.Fatalf("csv: exit %d", code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 12 || strings.Join(recs[0], ",") != "period,observed,expected,lower,upper,score,p_value,alarm,low" {
		t.Fatalf("csv header %v, %d records", recs[0], len(recs))
	}
	if r := recs[11]; r[0] != "2024-11" || r[1] != "40" || r[7] != "true" || r[8] != "false" || r[2] != "10.857142857142858" {
		t.Errorf("last csv row %v, want 2024-11, 40, expected 76/7, alarm", r)
	}
	if r := recs[1]; r[2] != "" || r[3] != "" || r[7] != "false" {
		t.Errorf("first csv row %v: want empty expected (not assessed)", r)
	}

	code, out, _ = runPadis("alerts", "detect", "--method", "ears-c1", "--series", path, "--format", "json")
	if code != 0 {
		t.Fatalf("json: exit %d", code)
	}
	var doc struct {
		Method  string `json:"method"`
		Results []struct {
			Period   string   `json:"period"`
			Expected *float64 `json:"expected"`
			Alarm    bool     `json:"alarm"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if doc.Method != "ears-c1" || len(doc.Results) != 11 || doc.Results[0].Expected != nil ||
		doc.Results[10].Expected == nil || !doc.Results[10].Alarm {
		t.Errorf("json document %+v", doc)
	}
}

func TestAlertsDetectErrors(t *testing.T) {
	tests := []struct {
		name, content string
		args          []string
		code          int
		want          string
	}{
		{"bad count", "period,count\n2024-01,10\n2024-02,ten\n", nil, 1, "row 3, field count"},
		{"negative", "period,count\n2024-01,-1\n", nil, 1, "row 2, field count"},
		{"empty period", "period,count\n,3\n", nil, 1, "row 2, field period"},
		{"header", "month,births\n2024-01,3\n", nil, 1, "row 1, field 1"},
		{"no rows", "period,count\n", nil, 1, "no data rows"},
		{"method", spikeSeries, []string{"--method", "ears-c9"}, 2, "unknown method"},
		{"format", spikeSeries, []string{"--format", "xml"}, 2, "unknown format"},
		{"farrington without period", spikeSeries, []string{"--method", "farrington", "--period", "0"}, 1, "period 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "s.csv", tc.content)
			args := append([]string{"alerts", "detect", "--series", path, "--method", "ears-c1"}, tc.args...)
			code, _, stderr := runPadis(args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
			if tc.code == 1 && !strings.Contains(stderr, path) && tc.name != "farrington without period" {
				t.Errorf("error does not name the file: %q", stderr)
			}
		})
	}
	if code, _, _ := runPadis("alerts", "detect", "--method", "cusum"); code != 2 {
		t.Errorf("missing --series: exit %d, want 2", code)
	}
}

// dropSeries is 10 months of 10–12 and a month of 1: EARS C1 with the
// lower side flags the last month as LOW; the default upper side does not.
const dropSeries = "period,count\n2024-01,10\n2024-02,11\n2024-03,12\n2024-04,10\n2024-05,11\n" +
	"2024-06,12\n2024-07,10\n2024-08,11\n2024-09,12\n2024-10,10\n2024-11,1\n"

func TestAlertsDetectSide(t *testing.T) {
	path := writeFile(t, "births.csv", dropSeries)
	for _, tc := range []struct {
		side string
		low  bool
	}{{"upper", false}, {"lower", true}, {"both", true}} {
		code, out, stderr := runPadis("alerts", "detect", "--method", "ears-c1", "--side", tc.side, "--series", path, "--format", "csv")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.side, code, stderr)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		last := recs[len(recs)-1]
		if got := last[len(last)-1] == "true"; got != tc.low {
			t.Errorf("%s: last month low = %v, want %v: %v", tc.side, got, tc.low, last)
		}
	}
	if code, _, _ := runPadis("alerts", "detect", "--method", "ears-c1", "--side", "down", "--series", path); code != 2 {
		t.Errorf("--side down: exit %d, want 2", code)
	}
}

// TestAlertsStoreUsage checks the usage errors of the stored-alert
// subcommands (exit 2 before any store is opened).
func TestAlertsStoreUsage(t *testing.T) {
	for _, args := range [][]string{
		{"alerts", "show"},
		{"alerts", "ack", "abc"},
		{"alerts", "list", "--lang", "fr"},
		{"alerts", "list", "--level", "hamlet"},
		{"alerts", "list", "--colour", "purple"},
		{"alerts", "list", "--min-colour", "green"},
		{"alerts", "list", "--status", "closed"},
		{"alerts", "list", "--division", "51x"},
		{"alerts", "evaluate", "extra"},
	} {
		if code, _, stderr := runPadis(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

// TestWriteAlertNumbers: an alert prints its value with the indicator's
// decimals (a count as an integer with thousands separators), not with
// four decimals.
func TestWriteAlertNumbers(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		a    alerts.Alert
		want string
	}{
		{alerts.Alert{Kind: alerts.KindAberration, Indicator: "births", Value: 12345, Lower: nan, Upper: 11000, Expected: 9876.54, PValue: nan, Threshold: nan},
			"value       12,345 [-, 11,000]; expected 9,876.5"},
		{alerts.Alert{Kind: alerts.KindThreshold, Indicator: "tfr", Value: 1.2345, Lower: 1.1, Upper: 1.4, Expected: nan, PValue: nan, Threshold: 1.3},
			"value       1.23 [1.10, 1.40]; expected -"},
	} {
		var b bytes.Buffer
		writeAlert(&b, tc.a, "en")
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("%s alert:\n%s\nwant a line %q", tc.a.Indicator, b.String(), tc.want)
		}
	}
}
