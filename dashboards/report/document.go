package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/padis/padis/models"
)

// document is the report laid out as text in one language: what the HTML
// and PDF renderers print. Building it in one place keeps the two outputs
// identical in content.
type document struct {
	Lang      models.Lang
	HTMLLang  string
	Title     string
	Header    string // running page header: unit and month
	Meta      [][2]string
	Generated string // the generation timestamp line, the only varying text
	Sections  sectionTitles
	Headlines table
	// HeadlineNote says what the headline figures are when that needs
	// saying (the national report's estimates from the monitoring
	// counties).
	HeadlineNote string
	Narrative    []string
	Charts       []NamedChart
	ChartNames   map[string]string
	Alerts       table
	AlertsNote   string
	// AlertSummary counts the alerts by colour and unit level;
	// AlertsMore says how many are not listed one by one.
	AlertSummary table
	AlertsMore   string
	Tables       []titledTable
	Quality      []titledTable // measures; the load's tables; quarantine reasons
	Outlook      table         // levels of the projection outlook
	OutlookNote  string
	Notes        []string
	Defs         table
}

type sectionTitles struct {
	Headlines, Narrative, Charts, Alerts, Tables, Quality, Appendix string
}

// cell is one table cell: text and an optional tone class ("good", "bad",
// "neutral", or an alert level) for colour.
type cell struct {
	Text string
	Tone string
	// Label keeps a cell that starts with a digit ("12月", "1–12月")
	// left-aligned: it is a label, not a number.
	Label bool
}

type table struct {
	Head []string
	Rows [][]cell
	// Widths are relative column widths for the PDF.
	Widths []float64
}

type titledTable struct {
	Title string
	Table table
}

