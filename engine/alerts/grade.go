package alerts

import (
	"math"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
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

// reading is a threshold value as the grading reads it: the value and
// its stored 95 % interval, and — for the binomial interval methods
// (cube.Wilson for a proportion, cube.RatioBinomial for a ratio such as
// the SRB) — the counts and the method, so that the bound of every grade
// is the binomial bound at that grade's quantile rather than a symmetric
// approximation (a ratio's interval is skewed: an SRB of 130 from 78 boys
// and 60 girls is 93.0–181.0).
type reading struct {
	value, lower, upper float64
	num, den            float64 // numerator and denominator (NaN: unknown)
	method              string  // models.Interval*; "" when unknown
	scale               float64 // the indicator's scale (100 for the SRB)
}

// readingOf returns the reading of a cube value of indicator ind.
func readingOf(ind models.Indicator, v cube.Value) reading {
	return reading{value: v.Value, lower: v.Lower, upper: v.Upper, num: v.Numerator, den: v.Denominator, method: ind.Interval, scale: ind.Scale}
}

// boundAt returns the binomial bound of the reading at quantile z on the
// side the rule judges; ok is false when the reading has no binomial
// method or no counts that reproduce its value.
func (r *Rule) boundAt(rd reading, z float64) (b float64, ok bool) {
	if !(rd.den > 0) || !(rd.num >= 0) || !(rd.scale > 0) || math.Abs(rd.num/rd.den*rd.scale-rd.value) > 1e-9*math.Max(1, math.Abs(rd.value)) {
		return math.NaN(), false
	}
	var lo, hi float64
	switch rd.method {
	case models.IntervalWilson:
		lo, hi = cube.WilsonAt(rd.num, rd.den, z)
	case models.IntervalRatioBinom:
		lo, hi = cube.RatioBinomialAt(rd.num, rd.den, z)
	default:
		return math.NaN(), false
	}
	if r.Condition == Below {
		return hi * rd.scale, true
	}
	return lo * rd.scale, true
}

// judgedAt returns the number a threshold rule compares at quantile z:
// for the binomial methods the bound at z from the counts (boundAt);
// otherwise the value moved by z standard errors towards the threshold
// side, the standard error read off the stored 95 % interval as
// (upper − lower)/(2·1.96) (a symmetric approximation of the interval).
// At z95 it is the stored bound itself. Rules judged on the value, and
// values without an interval, return the value.
func (r *Rule) judgedAt(rd reading, z float64) float64 {
	value, lower, upper := rd.value, rd.lower, rd.upper
	if !r.byInterval() || math.IsNaN(lower) || math.IsNaN(upper) {
		return value
	}
	if z == z95 {
		if r.Condition == Below {
			return upper
		}
		return lower
	}
	if b, ok := r.boundAt(rd, z); ok {
		return b
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
// reading, given prev, the number the unit's previous period was judged
// on at 95 % (NaN when unknown): a colour needs its threshold passed by
// the bound at its grade's z, or — orange and red — passed at 95 % in
// this period and the previous one.
func (r *Rule) gradeThreshold(rd reading, prev float64) (string, float64) {
	j95 := r.judgedAt(rd, z95)
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
		if r.passes(r.judgedAt(rd, g.z), *t) {
			return Colours[k], *t
		}
		if g.persist && r.passes(prev, *t) {
			return Colours[k], *t
		}
	}
	return "", math.NaN()
}
