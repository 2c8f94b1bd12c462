package projections

import (
	"errors"
	"fmt"
	"math"
)

// MigrationKind says how Migration.Net is expressed.
type MigrationKind int

const (
	// MigrationCounts: Net holds annual net migrants by age group and sex
	// (an n-year step moves n times as many).
	MigrationCounts MigrationKind = iota
	// MigrationRates: Net holds annual net migration rates per person-year;
	// the interval's migrants are rate × P(t) × n.
	MigrationRates
)

// MigrationTiming says when in the interval migrants are added.
type MigrationTiming int

const (
	// HalfStartHalfEnd adds half the interval's migrants at the start
	// (they are then survived with the population) and half at the end
	// (UN WPP convention).
	HalfStartHalfEnd MigrationTiming = iota
	// AllAtEnd adds all migrants at the end of the interval.
	AllAtEnd
)

// Mortality gives one sex's mortality on a life-table age grid, as death
// rates Mx or as person-years NLx (at most one of them), or only as a
// life expectancy E0 for areas with too few deaths.
//
// When E0 > 0 the life table is the Brass logit model (β = 1) whose α gives
// that e0 against a standard: the table of Mx or NLx when given (e.g. the
// province's), else the PADIS standard (StandardLifeTable).
type Mortality struct {
	Ages  []int     // start ages of the life-table intervals; the last is open
	Mx    []float64 // central death rates
	NLx   []float64 // person-years nLx, alternative to Mx
	Radix float64   // l0 of NLx; 0 means 1
	E0    float64   // target life expectancy (Brass model), optional
}

// Migration is net migration by projection age group and sex.
type Migration struct {
	Kind   MigrationKind
	Timing MigrationTiming
	Net    [2][]float64 // [sex][group]; nil means none
}

// Benefit is a benefit programme whose eligible population is a share of
// each age-sex group (e.g. the rural family-planning reward: the share of
// persons aged 60+ who qualify).
type Benefit struct {
	Name         string
	AnnualAmount float64      // yuan per eligible person per year
	Share        [2][]float64 // [sex][group] eligible share in [0, 1]
}

// Input is everything one projection needs: the base population and the
// statisticians' (or EstimateRates') rates. Age groups are 0, Step, 2·Step,
// …, OpenAge (the last open).
type Input struct {
	Name      string
	BaseYear  int
	Step      int          // 1 (single years, annual steps) or 5 (five-year groups and steps); 0 means 1
	OpenAge   int          // ω, 0 means 100; a multiple of Step
	Pop       [2][]float64 // base population [sex][group]
	Mortality [2]Mortality // per sex
	ASFR      []float64    // 35 annual fertility rates for single ages 15…49
	SRB       float64      // sex ratio at birth, males per 100 females; 0 means 105
	Migration Migration
	A0        A0Rule
	Benefit   *Benefit
}

// FertileFrom and FertileTo bound the ages of ASFR: the first age (15) and
// one past the last (50).
const (
	FertileFrom = 15
	FertileTo   = 50
)

// normalized returns a shallow copy of in with defaults filled in.
func (in *Input) normalized() Input {
	c := *in
	if c.Step == 0 {
		c.Step = 1
	}
	if c.OpenAge == 0 {
		c.OpenAge = 100
	}
	if c.SRB == 0 {
		c.SRB = 105
	}
	return c
}

// Groups returns the number of projection age groups.
func (in *Input) Groups() int {
	c := in.normalized()
	return c.OpenAge/c.Step + 1
}

