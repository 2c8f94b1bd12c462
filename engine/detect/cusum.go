package detect

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// CUSUM defaults.
const (
	cusumK            = 0.5
	cusumH            = 4
	cusumTrainNoSeas  = 12
	cusumMinExpected  = 0.5 // floor on μₜ, half a case
	TransformRossi    = "rossi"
	TransformStandard = "standard"
)

// CUSUM is a one-sided Poisson CUSUM for increases (Side upper, the
// default), for decreases (lower) or both.
//
// Baseline: a Poisson GLM log μₜ = β₀ + β₁cos(2πt/P) + β₂sin(2πt/P) is
// fitted by IRLS to the first Train periods (the harmonic terms only when
// Period P ≥ 2; otherwise μ is the training mean), as surveillance's
// algo.cusum with m = "glm". μₜ is floored at 0.5 so that one case in a
// unit with no history does not give an infinite residual.
//
// Each later count is turned into a residual zₜ, either Rossi's
// (Transform "rossi", the default; nearly normal even for small μ)
//
//	zₜ = (Yₜ − 3μₜ + 2√(Yₜμₜ)) / (2√μₜ)
//
// or the standardised (Yₜ − μₜ)/√μₜ ("standard"), and accumulated as
//
//	Sₜ = max(0, Sₜ₋₁ + zₜ − K),
//
// with an alarm when Sₜ > H, after which S restarts from 0. K (default 0.5)
// and H (default 4) are in standard deviations: K = 0.5 targets a shift of
// one standard deviation, and K = 0.5, H = 4 give an in-control average
// run length of about 340 periods for normal residuals (Siegmund's
// approximation). Score is Sₜ, Upper
// is the count at which Sₜ would reach H (so the alarm is Yₜ > Upper), and
// PValue is NaN.
//
// The lower CUSUM accumulates the negated residuals,
// S⁻ₜ = max(0, S⁻ₜ₋₁ − zₜ − K), alarms when S⁻ₜ > H (and restarts), and
// reports Lower, the count at which S⁻ₜ would reach H (0 when even a zero
// count would not), and Score −S⁻ₜ. Side both runs the two sums side by
// side with the same K and H, so its in-control run length is about half
// that of one side.
func CUSUM(x []float64, opts Options) ([]Result, error) {
	if err := checkSeries(x); err != nil {
		return nil, fmt.Errorf("detect: CUSUM: %w", err)
	}
	sd, err := parseSide(opts.Side)
	if err != nil {
		return nil, fmt.Errorf("detect: CUSUM: %w", err)
	}
	k, h := opts.K, opts.H
	if k == 0 {
		k = cusumK
	}
	if h == 0 {
		h = cusumH
	}
	if !(k > 0) || !(h > 0) {
		return nil, fmt.Errorf("detect: CUSUM: k = %v, h = %v, want both > 0", k, h)
	}
	trans := opts.Transform
	if trans == "" {
		trans = TransformRossi
	}
	if trans != TransformRossi && trans != TransformStandard {
		return nil, fmt.Errorf("detect: CUSUM: transform %q, want %q or %q", trans, TransformRossi, TransformStandard)
	}
	if opts.Period < 0 {
		return nil, fmt.Errorf("detect: CUSUM: period %d, want ≥ 0", opts.Period)
	}
	seasonal := opts.Period >= 2
	train := opts.Train
	if train == 0 {
		train = cusumTrainNoSeas
		if seasonal {
			train = 2 * opts.Period
		}
	}
	minTrain := 2
	if seasonal {
		minTrain = 4
	}
	if train < minTrain {
		return nil, fmt.Errorf("detect: CUSUM: train %d, want at least %d", train, minTrain)
	}
	res := newResults(x)
	if len(x) <= train {
		return res, nil
	}
	mu, err := cusumBaseline(x, train, opts.Period, seasonal)
	if err != nil {
		return nil, fmt.Errorf("detect: CUSUM: %w", err)
	}

	s, sl := 0.0, 0.0 // upper and lower sums
	for t := train; t < len(x); t++ {
		m := mu[t]
		c := h + k - s   // the residual that would take S to exactly h
		cl := h + k - sl // minus the residual that would take S⁻ to h
		z := cusumResidual(x[t], m, trans)
		s = math.Max(0, s+z-k)
		sl = math.Max(0, sl-z-k)
		r := &res[t]
		r.Expected = m
		r.Upper = cusumBound(m, c, trans)
		r.Lower = math.Max(0, cusumBound(m, -cl, trans))
		r.Score = sd.score(s, sl)
		r.Low = sd.low && sl > h
		r.Alarm = (sd.up && s > h) || r.Low
		if s > h {
			s = 0
		}
		if sl > h {
			sl = 0
		}
	}
	return res, nil
}

// cusumResidual returns the Rossi or standardised residual of y against m.
func cusumResidual(y, m float64, trans string) float64 {
	if trans == TransformRossi {
		return (y - 3*m + 2*math.Sqrt(y*m)) / (2 * math.Sqrt(m))
	}
	return (y - m) / math.Sqrt(m)
}

// cusumBound returns the count whose residual against m is c: m + c√m for
// the standard residual, and for Rossi's the solution u² of
// (u² − 3m + 2u√m)/(2√m) = c with u = √Y ≥ 0, or −1 when there is none
// (c below −1.5√m, the residual of a zero count).
func cusumBound(m, c float64, trans string) float64 {
	if trans == TransformRossi {
		d := 4*m + 2*c*math.Sqrt(m)
		if d < 0 || -math.Sqrt(m)+math.Sqrt(d) < 0 {
			return -1 // unreachable: even a zero count has a larger residual
		}
		u := -math.Sqrt(m) + math.Sqrt(d)
		return u * u
	}
	return m + c*math.Sqrt(m)
}

// cusumBaseline returns μₜ for every t from the Poisson GLM fitted to the
// first train counts.
func cusumBaseline(x []float64, train, period int, seasonal bool) ([]float64, error) {
	mu := make([]float64, len(x))
	sum := 0.0
	for _, v := range x[:train] {
		sum += v
	}
	if sum == 0 || !seasonal {
		// A constant baseline: the training mean (the Poisson MLE).
		for i := range mu {
			mu[i] = math.Max(sum/float64(train), cusumMinExpected)
		}
		return mu, nil
	}
	design := func(t int) []float64 {
		a := 2 * math.Pi * float64(t) / float64(period)
		return []float64{1, math.Cos(a), math.Sin(a)}
	}
	xm := mat.NewDense(train, 3, nil)
	for t := 0; t < train; t++ {
		xm.SetRow(t, design(t))
	}
	fit, err := FitPoisson(xm, x[:train], nil)
	if err != nil {
		return nil, fmt.Errorf("seasonal baseline: %w", err)
	}
	if !fit.Converged {
		return nil, fmt.Errorf("seasonal baseline: IRLS did not converge in %d iterations", fit.Iterations)
	}
	for t := range mu {
		d := design(t)
		eta := 0.0
		for j, c := range fit.Coef {
			eta += c * d[j]
		}
		mu[t] = math.Max(math.Exp(eta), cusumMinExpected)
	}
	return mu, nil
}
