package projections

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestReadExampleInputs(t *testing.T) {
	tests := []struct {
		file  string
		step  int
		years int
	}{
		{"county_single.csv", 1, 50},
		{"province_5yr.json", 5, 50},
		{"backtest_base.json", 1, 10},
	}
	for _, tc := range tests {
		in, err := ReadInputFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if in.Step != tc.step {
			t.Errorf("%s: step %d", tc.file, in.Step)
		}
		r, err := Project(in, nil, tc.years)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if r.Indicators[len(r.Indicators)-1].Total <= 0 {
			t.Errorf("%s: empty projection", tc.file)
		}
	}
	in, _ := ReadInputFile("testdata/county_single.csv")
	if in.A0 != AndreevKingkade || in.SRB != 112 || in.Benefit == nil || in.Benefit.AnnualAmount != 960 || in.Benefit.Share[Female][70] != 0.18 {
		t.Errorf("metadata not read: %+v", in.Benefit)
	}
	if math.Abs(in.TFR()-1.45) > 1e-4 {
		t.Errorf("TFR %v", in.TFR())
	}
	r, _ := Project(in, nil, 10)
	// Eligible = 18 % of everyone 60+, cost 960 each.
	ind := r.Indicators[10]
	if !near(ind.Eligible, 0.18*ind.Age60Plus, 1e-12) || !near(ind.BenefitCost, 960*ind.Eligible, 1e-12) {
		t.Errorf("eligible %v of 60+ %v, cost %v", ind.Eligible, ind.Age60Plus, ind.BenefitCost)
	}
	for _, f := range []string{"scenario_medium.json", "scenario_low.json", "scenario_recovery.json", "scenario_zero_migration.json"} {
		sc, err := LoadScenario(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Project(in, sc, 30); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestReadInputErrors(t *testing.T) {
	good, err := os.ReadFile("testdata/county_single.csv")
	if err != nil {
		t.Fatal(err)
	}
	goodJSON, _ := os.ReadFile("testdata/province_5yr.json")
	tests := []struct {
		name, content, want string
	}{
		{"bad.csv", strings.Replace(string(good), "0,3406,", "0,34x6,", 1), "line 10, column pop_m: invalid number \"34x6\""},
		{"gap.csv", strings.Replace(string(good), "\n5,", "\n6,", 1), "column age: age 6, want 5"},
		{"nomx.csv", strings.Replace(string(good), "mx_m", "mxm", 1), "missing column mx_m"},
		{"empty.csv", strings.Replace(string(good), "0,3406,3275,0.0106584", "0,,3275,0.0106584", 1), "column pop_m: empty value"},
		{"meta.csv", strings.Replace(string(good), "# srb: 112", "# srb: many", 1), "metadata srb"},
		{"typo.json", strings.Replace(string(goodJSON), "\"srb\"", "\"sbr\"", 1), "unknown field \"sbr\""},
		{"short.json", strings.Replace(string(goodJSON), "\"asfr\": [", "\"asfr\": [0.5, ", 1), "ASFR has 36 values"},
		{"x.txt", "age\n0\n", "unknown extension"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		p := filepath.Join(dir, tc.name)
		os.WriteFile(p, []byte(tc.content), 0o644)
		_, err := ReadInputFile(p)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: error %q, want it to name the file and contain %q", tc.name, err, tc.want)
		}
	}
}

func TestReadLifeTableCSV(t *testing.T) {
	lti, err := ReadLifeTableCSV("testdata/lifetable_austria1992.csv")
	if err != nil {
		t.Fatal(err)
	}
	lt, err := NewLifeTable(lti.Ages, lti.Mx, LifeTableOptions{Sex: Male, Ax: lti.Ax, Radix: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lt.Lx[18]-21134) > 1 || math.Abs(lt.NLx[18]-110889) > 1 {
		t.Errorf("l85 %v L85 %v", lt.Lx[18], lt.NLx[18])
	}
	lti, err = ReadLifeTableCSV("testdata/lifetable_single.csv")
	if err != nil || len(lti.Ages) != 101 || !math.IsNaN(lti.Ax[0]) {
		t.Fatalf("single: %v %d", err, len(lti.Ages))
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "w.csv")
	os.WriteFile(p, []byte("age,width,mx\n0,2,0.01\n1,4,0.001\n5,,0.2\n"), 0o644)
	if _, err := ReadLifeTableCSV(p); err == nil || !strings.Contains(err.Error(), "column width") {
		t.Errorf("width mismatch: %v", err)
	}
}

func TestReadPopulationCSV(t *testing.T) {
	pop, ages, year, err := ReadPopulationCSV("testdata/backtest_observed.csv")
	if err != nil {
		t.Fatal(err)
	}
	if year != 2020 || len(ages) != 101 || len(pop[Female]) != 101 {
		t.Errorf("year %d ages %d", year, len(ages))
	}
	base, _ := ReadInputFile("testdata/backtest_base.json")
	rep, err := Backtest(base, nil, pop, year)
	if err != nil {
		t.Fatal(err)
	}
	// The truth had lower fertility and mortality: the projection has too
	// many young children and too few old people, and a small total error.
	if rep.Rows[0].PctError <= 0 || rep.Rows[20].PctError >= 0 || math.Abs(rep.TotalPctError) > 3 {
		t.Errorf("0–4 PE %v, 100+ PE %v, total %v", rep.Rows[0].PctError, rep.Rows[20].PctError, rep.TotalPctError)
	}
}

// TestInputE0Only: a small area gives only e0; the Brass model of the
// standard (or of the given rates) supplies the life table.
func TestInputE0Only(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("# base_year: 2020\n# e0_m: 71.5\n# e0_f: 77\nage,pop_m,pop_f,asfr\n")
	for x := 0; x <= 100; x++ {
		f := ""
		if x >= 20 && x < 35 {
			f = "0.1"
		}
		b.WriteString(strconv.Itoa(x) + ",100,100," + f + "\n")
	}
	p := filepath.Join(dir, "village.csv")
	os.WriteFile(p, []byte(b.String()), 0o644)
	in, err := ReadInputFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lts, err := in.LifeTables()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lts[Male].E0()-71.5) > 1e-6 || math.Abs(lts[Female].E0()-77) > 1e-6 {
		t.Errorf("e0 %v %v", lts[Male].E0(), lts[Female].E0())
	}
	r, err := Project(in, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Flows[0].E0Male-71.5) > 1e-6 {
		t.Errorf("projection e0 %v", r.Flows[0].E0Male)
	}
	// With rates and e0, the rates are the standard.
	in2 := testInput(1, 100)
	in2.Mortality[Female].E0 = 70
	lts, err = in2.LifeTables()
	if err != nil || math.Abs(lts[Female].E0()-70) > 1e-6 {
		t.Errorf("e0 over given rates: %v %v", err, lts[Female].E0())
	}
}
