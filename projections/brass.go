package projections

import (
	"fmt"
	"math"
)

// Siler holds the parameters of the Siler (1979) competing-hazard model
//
//	μ(x) = A1·exp(−B1·x) + A2 + A3·exp(B3·x),
//
// used to build the documented standard life tables.
type Siler struct {
	A1, B1, A2, A3, B3 float64
}

// StandardSiler are the parameters of the PADIS standard life tables, a
// smooth low-mortality schedule (e0 = 80.77 females, 76.29 males with the Coale–Demeny a0) chosen to
// resemble recent Chinese period tables in level and shape. They are an
// assumption documented in docs/projections.md, not an estimate.
var StandardSiler = [2]Siler{
	Male:   {A1: 0.028, B1: 3.0, A2: 0.00035, A3: 0.000030, B3: 0.0960},
	Female: {A1: 0.024, B1: 3.0, A2: 0.00015, A3: 0.000015, B3: 0.1005},
}

// Hazard returns μ(x).
func (s Siler) Hazard(x float64) float64 {
	return s.A1*math.Exp(-s.B1*x) + s.A2 + s.A3*math.Exp(s.B3*x)
}

// Survival returns l(x) = exp(−∫₀ˣ μ).
func (s Siler) Survival(x float64) float64 {
	h := s.A1/s.B1*(1-math.Exp(-s.B1*x)) + s.A2*x + s.A3/s.B3*(math.Exp(s.B3*x)-1)
	return math.Exp(-h)
}

// LifeTable returns the single-year life table 0…open+ implied by the
// model: each m_x = (l(x) − l(x+1)) / ∫ₓˣ⁺¹ l (Simpson's rule, 16 panels),
// the open group's m = l(open) / ∫ l beyond it, and the table is then built
// with NewLifeTable (a0 by rule).
func (s Siler) LifeTable(sex Sex, open int, rule A0Rule) *LifeTable {
	mx := make([]float64, open+1)
	for x := 0; x < open; x++ {
		lx, l1 := s.Survival(float64(x)), s.Survival(float64(x+1))
		mx[x] = (lx - l1) / simpson(s.Survival, float64(x), float64(x+1), 16)
	}
	lo := s.Survival(float64(open))
	mx[open] = lo / simpson(s.Survival, float64(open), float64(open+60), 600)
	lt, err := NewLifeTable(SingleAges(open), mx, LifeTableOptions{Sex: sex, A0: rule})
	if err != nil {
		panic(err) // the model rates are always valid
	}
	return lt
}

