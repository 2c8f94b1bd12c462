package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/projections"
)

func TestProjectSummaryAndPopulation(t *testing.T) {
	out, errs, code := runProjCmd(t, "project", "--input", projTestdata+"county_single.csv", "--years", "20")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 22 || recs[0][2] != "year" || recs[21][2] != "2040" {
		t.Fatalf("summary rows %d", len(recs))
	}
	out, _, code = runProjCmd(t, "project", "--input", projTestdata+"province_5yr.json", "--years", "50", "--what", "population")
	if code != 0 || strings.Count(out, "\n") != 1+11*2*21 {
		t.Errorf("population csv: exit %d, %d lines", code, strings.Count(out, "\n"))
	}
	// Regrouped to five-year steps.
	out, _, code = runProjCmd(t, "project", "--input", projTestdata+"county_single.csv", "--years", "50", "--step", "5", "--format", "json")
	var r struct {
		Step  int
		Years []int
	}
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Step != 5 || len(r.Years) != 11 {
		t.Errorf("step 5 json: exit %d %+v", code, r)
	}
}

func TestProjectParquetScenariosTrajectories(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join(dir, "pop.parquet")
	if _, errs, code := runProjCmd(t, "project", "--input", projTestdata+"county_single.csv", "--years", "10", "--format", "parquet", "--what", "population", "--out", pq); code != 0 {
		t.Fatalf("parquet: %s", errs)
	}
	b, err := os.ReadFile(pq)
	if err != nil || !bytes.HasPrefix(b, []byte("PAR1")) || !bytes.HasSuffix(b, []byte("PAR1")) {
		t.Fatalf("parquet file: %v", err)
	}
	out, errs, code := runProjCmd(t, "project", "--input", projTestdata+"county_single.csv", "--years", "30",
		"--scenarios", projTestdata+"scenario_medium.json,"+projTestdata+"scenario_low.json,"+projTestdata+"scenario_recovery.json")
	if code != 0 {
		t.Fatalf("scenarios: %s", errs)
	}
	head := strings.SplitN(out, "\n", 2)[0]
	for _, col := range []string{"total:medium", "total:low", "total:recovery", "tfr:recovery"} {
		if !strings.Contains(head, col) {
			t.Errorf("comparison header lacks %s: %s", col, head)
		}
	}
	out, errs, code = runProjCmd(t, "project", "--input", projTestdata+"province_5yr.json", "--years", "25", "--trajectories", "50", "--seed", "3")
	if code != 0 || !strings.Contains(out, "series,year,median,lo80,hi80,lo95,hi95") || !strings.Contains(out, "\ntotal,2045,") {
		t.Errorf("trajectories: exit %d %s", code, errs)
	}
	out2, _, _ := runProjCmd(t, "project", "--input", projTestdata+"province_5yr.json", "--years", "25", "--trajectories", "50", "--seed", "3")
	if out != out2 {
		t.Error("same seed, different output")
	}
}

func TestProjectCountiesCLI(t *testing.T) {
	in := projTestdata + "county_single.csv"
	out, errs, code := runProjCmd(t, "project", "--input", in+","+projTestdata+"backtest_base.json", "--years", "10", "--format", "json")
	if code == 0 {
		t.Fatalf("different base years summed: %s", out)
	}
	out, errs, code = runProjCmd(t, "project", "--input", in+","+in, "--province", in, "--years", "10", "--format", "json")
	if code != 0 {
		t.Fatalf("counties: %s", errs)
	}
	var cr struct {
		Adjusted bool
		Sum      struct{ Indicators []struct{ Total float64 } }
		Province struct{ Indicators []struct{ Total float64 } }
	}
	if err := json.Unmarshal([]byte(out), &cr); err != nil {
		t.Fatal(err)
	}
	s, p := cr.Sum.Indicators[10].Total, cr.Province.Indicators[10].Total
	if !cr.Adjusted || s-p > 1e-6*p || p-s > 1e-6*p {
		t.Errorf("adjusted sum %v, province %v", s, p)
	}
}

