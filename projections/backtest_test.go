package projections

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestComparePopulationsHand(t *testing.T) {
	// 5-year grid 0,5,10+ ; males obs 100,200,50 proj 110,190,50;
	// females obs 100,100,0 proj 100,90,5.
	// PE: m0 +10 %, m5 −5 %, m10 0 %, f0 0 %, f5 −10 %, f10 excluded (obs 0).
	// MAPE = (10+5+0+0+10)/5 = 5; MALPE = (10−5+0+0−10)/5 = −1.
	// Total: obs 550, proj 545 → −0.909 %.
	obs := [2][]float64{{100, 200, 50}, {100, 100, 0}}
	proj := [2][]float64{{110, 190, 50}, {100, 90, 5}}
	rep := ComparePopulations(proj, obs, 5)
	if math.Abs(rep.MAPE-5) > 1e-12 || math.Abs(rep.MALPE+1) > 1e-12 {
		t.Errorf("MAPE %v MALPE %v", rep.MAPE, rep.MALPE)
	}
	if math.Abs(rep.TotalPctError-100*(545.0-550)/550) > 1e-12 {
		t.Errorf("total PE %v", rep.TotalPctError)
	}
	if len(rep.Rows) != 6 || rep.Rows[2].AgeTo != -1 || rep.Rows[0].Error != 10 {
		t.Errorf("rows %+v", rep.Rows)
	}
	if rep.MedianAPE != 5 {
		t.Errorf("median APE %v", rep.MedianAPE)
	}
}

// TestBacktestSynthetic simulates a "true" population with perturbed rates,
// then back-tests the unperturbed projection against it.
func TestBacktestSynthetic(t *testing.T) {
	base := testInput(1, 100)
	// Identical rates: errors vanish.
	truth, _ := Project(base, nil, 10)
	obs := [2][]float64{truth.Pop[Male][10], truth.Pop[Female][10]}
	rep, err := Backtest(base, nil, obs, 2030)
	if err != nil {
		t.Fatal(err)
	}
	if rep.MAPE > 1e-9 || rep.TotalAbsPctErr > 1e-9 {
		t.Errorf("same rates: MAPE %v total %v", rep.MAPE, rep.TotalAbsPctErr)
	}
	// Perturb the truth: mx × (1 ± 5 % noise), TFR × 1.05, some migration.
	rng := rand.New(rand.NewPCG(7, 7))
	pert := testInput(1, 100)
	for s := Male; s <= Female; s++ {
		mx := append([]float64(nil), pert.Mortality[s].Mx...)
		for i := range mx {
			mx[i] *= 1 + 0.05*(2*rng.Float64()-1)
		}
		pert.Mortality[s].Mx = mx
		pert.Migration.Net[s] = make([]float64, 101)
		for g := 18; g < 40; g++ {
			pert.Migration.Net[s][g] = 20
		}
	}
	for i := range pert.ASFR {
		pert.ASFR[i] *= 1.05
	}
	truth, _ = Project(pert, nil, 10)
	obs = [2][]float64{truth.Pop[Male][10], truth.Pop[Female][10]}
	rep, err = Backtest(base, nil, obs, 2030)
	if err != nil {
		t.Fatal(err)
	}
	// The projection misses the migrants (+ their births): it is too low,
	// by a little.
	if !(rep.TotalPctError < 0 && rep.TotalPctError > -2) {
		t.Errorf("total PE %v", rep.TotalPctError)
	}
	if !(rep.MAPE > 0 && rep.MAPE < 5) || rep.MALPE >= 0 {
		t.Errorf("MAPE %v MALPE %v", rep.MAPE, rep.MALPE)
	}
	// Recompute the MAPE independently from the rows.
	var s float64
	var n int
	for _, r := range rep.Rows {
		if r.Observed > 0 {
			s += math.Abs(100 * (r.Projected - r.Observed) / r.Observed)
			n++
		}
	}
	if math.Abs(s/float64(n)-rep.MAPE) > 1e-12 || n != 2*21 {
		t.Errorf("MAPE %v vs rows %v (n=%d)", rep.MAPE, s/float64(n), n)
	}
	// Errors sit below 50: the migrants (cohorts 18–39, ten years on) and
	// the births of the higher TFR and of the migrant women.
	worst := rep.Rows[0]
	for _, r := range rep.Rows {
		if r.AbsPctError > worst.AbsPctError {
			worst = r
		}
	}
	if worst.AgeFrom >= 50 || worst.PctError >= 0 {
		t.Errorf("largest error at %d–%d", worst.AgeFrom, worst.AgeTo)
	}
	if _, err := Backtest(base, nil, [2][]float64{{1}, {1}}, 2030); err == nil {
		t.Error("short observed accepted")
	}
}
