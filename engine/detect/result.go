package detect

import (
	"fmt"
	"math"
)

// Result is the outcome of one method at one period. Periods a method
// cannot assess (too little history before them) have NaN Expected, Upper,
// Score and PValue and no alarm.
type Result struct {
	Index    int     // position of the period in the series
	Observed float64 // the count
	Expected float64 // the baseline expectation
	// Upper is the upper bound: a count above it raises an alarm, except
	// for EARS C3, where Upper is surveillance's bound and Alarm follows
	// the C3 statistic (see EARSC3).
	Upper float64
	// Lower is the lower bound: a count below it raises an alarm when the
	// lower side is monitored (same exception for EARS C3). It is computed
	// on every side, at the alpha of the side in force.
	Lower float64
	// Score is the method's statistic: C1, C2 or C3 for EARS, the CUSUM
	// sum after this period, and (observed−expected)/(upper−expected) for
	// Farrington. A decrease gives a negative score: the lower C3 and the
	// lower CUSUM sum with a minus sign, (observed−expected)/
	// (expected−lower) for Farrington. With Side both, the side farther
	// from zero is reported.
	Score float64
	Alarm bool
	// Low reports that the alarm is for a decrease (Side lower or both).
	Low bool
	// PValue is P(count ≥ observed) under the baseline for Side upper,
	// P(count ≤ observed) for lower, and 2·min of the two (at most 1) for
	// both; NaN when the method gives none.
	PValue float64
}

// Sides of detection accepted by Options.Side.
const (
	SideUpper = "upper" // increases only (the default)
	SideLower = "lower" // decreases only
	SideBoth  = "both"  // either, each side at alpha/2
)

// Sides lists the values accepted by Options.Side.
var Sides = []string{SideUpper, SideLower, SideBoth}

// side is a validated Options.Side.
type side struct{ up, low bool }

// parseSide validates s ("" means upper).
func parseSide(s string) (side, error) {
	switch s {
	case "", SideUpper:
		return side{up: true}, nil
	case SideLower:
		return side{low: true}, nil
	case SideBoth:
		return side{up: true, low: true}, nil
	}
	return side{}, fmt.Errorf("side %q, want upper, lower or both", s)
}

// alpha returns the per-side probability: a for one side, a/2 for both.
func (s side) alpha(a float64) float64 {
	if s.up && s.low {
		return a / 2
	}
	return a
}

// pvalue combines the one-sided p-values by the side.
func (s side) pvalue(pUp, pLow float64) float64 {
	switch {
	case s.up && s.low:
		return math.Min(1, 2*math.Min(pUp, pLow))
	case s.low:
		return pLow
	}
	return pUp
}

// score picks the score of the monitored side: up ≥ 0 measures an
// increase, low ≥ 0 a decrease (returned negated).
func (s side) score(up, low float64) float64 {
	switch {
	case s.up && s.low:
		if low > up {
			return -low
		}
		return up
	case s.low:
		return -low
	}
	return up
}

// Assessed reports whether the method had enough history to judge the
// period.
func (r Result) Assessed() bool { return !math.IsNaN(r.Upper) }

// Options holds the parameters of every method. A zero field takes the
// method's default, given with each field.
type Options struct {
	// Side is the direction monitored: SideUpper (default, increases),
	// SideLower (decreases, e.g. births −30 % from missed registrations)
	// or SideBoth (each side at Alpha/2, so the total is Alpha).
	Side string

	// Alpha is the one-sided probability of exceeding the upper bound
	// under the baseline. Defaults: 0.001 for EARS C1 and C2, 0.025 for
	// EARS C3 (the choices of surveillance's earsC, after the CDC) and
	// 0.05 for Farrington (surveillance's farringtonFlexible). CUSUM
	// ignores it.
	Alpha float64

	// Period is the seasonal period: 12 for months, 52 for weeks.
	// Farrington requires it; CUSUM uses it for its seasonal baseline
	// (0 or 1: a constant baseline); EARS ignores it.
	Period int

	// Baseline is the number of periods averaged by EARS (default 7,
	// minimum 3).
	Baseline int
	// MinSigma is a floor on the EARS standard deviation (default 0;
	// Burkom suggests 0.5 or 1 for sparse counts).
	MinSigma float64

	// K is the CUSUM reference value in standard deviations (default 0.5,
	// tuned to detect a shift of one standard deviation).
	K float64
	// H is the CUSUM decision interval in standard deviations (default 4).
	H float64
	// Train is the number of leading periods on which the CUSUM baseline
	// is fitted and which are not monitored (default 2×Period when
	// Period ≥ 2, else 12).
	Train int
	// Transform is the CUSUM residual: "rossi" (default) or "standard".
	Transform string

	// Years is the number of past years Farrington uses, b (default 5).
	Years int
	// Window is the Farrington half-window w around the same period in
	// past years (default 3).
	Window int
	// Levels is the number of levels of the Farrington seasonal factor
	// (default 10 as Noufaily et al., capped at Period−2·Window so that
	// every block between windows holds a period; 1: windows only, the
	// original Farrington design).
	Levels int
	// Exclude is the number of most recent periods before t left out of
	// the Farrington baseline so that an emerging outbreak does not
	// raise it (default Period/2, Noufaily's 26 weeks; negative: none).
	Exclude int
	// ReweightZ is the Anscombe residual above which a past period is
	// down-weighted as an outbreak (default 2.58, Noufaily et al.).
	ReweightZ float64
	// NoTrend disables the Farrington time trend. When enabled (the
	// default) the trend is kept only if its p-value is below TrendP, at
	// least 3 years are used and the prediction does not exceed the
	// largest baseline count.
	NoTrend bool
	// TrendP is the significance level for the trend (default 0.05).
	TrendP float64
	// MinCases and MinWindow: Farrington raises no alarm when fewer than
	// MinCases (default 5) were counted over the last MinWindow periods
	// (default 4) including t. Negative MinCases disables the rule.
	MinCases  int
	MinWindow int
	// Threshold is the Farrington threshold method, as surveillance's
	// thresholdMethod: ThresholdNBPlugin (default; Noufaily et al. 2013),
	// ThresholdMuan (Noufaily, the mean's estimation error included) or
	// ThresholdDelta (Farrington et al. 1996, with Power).
	Threshold string
	// Power is the power transformation of ThresholdDelta: PowerNone,
	// PowerHalf or PowerTwoThird (default, Farrington et al.'s choice).
	Power string
}

// checkSeries rejects counts that are negative, NaN or infinite.
func checkSeries(x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("series[%d] = %v: counts must be finite and non-negative", i, v)
		}
	}
	return nil
}

// newResults returns one unassessed Result per period.
func newResults(x []float64) []Result {
	res := make([]Result, len(x))
	nan := math.NaN()
	for i, v := range x {
		res[i] = Result{Index: i, Observed: v, Expected: nan, Upper: nan, Lower: nan, Score: nan, PValue: nan}
	}
	return res
}
