package detect

import (
	"math"
	"testing"
)

// TestCountDistribution checks the threshold distribution against
// quantiles and tails summed from the probability mass functions by hand
// (Python math.lgamma).
func TestCountDistribution(t *testing.T) {
	tests := []struct {
		name     string
		mu, phi  float64
		prob     float64
		quantile float64
	}{
		{"Poisson(10)", 10, 1, 0.95, 15},
		{"NB mean 10 var 20", 10, 2, 0.95, 18},
		{"NB mean 5 var 15", 5, 3, 0.99, 17},
		{"NB mean 4000 var 6000", 4000, 1.5, 0.95, 4128},
		{"zero mean", 0, 1, 0.95, 0},
	}
	for _, tc := range tests {
		if got := countQuantile(tc.prob, tc.mu, tc.phi); got != tc.quantile {
			t.Errorf("%s: %v quantile %v, want %v", tc.name, tc.prob, got, tc.quantile)
		}
	}
	tails := []struct {
		name       string
		y, mu, phi float64
		want       float64
	}{
		{"Poisson(10) ≥ 15", 15, 10, 1, 0.08345847293466024},
		{"NB(10, 2) ≥ 18", 18, 10, 2, 0.06103906035422968},
		{"≥ 0", 0, 10, 2, 1},
		{"zero mean, ≥ 1", 1, 0, 1, 0},
	}
	for _, tc := range tails {
		if got := countSurvival(tc.y, tc.mu, tc.phi); math.Abs(got-tc.want) > 1e-10 {
			t.Errorf("%s: P = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestFarringtonLevels checks the seasonal factor layout on weekly data,
// where it is Noufaily's: the 7-week windows form level 10 and each
// 45-week gap is cut into 9 blocks of 5 weeks, levels 1…9.
func TestFarringtonLevels(t *testing.T) {
	p, err := farringtonParams(Options{Period: 52})
	if err != nil {
		t.Fatal(err)
	}
	if p.levels != 10 || p.exclude != 26 || p.years != 5 || p.window != 3 {
		t.Fatalf("weekly defaults: %+v", p)
	}
	const tt = 300
	start, level := farringtonLevels(tt, p)
	if start != tt-5*52-3 || len(level) != 5*52+3+1 {
		t.Fatalf("start %d, %d levels", start, len(level))
	}
	count := map[int]int{}
	for _, l := range level {
		count[l]++
	}
	// 6 windows (5 past years + the current, truncated at t) and 5 gaps.
	if count[10] != 5*7+4 {
		t.Errorf("level 10 has %d weeks, want 39", count[10])
	}
	for l := 1; l <= 9; l++ {
		if count[l] != 5*5 {
			t.Errorf("level %d has %d weeks, want 25", l, count[l])
		}
	}
	if count[0] != 0 {
		t.Errorf("%d weeks without a level", count[0])
	}
	// The week after last year's window starts block 1.
	if l := level[tt-52+3+1-start]; l != 1 {
		t.Errorf("week after last year's window has level %d, want 1", l)
	}

	// Monthly: the gap of 12 − 7 = 5 months caps the levels at 6.
	p, err = farringtonParams(Options{Period: 12})
	if err != nil {
		t.Fatal(err)
	}
	if p.levels != 6 || p.exclude != 6 {
		t.Errorf("monthly defaults: levels %d exclude %d, want 6 and 6", p.levels, p.exclude)
	}
}

func TestFarringtonParamErrors(t *testing.T) {
	x := make([]float64, 100)
	for _, opts := range []Options{
		{},                       // no period
		{Period: 12, Window: 6},  // window wider than the year
		{Period: 12, Levels: 7},  // more levels than the gap allows
		{Period: 12, Exclude: 9}, // would drop last year's window
		{Period: 12, Alpha: 2},   // alpha out of range
		{Period: 12, MinWindow: -1} /* no window for the minimum count */} {
		if _, err := Farrington(x, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
}

// TestFarringtonConstant checks a noiseless series: the baseline equals
// the constant, φ = 1 and the bound is the Poisson quantile.
func TestFarringtonConstant(t *testing.T) {
	x := make([]float64, 80)
	for i := range x {
		x[i] = 30
	}
	x[79] = 60
	res, err := Farrington(x, Options{Period: 12})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 63; i++ {
		if res[i].Assessed() {
			t.Fatalf("period %d assessed with less than 5 years + 3 of history", i)
		}
	}
	want := countQuantile(0.95, 30, 1) // 39
	for _, r := range res[63:] {
		if math.Abs(r.Expected-30) > 1e-6 || r.Upper != want {
			t.Errorf("period %d: expected %v upper %v, want 30 and %v", r.Index, r.Expected, r.Upper, want)
		}
		if r.Alarm != (r.Index == 79) {
			t.Errorf("period %d: alarm %v", r.Index, r.Alarm)
		}
	}
	// surveillance's score for the Noufaily thresholds subtracts the
	// linear predictor log μ₀, not μ₀: (60 − log 30)/(39 − log 30).
	if s, w := res[79].Score, (60-math.Log(30))/(want-math.Log(30)); math.Abs(s-w) > 1e-6 {
		t.Errorf("score %v, want %v", s, w)
	}
}

// TestFarringtonMinCases checks the minimum-count rule and the all-zero
// baseline.
func TestFarringtonMinCases(t *testing.T) {
	x := make([]float64, 70)
	x[69] = 3 // 3 cases in the last 4 months after nothing at all
	res, err := Farrington(x, Options{Period: 12})
	if err != nil {
		t.Fatal(err)
	}
	r := res[69]
	if r.Expected != 0 || r.Upper != 0 || r.PValue != 0 {
		t.Errorf("all-zero baseline: %+v", r)
	}
	if r.Alarm {
		t.Error("alarm on 3 cases, below the minimum of 5 over 4 months")
	}
	res, err = Farrington(x, Options{Period: 12, MinCases: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !res[69].Alarm {
		t.Error("no alarm with the minimum-count rule disabled")
	}
}

// TestFarringtonReweighting plants an outbreak in the baseline: with
// down-weighting the expectation stays near the usual level.
func TestFarringtonReweighting(t *testing.T) {
	x := make([]float64, 76)
	for i := range x {
		x[i] = []float64{48, 52, 50, 47, 53, 51}[i%6]
	}
	// An outbreak two years before the last month, inside a window.
	x[75-24] = 200
	x[75-24+1] = 180
	res, err := Farrington(x, Options{Period: 12, NoTrend: true})
	if err != nil {
		t.Fatal(err)
	}
	withZ := res[75].Expected
	res, err = Farrington(x, Options{Period: 12, NoTrend: true, ReweightZ: 1e9})
	if err != nil {
		t.Fatal(err)
	}
	without := res[75].Expected
	t.Logf("expected with reweighting %.2f, without %.2f", withZ, without)
	if !(withZ < without) || math.Abs(withZ-50) > 5 {
		t.Errorf("reweighted expectation %.2f (unweighted %.2f), want close to 50", withZ, without)
	}
}

// TestFarringtonTrend: a steady decline (as births in many counties) is
// kept as a significant trend, so the expectation follows it instead of
// the baseline mean. A steady rise is not: its prediction exceeds every
// baseline count, and the no-extrapolation rule drops the trend.
func TestFarringtonTrend(t *testing.T) {
	x := make([]float64, 80)
	for i := range x {
		x[i] = math.Round(200 * math.Exp(-0.02*float64(i)))
	}
	res, err := Farrington(x, Options{Period: 12})
	if err != nil {
		t.Fatal(err)
	}
	want := 200 * math.Exp(-0.02*79)
	if e := res[79].Expected; math.Abs(e-want)/want > 0.03 {
		t.Errorf("decline: expected %.2f, want about %.2f", e, want)
	}
	res, err = Farrington(x, Options{Period: 12, NoTrend: true})
	if err != nil {
		t.Fatal(err)
	}
	if e := res[79].Expected; !(e > 1.5*want) {
		t.Errorf("decline without trend: expected %.2f, want well above %.2f", e, want)
	}

	for i := range x {
		x[i] = math.Round(20 * math.Exp(0.02*float64(i)))
	}
	withTrend, err := Farrington(x, Options{Period: 12})
	if err != nil {
		t.Fatal(err)
	}
	noTrend, err := Farrington(x, Options{Period: 12, NoTrend: true})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := withTrend[79].Expected, noTrend[79].Expected; math.Abs(a-b) > 1e-9 {
		t.Errorf("rise: expected %.4f with trend allowed, %.4f without; want equal", a, b)
	}
}

func TestCUSUMHand(t *testing.T) {
	// Non-seasonal, train 4: μ = mean(8, 12, 10, 10) = 10.
	x := []float64{8, 12, 10, 10, 10, 16, 16, 16, 10}
	res, err := CUSUM(x, Options{Train: 4, Transform: TransformStandard, K: 0.5, H: 2})
	if err != nil {
		t.Fatal(err)
	}
	sq := math.Sqrt(10)
	s := 0.0
	for tt := 4; tt < len(x); tt++ {
		c := 2 + 0.5 - s
		z := (x[tt] - 10) / sq
		s = math.Max(0, s+z-0.5)
		alarm := s > 2
		r := res[tt]
		if r.Expected != 10 || math.Abs(r.Score-s) > 1e-12 || r.Alarm != alarm ||
			math.Abs(r.Upper-(10+c*sq)) > 1e-12 {
			t.Errorf("t=%d: %+v, want S=%v alarm %v upper %v", tt, r, s, alarm, 10+c*sq)
		}
		if alarm != (x[tt] > r.Upper) {
			t.Errorf("t=%d: alarm %v but observed %v vs upper %v", tt, alarm, x[tt], r.Upper)
		}
		if alarm {
			s = 0
		}
	}
	// 16 is (16−10)/√10 = 1.90 sd: S = 1.40 after one month, 2.80 after
	// two (alarm, reset), 1.40 after three.
	if !res[6].Alarm || res[5].Alarm || res[7].Alarm {
		t.Errorf("alarms %v %v %v, want only month 6", res[5].Alarm, res[6].Alarm, res[7].Alarm)
	}
}

func TestCUSUMRossiBound(t *testing.T) {
	// The Rossi bound is the count whose residual takes S exactly to H:
	// feeding it back gives S = H.
	x := []float64{20, 25, 18, 22, 30, 24, 19, 21, 23, 26, 28, 17, 40, 35, 22}
	res, err := CUSUM(x, Options{Period: 4, Train: 8})
	if err != nil {
		t.Fatal(err)
	}
	prev := 0.0
	for _, r := range res[8:] {
		m := r.Expected
		z := (r.Upper - 3*m + 2*math.Sqrt(r.Upper*m)) / (2 * math.Sqrt(m))
		if got := prev + z - 0.5; math.Abs(got-4) > 1e-9 {
			t.Errorf("t=%d: S at the bound %v, want 4", r.Index, got)
		}
		prev = r.Score
		if r.Alarm {
			prev = 0
		}
	}
	if _, err := CUSUM(x, Options{Transform: "anscombe"}); err == nil {
		t.Error("unknown transform: no error")
	}
}

func TestBenjaminiHochberg(t *testing.T) {
	tests := []struct {
		name string
		p    []float64
		q    float64
		want []bool
	}{
		// m = 5, thresholds 0.01 0.02 0.03 0.04 0.05: the largest i with
		// p(i) ≤ i·q/m is 3 (0.025 ≤ 0.03), although p(2) = 0.021 > 0.02.
		{"step-up", []float64{0.025, 0.5, 0.001, 0.021, 0.049}, 0.05,
			[]bool{true, false, true, true, false}},
		{"none", []float64{0.2, 0.3}, 0.05, []bool{false, false}},
		// NaN is untested: m = 2, thresholds 0.025 and 0.05.
		{"NaN", []float64{math.NaN(), 0.04, 0.02}, 0.05, []bool{false, true, true}},
		{"bad q", []float64{0.001}, 0, []bool{false}},
		{"empty", nil, 0.05, []bool{}},
	}
	for _, tc := range tests {
		got := BenjaminiHochberg(tc.p, tc.q)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d results, want %d", tc.name, len(got), len(tc.want))
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}
