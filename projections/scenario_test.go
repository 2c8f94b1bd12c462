package projections

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPathValue(t *testing.T) {
	tests := []struct {
		p    *Path
		t    float64
		want float64
	}{
		{nil, 2030, 1.6},
		{&Path{Kind: "constant"}, 2030, 1.6},
		{&Path{Kind: "linear", Target: 2.1, TargetYear: 2040}, 2030, 1.6 + 0.5*0.5}, // halfway
		{&Path{Kind: "linear", Target: 2.1, TargetYear: 2040}, 2060, 2.1},
		{&Path{Kind: "linear", Target: 2.1, TargetYear: 2040}, 2010, 1.6},
		{&Path{Kind: "logistic", Target: 2.1, TargetYear: 2040}, 2030, 1.6 + 0.5*0.5}, // symmetric midpoint
		{&Path{Kind: "logistic", Target: 2.1, TargetYear: 2040}, 2040, 2.1},
		{&Path{Kind: "logistic", Target: 2.1, TargetYear: 2040}, 2020, 1.6},
	}
	for _, tc := range tests {
		if got := tc.p.Value(1.6, 2020, tc.t); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%+v at %v = %v, want %v", tc.p, tc.t, got, tc.want)
		}
	}
	// Logistic is slower than linear early on.
	lg := &Path{Kind: "logistic", Target: 2.1, TargetYear: 2040}
	ln := &Path{Kind: "linear", Target: 2.1, TargetYear: 2040}
	if lg.Value(1.6, 2020, 2024) >= ln.Value(1.6, 2020, 2024) {
		t.Error("logistic not below linear in the first quarter")
	}
}

func TestScenarioRates(t *testing.T) {
	in := testInput(1, 100)
	sc := &Scenario{
		Name:       "mix",
		TFR:        &Path{Kind: "linear", Target: 1.2, TargetYear: 2040},
		TFRVariant: "high",
		E0Male:     &Path{Kind: "linear", Target: 80, TargetYear: 2050},
		E0Female:   &Path{Kind: "linear", Target: 85, TargetYear: 2050},
		SRB:        &Path{Kind: "linear", Target: 105, TargetYear: 2030},
		Migration:  "zero",
	}
	r, err := Project(in, sc, 40)
	if err != nil {
		t.Fatal(err)
	}
	lts, _ := in.LifeTables()
	for i, f := range r.Flows {
		mid := 2020.5 + float64(i)
		wantTFR := sc.TFR.Value(1.6, 2020, mid) + VariantOffset("high", mid-2020)
		if math.Abs(f.TFR-wantTFR) > 1e-9 {
			t.Errorf("interval %d TFR %v, want %v", i, f.TFR, wantTFR)
		}
		// Births / averaged women exposure agree with the applied TFR.
		if want := sc.E0Female.Value(lts[Female].E0(), 2020, mid); math.Abs(f.E0Female-want) > 1e-6 {
			t.Errorf("interval %d e0 female %v, want %v", i, f.E0Female, want)
		}
		if want := sc.SRB.Value(110, 2020, mid); math.Abs(f.SRB-want) > 1e-12 {
			t.Errorf("interval %d SRB %v, want %v", i, f.SRB, want)
		}
		if math.Abs(f.BirthsMale/f.BirthsFemale-f.SRB/100) > 1e-12 {
			t.Errorf("interval %d boys/girls %v, SRB %v", i, f.BirthsMale/f.BirthsFemale, f.SRB)
		}
		if f.NetMigrants != 0 {
			t.Errorf("zero migration scenario moved %v", f.NetMigrants)
		}
	}
	if r.Flows[39].SRB != 105 {
		t.Errorf("SRB after the target year: %v", r.Flows[39].SRB)
	}
	// Scale method hits the same e0.
	sc.MortalityMethod = "scale"
	r2, err := Project(in, sc, 40)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r2.Flows[30].E0Male-r.Flows[30].E0Male) > 1e-6 {
		t.Errorf("scale e0 %v vs brass %v", r2.Flows[30].E0Male, r.Flows[30].E0Male)
	}
	// Higher e0 → fewer deaths than constant mortality.
	base, _ := Project(in, &Scenario{Name: "base", Migration: "zero", TFR: sc.TFR, TFRVariant: "high", SRB: sc.SRB}, 40)
	if r.Flows[30].Deaths >= base.Flows[30].Deaths {
		t.Errorf("improving e0 deaths %v ≥ constant %v", r.Flows[30].Deaths, base.Flows[30].Deaths)
	}
}

