package dashboards

import "github.com/padis/padis/models"

// messages are the interface strings that are not indicator labels
// (those come from the catalog) or level names (from models).
var messages = map[string][2]string{
	"app.title":          {"人口宏观管理与决策信息系统", "Population Administration & Decision Information System"},
	"nav.overview":       {"概览", "Overview"},
	"nav.explorer":       {"指标查询", "Indicator explorer"},
	"nav.panel":          {"监测县", "Monitoring counties"},
	"nav.projections":    {"人口预测", "Projections"},
	"nav.alerts":         {"预警", "Alerts"},
	"nav.quality":        {"数据质量", "Data quality"},
	"nav.reports":        {"月报", "Reports"},
	"nav.snapshots":      {"数据版本", "Snapshots"},
	"nav.audit":          {"审计日志", "Audit log"},
	"nav.logout":         {"退出", "Log out"},
	"lang.switch":        {"English", "中文"},
	"login.title":        {"登录", "Log in"},
	"login.user":         {"用户名", "User name"},
	"login.password":     {"密码", "Password"},
	"login.submit":       {"登录", "Log in"},
	"login.failed":       {"用户名或密码错误", "Wrong user name or password"},
	"key.title":          {"主要指标", "Key figures"},
	"key.vsMonth":        {"比上月", "vs last month"},
	"key.vsYear":         {"比上年同期", "vs last year"},
	"key.interval":       {"95%区间", "95% interval"},
	"alerts.active":      {"当前预警", "Active alerts"},
	"alerts.none":        {"无预警", "No alerts"},
	"map.title":          {"下级单位", "Units below"},
	"map.nomap":          {"本级无边界地图数据，按数值排序显示。", "No boundary map at this level: ranked bars instead."},
	"trend.title":        {"近36个月趋势", "Last 36 months"},
	"pyramid.title":      {"人口金字塔", "Population pyramid"},
	"pyramid.male":       {"男", "Male"},
	"pyramid.female":     {"女", "Female"},
	"quality.score":      {"数据质量得分", "Data-quality score"},
	"quality.title":      {"数据质量", "Data quality"},
	"quality.records":    {"记录数", "Records"},
	"quality.complete":   {"完整率", "Completeness"},
	"quality.valid":      {"有效率", "Validity"},
	"quality.dups":       {"重卡", "Duplicates"},
	"quality.timely":     {"及时率", "Timeliness"},
	"quality.worklist":   {"核查清单", "Worklist"},
	"quality.reveal":     {"查看完整信息", "Reveal"},
	"quality.reason":     {"查看原因", "Reason"},
	"table.unit":         {"单位", "Unit"},
	"table.code":         {"代码", "Code"},
	"table.value":        {"数值", "Value"},
	"table.lo":           {"下限", "Lower"},
	"table.hi":           {"上限", "Upper"},
	"table.num":          {"分子", "Numerator"},
	"table.den":          {"分母", "Denominator"},
	"explorer.indicator": {"指标", "Indicator"},
	"explorer.unit":      {"单位代码", "Unit code"},
	"explorer.level":     {"层级", "Level"},
	"explorer.period":    {"时期", "Period"},
	"explorer.show":      {"查询", "Show"},
	"explorer.formula":   {"公式", "Formula"},
	"explorer.interval":  {"区间方法", "Interval method"},
	"explorer.source":    {"来源数据版本", "Source snapshot"},
	"explorer.csv":       {"导出CSV", "Export CSV"},
	"explorer.parquet":   {"导出Parquet", "Export Parquet"},
	"panel.estimate":     {"全国估计值", "National estimate"},
	"panel.weight":       {"抽样权数", "Sampling weight"},
	"na.source":          {"该项数据尚未接入本系统的数据源。", "This data is not available from the data source yet."},
	"panel.noestimate":   {"全国估计值仅对国家级用户显示。", "The national estimate is shown to nation-level users only."},
	"proj.unit":          {"单位", "Unit"},
	"proj.scenarios":     {"方案", "Scenarios"},
	"proj.years":         {"预测年数", "Years"},
	"proj.trajectories":  {"随机轨迹数（0为确定性）", "Trajectories (0: deterministic)"},
	"proj.run":           {"运行预测", "Run projection"},
	"proj.totals":        {"总人口", "Total population"},
	"proj.dependency":    {"抚养比", "Dependency ratios"},
	"proj.school":        {"学龄人口", "School-age population"},
	"proj.elderly":       {"老年人口", "Elderly population"},
	"proj.pyramid":       {"分年人口金字塔", "Pyramid by year"},
	"proj.download":      {"下载CSV", "Download CSV"},
	"proj.custom":        {"自定义：目标总和生育率", "Custom: target TFR"},
	"alert.level":        {"级别", "Level"},
	"alert.status":       {"状态", "Status"},
	"alert.rule":         {"规则", "Rule"},
	"alert.explanation":  {"说明", "Explanation"},
	"alert.history":      {"历史", "History"},
	"alert.ack":          {"确认", "Acknowledge"},
	"alert.note":         {"备注", "Note"},
	"alert.filter":       {"筛选", "Filter"},
	"alert.all":          {"全部", "All"},
	"alert.red":          {"红色（I级）", "Red (I)"},
	"alert.orange":       {"橙色（II级）", "Orange (II)"},
	"alert.yellow":       {"黄色（III级）", "Yellow (III)"},
	"alert.blue":         {"蓝色（IV级）", "Blue (IV)"},
	"alert.active":       {"未确认", "Active"},
	"alert.acknowledged": {"已确认", "Acknowledged"},
	"reports.none":       {"月报归档尚未提供。", "The monthly report archive is not available yet."},
	"snap.version":       {"版本", "Version"},
	"snap.scope":         {"范围", "Scope"},
	"snap.asof":          {"截止日期", "As of"},
	"snap.loaded":        {"加载时间", "Loaded"},
	"snap.rows":          {"行数", "Rows"},
	"snap.accepted":      {"接受", "Accepted"},
	"snap.quarantined":   {"隔离", "Quarantined"},
	"snap.current":       {"当前", "Current"},
	"snap.cube":          {"指标立方体", "Cube"},
	"snap.duration":      {"加载用时", "Load time"},
	"snap.tables":        {"各表", "Tables"},
	"snap.flagged":       {"标记", "Flagged"},
	"snap.reasons":       {"隔离原因", "Quarantine reasons"},
	"snap.loads":         {"通过服务器的加载", "Loads through the server"},
	"snap.state":         {"状态", "State"},
	"snap.none":          {"尚无数据版本", "No version loaded yet"},
	"audit.export":       {"导出CSV", "Export CSV"},
	"na":                 {"暂无数据", "not available"},
	"error.title":        {"出错了", "Error"},
}

// msg returns the message key in lang (the key itself when missing).
func msg(lang models.Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == models.EN {
		return m[1]
	}
	return m[0]
}

// unitLabels translate the catalog's (English) unit strings.
var unitLabels = map[string]string{
	"persons": "人", "households": "户", "couples": "对", "years": "岁",
	"children per woman": "孩/妇女", "per 100 females": "（女=100）",
}

// unitLabel returns an indicator unit in lang.
func unitLabel(lang models.Lang, unit string) string {
	if zh, ok := unitLabels[unit]; ok && lang == models.ZH {
		return zh
	}
	return unit
}
