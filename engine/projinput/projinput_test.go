package projinput_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/projinput"
	"github.com/padis/padis/engine/store"
)

// fixture is one generated, loaded snapshot shared by the tests.
type fixture struct {
	st      *store.Store
	version int64
	res     *synth.Result
	cfg     synth.Config
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	fixDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		fix.st.Close()
	}
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

// counties of the generated snapshot: one urban district of Chengdu and
// one rural county of Liangshan.
var counties = []string{"510104", "513433"}

// generated returns a defect-free 36-month snapshot of 40,000 persons in
// two counties of province 51, loaded into a store.
func generated(t *testing.T) *fixture {
	t.Helper()
	if testing.Short() {
		t.Skip("generates and loads a snapshot")
	}
	fixOnce.Do(func() {
		fixDir, fixErr = os.MkdirTemp("", "projinput-")
		if fixErr != nil {
			return
		}
		cfg := synth.DefaultConfig()
		cfg.Province, cfg.Counties, cfg.Persons, cfg.Months, cfg.Seed = "51", counties, 40_000, 36, 11
		cfg.AsOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
		cfg.Defects, cfg.NoSources, cfg.Workers = synth.Defects{}, true, 2
		cfg.Out = filepath.Join(fixDir, "snap")
		t0 := time.Now()
		res, err := synth.Generate(context.Background(), cfg)
		if err != nil {
			fixErr = err
			return
		}
		tree, err := datasets.Divisions()
		if err != nil {
			fixErr = err
			return
		}
		st, err := store.Open(context.Background(), store.Config{Dir: filepath.Join(fixDir, "data"), Threads: 2, MemoryLimit: "1GB"})
		if err != nil {
			fixErr = err
			return
		}
		rep, err := load.Load(context.Background(), st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
		if err != nil {
			st.Close()
			fixErr = err
			return
		}
		t.Logf("generate and load %d persons: %s", cfg.Persons, time.Since(t0).Round(time.Millisecond))
		fix = &fixture{st: st, version: rep.Version.ID, res: res, cfg: cfg}
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// TestFromStoreBase checks the base population against a direct count of
// the persons on the register and resident in the division at the as-of
// date, for the province and each county.
func TestFromStoreBase(t *testing.T) {
	f := generated(t)
	ctx := context.Background()
	for _, div := range append([]string{"51"}, counties...) {
		t.Run(div, func(t *testing.T) {
			in, prov, err := projinput.FromStore(ctx, f.st, f.version, div, projinput.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var want [2]float64
			err = f.st.DB().QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE sex = '1'), count(*) FILTER (WHERE sex = '2') FROM `+
				f.st.Table(f.version, "persons")+` WHERE vital_status = '1' AND starts_with(res_place, ?)`, div).Scan(&want[0], &want[1])
			if err != nil {
				t.Fatal(err)
			}
			for s := range 2 {
				if got := sum(in.Pop[s]); got != want[s] {
					t.Errorf("sex %d: base population %v, register count %v", s, got, want[s])
				}
			}
			if prov.Population != want[0]+want[1] || !prov.BaseDate.Equal(f.cfg.AsOf) {
				t.Errorf("provenance population %v on %v, want %v on %v", prov.Population, prov.BaseDate, want[0]+want[1], f.cfg.AsOf)
			}
			if math.Abs(prov.WindowYears-3) > 0.01 {
				t.Errorf("window %v years (%v…%v), want 3", prov.WindowYears, prov.WindowStart, prov.WindowEnd)
			}
			t.Logf("%s: population %.0f, person-years %.0f/%.0f, deaths %.0f/%.0f, births %.0f, net migrants %.0f/yr; TFR %.3f, SRB %.1f, e0 %.2f/%.2f",
				div, prov.Population, prov.PersonYears[0], prov.PersonYears[1], prov.Deaths[0], prov.Deaths[1], prov.Births, prov.NetPerYear,
				in.TFR(), in.SRB, prov.Estimate.E0[0], prov.Estimate.E0[1])
		})
	}
}

// TestFromStoreTruth compares the estimated rates and the exposure of the
// province with the generator's truth.
func TestFromStoreTruth(t *testing.T) {
	f := generated(t)
	ctx := context.Background()
	tr := f.res.Truth
	if len(tr.Provinces) != 1 {
		t.Fatalf("truth has %d provinces", len(tr.Provinces))
	}
	pt := tr.Provinces[0]
	in, prov, err := projinput.FromStore(ctx, f.st, f.version, "51", projinput.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// TFR: about 1,000 births a year; a 95 % sampling band of ±6 % plus
	// the smoothing towards the standard shape.
	if d := math.Abs(in.TFR() - pt.TFR); d > 0.12*pt.TFR {
		t.Errorf("TFR %.3f, truth %.3f", in.TFR(), pt.TFR)
	}
	// e0 by sex: about 300 deaths a year per sex.
	for s, want := range []float64{pt.E0.Male, pt.E0.Female} {
		if got := prov.Estimate.E0[s]; math.Abs(got-want) > 2.5 {
			t.Errorf("sex %d: e0 %.2f, truth %.2f", s, got, want)
		}
	}
	if in.SRB < pt.SRB-12 || in.SRB > pt.SRB+12 {
		t.Errorf("SRB %.1f, truth %.1f", in.SRB, pt.SRB)
	}
	t.Logf("TFR %.3f (truth %.3f), e0 %.2f/%.2f (truth %.2f/%.2f), SRB %.1f (truth %.1f)",
		in.TFR(), pt.TFR, prov.Estimate.E0[0], prov.Estimate.E0[1], pt.E0.Male, pt.E0.Female, in.SRB, pt.SRB)

	// Person-years and deaths over the whole period against the realised
	// exposure and events of the generator (pending registrations in the
	// last weeks aside).
	whole, err := projinput.CountsFromStore(ctx, f.st, f.version, "51", projinput.Options{WindowStart: f.cfg.PeriodStart()})
	if err != nil {
		t.Fatal(err)
	}
	var py, deaths [2]float64
	for _, c := range tr.Counties {
		py[0] += sum(c.Realised.PersonYears.Male)
		py[1] += sum(c.Realised.PersonYears.Female)
		for s := range 2 {
			for _, d := range c.Realised.Deaths[s] {
				deaths[s] += float64(d)
			}
		}
	}
	for s := range 2 {
		got := whole.Prov.PersonYears[s]
		if math.Abs(got-py[s]) > 0.005*py[s] {
			t.Errorf("sex %d: person-years %.1f, truth %.1f", s, got, py[s])
		}
		if d := whole.Prov.Deaths[s]; d > deaths[s] || d < 0.97*deaths[s] {
			t.Errorf("sex %d: %v recorded deaths, %v true deaths", s, d, deaths[s])
		}
		t.Logf("sex %d: person-years %.1f (truth %.1f), deaths %.0f (truth %.0f)", s, whole.Prov.PersonYears[s], py[s], whole.Prov.Deaths[s], deaths[s])
	}
}

// TestBalancingEquation checks that the reconstructed populations and the
// window's events agree: P(end) − P(start) = births − deaths + in − out.
func TestBalancingEquation(t *testing.T) {
	f := generated(t)
	ctx := context.Background()
	start := f.cfg.AsOf.AddDate(-2, 0, 0)
	for _, div := range append([]string{"51"}, counties...) {
		t.Run(div, func(t *testing.T) {
			before, err := projinput.CountsFromStore(ctx, f.st, f.version, div, projinput.Options{BaseDate: start, WindowStart: start})
			if err != nil {
				t.Fatal(err)
			}
			after, err := projinput.CountsFromStore(ctx, f.st, f.version, div, projinput.Options{WindowStart: start.AddDate(0, 0, 1)})
			if err != nil {
				t.Fatal(err)
			}
			p := after.Prov
			flows := p.Births - p.Deaths[0] - p.Deaths[1] + p.NetMigrants
			if got := p.Population - before.Prov.Population; got != flows {
				t.Errorf("population %v → %v (%+v), events %+v (births %v, deaths %v, net migrants %v)",
					before.Prov.Population, p.Population, got, flows, p.Births, p.Deaths[0]+p.Deaths[1], p.NetMigrants)
			}
		})
	}
}

// TestBacktest projects the population of 2023-12-31 with the rates of
// 2023 to 2025-12-31 and compares it with the register.
func TestBacktest(t *testing.T) {
	f := generated(t)
	ctx := context.Background()
	for _, div := range append([]string{"51"}, counties...) {
		t.Run(div, func(t *testing.T) {
			rep, prov, err := projinput.BacktestWith(ctx, f.st, f.version, div, 2, nil, projinput.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := f.cfg.AsOf.AddDate(-2, 0, 0); !prov.BaseDate.Equal(want) || !prov.WindowStart.Equal(f.cfg.PeriodStart()) {
				t.Errorf("base %v window start %v, want %v and %v", prov.BaseDate, prov.WindowStart, want, f.cfg.PeriodStart())
			}
			if rep.TargetYear != 2025 || rep.BaseYear != 2023 {
				t.Errorf("years %d→%d, want 2023→2025", rep.BaseYear, rep.TargetYear)
			}
			if math.Abs(rep.TotalPctError) >= 3 {
				t.Errorf("total error %.2f %%, want under 3 %%", rep.TotalPctError)
			}
			t.Logf("%s: observed %.0f, projected %.0f, total error %.2f %%, MAPE %.2f %%, MALPE %.2f %%",
				div, rep.Totals[2].Observed, rep.Totals[2].Projected, rep.TotalPctError, rep.MAPE, rep.MALPE)
		})
	}
	if _, err := projinput.Backtest(ctx, f.st, f.version, "51", 4); err == nil {
		t.Error("a 4-year back-test of a 3-year snapshot did not fail")
	}
}

// TestErrors checks that bad requests get clear errors.
func TestErrors(t *testing.T) {
	f := generated(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		division string
		version  int64
		opts     projinput.Options
	}{
		{"letters", "51ab", f.version, projinput.Options{}},
		{"odd length", "510", f.version, projinput.Options{}},
		{"no version", "51", f.version + 100, projinput.Options{}},
		{"base after as-of", "51", f.version, projinput.Options{BaseDate: f.cfg.AsOf.AddDate(0, 0, 1)}},
		{"base before period", "51", f.version, projinput.Options{BaseDate: f.cfg.PeriodStart().AddDate(0, 0, -1)}},
		{"window after base", "51", f.version, projinput.Options{BaseDate: f.cfg.AsOf.AddDate(-1, 0, 0), WindowStart: f.cfg.AsOf}},
		{"empty division", "52", f.version, projinput.Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := projinput.FromStore(ctx, f.st, tt.version, tt.division, tt.opts); err == nil {
				t.Error("no error")
			} else {
				t.Log(err)
			}
		})
	}
}

// TestLatestVersion finds the counties-scope snapshot for divisions it
// covers fully or partly and none for another province.
func TestLatestVersion(t *testing.T) {
	f := generated(t)
	ctx := context.Background()
	for _, tt := range []struct {
		division string
		ok       bool
	}{{"51", true}, {"510104", true}, {"510104001", true}, {"513433", true}, {"510105", false}, {"52", false}, {"5x", false}} {
		v, err := projinput.LatestVersion(ctx, f.st, tt.division)
		switch {
		case tt.ok && (err != nil || v.ID != f.version):
			t.Errorf("%s: %v, %v; want version %d", tt.division, v, err, f.version)
		case !tt.ok && err == nil:
			t.Errorf("%s: version %d, want an error", tt.division, v.ID)
		}
	}
}

// TestBacktestBetween back-tests across two snapshots of one scope: the
// register of 2024-12-31 (a 24-month snapshot) projected one year and
// compared with the register of 2025-12-31.
func TestBacktestBetween(t *testing.T) {
	f := generated(t)
	ctx := context.Background()
	cfg := f.cfg
	cfg.AsOf, cfg.Months = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), 24
	cfg.Out = filepath.Join(fixDir, "snap-2024")
	if _, err := synth.Generate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := load.Load(ctx, f.st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	earlier := rep.Version.ID
	if rep.Version.Scope != mustVersion(t, f).Scope {
		t.Fatalf("scopes %s and %s", rep.Version.Scope, mustVersion(t, f).Scope)
	}
	for _, div := range append([]string{"51"}, counties...) {
		bt, prov, err := projinput.BacktestBetween(ctx, f.st, earlier, f.version, div, nil, projinput.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !prov.BaseDate.Equal(cfg.AsOf) || prov.Version != earlier {
			t.Errorf("%s: base %v of version %d, want %v of %d", div, prov.BaseDate, prov.Version, cfg.AsOf, earlier)
		}
		if bt.BaseYear != 2024 || bt.TargetYear != 2025 {
			t.Errorf("%s: years %d→%d, want 2024→2025", div, bt.BaseYear, bt.TargetYear)
		}
		if math.Abs(bt.TotalPctError) >= 2 {
			t.Errorf("%s: total error %.2f %%, want under 2 %%", div, bt.TotalPctError)
		}
		t.Logf("%s: observed %.0f, projected %.0f, total error %.2f %%, MAPE %.2f %%, MALPE %.2f %%",
			div, bt.Totals[2].Observed, bt.Totals[2].Projected, bt.TotalPctError, bt.MAPE, bt.MALPE)
	}
	for _, c := range []struct {
		name           string
		earlier, later int64
	}{{"reversed", f.version, earlier}, {"same", earlier, earlier}} {
		if _, _, err := projinput.BacktestBetween(ctx, f.st, c.earlier, c.later, "51", nil, projinput.Options{}); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func mustVersion(t *testing.T, f *fixture) *store.Version {
	t.Helper()
	v, err := f.st.Version(context.Background(), f.version)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestFromStoreAll checks the bulk builder: each division's input equals
// FromStore's exactly, a division that holds nobody is left out, and the
// counts of the province are the sums of its counties' (net migration
// included: a move between the two counties is an arrival in one and a
// departure from the other).
func TestFromStoreAll(t *testing.T) {
	f := generated(t)
	ctx := context.Background()
	divs := []string{"51", "5101", counties[0], counties[1], "52"}
	ins, provs, err := projinput.FromStoreAll(ctx, f.st, f.version, divs, projinput.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ins["52"]; ok || len(ins) != 4 || len(provs) != 4 {
		t.Fatalf("inputs of %d divisions (52 present: %v), want 4 without 52", len(ins), ok)
	}
	for _, d := range divs[:4] {
		one, _, err := projinput.FromStore(ctx, f.st, f.version, d, projinput.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(one, ins[d]) {
			t.Errorf("%s: FromStoreAll's input differs from FromStore's", d)
		}
	}
	p, c0, c1 := provs["51"], provs[counties[0]], provs[counties[1]]
	if p.Population != c0.Population+c1.Population || p.Births != c0.Births+c1.Births ||
		p.Deaths != [2]float64{c0.Deaths[0] + c1.Deaths[0], c0.Deaths[1] + c1.Deaths[1]} ||
		p.NetMigrants != c0.NetMigrants+c1.NetMigrants {
		t.Errorf("province: population %v, births %v, deaths %v, net migrants %v; counties add up to %v, %v, %v, %v",
			p.Population, p.Births, p.Deaths, p.NetMigrants, c0.Population+c1.Population, c0.Births+c1.Births,
			[2]float64{c0.Deaths[0] + c1.Deaths[0], c0.Deaths[1] + c1.Deaths[1]}, c0.NetMigrants+c1.NetMigrants)
	}
	if p.InMigrants[0]+p.InMigrants[1] >= c0.InMigrants[0]+c0.InMigrants[1]+c1.InMigrants[0]+c1.InMigrants[1] {
		t.Errorf("province arrivals %v not below the counties' %v + %v: moves between them counted", p.InMigrants, c0.InMigrants, c1.InMigrants)
	}
	if p.NetMigrants == 0 {
		t.Error("no net migration in the province's input")
	}
}
