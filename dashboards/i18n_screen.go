package dashboards

// screenMessages are the strings of the meeting-room screen (数据大屏)
// and of the synthetic-data notice.
var screenMessages = map[string][2]string{
	"synthetic.label": {"合成演示数据（约1:%s抽样规模），非官方统计数字", "Synthetic demonstration data (about 1:%s scale), not official statistics"},
}

func init() {
	for k, v := range screenMessages {
		messages[k] = v
	}
}
