package cube

import (
	"math"
	"testing"

	"github.com/padis/padis/models"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestPoissonExact(t *testing.T) {
	// Garwood limits from the standard tables (e.g. Ulm 1990).
	tests := []struct{ k, lo, hi float64 }{
		{0, 0, 3.6889},
		{1, 0.0253, 5.5716},
		{10, 4.7954, 18.3904},
		{100, 81.3640, 121.6268}, // checked against the Poisson CDF by bisection
	}
	for _, tt := range tests {
		lo, hi := PoissonExact(tt.k)
		if !near(lo, tt.lo, 1e-4) || !near(hi, tt.hi, 1e-4) {
			t.Errorf("PoissonExact(%v) = [%.4f, %.4f], want [%.4f, %.4f]", tt.k, lo, hi, tt.lo, tt.hi)
		}
	}
	if lo, _ := PoissonExact(-1); !math.IsNaN(lo) {
		t.Errorf("negative count: want NaN")
	}
}

func TestWilson(t *testing.T) {
	tests := []struct{ k, n, lo, hi float64 }{
		{5, 10, 0.2366, 0.7634},
		{0, 10, 0, 0.2775},
		{10, 10, 0.7225, 1},
		{81, 263, 0.2553, 0.3662},
	}
	for _, tt := range tests {
		lo, hi := Wilson(tt.k, tt.n)
		if !near(lo, tt.lo, 1e-4) || !near(hi, tt.hi, 1e-4) {
			t.Errorf("Wilson(%v, %v) = [%.4f, %.4f], want [%.4f, %.4f]", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
	if lo, _ := Wilson(3, 0); !math.IsNaN(lo) {
		t.Errorf("Wilson with n = 0: want NaN")
	}
}

func TestRatioBinomial(t *testing.T) {
	// SRB 110 from 1100 boys and 1000 girls: the interval maps Wilson on p = 1100/2100.
	lo, hi := RatioBinomial(1100, 1000)
	pl, ph := Wilson(1100, 2100)
	if !near(lo, pl/(1-pl), 1e-12) || !near(hi, ph/(1-ph), 1e-12) {
		t.Errorf("RatioBinomial = [%v, %v], want the mapped Wilson limits", lo, hi)
	}
	if !(lo < 1.1 && 1.1 < hi) || hi-lo > 0.2 {
		t.Errorf("RatioBinomial(1100, 1000) = [%v, %v]: should contain 1.1 and be narrow", lo, hi)
	}
	if _, hi := RatioBinomial(3, 0); !math.IsInf(hi, 1) {
		t.Errorf("no girls: upper bound %v, want +Inf", hi)
	}
}

func TestDerive(t *testing.T) {
	c := make(Counts, len(models.Measures))
	set := func(id string, v float64) { c[MeasureIndex(id)] = v }
	set("births", 30)
	set("person_years", 2000)
	set("births_male", 17)
	set("births_female", 13)
	set("households", 0)
	set("household_members", 5)
	cat := models.DefaultCatalog()
	get := func(id string) Value {
		ind, _ := cat.Get(id)
		v, err := Derive(ind, c)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return v
	}
	cbr := get("cbr")
	lo, hi := PoissonExact(30)
	if cbr.Value != 15 || !near(cbr.Lower, lo/2, 1e-12) || !near(cbr.Upper, hi/2, 1e-12) || cbr.Numerator != 30 || cbr.Denominator != 2000 {
		t.Errorf("cbr = %+v", cbr)
	}
	srb := get("srb")
	if !near(srb.Value, 1700.0/13, 1e-9) || !(srb.Lower < srb.Value && srb.Value < srb.Upper) {
		t.Errorf("srb = %+v", srb)
	}
	hs := get("household_size")
	if hs.Flag != FlagEmpty || !math.IsNaN(hs.Value) || hs.Numerator != 5 {
		t.Errorf("household size with no households = %+v", hs)
	}
	if b := get("births"); b.Value != 30 || !math.IsNaN(b.Lower) {
		t.Errorf("births = %+v", b)
	}
	tfr, _ := cat.Get("tfr")
	if _, err := Derive(tfr, c); err == nil {
		t.Errorf("Derive(tfr): want an error (needs the age table)")
	}
}

func TestLifeExpectancyConstantHazard(t *testing.T) {
	// With a constant death rate m at all ages e0 is 1/m, up to the
	// infant a0 rule (≈0.01 year here) and the linear approximation.
	const m = 0.02
	deaths := make([]float64, MaxAge+1)
	py := make([]float64, MaxAge+1)
	for x := range py {
		py[x] = 100000
		deaths[x] = m * py[x]
	}
	e0, se := LifeExpectancy(deaths, py)
	if !near(e0, 1/m, 0.05) {
		t.Errorf("e0 = %v, want ≈ %v", e0, 1/m)
	}
	for x := range py {
		py[x] *= 4
		deaths[x] *= 4
	}
	e0b, se4 := LifeExpectancy(deaths, py)
	if !near(e0b, e0, 1e-9) || !near(se/se4, 2, 1e-6) {
		t.Errorf("4× exposure: e0 %v→%v, SE %v→%v (want the same e0 and half the SE)", e0, e0b, se, se4)
	}
	deaths[90] = 0
	for x := 85; x <= MaxAge; x++ {
		deaths[x] = 0
	}
	if e, _ := LifeExpectancy(deaths, py); !math.IsNaN(e) {
		t.Errorf("no deaths in the open group: e0 = %v, want NaN", e)
	}
}

func TestMedianAge(t *testing.T) {
	tests := []struct {
		pop  []float64
		want float64
	}{
		{[]float64{1, 1, 1, 1}, 2},    // half of 4 is reached at the end of age 1
		{[]float64{0, 4}, 1.5},        // all aged 1: the middle of the year
		{[]float64{2, 0, 0, 2}, 1},    // end of age 0
		{[]float64{0, 0}, math.NaN()}, // empty
	}
	for _, tt := range tests {
		got := MedianAge(tt.pop)
		if !(near(got, tt.want, 1e-12) || (math.IsNaN(got) && math.IsNaN(tt.want))) {
			t.Errorf("MedianAge(%v) = %v, want %v", tt.pop, got, tt.want)
		}
	}
}

func TestMethodsTFR(t *testing.T) {
	var a AgeCounts
	for x := 15; x <= 49; x++ {
		a.Add(2, x, 0, 1000, 0, 0)
	}
	a.Add(2, 25, 0, 0, 0, 100) // ASFR(25) = 0.1
	a.Add(2, 30, 0, 0, 0, 50)  // ASFR(30) = 0.05
	ind, _ := models.DefaultCatalog().Get("tfr")
	vs, err := Methods(ind, &a)
	if err != nil {
		t.Fatal(err)
	}
	// Every weight is 1/1000, so the gamma interval is Garwood's interval
	// of the 150 births / 1000: R poisson.test(150)$conf.int = 126.9562, 176.0172.
	if v := vs[0]; !near(v.Value, 0.15, 1e-12) || !near(v.Lower, 0.1269562, 1e-7) || !near(v.Upper, 0.1760172, 1e-7) {
		t.Errorf("tfr = %+v, want 0.15 [0.1269562, 0.1760172]", v)
	}
	mac, _ := models.DefaultCatalog().Get("mac")
	vs, _ = Methods(mac, &a)
	if want := (25.5*0.1 + 30.5*0.05) / 0.15; !near(vs[0].Value, want, 1e-12) {
		t.Errorf("mac = %v, want %v", vs[0].Value, want)
	}
}

// TestZeroEventIntervals: a value computed from zero events has a positive
// upper bound by every method (the normal approximations gave 0–0).
// Expected values are computed by hand from the formulas in the comments.
func TestZeroEventIntervals(t *testing.T) {
	cat := models.DefaultCatalog()
	get := func(id string) models.Indicator {
		ind, ok := cat.Get(id)
		if !ok {
			t.Fatalf("no indicator %s", id)
		}
		return ind
	}
	c := make(Counts, len(models.Measures))
	set := func(id string, v float64) { c[MeasureIndex(id)] = v }
	set("person_years", 500)
	set("births", 8)
	set("births_female", 5) // no boys
	set("births_order1", 0)
	var noBirths AgeCounts // 35 ages × 10 woman-years, no birth
	for x := 15; x <= 49; x++ {
		noBirths.Add(2, x, 0, 10, 0, 0)
	}
	two := make(Counts, len(models.Measures)) // two births, no infant death
	two[MeasureIndex("births")] = 2
	oneOfTwo := append(Counts(nil), two...)
	oneOfTwo[MeasureIndex("infant_deaths")] = 1
	none := make(Counts, len(models.Measures)) // no birth, no death
	none[MeasureIndex("person_years")] = 500
	derive := func(id string, c Counts) Value {
		v, err := Derive(get(id), c)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	method := func(id string) Value {
		vs, err := Methods(get(id), &noBirths)
		if err != nil {
			t.Fatal(err)
		}
		return vs[0]
	}
	const g0 = 3.6888794541139 // Garwood (1936) upper limit of 0 events: −ln 0.025 (R: poisson.test(0))
	tests := []struct {
		name          string
		v             Value
		value, lo, hi float64
		reason        string // RNI has no event count: judged by its interval
	}{
		// 0 deaths / 500 person-years × 1000.
		{"cdr, no death", derive("cdr", c), 0, 0, g0 / 500 * 1000, ReasonFewEvents},
		// 0 infant deaths / 8 births × 1000.
		{"imr, no infant death", derive("imr", c), 0, 0, g0 / 8 * 1000, ReasonFewEvents},
		// 0 infant deaths / 2 births: Garwood's 3.689/2 exceeds 1, and a
		// proportion's upper bound is at most 1000 ‰.
		{"imr, no infant death of two births", derive("imr", two), 0, 0, 1000, ReasonFewEvents},
		// 1 infant death / 2 births: upper min(5.5716/2, 1) × 1000 = 1000 ‰,
		// lower χ²(0.025; 2)/2 / 2 = 0.0253178/2.
		{"imr, one infant death of two births", derive("imr", oneOfTwo), 500, 0.025317807984289786 / 2 * 1000, 1000, ReasonFewEvents},
		// Wilson 0/8: upper z²/(n + z²) = 3.8415/11.8415 (R: prop.test(0, 8, correct = FALSE)).
		{"first-birth share, none", derive("share_order1", c), 0, 0, z95 * z95 / (8 + z95*z95) * 100, ReasonFewEvents},
		// SRB 0 boys / 5 girls: Wilson on p = 0/5 mapped by p/(1−p): upper z²/5 = 0.76829.
		{"srb, no boy", derive("srb", c), 0, 0, 0.768291764138825 * 100, ReasonFewEvents},
		// RNI with no birth and no death (MOVER): ±g0 / 500 × 1000.
		{"rni, no event", derive("rni", none), 0, -g0 / 500 * 1000, g0 / 500 * 1000, ReasonWideInterval},
		// TFR with no birth (gamma, mean weight 1/10): upper = −ln 0.025 / 10.
		{"tfr, no birth", method("tfr"), 0, 0, g0 / 10, ReasonFewEvents},
	}
	for _, tt := range tests {
		v := tt.v
		if !near(v.Value, tt.value, 1e-9) || !near(v.Lower, tt.lo, 1e-6) || !near(v.Upper, tt.hi, 1e-6) {
			t.Errorf("%s: %v [%v, %v], want %v [%v, %v]", tt.name, v.Value, v.Lower, v.Upper, tt.value, tt.lo, tt.hi)
		}
		if !(v.Upper > 0) || !v.Unreliable || v.ReliabilityReason != tt.reason || v.Flag != FlagUnreliable {
			t.Errorf("%s: %+v, want a positive upper bound and unreliable (few events)", tt.name, v)
		}
	}
}

func TestWeightedPoisson(t *testing.T) {
	tests := []struct {
		name   string
		w, k   []float64
		lo, hi float64
	}{
		// One count: Garwood × weight (R poisson.test(5): 1.623486, 11.668332).
		{"one count", []float64{0.1}, []float64{5}, 0.1623486, 1.1668332},
		// No event: upper −w̄ ln 0.025 with w̄ = (0.1 + 0.3)/2.
		{"no event", []float64{0.1, 0.3}, []float64{0, 0}, 0, 0.2 * 3.6888795},
		// Fay–Feuer by hand: y = 0.09, v = 0.0029, w̄ = 0.03;
		// L = Gamma⁻¹(0.025; 2.7931, scale 0.032222), U = Gamma⁻¹(0.975; 3.7895, scale 0.031667)
		// (mpmath bisection on the regularised incomplete gamma).
		{"two strata", []float64{0.01, 0.05}, []float64{4, 1}, 0.0171266, 0.2675562},
		// A stratum without exposure (weight 0) is ignored.
		{"zero weight ignored", []float64{0.1, 0}, []float64{5, 3}, 0.1623486, 1.1668332},
	}
	for _, tt := range tests {
		lo, hi := WeightedPoisson(tt.w, tt.k)
		if !near(lo, tt.lo, 1e-6) || !near(hi, tt.hi, 1e-6) {
			t.Errorf("%s: [%.7f, %.7f], want [%.7f, %.7f]", tt.name, lo, hi, tt.lo, tt.hi)
		}
	}
	if lo, _ := WeightedPoisson([]float64{0}, []float64{0}); !math.IsNaN(lo) {
		t.Errorf("no exposure: want NaN")
	}
}

func TestPoissonDifference(t *testing.T) {
	// MOVER (Zou & Donner 2008) with Garwood limits: 3 − 2 with
	// l₃ = 0.618672, u₂ = 7.224688, u₃ = 8.767273, l₂ = 0.242209:
	// L = 1 − √((3 − l₃)² + (u₂ − 2)²), U = 1 + √((u₃ − 3)² + (2 − l₂)²).
	lo, hi := PoissonDifference(3, 2)
	if !near(lo, -4.741784, 1e-5) || !near(hi, 7.029201, 1e-5) {
		t.Errorf("PoissonDifference(3, 2) = [%v, %v], want [-4.741784, 7.029201]", lo, hi)
	}
	// Large counts: close to the normal approximation ±1.96 √(a + b).
	lo, hi = PoissonDifference(5000, 4000)
	if se := math.Sqrt(9000); !near(lo, 1000-z95*se, 1) || !near(hi, 1000+z95*se, 1) {
		t.Errorf("PoissonDifference(5000, 4000) = [%v, %v], want ≈ 1000 ± %v", lo, hi, z95*se)
	}
}

func TestReliability(t *testing.T) {
	cat := models.DefaultCatalog()
	tests := []struct {
		ind        string
		v          Value
		unreliable bool
		reason     string
	}{
		{"cbr", Value{Value: 10, Lower: 6, Upper: 15, Numerator: 19, Denominator: 1900}, true, ReasonFewEvents},
		{"cbr", Value{Value: 10, Lower: 6.1, Upper: 15.4, Numerator: 20, Denominator: 2000}, false, ""},
		// 20 events but an interval 140 % of the value wide.
		{"share_order1", Value{Value: 50, Lower: 10, Upper: 80, Numerator: 20, Denominator: 40}, true, ReasonWideInterval},
		// SRB counts all births: 12 boys + 10 girls.
		{"srb", Value{Value: 120, Lower: 52, Upper: 280, Numerator: 12, Denominator: 10}, true, ReasonWideInterval},
		{"srb", Value{Value: 120, Lower: 60, Upper: 200, Numerator: 12, Denominator: 7}, true, ReasonFewEvents},
		// e0 needs 50 deaths.
		{"e0", Value{Value: 78, Lower: 75, Upper: 81, Numerator: 49}, true, ReasonFewEvents},
		{"e0", Value{Value: 78, Lower: 75, Upper: 81, Numerator: 50}, false, ""},
		// RNI: its interval only.
		{"rni", Value{Value: 0.5, Lower: -1, Upper: 2, Numerator: 3}, true, ReasonWideInterval},
		{"rni", Value{Value: 5, Lower: 4, Upper: 6, Numerator: 3}, false, ""},
		// Counts and empty values are not judged.
		{"births", Value{Value: 3, Lower: math.NaN(), Upper: math.NaN(), Numerator: 3}, false, ""},
		{"cbr", Value{Value: math.NaN(), Numerator: 0, Denominator: 0, Flag: FlagEmpty}, false, ""},
	}
	for i, tt := range tests {
		ind, _ := cat.Get(tt.ind)
		v := tt.v
		Assess(ind, &v)
		if v.Unreliable != tt.unreliable || v.ReliabilityReason != tt.reason {
			t.Errorf("%d %s %+v: unreliable %v (%q), want %v (%q)", i, tt.ind, tt.v, v.Unreliable, v.ReliabilityReason, tt.unreliable, tt.reason)
		}
		wantFlag := tt.v.Flag
		if tt.unreliable {
			wantFlag = FlagUnreliable
		}
		if v.Flag != wantFlag {
			t.Errorf("%d %s: flag %q, want %q", i, tt.ind, v.Flag, wantFlag)
		}
	}
}
