package detect

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestEARSLowerHand checks the lower side of C1 on a series computed by
// hand: baseline 10 12 8 10 11 9 10 has mean 10 and variance 10/6, so
// S = 1.290994; z₀.₉₉₉ = 3.090232 and z₀.₉₉₉₅ = 3.290527.
func TestEARSLowerHand(t *testing.T) {
	x := []float64{10, 12, 8, 10, 11, 9, 10, 2}
	s := math.Sqrt(10.0 / 6)
	for _, tc := range []struct {
		side     string
		z        float64
		alarm    bool
		low      bool
		pvalue   float64
		scoreNeg bool
	}{
		{SideUpper, 3.090232, false, false, 1 - phi(-8/s), true},
		{SideLower, 3.090232, true, true, phi(-8 / s), true},
		{SideBoth, 3.290527, true, true, 2 * phi(-8/s), true},
	} {
		t.Run(tc.side, func(t *testing.T) {
			res, err := EARSC1(x, Options{Side: tc.side})
			if err != nil {
				t.Fatal(err)
			}
			r := res[7]
			near(t, "expected", r.Expected, 10, 1e-12)
			near(t, "upper", r.Upper, 10+tc.z*s, 1e-5)
			near(t, "lower", r.Lower, 10-tc.z*s, 1e-5)
			near(t, "score", r.Score, -8/s, 1e-12)
			near(t, "p", r.PValue, tc.pvalue, 1e-12)
			if r.Alarm != tc.alarm || r.Low != tc.low {
				t.Errorf("alarm %v low %v, want %v %v", r.Alarm, r.Low, tc.alarm, tc.low)
			}
		})
	}
	// A count above the upper bound never alarms on the lower side.
	up := []float64{10, 12, 8, 10, 11, 9, 10, 30}
	res, _ := EARSC1(up, Options{Side: SideLower})
	if res[7].Alarm {
		t.Errorf("lower side alarmed on an increase: %+v", res[7])
	}
	res, _ = EARSC1(up, Options{Side: SideBoth})
	if !res[7].Alarm || res[7].Low {
		t.Errorf("both sides: increase not flagged as high: %+v", res[7])
	}
	// A small, spread baseline (mean 2, S 2.4) would put Ȳ − z·S far
	// below 0: the lower bound of a count is clamped at 0.
	small := []float64{0, 5, 0, 6, 0, 1, 2, 0}
	for _, f := range []func([]float64, Options) ([]Result, error){EARSC1, EARSC2} {
		res, _ = f(append(small, small...), Options{Side: SideLower})
		for _, r := range res {
			if r.Assessed() && r.Lower != 0 {
				t.Errorf("period %d: lower bound %v, want 0", r.Index, r.Lower)
			}
		}
	}
}

// TestEARSC3Lower: C2 of each period of a constant-then-falling series,
// by hand. With baseline 3, counts 10 12 8 10 12 8 give every C2 baseline
// mean 10 and S 2; the last three periods 4, 4, 4 have C2 = −3, so
// C3⁻ = 3 × (3 − 1) = 6 > z₀.₉₇₅ = 1.959964.
func TestEARSC3Lower(t *testing.T) {
	x := []float64{10, 12, 8, 10, 12, 8, 10, 12, 8, 4, 4, 4}
	// C2 at t uses x[t−5 .. t−3]; for t = 9, 10, 11 these are
	// (12 8 10), (8 10 12), (10 12 8): mean 10, S 2.
	res, err := EARSC3(x, Options{Baseline: 3, Side: SideLower})
	if err != nil {
		t.Fatal(err)
	}
	// C2(8) = (8 − mean(10,12,8))/2 = −1 → part 0. C2(9..11) = −3 → 2.
	r := res[11]
	near(t, "score", r.Score, -6, 1e-12)
	near(t, "lower", r.Lower, math.Max(0, 4-2*(1.959964-4)), 1e-5)
	if !r.Alarm || !r.Low {
		t.Errorf("C3 lower: no low alarm: %+v", r)
	}
	// C3⁻(9) = 2 + 0 + 0 (C2(8) = −1, C2(7) = +1) = 2 > 1.959964.
	near(t, "score 9", res[9].Score, -2, 1e-12)
	if !res[9].Low {
		t.Errorf("C3⁻(9) = 2: no low alarm: %+v", res[9])
	}
}

// TestCUSUMLowerHand: a constant training mean of 100 and the standard
// residual, so every count 80 has z = −2 and S⁻ grows by 1.5 a period:
// 1.5, 3, 4.5 > 4. The lower bound is 100 − (h + k − S⁻ₜ₋₁)·10: 55, 70, 85.
func TestCUSUMLowerHand(t *testing.T) {
	x := []float64{100, 100, 100, 100, 80, 80, 80, 100}
	res, err := CUSUM(x, Options{Train: 4, Transform: TransformStandard, Side: SideLower})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ s, lower float64 }{{1.5, 55}, {3, 70}, {4.5, 85}, {0, 55}} {
		r := res[4+i]
		near(t, "score", r.Score, -want.s, 1e-12)
		near(t, "lower", r.Lower, want.lower, 1e-9)
		if alarm := i == 2; r.Alarm != alarm || r.Low != alarm {
			t.Errorf("period %d: alarm %v low %v, want %v", 4+i, r.Alarm, r.Low, alarm)
		}
	}
	// Rossi's residual of a zero count is −1.5√μ = −15: a bound that no
	// count can cross (h + k − 0 = 4.5 < 15 is reachable: check both).
	if b := cusumBound(100, -4.5, TransformRossi); !(b > 0 && b < 100) {
		t.Errorf("Rossi bound for c = −4.5: %v, want in (0, 100)", b)
	} else {
		near(t, "Rossi residual at bound", cusumResidual(b, 100, TransformRossi), -4.5, 1e-9)
	}
	if b := cusumBound(100, -16, TransformRossi); b != -1 {
		t.Errorf("Rossi bound below a zero count: %v, want −1", b)
	}
}

