package quality

import (
	"encoding/json"
	"math"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
)

// Proportion is a share with its parts and 95 % Wilson interval, scaled
// (× 100 for a percentage, × 1000 for a rate per 1,000). Value, Lower and
// Upper are NaN when the denominator is 0 (null in JSON).
type Proportion struct {
	Numerator   float64 `json:"numerator"`
	Denominator float64 `json:"denominator"`
	Value       float64 `json:"value"`
	Lower       float64 `json:"lower"`
	Upper       float64 `json:"upper"`
}

func proportion(num, den, scale float64) Proportion {
	p := Proportion{Numerator: num, Denominator: den, Value: math.NaN(), Lower: math.NaN(), Upper: math.NaN()}
	if den > 0 {
		lo, hi := cube.Wilson(num, den)
		p.Value, p.Lower, p.Upper = num/den*scale, lo*scale, hi*scale
	}
	return p
}

// MarshalJSON writes NaN as null.
func (p Proportion) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]*float64{"numerator": finite(p.Numerator), "denominator": finite(p.Denominator),
		"value": finite(p.Value), "lower": finite(p.Lower), "upper": finite(p.Upper)})
}

func finite(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// Named is a proportion with a name (a field, a consistency check).
type Named struct {
	Name string `json:"name"`
	Proportion
}

// MarshalJSON keeps the name beside the proportion's fields.
func (n Named) MarshalJSON() ([]byte, error) {
	b, err := n.Proportion.MarshalJSON()
	if err != nil {
		return nil, err
	}
	name, _ := json.Marshal(n.Name)
	return append(append([]byte(`{"name":`), name...), append([]byte{','}, b[1:]...)...), nil
}

// LagCount is the number of events in one class of registration lags.
type LagCount struct {
	LagBin
	Events float64 `json:"events"`
}

// Lags is the registration-lag distribution of a unit's events of the
// snapshot period: lag = recorded date − event date in days. Quantiles
// are quantile_disc (the smallest lag with at least that share of events
// at or below it); NaN without events.
type Lags struct {
	Events float64    `json:"events"`
	Mean   float64    `json:"mean"`
	P50    float64    `json:"p50"`
	P90    float64    `json:"p90"`
	P95    float64    `json:"p95"`
	Max    float64    `json:"max"`
	Bins   []LagCount `json:"bins"`
}

// MarshalJSON writes NaN as null.
func (l Lags) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"events": l.Events, "mean": finite(l.Mean), "p50": finite(l.P50), "p90": finite(l.P90),
		"p95": finite(l.P95), "max": finite(l.Max), "bins": l.Bins})
}

// Heaping is an age-heaping index of a unit: Whipple's (0 and 5, ages
// 23–62, with a 95 % interval from the Wilson interval of the share of
// ages ending in 0 or 5) or Myers' blended index (10–89, no interval).
// Population is the persons in the index's age range.
type Heaping struct {
	Value      float64 `json:"value"`
	Lower      float64 `json:"lower,omitempty"`
	Upper      float64 `json:"upper,omitempty"`
	Population float64 `json:"population"`
	Class      string  `json:"class,omitempty"` // UN class (Whipple)
}

// Consistency checks.
const (
	CheckIDMatch   = "id_match"       // ID number agrees with birth date and sex
	CheckMarital   = "marital_age"    // ever married only from MinMarriedAge
	CheckMotherAge = "mother_age"     // mother aged MotherAgeMin–MotherAgeMax at the birth
	CheckHead      = "household_head" // the household's head is an accepted member
)

