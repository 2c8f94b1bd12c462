package detect

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// The Farrington threshold uses the count distribution with mean μ and
// variance φμ: negative binomial with size r = μ/(φ−1) and probability
// p = 1/φ when φ > 1, Poisson when φ = 1.

// countCDF returns P(Y ≤ k) for an integer k ≥ 0.
func countCDF(k, mu, phi float64) float64 {
	if k < 0 {
		return 0
	}
	if mu == 0 {
		return 1
	}
	if phi <= 1 {
		// P(Y ≤ k) = Q(k+1, μ), the regularised upper incomplete gamma.
		return mathext.GammaIncRegComp(k+1, mu)
	}
	// P(Y ≤ k) = I_p(r, k+1), the regularised incomplete beta.
	return mathext.RegIncBeta(mu/(phi-1), k+1, 1/phi)
}

// countQuantile returns the smallest integer q with P(Y ≤ q) ≥ prob.
func countQuantile(prob, mu, phi float64) float64 {
	if mu == 0 {
		return 0
	}
	// Start from the normal approximation and walk to the exact answer.
	q := math.Max(0, math.Floor(mu+4*math.Sqrt(phi*mu)))
	for q > 0 && countCDF(q-1, mu, phi) >= prob {
		q = math.Max(0, math.Floor(q/2))
	}
	hi := q
	for countCDF(hi, mu, phi) < prob {
		hi = 2*hi + 1
	}
	lo := q // countCDF(lo−1) < prob ≤ countCDF(hi)
	for lo < hi {
		mid := math.Floor((lo + hi) / 2)
		if countCDF(mid, mu, phi) >= prob {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// countSurvival returns P(Y ≥ y); a non-integer y is rounded up.
func countSurvival(y, mu, phi float64) float64 {
	y = math.Ceil(y)
	if y <= 0 {
		return 1
	}
	return 1 - countCDF(y-1, mu, phi)
}
