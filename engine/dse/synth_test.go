package dse_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/dse"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/query"
)

// TestGenerated checks the estimates against the generator's truth on a
// province generated with the default defects (10 % of deaths never
// reported to the register, 6 % missing from the death records, one death
// record in 20 without the ID number, 1 % of births unregistered). The
// window is 18 months ending mid-2025, so that 2024 is a full year whose
// events are all past the registration allowance. In 2024, at province
// level: the completeness intervals cover the true completeness (recorded
// / all events); the adjusted deaths, births, CDR, CBR, IMR and e0
// intervals cover the true values, and the registered CDR and e0 intervals do not. The
// share of counties whose cdr_adj and e0_adj intervals cover the truth is
// logged and must be at least 85 %. docs/indicators.md records the
// figures.
func TestGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a population")
	}
	ctx := context.Background()
	cfg := synth.DefaultConfig()
	cfg.Province, cfg.Persons, cfg.Seed, cfg.Months = "32", 200_000, 5, 18
	cfg.AsOf = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	cfg.Workers, cfg.Out = 2, t.TempDir()
	t0 := time.Now()
	gen, err := synth.Generate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := cubetest.OpenStore(t)
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := load.Load(ctx, st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	ver := rep.Version.ID
	if _, err := cube.Build(ctx, st, ver, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := linkage.Run(ctx, st, ver, linkage.Options{}); err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	res, err := dse.Run(ctx, st, ver, dse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generate, load, cube, linkage %s; dse %s: %d values; deaths %+v, births %+v, excluded %v",
		t1.Sub(t0).Round(time.Second), time.Since(t1).Round(time.Millisecond), res.Values, res.Deaths, res.Births, res.Excluded)
	// Death records without the ID number are left out, not counted as
	// deaths the register missed: about one in 20.
	if share := float64(res.Excluded["deaths_without_id_number"]) / (res.Deaths.Source + float64(res.Excluded["deaths_without_id_number"])); share < 0.03 || share > 0.07 {
		t.Errorf("death records without ID left out: %.1f %%, want about 5 %%", 100*share)
	}

	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	get := func(id, div, breakdown string) cube.Value {
		t.Helper()
		vs, err := eng.Get(ctx, query.Key{Indicator: id, Division: div, Period: "2024"})
		if err != nil {
			t.Fatalf("%s %s 2024: %v", id, div, err)
		}
		for _, v := range vs {
			if v.Breakdown == breakdown {
				return v
			}
		}
		t.Fatalf("%s %s 2024: no breakdown %q", id, div, breakdown)
		return cube.Value{}
	}
	covers := func(v cube.Value, truth float64) bool { return v.Lower <= truth && truth <= v.Upper }

	// Truth of 2024 by county: all deaths and births of residents,
	// registered or not, and those registered.
	type year struct{ deaths, recDeaths, births, recBirths, infant float64 }
	truth := map[string]year{}
	var prov year
	for _, c := range gen.Truth.Counties {
		for _, y := range c.Realised.Years {
			if y.Year != 2024 {
				continue
			}
			cy := year{float64(y.Deaths), float64(y.RecordedDeaths), float64(y.Births), float64(y.RecordedBirths), float64(y.InfantDeaths)}
			truth[c.Code] = cy
			prov.deaths += cy.deaths
			prov.recDeaths += cy.recDeaths
			prov.births += cy.births
			prov.recBirths += cy.recBirths
			prov.infant += cy.infant
		}
	}
	p := gen.Truth.Provinces[0]
	py := get("cdr", p.Code, "").Denominator
	trueCDR := prov.deaths / py * 1000
	for _, c := range []struct {
		id     string
		truth  float64
		covers bool
	}{
		{dse.DeathCompleteness, 100 * prov.recDeaths / prov.deaths, true},
		{dse.BirthCompleteness, 100 * prov.recBirths / prov.births, true},
		{"deaths_adj", prov.deaths, true},
		{"births_adj", prov.births, true},
		{"cdr_adj", trueCDR, true},
		{"cbr_adj", prov.births / py * 1000, true},
		{"imr_adj", prov.infant / prov.births * 1000, true},
		{"e0_adj", p.E0.Both, true},
		{"cdr", trueCDR, false},
		{"e0", p.E0.Both, false},
	} {
		v := get(c.id, p.Code, "")
		t.Logf("province %s 2024 %-22s %9.3f [%9.3f, %9.3f]  truth %9.3f", p.Code, c.id, v.Value, v.Lower, v.Upper, c.truth)
		if covers(v, c.truth) != c.covers {
			t.Errorf("%s = %.3f [%.3f, %.3f]: covers the truth %.3f is %v, want %v", c.id, v.Value, v.Lower, v.Upper, c.truth, !c.covers, c.covers)
		}
	}

	// Lineage explains an adjusted value: the registered measures and the
	// factor of each sex and age group.
	l, err := eng.Lineage(ctx, query.Key{Indicator: "cdr_adj", Division: p.Code, Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	if a := l.Adjustment; a == nil || a.Registered != "cdr" || len(a.Factors) != 2*len(dse.AgeGroups) || l.Counts["deaths"] == 0 || l.Counts["person_years"] == 0 {
		t.Errorf("lineage of cdr_adj: counts %v, adjustment %+v; want deaths, person-years and 8 factors", l.Counts, l.Adjustment)
	} else {
		var reg float64
		for _, f := range a.Factors {
			reg += f.Registered
		}
		if reg != l.Counts["deaths"] {
			t.Errorf("lineage of cdr_adj: factors cover %v registered deaths, want %v", reg, l.Counts["deaths"])
		}
	}
	// Run is idempotent: a second run replaces the values.
	again, err := dse.Run(ctx, st, ver, dse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var stored int64
	if err := st.DB().QueryRow(`SELECT count(*) FROM cube.values WHERE version = ? AND (ends_with(indicator, '_adj') OR ends_with(indicator, '_reg_completeness'))`, ver).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if again.Values != res.Values || stored != res.Values {
		t.Errorf("second run: %d values, %d stored; want %d", again.Values, stored, res.Values)
	}

	// Counties: the share whose adjusted intervals cover the truth.
	var n, cdrHit, e0Hit, regCDRHit, regE0Hit float64
	for _, c := range gen.Truth.Counties {
		y, ok := truth[c.Code]
		if !ok {
			continue
		}
		adj, reg := get("cdr_adj", c.Code, ""), get("cdr", c.Code, "")
		tc := y.deaths / reg.Denominator * 1000
		n++
		if covers(adj, tc) {
			cdrHit++
		}
		if covers(reg, tc) {
			regCDRHit++
		}
		if covers(get("e0_adj", c.Code, ""), c.E0.Both) {
			e0Hit++
		}
		if covers(get("e0", c.Code, ""), c.E0.Both) {
			regE0Hit++
		}
	}
	t.Logf("%v counties, 2024: cdr_adj covers the truth in %.0f %% (registered cdr %.0f %%), e0_adj in %.0f %% (registered e0 %.0f %%)",
		n, 100*cdrHit/n, 100*regCDRHit/n, 100*e0Hit/n, 100*regE0Hit/n)
	if cdrHit/n < 0.85 || e0Hit/n < 0.85 {
		t.Errorf("county coverage of the adjusted intervals: cdr_adj %.0f %%, e0_adj %.0f %%; want at least 85 %%", 100*cdrHit/n, 100*e0Hit/n)
	}
	if math.IsNaN(cdrHit) {
		t.Fatal("no county")
	}

	// Drop removes the values and factors of the version.
	if err := dse.Drop(ctx, st, ver); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM cube.values WHERE version = $1 AND (ends_with(indicator, '_adj') OR ends_with(indicator, '_reg_completeness')))
		+ (SELECT count(*) FROM `+dse.FactorsTable+` WHERE version = $1)`, ver).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 0 {
		t.Errorf("after Drop: %d rows left", stored)
	}
}

// TestNoSources: a snapshot without death records and birth certificates
// gets no completeness and no adjusted value (not a table of empty ones).
func TestNoSources(t *testing.T) {
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, filepath.Join("..", "cube", "testdata", "tiny"))
	if _, err := cube.Build(ctx, st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := linkage.Run(ctx, st, v.ID, linkage.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := dse.Run(ctx, st, v.ID, dse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM cube.values WHERE version = $1 AND (ends_with(indicator, '_adj') OR ends_with(indicator, '_reg_completeness')))
		+ (SELECT count(*) FROM `+dse.FactorsTable+` WHERE version = $1)`, v.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if res.Values != 0 || n != 0 {
		t.Errorf("without sources: %d values reported, %d rows stored; want none", res.Values, n)
	}
}
