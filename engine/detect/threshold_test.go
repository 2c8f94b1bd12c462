package detect

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestFarringtonThresholdReference reproduces the values surveillance's
// tests publish for algo.farrington.threshold.farrington (μ₀ 5, se 0.2,
// φ 1, α 0.05, y 8; tests/testthat/test-farringtonFlexible.R): lower,
// upper, probability and score for each power transformation.
func TestFarringtonThresholdReference(t *testing.T) {
	for _, tc := range []struct {
		power string
		want  [4]float64
	}{
		{PowerNone, [4]float64{1.3073128, 8.6926872, 0.0907246, 0.8124165}},
		{PowerHalf, [4]float64{1.9891097, 9.3744842, 0.1189986, 0.6857951}},
		{PowerTwoThird, [4]float64{1.8084477, 9.1154825, 0.1094727, 0.7289546}},
	} {
		b, err := FarringtonThreshold(5, 0.2, 1, tc.power, 0.05, 8)
		if err != nil {
			t.Fatal(err)
		}
		got := [4]float64{b.Lower, b.Upper, b.Prob, b.Score}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-6 {
				t.Errorf("power %s: %v, want %v (surveillance)", tc.power, got, tc.want)
				break
			}
		}
	}
	if _, err := FarringtonThreshold(5, 0.2, 1, "2/88", 0.05, 8); err == nil {
		t.Error("power 2/88 accepted")
	}
}

// TestNoufailyThresholdReference reproduces surveillance's published
// values for algo.farrington.threshold.noufaily (η₀ log 5, se log 2, α
// 0.05, y 11): muan and nbPlugin, φ 1.5 and 1.
func TestNoufailyThresholdReference(t *testing.T) {
	for _, tc := range []struct {
		method string
		phi    float64
		want   [4]float64
	}{
		{ThresholdMuan, 1.5, [4]float64{8, 24, 0.8597797, 0.4193982}},
		{ThresholdMuan, 1, [4]float64{9, 22, 0.9093099, 0.4605347}},
		{ThresholdNBPlugin, 1.5, [4]float64{1, 10, 0.03763657, 1.11918153}},
		{ThresholdNBPlugin, 1, [4]float64{2, 9, 0.01369527, 1.27061541}},
	} {
		b, err := NoufailyThreshold(math.Log(5), math.Log(2), tc.phi, tc.method, 0.05, 11)
		if err != nil {
			t.Fatal(err)
		}
		got := [4]float64{b.Lower, b.Upper, b.Prob, b.Score}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-6 {
				t.Errorf("%s φ %v: %v, want %v (surveillance)", tc.method, tc.phi, got, tc.want)
				break
			}
		}
	}
}

// TestThresholdLowerClamped: a small mean's lower limit would be negative
// on the count scale (none), have no real root (2/3) or be the square of
// a negative root (1/2, which R reports as a positive limit): it is 0.
func TestThresholdLowerClamped(t *testing.T) {
	for _, p := range []string{PowerNone, PowerHalf, PowerTwoThird} {
		b, err := FarringtonThreshold(0.5, 0.3, 2, p, 0.05, 1)
		if err != nil {
			t.Fatal(err)
		}
		if b.Lower != 0 || !(b.Upper > 0.5) {
			t.Errorf("power %s: lower %v upper %v, want 0 and above the mean", p, b.Lower, b.Upper)
		}
	}
	b, _ := NoufailyThreshold(math.Log(0.2), 0.1, 1.5, ThresholdNBPlugin, 0.05, 0)
	if b.Lower != 0 {
		t.Errorf("Noufaily lower %v, want 0", b.Lower)
	}
}

// TestBHAdjust checks adjusted p-values by hand and their agreement with
// BenjaminiHochberg's rejections at any q.
func TestBHAdjust(t *testing.T) {
	got := BHAdjust([]float64{0.01, 0.04, 0.03, math.NaN(), 0.2})
	want := []float64{0.04, 0.16 / 3, 0.16 / 3, math.NaN(), 0.2}
	for i := range want {
		if !(math.Abs(got[i]-want[i]) < 1e-12 || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Errorf("adjusted %v, want %v", got, want)
			break
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	p := make([]float64, 200)
	for i := range p {
		p[i] = math.Pow(r.Float64(), 3)
	}
	adj := BHAdjust(p)
	for _, q := range []float64{0.001, 0.01, 0.05, 0.2} {
		rej := BenjaminiHochberg(p, q)
		for i := range p {
			if rej[i] != (adj[i] <= q) {
				t.Fatalf("q %v unit %d: rejected %v but adjusted p %v", q, i, rej[i], adj[i])
			}
		}
	}
}

// TestFarringtonThresholdMethods runs the detector with each threshold
// method on a seasonal Poisson series with an outbreak: the bounds are
// those of the threshold functions at the model's μ₀, φ and se (checked
// against surveillance above), muan's upper bound is at least the
// plug-in's, every lower bound is ≥ 0, and all three flag the outbreak.
func TestFarringtonThresholdMethods(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	x := make([]float64, 84)
	for i := range x {
		mu := 20 * (1 + 0.3*math.Sin(2*math.Pi*float64(i)/12))
		x[i] = distuv.Poisson{Lambda: mu, Src: r}.Rand()
	}
	x[83] = 3 * x[71]
	res := map[string][]Result{}
	for _, th := range []struct{ method, power string }{{ThresholdNBPlugin, ""}, {ThresholdMuan, ""}, {ThresholdDelta, PowerNone}, {ThresholdDelta, PowerHalf}, {ThresholdDelta, PowerTwoThird}} {
		out, err := Farrington(x, Options{Period: 12, Threshold: th.method, Power: th.power})
		if err != nil {
			t.Fatal(err)
		}
		res[th.method+th.power] = out
		if !out[83].Alarm {
			t.Errorf("%s %s: outbreak (%v, upper %v) not flagged", th.method, th.power, x[83], out[83].Upper)
		}
		for _, o := range out[63:] {
			if !(o.Lower >= 0) || !(o.Upper > o.Lower) {
				t.Errorf("%s %s period %d: bounds %v–%v", th.method, th.power, o.Index, o.Lower, o.Upper)
			}
		}
	}
	for i := 63; i < len(x); i++ {
		if res[ThresholdMuan][i].Upper < res[ThresholdNBPlugin][i].Upper {
			t.Errorf("period %d: muan upper %v below the plug-in's %v", i, res[ThresholdMuan][i].Upper, res[ThresholdNBPlugin][i].Upper)
		}
	}
	p, _ := farringtonParams(Options{Period: 12})
	mu0, phi, se, ok := farringtonPredict(x, 83, p)
	if !ok {
		t.Fatal("no fit")
	}
	b, _ := FarringtonThreshold(mu0, mu0*se, phi, PowerTwoThird, 0.05, x[83])
	if got := res[ThresholdDelta+PowerTwoThird][83]; got.Upper != b.Upper || got.Score != b.Score {
		t.Errorf("delta 2/3: upper %v score %v, threshold function %v %v", got.Upper, got.Score, b.Upper, b.Score)
	}
	for _, o := range []Options{{Period: 12, Threshold: "quantile"}, {Period: 12, Threshold: ThresholdDelta, Power: "1/3"}} {
		if _, err := Farrington(x, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
