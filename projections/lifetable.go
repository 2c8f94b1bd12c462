package projections

import (
	"errors"
	"fmt"
	"math"
)

// LifeTable is a period life table on the age intervals
// [Age[i], Age[i]+Width[i]); the last interval is open (Width 0).
// The grid may be single years (0, 1, …, ω) or abridged (0, 1, 5, 10, …, ω)
// or any other increasing grid starting at 0.
//
// Column names follow the usual notation: Lx holds the survivors l_x at
// exact age Age[i] and NLx holds the person-years nL_x lived in the
// interval, both per Radix births.
type LifeTable struct {
	Sex   Sex
	Age   []int     // start of each interval
	Width []int     // n, 0 for the open interval
	Mx    []float64 // nm_x, central death rate
	Ax    []float64 // na_x, mean years lived in the interval by those dying in it
	Qx    []float64 // nq_x, probability of dying in the interval
	Lx    []float64 // l_x, survivors at exact age x
	Dx    []float64 // nd_x, deaths in the interval
	NLx   []float64 // nL_x, person-years lived in the interval
	Tx    []float64 // T_x, person-years lived above age x
	Ex    []float64 // e_x, expectation of life at age x
	Radix float64   // l_0
}

// LifeTableOptions controls NewLifeTable.
type LifeTableOptions struct {
	Sex Sex    // selects the a0 and 4a1 formulas
	A0  A0Rule // rule for 1a0 (and 4a1 when the grid is abridged)
	// Ax optionally overrides nax for some intervals; entries that are NaN
	// (or beyond the slice) use the default rule. The open interval always
	// uses 1/m.
	Ax    []float64
	Radix float64 // l_0; 0 means 1
}

// NewLifeTable builds a life table from central death rates mx on the age
// grid ages (start ages, the last one opening the open interval).
//
// nax defaults: age 0 of width 1 by opt.A0; ages 1–4 (width 4) by the
// Coale–Demeny 4a1; a 0–4 group (width 5 at age 0) by the constant-hazard
// value 1/m − n·e^(−nm)/(1−e^(−nm)); every other closed interval n/2.
// nqx = n·m/(1+(n−a)·m) (capped at 1); nLx = n·l_(x+n) + a·d; the open
// interval has q = 1 and L = l/m.
func NewLifeTable(ages []int, mx []float64, opt LifeTableOptions) (*LifeTable, error) {
	if err := checkAges(ages); err != nil {
		return nil, err
	}
	if len(mx) != len(ages) {
		return nil, fmt.Errorf("life table: %d death rates for %d ages", len(mx), len(ages))
	}
	k := len(ages)
	for i, m := range mx {
		if math.IsNaN(m) || math.IsInf(m, 0) || m < 0 {
			return nil, fmt.Errorf("life table: death rate at age %d is %v, want a finite non-negative number", ages[i], m)
		}
	}
	if mx[k-1] <= 0 {
		return nil, fmt.Errorf("life table: death rate of the open age group %d+ is %v, want > 0 (L = l/m)", ages[k-1], mx[k-1])
	}
	radix := opt.Radix
	if radix == 0 {
		radix = 1
	}
	lt := newTable(ages, radix)
	lt.Sex = opt.Sex
	copy(lt.Mx, mx)
	m0 := mx[0]
	for i := 0; i < k; i++ {
		n := float64(lt.Width[i])
		m := mx[i]
		var a float64
		switch {
		case i == k-1:
			a = 1 / m
		case i < len(opt.Ax) && !math.IsNaN(opt.Ax[i]):
			a = opt.Ax[i]
		case ages[i] == 0 && lt.Width[i] == 1:
			a = A0(opt.A0, opt.Sex, m0)
		case ages[i] == 1 && lt.Width[i] == 4:
			a = A1to4(opt.Sex, m0)
		case ages[i] == 0 && lt.Width[i] > 1 && m > 0:
			e := math.Exp(-n * m)
			a = 1/m - n*e/(1-e)
		default:
			a = n / 2
		}
		lt.Ax[i] = a
	}
	lt.fillFromMx()
	return lt, nil
}

