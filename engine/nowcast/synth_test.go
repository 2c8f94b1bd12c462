package nowcast_test

import (
	"context"
	"math"
	"testing"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/nowcast"
)

// TestNowcastAgainstTruth nowcasts a generated snapshot (default lags,
// as-of 2025-12-31) and checks the rows of the last three months against
// the generator's eventual counts (synth.EventualFile): the 95 % intervals
// cover the eventual count of at least 90 % of the county-months, the
// province's last-month nowcast is within 5 % of it for births and deaths
// while the registered count is far below it, and every month older than
// the longest lag is complete.
func TestNowcastAgainstTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a snapshot")
	}
	ctx := context.Background()
	cfg := synth.DefaultConfig()
	cfg.Counties = []string{"510104", "510107", "510524", "510623", "511321", "513433", "510681", "511502"}
	cfg.Persons, cfg.Months, cfg.Workers, cfg.NoSources = 1_000_000, 24, 2, true
	cfg.Out = t.TempDir()
	if _, err := synth.Generate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	st := cubetest.OpenStore(t)
	rep, err := load.Load(ctx, st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := nowcast.Run(ctx, st, rep.Version.ID)
	if err != nil {
		t.Fatal(err)
	}
	truth := eventual(t, cfg.Out)
	types := map[string]string{"births": "birth", "deaths": "death", "migrants_in": "in", "migrants_out": "out"}
	recent := map[string]bool{"2025-10": true, "2025-11": true, "2025-12": true}
	cells, covered := map[string]int{}, map[string]int{}
	prov := map[string][2]float64{} // indicator → nowcast, registered of the province's December
	provEv := map[string]float64{}
	for _, r := range rows {
		typ := types[r.Indicator]
		switch {
		case len(r.Division) == 6 && recent[r.Period]:
			ev, ok := truth[r.Division+" "+typ+" "+r.Period]
			if !ok {
				t.Fatalf("%s %s %s: no eventual count", r.Division, typ, r.Period)
			}
			cells[r.Indicator]++
			if r.Lower <= ev && ev <= r.Upper {
				covered[r.Indicator]++
			}
		case len(r.Division) == 2 && r.Period == "2025-12":
			prov[r.Indicator] = [2]float64{r.Nowcast, r.Registered}
			for k, ev := range truth {
				if k[7:] == typ+" 2025-12" {
					provEv[r.Indicator] += ev
				}
			}
			if !r.Provisional {
				t.Errorf("province %s 2025-12: completeness %.3f, not provisional", r.Indicator, r.Completeness)
			}
		}
		if len(r.Division) == 2 && recent[r.Period] {
			t.Logf("province %s %s: completeness %.3f, provisional %v, registered %.0f, nowcast %.0f [%.0f, %.0f]",
				r.Indicator, r.Period, r.Completeness, r.Provisional, r.Registered, r.Nowcast, r.Lower, r.Upper)
		}
		if r.Period < "2024-10" && r.Completeness < 1 {
			t.Errorf("%s %s %s: completeness %.3f beyond the longest lag", r.Division, r.Indicator, r.Period, r.Completeness)
		}
	}
	var all, allCov int
	for ind, n := range cells {
		all += n
		allCov += covered[ind]
		t.Logf("%s: intervals cover %d of %d county-months of the last three months; province December registered %.0f, nowcast %.0f, eventual %.0f",
			ind, covered[ind], n, prov[ind][1], prov[ind][0], provEv[ind])
	}
	if all == 0 || float64(allCov) < 0.9*float64(all) {
		t.Errorf("95 %% intervals cover %d of %d county-months", allCov, all)
	}
	for _, ind := range []string{"births", "deaths"} {
		now, reg, ev := prov[ind][0], prov[ind][1], provEv[ind]
		if math.Abs(now-ev) > 0.05*ev {
			t.Errorf("province %s December: nowcast %.0f, eventual %.0f (off by more than 5 %%)", ind, now, ev)
		}
		if reg > 0.9*ev {
			t.Errorf("province %s December: registered %.0f of eventual %.0f: no lag to correct", ind, reg, ev)
		}
	}
}

// eventual reads synth.EventualFile: "county type month" → eventual count.
func eventual(t *testing.T, dir string) map[string]float64 {
	t.Helper()
	recs, err := synth.ReadEventual(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, c := range recs {
		out[c.County+" "+c.EventType+" "+c.Month] = float64(c.Eventual)
	}
	return out
}
