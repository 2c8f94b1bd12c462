package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{[]string{"project"}, 2, "--input FILE is required"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--years", "0"}, 2, "--years"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--step", "3"}, 2, "--step"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--format", "parquet"}, 2, "needs --out"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--format", "xls"}, 2, "--format"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--trajectories", "1"}, 2, "--trajectories"},
		{[]string{"project", "--input", projTestdata + "county_single.csv", "--scenario", "nope.json"}, 1, "nope.json"},
		{[]string{"project", "--input", projTestdata + "province_5yr.json", "--years", "12"}, 1, "multiple of the step"},
		{[]string{"project", "--input", projTestdata + "province_5yr.json", "--step", "1"}, 1, "province_5yr.json"},
		{[]string{"project", "backtest", "--base", projTestdata + "backtest_base.json"}, 2, "--observed"},
		{[]string{"project", "backtest", "--base", projTestdata + "backtest_base.json", "--observed", projTestdata + "county_single.csv"}, 1, "missing column male"},
	}
	for _, tc := range tests {
		_, errs, code := runProjCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
	for _, args := range [][]string{{"project", "-h"}, {"project", "backtest", "-h"}} {
		if _, errs, code := runProjCmd(t, args...); code != 0 || !strings.Contains(errs, "-out") {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}
