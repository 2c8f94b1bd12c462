package cube

import (
	"encoding/json"
	"math"

	"github.com/padis/padis/models"
)

// Flags of a value.
const (
	FlagNone       = ""           // a regular value
	FlagEmpty      = "empty"      // the denominator is zero: no value
	FlagUnreliable = "unreliable" // too few events or too wide an interval (see Reliability)
)

// Value is one indicator value of one unit and period with its lineage:
// the snapshot version and scope, the counts it came from, its 95 %
// interval and whether it is reliable (Assess).
// Undefined numbers (no denominator, no interval) are NaN and are written
// as null in JSON.
type Value struct {
	Version     int64        `json:"version"`
	Scope       string       `json:"scope"` // the snapshot scope of Version (filled by engine/query)
	Indicator   string       `json:"indicator"`
	Division    string       `json:"division"`
	Level       models.Level `json:"level"`
	PeriodType  string       `json:"period_type"`
	Period      string       `json:"period"`
	Breakdown   string       `json:"breakdown,omitempty"` // e.g. "age=27" for ASFR
	Value       float64      `json:"value"`
	Lower       float64      `json:"lower"`
	Upper       float64      `json:"upper"`
	Numerator   float64      `json:"numerator"`
	Denominator float64      `json:"denominator"`
	Flag        string       `json:"flag,omitempty"`
	// Unreliable is set when the value rests on too few events or its
	// interval is too wide (Reliability); ReliabilityReason says which.
	Unreliable        bool   `json:"unreliable"`
	ReliabilityReason string `json:"reliability_reason,omitempty"`
	// Provisional (初步数) marks a value whose period holds a month not
	// yet completely registered (engine/nowcast; engine/query's
	// provisional.go): for an event count Value and Registered are the
	// count registered by as-of, Nowcast the estimated eventual count with
	// its 95 % interval NowcastLower…NowcastUpper; for CBR, CDR and TFR
	// Value is computed from the nowcast and Registered from the
	// registered count; other values are only flagged (Nowcast NaN). The
	// four numbers are meaningful, and written, only when Provisional.
	Provisional                bool    `json:"provisional,omitempty"`
	Registered, Nowcast        float64 `json:"-"`
	NowcastLower, NowcastUpper float64 `json:"-"`
}

// MarshalJSON writes NaN and infinite numbers as null.
func (v Value) MarshalJSON() ([]byte, error) {
	type plain struct {
		Version     int64    `json:"version"`
		Scope       string   `json:"scope"`
		Indicator   string   `json:"indicator"`
		Division    string   `json:"division"`
		Level       string   `json:"level"`
		PeriodType  string   `json:"period_type"`
		Period      string   `json:"period"`
		Breakdown   string   `json:"breakdown,omitempty"`
		Value       *float64 `json:"value"`
		Lower       *float64 `json:"lower"`
		Upper       *float64 `json:"upper"`
		Numerator   *float64 `json:"numerator"`
		Denominator *float64 `json:"denominator"`
		Flag        string   `json:"flag,omitempty"`
		Unreliable  bool     `json:"unreliable"`
		Reason      string   `json:"reliability_reason,omitempty"`
		Provisional bool     `json:"provisional,omitempty"`
		Registered  *float64 `json:"registered,omitempty"`
		Nowcast     *float64 `json:"nowcast,omitempty"`
		NowLower    *float64 `json:"nowcast_lower,omitempty"`
		NowUpper    *float64 `json:"nowcast_upper,omitempty"`
	}
	p := plain{v.Version, v.Scope, v.Indicator, v.Division, v.Level.String(), v.PeriodType, v.Period, v.Breakdown,
		finite(v.Value), finite(v.Lower), finite(v.Upper), finite(v.Numerator), finite(v.Denominator), v.Flag, v.Unreliable, v.ReliabilityReason,
		v.Provisional, nil, nil, nil, nil}
	if v.Provisional {
		p.Registered, p.Nowcast, p.NowLower, p.NowUpper = finite(v.Registered), finite(v.Nowcast), finite(v.NowcastLower), finite(v.NowcastUpper)
	}
	return json.Marshal(p)
}

func finite(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// Counts are the base measures of one unit and period, indexed like
// models.Measures.
type Counts []float64

var measureIndex = func() map[string]int {
	m := make(map[string]int, len(models.Measures))
	for i, ms := range models.Measures {
		m[ms.ID] = i
	}
	return m
}()

// MeasureIndex returns the position of a measure in Counts, or −1.
func MeasureIndex(id string) int {
	if i, ok := measureIndex[id]; ok {
		return i
	}
	return -1
}

// Get returns the measure id of c (NaN for an unknown id).
func (c Counts) Get(id string) float64 {
	i := MeasureIndex(id)
	if i < 0 || i >= len(c) {
		return math.NaN()
	}
	return c[i]
}
