package sae

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestPoissonVariance checks Marshall's moment estimator against hand
// computations.
func TestPoissonVariance(t *testing.T) {
	for _, c := range []struct {
		name    string
		y, x, m []float64
		want    float64
	}{
		// r = 0.1, 0.01 around m = 0.05: Σ x(r−m)²/m = 100·0.0025/0.05 +
		// 100·0.0016/0.05 = 5 + 3.2; (8.2 − 2)/Σ x m = 6.2/10 = 0.62.
		{"spread", []float64{10, 1}, []float64{100, 100}, []float64{0.05, 0.05}, 0.62},
		// r = 0.02, 0.05 around 0.04: 1 + 0.5 − 2 < 0, so A = 0 (less
		// spread than Poisson noise alone).
		{"within noise", []float64{2, 10}, []float64{100, 200}, []float64{0.04, 0.04}, 0},
		// a unit without exposure and one without a parent rate are left
		// out: only the first counts, 100·0.0025/0.05 − 1 = 4, /5 = 0.8.
		{"left out", []float64{10, 3, 4}, []float64{100, 0, 50}, []float64{0.05, 0.05, math.NaN()}, 0.8},
		{"empty", nil, nil, nil, 0},
	} {
		if got := PoissonVariance(c.y, c.x, c.m); !near(got, c.want, 1e-12) {
			t.Errorf("%s: A = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestShrinkPoisson checks the gamma–Poisson posterior and its shrinkage
// form w·y/x + (1 − w)·m by hand.
func TestShrinkPoisson(t *testing.T) {
	// Parent Gamma(50, 1000): mean 0.05, variance 5·10⁻⁵. Units r = 0.1
	// and 0.01 (A = 0.62 as above): prior variance 0.62·0.0025 + 5·10⁻⁵
	// = 0.0016, shape 0.0025/0.0016 = 1.5625, rate 0.05/0.0016 = 31.25.
	parent := []Gamma{{50, 1000}, {50, 1000}}
	a, post := ShrinkPoisson([]float64{10, 1}, []float64{100, 100}, parent)
	if !near(a, 0.62, 1e-12) {
		t.Fatalf("A = %v, want 0.62", a)
	}
	for i, c := range []struct {
		shape, rate, r float64
	}{{11.5625, 131.25, 0.1}, {2.5625, 131.25, 0.01}} {
		g := post[i]
		if !near(g.Shape, c.shape, 1e-12) || !near(g.Rate, c.rate, 1e-12) {
			t.Errorf("unit %d: posterior %+v, want Gamma(%v, %v)", i, g, c.shape, c.rate)
		}
		w := 100 / 131.25 // x/(β + x)
		if want := w*c.r + (1-w)*0.05; !near(g.Mean(), want, 1e-12) {
			t.Errorf("unit %d: mean %v, want the shrinkage %v", i, g.Mean(), want)
		}
	}
	// A = 0: the prior is the parent itself, Gamma(50 + 2, 1000 + 100).
	_, post = ShrinkPoisson([]float64{2, 10}, []float64{100, 200}, []Gamma{{50, 1000}, {50, 1000}})
	if g := post[0]; !near(g.Shape, 52, 1e-12) || !near(g.Rate, 1100, 1e-12) {
		t.Errorf("A = 0: posterior %+v, want Gamma(52, 1100)", g)
	}
	// A parent without information (the only child) leaves the unit
	// unshrunk: Jeffreys Gamma(3.5, 40).
	_, post = ShrinkPoisson([]float64{3}, []float64{40}, []Gamma{{0.5, 0}})
	if g := post[0]; g != (Gamma{3.5, 40}) {
		t.Errorf("no parent information: posterior %+v, want Gamma(3.5, 40)", g)
	}
}

// TestShrinkBinomial checks the beta–binomial moment estimate and
// posterior by hand.
func TestShrinkBinomial(t *testing.T) {
	// k/n = 0.6, 0.4 around π = 0.5: (100·0.01·2 − 2·0.25)/200 = 0.0075.
	if a := BinomialVariance([]float64{60, 40}, []float64{100, 100}, []float64{0.5, 0.5}); !near(a, 0.0075, 1e-12) {
		t.Errorf("A = %v, want 0.0075", a)
	}
	// Parent Beta(50, 50): variance 2500/(100²·101) = 0.00247525; prior
	// variance V = 0.0075 + 0.00247525 = 0.00997525, s = 0.25/V − 1 =
	// 24.06203, a = b = 12.03102; posterior of 60/100 is
	// Beta(72.03102, 52.03102), mean 0.580605 = w·0.6 + (1 − w)·0.5 with
	// w = 100/(s + 100).
	_, post := ShrinkBinomial([]float64{60, 40}, []float64{100, 100}, []Beta{{50, 50}, {50, 50}})
	v := 0.0075 + 2500.0/(100*100*101)
	s := 0.25/v - 1
	if !near(s, 24.06203, 1e-6) {
		t.Fatalf("hand computation: s = %v", s)
	}
	if b := post[0]; !near(b.A, 72.03102, 1e-6) || !near(b.B, 52.03102, 1e-6) {
		t.Errorf("posterior %+v, want Beta(72.03102, 52.03102)", b)
	}
	w := 100 / (s + 100)
	if got, want := post[0].Mean(), w*0.6+(1-w)*0.5; !near(got, want, 1e-12) || !near(got, 0.580605, 1e-6) {
		t.Errorf("mean %v, want %v (0.580605)", got, want)
	}
	// No parent information: Jeffreys Beta(3.5, 1.5).
	_, post = ShrinkBinomial([]float64{3}, []float64{4}, []Beta{{}})
	if post[0] != (Beta{3.5, 1.5}) {
		t.Errorf("no parent information: %+v, want Beta(3.5, 1.5)", post[0])
	}
}

// TestIntervals checks the posterior intervals where they have a closed
// form: Gamma(1, β) is exponential, Beta(a, 1) has the quantile q^(1/a).
func TestIntervals(t *testing.T) {
	for _, c := range []struct {
		g      Gamma
		lo, hi float64
	}{
		{Gamma{1, 1}, -math.Log(0.975), -math.Log(0.025)},       // 0.025318, 3.688879
		{Gamma{1, 200}, -math.Log(0.975) / 200, 3.688879 / 200}, // scaled by the rate
	} {
		lo, hi := c.g.Interval()
		if !near(lo, c.lo, 1e-6) || !near(hi, c.hi, 1e-6) {
			t.Errorf("%+v: [%v, %v], want [%v, %v]", c.g, lo, hi, c.lo, c.hi)
		}
	}
	for _, c := range []struct {
		b      Beta
		lo, hi float64
	}{
		{Beta{1, 1}, 0.025, 0.975},
		{Beta{2, 1}, math.Sqrt(0.025), math.Sqrt(0.975)},
	} {
		lo, hi := c.b.Interval()
		if !near(lo, c.lo, 1e-6) || !near(hi, c.hi, 1e-6) {
			t.Errorf("%+v: [%v, %v], want [%v, %v]", c.b, lo, hi, c.lo, c.hi)
		}
	}
}
