package cube_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
)

// generate writes a defect-free synthetic snapshot, loads it and builds its
// cube. The window is 18 months ending mid-2025, so that every event of
// 2024 is registered (lags are under 90 days) and 2024 is a full year.
func generate(t *testing.T, st *store.Store, scope, province string, persons int, seed uint64) (*synth.Result, int64) {
	t.Helper()
	return generateWith(t, st, scope, province, persons, seed, synth.Defects{})
}

// generateWith is generate with the defects d injected.
func generateWith(t *testing.T, st *store.Store, scope, province string, persons int, seed uint64, d synth.Defects) (*synth.Result, int64) {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Scope, cfg.Province, cfg.Persons, cfg.Seed = scope, province, persons, seed
	cfg.Months = 18
	cfg.AsOf = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	cfg.Defects = d
	cfg.NoSources = true
	cfg.Workers = 2
	cfg.Out = t.TempDir()
	t0 := time.Now()
	res, err := synth.Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := load.Load(context.Background(), st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	t2 := time.Now()
	br, err := cube.Build(context.Background(), st, rep.Version.ID, cube.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cube steps: %v", br.Steps)
	t.Logf("%s %d persons: generate %s, load %s, cube %s", scope, persons, t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), time.Since(t2).Round(time.Millisecond))
	return res, rep.Version.ID
}

// TestGenerated checks the cube of a generated population against the
// generator's truth.json: recorded births and deaths per county and year
// exactly, exposure by sex and broad age group, and the 95 % intervals of
// TFR, SRB and e0 (2024, province) against the rates the generator used;
// then the monitoring-panel estimate against the full-data value.
func TestGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a population")
	}
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	res, ver := generate(t, st, synth.ScopeProvince, "32", 60_000, 11)
	tr := res.Truth

	// Recorded events per county and year equal the cube's flows: the
	// province's totals exactly, each county within one event (a known
	// generator fault attributes a death right after a move inside the
	// scope to the other county in truth.json; docs/generator.md, "Known
	// faults").
	type tot struct{ births, deaths, tb, td float64 }
	years := map[int]*tot{}
	for _, c := range tr.Counties {
		for _, y := range c.Realised.Years {
			var births, deaths float64
			err := st.DB().QueryRow(`SELECT coalesce(sum(births), 0), coalesce(sum(deaths), 0) FROM cube.measures
				WHERE version = ? AND division = ? AND ptype = 'month' AND left(period, 4) = ?`, ver, c.Code, itoa(y.Year)).Scan(&births, &deaths)
			if err != nil {
				t.Fatal(err)
			}
			if years[y.Year] == nil {
				years[y.Year] = &tot{}
			}
			a := years[y.Year]
			a.births, a.deaths, a.tb, a.td = a.births+births, a.deaths+deaths, a.tb+float64(y.RecordedBirths), a.td+float64(y.RecordedDeaths)
			if births != float64(y.RecordedBirths) || deaths != float64(y.RecordedDeaths) {
				t.Logf("county %s %d: births %v deaths %v, truth recorded %d and %d", c.Code, y.Year, births, deaths, y.RecordedBirths, y.RecordedDeaths)
			}
			if math.Abs(births-float64(y.RecordedBirths)) > 1 || math.Abs(deaths-float64(y.RecordedDeaths)) > 1 {
				t.Errorf("county %s %d: births %v deaths %v, truth recorded %d and %d", c.Code, y.Year, births, deaths, y.RecordedBirths, y.RecordedDeaths)
			}
		}
	}
	for y, a := range years {
		if a.births != a.tb || a.deaths != a.td {
			t.Errorf("province %d: births %v deaths %v, truth recorded %v and %v", y, a.births, a.deaths, a.tb, a.td)
		}
	}

	// Exposure: person-years by sex and broad age group over the window.
	var truePY [2][3]float64
	for _, c := range tr.Counties {
		for x := range c.Realised.PersonYears.Male {
			truePY[0][ageGroup(x)] += c.Realised.PersonYears.Male[x]
			truePY[1][ageGroup(x)] += c.Realised.PersonYears.Female[x]
		}
	}
	var cubePY [2][3]float64
	rows, err := st.DB().Query(`SELECT sex, age, sum(py) FROM cube.age WHERE version = ? AND level = 1 AND ptype = 'month' AND sex IN (1, 2) GROUP BY ALL`, ver)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sex, age int
		var py float64
		rows.Scan(&sex, &age, &py)
		cubePY[sex-1][ageGroup(age)] += py
	}
	rows.Close()
	for s := 0; s < 2; s++ {
		for g := 0; g < 3; g++ {
			if rel := math.Abs(cubePY[s][g]/truePY[s][g] - 1); rel > 0.005 {
				t.Errorf("person-years sex %d age group %d: cube %.1f, truth %.1f (%.2f%%)", s+1, g, cubePY[s][g], truePY[s][g], 100*rel)
			}
		}
	}

	// Rates: the 2024 intervals cover the generator's rates.
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	// The generator realises fertility somewhat below its target TFR
	// (truth "tfr"), so TFR is compared with the realised rate of the
	// window: Σₓ births to women aged x / their person-years, from
	// truth.json.
	var bx, pyx [50]float64
	for _, c := range tr.Counties {
		for i, n := range c.Realised.BirthsByMotherAge {
			bx[15+i] += float64(n)
		}
		for x := 15; x <= 49; x++ {
			pyx[x] += c.Realised.PersonYears.Female[x]
		}
	}
	realisedTFR := 0.0
	for x := 15; x <= 49; x++ {
		if pyx[x] > 0 {
			realisedTFR += bx[x] / pyx[x]
		}
	}
	p := tr.Provinces[0]
	t.Logf("province %s: target TFR %.3f, realised %.3f", p.Code, p.TFR, realisedTFR)
	for _, c := range []struct {
		indicator string
		truth     float64
	}{{"tfr", realisedTFR}, {"srb", p.SRB}, {"e0", p.E0.Both}} {
		v, err := eng.Value(ctx, query.Key{Indicator: c.indicator, Division: p.Code, Period: "2024"})
		if err != nil {
			t.Fatal(err)
		}
		// One draw of the population: its 95 % interval misses the model's
		// value in one draw in twenty, so the test requires the value
		// within 3.29 standard errors (99.9 %, the half-width over 1.96),
		// which a biased estimate fails and an unlucky seed does not.
		t.Logf("%s 2024: %.3f [%.3f, %.3f], truth %.3f", c.indicator, v.Value, v.Lower, v.Upper, c.truth)
		if se := (v.Upper - v.Lower) / (2 * 1.96); !(math.Abs(v.Value-c.truth) <= 3.29*se) {
			t.Errorf("%s 2024 = %.3f [%.3f, %.3f] is %.1f standard errors from the truth %.3f", c.indicator, v.Value, v.Lower, v.Upper, math.Abs(v.Value-c.truth)/se, c.truth)
		}
	}

	// The monitoring panel, generated with the same seed (so its counties
	// of the province have the same rates): the province's estimate from
	// its panel counties covers the full-data value of the province cube.
	generate(t, st, synth.ScopeMonitoring, "", 60_000, 11)
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for _, ind := range []string{"cbr", "cdr", "tfr", "share_65plus"} {
		pn, err := eng.Panel(ctx, ind, "2024", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(pn.Counties) != datasets.PanelSize {
			t.Fatalf("panel has %d counties", len(pn.Counties))
		}
		nat := pn.National
		t.Logf("panel %s national %.3f ± %.3f (%d counties)", ind, nat.Estimate, nat.SE, nat.Counties)
		if nat.Counties < datasets.PanelSize*9/10 || !(nat.SE > 0) || math.IsNaN(nat.Estimate) {
			t.Errorf("panel %s: national estimate %+v", ind, nat)
		}
		var found bool
		for _, pe := range pn.Provinces {
			if pe.Domain != p.Code {
				if pe.Full != nil {
					t.Errorf("panel %s: province %s has a full-data value but no full cube was built", ind, pe.Domain)
				}
				continue
			}
			found = true
			if pe.Full == nil {
				t.Fatalf("panel %s: no full-data value for province %s", ind, p.Code)
			}
			t.Logf("panel %s province %s: %.3f [%.3f, %.3f], full data %.3f", ind, p.Code, pe.Estimate, pe.Lower, pe.Upper, pe.Full.Value)
			if !*pe.Covers {
				t.Errorf("panel %s province %s: [%.3f, %.3f] does not cover the full-data value %.3f", ind, p.Code, pe.Lower, pe.Upper, pe.Full.Value)
			}
		}
		if !found {
			t.Errorf("panel %s: no estimate for province %s", ind, p.Code)
		}
	}
	// A count is estimated by Σ wᵢyᵢ over the counties.
	pn, err := eng.Panel(ctx, "population", "2024", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for _, c := range pn.Counties {
		if !math.IsNaN(c.Value.Value) {
			want += c.Weight * c.Value.Value
		}
	}
	if math.Abs(pn.National.Estimate-want) > 1e-6*want {
		t.Errorf("panel population = %v, want Σ w·y = %v", pn.National.Estimate, want)
	}
}

func ageGroup(x int) int {
	switch {
	case x < 15:
		return 0
	case x < 65:
		return 1
	}
	return 2
}

func itoa(y int) string { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") }