// fillFromMx computes q, l, d, L, T and e from Mx and Ax.
func (lt *LifeTable) fillFromMx() {
	k := len(lt.Age)
	l := lt.Radix
	for i := 0; i < k; i++ {
		lt.Lx[i] = l
		if i == k-1 {
			lt.Qx[i] = 1
			lt.Dx[i] = l
			lt.NLx[i] = l / lt.Mx[i]
			break
		}
		n := float64(lt.Width[i])
		m, a := lt.Mx[i], lt.Ax[i]
		q := n * m / (1 + (n-a)*m)
		if q > 1 {
			q = 1
		}
		d := l * q
		next := l - d
		lt.Qx[i] = q
		lt.Dx[i] = d
		lt.NLx[i] = n*next + a*d
		l = next
	}
	lt.fillT()
}

// fillT computes T and e from NLx and Lx.
func (lt *LifeTable) fillT() {
	t := 0.0
	for i := len(lt.Age) - 1; i >= 0; i-- {
		t += lt.NLx[i]
		lt.Tx[i] = t
		if lt.Lx[i] > 0 {
			lt.Ex[i] = t / lt.Lx[i]
		}
	}
}

// NewLifeTableFromLx builds a life table from person-years nLx (radix
// radix, 0 meaning 1), as published in many life tables. The projection
// only needs nLx and T; the other columns are approximated: l_0 = radix,
// l at an inner boundary is the mean of the person-years per year of the two
// adjacent intervals, l at the open age is the last closed interval's
// person-years per year extrapolated geometrically half an interval, and
// then d = l_x − l_(x+n), q = d/l, m = d/L, a = (L − n·l_(x+n))/d.
func NewLifeTableFromLx(ages []int, nLx []float64, radix float64) (*LifeTable, error) {
	if err := checkAges(ages); err != nil {
		return nil, err
	}
	if len(nLx) != len(ages) {
		return nil, fmt.Errorf("life table: %d person-years values for %d ages", len(nLx), len(ages))
	}
	for i, v := range nLx {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return nil, fmt.Errorf("life table: nLx at age %d is %v, want a finite positive number", ages[i], v)
		}
	}
	if radix == 0 {
		radix = 1
	}
	k := len(ages)
	lt := newTable(ages, radix)
	copy(lt.NLx, nLx)
	lt.Lx[0] = radix
	perYear := func(i int) float64 { return nLx[i] / float64(lt.Width[i]) }
	for i := 1; i < k; i++ {
		if i < k-1 {
			lt.Lx[i] = (perYear(i-1) + perYear(i)) / 2
		} else {
			y := perYear(i - 1)
			g := 1.0
			if i >= 2 {
				g = math.Sqrt(y / perYear(i-2))
			}
			lt.Lx[i] = math.Min(y*g, lt.Lx[i-1])
		}
		if lt.Lx[i] > lt.Lx[i-1] {
			lt.Lx[i] = lt.Lx[i-1]
		}
	}
	for i := 0; i < k; i++ {
		if i == k-1 {
			lt.Dx[i] = lt.Lx[i]
			lt.Qx[i] = 1
			lt.Mx[i] = lt.Lx[i] / nLx[i]
			lt.Ax[i] = nLx[i] / lt.Lx[i]
			continue
		}
		n := float64(lt.Width[i])
		d := lt.Lx[i] - lt.Lx[i+1]
		lt.Dx[i] = d
		if lt.Lx[i] > 0 {
			lt.Qx[i] = d / lt.Lx[i]
		}
		lt.Mx[i] = d / nLx[i]
		if d > 0 {
			lt.Ax[i] = (nLx[i] - n*lt.Lx[i+1]) / d
		} else {
			lt.Ax[i] = n / 2
		}
	}
	lt.fillT()
	return lt, nil
}

func newTable(ages []int, radix float64) *LifeTable {
	k := len(ages)
	buf := make([]float64, 9*k)
	lt := &LifeTable{
		Age:   append([]int(nil), ages...),
		Width: make([]int, k),
		Mx:    buf[0*k : 1*k],
		Ax:    buf[1*k : 2*k],
		Qx:    buf[2*k : 3*k],
		Lx:    buf[3*k : 4*k],
		Dx:    buf[4*k : 5*k],
		NLx:   buf[5*k : 6*k],
		Tx:    buf[6*k : 7*k],
		Ex:    buf[7*k : 8*k],
		Radix: radix,
	}
	for i := 0; i < k-1; i++ {
		lt.Width[i] = ages[i+1] - ages[i]
	}
	return lt
}

