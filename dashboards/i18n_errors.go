package dashboards

// errorMessages are the messages of the errors the server answers with
// (clientError and Echo's own statuses), in Chinese and English; init adds
// them to messages. A Chinese message holds no Latin word but codes, JSON
// field names and the allow-list of TestErrorMessagesChinese.
var errorMessages = map[string][2]string{
	"err.bad_request":             {"请求格式不正确", "Bad request"},
	"err.method":                  {"不支持该请求方法", "Method not allowed"},
	"err.too_large":               {"请求内容过大", "Request too large"},
	"err.too_many":                {"请求过于频繁，请稍后再试", "Too many requests; try again later"},
	"err.request_failed":          {"请求无法完成", "The request could not be completed"},
	"err.login_required":          {"请先登录", "Login required"},
	"err.forbidden":               {"您的角色无权执行此操作", "Your roles do not allow this"},
	"err.login_body":              {"登录请求格式应为 {\"user\":…,\"password\":…}", "The login request must be {\"user\":…,\"password\":…}"},
	"err.format_json_csv":         {"不支持的格式 %s：可选 json 或 csv", "Format %s: want json or csv"},
	"err.format_json_csv_parquet": {"不支持的格式 %q：可选 json、csv 或 parquet", "Format %q: want json, csv or parquet"},
	"err.alert_level":             {"预警级别 %q 不正确：可选 red（红）、orange（橙）、yellow（黄）、blue（蓝）", "Level %q: want red, orange, yellow or blue"},
	"err.status_one_of":           {"状态 %q 不正确，可选：%s", "Status %q: want one of %s"},
	"err.kind_one_of":             {"类别 %q 不正确，可选：%s", "Kind %q: want one of %s"},
	"err.indicator":               {"指标 %q 不在指标目录中", "Indicator %q is not in the catalog"},
	"err.ack_state":               {"预警 %s 当前状态为 %s，只有新预警可以签收", "Alert %s is %s: only a new alert can be acknowledged"},
	"err.ack_body":                {"签收请求格式应为 {\"note\":…}", "The acknowledgement must be {\"note\":…}"},
	"err.status_body":             {"状态请求格式应为 {\"status\":…,\"note\":…}", "The request must be {\"status\":…,\"note\":…}"},
	"err.explorer_level":          {"层级 %q 不正确：应为 %s 或其下级", "Level %q: want %s or a level below it"},
	"err.explorer_rows":           {"共 %d 个单位（%s 级，%s 以下），超过 %d 行的上限，请选择更低一级的单位", "%d units at level %s below %s: choose a lower unit (at most %d rows)"},
	"err.load_body":               {"加载请求格式应为 {\"dir\":…,\"pipeline\":…,\"max_quarantine\":…,\"force\":…}", "The load request must be {\"dir\":…,\"pipeline\":…,\"max_quarantine\":…,\"force\":…}"},
	"err.load_maxq":               {"隔离比例上限 max_quarantine 应大于 0 且不超过 1", "max_quarantine must be a share greater than 0 and at most 1"},
	"err.load_busy":               {"已有加载任务正在进行，请稍后再试", "A load is already running; try again later"},
	"err.load_start":              {"无法开始加载（%s）", "Cannot start the load: %s"},
	"err.no_snapshot_area":        {"本服务器未设置快照区，只有本机管理员可以加载数据", "This server has no snapshot area (padis serve --snapshot-root): loads are for the local administrator only"},
	"err.snapdir_missing":         {"快照目录 %s 不存在", "Snapshot directory %s does not exist"},
	"err.snapdir_manifest":        {"快照目录 %s 中缺少清单文件 manifest.json，或它不是普通文件", "Snapshot directory %s: manifest.json is missing or not a regular file"},
	"err.snapdir_invalid":         {"快照目录 %s 中的清单文件 manifest.json 无效（命令行加载可显示原因）", "Snapshot directory %s: manifest.json is not a valid manifest (padis load shows why)"},
	"err.snapdir_outside":         {"快照目录 %s 不在快照区 %s 之内", "Snapshot directory %s is not under the snapshot area %s"},
	"err.scope_outside":           {"快照的范围 %s 超出您的管辖范围", "The snapshot's scope %s is outside your jurisdiction"},
	"err.unknown_division":        {"未知的区划代码 %s", "Unknown division code %s"},
	"err.division_outside":        {"区划 %s 超出您的管辖范围", "Division %s is outside your jurisdiction"},
	"err.proj_body":               {"预测请求格式不正确（%s）", "Projection request: %s"},
	"err.proj_years":              {"预测年数 %d 不正确，应为 1–100", "Years %d: want 1–100"},
	"err.proj_traj":               {"轨迹数 %d 不正确，应为 0 或 2–%d", "Trajectories %d: want 0 or 2–%d"},
	"err.proj_scenario":           {"情景 %q 不是内置情景（内置情景见 /api/v1/projections/scenarios）", "Scenario %q is not built in (see /api/v1/projections/scenarios)"},
	"err.proj_custom":             {"自定义情景的参数不正确（%s）", "Custom scenario: %s"},
	"err.proj_failed":             {"无法完成预测（%s）", "Projection: %s"},
	"err.proj_stoch":              {"无法完成概率预测（%s）", "Probabilistic projection: %s"},
	"err.period":                  {"时期 %q 格式不正确：年如 2025，季如 2025-Q4，月如 2025-12，滚动12个月如 R12-2025-12", "Period %q: want a year (2025), quarter (2025-Q4), month (2025-12) or rolling 12 months (R12-2025-12)"},
	"err.whole_number":            {"%q 应为 %d 到 %d 之间的整数", "%q: want a whole number from %d to %d"},
}

func init() {
	for k, v := range errorMessages {
		messages[k] = v
	}
}
