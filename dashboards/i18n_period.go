package dashboards

// periodMessages are the interface strings of the period picker and of
// provisional, unreliable and variant values; init adds them to messages.
var periodMessages = map[string][2]string{
	"period.label":         {"时期", "Period"},
	"period.month":         {"月", "Month"},
	"period.quarter":       {"季度", "Quarter"},
	"period.year":          {"年", "Year"},
	"period.r12":           {"滚动12个月", "Rolling 12 months"},
	"period.show":          {"查看", "Show"},
	"period.quarterFmt":    {"%d年第%d季度", "%d Q%d"},
	"period.yearFmt":       {"%d年", "%d"},
	"period.r12Fmt":        {"截至%s的12个月", "12 months to %s"},
	"key.vsPrev":           {"比上期", "vs previous period"},
	"prov.badge":           {"初步", "provisional"},
	"prov.note":            {"初步数：本期尚在登记，数值为考虑登记延迟后的估计（现时推算）", "Provisional: this period is still being registered; the value is estimated for registration lag (nowcast)"},
	"prov.registered":      {"已登记", "registered"},
	"prov.nowcast":         {"推算", "nowcast"},
	"unrel.badge":          {"不可靠", "unreliable"},
	"unrel.few_events":     {"事件数少于20，数值不可靠，请看区间", "fewer than 20 events: unreliable, read the interval"},
	"unrel.wide_interval":  {"区间过宽，数值不可靠，请看区间", "interval too wide: unreliable, read the interval"},
	"variant.adjusted":     {"调整后", "adjusted"},
	"variant.sae":          {"小区域估计", "small-area estimate"},
	"variant.base":         {"登记数据", "registered"},
	"variant.completeness": {"登记完整率", "registration completeness"},
}

func init() {
	for k, v := range periodMessages {
		messages[k] = v
	}
}
