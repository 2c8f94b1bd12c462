package cube

import "math"

// MinDeathsE0 is the number of deaths below which e0 is flagged
// unreliable: with fewer deaths the life table rests on a handful of
// events per age group and its 95 % interval is several years wide.
const MinDeathsE0 = 50

// lifeTableGroups are the start ages of the abridged life table; the last
// group (85+) is open.
var lifeTableGroups = []int{0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85}

// LifeExpectancy returns e0 and its standard error (Chiang's method) from
// deaths and person-years by single year of age 0…100 (100 = 100+), in an
// abridged period life table with groups 0, 1–4, 5–9, …, 80–84, 85+.
// a₀ follows Andreev & Kingkade (2015), averaged over the male and female
// rules; a₁₋₄ = 1.5 years; other closed groups n/2; the open group is
// closed by L = l/m. It returns NaN when the open group has no deaths or
// an age group has deaths but no exposure.
func LifeExpectancy(deaths, py []float64) (e0, se float64) {
	k := len(lifeTableGroups)
	D := make([]float64, k)
	P := make([]float64, k)
	for x := 0; x < len(deaths) && x < len(py); x++ {
		g := k - 1
		for i := 1; i < k; i++ {
			if x < lifeTableGroups[i] {
				g = i - 1
				break
			}
		}
		D[g] += deaths[x]
		P[g] += py[x]
	}
	m := make([]float64, k)
	for i := range m {
		switch {
		case P[i] > 0:
			m[i] = D[i] / P[i]
		case D[i] > 0:
			return math.NaN(), math.NaN()
		}
	}
	if !(m[k-1] > 0) {
		return math.NaN(), math.NaN()
	}
	n := make([]float64, k)
	a := make([]float64, k)
	q := make([]float64, k)
	l := make([]float64, k+1)
	L := make([]float64, k)
	l[0] = 1
	for i := 0; i < k-1; i++ {
		n[i] = float64(lifeTableGroups[i+1] - lifeTableGroups[i])
		a[i] = n[i] / 2
	}
	a[0] = a0(m[0])
	a[1] = 1.5
	for i := 0; i < k-1; i++ {
		q[i] = math.Min(1, n[i]*m[i]/(1+(n[i]-a[i])*m[i]))
		l[i+1] = l[i] * (1 - q[i])
		L[i] = n[i]*l[i+1] + a[i]*l[i]*q[i]
	}
	q[k-1] = 1
	L[k-1] = l[k-1] / m[k-1]
	e := make([]float64, k)
	T := 0.0
	for i := k - 1; i >= 0; i-- {
		T += L[i]
		if l[i] > 0 {
			e[i] = T / l[i]
		}
	}
	// Chiang: Var(e0) = Σ l_i² [(n_i − a_i) + e_{i+1}]² Var(q_i) + l_ω² Var(1/m_ω).
	v := 0.0
	for i := 0; i < k-1; i++ {
		if D[i] > 0 {
			varq := q[i] * q[i] * (1 - q[i]) / D[i]
			f := (n[i] - a[i]) + e[i+1]
			v += l[i] * l[i] * f * f * varq
		}
	}
	if D[k-1] > 0 {
		varm := D[k-1] / (P[k-1] * P[k-1])
		v += l[k-1] * l[k-1] * varm / math.Pow(m[k-1], 4)
	}
	return e[0], math.Sqrt(v)
}

// a0 is the mean age at death of infants dying before age 1 (Andreev &
// Kingkade 2015), the mean of the male and female rules.
func a0(m0 float64) float64 {
	var male, female float64
	switch {
	case m0 < 0.02300:
		male = 0.14929 - 1.99545*m0
	case m0 < 0.08307:
		male = 0.02832 + 3.26201*m0
	default:
		male = 0.29915
	}
	switch {
	case m0 < 0.01724:
		female = 0.14903 - 2.05527*m0
	case m0 < 0.06891:
		female = 0.04667 + 3.88089*m0
	default:
		female = 0.31411
	}
	return (male + female) / 2
}
