package detect

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Threshold methods of the Farrington detector (Options.Threshold), the
// names of surveillance's farringtonFlexible control$thresholdMethod.
const (
	// ThresholdNBPlugin is Noufaily et al. (2013): quantiles of the
	// negative binomial with mean μ₀ = exp(η₀) and variance φμ₀ (Poisson
	// when φ = 1). The default.
	ThresholdNBPlugin = "nbPlugin"
	// ThresholdMuan is Noufaily's variant that allows for the estimation
	// error of the mean: the negative binomial's mean is the 1 − α
	// quantile of exp(η), η ~ N(η₀, se(η₀)²).
	ThresholdMuan = "muan"
	// ThresholdDelta is Farrington et al. (1996): a normal prediction
	// interval on the scale of the power transformation Options.Power
	// (none, 1/2 or 2/3), with the variance of the prediction included
	// by the delta method (surveillance's name "delta").
	ThresholdDelta = "delta"
)

// Thresholds lists the values accepted by Options.Threshold.
var Thresholds = []string{ThresholdNBPlugin, ThresholdMuan, ThresholdDelta}

// Power transformations of ThresholdDelta (Options.Power), the names
// of surveillance's control$powertrans.
const (
	PowerNone     = "none"
	PowerHalf     = "1/2"
	PowerTwoThird = "2/3" // Farrington et al.'s choice: symmetrises Poisson counts
)

// Bounds are the outcome of a threshold function for one period: the
// lower and upper limits of the prediction interval (the lower one
// clamped at 0), the probability of a count at least as large as the
// observed one, and the exceedance score as surveillance computes it
// (above 1: the count is above the upper limit).
type Bounds struct {
	Lower, Upper, Prob, Score float64
}

// FarringtonThreshold is the threshold of Farrington et al. (1996) as
// surveillance's algo.farrington.threshold.farrington: mu0 and seMu0 are
// the prediction and its standard error on the response scale, phi the
// overdispersion. With τ = φ + se²/μ₀ and the transformation h(y) = y^e
// (e = 1, 1/2, 2/3), the standard deviation of h(Y₀) − h(μ₀) is
// √(μ₀τ), √(τ/4) or √(4/9·μ₀^⅓·τ) (delta method), and the limits are
// (μ₀^e ∓ z₁₋α·sd)^(1/e), the lower one at least 0 (and 0 when its
// transformed value is negative). Prob is P(Z > (y^e − μ₀^e)/sd) and
// Score (y − μ₀)/(upper − μ₀).
func FarringtonThreshold(mu0, seMu0, phi float64, power string, alpha, y float64) (Bounds, error) {
	tau := phi + seMu0*seMu0/mu0
	var sd, e float64
	switch power {
	case PowerNone, "":
		sd, e = math.Sqrt(mu0*tau), 1
	case PowerHalf:
		sd, e = math.Sqrt(tau/4), 0.5
	case PowerTwoThird:
		sd, e = math.Sqrt(4.0/9*math.Cbrt(mu0)*tau), 2.0/3
	default:
		return Bounds{}, fmt.Errorf("detect: power transformation %q: want none, 1/2 or 2/3", power)
	}
	z := distuv.UnitNormal.Quantile(1 - alpha)
	h := math.Pow(mu0, e)
	back := func(v float64) float64 {
		if v < 0 {
			return math.NaN() // no real root: R's NA, the bound is then 0
		}
		return math.Pow(v, 1/e)
	}
	lo, up := back(h-z*sd), back(h+z*sd)
	b := Bounds{Lower: clampZero(lo), Upper: up, Score: math.NaN()}
	b.Prob = distuv.UnitNormal.Survival((math.Pow(y, e) - h) / sd)
	if !math.IsNaN(up) {
		b.Score = (y - mu0) / (up - mu0)
	}
	return b, nil
}

// NoufailyThreshold is the threshold of Noufaily et al. (2013) as
// surveillance's algo.farrington.threshold.noufaily: eta0 and seEta0 are
// the prediction and its standard error on the log (link) scale. The mean
// of the negative binomial is exp(η₀) (ThresholdNBPlugin) or
// exp(η₀ + z₁₋α·se) (ThresholdMuan); the limits are its α and 1 − α
// quantiles (size μ/(φ−1), probability 1/φ; Poisson when φ ≤ 1), the lower
// one at least 0; Prob is P(Y ≥ y). Score is (y − η₀)/(upper − η₀): the
// package subtracts the linear predictor, not the mean, and PADIS keeps
// its definition so that scores compare with surveillance's.
func NoufailyThreshold(eta0, seEta0, phi float64, method string, alpha, y float64) (Bounds, error) {
	var mu float64
	switch method {
	case ThresholdNBPlugin, "":
		mu = math.Exp(eta0)
	case ThresholdMuan:
		mu = math.Exp(distuv.Normal{Mu: eta0, Sigma: seEta0}.Quantile(1 - alpha))
	default:
		return Bounds{}, fmt.Errorf("detect: threshold method %q: want nbPlugin or muan", method)
	}
	nan := math.NaN()
	if math.IsInf(mu, 0) || math.IsNaN(mu) {
		return Bounds{Lower: nan, Upper: nan, Prob: nan, Score: nan}, nil
	}
	phi = math.Max(1, phi)
	b := Bounds{
		Lower: clampZero(countQuantile(alpha, mu, phi)),
		Upper: countQuantile(1-alpha, mu, phi),
		Prob:  countSurvival(y, mu, phi),
	}
	b.Score = (y - eta0) / (b.Upper - eta0)
	return b, nil
}

// clampZero returns v, or 0 when v is negative or undefined: a count
// method's lower limit is never below 0.
func clampZero(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return v
}
