package synth

import "math"

// Model schedules. Every number here is a documented assumption
// (docs/generator.md), chosen to resemble China around 2020; none is an
// estimate.

// maxAge is the open age group 100+.
const maxAge = 100

// census2020Groups are the 2020 census counts (millions) by five-year age
// group 0–4 … 95–99 and 100+, rounded.
var census2020Groups = [21]float64{
	77.88, 90.24, 85.26, 72.68, 74.94, 91.85, 124.14, 99.01, 93.00, 114.22,
	122.91, 101.40, 73.39, 74.01, 49.59, 30.97, 20.39, 11.03, 4.13, 0.90, 0.12,
}

// census2020SexRatio are males per 100 females by the same groups.
var census2020SexRatio = [21]float64{
	111.3, 113.6, 116.2, 116.9, 113.7, 108.9, 105.1, 104.8, 104.1, 102.6,
	101.9, 101.3, 100.4, 98.6, 96.4, 92.4, 84.2, 72.0, 57.0, 45.0, 35.0,
}

// birthsAfter2020 are the births (millions) of 2021…2025; later years
// repeat the last.
var birthsAfter2020 = []float64{10.62, 9.56, 9.02, 9.54, 8.9}

// census2020Single splits the five-year groups into single years by a
// mass-preserving linear slope through the neighbouring groups; index 100
// is the open group.
func census2020Single() [maxAge + 1]float64 {
	var out [maxAge + 1]float64
	for g := 0; g < 20; g++ {
		t := census2020Groups[g]
		prev, next := t, t
		if g > 0 {
			prev = census2020Groups[g-1]
		}
		if g < 19 {
			next = census2020Groups[g+1]
		}
		slope := (next - prev) / 10 / 5 // per single year
		for i := 0; i < 5; i++ {
			v := t/5 + slope*float64(i-2)
			if v < t/25 {
				v = t / 25
			}
			out[g*5+i] = v
		}
		// restore the group total after clamping
		s := 0.0
		for i := 0; i < 5; i++ {
			s += out[g*5+i]
		}
		for i := 0; i < 5; i++ {
			out[g*5+i] *= t / s
		}
	}
	out[maxAge] = census2020Groups[20]
	return out
}

// pyramid is a population by sex (0 male, 1 female) and single age 0…100+.
type pyramid [2][maxAge + 1]float64

// basePyramid returns the standard age–sex structure on 1 January of year
// start (cohorts of the 2020 census moved forward; cohorts born after 2020
// from the recorded births), reshaped so that the shares aged 0–14 and 65+
// (measured on 2020 ages) equal share0to14 and share65 (fractions), and
// scaled by the sex ratio of the province relative to the nation.
func basePyramid(start int, share0to14, share65 float64) pyramid {
	single := census2020Single()
	// standard 2020 shares
	var s0, s65, tot float64
	for a, v := range single {
		tot += v
		if a < 15 {
			s0 += v
		}
		if a >= 65 {
			s65 += v
		}
	}
	s0, s65 = s0/tot, s65/tot
	f0, f65 := share0to14/s0, share65/s65
	fm := (1 - share0to14 - share65) / (1 - s0 - s65)
	var p pyramid
	for a := 0; a <= maxAge; a++ {
		by := start - 1 - a // birth year of someone aged a on 1 January
		age2020 := 2020 - by
		var n, sr float64
		factor := fm
		switch {
		case age2020 < 0:
			i := by - 2021
			if i >= len(birthsAfter2020) {
				i = len(birthsAfter2020) - 1
			}
			n, sr, factor = birthsAfter2020[i], census2020SexRatio[0], f0
		case age2020 >= maxAge:
			n, sr, factor = single[maxAge]/float64(1+age2020-maxAge), census2020SexRatio[20], f65
		default:
			n, sr = single[age2020], census2020SexRatio[age2020/5]
			if age2020 < 15 {
				factor = f0
			} else if age2020 >= 65 {
				factor = f65
			}
		}
		n *= factor
		m := n * sr / (100 + sr)
		p[0][a] += m
		p[1][a] += n - m
	}
	return p
}

// kindAdjust reshapes a pyramid for the kind of county: urban districts
// hold more young adults, rural counties more children and old people
// (left behind by migrants).
func (p pyramid) kindAdjust(kind string) pyramid {
	for s := 0; s < 2; s++ {
		for a := 0; a <= maxAge; a++ {
			f := 1.0
			switch kind {
			case "district":
				if a >= 20 && a < 45 {
					f = 1.2
				} else if a < 15 {
					f = 0.9
				}
			case "county":
				if a < 15 || a >= 60 {
					f = 1.1
				} else if a >= 20 && a < 40 {
					f = 0.85
				}
			}
			p[s][a] *= f
		}
	}
	return p
}

