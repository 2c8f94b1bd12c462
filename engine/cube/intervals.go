package cube

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// PoissonExact returns Garwood's (1936) exact 95 % interval for the mean
// of a Poisson count k: [χ²(0.025; 2k)/2, χ²(0.975; 2k+2)/2], with 0 as
// the lower bound when k = 0. The upper bound is never 0: for k = 0 it is
// −ln 0.025 = 3.6889 (R: poisson.test(0)$conf.int).
func PoissonExact(k float64) (lo, hi float64) {
	if k < 0 || math.IsNaN(k) {
		return math.NaN(), math.NaN()
	}
	if k > 0 {
		lo = distuv.ChiSquared{K: 2 * k}.Quantile(0.025) / 2
	}
	hi = distuv.ChiSquared{K: 2*k + 2}.Quantile(0.975) / 2
	return lo, hi
}

// Wilson returns the Wilson score 95 % interval of a proportion k/n. For
// k = 0 the upper bound is z²/(n + z²), for k = n the lower bound is
// n/(n + z²). It returns NaNs when n is not positive.
func Wilson(k, n float64) (lo, hi float64) { return WilsonAt(k, n, z95) }

// WilsonAt is Wilson's score interval at the standard normal quantile z
// (z95 gives Wilson; 3.09 the two-sided 99.8 % interval, whose bounds are
// one-sided 99.9 % bounds).
func WilsonAt(k, n, z float64) (lo, hi float64) {
	if n <= 0 || k < 0 || k > n {
		return math.NaN(), math.NaN()
	}
	p := k / n
	z2 := z * z
	den := 1 + z2/n
	center := (p + z2/(2*n)) / den
	half := z / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return math.Max(0, center-half), math.Min(1, center+half)
}

// RatioBinomial returns the 95 % interval of the ratio a/b obtained from
// the Wilson interval of p = a/(a+b) mapped by p/(1−p). With a = 0 the
// upper bound is z²/b; the upper bound is +Inf when b = 0.
func RatioBinomial(a, b float64) (lo, hi float64) { return RatioBinomialAt(a, b, z95) }

// RatioBinomialAt is RatioBinomial at the standard normal quantile z.
func RatioBinomialAt(a, b, z float64) (lo, hi float64) {
	pl, ph := WilsonAt(a, a+b, z)
	if math.IsNaN(pl) {
		return pl, ph
	}
	lo = pl / (1 - pl)
	if ph >= 1 {
		return lo, math.Inf(1)
	}
	return lo, ph / (1 - ph)
}

// PoissonDifference returns the 95 % interval of a − b for two
// independent Poisson counts by the MOVER method (Zou & Donner 2008),
// combining the exact limits of each count:
//
//	L = (a − b) − √((a − lₐ)² + (u_b − b)²)
//	U = (a − b) + √((uₐ − a)² + (b − l_b)²)
//
// It reduces to ±1.96 √(a + b) for large counts and stays honest for small
// ones: with a = b = 0 it is [−3.6889, 3.6889].
func PoissonDifference(a, b float64) (lo, hi float64) {
	la, ua := PoissonExact(a)
	lb, ub := PoissonExact(b)
	d := a - b
	return d - math.Hypot(a-la, ub-b), d + math.Hypot(ua-a, b-lb)
}

// WeightedPoisson returns the 95 % gamma interval of y = Σ wᵢ kᵢ for
// independent Poisson counts kᵢ and known weights wᵢ > 0 (a directly
// standardised rate, or TFR = Σₓ Bₓ/PYₓ): Fay & Feuer (1997) with the
// mean weight w̄ of Tiwari, Clegg & Zou (2006) in the upper limit
// (R: dsrTest(…, method = "gamma", wmtype = "mean")). With v = Σ wᵢ² kᵢ,
//
//	L = Gamma⁻¹(0.025; shape y²/v, scale v/y)   (0 when y = 0)
//	U = Gamma⁻¹(0.975; shape (y+w̄)²/(v+w̄²), scale (v+w̄²)/(y+w̄))
//
// With one count it is Garwood's interval times the weight; with no event
// at all the upper bound is −w̄ ln 0.025 = 3.6889 w̄, not 0. Counts with a
// non-positive weight are ignored; NaNs when none is left.
func WeightedPoisson(w, k []float64) (lo, hi float64) {
	var y, v, wsum float64
	n := 0
	for i := range w {
		if !(w[i] > 0) {
			continue
		}
		y += w[i] * k[i]
		v += w[i] * w[i] * k[i]
		wsum += w[i]
		n++
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	wm := wsum / float64(n)
	if y > 0 {
		lo = distuv.Gamma{Alpha: y * y / v, Beta: y / v}.Quantile(0.025)
	}
	s := y + wm
	vv := v + wm*wm
	hi = distuv.Gamma{Alpha: s * s / vv, Beta: s / vv}.Quantile(0.975)
	return lo, hi
}
