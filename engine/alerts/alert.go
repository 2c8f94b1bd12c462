package alerts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"time"

	"github.com/padis/padis/engine/notify"
	"github.com/padis/padis/models"
)

// Statuses of an alert.
const (
	StatusNew          = "new"
	StatusAcknowledged = "acknowledged"
	StatusResolved     = "resolved"
	// StatusSuperseded: the alert is about a period older than the
	// current ones of its rule (the latest year, quarter or 12 months,
	// the latest three months judged): kept with its history, not new.
	StatusSuperseded = "superseded"
	// StatusGrouped: the alert is one of the children of a grouped alert
	// (GroupID), shown through it rather than as a separate new item.
	StatusGrouped = "grouped"
)

// Statuses lists the statuses.
var Statuses = []string{StatusNew, StatusAcknowledged, StatusResolved, StatusSuperseded, StatusGrouped}

// History actions.
const (
	ActionRaised       = "raised"       // first found
	ActionChanged      = "changed"      // colour or value changed in a re-evaluation
	ActionAcknowledged = "acknowledged" // a user acknowledged it
	ActionResolved     = "resolved"     // the condition cleared
	ActionReopened     = "reopened"     // found again after it was resolved
	ActionSuperseded   = "superseded"   // its period is no longer current
	ActionGrouped      = "grouped"      // taken into a grouped alert at the parent
)

// Alert is one early warning of one rule, unit and period in one
// snapshot version.
type Alert struct {
	// ID is stable across evaluations and versions: a hash of rule, unit
	// and period (see AlertID).
	ID         string       `json:"id"`
	Version    int64        `json:"version"`
	Rule       string       `json:"rule"`
	Kind       string       `json:"kind"`
	Indicator  string       `json:"indicator"`
	Division   string       `json:"division"`
	Level      models.Level `json:"level"`
	UnitName   string       `json:"unit_name"`
	PeriodType string       `json:"period_type"`
	Period     string       `json:"period"`
	Condition  string       `json:"condition"` // above or below: the direction of the departure

	// Value is the indicator value, the observed count (aberration) or
	// the projected measure (projection: % change, yearly decline % or
	// ratio to the base). Lower and Upper are its 95 % interval
	// (threshold rules) or the detection bounds (aberration); NaN when
	// not applicable.
	Value       float64 `json:"value"`
	Lower       float64 `json:"lower"`
	Upper       float64 `json:"upper"`
	Expected    float64 `json:"expected"`    // aberrations: the baseline; projections: the base amount
	Numerator   float64 `json:"numerator"`   // threshold rules: the counts behind the value
	Denominator float64 `json:"denominator"` // (aberrations: Numerator is the observed count)
	PValue      float64 `json:"p_value"`     // aberrations
	Threshold   float64 `json:"threshold"`   // the threshold of Colour
	Colour      string  `json:"colour"`

	ExplanationZH string `json:"explanation_zh"`
	ExplanationEN string `json:"explanation_en"`

	Status    string    `json:"status"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	AckUser   string    `json:"ack_user,omitempty"`
	AckNote   string    `json:"ack_note,omitempty"`
	AckAt     time.Time `json:"ack_at,omitzero"`
	Resolved  time.Time `json:"resolved_at,omitzero"`

	// GroupID is, for a child of a grouped alert, the ID of the grouped
	// alert at the parent unit. Children lists, for a grouped alert, the
	// IDs of its children (filled by Get).
	GroupID  string   `json:"group_id,omitempty"`
	Children []string `json:"children,omitempty"`

	History []Event `json:"history,omitempty"`
}

// Event is one change of an alert.
type Event struct {
	At      time.Time `json:"at"`
	Version int64     `json:"version"`
	Action  string    `json:"action"`
	Colour  string    `json:"colour"`
	Value   float64   `json:"value"`
	User    string    `json:"user,omitempty"`
	Note    string    `json:"note,omitempty"`
}

// AlertID is the stable identity of an alert: the first 16 hex digits of
// SHA-256 of "rule|division|period". The same rule, unit and period keep
// the same ID in every evaluation and every later version, so that
// re-evaluation updates instead of duplicating, and an acknowledgement
// carries over to the next snapshot.
func AlertID(rule, division, period string) string {
	s := sha256.Sum256([]byte(rule + "|" + division + "|" + period))
	return hex.EncodeToString(s[:8])
}

// Options tune Evaluate. Zero values take the defaults.
type Options struct {
	// Rules replace the shipped DefaultRules.
	Rules []Rule
	// Catalog resolves indicator names, units and how to derive values
	// below the materialised level (default models.DefaultCatalog()).
	Catalog *models.Catalog
	// Tree names the units (default datasets.Divisions()).
	Tree *models.DivisionTree
	// Now is the time recorded as first/last seen and in the history
	// (default time.Now(); set it for reproducible stores).
	Now time.Time
	// Units restricts the evaluation to the units at or below these codes
	// (nil: every unit). Alerts of other units are left as they are, and
	// the false-discovery control runs over the units evaluated.
	Units []string
	// Workers run the detectors and projections in parallel (default 2).
	Workers int
	// Notify delivers new orange and red alerts (nil or disabled: none).
	Notify *notify.Config
}

// Result summarises one evaluation.
type Result struct {
	Version int64    `json:"version"`
	Scope   string   `json:"scope"`
	Rules   int      `json:"rules"`
	Skipped []string `json:"skipped,omitempty"` // rules whose indicator has no values, with the reason
	// Coverage says, for a scope of scattered counties, which units were
	// evaluated (empty for a province scope: every unit).
	Coverage   string `json:"coverage,omitempty"`
	Candidates int    `json:"candidates"` // alerts whose condition holds
	// Tested counts, per aberration rule, the unit-months judged (assessed
	// by the method, expected count at least the rule's minimum) and, per
	// threshold rule, the unit-periods judged (enough events, a proper
	// interval, in the units evaluated): the denominator of the
	// false-alarm rate.
	Tested map[string]int `json:"tested,omitempty"`
	// testedUnits counts the same per rule and unit (the bound tests
	// count the judged unit-periods of clean units).
	testedUnits map[string]map[string]int
	New         int `json:"new"` // raised or reopened in this evaluation
	Changed     int `json:"changed"`
	Resolved    int `json:"resolved"`
	// Superseded and Grouped count the alerts found whose status is
	// superseded (about a period no longer current) or grouped (a child
	// of a grouped alert); Groups counts the grouped alerts.
	Superseded int            `json:"superseded"`
	Grouped    int            `json:"grouped"`
	Groups     int            `json:"groups"`
	ByColour   map[string]int `json:"by_colour"`
	Notified   int            `json:"notified"` // new orange/red alerts delivered
	Steps      []Step         `json:"steps"`
	Duration   time.Duration  `json:"duration_ns"`
}

// Step is the duration of one stage of an evaluation.
type Step struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration_ns"`
}

