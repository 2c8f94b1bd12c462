package cube

import (
	"fmt"
	"math"

	"github.com/padis/padis/models"
)

// MaxAge is the open age of the age table (100 = 100+).
const MaxAge = 100

// AgeCounts are the age-specific counts of one unit and period by sex
// (0 unknown, 1 male, 2 female) and single year of age 0…MaxAge.
type AgeCounts struct {
	Pop    [3][MaxAge + 1]float64 // residents at the end of the period
	PY     [3][MaxAge + 1]float64 // person-years lived (age at mid-month)
	Deaths [3][MaxAge + 1]float64 // deaths (age at death)
	Births [MaxAge + 1]float64    // births to women of that age at the birth
}

// Add adds one row of the age table.
func (a *AgeCounts) Add(sex, age int, pop, py, deaths, births float64) {
	if sex < 0 || sex > 2 || age < 0 || age > MaxAge {
		return
	}
	a.Pop[sex][age] += pop
	a.PY[sex][age] += py
	a.Deaths[sex][age] += deaths
	a.Births[age] += births
}

// Methods computes the named methods that need the age table: ASFR (one
// value per age 15–49, breakdown "age=x"), TFR, mean age at childbearing,
// e0 (total, and "sex=1", "sex=2") and median age, each judged by Assess.
// The caller fills the key fields.
func Methods(ind models.Indicator, a *AgeCounts) ([]Value, error) {
	out, err := methods(ind, a)
	for i := range out {
		Assess(ind, &out[i])
	}
	return out, err
}

func methods(ind models.Indicator, a *AgeCounts) ([]Value, error) {
	nan := math.NaN()
	blank := func() Value {
		return Value{Indicator: ind.ID, Value: nan, Lower: nan, Upper: nan, Numerator: nan, Denominator: nan}
	}
	switch ind.Method {
	case "asfr":
		out := make([]Value, 0, 35)
		for x := 15; x <= 49; x++ {
			v := blank()
			v.Breakdown = fmt.Sprintf("age=%d", x)
			b, py := a.Births[x], a.PY[2][x]
			v.Numerator, v.Denominator = b, py
			if py > 0 {
				v.Value = b / py * 1000
				lo, hi := PoissonExact(b)
				v.Lower, v.Upper = lo/py*1000, hi/py*1000
			} else {
				v.Flag = FlagEmpty
			}
			out = append(out, v)
		}
		return out, nil
	case "tfr", "mac":
		v := blank()
		var tfr, moment, births, py float64
		f := [50]float64{}
		vf := [50]float64{}
		w := make([]float64, 0, 35) // TFR = Σ wₓ Bₓ, wₓ = 1/PYₓ
		k := make([]float64, 0, 35)
		for x := 15; x <= 49; x++ {
			births += a.Births[x]
			py += a.PY[2][x]
			if a.PY[2][x] > 0 {
				f[x] = a.Births[x] / a.PY[2][x]
				vf[x] = a.Births[x] / (a.PY[2][x] * a.PY[2][x])
				tfr += f[x]
				moment += (float64(x) + 0.5) * f[x]
				w = append(w, 1/a.PY[2][x])
				k = append(k, a.Births[x])
			}
		}
		v.Numerator, v.Denominator = births, py
		if !(py > 0) {
			v.Flag = FlagEmpty
			return []Value{v}, nil
		}
		if ind.Method == "tfr" {
			v.Value = tfr
			v.Lower, v.Upper = WeightedPoisson(w, k)
			return []Value{v}, nil
		}
		if !(tfr > 0) {
			v.Flag = FlagEmpty
			return []Value{v}, nil
		}
		mac := moment / tfr
		var vm float64
		for x := 15; x <= 49; x++ {
			d := (float64(x) + 0.5 - mac) / tfr
			vm += d * d * vf[x]
		}
		se := math.Sqrt(vm)
		v.Value, v.Lower, v.Upper = mac, mac-z95*se, mac+z95*se
		return []Value{v}, nil
	case "e0":
		var out []Value
		for _, s := range []struct {
			breakdown string
			sexes     []int
		}{{"", []int{0, 1, 2}}, {"sex=1", []int{1}}, {"sex=2", []int{2}}} {
			v := blank()
			v.Breakdown = s.breakdown
			d := make([]float64, MaxAge+1)
			p := make([]float64, MaxAge+1)
			for _, sx := range s.sexes {
				for x := 0; x <= MaxAge; x++ {
					d[x] += a.Deaths[sx][x]
					p[x] += a.PY[sx][x]
				}
			}
			v.Numerator, v.Denominator = sum(d), sum(p)
			e0, se := LifeExpectancy(d, p)
			if math.IsNaN(e0) {
				v.Flag = FlagEmpty
			} else {
				v.Value, v.Lower, v.Upper = e0, e0-z95*se, e0+z95*se
			}
			out = append(out, v)
		}
		return out, nil
	case "median_age":
		v := blank()
		pop := make([]float64, MaxAge+1)
		for sx := 0; sx < 3; sx++ {
			for x := 0; x <= MaxAge; x++ {
				pop[x] += a.Pop[sx][x]
			}
		}
		v.Value, v.Denominator = MedianAge(pop), sum(pop)
		if math.IsNaN(v.Value) {
			v.Flag = FlagEmpty
		}
		return []Value{v}, nil
	}
	if Derivable(ind) {
		return nil, fmt.Errorf("indicator %s: not an age-table method (use Derive)", ind.ID)
	}
	return nil, fmt.Errorf("indicator %s: unknown method %q", ind.ID, ind.Method)
}

// MedianAge returns the age at which the cumulated single-year population
// reaches half the total, interpolating linearly within the year of age
// (a person aged x is spread uniformly over [x, x+1)). NaN when empty.
func MedianAge(pop []float64) float64 {
	total := sum(pop)
	if !(total > 0) {
		return math.NaN()
	}
	half, cum := total/2, 0.0
	for x, p := range pop {
		if p > 0 && cum+p >= half {
			return float64(x) + (half-cum)/p
		}
		cum += p
	}
	return float64(len(pop))
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