func newDocument(r *Report, lang models.Lang) *document {
	cat := r.Catalog
	if cat == nil {
		cat = models.DefaultCatalog()
	}
	m, _ := ParseMonth(r.Month)
	d := &document{Lang: lang, HTMLLang: tr(lang, "zh-CN", "en")}
	name := r.Unit.FullName
	if name == "" {
		name = r.Unit.Name
	}
	if r.National() && lang == models.EN {
		name = "China (national)"
	}
	d.Title = tr(lang, name+"人口形势分析月报", "Population situation report: "+name)
	d.Header = tr(lang, name+" · "+m.Label(lang)+" · 人口形势分析月报", name+" · "+m.Label(lang)+" · monthly population situation report")
	d.Meta = [][2]string{
		{tr(lang, "单位", "Unit"), name + " (" + r.Unit.Code + ")"},
		{tr(lang, "月份", "Month"), m.Label(lang)},
		{tr(lang, "数据版本", "Snapshot version"), fmt.Sprintf("%d（%s）", r.Version, r.Snapshot)},
	}
	if lang == models.EN {
		d.Meta[2][1] = fmt.Sprintf("%d (%s)", r.Version, r.Snapshot)
	}
	if r.SyntheticScale > 0 {
		// Synthetic data: said in the running header of every page and
		// in the metadata table, so no figure is taken for an official one.
		sc := strconv.FormatFloat(r.SyntheticScale, 'f', 0, 64)
		note := tr(lang, "合成演示数据（约1:"+sc+"抽样规模），非官方统计数字", "Synthetic demonstration data (about 1:"+sc+" scale), not official statistics")
		d.Header += tr(lang, " · ", " · ") + note
		d.Meta = append(d.Meta, [2]string{tr(lang, "数据性质", "Data"), note})
	}
	d.Generated = tr(lang, "生成时间：", "Generated: ") + r.GeneratedAt.UTC().Format("2006-01-02 15:04:05 UTC")
	d.Sections = sectionTitles{
		Headlines: tr(lang, "一、主要指标", "1. Headline figures"),
		Narrative: tr(lang, "二、形势分析", "2. Analysis"),
		Charts:    tr(lang, "三、图表", "3. Charts"),
		Alerts:    tr(lang, "四、本月预警", "4. Alerts of the month"),
		Tables:    tr(lang, "五、下辖单位主要指标", "5. Units: key indicators"),
		Quality:   tr(lang, "六、数据质量", "6. Data quality"),
		Appendix:  tr(lang, "附录：指标定义与数据版本", "Appendix: definitions and snapshot"),
	}
	if r.National() {
		d.Sections.Tables = tr(lang, "五、监测县与省份主要指标", "5. Monitoring counties and provinces: key indicators")
	}
	d.ChartNames = map[string]string{
		"births_deaths": tr(lang, "图1 逐月出生与死亡人数", "Figure 1. Births and deaths by month"),
		"pyramid":       tr(lang, "图2 人口金字塔（与上年同期比较）", "Figure 2. Population pyramid compared with a year earlier"),
		"srb_units":     tr(lang, "图3 各单位出生人口性别比及95%区间", "Figure 3. Sex ratio at birth by unit with 95% intervals"),
		"tfr_units":     tr(lang, "图4 各单位总和生育率排序", "Figure 4. Total fertility rate by unit, ranked"),
		"outlook":       tr(lang, "图5 未来10年人口预测展望", "Figure 5. Ten-year projection outlook"),
	}
	if r.National() {
		d.ChartNames["births_deaths"] = tr(lang, "图1 逐月出生与死亡人数（监测县加权估计）", "Figure 1. Births and deaths by month (monitoring-county estimates)")
		d.ChartNames["srb_units"] = tr(lang, "图3 各省份出生人口性别比及95%区间（监测县估计，近12个月）", "Figure 3. Sex ratio at birth by province with 95% intervals (monitoring-county estimates, last 12 months)")
		d.ChartNames["tfr_units"] = tr(lang, "图4 各省份总和生育率排序（监测县估计）", "Figure 4. Total fertility rate by province, ranked (monitoring-county estimates)")
	}

	// Headline figures.
	d.Headlines = table{
		Head:   []string{tr(lang, "指标", "Indicator"), tr(lang, "时段", "Period"), tr(lang, "数值", "Value"), tr(lang, "95%区间", "95% interval"), tr(lang, "比上月", "vs previous month"), tr(lang, "比上年同月", "vs a year earlier")},
		Widths: []float64{3, 2.6, 1.8, 3, 1.6, 1.8},
	}
	for _, h := range r.Headlines {
		ind, _ := cat.Get(h.Indicator)
		cp, cy := Compare(cat, h.Current, h.Previous), Compare(cat, h.Current, h.YearAgo)
		d.Headlines.Rows = append(d.Headlines.Rows, []cell{
			{Text: ind.Label(lang)}, {Text: m.SpanLabel(h.Span, lang), Label: true},
			{Text: FormatValue(cat, h.Current, lang), Tone: rangeTone(cat, h.Current)},
			{Text: formatIntervalIn(cat, h.Current, lang)},
			{Text: FormatChange(cat, h.Indicator, cp), Tone: Tone(cat, h.Current, cp)},
			{Text: FormatChange(cat, h.Indicator, cy), Tone: Tone(cat, h.Current, cy)},
		})
	}
	if r.National() {
		d.HeadlineNote = tr(lang,
			"全国数据为120个人口监测县（监测样本）的加权估计值，不是全口径统计；“95%区间”为估计的置信区间。流量指标（出生、死亡、出生率、死亡率、出生人口性别比）均为截至本月的近12个月数据。自然增长率的监测估计尚未提供。",
			"The national figures are weighted estimates from the 120 monitoring counties (the national sample), not complete counts; the “95% interval” is the estimate's confidence interval. Flows (births, deaths, birth and death rates, sex ratio at birth) are for the 12 months to the month. The panel gives no estimate of the rate of natural increase yet.")
	}
	d.Narrative = Narrative(r, lang)

	// Projection outlook: levels at the base year, +5 and +10.
	if o := r.Outlook; o != nil && len(o.Years) > 0 {
		d.Outlook = table{
			Head:   []string{tr(lang, "年份", "Year"), tr(lang, "总人口", "Total population"), tr(lang, "65岁及以上人口", "Population 65+"), tr(lang, "学龄人口（6–14岁）", "School-age population (6–14)")},
			Widths: []float64{2, 3, 3, 3},
		}
		for i, y := range o.Years {
			if i != 0 && i != len(o.Years)-1 && (y-o.Years[0])%5 != 0 {
				continue
			}
			d.Outlook.Rows = append(d.Outlook.Rows, []cell{{Text: fmt.Sprint(y)}, {Text: formatCount(o.Total[i], lang)}, {Text: formatCount(o.Aged65[i], lang)}, {Text: formatCount(o.SchoolAge[i], lang)}})
		}
		d.OutlookNote = tr(lang, "预测情景："+o.Scenario+"（以数据截止日常住人口为基数，近3年的死亡率、年龄别生育率、出生性别比和分年龄净迁移率经小区域平滑后保持不变，含迁移；与人口预测页面和 padis project 的结果一致）。",
			"Scenario: "+o.Scenario+" (base population resident at the snapshot's as-of date; mortality, age-specific fertility, sex ratio at birth and net migration by age of the last 3 years, smoothed for small areas, held constant; migration included; the same projection as the projections page and padis project).")
	}

	// Alerts: a count by colour and unit level, then the alerts of the
	// upper levels one by one (the most severe first), up to a limit.
	switch {
	case !r.AlertsKnown:
		d.AlertsNote = tr(lang, "预警规则尚未接入，本报告不含本月预警。", "Alert rules are not connected yet; this report lists no alerts.")
	case len(r.Alerts) == 0:
		d.AlertsNote = tr(lang, "本月无预警。", "There were no alerts this month.")
	default:
		d.AlertSummary = alertSummary(r, lang)
		listed := listedAlerts(r)
		d.Alerts = table{
			Head:   []string{tr(lang, "级别", "Level"), tr(lang, "单位", "Unit"), tr(lang, "指标", "Indicator"), tr(lang, "数值", "Value"), tr(lang, "阈值", "Threshold"), tr(lang, "说明", "Explanation")},
			Widths: []float64{2.2, 2.6, 2.2, 1.6, 1.3, 5.6},
		}
		for _, a := range listed {
			ind, _ := cat.Get(a.Indicator)
			d.Alerts.Rows = append(d.Alerts.Rows, []cell{
				{Text: LevelLabel(a.Level, lang), Tone: a.Level}, {Text: a.UnitName}, {Text: ind.Label(lang)},
				{Text: FormatValue(cat, a.Figure, lang)}, {Text: formatThreshold(a, decimalsOf(a.Indicator))}, {Text: a.Text(lang)},
			})
		}
		if rest := len(r.Alerts) - len(listed); rest > 0 {
			d.AlertsMore = tr(lang,
				fmt.Sprintf("以上逐条列出%d条（%s级及以上单位的红色、橙色预警，%s级及以上单位的黄色、蓝色预警，至多%d条）；其余%d条见汇总表和预警页面。", len(listed), alertDepth(r, 2).Label(lang), alertDepth(r, 1).Label(lang), MaxListedAlerts, rest),
				fmt.Sprintf("Listed above: %d alerts (red and orange down to the %s level, yellow and blue down to the %s level, at most %d); the other %d are counted in the summary and listed on the alerts page.", len(listed), alertDepth(r, 2).Label(lang), alertDepth(r, 1).Label(lang), MaxListedAlerts, rest))
		}
	}

	// Unit tables.
	level := r.ChildLevel.Label(lang)
	cols := r.Columns()
	if len(r.Monitoring) > 0 {
		d.Tables = append(d.Tables, titledTable{tr(lang, "人口监测县主要指标（各县全口径数据，全国估计即由此加权得出）", "Key indicators of the monitoring counties (each county's full data, from which the national estimates are weighted)"), unitTable(cat, r.Monitoring, cols, m, lang, true)})
	}
	if len(r.Children) > 0 {
		title := tr(lang, "下辖"+level+"主要指标", "Key indicators of the "+level+" units")
		if r.National() {
			title = tr(lang, "已全量入库省份主要指标（全口径数据）", "Key indicators of the provinces whose full data are loaded")
		}
		d.Tables = append(d.Tables, titledTable{title, unitTable(cat, r.Children, cols, m, lang, false)})
	}
	if len(r.Counties) > 0 {
		d.Tables = append(d.Tables, titledTable{tr(lang, "所辖各县（市、区）主要指标", "Key indicators of every county"), unitTable(cat, r.Counties, cols, m, lang, false)})
	}

	// Quality.
	if q := r.Quality; q != nil {
		d.Quality = qualityTables(cat, q, m, lang)
	}
	for _, n := range r.Notes {
		d.Notes = append(d.Notes, noteText(n, lang))
	}

	// Appendix: every indicator the report prints.
	d.Defs = table{
		Head:   []string{tr(lang, "指标", "Indicator"), tr(lang, "单位", "Unit"), tr(lang, "定义", "Definition"), tr(lang, "区间方法", "Interval")},
		Widths: []float64{2.6, 2.2, 6.2, 2.2},
	}
	seen := map[string]bool{}
	var ids []string
	for _, h := range r.Headlines {
		ids = append(ids, h.Indicator)
	}
	for _, c := range cols {
		ids = append(ids, c.Indicator)
	}
	if q := r.Quality; q != nil {
		for _, f := range q.Measures {
			ids = append(ids, f.Indicator)
		}
		ids = append(ids, TimelinessIndicator)
		for _, f := range q.Worklists {
			ids = append(ids, f.Indicator)
		}
	}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		ind, ok := cat.Get(id)
		if !ok {
			continue
		}
		d.Defs.Rows = append(d.Defs.Rows, []cell{{Text: ind.Label(lang) + " (" + ind.ID + ")"}, {Text: unitLabel(ind.Unit, lang)}, {Text: ind.Formula(lang)}, {Text: ind.Interval}})
	}
	return d
}

