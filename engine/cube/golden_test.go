package cube_test

import (
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Villages of testdata/tiny.
const (
	v1 = "510104001001" // county 510104
	v2 = "510104001002" // county 510104, same township as v1
	v3 = "510105002001" // county 510105
)

// buildTiny loads testdata/tiny and builds its cube.
func buildTiny(t *testing.T) (*store.Store, int64) {
	t.Helper()
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, "testdata/tiny")
	if _, err := cube.Build(context.Background(), st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	return st, v.ID
}

func measure(t *testing.T, st *store.Store, version int64, division, period, id string) float64 {
	t.Helper()
	var f float64
	err := st.DB().QueryRow(`SELECT `+`"`+id+`"`+` FROM cube.measures WHERE version = ? AND division = ? AND period = ?`, version, division, period).Scan(&f)
	if err != nil {
		t.Fatalf("measure %s of %s %s: %v", id, division, period, err)
	}
	return f
}

// TestTinyMeasures checks the base measures of the tiny population against
// values worked out by hand from testdata/tiny (see the comments; 2024 is
// a leap year of 366 days).
func TestTinyMeasures(t *testing.T) {
	st, ver := buildTiny(t)
	const y = 365.25
	tests := []struct {
		division, period, measure string
		want                      float64
	}{
		// v1: P01 366 d, P02 366, P03 born 15 Feb (321), P04 died 10 Jun (161),
		// P05 366, P10 moved to v3 on 1 Oct (274).
		{v1, "2024", "person_years", (366 + 366 + 321 + 161 + 366 + 274) / y},
		// v2: P06 born 1 Apr died 1 May (30), P07 366, P08 left 1 Jul (182),
		// P19 in 10 Mar out 20 Sep (194); P17 died before the period (0).
		{v2, "2024", "person_years", (30 + 366 + 182 + 194) / y},
		// v3: P09 in 1 Apr (275), P10 from 1 Oct (92), P11 P12 P13 P15 P16 (5×366), P14 born 20 Nov (42).
		{v3, "2024", "person_years", (275 + 92 + 5*366 + 42) / y},
		{"51", "2024", "person_years", (1854 + 772 + 2239) / y},
		{"510104", "2024", "person_years", (1854 + 772) / y},
		{v1, "2024", "population", 4}, // P01 P02 P03 P05
		{v2, "2024", "population", 1}, // P07
		{v3, "2024", "population", 8},
		{"51", "2024", "population", 13},
		{v1, "2024", "pop_male", 1},
		{v3, "2024", "pop_male", 4},
		{v3, "2024", "pop_0_14", 2},   // P11 (14), P14 (0)
		{v3, "2024", "pop_65plus", 2}, // P12 (84), P13 (100)
		{v3, "2024", "pop_80plus", 2},
		{v1, "2024", "pop_60plus", 1}, // P05 (69)
		{v1, "2024", "households", 2}, // H1, H2
		{v3, "2024", "households", 4}, // H4 H5 H6 H8
		{"51", "2024", "births", 3},
		{"51", "2024", "births_male", 2},
		{"51", "2024", "births_female", 1},
		{"51", "2024", "births_order1", 2},
		{"51", "2024", "births_order3plus", 0},
		{"51", "2024", "births_policy", 2},
		{v1, "2024", "deaths", 1},        // P04
		{v2, "2024", "deaths", 1},        // P06, an infant who died on the 1st of a month
		{v2, "2024", "infant_deaths", 1}, // P06
		{"51", "2024", "infant_deaths", 1},
		{v2, "2024", "migrants_in", 1},  // P19 from Chongqing
		{v2, "2024", "migrants_out", 2}, // P08 to Guangdong, P19 to Yunnan
		{v2, "2024", "migrants_out_inter", 2},
		{v3, "2024", "migrants_in", 2}, // P09 (inter-province), P10 (from v1)
		{v3, "2024", "migrants_in_intra", 1},
		{v3, "2024", "migrants_in_inter", 1},
		{v1, "2024", "migrants_out_intra", 1},
		{v3, "2024", "marriages", 1},
		{v3, "2024", "migrant_population", 2}, // P09 (registered in 44), P10 (registered in 510104)
		{v1, "2024", "women_15_49", 1},        // P01
		{v3, "2024", "women_15_49", 2},        // P09, P15 (P11 is 14)
		{v3, "2024", "married_women_15_49", 2},
		{v3, "2024", "contraceptors", 1},    // P09; P15 uses none
		{v2, "2024", "contraceptors", 0},    // P07 method 00
		{v1, "2024", "eligible_reward", 1},  // P05: rural, 69, one child
		{v3, "2024", "eligible_special", 1}, // P12: only child died, 84; P07 (v2) is 29
		{v2, "2024", "eligible_special", 0},
		{v1, "2024", "events", 3},
		{v1, "2024", "events_timely", 2}, // E02 recorded after 52 days
		{"51", "2024", "events", 13},
		{"51", "2024", "events_timely", 11}, // E02, E09 late
		// June: P04 dies on 10 June after 9 days; five residents at the end.
		{v1, "2024-06", "deaths", 1},
		{v1, "2024-06", "population", 5},
		{v1, "2024-06", "person_years", (5*30 + 9) / y},
		// Q2 in v2 (91 days): P06 30, P07 91, P08 91, P19 91; at 30 June P07 P08 P19.
		{v2, "2024-Q2", "person_years", (30 + 3*91) / y},
		{v2, "2024-Q2", "population", 3},
		{v2, "2024-Q2", "women_15_49", 2},
		{v2, "2024-Q2", "births", 1},
		{v2, "2024-Q2", "infant_deaths", 1},
		// The 12 months ending December are the year.
		{"51", "R12-2024-12", "person_years", (1854 + 772 + 2239) / y},
		{"51", "R12-2024-12", "population", 13},
	}
	for _, tt := range tests {
		got := measure(t, st, ver, tt.division, tt.period, tt.measure)
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s %s %s = %v, want %v", tt.division, tt.period, tt.measure, got, tt.want)
		}
	}
}

