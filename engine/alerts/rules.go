package alerts

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/detect"
	"github.com/padis/padis/models"
)

// Rule kinds.
const (
	// KindThreshold compares an indicator of the cube (cube.values, or
	// derived from cube.measures below the materialised level) with the
	// colour thresholds.
	KindThreshold = "threshold"
	// KindAberration runs a detect method over the monthly series of a
	// measure per unit, with Benjamini–Hochberg control across units.
	KindAberration = "aberration"
	// KindProjection projects every unit Horizon years ahead and compares
	// a projected change with the thresholds.
	KindProjection = "projection"
)

// Conditions.
const (
	Above = "above" // the judged value exceeds the threshold
	Below = "below" // the judged value is under the threshold
)

// Colours, from the least to the most severe (the Chinese four-level
// convention: blue IV, yellow III, orange II, red I).
const (
	Blue   = "blue"
	Yellow = "yellow"
	Orange = "orange"
	Red    = "red"
)

// Colours lists the colours from the least to the most severe.
var Colours = []string{Blue, Yellow, Orange, Red}

// colourRank returns 1 (blue) … 4 (red), 0 for an unknown colour.
func colourRank(c string) int { return slices.Index(Colours, c) + 1 }

// Thresholds are the four colour levels; a nil level is not used.
type Thresholds struct {
	Blue   *float64 `json:"blue,omitempty"`
	Yellow *float64 `json:"yellow,omitempty"`
	Orange *float64 `json:"orange,omitempty"`
	Red    *float64 `json:"red,omitempty"`
}

// list returns the thresholds from blue to red (nil where unused).
func (t Thresholds) list() [4]*float64 { return [4]*float64{t.Blue, t.Yellow, t.Orange, t.Red} }

// Rule is one early-warning rule. The JSON form is the rules file
// (docs/alerts.md, "Rules").
type Rule struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // threshold, aberration or projection
	// Indicator is the catalog indicator (threshold), the measure
	// (aberration) or the projected quantity (projection: school_3_5,
	// school_6_11, school_12_14, school_15_17, working_age, pop_80plus,
	// benefit_cost).
	Indicator string `json:"indicator"`
	// Levels are the unit levels the rule applies to: province, city,
	// county, township (village is allowed for threshold and aberration
	// rules on measures).
	Levels []string `json:"levels"`
	// PeriodType of a threshold rule: month, quarter, year or r12;
	// aberration rules are monthly.
	PeriodType string `json:"period_type,omitempty"`
	// Condition: above or below. For an aberration rule the side of
	// detection follows: above = upper, below = lower, both = two-sided.
	Condition string `json:"condition"`
	// Judge says which number is compared: "interval" (the default for
	// threshold rules: the lower bound for above, the upper bound for
	// below, so that small-number noise does not alarm) or "value".
	Judge      string     `json:"judge,omitempty"`
	Thresholds Thresholds `json:"thresholds"`
	// MinDenominator: no alert when the denominator (threshold rules), the
	// expected count (aberration rules) or the base amount of the
	// projected quantity (projection rules) is below it, or unknown.
	MinDenominator float64 `json:"min_denominator,omitempty"`
	// MinNumerator (threshold rules): no alert when the numerator is
	// below it, or unknown. It is the minimum count of events of the
	// indicators whose denominator alone does not say how many events
	// there are, e.g. the births behind a TFR (the denominator is then
	// the person-years of women 15–49).
	MinNumerator float64 `json:"min_numerator,omitempty"`

	// Aberration rules: the detect method (default farrington), the
	// false-discovery rate q across the units of a level and month
	// (default 0.05) and the detect options (Period defaults to 12; for
	// Farrington Years defaults to as many whole years as the series
	// allows, at most 5). Thresholds are then percentage deviations from
	// the expected count, |observed/expected − 1| × 100.
	Method  string          `json:"method,omitempty"`
	FDR     float64         `json:"fdr,omitempty"`
	Options *detect.Options `json:"options,omitempty"`
	// SkipRecent is the number of latest months not judged by an
	// aberration rule because their events are still being registered
	// (default 1: the as-of month; 0 judges every month).
	SkipRecent *int `json:"skip_recent,omitempty"`

	// Projection rules: horizon in years (default 10) and, for
	// benefit_cost, the yearly amount per beneficiary in yuan (default
	// 960). Thresholds: percentage change (school cohorts, 80+ as a ratio
	// to the base, benefit cost as a ratio to the base), or the average
	// yearly decline in % (working_age).
	Horizon      int     `json:"horizon,omitempty"`
	AnnualAmount float64 `json:"annual_amount,omitempty"`

	// Decimals of the numbers in the explanations (default 1).
	Decimals *int `json:"decimals,omitempty"`
	// ZH and EN are the explanation templates; see Explain for the
	// placeholders.
	ZH string `json:"zh"`
	EN string `json:"en"`
}

//go:embed rules.json
var defaultRules []byte

// DefaultRules returns the shipped rule set (engine/alerts/rules.json).
func DefaultRules() []Rule {
	r, err := ReadRules(bytes.NewReader(defaultRules), "rules.json")
	if err != nil {
		panic("alerts: shipped rules: " + err.Error())
	}
	return r
}

// LoadRules reads a rules file.
func LoadRules(path string) ([]Rule, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	defer f.Close()
	return ReadRules(f, path)
}

