package alerts

import (
	"math"
)

// Grading: a colour needs its threshold passed and the evidence of its
// grade (docs/alerts.md, "Grading"). Blue and yellow need what every
// alert needs (the rule's minimum count, the false-discovery control or
// the 95 % interval); orange and red need more expected events and
// either a smaller probability of chance or the same finding in the
// previous period of the unit.

// grade is the evidence one colour needs.
type grade struct {
	// minExpected is the expected count an aberration needs (at least the
	// rule's min_denominator).
	minExpected float64
	// maxQ is the largest Benjamini–Hochberg adjusted p-value an
	// aberration may have (0: the rule's fdr).
	maxQ float64
	// z is the standard normal quantile at which a threshold rule's
	// interval bound must pass the threshold: 1.96 is the 95 % interval
	// the cube stores (one side 0.025); 2.326 one side 0.01; 3.090 one
	// side 0.001.
	z float64
	// persist: the colour is also reached when the previous period of the
	// unit passed the same threshold (on its 95 % evidence).
	persist bool
}

// z95 is the quantile of the cube's 95 % intervals.
const z95 = 1.959963984540054

// grades are indexed as Colours: blue, yellow, orange, red.
var grades = [4]grade{
	{z: z95},
	{z: z95},
	{minExpected: 5, maxQ: 0.01, z: 2.3263478740408408, persist: true},
	{minExpected: 10, maxQ: 0.001, z: 3.090232306167813, persist: true},
}

// evidence is what a unit-month shows to an aberration rule.
type evidence struct {
	on       bool    // an alarm that passed the false-discovery control
	low      bool    // the alarm is for a decrease
	dev      float64 // |observed/expected − 1| × 100
	expected float64
	q        float64 // BH-adjusted p-value; NaN for methods without one
}

// gradeAberration returns the most severe colour whose threshold the
// deviation passes and whose evidence cur (with prev, the unit's previous
// month) provides, and that threshold; "" when none.
func (r *Rule) gradeAberration(cur, prev evidence) (string, float64) {
	if !cur.on {
		return "", math.NaN()
	}
	ts := r.Thresholds.list()
	for k := len(ts) - 1; k >= 0; k-- {
		t := ts[k]
		if t == nil || !(cur.dev > *t) {
			continue
		}
		g := grades[k]
		minE := math.Max(r.MinDenominator, g.minExpected)
		if !(cur.expected >= minE) {
			continue
		}
		maxQ := g.maxQ
		if maxQ == 0 {
			maxQ = r.FDR
		}
		if cur.q <= maxQ || (math.IsNaN(cur.q) && g.maxQ == 0) {
			return Colours[k], *t
		}
		if g.persist && prev.on && prev.low == cur.low && prev.dev > *t && prev.expected >= minE {
			return Colours[k], *t
		}
	}
	return "", math.NaN()
}

// judgedAt returns the number a threshold rule compares at quantile z: the
// value moved by z standard errors towards the threshold side, the
// standard error read off the stored 95 % interval as (upper − lower)/
// (2·1.96) (a symmetric approximation of the interval). At z95 it is the
// stored bound itself. Rules judged on the value, and values without an
// interval, return the value.
func (r *Rule) judgedAt(value, lower, upper, z float64) float64 {
	if !r.byInterval() || math.IsNaN(lower) || math.IsNaN(upper) {
		return value
	}
	if z == z95 {
		if r.Condition == Below {
			return upper
		}
		return lower
	}
	se := (upper - lower) / (2 * z95)
	if r.Condition == Below {
		return value + z*se
	}
	return value - z*se
}

// passes reports whether judged passes threshold t strictly.
func (r *Rule) passes(judged, t float64) bool {
	if r.Condition == Below {
		return judged < t
	}
	return judged > t
}

// gradeThreshold returns the most severe colour of a threshold rule for a
// value with its 95 % interval, given prev, the number the unit's previous
// period was judged on at 95 % (NaN when unknown): a colour needs its
// threshold passed by the bound at its grade's z, or — orange and red —
// passed at 95 % in this period and the previous one.
func (r *Rule) gradeThreshold(value, lower, upper, prev float64) (string, float64) {
	j95 := r.judgedAt(value, lower, upper, z95)
	if math.IsNaN(j95) {
		return "", math.NaN()
	}
	ts := r.Thresholds.list()
	for k := len(ts) - 1; k >= 0; k-- {
		t := ts[k]
		if t == nil || !r.passes(j95, *t) {
			continue
		}
		g := grades[k]
		if r.passes(r.judgedAt(value, lower, upper, g.z), *t) {
			return Colours[k], *t
		}
		if g.persist && r.passes(prev, *t) {
			return Colours[k], *t
		}
	}
	return "", math.NaN()
}