func TestScenarioVariantsOrdered(t *testing.T) {
	in := testInput(5, 100)
	var scs []*Scenario
	for _, v := range []string{"low", "medium", "high"} {
		scs = append(scs, &Scenario{Name: v, TFRVariant: v})
	}
	c, err := CompareScenarios(in, scs, 50)
	if err != nil {
		t.Fatal(err)
	}
	_, tot := c.Series("total")
	if len(tot) != 3 || len(tot[0]) != 11 {
		t.Fatalf("comparison shape %d×%d", len(tot), len(tot[0]))
	}
	for j := 1; j < 11; j++ {
		if !(tot[0][j] < tot[1][j] && tot[1][j] < tot[2][j]) {
			t.Errorf("year %d: low %v medium %v high %v not ordered", c.Years[j], tot[0][j], tot[1][j], tot[2][j])
		}
	}
	// Medium variant = constant rates.
	r, _ := Project(in, nil, 50)
	if !near(tot[1][10], r.Indicators[10].Total, 1e-12) {
		t.Errorf("medium %v vs constant %v", tot[1][10], r.Indicators[10].Total)
	}
}

func TestScenarioSaveLoadAndErrors(t *testing.T) {
	sc := &Scenario{Name: "two-child", TFR: &Path{Kind: "logistic", Target: 1.8, TargetYear: 2035}, Migration: "scaled", MigrationFactor: 0.5}
	path := filepath.Join(t.TempDir(), "sc.json")
	if err := sc.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadScenario(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != sc.Name || got.TFR.Target != 1.8 || got.MigrationFactor != 0.5 {
		t.Errorf("round trip: %+v", got)
	}
	bad := []*Scenario{
		{Name: "a", TFR: &Path{Kind: "cubic"}},
		{Name: "b", TFR: &Path{Kind: "linear", Target: 2, TargetYear: 2000}},
		{Name: "c", TFRVariant: "very high"},
		{Name: "d", Migration: "double"},
		{Name: "e", MortalityMethod: "lee-carter"},
		{Name: "f", E0Male: &Path{Kind: "linear", Target: 200, TargetYear: 2040}},
	}
	for _, sc := range bad {
		if _, err := Project(testInput(1, 100), sc, 10); err == nil {
			t.Errorf("scenario %s accepted", sc.Name)
		}
	}
}

// TestBuiltinScenarios checks the registry: stable names, label keys,
// fresh copies, and ResolveScenario taking a name or a file.
func TestBuiltinScenarios(t *testing.T) {
	want := []string{"constant", "low", "high", "tfr_1.8_2035", "zero_migration"}
	if got := BuiltinScenarioNames(); !slices.Equal(got, want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	for _, sc := range BuiltinScenarios() {
		if sc.LabelKey != "proj.scenario."+sc.Name || sc.Description == "" {
			t.Errorf("%s: label key %q, description %q", sc.Name, sc.LabelKey, sc.Description)
		}
		if err := sc.Validate(2025); err != nil {
			t.Errorf("%s: %v", sc.Name, err)
		}
		// Only zero_migration drops migration.
		if zero := sc.Migration == "zero"; zero != (sc.Name == ScenarioZeroMigration) {
			t.Errorf("%s: migration %q", sc.Name, sc.Migration)
		}
	}
	a, _ := BuiltinScenario("low")
	a.TFRVariant = "high"
	if b, _ := BuiltinScenario("low"); b.TFRVariant != "low" {
		t.Error("BuiltinScenario returns a shared value")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.json")
	if err := (&Scenario{Name: "mine", TFRVariant: "high"}).Save(file); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ref, name, errPart string
	}{
		{"low", "low", ""},
		{"tfr_1.8_2035", "tfr_1.8_2035", ""},
		{file, "mine", ""},
		{"lowest", "", "neither a built-in scenario (constant, low, high, tfr_1.8_2035, zero_migration) nor a file"},
		{filepath.Join(dir, "missing.json"), "", "no such file"},
	} {
		sc, err := ResolveScenario(tc.ref)
		switch {
		case tc.errPart != "":
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("%s: error %v, want one containing %q", tc.ref, err, tc.errPart)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.ref, err)
		case sc.Name != tc.name:
			t.Errorf("%s: scenario %q, want %q", tc.ref, sc.Name, tc.name)
		}
	}
}