// Validate checks the input and returns an error naming the first problem.
func (in *Input) Validate() error {
	c := in.normalized()
	if c.Step != 1 && c.Step != 5 {
		return fmt.Errorf("step is %d, want 1 or 5", c.Step)
	}
	if c.OpenAge%c.Step != 0 || c.OpenAge < 2*c.Step {
		return fmt.Errorf("open age %d must be a multiple of the step %d and at least %d", c.OpenAge, c.Step, 2*c.Step)
	}
	if c.OpenAge < FertileTo && c.TFR() > 0 {
		return fmt.Errorf("open age %d is below %d but the ASFR are not all zero", c.OpenAge, FertileTo)
	}
	G := c.OpenAge/c.Step + 1
	for s := Male; s <= Female; s++ {
		if len(c.Pop[s]) != G {
			return fmt.Errorf("%v population has %d age groups, want %d (0…%d+ by %d)", s, len(c.Pop[s]), G, c.OpenAge, c.Step)
		}
		for g, v := range c.Pop[s] {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("%v population at age %d is %v, want a finite non-negative number", s, g*c.Step, v)
			}
		}
		m := c.Mortality[s]
		if m.Mx != nil && m.NLx != nil || m.Mx == nil && m.NLx == nil && !(m.E0 > 0) {
			return fmt.Errorf("%v mortality: give exactly one of mx and Lx, or e0", s)
		}
		if m.E0 < 0 || m.E0 > 110 || math.IsNaN(m.E0) {
			return fmt.Errorf("%v mortality: e0 %v out of range", s, m.E0)
		}
		if n := len(c.Migration.Net[s]); n != 0 && n != G {
			return fmt.Errorf("%v migration has %d age groups, want %d", s, n, G)
		}
		for g, v := range c.Migration.Net[s] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%v migration at age %d is %v", s, g*c.Step, v)
			}
		}
		if c.Benefit != nil {
			if n := len(c.Benefit.Share[s]); n != 0 && n != G {
				return fmt.Errorf("%v benefit share has %d age groups, want %d", s, n, G)
			}
			for g, v := range c.Benefit.Share[s] {
				if !(v >= 0 && v <= 1) {
					return fmt.Errorf("%v benefit share at age %d is %v, want a value in [0, 1]", s, g*c.Step, v)
				}
			}
		}
	}
	if len(c.ASFR) != FertileTo-FertileFrom {
		return fmt.Errorf("ASFR has %d values, want %d (single ages %d…%d)", len(c.ASFR), FertileTo-FertileFrom, FertileFrom, FertileTo-1)
	}
	for i, f := range c.ASFR {
		if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return fmt.Errorf("ASFR at age %d is %v, want a finite non-negative number", FertileFrom+i, f)
		}
	}
	if !(c.SRB > 0) || math.IsInf(c.SRB, 0) {
		return fmt.Errorf("SRB is %v, want a positive number", c.SRB)
	}
	return nil
}

// LifeTables builds the base life tables of both sexes.
func (in *Input) LifeTables() ([2]*LifeTable, error) {
	var lts [2]*LifeTable
	for s := Male; s <= Female; s++ {
		m := in.Mortality[s]
		var lt *LifeTable
		var err error
		switch {
		case m.Mx != nil:
			lt, err = NewLifeTable(m.Ages, m.Mx, LifeTableOptions{Sex: s, A0: in.A0})
		case m.NLx != nil:
			lt, err = NewLifeTableFromLx(m.Ages, m.NLx, m.Radix)
			if lt != nil {
				lt.Sex = s
			}
		case m.E0 > 0:
			lt = StandardLifeTable(s)
		default:
			err = errors.New("no mx or Lx")
		}
		if err == nil && m.E0 > 0 {
			_, lt, err = SolveBrassAlpha(lt, 1, m.E0, in.A0)
		}
		if err != nil {
			return lts, fmt.Errorf("%v mortality: %w", s, err)
		}
		lts[s] = lt
	}
	return lts, nil
}

// TFR returns the total fertility rate of the input's ASFR.
func (in *Input) TFR() float64 {
	t := 0.0
	for _, f := range in.ASFR {
		t += f
	}
	return t
}

// Regroup returns a copy of a single-year input (Step 1) on five-year
// groups (Step 5): population and migration counts are summed; migration
// rates and benefit shares become population-weighted means of the single
// years (plain means where the group is empty). Mortality, ASFR, SRB and
// the rest are unchanged (the life table is aggregated by the projection).
func (in *Input) Regroup(step int) (*Input, error) {
	c := in.normalized()
	if step == c.Step {
		return &c, nil
	}
	if c.Step != 1 || step != 5 || c.OpenAge%5 != 0 {
		return nil, fmt.Errorf("regroup: only single years to five-year groups (open age a multiple of 5), not step %d to %d", c.Step, step)
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	out := c
	G := c.OpenAge/5 + 1
	weighted := func(v, w []float64) []float64 {
		if v == nil {
			return nil
		}
		r := make([]float64, G)
		for g := range G {
			var sw, sv, n float64
			for x := g * 5; x < min(g*5+5, len(v)); x++ {
				sw += w[x]
				sv += v[x] * w[x]
				n++
				if g == G-1 {
					break
				}
			}
			if sw > 0 {
				r[g] = sv / sw
			} else {
				s := 0.0
				for x := g * 5; x < min(g*5+5, len(v)); x++ {
					s += v[x]
					if g == G-1 {
						break
					}
				}
				r[g] = s / n
			}
		}
		return r
	}
	sum := func(v []float64) []float64 {
		if v == nil {
			return nil
		}
		r := make([]float64, G)
		for x, a := range v {
			r[min(x/5, G-1)] += a
		}
		return r
	}
	for s := Male; s <= Female; s++ {
		out.Pop[s] = sum(c.Pop[s])
		if c.Migration.Kind == MigrationCounts {
			out.Migration.Net[s] = sum(c.Migration.Net[s])
		} else {
			out.Migration.Net[s] = weighted(c.Migration.Net[s], c.Pop[s])
		}
	}
	if c.Benefit != nil {
		b := *c.Benefit
		for s := Male; s <= Female; s++ {
			b.Share[s] = weighted(c.Benefit.Share[s], c.Pop[s])
		}
		out.Benefit = &b
	}
	out.Step = 5
	return &out, nil
}
