package projections

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
)

// Path moves a rate from its base value towards Target, reached in
// TargetYear and held afterwards.
//
//	constant: v(t) = v0
//	linear:   v(t) = v0 + (Target − v0)·s,  s = clamp((t − base)/(TargetYear − base), 0, 1)
//	logistic: v(t) = v0 + (Target − v0)·(σ(k(s−½)) − σ(−k/2))/(σ(k/2) − σ(−k/2)),
//	          σ the logistic function, k = Steepness (default 10)
//
// A path is evaluated at the middle of each projection interval.
type Path struct {
	Kind       string  `json:"kind"` // constant, linear or logistic
	Target     float64 `json:"target,omitempty"`
	TargetYear int     `json:"year,omitempty"`
	Steepness  float64 `json:"steepness,omitempty"`
}

// Value returns the path's value at time t (a fractional year) starting
// from v0 in baseYear.
func (p *Path) Value(v0 float64, baseYear int, t float64) float64 {
	if p == nil || p.Kind == "constant" || p.Kind == "" {
		return v0
	}
	span := float64(p.TargetYear - baseYear)
	s := 1.0
	if span > 0 {
		s = math.Min(math.Max((t-float64(baseYear))/span, 0), 1)
	}
	if p.Kind == "logistic" {
		k := p.Steepness
		if k == 0 {
			k = 10
		}
		sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
		lo, hi := sig(-k/2), sig(k/2)
		s = (sig(k*(s-0.5)) - lo) / (hi - lo)
	}
	return v0 + (p.Target-v0)*s
}

func (p *Path) validate(what string, baseYear int) error {
	if p == nil {
		return nil
	}
	switch p.Kind {
	case "", "constant":
		return nil
	case "linear", "logistic":
	default:
		return fmt.Errorf("%s: unknown path kind %q (want constant, linear or logistic)", what, p.Kind)
	}
	if p.TargetYear <= baseYear {
		return fmt.Errorf("%s: target year %d is not after the base year %d", what, p.TargetYear, baseYear)
	}
	if math.IsNaN(p.Target) || p.Target < 0 {
		return fmt.Errorf("%s: target %v must be non-negative", what, p.Target)
	}
	return nil
}

// Scenario is a named set of assumptions applied to an Input. The zero
// value (and nil) keeps every base rate constant.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// LabelKey is the translation-catalog key of a built-in scenario's
	// zh and en label (see BuiltinScenarios); empty for a custom one.
	LabelKey string `json:"label_key,omitempty"`
	// TFR path; the base ASFR schedule is scaled proportionally to it.
	TFR *Path `json:"tfr,omitempty"`
	// TFRVariant is "medium" (default), "high" or "low": the UN WPP
	// variants add +/−0.25 in the first five years, 0.4 in the next five
	// and 0.5 afterwards to the TFR path (floored at 0).
	TFRVariant string `json:"tfr_variant,omitempty"`
	// E0Male and E0Female are life-expectancy paths; each interval's life
	// table is solved to hit the path value (see MortalityMethod).
	E0Male   *Path `json:"e0_male,omitempty"`
	E0Female *Path `json:"e0_female,omitempty"`
	// MortalityMethod is "brass" (default: shift the Brass logit α of the
	// base life table, β = 1) or "scale" (multiply all m_x by one factor).
	MortalityMethod string `json:"mortality_method,omitempty"`
	// SRB path, e.g. {"kind":"linear","target":105,"year":2035}.
	SRB *Path `json:"srb,omitempty"`
	// Migration is "constant" (default), "zero" or "scaled" (base
	// migration × MigrationFactor).
	Migration       string  `json:"migration,omitempty"`
	MigrationFactor float64 `json:"migration_factor,omitempty"`
	// MigrationTiming overrides the input's timing: "half" or "end".
	MigrationTiming string `json:"migration_timing,omitempty"`
}

// LoadScenario reads a scenario saved as JSON.
func LoadScenario(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	var sc Scenario
	if err := json.Unmarshal(b, &sc); err != nil {
		return nil, fmt.Errorf("read scenario %s: %w", path, err)
	}
	if sc.Name == "" {
		sc.Name = path
	}
	return &sc, nil
}

// Save writes the scenario as indented JSON.
func (sc *Scenario) Save(path string) error {
	b, err := json.MarshalIndent(sc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("save scenario: %w", err)
	}
	return nil
}

// Validate checks the scenario against a base year.
func (sc *Scenario) Validate(baseYear int) error {
	if sc == nil {
		return nil
	}
	for _, c := range []struct {
		p    *Path
		what string
	}{{sc.TFR, "tfr"}, {sc.E0Male, "e0_male"}, {sc.E0Female, "e0_female"}, {sc.SRB, "srb"}} {
		if err := c.p.validate(fmt.Sprintf("scenario %q %s", sc.Name, c.what), baseYear); err != nil {
			return err
		}
	}
	switch sc.TFRVariant {
	case "", "medium", "high", "low":
	default:
		return fmt.Errorf("scenario %q: unknown tfr_variant %q (want medium, high or low)", sc.Name, sc.TFRVariant)
	}
	switch sc.MortalityMethod {
	case "", "brass", "scale":
	default:
		return fmt.Errorf("scenario %q: unknown mortality_method %q (want brass or scale)", sc.Name, sc.MortalityMethod)
	}
	switch sc.Migration {
	case "", "constant", "zero", "scaled":
	default:
		return fmt.Errorf("scenario %q: unknown migration %q (want constant, zero or scaled)", sc.Name, sc.Migration)
	}
	switch sc.MigrationTiming {
	case "", "half", "end":
	default:
		return fmt.Errorf("scenario %q: unknown migration_timing %q (want half or end)", sc.Name, sc.MigrationTiming)
	}
	return nil
}

