package cube

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// PoissonExact returns Garwood's exact 95 % interval for the mean of a
// Poisson count k: [χ²(0.025; 2k)/2, χ²(0.975; 2k+2)/2], with 0 as the
// lower bound when k = 0.
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

// Wilson returns the Wilson score 95 % interval of a proportion k/n. It
// returns NaNs when n is not positive.
func Wilson(k, n float64) (lo, hi float64) {
	if n <= 0 || k < 0 || k > n {
		return math.NaN(), math.NaN()
	}
	p := k / n
	z2 := z95 * z95
	den := 1 + z2/n
	center := (p + z2/(2*n)) / den
	half := z95 / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return math.Max(0, center-half), math.Min(1, center+half)
}

// RatioBinomial returns the 95 % interval of the ratio a/b obtained from
// the Wilson interval of p = a/(a+b) mapped by p/(1−p). The upper bound is
// +Inf when the Wilson upper bound of p is 1.
func RatioBinomial(a, b float64) (lo, hi float64) {
	pl, ph := Wilson(a, a+b)
	if math.IsNaN(pl) {
		return pl, ph
	}
	lo = pl / (1 - pl)
	if ph >= 1 {
		return lo, math.Inf(1)
	}
	return lo, ph / (1 - ph)
}