// finite returns a pointer to f, nil for NaN and ±Inf (JSON null).
func finite(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// MarshalJSON writes undefined numbers (NaN) as null.
func (a Alert) MarshalJSON() ([]byte, error) {
	type plain Alert
	return json.Marshal(struct {
		plain
		Value       *float64 `json:"value"`
		Lower       *float64 `json:"lower"`
		Upper       *float64 `json:"upper"`
		Expected    *float64 `json:"expected"`
		Numerator   *float64 `json:"numerator"`
		Denominator *float64 `json:"denominator"`
		PValue      *float64 `json:"p_value"`
		Threshold   *float64 `json:"threshold"`
	}{plain(a), finite(a.Value), finite(a.Lower), finite(a.Upper), finite(a.Expected), finite(a.Numerator),
		finite(a.Denominator), finite(a.PValue), finite(a.Threshold)})
}

// MarshalJSON writes an undefined value as null.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return json.Marshal(struct {
		plain
		Value *float64 `json:"value"`
	}{plain(e), finite(e.Value)})
}

// judged counts one unit-period of division judged by rule (Tested).
func (res *Result) judged(rule, division string) {
	res.Tested[rule]++
	if res.testedUnits == nil {
		res.testedUnits = map[string]map[string]int{}
	}
	if res.testedUnits[rule] == nil {
		res.testedUnits[rule] = map[string]int{}
	}
	res.testedUnits[rule][division]++
}