// Measures are the data-quality measures of one unit for one snapshot
// version. Percentages are 0–100; Duplicates is per 1,000 records. Nil
// pointers are measures the unit does not have (Whipple and Myers below
// Options.MinHeapingPop persons; Duplicates and Feedback without linkage tables).
type Measures struct {
	Version     int64        `json:"version"`
	Division    string       `json:"division"`
	Level       models.Level `json:"level"`
	Period      string       `json:"period"` // month of the as-of date, YYYY-MM
	Records     float64      `json:"records"`
	Accepted    float64      `json:"accepted"`
	Quarantined float64      `json:"quarantined"`

	Completeness Proportion  `json:"completeness"`
	Fields       []Named     `json:"fields"`
	IDValidity   Proportion  `json:"id_validity"`
	CodeValidity Proportion  `json:"code_validity"`
	Consistency  Proportion  `json:"consistency"`
	Checks       []Named     `json:"checks"`
	Timeliness   Proportion  `json:"timeliness"`
	Lags         Lags        `json:"lags"`
	Whipple      *Heaping    `json:"whipple"`
	Myers        *Heaping    `json:"myers"`
	Duplicates   *Proportion `json:"duplicates"` // duplicate cards per 1,000 records
	Feedback     *Proportion `json:"feedback"`   // worklist items verified or corrected, %
	Score        Score       `json:"score"`
}

// row is one unit's columns of quality.measures by name.
type row map[string]float64

// measuresOf builds the measures of a unit from its stored counts.
func measuresOf(r row, linkage bool, minPop int) *Measures {
	m := &Measures{Records: r["records"], Accepted: r["accepted"], Quarantined: r["quarantined"]}
	var ok, exp float64
	for _, f := range Fields {
		o, e := r["ok_"+f.Name], r["exp_"+f.Name]
		ok, exp = ok+o, exp+e
		m.Fields = append(m.Fields, Named{f.Name, proportion(o, e, 100)})
	}
	m.Completeness = proportion(ok, exp, 100)
	m.IDValidity = proportion(r["id_num"], r["id_den"], 100)
	m.CodeValidity = proportion(r["code_num"], r["code_den"], 100)
	var cn, cd float64
	for _, c := range []struct{ name, col string }{{CheckIDMatch, "cons_id"}, {CheckMarital, "cons_marital"}, {CheckMotherAge, "cons_mother"}, {CheckHead, "cons_head"}} {
		n, d := r[c.col+"_num"], r[c.col+"_den"]
		cn, cd = cn+n, cd+d
		m.Checks = append(m.Checks, Named{c.name, proportion(n, d, 100)})
	}
	m.Consistency = proportion(cn, cd, 100)
	m.Timeliness = proportion(r["events_timely"], r["events"], 100)
	m.Lags = Lags{Events: r["events"], Mean: math.NaN(), P50: nanIfMissing(r, "lag_p50"), P90: nanIfMissing(r, "lag_p90"),
		P95: nanIfMissing(r, "lag_p95"), Max: nanIfMissing(r, "lag_max")}
	if r["events"] > 0 {
		m.Lags.Mean = r["lag_sum"] / r["events"]
	}
	for i, b := range LagBins {
		m.Lags.Bins = append(m.Lags.Bins, LagCount{b, r[lagBinColumn(i)]})
	}
	if pw := r["pop_whipple"]; pw >= float64(minPop) && pw > 0 {
		share := whippleShare()
		lo, hi := cube.Wilson(r["whipple_num"], pw)
		w := 100 * r["whipple_num"] / (share * pw)
		m.Whipple = &Heaping{Value: w, Lower: 100 * lo / share, Upper: 100 * hi / share, Population: pw, Class: WhippleClass(w)}
	}
	if pm := r["pop_myers"]; pm >= float64(minPop) && pm > 0 {
		if v, ok := r["myers"]; ok && !math.IsNaN(v) {
			m.Myers = &Heaping{Value: v, Population: pm}
		}
	}
	if linkage {
		d := proportion(r["dup_cards"], r["records"], 1000)
		m.Duplicates = &d
		if r["items"] > 0 {
			f := proportion(r["items_done"], r["items"], 100)
			m.Feedback = &f
		}
	}
	m.Score = ScoreOf(m)
	return m
}

func nanIfMissing(r row, k string) float64 {
	if v, ok := r[k]; ok {
		return v
	}
	return math.NaN()
}

// whippleShare is the share of ages 23–62 ending in 0 or 5.
func whippleShare() float64 {
	n := 0
	for x := WhippleFrom; x <= WhippleTo; x++ {
		if x%5 == 0 {
			n++
		}
	}
	return float64(n) / float64(WhippleTo-WhippleFrom+1)
}