func TestProjectBacktestCLI(t *testing.T) {
	out, errs, code := runProjCmd(t, "project", "backtest", "--base", projTestdata+"backtest_base.json", "--observed", projTestdata+"backtest_observed.csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"sex,age_from,age_to,observed,projected", "# MAPE", "# MALPE", "both,0,+"} {
		if !strings.Contains(out, want) {
			t.Errorf("backtest output lacks %q", want)
		}
	}
	out, _, code = runProjCmd(t, "project", "backtest", "--base", projTestdata+"backtest_base.json", "--observed", projTestdata+"backtest_observed.csv", "--format", "json")
	var rep struct{ MAPE, MALPE float64 }
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.MAPE <= 0 || rep.MALPE == 0 {
		t.Errorf("json backtest %+v", rep)
	}
}

func TestProjectErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"project"}, 2, "exactly one of --input FILE and --division CODE"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--division", "51"}, 2, "exactly one of"},
		{[]string{"project", "--division", "51", "--window", "0"}, 2, "--window"},
		{[]string{"project", "--division", "51", "--base-date", "2025/01/01"}, 2, "--base-date"},
		{[]string{"project", "backtest", "--division", "51", "--base", projTestdata + "backtest_base.json"}, 2, "not both"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--years", "0"}, 2, "--years"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--step", "3"}, 2, "--step"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--format", "parquet"}, 2, "needs --out"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--format", "xls"}, 2, "--format"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--trajectories", "1"}, 2, "--trajectories"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--scenario", "nope.json"}, 1, "nope.json"},
		{[]string{"project", "--input", projTestdata + "province_5yr.json", "--years", "12"}, 1, "multiple of the step"},
		{[]string{"project", "--input", projTestdata + "province_5yr.json", "--step", "1"}, 1, "province_5yr.json"},
		{[]string{"project", "backtest", "--base", projTestdata + "backtest_base.json"}, 2, "--observed"},
		{[]string{"project", "backtest", "--division", "51", "--later", "3"}, 2, "--later needs --division and --version"},
		{[]string{"project", "backtest", "--division", "51", "--version", "2", "--later", "3", "--years", "1"}, 2, "no --years"},
		{[]string{"project", "backtest", "--base", projTestdata + "backtest_base.json", "--observed", projTestdata + "county_single.csv"}, 1, "missing column male"},
	}
	for _, tc := range tests {
		_, errs, code := runProjCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
	for _, args := range [][]string{{"project", "-h"}, {"project", "backtest", "-h"}} {
		if out, _, code := runProjCmd(t, args...); code != 0 || !strings.Contains(out, "-out") {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

// TestProjectFromStoreCLI loads a generated 36-month snapshot and runs
// padis project and padis project backtest on a division of the store.
func TestProjectFromStoreCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a snapshot")
	}
	for _, k := range []string{"PADIS_KEY", "PADIS_KEY_FILE", "PADIS_DATA", "PADIS_TEMP_DIR", "PADIS_THREADS", "PADIS_MEMORY_LIMIT"} {
		t.Setenv(k, "")
	}
	cfg := synth.DefaultConfig()
	cfg.Counties, cfg.Persons, cfg.Months, cfg.Workers = []string{"510104", "513433"}, 6000, 36, 2
	cfg.AsOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	cfg.Defects, cfg.NoSources = synth.Defects{}, true
	cfg.Out = filepath.Join(t.TempDir(), "snap")
	if _, err := synth.Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errs := runStore("load", "--data", data, "--memory-limit", "1GB", "--quiet", cfg.Out); code != 0 {
		t.Fatalf("load: exit %d: %s", code, errs)
	}

	out, errs, code := runProjCmd(t, "project", "--division", "510104", "--data", data, "--years", "10", "--format", "json")
	if code != 0 {
		t.Fatalf("project: exit %d: %s", code, errs)
	}
	var r struct {
		Name       string
		BaseYear   int `json:"base_year"`
		Years      []int
		Indicators []struct{ Total, TFR float64 }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Name != "division 510104" || r.BaseYear != 2025 || len(r.Years) != 11 || r.Indicators[0].Total <= 0 {
		t.Errorf("projection %s from %d, %d years, base total %v", r.Name, r.BaseYear, len(r.Years), r.Indicators)
	}
	if !strings.Contains(errs, "division 510104, version 1 (scope 51-510104-513433): base 2025-12-31") || !strings.Contains(errs, "rates from 2023-01-01…2025-12-31") {
		t.Errorf("provenance line: %q", errs)
	}
	// A one-year window, two divisions projected as counties.
	out, errs, code = runProjCmd(t, "project", "--division", "510104,513433", "--data", data, "--scope", "51-510104-513433", "--window", "1", "--years", "5")
	if code != 0 || strings.Count(errs, "rates from 2025-01-01…2025-12-31") != 2 || strings.Count(out, "\n") != 3*7+2 {
		t.Errorf("two divisions: exit %d, %d lines, stderr %q", code, strings.Count(out, "\n"), errs)
	}

	out, errs, code = runProjCmd(t, "project", "backtest", "--division", "51", "--data", data, "--format", "json")
	if code != 0 {
		t.Fatalf("backtest: exit %d: %s", code, errs)
	}
	var rep struct {
		BaseYear      int     `json:"base_year"`
		TargetYear    int     `json:"target_year"`
		TotalPctError float64 `json:"total_pct_error"`
		MAPE          float64
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.BaseYear != 2023 || rep.TargetYear != 2025 || rep.MAPE <= 0 || rep.TotalPctError == 0 {
		t.Errorf("backtest %+v", rep)
	}
	t.Logf("CLI back-test of 51 (6,000 persons): total error %.2f %%, MAPE %.2f %%", rep.TotalPctError, rep.MAPE)
	if _, errs, code = runProjCmd(t, "project", "backtest", "--division", "51", "--data", data, "--years", "3"); code != 1 || !strings.Contains(errs, "too short") {
		t.Errorf("3-year back-test of a 3-year snapshot: exit %d, %q", code, errs)
	}
	if _, errs, code = runProjCmd(t, "project", "--division", "52", "--data", data); code != 1 || !strings.Contains(errs, "52") {
		t.Errorf("division of another province: exit %d, %q", code, errs)
	}
}

// TestProjectScenarioNames checks that the built-in scenarios are taken
// by name (the page's names), that a file still works, that an unknown
// name is refused with the list of names, and the births by the mother's
// age in CSV.
func TestProjectScenarioNames(t *testing.T) {
	in := projTestdata + "county_single.csv"
	total := func(args ...string) float64 {
		t.Helper()
		out, errs, code := runProjCmd(t, append([]string{"project", "--input", in, "--years", "20"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(recs[len(recs)-1][3], 64) // total in 2040
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, name := range projections.BuiltinScenarioNames() {
		if !strings.Contains(projectSynopsis, "\n  "+name+" ") {
			t.Errorf("padis project -h does not list the built-in scenario %s", name)
		}
	}
	constant, low, high := total(), total("--scenario", "low"), total("--scenario", "high")
	if !(low < constant && constant < high) {
		t.Errorf("2040 totals: low %v, constant %v, high %v", low, constant, high)
	}
	if got := total("--scenario", "constant"); got != constant {
		t.Errorf("--scenario constant %v, default %v", got, constant)
	}
	if got := total("--scenario", projTestdata+"scenario_low.json"); got == constant {
		t.Errorf("scenario file ignored: %v", got)
	}
	out, errs, code := runProjCmd(t, "project", "--input", in, "--years", "10", "--scenarios", "constant,zero_migration,tfr_1.8_2035")
	if code != 0 || !strings.Contains(out, "total:zero_migration") || !strings.Contains(out, "total:tfr_1.8_2035") {
		t.Errorf("--scenarios by name: exit %d %s\n%s", code, errs, out)
	}
	if _, errs, code := runProjCmd(t, "project", "--input", in, "--scenario", "lowest"); code != 1 || !strings.Contains(errs, "constant, low, high, tfr_1.8_2035, zero_migration") {
		t.Errorf("unknown scenario: exit %d, %q", code, errs)
	}
	out, errs, code = runProjCmd(t, "project", "--input", in, "--years", "2", "--what", "births")
	if code != 0 || !strings.HasPrefix(out, "name,scenario,year,mother_age,births\n") || strings.Count(out, "\n") != 1+2*35 {
		t.Errorf("--what births: exit %d, %d lines: %s", code, strings.Count(out, "\n"), errs)
	}
	if _, errs, code := runProjCmd(t, "project", "--input", in, "--what", "births", "--format", "parquet", "--out", filepath.Join(t.TempDir(), "b.parquet")); code != 2 || !strings.Contains(errs, "--what births") {
		t.Errorf("births as parquet: exit %d, %q", code, errs)
	}
}