// unitTable lays out the key-indicator columns for rows.
// With fullNames the unit column gives each unit's full name (the
// monitoring counties, from every province).
func unitTable(cat *models.Catalog, rows []Row, cols []Column, m Month, lang models.Lang, fullNames bool) table {
	t := table{Head: []string{tr(lang, "单位", "Unit")}, Widths: []float64{3}}
	if fullNames {
		t.Widths[0] = 4.6
	}
	for _, c := range cols {
		ind, _ := cat.Get(c.Indicator)
		head := ind.Label(lang)
		if c.Span != SpanMonth {
			span := m.SpanLabel(c.Span, lang)
			if c.Span == SpanR12 {
				span = tr(lang, "近12个月", "12 months")
			}
			head += "（" + span + "）"
			if lang == models.EN {
				head = ind.Label(lang) + " (" + span + ")"
			}
		}
		if s := unitSign(cat, c.Indicator); s != "" {
			head += " " + s
		}
		t.Head = append(t.Head, head)
		w := 1.5
		if c.Indicator == "srb" {
			w = 2.6
		}
		t.Widths = append(t.Widths, w)
	}
	for _, r := range rows {
		name := r.Unit.Name
		if fullNames && r.Unit.FullName != "" {
			name = r.Unit.FullName
		}
		line := []cell{{Text: name}}
		for _, c := range cols {
			f, ok := r.Figures[c.Key]
			if !ok || !f.Valid() {
				line = append(line, cell{Text: "—"})
				continue
			}
			text := FormatValue(cat, f, lang)
			if s := unitSign(cat, c.Indicator); s != "" {
				text = strings.TrimSuffix(text, s)
			}
			if c.Indicator == "srb" && f.HasInterval() {
				text += " (" + FormatInterval(f) + ")"
			}
			line = append(line, cell{Text: text, Tone: rangeTone(cat, f)})
		}
		t.Rows = append(t.Rows, line)
	}
	return t
}

