package dashboards

// scenarioMessages are the labels of the built-in projection scenarios
// (projections.BuiltinScenarios), under their label keys.
var scenarioMessages = map[string][2]string{
	"proj.scenario.constant":       {"现行水平不变（含迁移）", "Constant rates (with migration)"},
	"proj.scenario.low":            {"低方案（总和生育率−0.5）", "Low variant (TFR −0.5)"},
	"proj.scenario.high":           {"高方案（总和生育率+0.5）", "High variant (TFR +0.5)"},
	"proj.scenario.tfr_1.8_2035":   {"2035年总和生育率升至1.8", "TFR rises to 1.8 by 2035"},
	"proj.scenario.zero_migration": {"零迁移", "Zero migration"},
}

func init() {
	for k, v := range scenarioMessages {
		messages[k] = v
	}
}
