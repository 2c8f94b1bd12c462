package detect

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// EARS defaults, those of surveillance's earsC.
const (
	earsBaseline  = 7
	earsAlphaC12  = 0.001
	earsAlphaC3   = 0.025
	earsMinBasel  = 3
	earsLagC2     = 2 // C2 and C3 leave out the two periods before t
	earsC3Spread  = 2 // C3 adds the C2 statistics of t−1 and t−2
	earsC3Discard = 1 // C3 sums max(0, C2 − 1)
)

// EARSC1 is the EARS C1 (mild) method: for each t ≥ Baseline the expected
// count is the mean Ȳ of the Baseline counts before t, and
//
//	C1(t) = (Y(t) − Ȳ) / S,  Upper = Ȳ + z₁₋α·S,
//
// with S the sample standard deviation (divisor Baseline−1) of those
// counts, floored at MinSigma, and z₁₋α the standard normal quantile.
// The alarm is Y(t) > Upper. PValue is 1 − Φ(C1), the normal approximation
// the method assumes. The lower side mirrors it: Lower = max(0, Ȳ − z₁₋α·S),
// alarm Y(t) < Lower, PValue Φ(C1); Side both uses α/2 on each side.
// Defaults: Baseline 7, Alpha 0.001, MinSigma 0.
func EARSC1(x []float64, opts Options) ([]Result, error) {
	return earsC12(x, opts, 0, "EARS C1")
}

// EARSC2 is EARS C2 (medium): as EARSC1 but the baseline ends two periods
// before t (periods t−Baseline−2 … t−3), so that the first days of an
// outbreak do not enter it.
func EARSC2(x []float64, opts Options) ([]Result, error) {
	return earsC12(x, opts, earsLagC2, "EARS C2")
}

// earsParams validates and defaults the EARS options; z is the quantile
// of the per-side alpha (alpha/2 for Side both).
func earsParams(opts Options, defAlpha float64, name string) (n int, z, minSigma float64, sd side, err error) {
	sd, err = parseSide(opts.Side)
	if err != nil {
		return 0, 0, 0, sd, fmt.Errorf("detect: %s: %w", name, err)
	}
	n = opts.Baseline
	if n == 0 {
		n = earsBaseline
	}
	if n < earsMinBasel {
		return 0, 0, 0, sd, fmt.Errorf("detect: %s: baseline %d, want at least %d", name, n, earsMinBasel)
	}
	alpha := opts.Alpha
	if alpha == 0 {
		alpha = defAlpha
	}
	if !(alpha > 0 && alpha < 1) {
		return 0, 0, 0, sd, fmt.Errorf("detect: %s: alpha %v, want 0 < alpha < 1", name, alpha)
	}
	if opts.MinSigma < 0 || math.IsNaN(opts.MinSigma) {
		return 0, 0, 0, sd, fmt.Errorf("detect: %s: minSigma %v, want ≥ 0", name, opts.MinSigma)
	}
	return n, distuv.UnitNormal.Quantile(1 - sd.alpha(alpha)), opts.MinSigma, sd, nil
}

// earsMoments returns the mean and the standard deviation floored at
// minSigma of the n counts ending lag+1 periods before t.
func earsMoments(x []float64, t, n, lag int, minSigma float64) (mean, sigma float64) {
	ref := x[t-lag-n : t-lag]
	mean, sd := stat.MeanStdDev(ref, nil)
	return mean, math.Max(sd, minSigma)
}

// standardise returns (y − mean)/sigma, taking a zero sigma to give ±Inf
// (or 0 when y equals the mean) instead of NaN.
func standardise(y, mean, sigma float64) float64 {
	if sigma > 0 {
		return (y - mean) / sigma
	}
	switch {
	case y > mean:
		return math.Inf(1)
	case y < mean:
		return math.Inf(-1)
	}
	return 0
}

func earsC12(x []float64, opts Options, lag int, name string) ([]Result, error) {
	if err := checkSeries(x); err != nil {
		return nil, fmt.Errorf("detect: %s: %w", name, err)
	}
	n, z, minSigma, sd, err := earsParams(opts, earsAlphaC12, name)
	if err != nil {
		return nil, err
	}
	res := newResults(x)
	for t := n + lag; t < len(x); t++ {
		mean, sigma := earsMoments(x, t, n, lag, minSigma)
		r := &res[t]
		r.Expected = mean
		r.Upper = mean + z*sigma
		r.Lower = math.Max(0, mean-z*sigma) // a count bound: never below 0
		r.Score = standardise(x[t], mean, sigma)
		r.PValue = sd.pvalue(distuv.UnitNormal.Survival(r.Score), distuv.UnitNormal.CDF(r.Score))
		r.Low = sd.low && x[t] < r.Lower
		r.Alarm = (sd.up && x[t] > r.Upper) || r.Low
	}
	return res, nil
}

// EARSC3 is EARS C3 (high). With C2(i) the C2 statistic of period i,
//
//	C3(t) = Σ_{i=t−2..t} max(0, C2(i) − 1),
//
// and the alarm is C3(t) > z₁₋α. Expected is the C2 mean Ȳ₂(t). Upper is
// the bound of surveillance's earsC,
//
//	Upper = max(0, Y(t) + S₂(t)·(z₁₋α − max(0, C2(t−1)−1) − max(0, C2(t−2)−1))),
//
// reported for comparison with that package: it depends on Y(t) itself, so
// it is not a threshold for the count (surveillance's own alarm, Y(t) >
// Upper, fires when the two lagged terms alone exceed z₁₋α). C3 is not
// normal, so PValue is NaN. The lower side mirrors it:
// C3⁻(t) = Σ max(0, −C2(i) − 1), alarm C3⁻(t) > z₁₋α, Lower = max(0,
// Y(t) − S₂(t)·(z₁₋α − the two lagged lower terms)), Score −C3⁻. The
// first period assessed is Baseline+4.
// Defaults: Baseline 7, Alpha 0.025, MinSigma 0.
func EARSC3(x []float64, opts Options) ([]Result, error) {
	const name = "EARS C3"
	if err := checkSeries(x); err != nil {
		return nil, fmt.Errorf("detect: %s: %w", name, err)
	}
	n, z, minSigma, sd, err := earsParams(opts, earsAlphaC3, name)
	if err != nil {
		return nil, err
	}
	res := newResults(x)
	first := n + earsLagC2 + earsC3Spread
	if len(x) <= first {
		return res, nil
	}
	// part[i] = max(0, C2(i) − 1) and partLow[i] = max(0, −C2(i) − 1)
	// for every i where C2 is defined.
	part := make([]float64, len(x))
	partLow := make([]float64, len(x))
	for i := n + earsLagC2; i < len(x); i++ {
		mean, sigma := earsMoments(x, i, n, earsLagC2, minSigma)
		c2 := standardise(x[i], mean, sigma)
		part[i] = math.Max(0, c2-earsC3Discard)
		partLow[i] = math.Max(0, -c2-earsC3Discard)
	}
	for t := first; t < len(x); t++ {
		mean, sigma := earsMoments(x, t, n, earsLagC2, minSigma)
		lagged := part[t-1] + part[t-2]
		laggedLow := partLow[t-1] + partLow[t-2]
		r := &res[t]
		r.Expected = mean
		r.Upper = math.Max(0, x[t]+sigma*(z-lagged))
		r.Lower = math.Max(0, x[t]-sigma*(z-laggedLow))
		up, low := part[t]+lagged, partLow[t]+laggedLow
		r.Score = sd.score(up, low)
		r.Low = sd.low && low > z
		r.Alarm = (sd.up && up > z) || r.Low
	}
	return res, nil
}
