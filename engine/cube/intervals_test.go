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
	se := math.Sqrt(100.0/1e6 + 50.0/1e6)
	if v := vs[0]; !near(v.Value, 0.15, 1e-12) || !near(v.Upper-v.Value, z95*se, 1e-12) {
		t.Errorf("tfr = %+v, want 0.15 ± %v", v, z95*se)
	}
	mac, _ := models.DefaultCatalog().Get("mac")
	vs, _ = Methods(mac, &a)
	if want := (25.5*0.1 + 30.5*0.05) / 0.15; !near(vs[0].Value, want, 1e-12) {
		t.Errorf("mac = %v, want %v", vs[0].Value, want)
	}
}
