package dashboards

// screenMessages are the strings of the meeting-room screen (数据大屏)
// and of the synthetic-data notice.
var screenMessages = map[string][2]string{
	"synthetic.label":    {"合成演示数据（约1:%s抽样规模），非官方统计数字", "Synthetic demonstration data (about 1:%s scale), not official statistics"},
	"screen.title":       {"数据大屏", "Meeting-room screen"},
	"screen.open":        {"数据大屏", "Wall screen"},
	"screen.provisional": {"初步", "provisional"},
	"screen.unreliable":  {"样本少", "few events"},
	"screen.alerts":      {"最新橙色、红色预警", "Newest orange and red alerts"},
	"screen.noAlerts":    {"当前无橙色、红色预警", "No orange or red alerts"},
	"screen.updated":     {"更新于", "Updated"},
	"screen.badRefresh":  {"刷新间隔 %q 无效：应为5至3600秒", "refresh %q: want 5 to 3600 seconds"},
	"screen.map":         {"下级单位分布", "Units below"},
}

func init() {
	for k, v := range screenMessages {
		messages[k] = v
	}
}
