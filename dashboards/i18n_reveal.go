package dashboards

// revealMessages are the interface strings of the reveal dialog and its
// refusals, the reveal purposes and the audit chain warning; init adds
// them to messages.
var revealMessages = map[string][2]string{
	"reveal.title":               {"查看完整身份信息", "Reveal the full identity"},
	"reveal.purpose":             {"用途", "Purpose"},
	"reveal.reason":              {"原因（至少%d个字）", "Reason (at least %d characters)"},
	"reveal.confirm":             {"查看", "Reveal"},
	"reveal.cancel":              {"取消", "Cancel"},
	"reveal.choose":              {"请选择", "Choose"},
	"reveal.err.body":            {"请求格式有误：应为 {\"purpose\":…,\"reason\":…}", "The request must be {\"purpose\":…,\"reason\":…}"},
	"reveal.err.purpose":         {"请选择查看用途（核查、执法、服务或统计复核）。", "Choose the purpose: verification, law enforcement, service or statistical review."},
	"reveal.err.reason":          {"请填写查看原因，至少%d个字。", "Give the reason for the reveal, at least %d characters."},
	"reveal.err.rate":            {"已达查看上限（每人%d条/%s），请稍后再试。", "Reveal limit reached (%d records per user per %s); try again later."},
	"purpose.verification":       {"核查", "Verification"},
	"purpose.law_enforcement":    {"执法", "Law enforcement"},
	"purpose.service":            {"服务", "Service"},
	"purpose.statistical_review": {"统计复核", "Statistical review"},
	"unit.hours":                 {"%d小时", "%d h"},
	"unit.minutes":               {"%d分钟", "%d min"},
	"audit.broken":               {"警告：审计日志的哈希链已断裂，此前的审计记录可能被篡改。服务以 --allow-broken-audit 启动。", "WARNING: the audit trail's hash chain is broken; the records before this point may have been tampered with. The server was started with --allow-broken-audit."},
}

func init() {
	for k, v := range revealMessages {
		messages[k] = v
	}
}