func checkAges(ages []int) error {
	if len(ages) < 2 {
		return errors.New("life table: need at least one closed age interval and the open interval")
	}
	if ages[0] != 0 {
		return fmt.Errorf("life table: first age is %d, want 0", ages[0])
	}
	for i := 1; i < len(ages); i++ {
		if ages[i] <= ages[i-1] {
			return fmt.Errorf("life table: ages not increasing at %d after %d", ages[i], ages[i-1])
		}
	}
	return nil
}

// E0 returns the expectation of life at birth.
func (lt *LifeTable) E0() float64 { return lt.Ex[0] }

// OpenAge returns the start of the open interval.
func (lt *LifeTable) OpenAge() int { return lt.Age[len(lt.Age)-1] }

// SingleAges returns the ages 0, 1, …, open.
func SingleAges(open int) []int {
	a := make([]int, open+1)
	for i := range a {
		a[i] = i
	}
	return a
}

// AbridgedAges returns 0, 1, 5, 10, …, open (open a multiple of 5).
func AbridgedAges(open int) []int {
	a := []int{0, 1}
	for x := 5; x <= open; x += 5 {
		a = append(a, x)
	}
	return a
}

// GroupAges returns 0, step, 2·step, …, open.
func GroupAges(step, open int) []int {
	a := make([]int, 0, open/step+1)
	for x := 0; x <= open; x += step {
		a = append(a, x)
	}
	return a
}

// hazard returns the constant hazard that reproduces the interval's
// survival (−ln(1−q)/n), or m for the open interval.
func (lt *LifeTable) hazard(i int) float64 {
	if i == len(lt.Age)-1 || lt.Qx[i] >= 1 {
		return lt.Mx[i]
	}
	return -math.Log1p(-lt.Qx[i]) / float64(lt.Width[i])
}

// PersonYears returns the person-years lived between exact ages a and b
// (b may be +Inf). Whole intervals contribute their nLx; a part of an
// interval gets the share of its nLx that a constant hazard within the
// interval (−ln(1−q)/n; the open group's m beyond the open age) implies,
// so single years always add up to the interval's nLx and the open group
// keeps L = l/m.
func (lt *LifeTable) PersonYears(a, b float64) float64 {
	k := len(lt.Age)
	total := 0.0
	for i := 0; i < k; i++ {
		lo := float64(lt.Age[i])
		hi := math.Inf(1)
		if i < k-1 {
			hi = float64(lt.Age[i+1])
		}
		if hi <= a || lo >= b {
			continue
		}
		u, v := math.Max(a, lo), math.Min(b, hi)
		if u == lo && v == hi {
			total += lt.NLx[i]
			continue
		}
		total += lt.NLx[i] * lt.share(i, u-lo, v-lo)
	}
	return total
}

// share returns the fraction of interval i's person-years lived between
// offsets u and v from its start under a constant hazard.
func (lt *LifeTable) share(i int, u, v float64) float64 {
	mu := lt.hazard(i)
	if i == len(lt.Age)-1 {
		if mu <= 0 {
			return 0
		}
		ev := 0.0
		if !math.IsInf(v, 1) {
			ev = math.Exp(-mu * v)
		}
		return math.Exp(-mu*u) - ev
	}
	n := float64(lt.Width[i])
	if mu <= 0 {
		return (v - u) / n
	}
	return (math.Exp(-mu*u) - math.Exp(-mu*v)) / (1 - math.Exp(-mu*n))
}

// ProjectionL returns the person-years on the projection grid 0, step, …,
// open: element g is L over [g·step, (g+1)·step) and the last element is T
// at the open age. It works for any life-table grid (see PersonYears).
func (lt *LifeTable) ProjectionL(step, open int) []float64 {
	G := open/step + 1
	L := make([]float64, G)
	if step == 1 && lt.OpenAge() == open && len(lt.Age) == G {
		// Same single-year grid: nothing to aggregate.
		copy(L, lt.NLx)
		return L
	}
	for g := 0; g < G-1; g++ {
		L[g] = lt.PersonYears(float64(g*step), float64((g+1)*step))
	}
	L[G-1] = lt.PersonYears(float64(open), math.Inf(1))
	return L
}

func nanValue() float64 { return math.NaN() }