// ReadRules decodes and validates a JSON array of rules; name is used in
// error messages. Unknown fields are errors.
func ReadRules(r io.Reader, name string) ([]Rule, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var rules []Rule
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("rules %s: %w", name, err)
	}
	seen := map[string]bool{}
	for i := range rules {
		if err := rules[i].check(); err != nil {
			return nil, fmt.Errorf("rules %s: rule %d (%q): %w", name, i+1, rules[i].ID, err)
		}
		if seen[rules[i].ID] {
			return nil, fmt.Errorf("rules %s: rule id %q defined twice", name, rules[i].ID)
		}
		seen[rules[i].ID] = true
	}
	return rules, nil
}

// RulesDigest is a short hash of a rule set, recorded with each
// evaluation.
func RulesDigest(rules []Rule) string {
	b, _ := json.Marshal(rules)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// projected quantities of projection rules.
var projectedQuantities = []string{"school_3_5", "school_6_11", "school_12_14", "school_15_17", "working_age", "pop_80plus", "benefit_cost"}

// check validates a rule and fills its defaults.
func (r *Rule) check() error {
	if r.ID == "" || r.Indicator == "" {
		return fmt.Errorf("id and indicator are required")
	}
	if r.ZH == "" || r.EN == "" {
		return fmt.Errorf("zh and en explanation templates are required")
	}
	if len(r.Levels) == 0 {
		return fmt.Errorf("levels are required")
	}
	for _, l := range r.Levels {
		lv, err := models.ParseLevel(l)
		if err != nil || lv < models.LevelProvince {
			return fmt.Errorf("level %q: want province, city, county, township or village", l)
		}
	}
	switch r.Condition {
	case Above, Below:
	case "both":
		if r.Kind != KindAberration {
			return fmt.Errorf("condition both is for aberration rules only")
		}
	default:
		return fmt.Errorf("condition %q: want above or below", r.Condition)
	}
	switch r.Judge {
	case "", "interval", "value":
	default:
		return fmt.Errorf("judge %q: want interval or value", r.Judge)
	}
	n := 0
	ts := r.Thresholds.list()
	var prev *float64
	for i, t := range ts {
		if t == nil {
			continue
		}
		if math.IsNaN(*t) || math.IsInf(*t, 0) {
			return fmt.Errorf("threshold %s: %v", Colours[i], *t)
		}
		if prev != nil && ((r.Condition == Below && *t > *prev) || (r.Condition != Below && *t < *prev)) {
			return fmt.Errorf("threshold %s %v is less severe than the one before it (%v)", Colours[i], *t, *prev)
		}
		prev = t
		n++
	}
	if n == 0 {
		return fmt.Errorf("at least one colour threshold is required")
	}
	if r.MinDenominator < 0 {
		return fmt.Errorf("min_denominator %v < 0", r.MinDenominator)
	}
	if r.MinNumerator < 0 {
		return fmt.Errorf("min_numerator %v < 0", r.MinNumerator)
	}
	if r.MinNumerator > 0 && r.Kind != KindThreshold {
		return fmt.Errorf("min_numerator is for threshold rules only")
	}
	switch r.Kind {
	case KindThreshold:
		switch r.PeriodType {
		case cube.PeriodMonth, cube.PeriodQuarter, cube.PeriodYear, cube.PeriodR12:
		default:
			return fmt.Errorf("period_type %q: want month, quarter, year or r12", r.PeriodType)
		}
	case KindAberration:
		if r.PeriodType != "" && r.PeriodType != cube.PeriodMonth {
			return fmt.Errorf("aberration rules are monthly, not %q", r.PeriodType)
		}
		r.PeriodType = cube.PeriodMonth
		if cube.MeasureIndex(r.Indicator) < 0 {
			return fmt.Errorf("indicator %q is not a measure", r.Indicator)
		}
		if r.Method == "" {
			r.Method = detect.MethodFarrington
		}
		if !slices.Contains(detect.Methods, r.Method) {
			return fmt.Errorf("method %q: want one of %v", r.Method, detect.Methods)
		}
		if r.FDR == 0 {
			r.FDR = 0.05
		}
		if !(r.FDR > 0 && r.FDR < 1) {
			return fmt.Errorf("fdr %v: want 0 < q < 1", r.FDR)
		}
	case KindProjection:
		if !slices.Contains(projectedQuantities, r.Indicator) {
			return fmt.Errorf("projected quantity %q: want one of %v", r.Indicator, projectedQuantities)
		}
		if r.Horizon == 0 {
			r.Horizon = 10
		}
		if r.Horizon < 1 || r.Horizon > 50 {
			return fmt.Errorf("horizon %d: want 1–50 years", r.Horizon)
		}
		if r.AnnualAmount == 0 {
			r.AnnualAmount = 960
		}
		r.PeriodType = "projection"
	default:
		return fmt.Errorf("kind %q: want threshold, aberration or projection", r.Kind)
	}
	return nil
}

// levels returns the rule's levels as models.Level values.
func (r *Rule) levels() []models.Level {
	out := make([]models.Level, 0, len(r.Levels))
	for _, l := range r.Levels {
		lv, _ := models.ParseLevel(l)
		out = append(out, lv)
	}
	return out
}

// skipRecent returns the number of latest months an aberration rule
// leaves out.
func (r *Rule) skipRecent() int {
	if r.SkipRecent == nil {
		return 1
	}
	return max(0, *r.SkipRecent)
}

// decimals returns the number of decimals of the explanations.
func (r *Rule) decimals() int {
	if r.Decimals == nil {
		return 1
	}
	return *r.Decimals
}

// byInterval reports whether the rule judges the interval bound.
func (r *Rule) byInterval() bool { return r.Judge == "" || r.Judge == "interval" }
