package sae_test

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
	"github.com/padis/padis/engine/sae"
	"github.com/padis/padis/models"
)

// TestTownshipTruth generates four counties of Jiangsu (from four cities,
// 12–17 townships each, about 1,000 persons per township), builds the cube
// with township age tables (so that the direct township TFR exists) and
// compares, for 2024, the township values of TFR, SRB, IMR and CDR with
// the truth: the generator draws rates per county (datasets/synth: ASFR,
// SRB and mortality by sex and age are properties of the county; nothing
// varies by township or village), so a township's true TFR, SRB and IMR
// are its county's, and its true CDR is its county's death rates by sex
// and age applied to its own person-years. The small-area estimate's mean
// squared error must be at least 30 % below the direct estimate's, over the
// townships where the direct estimate exists.
func TestTownshipTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a population")
	}
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	cfg := synth.DefaultConfig()
	cfg.Province, cfg.Persons, cfg.Seed = "32", 60_000, 17
	cfg.Counties = []string{"321084", "320723", "321202", "320481"}
	cfg.Months = 18
	cfg.AsOf = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	cfg.Defects = synth.Defects{}
	cfg.NoSources = true
	cfg.Workers = 2
	cfg.Out = t.TempDir()
	gen, err := synth.Generate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := load.Load(ctx, st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	ver := rep.Version.ID
	if _, err := cube.Build(ctx, st, ver, cube.Options{AgeLevel: models.LevelTownship, ValueLevel: models.LevelTownship}); err != nil {
		t.Fatal(err)
	}
	var first int64
	for run := 1; run <= 2; run++ { // idempotent
		res, err := sae.Run(ctx, st, ver)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := st.DB().QueryRow(`SELECT count(*) FROM cube.values WHERE version = ? AND indicator LIKE '%\_sae' ESCAPE '\'`, ver).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != res.Values || n == 0 || (run == 2 && n != first) {
			t.Fatalf("run %d: %d values in the table, %d reported, %d the first time", run, n, res.Values, first)
		}
		first = n
		t.Logf("run %d: %d values, %d periods, %s", run, res.Values, res.Periods, res.Duration)
	}

	// Every level has its years and rolling 12 months, villages only the
	// newest rolling 12 months (R12-2025-06).
	for _, c := range []struct {
		level, ptype string
		periods      int
	}{{"3", "year", 1}, {"4", "r12", 7}, {"5", "year", 1}, {"5", "r12", 1}} {
		var n int
		var newest string
		if err := st.DB().QueryRow(`SELECT count(DISTINCT period), max(period) FROM cube.values WHERE version = ? AND indicator = 'cdr_sae' AND level = `+c.level+` AND ptype = ?`,
			ver, c.ptype).Scan(&n, &newest); err != nil {
			t.Fatal(err)
		}
		if n != c.periods || (c.ptype == "r12" && newest != "R12-2025-06") {
			t.Errorf("level %s %s: %d periods up to %s, want %d up to R12-2025-06", c.level, c.ptype, n, newest, c.periods)
		}
	}

	// The truth of each township.
	county := map[string]synth.CountyTruth{}
	for _, c := range gen.Truth.Counties {
		county[c.Code] = c
	}
	rows, err := st.DB().Query(`SELECT division, sex, age, py FROM cube.age WHERE version = ? AND level = 4 AND ptype = 'year' AND period = '2024'`, ver)
	if err != nil {
		t.Fatal(err)
	}
	expDeaths, py := map[string]float64{}, map[string]float64{}
	for rows.Next() {
		var div string
		var sex, age int
		var p float64
		if err := rows.Scan(&div, &sex, &age, &p); err != nil {
			t.Fatal(err)
		}
		c := county[div[:6]]
		switch sex {
		case 1:
			expDeaths[div] += c.Mx.Male[min(age, len(c.Mx.Male)-1)] * p
		case 2:
			expDeaths[div] += c.Mx.Female[min(age, len(c.Mx.Female)-1)] * p
		default:
			t.Fatalf("township %s: person-years of unknown sex in a defect-free population", div)
		}
		py[div] += p
	}
	rows.Close()
	truth := func(ind, div string) float64 {
		c := county[div[:6]]
		switch ind {
		case "tfr":
			return c.TFR
		case "srb":
			return c.SRB
		case "imr":
			return c.IMR.Both
		}
		return expDeaths[div] / py[div] * 1000
	}

	type pair struct{ direct, sae, lo, hi float64 }
	vals := map[string]map[string]*pair{}
	rows, err = st.DB().Query(`SELECT indicator, division, value, coalesce(lower, 'NaN'), coalesce(upper, 'NaN') FROM cube.values WHERE version = ? AND level = 4 AND ptype = 'year'
		AND period = '2024' AND breakdown = '' AND indicator IN ('tfr', 'srb', 'imr', 'cdr', 'tfr_sae', 'srb_sae', 'imr_sae', 'cdr_sae')
		AND value IS NOT NULL`, ver)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ind, div string
		var v, lo, hi float64
		if err := rows.Scan(&ind, &div, &v, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		base, isSAE := ind, false
		if len(ind) > 4 && ind[len(ind)-4:] == "_sae" {
			base, isSAE = ind[:len(ind)-4], true
		}
		if vals[base] == nil {
			vals[base] = map[string]*pair{}
		}
		p := vals[base][div]
		if p == nil {
			p = &pair{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
			vals[base][div] = p
		}
		if isSAE {
			p.sae, p.lo, p.hi = v, lo, hi
		} else {
			p.direct = v
		}
	}
	rows.Close()

	for _, ind := range []string{"tfr", "srb", "imr", "cdr"} {
		var n, covered int
		var seD, seS float64
		for div, p := range vals[ind] {
			if math.IsNaN(p.direct) {
				continue // no direct estimate (no births, no girls…)
			}
			if math.IsNaN(p.sae) {
				t.Errorf("%s township %s: direct %v but no small-area estimate", ind, div, p.direct)
				continue
			}
			tv := truth(ind, div)
			seD += (p.direct - tv) * (p.direct - tv)
			seS += (p.sae - tv) * (p.sae - tv)
			if p.lo <= tv && tv <= p.hi {
				covered++
			}
			n++
		}
		if n < 40 {
			t.Fatalf("%s: only %d townships with a direct estimate", ind, n)
		}
		mseD, mseS := seD/float64(n), seS/float64(n)
		t.Logf("%s 2024, %d townships: MSE direct %.4g, small-area %.4g (%.0f %% lower); the small-area interval covers the truth in %d", ind, n, mseD, mseS, 100*(1-mseS/mseD), covered)
		if !(mseS <= 0.7*mseD) {
			t.Errorf("%s: small-area MSE %.4g is not 30 %% below the direct MSE %.4g", ind, mseS, mseD)
		}
	}

	// engine/query serves the stored values unchanged, with an interval
	// around the value and a reliability judgement.
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for div := range vals["tfr"] {
		for _, period := range []string{"2024", "R12-2025-06"} {
			v, err := eng.Value(ctx, query.Key{Indicator: "tfr_sae", Division: div, Period: period})
			if err != nil {
				t.Fatalf("tfr_sae %s %s: %v", div, period, err)
			}
			if !(v.Lower < v.Value && v.Value < v.Upper) || v.Numerator != math.Round(v.Numerator) {
				t.Errorf("tfr_sae %s %s: %v [%v, %v], births %v", div, period, v.Value, v.Lower, v.Upper, v.Numerator)
			}
		}
		break
	}
}