// TestTinyIndicators checks derived and method indicators against hand
// computation.
func TestTinyIndicators(t *testing.T) {
	st, ver := buildTiny(t)
	ctx := context.Background()
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	const y = 365.25
	py := (1854 + 772 + 2239) / y
	cbrLo, cbrHi := cube.PoissonExact(3)
	tests := []struct {
		indicator, division, period, breakdown string
		want, lo, hi                           float64 // NaN: not checked
	}{
		{"cbr", "51", "2024", "", 3 / py * 1000, cbrLo / py * 1000, cbrHi / py * 1000},
		{"cdr", "51", "2024", "", 2 / py * 1000, math.NaN(), math.NaN()},
		// MOVER on 3 births and 2 deaths: 1 − √((3 − l₃)² + (u₂ − 2)²), Garwood l₃ = 0.618672, u₂ = 7.224688.
		{"rni", "51", "2024", "", 1 / py * 1000, -4.741784016 / py * 1000, 7.029201181 / py * 1000},
		{"imr", "51", "2024", "", 1000.0 / 3, math.NaN(), math.NaN()},
		{"srb", "51", "2024", "", 200, math.NaN(), math.NaN()},
		{"cpr", v3, "2024", "", 50, math.NaN(), math.NaN()},
		{"timeliness", "51", "2024", "", 1100.0 / 13, math.NaN(), math.NaN()},
		{"sex_ratio", v3, "2024", "", 100, math.NaN(), math.NaN()},
		{"household_size", v1, "2024", "", 2, math.NaN(), math.NaN()},
		{"dependency_total", "51", "2024", "", (3 + 3) / 7.0 * 100, math.NaN(), math.NaN()},
		{"aging_index", "51", "2024", "", 100, math.NaN(), math.NaN()},
		// Ages at 31 Dec: 0 0 14 25 26 29 34 36 39 44 69 84 100: the 6.5th person is half-way through 34.
		{"median_age", "51", "2024", "", 34.5, math.NaN(), math.NaN()},
		// P01 is 33 at mid-month in Jan–Feb (60 days) and has her first child at 33;
		// P07 is 28 until June (182 days); P09 is 39 from September (122 days in v3).
		{"asfr", "51", "2024", "age=33", 1000 * y / 60, math.NaN(), math.NaN()},
		{"asfr", "51", "2024", "age=30", 0, math.NaN(), math.NaN()},
		{"tfr", "51", "2024", "", y/60 + y/182 + y/122, math.NaN(), math.NaN()},
		{"mac", "51", "2024", "", (33.5*y/60 + 28.5*y/182 + 39.5*y/122) / (y/60 + y/182 + y/122), math.NaN(), math.NaN()},
		{"tfr", "510105", "2024", "", y / 122, math.NaN(), math.NaN()},
	}
	for _, tt := range tests {
		vs, err := eng.Get(ctx, query.Key{Indicator: tt.indicator, Division: tt.division, Period: tt.period})
		if err != nil {
			t.Errorf("%s %s %s: %v", tt.indicator, tt.division, tt.period, err)
			continue
		}
		var v *cube.Value
		for i := range vs {
			if vs[i].Breakdown == tt.breakdown {
				v = &vs[i]
			}
		}
		if v == nil {
			t.Errorf("%s %s %s: no breakdown %q", tt.indicator, tt.division, tt.period, tt.breakdown)
			continue
		}
		if v.Version != ver {
			t.Errorf("%s: version %d, want %d", tt.indicator, v.Version, ver)
		}
		check := func(what string, got, want float64) {
			if !math.IsNaN(want) && math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s %s %s %s = %v, want %v", tt.indicator, tt.division, tt.period, tt.breakdown, what, got, want)
			}
		}
		check("value", v.Value, tt.want)
		check("lower", v.Lower, tt.lo)
		check("upper", v.Upper, tt.hi)
	}
	// A village is below the age-detail level: no TFR there.
	if _, err := eng.Get(ctx, query.Key{Indicator: "tfr", Division: v1, Period: "2024"}); err == nil || !strings.Contains(err.Error(), "not computed") {
		t.Errorf("tfr of a village: err = %v, want not computed", err)
	}
	// An empty unit of the province has no row.
	if _, err := eng.Get(ctx, query.Key{Indicator: "cbr", Division: "510302003001", Period: "2024"}); err == nil {
		t.Errorf("empty village: want ErrNotFound")
	}
	// A unit with no births has an empty SRB with its counts.
	v, err := eng.Value(ctx, query.Key{Indicator: "srb", Division: v1, Period: "2024-06"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Flag != cube.FlagEmpty || v.Denominator != 0 || !math.IsNaN(v.Value) {
		t.Errorf("srb with no births: %+v", v)
	}
}

// TestRollupConsistency checks that for every additive measure, every
// period and every unit, the children's values sum to the parent's.
func TestRollupConsistency(t *testing.T) {
	st, ver := buildTiny(t)
	for _, m := range models.Measures {
		if !m.Additive {
			continue
		}
		col := `"` + m.ID + `"`
		var bad int
		var example string
		err := st.DB().QueryRow(`WITH k AS (
			SELECT p.division, p.ptype, p.period, p.`+col+` AS parent, sum(c.`+col+`) AS children
			FROM cube.measures p JOIN cube.measures c ON c.version = p.version AND c.level = p.level + 1
				AND starts_with(c.division, p.division) AND c.ptype = p.ptype AND c.period = p.period
			WHERE p.version = ? GROUP BY ALL)
			SELECT count(*), coalesce(min(division || ' ' || period || ': ' || parent || ' vs ' || children), '')
			FROM k WHERE abs(parent - children) > 1e-9`, ver).Scan(&bad, &example)
		if err != nil {
			t.Fatal(err)
		}
		if bad > 0 {
			t.Errorf("measure %s: %d parents differ from the sum of their children, e.g. %s", m.ID, bad, example)
		}
	}
	var parents, villages int
	st.DB().QueryRow(`SELECT count(*) FILTER (WHERE level < 5), count(*) FILTER (WHERE level = 5) FROM cube.measures WHERE version = ?`, ver).Scan(&parents, &villages)
	if parents == 0 || villages == 0 {
		t.Fatalf("empty cube: %d parent rows, %d village rows", parents, villages)
	}
}

// TestTinyGolden compares every 2024 indicator value of the tiny
// population with testdata/tiny_2024.golden.csv (regenerate with -update
// after checking the differences by hand).
func TestTinyGolden(t *testing.T) {
	st, ver := buildTiny(t)
	ctx := context.Background()
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var all []cube.Value
	for _, ind := range eng.Catalog().All() {
		if ind.Kind == models.KindStored { // written by engine/quality and engine/linkage, not by the cube
			continue
		}
		for _, div := range []string{"51", "5101", "510104", "510105"} {
			vs, err := eng.Get(ctx, query.Key{Indicator: ind.ID, Division: div, Period: "2024", Version: ver})
			if err != nil {
				t.Fatalf("%s %s: %v", ind.ID, div, err)
			}
			all = append(all, vs...)
		}
	}
	var b strings.Builder
	if err := query.WriteCSV(&b, all, eng.Catalog(), models.EN); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "tiny_2024.golden.csv")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	gl, wl := strings.Split(b.String(), "\n"), strings.Split(string(want), "\n")
	if len(gl) != len(wl) {
		t.Fatalf("golden has %d lines, got %d", len(wl), len(gl))
	}
	for i := range gl {
		if !sameRecord(gl[i], wl[i]) {
			t.Fatalf("golden differs at line %d:\n got %s\nwant %s", i+1, gl[i], wl[i])
		}
	}
}

// sameRecord compares two CSV lines field by field, numbers with a
// relative tolerance of 1e-12 (DuckDB sums floating-point measures in
// parallel, in no fixed order).
func sameRecord(a, b string) bool {
	fa, fb := strings.Split(a, ","), strings.Split(b, ",")
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if fa[i] == fb[i] {
			continue
		}
		x, err1 := strconv.ParseFloat(fa[i], 64)
		y, err2 := strconv.ParseFloat(fb[i], 64)
		if err1 != nil || err2 != nil || math.Abs(x-y) > 1e-12*math.Max(1, math.Abs(y)) {
			return false
		}
	}
	return true
}