// rangeTone marks a value of a "range" indicator outside its normal range
// (for SRB: only when the whole interval is outside) as bad.
func rangeTone(cat *models.Catalog, f Figure) string {
	ind, ok := cat.Get(f.Indicator)
	if !ok || ind.Good != "range" || len(ind.Range) != 2 || !f.Valid() {
		return ""
	}
	if f.HasInterval() {
		if f.Lower > ind.Range[1] || f.Upper < ind.Range[0] {
			return "bad"
		}
		return ""
	}
	if f.Value < ind.Range[0] || f.Value > ind.Range[1] {
		return "bad"
	}
	return ""
}

// MaxListedAlerts is the most alerts the report lists one by one; the
// summary counts them all.
const MaxListedAlerts = 60

// alertDepth is the lowest unit level whose alerts are listed one by one
// (down levels below the report's unit, at most villages).
func alertDepth(r *Report, down int) models.Level {
	return min(r.Unit.Level+models.Level(down), models.LevelVillage)
}

// listedAlerts picks the alerts the report lists one by one: red and
// orange down to two levels below the unit, yellow and blue down to one
// level below, the most severe first, at most MaxListedAlerts.
func listedAlerts(r *Report) []Alert {
	var out []Alert
	for _, a := range r.Alerts { // sorted by severity
		l, err := models.LevelOfCode(a.Division)
		if err != nil {
			continue
		}
		depth := 1
		if a.Level == AlertRed || a.Level == AlertOrange {
			depth = 2
		}
		if l <= alertDepth(r, depth) && len(out) < MaxListedAlerts {
			out = append(out, a)
		}
	}
	return out
}

