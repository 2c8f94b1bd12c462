package quality

import (
	"encoding/json"
	"math"
)

// Thresholds of the measures (docs/quality.md).
const (
	MinMarriedAge = 18  // an ever-married person younger than this is inconsistent (lowest legal age in China, 20/22 less two in autonomous areas)
	MotherAgeMin  = 12  // a mother's age at a child's birth must lie within MotherAgeMin…MotherAgeMax
	MotherAgeMax  = 55  //
	TimelyDays    = 30  // an event recorded within this many days of its date is timely
	MinHeapingPop = 500 // Whipple and Myers need at least this many persons in their age range
)

// LagBin is one class of registration lags in days (Hi −1: open).
type LagBin struct {
	Lo, Hi int
	Label  string
}

// LagBins are the classes of the registration-lag distribution.
var LagBins = []LagBin{{0, 7, "0–7"}, {8, 30, "8–30"}, {31, 90, "31–90"}, {91, 180, "91–180"}, {181, 365, "181–365"}, {366, -1, "366+"}}

// Score components, in weight order.
const (
	CompCompleteness = "completeness"
	CompIDValidity   = "id_validity"
	CompCodeValidity = "code_validity"
	CompConsistency  = "consistency"
	CompTimeliness   = "timeliness"
	CompDuplicates   = "duplicates"
	CompHeaping      = "heaping"
	CompFeedback     = "feedback"
)

// Weight is one component of the quality score with its weight.
type Weight struct {
	Component string
	Weight    float64
	Doc       string
}

// Weights of the quality score; they sum to 1. A component a unit lacks
// (no linkage tables, too few persons for Whipple, no events, no
// worklist items) is left out and the others are reweighted.
var Weights = []Weight{
	{CompCompleteness, 0.25, "100 at 100 % complete, 0 at 90 % (the seeds' main-field accuracy floor), linear"},
	{CompIDValidity, 0.15, "100 at 100 % valid ID numbers, 0 at 90 %"},
	{CompCodeValidity, 0.10, "100 at 100 % valid codes, 0 at 90 %"},
	{CompConsistency, 0.15, "100 at 100 % of checks passed, 0 at 90 %"},
	{CompTimeliness, 0.10, "100 when every event is recorded within 30 days, 0 at 70 %"},
	{CompDuplicates, 0.10, "100 with no duplicate card, 0 at 10 per 1,000 records"},
	{CompHeaping, 0.10, "Whipple's index: 100 up to 105 (highly accurate), 0 from 175 (very rough)"},
	{CompFeedback, 0.05, "share of worklist items verified or corrected × 100"},
}

// linear maps x to 0–100: 100 at good, 0 at bad, clamped.
func linear(x, good, bad float64) float64 {
	s := 100 * (x - bad) / (good - bad)
	return math.Max(0, math.Min(100, s))
}

// ComponentScore is one component's score (0–100) for a unit, NaN when
// the unit lacks it.
type ComponentScore struct {
	Component string  `json:"component"`
	Weight    float64 `json:"weight"`
	Score     float64 `json:"score"`
}

// Score is a unit's quality score: the weighted mean of its available
// component scores. Numerator is Σ weight × score and Denominator Σ
// weight over the available components.
type Score struct {
	Value       float64          `json:"value"`
	Numerator   float64          `json:"numerator"`
	Denominator float64          `json:"denominator"`
	Components  []ComponentScore `json:"components"`
}

// ScoreOf computes the score of m from its measures.
func ScoreOf(m *Measures) Score {
	comp := map[string]float64{
		CompCompleteness: linear(m.Completeness.Value, 100, 90),
		CompIDValidity:   linear(m.IDValidity.Value, 100, 90),
		CompCodeValidity: linear(m.CodeValidity.Value, 100, 90),
		CompConsistency:  linear(m.Consistency.Value, 100, 90),
		CompTimeliness:   linear(m.Timeliness.Value, 100, 70),
		CompDuplicates:   math.NaN(),
		CompHeaping:      math.NaN(),
		CompFeedback:     math.NaN(),
	}
	if m.Duplicates != nil {
		comp[CompDuplicates] = linear(m.Duplicates.Value, 0, 10)
	}
	if m.Whipple != nil {
		comp[CompHeaping] = linear(m.Whipple.Value, 105, 175)
	}
	if m.Feedback != nil {
		comp[CompFeedback] = linear(m.Feedback.Value, 100, 0)
	}
	s := Score{Value: math.NaN()}
	for _, w := range Weights {
		c := comp[w.Component]
		s.Components = append(s.Components, ComponentScore{w.Component, w.Weight, c})
		if !math.IsNaN(c) {
			s.Numerator += w.Weight * c
			s.Denominator += w.Weight
		}
	}
	if s.Denominator > 0 {
		s.Value = s.Numerator / s.Denominator
	}
	return s
}

// MarshalJSON writes a missing component's score as null.
func (c ComponentScore) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Component string   `json:"component"`
		Weight    float64  `json:"weight"`
		Score     *float64 `json:"score"`
	}{c.Component, c.Weight, finite(c.Score)})
}

// MarshalJSON writes an undefined score as null.
func (s Score) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Value       *float64         `json:"value"`
		Numerator   float64          `json:"numerator"`
		Denominator float64          `json:"denominator"`
		Components  []ComponentScore `json:"components"`
	}{finite(s.Value), s.Numerator, s.Denominator, s.Components})
}