// asfrStandard returns the standard fertility shape by single age 15…49
// (index 0 = age 15): a gamma density of the age above 14 with the given
// mean age of childbearing and a standard deviation of 5.6 years,
// normalised to sum to 1.
func asfrStandard(meanAge float64) [35]float64 {
	mu := meanAge - 14
	const sd = 5.6
	k := mu * mu / (sd * sd)
	theta := sd * sd / mu
	var f [35]float64
	s := 0.0
	for i := range f {
		x := float64(i) + 1.5 // mid-year age above 14
		f[i] = math.Pow(x, k-1) * math.Exp(-x/theta)
		s += f[i]
	}
	for i := range f {
		f[i] /= s
	}
	return f
}

// siler is the standard force of mortality
// μ(x) = a1·exp(−b1·x) + a2 + a3·exp(b3·x), used as the Brass standard.
type siler struct{ a1, b1, a2, a3, b3 float64 }

// standardMortality is the Brass logit standard by sex (0 male, 1 female).
var standardMortality = [2]siler{
	{a1: 0.010, b1: 3.0, a2: 0.00035, a3: 0.000030, b3: 0.0960},
	{a1: 0.008, b1: 3.0, a2: 0.00015, a3: 0.000015, b3: 0.1005},
}

// survival returns l(x) of the Siler model.
func (s siler) survival(x float64) float64 {
	h := s.a1/s.b1*(1-math.Exp(-s.b1*x)) + s.a2*x + s.a3/s.b3*(math.Exp(s.b3*x)-1)
	return math.Exp(-h)
}