// alertSummary counts the alerts by colour (rows) and unit level
// (columns), with totals.
func alertSummary(r *Report, lang models.Lang) table {
	var levels []models.Level
	count := map[string]map[models.Level]int{}
	seen := map[models.Level]bool{}
	for _, a := range r.Alerts {
		l, err := models.LevelOfCode(a.Division)
		if err != nil {
			continue
		}
		if count[a.Level] == nil {
			count[a.Level] = map[models.Level]int{}
		}
		count[a.Level][l]++
		if !seen[l] {
			seen[l] = true
			levels = append(levels, l)
		}
	}
	sortStable(levels, func(a, b models.Level) bool { return a < b })
	t := table{Head: []string{tr(lang, "级别", "Level")}, Widths: []float64{3}}
	for _, l := range levels {
		t.Head = append(t.Head, l.Label(lang))
		t.Widths = append(t.Widths, 1.6)
	}
	t.Head = append(t.Head, tr(lang, "合计", "Total"))
	t.Widths = append(t.Widths, 1.6)
	total := map[models.Level]int{}
	all := 0
	for _, c := range AlertLevels {
		if len(count[c]) == 0 {
			continue
		}
		row := []cell{{Text: LevelLabel(c, lang), Tone: c}}
		n := 0
		for _, l := range levels {
			row = append(row, cell{Text: formatInt(float64(count[c][l]))})
			n += count[c][l]
			total[l] += count[c][l]
		}
		all += n
		t.Rows = append(t.Rows, append(row, cell{Text: formatInt(float64(n))}))
	}
	row := []cell{{Text: tr(lang, "合计", "Total")}}
	for _, l := range levels {
		row = append(row, cell{Text: formatInt(float64(total[l]))})
	}
	t.Rows = append(t.Rows, append(row, cell{Text: formatInt(float64(all))}))
	return t
}

// formatThreshold prints an alert's threshold ("—" when the rule has
// none, e.g. a statistical detection).
func formatThreshold(a Alert, d int) string {
	if math.IsNaN(a.Threshold) || math.IsInf(a.Threshold, 0) {
		return "—"
	}
	return formatNumber(a.Threshold, d)
}

// qualityTables lays out the data-quality section: the unit's measures
// and worklists of the month, then the snapshot load's counts by table
// and by reason.
func qualityTables(cat *models.Catalog, q *Quality, m Month, lang models.Lang) []titledTable {
	meas := table{Head: []string{tr(lang, "指标", "Measure"), tr(lang, "数值", "Value")}, Widths: []float64{7, 4}}
	add := func(f Figure, label string, count bool) {
		ind, ok := cat.Get(f.Indicator)
		if !ok {
			return
		}
		if label == "" {
			label = ind.Label(lang)
		}
		text := "—"
		switch {
		case f.Valid() && count:
			text = formatInt(f.Value)
		case f.Valid():
			text = FormatValue(cat, f, lang)
		}
		meas.Rows = append(meas.Rows, []cell{{Text: label}, {Text: text}})
	}
	for _, f := range q.Measures {
		add(f, "", false)
	}
	if q.Timeliness.Indicator != "" {
		add(q.Timeliness, "", false)
	}
	for _, f := range q.Worklists {
		add(f, tr(lang, "待核查清单：", "Open worklist: ")+worklistLabel(cat, f.Indicator, lang), true)
	}
	out := []titledTable{{tr(lang, m.Label(lang)+"数据质量指标", "Data-quality measures, "+m.Label(lang)), meas}}
	if len(q.Load) > 0 {
		ld := table{Head: []string{tr(lang, "数据表", "Table"), tr(lang, "读入行数", "Rows read"), tr(lang, "接收", "Accepted"), tr(lang, "隔离", "Quarantined"), tr(lang, "标记", "Flagged")},
			Widths: []float64{3, 2.4, 2.4, 2, 2}}
		var in, acc, qu, fl int64
		for _, t := range q.Load {
			in, acc, qu, fl = in+t.RowsIn, acc+t.Accepted, qu+t.Quarantined, fl+t.Flagged
			ld.Rows = append(ld.Rows, []cell{{Text: tableLabel(t.Table, lang)}, {Text: formatInt(float64(t.RowsIn))}, {Text: formatInt(float64(t.Accepted))}, {Text: formatInt(float64(t.Quarantined))}, {Text: formatInt(float64(t.Flagged))}})
		}
		ld.Rows = append(ld.Rows, []cell{{Text: tr(lang, "合计", "Total")}, {Text: formatInt(float64(in))}, {Text: formatInt(float64(acc))}, {Text: formatInt(float64(qu))}, {Text: formatInt(float64(fl))}})
		out = append(out, titledTable{tr(lang, fmt.Sprintf("本期快照（版本%d）入库情况（全部数据）", q.Snapshot), fmt.Sprintf("Load of the snapshot (version %d, all its data)", q.Snapshot)), ld})
	}
	if len(q.Reasons) > 0 {
		rs := table{Head: []string{tr(lang, "数据表", "Table"), tr(lang, "原因", "Reason"), tr(lang, "处理", "Action"), tr(lang, "行数", "Rows")}, Widths: []float64{2.6, 6.4, 1.4, 1.6}}
		for _, x := range q.Reasons {
			act := x.Action
			switch x.Action {
			case "quarantined":
				act = tr(lang, "隔离", "quarantined")
			case "flagged":
				act = tr(lang, "标记", "flagged")
			}
			reason := tr(lang, x.ZH, x.EN)
			if reason == "" {
				reason = x.Reason
			}
			rs.Rows = append(rs.Rows, []cell{{Text: tableLabel(x.Table, lang)}, {Text: reason}, {Text: act}, {Text: formatInt(float64(x.Count))}})
		}
		out = append(out, titledTable{tr(lang, "隔离与标记原因", "Quarantine and flag reasons"), rs})
	}
	return out
}