// TestFarringtonLowerHand: a constant baseline of 100 gives μ₀ = 100 and
// φ = 1, so the lower bound is the smallest q with P(Poisson(100) ≤ q) >
// 0.05, computed here by summing the probability function.
func TestFarringtonLowerHand(t *testing.T) {
	x := make([]float64, 70)
	for i := range x {
		x[i] = 100
	}
	x[68], x[69] = 70, 95
	res, err := Farrington(x, Options{Period: 12, Side: SideLower, NoTrend: true})
	if err != nil {
		t.Fatal(err)
	}
	cdf, q := 0.0, 0
	for ; ; q++ {
		cdf += math.Exp(float64(q)*math.Log(100) - 100 - lgamma(float64(q)+1))
		if cdf > 0.05 {
			break
		}
	}
	r := res[68]
	near(t, "expected", r.Expected, 100, 1e-6)
	near(t, "lower", r.Lower, float64(q), 0)
	if !r.Alarm || !r.Low {
		t.Errorf("70 against Poisson(100): no low alarm: %+v", r)
	}
	p70 := 0.0
	for k := 0; k <= 70; k++ {
		p70 += math.Exp(float64(k)*math.Log(100) - 100 - lgamma(float64(k)+1))
	}
	near(t, "p", r.PValue, p70, 1e-9)
	near(t, "score", r.Score, -30/(100-float64(q)), 1e-9)
	// 95 is above the lower bound (q = 84): no alarm.
	if res[69].Alarm {
		t.Errorf("95: alarm %+v", res[69])
	}
}

// TestBirthsDropDetected: births −30 % for two months in a seasonal
// series of 200 births a month must raise a low alarm with the lower and
// two-sided CUSUM and Farrington (36 months: Farrington with 2 years,
// CUSUM trained on 24 months). EARS is not required to: its 7-month
// standard deviation includes the seasonal swing (C1 gives −2.9 here).
func TestBirthsDropDetected(t *testing.T) {
	for _, m := range []struct {
		method string
		opts   Options
		n      int
	}{
		{MethodCUSUM, Options{Period: 12}, 36},
		{MethodFarrington, Options{Period: 12, Years: 2}, 36},
	} {
		for _, side := range []string{SideLower, SideBoth} {
			t.Run(m.method+"/"+side, func(t *testing.T) {
				src := rand.NewPCG(20250101, 11)
				s0 := m.n - 4
				x := simulate(src, 200, amplitude, m.n, map[int]float64{s0: 0.7, s0 + 1: 0.7})
				opts := m.opts
				opts.Side = side
				res, err := Detect(m.method, x, opts)
				if err != nil {
					t.Fatal(err)
				}
				if !(res[s0].Low || res[s0+1].Low) {
					t.Errorf("−30 %% at months %d–%d missed: %+v %+v", s0, s0+1, res[s0], res[s0+1])
				}
			})
		}
	}
}

// TestSideErrors rejects an unknown side in every method.
func TestSideErrors(t *testing.T) {
	for _, m := range Methods {
		if _, err := Detect(m, make([]float64, 80), Options{Period: 12, Side: "down"}); err == nil {
			t.Errorf("%s: side down accepted", m)
		}
	}
}

func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

func lgamma(x float64) float64 { v, _ := math.Lgamma(x); return v }

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %v, want %v (±%g)", what, got, want, tol)
	}
}

// TestFitOneWayMatchesIRLS compares the closed-form one-way fit with
// FitPoisson on the same design (intercept = level 3, dummies for 1 and
// 2), with and without prior weights.
func TestFitOneWayMatchesIRLS(t *testing.T) {
	src := rand.New(rand.NewPCG(5, 6))
	level := []int{3, 3, 3, 1, 1, 2, 2, 2, 3, 1, 2, 3}
	y := make([]float64, len(level))
	w := make([]float64, len(level))
	for i := range y {
		y[i] = float64(5 + src.IntN(30))
		w[i] = 0.2 + src.Float64()
	}
	x := mat.NewDense(len(level), 3, nil)
	for i, l := range level {
		x.Set(i, 0, 1)
		if l < 3 {
			x.Set(i, l, 1)
		}
	}
	for _, weights := range [][]float64{nil, w} {
		irls, err := FitPoisson(x, y, weights)
		if err != nil {
			t.Fatal(err)
		}
		ow, ok := fitOneWay(level, y, weights, 3)
		if !ok {
			t.Fatal("one-way fit refused")
		}
		near(t, "coef", ow.Coef[0], irls.Coef[0], 1e-7)
		near(t, "dispersion", ow.Dispersion, irls.Dispersion, 1e-7)
		near(t, "se of the intercept", ow.StdErr(0, 1.7), irls.StdErr(0, 1.7), 1e-7)
		if ow.DF != irls.DF {
			t.Errorf("df %d, IRLS %d", ow.DF, irls.DF)
		}
		for i := range y {
			near(t, "mu", ow.Mu[i], irls.Mu[i], 1e-6)
			near(t, "hat", ow.Hat[i], irls.Hat[i], 1e-7)
		}
	}
	// A level that counts nothing is left to IRLS.
	zero := append([]float64(nil), y...)
	zero[3], zero[4], zero[9] = 0, 0, 0
	if _, ok := fitOneWay(level, zero, nil, 3); ok {
		t.Error("one-way fit accepted a level of zeros")
	}
}
