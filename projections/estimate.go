package projections

import (
	"errors"
	"fmt"
	"math"
)

// Counts are the events and exposures of an area, e.g. from the
// individual-record store: deaths and person-years by age and sex, births
// by mother's age with women's person-years, and net migrants.
type Counts struct {
	// Ages is the age grid of Deaths and PersonYears (start ages, last
	// open), e.g. SingleAges(100) or AbridgedAges(85).
	Ages        []int
	Deaths      [2][]float64
	PersonYears [2][]float64
	// Births and WomenYears by mother's single age 15…49 (35 values).
	Births     []float64
	WomenYears []float64
	// BirthsBySex are male and female births, for the SRB (optional).
	BirthsBySex [2]float64
	// NetMigrants and MigrationYears (person-years) by projection age
	// group and sex (optional). MigrationYears may be nil when Ages is the
	// projection grid: PersonYears is used.
	NetMigrants    [2][]float64
	MigrationYears [2][]float64
}

// EstimateOptions sets the standards and the prior strengths of the
// small-area shrinkage. Zero values take the documented defaults.
type EstimateOptions struct {
	Standard     [2]*LifeTable // default StandardLifeTable(sex)
	StandardASFR []float64     // default StandardASFR()
	SRB          float64       // prior SRB, default 105
	// Prior strengths as pseudo-exposure: person-years per year of age
	// width (default 2000), woman-years per single age (default 1000),
	// births for the SRB (default 400) and person-years per migration age
	// group (default 2000). Level priors: 10 pseudo-deaths and 5
	// pseudo-births at the standard level.
	PriorYears, PriorWomenYears, PriorBirths, PriorMigrationYears float64
}

// Estimate holds smoothed rates and the fitted levels.
type Estimate struct {
	Ages      []int        `json:"ages"`
	Mx        [2][]float64 `json:"mx"`
	ASFR      []float64    `json:"asfr"`
	SRB       float64      `json:"srb"`
	Migration [2][]float64 `json:"migration_rates,omitempty"` // per person-year by projection group
	// MortalityLevel is the shrunk ratio of observed to standard-expected
	// deaths (an SMR); FertilityLevel the same for births.
	MortalityLevel [2]float64 `json:"mortality_level"`
	FertilityLevel float64    `json:"fertility_level"`
	// BrassAlpha is the Brass α (β = 1) of the standard whose e0 equals
	// the estimated table's; a compact summary for small-area mapping.
	BrassAlpha [2]float64 `json:"brass_alpha"`
	E0         [2]float64 `json:"e0"`
	TFR        float64    `json:"tfr"`
}

// StandardASFR returns the PADIS standard fertility schedule: annual rates
// for single ages 15…49 proportional to exp(−½((x + ½ − 28)/5.5)²),
// scaled to a TFR of 1.5. It is a documented assumption (mean age at
// childbearing ≈ 28, typical of recent Chinese schedules), used only as the
// shrinkage target's shape.
func StandardASFR() []float64 {
	f := make([]float64, FertileTo-FertileFrom)
	s := 0.0
	for i := range f {
		x := float64(FertileFrom+i) + 0.5
		f[i] = math.Exp(-0.5 * math.Pow((x-28)/5.5, 2))
		s += f[i]
	}
	for i := range f {
		f[i] *= 1.5 / s
	}
	return f
}

// groupRates returns the standard's death rates d/L on the grid ages.
func groupRates(std *LifeTable, ages []int) []float64 {
	m := make([]float64, len(ages))
	for i, a := range ages {
		b := math.Inf(1)
		if i+1 < len(ages) {
			b = float64(ages[i+1])
		}
		L := std.PersonYears(float64(a), b)
		la := survivorsAt(std, float64(a))
		lb := 0.0
		if !math.IsInf(b, 1) {
			lb = survivorsAt(std, b)
		}
		if L > 0 {
			m[i] = (la - lb) / L
		}
	}
	return m
}

// survivorsAt returns l at an age on the table's grid or, between grid
// points, by a constant hazard; beyond the open age by its m.
func survivorsAt(lt *LifeTable, x float64) float64 {
	k := len(lt.Age)
	for i := k - 1; i >= 0; i-- {
		a := float64(lt.Age[i])
		if x >= a {
			return lt.Lx[i] * math.Exp(-lt.hazard(i)*(x-a))
		}
	}
	return lt.Radix
}