// tableLabel names a snapshot table.
func tableLabel(name string, lang models.Lang) string {
	names := map[string]string{"persons": "人员", "households": "户", "events": "事件", "sources/police": "公安户籍（比对来源）",
		"sources/birth_certificates": "出生医学证明（比对来源）", "sources/deaths": "死亡登记（比对来源）",
		"sources/benefit_roll": "奖励扶助/特别扶助发放名册"}
	if n, ok := names[name]; ok && lang != models.EN {
		return n
	}
	return name
}

// worklistLabel names a worklist from its indicator ("worklist_<kind>"):
// the catalog's label when it has one.
func worklistLabel(cat *models.Catalog, id string, lang models.Lang) string {
	kind := strings.TrimPrefix(id, "worklist_")
	names := map[string][2]string{
		"duplicate":           {"重卡（同一身份号码）", "duplicate cards (same ID)"},
		"probable_duplicate":  {"疑似重卡", "probable duplicates"},
		"unregistered":        {"漏管（公安登记有、库中无）", "unregistered (in the police register only)"},
		"unregistered_birth":  {"漏报出生", "unreported births"},
		"undead":              {"死亡未销户", "dead but not deregistered"},
		"mismatch_sex":        {"性别不一致", "sex mismatch"},
		"mismatch_birth_date": {"出生日期不一致", "birth-date mismatch"},
		"mismatch_residence":  {"居住地不一致", "residence mismatch"},
		"over_coverage":       {"疑似多报（其他来源均无）", "possible over-coverage"},
	}
	if n, ok := names[kind]; ok {
		return tr(lang, n[0], n[1])
	}
	if ind, ok := cat.Get(id); ok {
		return ind.Label(lang)
	}
	return kind
}

func noteText(part string, lang models.Lang) string {
	names := map[string][2]string{
		"alerts":     {"预警：数据源尚不提供预警。", "Alerts: the data source does not provide alerts yet."},
		"quality":    {"数据质量：数据源尚不提供本月入库的数据质量指标。", "Data quality: the data source does not provide the load's quality measures yet."},
		"outlook":    {"人口预测展望：数据源尚不提供预测。", "Projection outlook: the data source does not provide projections yet."},
		"monitoring": {"监测县：数据源尚不提供监测县名单。", "Monitoring counties: the data source does not provide the panel yet."},
		"pyramid":    {"人口金字塔：数据源没有该单位本月的分年龄人口。", "Population pyramid: the data source has no population by age for this unit and month."},
	}
	if n, ok := names[part]; ok {
		return tr(lang, n[0], n[1])
	}
	return part
}

// unitLabel translates a catalog unit for the appendix.
func unitLabel(u string, lang models.Lang) string {
	if lang == models.EN {
		return u
	}
	names := map[string]string{"persons": "人", "households": "户", "children per woman": "每名妇女生育子女数", "per 100 females": "以女性为100", "years": "岁", "couples": "对"}
	if n, ok := names[u]; ok {
		return n
	}
	return u
}
