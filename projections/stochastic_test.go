package projections

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFitAR1(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	want := AR1{Phi: 0.7, Sigma: 0.05}
	x := make([]float64, 4000)
	ar1(rng, want, x)
	for i := range x {
		x[i] += 1.8 - 0.001*float64(i) // a trend the fit removes
	}
	got, err := FitAR1(x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Phi-want.Phi) > 0.05 || math.Abs(got.Sigma-want.Sigma) > 0.005 {
		t.Errorf("fit %+v, want %+v", got, want)
	}
	if _, err := FitAR1([]float64{1, 2, 3}); err == nil {
		t.Error("fit on 3 points")
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {0.1, 1.4}, {0.975, 4.9}, {1, 5}} {
		if got := quantile(xs, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("q%v = %v, want %v", c.q, got, c.want)
		}
	}
}

func TestProjectStochastic(t *testing.T) {
	in := testInput(1, 100)
	opt := StochasticOptions{Trajectories: 200, Seed: 42}
	a, err := ProjectStochastic(in, nil, 30, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Workers = 1
	b, err := ProjectStochastic(in, nil, 30, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Bands {
		for j := range a.Bands[i].Median {
			if a.Bands[i].Median[j] != b.Bands[i].Median[j] || a.Bands[i].Hi95[j] != b.Bands[i].Hi95[j] {
				t.Fatalf("series %s not deterministic for the seed", a.Bands[i].Series)
			}
		}
	}
	if len(a.Bands) != len(SeriesNames) {
		t.Fatalf("%d bands", len(a.Bands))
	}
	for _, bd := range a.Bands {
		for j := range bd.Median {
			if !(bd.Lo95[j] <= bd.Lo80[j] && bd.Lo80[j] <= bd.Median[j] && bd.Median[j] <= bd.Hi80[j] && bd.Hi80[j] <= bd.Hi95[j]) {
				t.Fatalf("%s year %d: bands not ordered %v %v %v %v %v", bd.Series, bd.Years[j], bd.Lo95[j], bd.Lo80[j], bd.Median[j], bd.Hi80[j], bd.Hi95[j])
			}
		}
	}
	// The base year is certain; uncertainty then grows.
	tot := a.Band("total")
	if tot.Lo95[0] != tot.Hi95[0] {
		t.Errorf("base year spread %v–%v", tot.Lo95[0], tot.Hi95[0])
	}
	if w10, w30 := tot.Hi95[10]-tot.Lo95[10], tot.Hi95[30]-tot.Lo95[30]; !(w30 > w10 && w10 > 0) {
		t.Errorf("95%% widths %v (10y) %v (30y)", w10, w30)
	}
	// The median TFR stays near the deterministic path (AR(1) is centred).
	tfr := a.Band("tfr")
	if math.Abs(tfr.Median[29]-1.6) > 0.1 {
		t.Errorf("median TFR %v", tfr.Median[29])
	}
	// Stationary AR(1) sd = σ/√(1−φ²) ≈ 0.138: 95 % half-width ≈ 0.27.
	if hw := (tfr.Hi95[29] - tfr.Lo95[29]) / 2; hw < 0.18 || hw > 0.36 {
		t.Errorf("TFR 95%% half-width %v", hw)
	}
	// A different seed gives different bands.
	c, _ := ProjectStochastic(in, nil, 30, StochasticOptions{Trajectories: 200, Seed: 43})
	if c.Band("total").Median[30] == tot.Median[30] {
		t.Error("seed ignored")
	}
	// Fitting from an observed series.
	obs := []float64{1.6, 1.65, 1.7, 1.62, 1.58, 1.55, 1.6, 1.52, 1.48}
	d, err := ProjectStochastic(in, nil, 10, StochasticOptions{Trajectories: 50, ObservedTFR: obs, NoE0: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.E0Model != nil || d.TFRModel == DefaultTFRModel {
		t.Errorf("models %+v %+v", d.TFRModel, d.E0Model)
	}
	e0 := d.Band("e0_male")
	if e0.Lo95[5] != e0.Hi95[5] {
		t.Error("e0 varies with NoE0")
	}
}

func TestE0GridInterpolation(t *testing.T) {
	p, err := prepare(testInput(1, 100))
	if err != nil {
		t.Fatal(err)
	}
	g, err := newE0Grid(p, Female)
	if err != nil {
		t.Fatal(err)
	}
	sv := &survival{S: make([]float64, p.G)}
	g.fill(p.lt[Female].E0(), sv)
	for k := range sv.S {
		if math.Abs(sv.S[k]-p.surv[Female].S[k]) > 1e-6 {
			t.Fatalf("group %d: grid %v, base %v", k, sv.S[k], p.surv[Female].S[k])
		}
	}
	// Against an exact Brass solve at e0 = 75.
	_, lt, _ := SolveBrassAlpha(p.lt[Female], 1, 75, CoaleDemeny)
	exact := newSurvival(lt, 1, 100)
	g.fill(75, sv)
	for k := range sv.S {
		if math.Abs(sv.S[k]-exact.S[k]) > 1e-4 {
			t.Fatalf("group %d: grid %v, exact %v", k, sv.S[k], exact.S[k])
		}
	}
}

func TestProjectStochasticSexSpecificE0(t *testing.T) {
	in := testInput(1, 100)
	spread := func(b *Band, j int) float64 { return b.Hi95[j] - b.Lo95[j] }
	// Without gap shocks both sexes move by the same deviation: the bands
	// are the deterministic paths shifted by the same quantiles.
	zero := AR1{Phi: 0.9, Sigma: 0}
	a, err := ProjectStochastic(in, nil, 20, StochasticOptions{Trajectories: 300, Seed: 5, GapModel: &zero})
	if err != nil {
		t.Fatal(err)
	}
	m, f := a.Band("e0_male"), a.Band("e0_female")
	for _, j := range []int{1, 10, 19} {
		dm, df := m.Hi95[j]-m.Median[j], f.Hi95[j]-f.Median[j]
		if math.Abs(dm-df) > 1e-9 || dm <= 0 {
			t.Errorf("interval %d: male upper spread %v, female %v: want equal and positive with no gap shock", j, dm, df)
		}
	}
	// With gap shocks male e0 = female deviation − gap deviation, so its
	// variance is the sum: sd ratio √(1 + (σg/σe)²) = √1.25 ≈ 1.118 for
	// the defaults.
	b, err := ProjectStochastic(in, nil, 20, StochasticOptions{Trajectories: 2000, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if b.GapModel == nil || *b.GapModel != DefaultGapModel {
		t.Fatalf("gap model %+v", b.GapModel)
	}
	ratio := spread(b.Band("e0_male"), 19) / spread(b.Band("e0_female"), 19)
	if ratio < 1.05 || ratio > 1.19 {
		t.Errorf("male/female 95%% spread ratio %.3f, want about 1.118", ratio)
	}
	// The gap model is fitted from observed series by sex.
	fem := []float64{80.1, 80.4, 80.6, 80.9, 81.0, 81.4, 81.5, 81.9}
	mal := []float64{75.0, 75.5, 75.4, 75.9, 76.1, 76.3, 76.6, 76.7}
	c, err := ProjectStochastic(in, nil, 5, StochasticOptions{Trajectories: 20, ObservedE0Female: fem, ObservedE0Male: mal})
	if err != nil {
		t.Fatal(err)
	}
	gap := make([]float64, len(fem))
	for i := range fem {
		gap[i] = fem[i] - mal[i]
	}
	wantGap, _ := FitAR1(gap)
	wantE0, _ := FitAR1(fem)
	if *c.GapModel != wantGap || *c.E0Model != wantE0 {
		t.Errorf("fitted gap %+v e0 %+v, want %+v %+v", *c.GapModel, *c.E0Model, wantGap, wantE0)
	}
	if _, err := ProjectStochastic(in, nil, 5, StochasticOptions{Trajectories: 20, ObservedE0Female: fem, ObservedE0Male: mal[:5]}); err == nil {
		t.Error("series of different lengths accepted")
	}
}
