package dashboards

// pageMessages are the interface strings of the alerts, data-quality,
// worklist and audit pages; init adds them to messages.
var pageMessages = map[string][2]string{
	"alert.active":           {"未解除", "Active"},
	"alert.new":              {"新预警", "New"},
	"alert.resolved":         {"已解除", "Resolved"},
	"alert.indicator":        {"指标", "Indicator"},
	"alert.threshold":        {"阈值", "Threshold"},
	"alert.firstSeen":        {"首次出现", "First seen"},
	"alert.lastSeen":         {"最近出现", "Last seen"},
	"alert.ackBy":            {"确认人", "Acknowledged by"},
	"alert.resolvedAt":       {"解除时间", "Resolved"},
	"alert.raised":           {"产生", "raised"},
	"alert.seen":             {"再次出现", "seen again"},
	"alert.version":          {"数据版本", "snapshot version"},
	"alert.ackDone":          {"已确认，无需再次确认。", "Acknowledged: nothing more to do."},
	"quality.codevalid":      {"区划代码有效率", "Code validity"},
	"quality.consistent":     {"一致率", "Consistency"},
	"quality.trend":          {"数据质量得分趋势（近24个月）", "Data-quality score, last 24 months"},
	"quality.worklists":      {"待核查清单", "Open worklist items"},
	"quality.export":         {"导出CSV", "Export CSV"},
	"nav.worklists":          {"核查清单", "Worklists"},
	"wl.kind":                {"类别", "Kind"},
	"wl.all":                 {"全部", "All"},
	"wl.name":                {"姓名", "Name"},
	"wl.idnumber":            {"身份证号", "ID number"},
	"wl.detail":              {"说明", "Detail"},
	"wl.score":               {"匹配得分", "Match score"},
	"wl.status":              {"状态", "Status"},
	"wl.note":                {"备注", "Note"},
	"wl.set":                 {"更新状态", "Update"},
	"list.total":             {"条记录", "items"},
	"list.next":              {"下一页", "Next page"},
	"wl.none":                {"没有符合条件的记录", "No matching items"},
	"wl.revealNote":          {"查看完整姓名和身份证号需选择用途、填写原因（每人每小时限量），并记入审计日志。", "Revealing a full name and ID number needs a purpose and a reason, is limited per user and hour, and is written to the audit log."},
	"wl.duplicate":           {"重复户口（同一身份证号）", "Duplicate registrations (same ID number)"},
	"wl.probable_duplicate":  {"疑似重复人员", "Probable duplicates"},
	"wl.unregistered":        {"漏管人员（公安登记有、本库无）", "Unregistered (police register, not in the database)"},
	"wl.unregistered_birth":  {"漏报出生（有出生医学证明、无出生登记）", "Unreported births (birth certificate, no birth record)"},
	"wl.undead":              {"死亡未销户", "Dead, not deregistered"},
	"wl.mismatch_sex":        {"性别不一致", "Sex mismatch"},
	"wl.mismatch_birth_date": {"出生日期不一致", "Birth-date mismatch"},
	"wl.mismatch_residence":  {"居住地不一致", "Residence mismatch"},
	"wl.over_coverage":       {"疑似多登（其他来源均无记录）", "Possible over-coverage (unknown to every other source)"},
	"wl.open":                {"待核查", "Open"},
	"wl.verified":            {"已核实", "Verified"},
	"wl.corrected":           {"已更正", "Corrected"},
	"wl.false_match":         {"误匹配", "False match"},
	"audit.filter":           {"筛选", "Filter"},
}

func init() {
	for k, v := range pageMessages {
		messages[k] = v
	}
}
