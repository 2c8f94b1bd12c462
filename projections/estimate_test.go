package projections

import (
	"math"
	"testing"
)

func syntheticCounts(scale float64, lvl float64) *Counts {
	c := &Counts{Ages: SingleAges(100)}
	for s := Male; s <= Female; s++ {
		std := StandardLifeTable(s)
		ms := groupRates(std, c.Ages)
		c.Deaths[s] = make([]float64, 101)
		c.PersonYears[s] = make([]float64, 101)
		for x := range 101 {
			py := scale * std.NLx[min(x, 100)]
			c.PersonYears[s][x] = py
			c.Deaths[s][x] = lvl * ms[x] * py
		}
	}
	f := StandardASFR()
	c.Births = make([]float64, 35)
	c.WomenYears = make([]float64, 35)
	for i := range f {
		c.WomenYears[i] = scale
		c.Births[i] = 1.2 * f[i] * scale // TFR 1.8
	}
	c.BirthsBySex = [2]float64{0.55 * scale, 0.45 * scale}
	return c
}

func TestEstimateRatesLargeArea(t *testing.T) {
	// Expected counts with huge exposure: the estimate returns the
	// observed rates (1.3 × standard mortality, TFR 1.8, SRB 122.2).
	c := syntheticCounts(1e9, 1.3)
	e, err := EstimateRates(c, EstimateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	std := StandardLifeTable(Male)
	ms := groupRates(std, c.Ages)
	for x := range 101 {
		if !near(e.Mx[Male][x], 1.3*ms[x], 1e-5) {
			t.Fatalf("age %d: m %v, want %v", x, e.Mx[Male][x], 1.3*ms[x])
		}
	}
	if math.Abs(e.TFR-1.8) > 1e-5 || math.Abs(e.SRB-100*0.55/0.45) > 1e-3 || math.Abs(e.MortalityLevel[Male]-1.3) > 1e-6 {
		t.Errorf("TFR %v SRB %v level %v", e.TFR, e.SRB, e.MortalityLevel[Male])
	}
	if e.BrassAlpha[Male] <= 0 || e.E0[Male] >= std.E0() {
		t.Errorf("higher mortality: alpha %v e0 %v", e.BrassAlpha[Male], e.E0[Male])
	}
}

func TestEstimateRatesSmallArea(t *testing.T) {
	// A village: ~500 person-years, 3 deaths all at age 40, 2 births.
	c := &Counts{Ages: AbridgedAges(85)}
	for s := Male; s <= Female; s++ {
		c.Deaths[s] = make([]float64, len(c.Ages))
		c.PersonYears[s] = make([]float64, len(c.Ages))
		for i := range c.Ages {
			c.PersonYears[s][i] = 15
		}
	}
	c.Deaths[Male][9] = 3 // age 40–44
	c.Births = make([]float64, 35)
	c.WomenYears = make([]float64, 35)
	for i := range c.WomenYears {
		c.WomenYears[i] = 5
	}
	c.Births[10] = 2
	c.BirthsBySex = [2]float64{2, 0}
	e, err := EstimateRates(c, EstimateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The raw rate at 40–44 is 3/15 = 0.2; shrunk to near the standard.
	if e.Mx[Male][9] > 0.01 {
		t.Errorf("40–44 rate %v not shrunk", e.Mx[Male][9])
	}
	// Every age has a positive rate and the table is valid.
	for i, m := range e.Mx[Female] {
		if !(m > 0) {
			t.Errorf("female age %d rate %v", c.Ages[i], m)
		}
	}
	// Raw TFR = 2/5 = 0.4; level k = (2+5)/(1.5·5+5) = 0.56 → TFR between
	// the raw value and the standard's 1.5: ≈ 0.84. SRB barely moves from
	// 105 with 2 boys: 100·(2+400·1.05/2.05)/(0+400/2.05) = 106.025.
	if e.TFR < 0.4 || e.TFR > 1.5 || math.Abs(e.SRB-106.025) > 1e-9 {
		t.Errorf("TFR %v SRB %v", e.TFR, e.SRB)
	}
	// The estimate plugs into an Input.
	in := testInput(1, 100)
	e.Apply(in)
	if _, err := Project(in, nil, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := EstimateRates(&Counts{Ages: []int{0, 1}}, EstimateOptions{}); err == nil {
		t.Error("missing counts accepted")
	}
}

func TestEstimateMigration(t *testing.T) {
	c := syntheticCounts(1000, 1)
	for s := Male; s <= Female; s++ {
		c.NetMigrants[s] = make([]float64, 101)
	}
	c.NetMigrants[Male][25] = 50 // lots at one age, none elsewhere
	e, err := EstimateRates(c, EstimateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	py := c.PersonYears[Male][25]
	rbar := 50 / sumOf(c.PersonYears[Male])
	want := (50 + 2000*rbar) / (py + 2000)
	if math.Abs(e.Migration[Male][25]-want) > 1e-12 || e.Migration[Female][25] != 0 {
		t.Errorf("migration rate %v, want %v", e.Migration[Male][25], want)
	}
}