func simpson(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

// StandardLifeTable returns the PADIS standard single-year life table for
// sex, ages 0…110+, from StandardSiler.
func StandardLifeTable(sex Sex) *LifeTable {
	return StandardSiler[sex].LifeTable(sex, 110, CoaleDemeny)
}

// BrassLogit returns Y = ½·ln((1−l)/l) for survivorship l (radix 1).
func BrassLogit(l float64) float64 { return 0.5 * math.Log((1-l)/l) }

// BrassLifeTable returns the relational (Brass logit) model life table
//
//	Y(x) = α + β·Y_s(x),   l(x) = 1 / (1 + exp(2·Y(x)))
//
// on the standard's age grid. The death rates are recovered from the
// model's nqx with the standard's nax (m = q/(n − (n−a)·q)); age 0 iterates
// with the a0 rule; the open group's rate is the standard's, scaled by the
// ratio of model to standard rates in the last closed interval. The table is
// then rebuilt with NewLifeTable, so all columns are consistent.
func BrassLifeTable(std *LifeTable, alpha, beta float64, rule A0Rule) (*LifeTable, error) {
	k := len(std.Age)
	l := make([]float64, k)
	l[0] = 1
	for i := 1; i < k; i++ {
		ls := std.Lx[i] / std.Radix
		if ls <= 0 || ls >= 1 {
			l[i] = ls
			continue
		}
		y := alpha + beta*BrassLogit(ls)
		l[i] = 1 / (1 + math.Exp(2*y))
	}
	mx := make([]float64, k)
	for i := 0; i < k-1; i++ {
		n := float64(std.Width[i])
		q := 0.0
		if l[i] > 0 {
			q = 1 - l[i+1]/l[i]
		}
		if q >= 1 {
			q = 1 - 1e-12
		}
		a := std.Ax[i]
		if std.Age[i] == 0 && std.Width[i] == 1 {
			m := q / (1 - (1-a)*q)
			for it := 0; it < 8; it++ {
				a = A0(rule, std.Sex, m)
				m = q / (1 - (1-a)*q)
			}
		}
		mx[i] = q / (n - (n-a)*q)
	}
	last := k - 2
	ratio := 1.0
	if std.Mx[last] > 0 {
		ratio = mx[last] / std.Mx[last]
	}
	mx[k-1] = std.Mx[k-1] * ratio
	ax := make([]float64, k)
	for i := range ax {
		ax[i] = math.NaN()
		if !(std.Age[i] == 0 && std.Width[i] == 1) && !(std.Age[i] == 1 && std.Width[i] == 4) {
			ax[i] = std.Ax[i]
		}
	}
	return NewLifeTable(std.Age, mx, LifeTableOptions{Sex: std.Sex, A0: rule, Ax: ax, Radix: std.Radix})
}

// SolveBrassAlpha finds the Brass α (with the given β) whose model life
// table against std has expectation of life at birth e0, by bisection on
// α ∈ [−5, 5] (e0 decreases in α). It returns α and the table.
func SolveBrassAlpha(std *LifeTable, beta, e0 float64, rule A0Rule) (float64, *LifeTable, error) {
	f := func(a float64) (float64, *LifeTable, error) {
		lt, err := BrassLifeTable(std, a, beta, rule)
		if err != nil {
			return 0, nil, err
		}
		return lt.E0() - e0, lt, nil
	}
	return bisect(f, -5, 5, fmt.Sprintf("Brass alpha for e0 = %.2f", e0))
}

// ScaleMortality returns the life table with every death rate multiplied
// by k (same grid, sex, a0 rule and nax overrides for ages above 4).
func ScaleMortality(lt *LifeTable, k float64, rule A0Rule) (*LifeTable, error) {
	mx := make([]float64, len(lt.Mx))
	ax := make([]float64, len(lt.Mx))
	for i, m := range lt.Mx {
		mx[i] = m * k
		ax[i] = math.NaN()
		if lt.Age[i] >= 5 && lt.Width[i] > 1 {
			ax[i] = lt.Ax[i]
		}
	}
	return NewLifeTable(lt.Age, mx, LifeTableOptions{Sex: lt.Sex, A0: rule, Ax: ax, Radix: lt.Radix})
}

// SolveMortalityScale finds k such that the table with rates k·m_x has
// expectation of life e0 (bisection on ln k ∈ [−12, 6]).
func SolveMortalityScale(lt *LifeTable, e0 float64, rule A0Rule) (float64, *LifeTable, error) {
	f := func(lk float64) (float64, *LifeTable, error) {
		t, err := ScaleMortality(lt, math.Exp(lk), rule)
		if err != nil {
			return 0, nil, err
		}
		return t.E0() - e0, t, nil
	}
	lk, t, err := bisect(f, -12, 6, fmt.Sprintf("mortality scale for e0 = %.2f", e0))
	return math.Exp(lk), t, err
}

// bisect finds the root of a decreasing f on [lo, hi].
func bisect(f func(float64) (float64, *LifeTable, error), lo, hi float64, what string) (float64, *LifeTable, error) {
	flo, _, err := f(lo)
	if err != nil {
		return 0, nil, err
	}
	fhi, _, err := f(hi)
	if err != nil {
		return 0, nil, err
	}
	if flo < 0 || fhi > 0 {
		return 0, nil, fmt.Errorf("%s: target outside the attainable range", what)
	}
	var lt *LifeTable
	mid := 0.0
	for it := 0; it < 100; it++ {
		mid = (lo + hi) / 2
		fm, t, err := f(mid)
		if err != nil {
			return 0, nil, err
		}
		lt = t
		if math.Abs(fm) < 1e-9 || hi-lo < 1e-12 {
			break
		}
		if fm > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return mid, lt, nil
}
