package cube

import (
	"math"

	"github.com/padis/padis/models"
)

// Reliability rule (docs/indicators.md, "Reliability"): a value with an
// interval is unreliable when it rests on fewer than MinEvents events, or
// when its 95 % interval is wider than MaxRelativeWidth times the value.
const (
	// MinEvents is the number of events below which a rate, ratio or
	// proportion is unreliable: NCHS's rule for vital rates ("rates based
	// on fewer than 20 events are unreliable": their relative standard
	// error, 1/√k for a Poisson count k, is 23 % or more).
	MinEvents = 20
	// MaxRelativeWidth is the largest reliable (upper − lower)/|value|:
	// the 130 % bound of the NCHS data presentation standards for
	// proportions (Parker et al. 2017, Vital Health Stat 2(175)).
	MaxRelativeWidth = 1.30
)

// Reasons a value is unreliable (Value.ReliabilityReason).
const (
	ReasonFewEvents    = "few_events"    // fewer than MinEvents events (e0: MinDeathsE0 deaths)
	ReasonWideInterval = "wide_interval" // relative interval width above MaxRelativeWidth
)

// Reliability judges v, a value of ind, by the rule above. The events are
// the numerator (births, deaths, the count of a proportion), both counts
// of a binomial ratio (SRB: all births), the deaths of e0 (against
// MinDeathsE0); RNI, whose numerator is a difference, and the small-area
// estimates (IntervalPosterior), which borrow strength beyond their own
// events, are judged by their interval alone. Values without an interval method (counts, median age,
// household size) and values without a value are not judged.
func Reliability(ind models.Indicator, v Value) (unreliable bool, reason string) {
	if ind.Interval == models.IntervalNone || ind.Interval == "" || math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
		return false, ""
	}
	least, events := float64(MinEvents), v.Numerator
	switch ind.Interval {
	case models.IntervalRatioBinom:
		events = v.Numerator + v.Denominator
	case models.IntervalChiang:
		least = MinDeathsE0
	case models.IntervalDifference, models.IntervalPosterior:
		events = math.NaN()
	}
	if events < least {
		return true, ReasonFewEvents
	}
	if w := v.Upper - v.Lower; w > MaxRelativeWidth*math.Abs(v.Value) || math.IsInf(w, 1) {
		return true, ReasonWideInterval
	}
	return false, ""
}

// Assess sets v's Unreliable, ReliabilityReason and Flag (FlagUnreliable
// or none; an empty value stays empty) by Reliability. Every value the
// cube materialises or derives passes here, and engine/query applies it
// again to what it reads, so that a value carries the same flag wherever
// it comes from.
func Assess(ind models.Indicator, v *Value) {
	v.Unreliable, v.ReliabilityReason = Reliability(ind, *v)
	switch {
	case v.Flag != FlagNone && v.Flag != FlagUnreliable:
	case v.Unreliable:
		v.Flag = FlagUnreliable
	default:
		v.Flag = FlagNone
	}
}