// brassMx returns single-year death rates 0…100+ from the Brass logit model
// logit l(x) = α + logit lˢ(x) on the standard of sex, with α solved so that
// the life expectancy of the constant-force life table equals e0.
func brassMx(sex int, e0 float64) [maxAge + 1]float64 {
	std := standardMortality[sex]
	var ys [maxAge + 2]float64
	for x := 1; x <= maxAge+1; x++ {
		l := std.survival(float64(x))
		ys[x] = 0.5 * math.Log((1-l)/l)
	}
	mx := func(alpha float64) [maxAge + 1]float64 {
		var l [maxAge + 2]float64
		l[0] = 1
		for x := 1; x <= maxAge+1; x++ {
			l[x] = 1 / (1 + math.Exp(2*(alpha+ys[x])))
		}
		var m [maxAge + 1]float64
		for x := 0; x < maxAge; x++ {
			m[x] = -math.Log(l[x+1] / l[x])
		}
		// open group: the force at 100–101 raised by 10 %
		m[maxAge] = -math.Log(l[maxAge+1]/l[maxAge]) * 1.1
		return m
	}
	lo, hi := -3.0, 3.0 // e0 falls as α rises
	for i := 0; i < 200; i++ {
		mid := (lo + hi) / 2
		m := mx(mid)
		if lifeExpectancy(m[:]) > e0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return mx((lo + hi) / 2)
}

// lifeExpectancy returns e0 of the constant-force life table of mx (single
// ages, last value the open group): Lx = (lx − lx+1)/mx, L_open = l/m.
func lifeExpectancy(mx []float64) float64 {
	l, e := 1.0, 0.0
	n := len(mx) - 1
	for x := 0; x < n; x++ {
		m := mx[x]
		l1 := l * math.Exp(-m)
		if m > 0 {
			e += (l - l1) / m
		} else {
			e += l
		}
		l = l1
	}
	return e + l/mx[n]
}

// rogersCastro is the standard migration age schedule (Rogers–Castro, with
// a labour peak near age 22 and a child component), relative scale.
func rogersCastro(x float64) float64 {
	const (
		a1, al1            = 0.02, 0.10
		a2, al2, mu2, lam2 = 0.065, 0.10, 20.0, 0.40
		c                  = 0.003
	)
	return a1*math.Exp(-al1*x) + a2*math.Exp(-al2*(x-mu2)-math.Exp(-lam2*(x-mu2))) + c
}

// migrationSchedule returns the out-migration hazard by age (per year) of
// an initiating mover, scaled so that the schedule averaged over the
// standard population equals rate.
func migrationSchedule(rate float64, p pyramid) [maxAge + 1]float64 {
	var out [maxAge + 1]float64
	var num, den float64
	for a := 0; a <= maxAge; a++ {
		out[a] = rogersCastro(float64(a) + 0.5)
		n := p[0][a] + p[1][a]
		num += out[a] * n
		den += n
	}
	k := rate / (num / den)
	for a := range out {
		out[a] *= k
	}
	return out
}

// birthSeasonality are the monthly multipliers of fertility, January
// first: fewer births around the Spring Festival, more in autumn. They
// average 1 over a year weighted by days.
var birthSeasonality = func() [12]float64 {
	raw := [12]float64{1.02, 0.90, 0.95, 0.93, 0.95, 0.96, 1.00, 1.03, 1.07, 1.08, 1.07, 1.04}
	days := [12]float64{31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	var s, d float64
	for i, v := range raw {
		s += v * days[i]
		d += days[i]
	}
	for i := range raw {
		raw[i] *= d / s
	}
	return raw
}()

// firstMarriageHazard is the yearly first-marriage hazard of never-married
// women by age (men marry women 0–5 years younger than themselves).
func firstMarriageHazard(age int, urban bool) float64 {
	var h float64
	switch {
	case age < 20:
		return 0
	case age < 23:
		h = 0.07
	case age < 26:
		h = 0.17
	case age < 29:
		h = 0.22
	case age < 32:
		h = 0.17
	case age < 36:
		h = 0.10
	case age < 46:
		h = 0.04
	default:
		return 0
	}
	if urban && age < 26 {
		h *= 0.7
	}
	return h
}

// divorceHazard is the yearly divorce hazard of a married couple.
const divorceHazard = 0.004

// everMarried returns the share ever married at age a of a person born in
// year by (a logistic curve whose midpoint rises with the cohort).
func everMarried(sex, a, by int) float64 {
	mid := 22.5
	if by >= 1975 {
		mid = 24.5
	}
	if by >= 1990 {
		mid = 27
	}
	if sex == 0 {
		mid += 2
	}
	ult := 0.98
	if sex == 0 {
		ult = 0.95
	}
	return ult / (1 + math.Exp(-(float64(a)-mid)/1.8))
}

// widowedShare returns the share widowed among the ever married at age a.
func widowedShare(sex, a int) float64 {
	if a < 45 {
		return 0.005
	}
	x := float64(a - 45)
	w := 0.004 * x * x / 10
	if sex == 0 {
		w *= 0.45
	}
	return math.Min(w, 0.85)
}

// educationLevels are the education codes from lowest to highest.
var educationLevels = [8]uint8{90, 80, 70, 60, 40, 30, 20, 10}

// educationByCohort gives the distribution over educationLevels by birth
// decade: <1950, 1950s, 1960s, 1970s, 1980s, 1990s, 2000+.
var educationByCohort = [7][8]float64{
	{.35, .40, .17, .05, .01, .01, .01, .00},
	{.15, .35, .33, .12, .02, .02, .01, .00},
	{.06, .28, .42, .15, .04, .03, .02, .00},
	{.03, .20, .45, .14, .07, .06, .05, .00},
	{.01, .10, .40, .14, .10, .12, .12, .01},
	{.01, .05, .28, .14, .14, .18, .17, .03},
	{.00, .02, .20, .14, .16, .22, .22, .04},
}

// contraceptiveMix is the method mix (codes 01…09) of women starting a
// method, by parity 0, 1, 2+.
var contraceptiveMix = [3][9]float64{
	{0.00, 0.00, 0.05, 0.01, 0.20, 0.02, 0.70, 0.01, 0.01},
	{0.02, 0.10, 0.55, 0.03, 0.04, 0.01, 0.24, 0.00, 0.01},
	{0.05, 0.40, 0.40, 0.03, 0.02, 0.01, 0.08, 0.00, 0.01},
}

// Monthly probabilities that a married woman 15–49 without a method
// starts one: childless, and mother (from six weeks after a birth).
const (
	startChildless = 0.08
	startMother    = 0.4
)

// contraStopMonthly is the monthly probability of stopping a method, by
// method code 1…9 (sterilisation is permanent).
var contraStopMonthly = [10]float64{0, 0, 0, 0.004, 0.006, 0.03, 0.03, 0.025, 0.04, 0.03}

// contraFertility is the relative fecundity of a married woman using each
// method (index 0 = no method).
var contraFertility = [10]float64{1, 0, 0, 0.02, 0.01, 0.08, 0.06, 0.15, 0.25, 0.2}

// parityFertility is the relative fertility by the number of children
// already born (0, 1, 2, 3+).
var parityFertility = [4]float64{1, 0.8, 0.18, 0.1}

// unmarriedFertility is the fertility of unmarried women relative to
// married women without contraception: births to unmarried mothers, which
// the birth policy counts as non-conforming, are then about 2 % of births,
// so that the policy-conforming rate is about 97–98 % (docs/generator.md,
// "Calibration").
const unmarriedFertility = 0.002

// trying is the relative fertility of a mother of one or two children who
// uses no method: with
// nine in ten married women using one (the national CPR), a mother without
// one is mostly waiting for her next child, so that second births stay
// about a third of births.
const trying = 8.0