// EstimateRates turns counts into rates for a projection, shrinking them
// toward standards when events are few (Poisson–gamma empirical Bayes):
//
//	mortality: k = (ΣD + 10)/(Σ m_std·PY + 10);
//	           m_x = (D_x + w_x·k·m_std,x)/(PY_x + w_x), w_x = PriorYears·n_x
//	fertility: k_f = (ΣB + 5)/(Σ f_std·W + 5);
//	           f_x = (B_x + w·k_f·f_std,x)/(W_x + w), w = PriorWomenYears
//	SRB:       100·(B_m + c·s/(1+s))/(B_f + c/(1+s)), s = prior SRB/100, c = PriorBirths
//	migration: r_g = (NM_g + w·r̄)/(PY_g + w), r̄ = ΣNM/ΣPY of the sex
//
// With many events the observed rates dominate; with none the result is
// the standard scaled to the area's (shrunk) level. The standard's rates
// are aggregated to the counts' grid.
func EstimateRates(c *Counts, opt EstimateOptions) (*Estimate, error) {
	if err := checkAges(c.Ages); err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	k := len(c.Ages)
	def := func(v, d float64) float64 {
		if v == 0 {
			return d
		}
		return v
	}
	priorPY := def(opt.PriorYears, 2000)
	priorW := def(opt.PriorWomenYears, 1000)
	priorB := def(opt.PriorBirths, 400)
	priorM := def(opt.PriorMigrationYears, 2000)
	srb0 := def(opt.SRB, 105)
	est := &Estimate{Ages: append([]int(nil), c.Ages...)}
	for s := Male; s <= Female; s++ {
		if len(c.Deaths[s]) != k || len(c.PersonYears[s]) != k {
			return nil, fmt.Errorf("estimate: %v deaths/person-years need %d age groups, have %d/%d", s, k, len(c.Deaths[s]), len(c.PersonYears[s]))
		}
		std := opt.Standard[s]
		if std == nil {
			std = StandardLifeTable(s)
		}
		ms := groupRates(std, c.Ages)
		var D, E float64
		for i := range k {
			d, py := c.Deaths[s][i], c.PersonYears[s][i]
			if d < 0 || py < 0 || math.IsNaN(d) || math.IsNaN(py) {
				return nil, fmt.Errorf("estimate: %v age %d: deaths %v, person-years %v must be non-negative", s, c.Ages[i], d, py)
			}
			D += d
			E += ms[i] * py
		}
		lvl := (D + 10) / (E + 10)
		est.MortalityLevel[s] = lvl
		mx := make([]float64, k)
		for i := range k {
			w := priorPY * float64(widthAt(c.Ages, i))
			mx[i] = (c.Deaths[s][i] + w*lvl*ms[i]) / (c.PersonYears[s][i] + w)
		}
		est.Mx[s] = mx
		lt, err := NewLifeTable(c.Ages, mx, LifeTableOptions{Sex: s})
		if err != nil {
			return nil, fmt.Errorf("estimate: %v: %w", s, err)
		}
		est.E0[s] = lt.E0()
		if a, _, err := SolveBrassAlpha(std, 1, lt.E0(), CoaleDemeny); err == nil {
			est.BrassAlpha[s] = a
		}
	}
	nf := FertileTo - FertileFrom
	if len(c.Births) != nf || len(c.WomenYears) != nf {
		return nil, fmt.Errorf("estimate: births and women's person-years need %d single ages %d…%d, have %d/%d", nf, FertileFrom, FertileTo-1, len(c.Births), len(c.WomenYears))
	}
	fs := opt.StandardASFR
	if fs == nil {
		fs = StandardASFR()
	}
	if len(fs) != nf {
		return nil, fmt.Errorf("estimate: standard ASFR has %d values, want %d", len(fs), nf)
	}
	var B, EB float64
	for i := range nf {
		if c.Births[i] < 0 || c.WomenYears[i] < 0 {
			return nil, fmt.Errorf("estimate: age %d: births %v, woman-years %v must be non-negative", FertileFrom+i, c.Births[i], c.WomenYears[i])
		}
		B += c.Births[i]
		EB += fs[i] * c.WomenYears[i]
	}
	est.FertilityLevel = (B + 5) / (EB + 5)
	est.ASFR = make([]float64, nf)
	for i := range nf {
		est.ASFR[i] = (c.Births[i] + priorW*est.FertilityLevel*fs[i]) / (c.WomenYears[i] + priorW)
		est.TFR += est.ASFR[i]
	}
	sr := srb0 / 100
	est.SRB = 100 * (c.BirthsBySex[Male] + priorB*sr/(1+sr)) / (c.BirthsBySex[Female] + priorB/(1+sr))
	for s := Male; s <= Female; s++ {
		nm := c.NetMigrants[s]
		if nm == nil {
			continue
		}
		py := c.MigrationYears[s]
		if py == nil {
			py = c.PersonYears[s]
		}
		if len(py) != len(nm) {
			return nil, errors.New("estimate: net migrants and their person-years differ in length")
		}
		var sn, sp float64
		for g := range nm {
			sn += nm[g]
			sp += py[g]
		}
		rbar := 0.0
		if sp > 0 {
			rbar = sn / sp
		}
		r := make([]float64, len(nm))
		for g := range nm {
			r[g] = (nm[g] + priorM*rbar) / (py[g] + priorM)
		}
		est.Migration[s] = r
	}
	return est, nil
}

func widthAt(ages []int, i int) int {
	if i+1 < len(ages) {
		return ages[i+1] - ages[i]
	}
	return 5
}

// Apply copies the estimated rates into in: mortality as mx on the
// estimate's grid, ASFR, SRB and (when estimated) migration as rates.
func (e *Estimate) Apply(in *Input) {
	for s := Male; s <= Female; s++ {
		in.Mortality[s] = Mortality{Ages: e.Ages, Mx: e.Mx[s]}
		if e.Migration[s] != nil {
			in.Migration.Net[s] = e.Migration[s]
			in.Migration.Kind = MigrationRates
		}
	}
	in.ASFR = append([]float64(nil), e.ASFR...)
	in.SRB = e.SRB
}