// VariantOffset returns the UN high/low variant TFR offset at elapsed
// years since the base year.
func VariantOffset(variant string, elapsed float64) float64 {
	var d float64
	switch {
	case elapsed < 5:
		d = 0.25
	case elapsed < 10:
		d = 0.4
	default:
		d = 0.5
	}
	switch variant {
	case "high":
		return d
	case "low":
		return -d
	}
	return 0
}

// tfrAt returns the scenario TFR at time t.
func (sc *Scenario) tfrAt(base float64, baseYear int, t float64) float64 {
	if sc == nil {
		return base
	}
	v := sc.TFR.Value(base, baseYear, t) + VariantOffset(sc.TFRVariant, t-float64(baseYear))
	return math.Max(v, 0)
}

// e0At returns the scenario e0 of sex at time t.
func (sc *Scenario) e0At(s Sex, base float64, baseYear int, t float64) float64 {
	if sc == nil {
		return base
	}
	p := sc.E0Male
	if s == Female {
		p = sc.E0Female
	}
	return p.Value(base, baseYear, t)
}

// mortalityFor returns the survival for sex s with expectation of life e0,
// derived from the base life table by the scenario's method.
func (p *prepared) mortalityFor(s Sex, e0 float64, method string) (*survival, error) {
	if math.Abs(e0-p.lt[s].E0()) < 1e-9 {
		return p.surv[s], nil
	}
	var lt *LifeTable
	var err error
	if method == "scale" {
		_, lt, err = SolveMortalityScale(p.lt[s], e0, p.in.A0)
	} else {
		_, lt, err = SolveBrassAlpha(p.lt[s], 1, e0, p.in.A0)
	}
	if err != nil {
		return nil, fmt.Errorf("%v e0 %.2f: %w", s, e0, err)
	}
	return newSurvival(lt, p.n, p.in.OpenAge), nil
}

// intervals turns a scenario into the rates of T intervals. Path values
// are taken at the middle of each interval.
func (p *prepared) intervals(sc *Scenario, T int) ([]interval, error) {
	if sc == nil {
		return p.constantIntervals(T), nil
	}
	if err := sc.Validate(p.in.BaseYear); err != nil {
		return nil, err
	}
	if sc.TFR != nil && sc.TFR.Kind != "" && sc.TFR.Kind != "constant" && p.baseTFR == 0 || (sc.TFRVariant != "" && sc.TFRVariant != "medium" && p.baseTFR == 0) {
		return nil, fmt.Errorf("scenario %q: the base ASFR are all zero and cannot be scaled to a TFR path", sc.Name)
	}
	// The scenario may override the migration timing; prepared holds a
	// copy of the input, so this does not leak to the caller.
	switch sc.MigrationTiming {
	case "half":
		p.in.Migration.Timing = HalfStartHalfEnd
	case "end":
		p.in.Migration.Timing = AllAtEnd
	}
	mig := 1.0
	switch sc.Migration {
	case "zero":
		mig = 0
	case "scaled":
		mig = sc.MigrationFactor
	}
	ivs := make([]interval, T)
	base := p.in.BaseYear
	for i := range ivs {
		t := float64(base) + (float64(i)+0.5)*float64(p.n)
		iv := &ivs[i]
		iv.tfr = sc.tfrAt(p.baseTFR, base, t)
		iv.fertScale = 1
		if p.baseTFR > 0 {
			iv.fertScale = iv.tfr / p.baseTFR
		}
		iv.srb = sc.SRB.Value(p.in.SRB, base, t)
		iv.migScale = mig
		for s := Male; s <= Female; s++ {
			e0 := sc.e0At(s, p.lt[s].E0(), base, t)
			sv, err := p.mortalityFor(s, e0, sc.MortalityMethod)
			if err != nil {
				return nil, fmt.Errorf("scenario %q year %.1f: %w", sc.Name, t, err)
			}
			iv.surv[s] = sv
		}
	}
	return ivs, nil
}

// Comparison holds several scenarios run on the same input, aligned on
// the same years.
type Comparison struct {
	Years     []int     `json:"years"`
	Scenarios []string  `json:"scenarios"`
	Results   []*Result `json:"results"`
}

// CompareScenarios projects in under each scenario for the same horizon.
func CompareScenarios(in *Input, scs []*Scenario, years int) (*Comparison, error) {
	c := &Comparison{}
	for _, sc := range scs {
		r, err := Project(in, sc, years)
		if err != nil {
			return nil, err
		}
		name := "constant"
		if sc != nil {
			name = sc.Name
		}
		c.Scenarios = append(c.Scenarios, name)
		c.Results = append(c.Results, r)
		c.Years = r.Years
	}
	return c, nil
}

// Series returns the named series for every scenario: out[k][t] is
// scenario k at the series' year t.
func (c *Comparison) Series(name string) (years []int, out [][]float64) {
	for _, r := range c.Results {
		y, v := r.Series(name)
		years = y
		out = append(out, v)
	}
	return years, out
}
