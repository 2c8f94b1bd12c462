package projections

import (
	"fmt"
	"os"
	"strings"
)

// The built-in scenarios, by name. The names are stable: the CLI
// (--scenario low), the projections page, the API and the report accept
// them. Each has a label key into the dashboards' translation catalog
// ("proj.scenario." + name) for its zh and en labels.
const (
	ScenarioConstant      = "constant"
	ScenarioLow           = "low"
	ScenarioHigh          = "high"
	ScenarioTFR18         = "tfr_1.8_2035"
	ScenarioZeroMigration = "zero_migration"
)

// DefaultHorizon is the default projection horizon in years of the CLI
// and the projections page.
const DefaultHorizon = 30

// BuiltinScenarios returns fresh copies of the built-in scenarios in the
// order the projections page offers them. All keep the input's migration
// except zero_migration; constant keeps every base rate.
func BuiltinScenarios() []*Scenario {
	scs := []*Scenario{
		{Name: ScenarioConstant, Description: "base rates held constant (migration included)"},
		{Name: ScenarioLow, Description: "UN WPP low variant (TFR −0.5)", TFRVariant: "low"},
		{Name: ScenarioHigh, Description: "UN WPP high variant (TFR +0.5)", TFRVariant: "high"},
		{Name: ScenarioTFR18, Description: "TFR rises linearly to 1.8 by 2035", TFR: &Path{Kind: "linear", Target: 1.8, TargetYear: 2035}},
		{Name: ScenarioZeroMigration, Description: "base rates held constant, no migration", Migration: "zero"},
	}
	for _, sc := range scs {
		sc.LabelKey = "proj.scenario." + sc.Name
	}
	return scs
}

// BuiltinScenario returns a fresh copy of the built-in scenario name.
func BuiltinScenario(name string) (*Scenario, bool) {
	for _, sc := range BuiltinScenarios() {
		if sc.Name == name {
			return sc, true
		}
	}
	return nil, false
}

// BuiltinScenarioNames returns the names of the built-in scenarios.
func BuiltinScenarioNames() []string {
	var names []string
	for _, sc := range BuiltinScenarios() {
		names = append(names, sc.Name)
	}
	return names
}

// ResolveScenario returns the built-in scenario named ref, or else the
// scenario saved as JSON in the file ref. A ref that is neither names the
// built-in scenarios in its error.
func ResolveScenario(ref string) (*Scenario, error) {
	if sc, ok := BuiltinScenario(ref); ok {
		return sc, nil
	}
	if _, err := os.Stat(ref); err != nil && !strings.ContainsAny(ref, `/\.`) {
		return nil, fmt.Errorf("scenario %q: neither a built-in scenario (%s) nor a file", ref, strings.Join(BuiltinScenarioNames(), ", "))
	}
	return LoadScenario(ref)
}
