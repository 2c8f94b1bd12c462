package dashboards

// alertMessages are the strings of the alerts pages: the statuses and
// history actions the grading and grouping added, the titles of the
// default rules (engine/alerts/rules.json, "rule."+ID), the names of the
// projected quantities that are not catalog indicators ("quantity."+ID),
// and the labels of the alert chart and the children table; init adds
// them to messages.
var alertMessages = map[string][2]string{
	"alert.superseded":     {"已被新评估取代", "Superseded by a newer evaluation"},
	"alert.grouped":        {"已归并", "Grouped"},
	"alert.changed":        {"数值更新", "numbers changed"},
	"alert.reopened":       {"重新出现", "reopened"},
	"alert.ruleOf":         {"%s预警", "%s alert"},
	"alert.groupOf":        {"%d个下级单位触发", "%d units below alerting"},
	"alert.groupOfTotal":   {"%d个下级单位（共%d个）触发", "%d of %d units below alerting"},
	"alert.children":       {"下级单位预警", "Alerts of the units below"},
	"alert.chart":          {"走势、预期与预警线", "Series, expected range and warning lines"},
	"alert.childrenChart":  {"各下级单位的数值与预警线", "The units below against the warning line"},
	"alert.noSeries":       {"预测类预警没有历史走势。", "A projection alert has no past series."},
	"alert.observed":       {"观测值", "Observed"},
	"alert.expected":       {"预期值", "Expected"},
	"alert.bounds":         {"预期范围", "Expected range"},
	"alert.interval95":     {"95%区间", "95% interval"},
	"alert.line":           {"%s预警线", "%s warning line"},
	"alert.deviationShort": {"偏离预期的百分比", "departure from the expected count"},
	"alert.time":           {"时间", "Time"},
	"alert.action":         {"事件", "Event"},
	"alert.user":           {"操作人", "User"},
	"alert.group":          {"归并至", "Grouped into"},
	"alert.kind":           {"规则类型", "Rule type"},
	"alertkind.threshold":  {"阈值规则", "threshold rule"},
	"alertkind.aberration": {"异常检测规则（与预期比较）", "aberration rule (against the expected count)"},
	"alertkind.projection": {"预测规则", "projection rule"},

	"rule.srb_high":                 {"出生人口性别比偏高", "Sex ratio at birth high"},
	"rule.tfr_low":                  {"总和生育率偏低", "Total fertility rate low"},
	"rule.aging_65plus":             {"人口老龄化（65岁及以上人口比重）", "Population ageing (share aged 65+)"},
	"rule.natural_growth_negative":  {"人口自然负增长", "Negative natural increase"},
	"rule.policy_rate_low":          {"政策符合率偏低", "Policy-conforming rate low"},
	"rule.cpr_low":                  {"综合避孕率偏低", "Contraceptive prevalence low"},
	"rule.quality_completeness_low": {"数据完整性不足", "Data completeness low"},
	"rule.quality_id_validity_low":  {"身份证号有效率偏低", "ID-number validity low"},
	"rule.quality_duplicates_high":  {"重复记录偏多", "Too many duplicate records"},
	"rule.timeliness_low":           {"登记及时率偏低", "Registration timeliness low"},
	"rule.births_aberration":        {"出生人数异常", "Births out of the expected range"},
	"rule.deaths_aberration":        {"死亡人数异常", "Deaths out of the expected range"},
	"rule.migrants_in_surge":        {"迁入人口激增", "In-migration surge"},
	"rule.migrants_out_aberration":  {"迁出人口异常", "Out-migration out of the expected range"},
	"rule.infant_deaths_aberration": {"婴儿死亡异常", "Infant deaths out of the expected range"},
	"rule.school_3_5_change":        {"学前适龄人口变化", "Pre-school-age population change"},
	"rule.school_6_11_change":       {"小学适龄人口变化", "Primary-school-age population change"},
	"rule.school_12_14_change":      {"初中适龄人口变化", "Lower-secondary-age population change"},
	"rule.school_15_17_change":      {"高中适龄人口变化", "Upper-secondary-age population change"},
	"rule.working_age_decline":      {"劳动年龄人口减少", "Working-age population decline"},
	"rule.elderly_80plus_doubling":  {"80岁及以上人口倍增", "Population aged 80+ doubling"},
	"rule.benefit_cost_budget":      {"奖励扶助支出超出预算", "Reward programme cost over budget"},

	"quantity.school_3_5":   {"3-5岁（学前）人口", "population aged 3-5 (pre-school)"},
	"quantity.school_6_11":  {"6-11岁（小学）人口", "population aged 6-11 (primary school)"},
	"quantity.school_12_14": {"12-14岁（初中）人口", "population aged 12-14 (lower secondary)"},
	"quantity.school_15_17": {"15-17岁（高中）人口", "population aged 15-17 (upper secondary)"},
	"quantity.working_age":  {"15-59岁劳动年龄人口", "working-age population 15-59"},
	"quantity.pop_80plus":   {"80岁及以上人口", "population aged 80+"},
	"quantity.benefit_cost": {"农村部分计划生育家庭奖励扶助支出", "rural family-planning reward programme cost"},
}

func init() {
	for k, v := range alertMessages {
		messages[k] = v
	}
}
