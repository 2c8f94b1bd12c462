package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/padis/padis/models"
)

// document is the report laid out as text in one language: what the HTML
// and PDF renderers print. Building it in one place keeps the two outputs
// identical in content.
type document struct {
	Lang        models.Lang
	HTMLLang    string
	Title       string
	Header      string // running page header: unit and month
	Meta        [][2]string
	Generated   string // the generation timestamp line, the only varying text
	Sections    sectionTitles
	Headlines   table
	Narrative   []string
	Charts      []NamedChart
	ChartNames  map[string]string
	Alerts      table
	AlertsNote  string
	Tables      []titledTable
	Quality     table
	Outlook     table // levels of the projection outlook
	OutlookNote string
	Notes       []string
	Defs        table
}

type sectionTitles struct {
	Headlines, Narrative, Charts, Alerts, Tables, Quality, Appendix string
}

// cell is one table cell: text and an optional tone class ("good", "bad",
// "neutral", or an alert level) for colour.
type cell struct {
	Text string
	Tone string
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
	d.ChartNames = map[string]string{
		"births_deaths": tr(lang, "图1 逐月出生与死亡人数", "Figure 1. Births and deaths by month"),
		"pyramid":       tr(lang, "图2 人口金字塔（与上年同期比较）", "Figure 2. Population pyramid compared with a year earlier"),
		"srb_units":     tr(lang, "图3 各单位出生人口性别比及95%区间", "Figure 3. Sex ratio at birth by unit with 95% intervals"),
		"tfr_units":     tr(lang, "图4 各单位总和生育率排序", "Figure 4. Total fertility rate by unit, ranked"),
		"outlook":       tr(lang, "图5 未来10年人口预测展望", "Figure 5. Ten-year projection outlook"),
	}

	// Headline figures.
	d.Headlines = table{
		Head:   []string{tr(lang, "指标", "Indicator"), tr(lang, "时段", "Period"), tr(lang, "数值", "Value"), tr(lang, "95%区间", "95% interval"), tr(lang, "比上月", "vs previous month"), tr(lang, "比上年同月", "vs a year earlier")},
		Widths: []float64{3.2, 2.6, 2, 2.2, 1.8, 1.8},
	}
	for _, h := range r.Headlines {
		ind, _ := cat.Get(h.Indicator)
		cp, cy := Compare(cat, h.Current, h.Previous), Compare(cat, h.Current, h.YearAgo)
		d.Headlines.Rows = append(d.Headlines.Rows, []cell{
			{Text: ind.Label(lang)}, {Text: m.SpanLabel(h.Span, lang)},
			{Text: FormatValue(cat, h.Current, lang), Tone: rangeTone(cat, h.Current)},
			{Text: FormatInterval(h.Current)},
			{Text: FormatChange(cat, h.Indicator, cp), Tone: Tone(cat, h.Current, cp)},
			{Text: FormatChange(cat, h.Indicator, cy), Tone: Tone(cat, h.Current, cy)},
		})
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
		d.OutlookNote = tr(lang, "预测情景："+o.Scenario+"（以本月人口为基数，近12个月的年龄别生育率、出生性别比和分性别预期寿命保持不变，不计迁移）。",
			"Scenario: "+o.Scenario+" (base population at the end of the month; the age-specific fertility, sex ratio at birth and life expectancy by sex of the last 12 months held constant; no migration).")
		if strings.Contains(o.Scenario, "standard-mortality") {
			d.OutlookNote += tr(lang, "死亡人数过少、无法编制生命表的性别采用PADIS标准生命表。", " A sex with too few deaths for a life table uses the PADIS standard life table.")
		}
	}

	// Alerts.
	d.Alerts = table{
		Head:   []string{tr(lang, "级别", "Level"), tr(lang, "单位", "Unit"), tr(lang, "指标", "Indicator"), tr(lang, "数值", "Value"), tr(lang, "阈值", "Threshold"), tr(lang, "说明", "Explanation")},
		Widths: []float64{2.2, 2.4, 2.4, 1.6, 1.3, 5.6},
	}
	switch {
	case !r.AlertsKnown:
		d.AlertsNote = tr(lang, "预警规则尚未接入，本报告不含本月预警。", "Alert rules are not connected yet; this report lists no alerts.")
	case len(r.Alerts) == 0:
		d.AlertsNote = tr(lang, "本月无预警。", "There were no alerts this month.")
	}
	for _, a := range r.Alerts {
		ind, _ := cat.Get(a.Indicator)
		d.Alerts.Rows = append(d.Alerts.Rows, []cell{
			{Text: LevelLabel(a.Level, lang), Tone: a.Level}, {Text: a.UnitName}, {Text: ind.Label(lang)},
			{Text: FormatValue(cat, a.Figure, lang)}, {Text: formatNumber(a.Threshold, decimals[a.Indicator])}, {Text: a.Explanation},
		})
	}

	// Unit tables.
	level := r.ChildLevel.Label(lang)
	if len(r.Children) > 0 {
		d.Tables = append(d.Tables, titledTable{tr(lang, "下辖"+level+"主要指标", "Key indicators of the "+level+" units"), unitTable(cat, r.Children, m, lang)})
	}
	if len(r.Counties) > 0 {
		d.Tables = append(d.Tables, titledTable{tr(lang, "所辖各县（市、区）主要指标", "Key indicators of every county"), unitTable(cat, r.Counties, m, lang)})
	}
	if len(r.Monitoring) > 0 {
		d.Tables = append(d.Tables, titledTable{tr(lang, "监测县主要指标", "Key indicators of the monitoring counties"), unitTable(cat, r.Monitoring, m, lang)})
	}

	// Quality.
	d.Quality = table{Head: []string{tr(lang, "项目", "Measure"), tr(lang, "数值", "Value")}, Widths: []float64{6, 4}}
	if q := r.Quality; q != nil {
		pct := func(v float64) string {
			if v != v {
				return "—"
			}
			return formatNumber(v, 1) + "%"
		}
		d.Quality.Rows = append(d.Quality.Rows,
			[]cell{{Text: tr(lang, "主要字段完整率", "Main-field completeness")}, {Text: pct(q.Completeness)}},
			[]cell{{Text: tr(lang, "有效率", "Validity")}, {Text: pct(q.Validity)}},
			[]cell{{Text: tr(lang, "重卡（重复记录）", "Duplicate cards")}, {Text: intOrDash(q.Duplicates)}},
			[]cell{{Text: tr(lang, "登记及时率", "Registration timeliness")}, {Text: FormatValue(cat, q.Timeliness, lang)}})
		for _, k := range sortedKeys(q.Quarantined) {
			d.Quality.Rows = append(d.Quality.Rows, []cell{{Text: tr(lang, "入库隔离（本期快照）：", "Quarantined at load (whole snapshot): ") + k}, {Text: formatInt(float64(q.Quarantined[k]))}})
		}
		for _, k := range sortedKeys(q.Worklists) {
			d.Quality.Rows = append(d.Quality.Rows, []cell{{Text: tr(lang, "待核查清单：", "Worklist: ") + worklistLabel(k, lang)}, {Text: formatInt(float64(q.Worklists[k]))}})
		}
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
	for _, c := range TableColumns {
		ids = append(ids, c.Indicator)
	}
	if r.Quality != nil {
		ids = append(ids, "timeliness")
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
func unitTable(cat *models.Catalog, rows []Row, m Month, lang models.Lang) table {
	t := table{Head: []string{tr(lang, "单位", "Unit")}, Widths: []float64{3}}
	for _, c := range TableColumns {
		ind, _ := cat.Get(c.Indicator)
		head := ind.Label(lang)
		if c.Span != SpanMonth {
			head += "（" + m.SpanLabel(c.Span, lang) + "）"
			if lang == models.EN {
				head = ind.Label(lang) + " (" + m.SpanLabel(c.Span, lang) + ")"
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
		line := []cell{{Text: r.Unit.Name}}
		for _, c := range TableColumns {
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

func intOrDash(v int64) string {
	if v < 0 {
		return "—"
	}
	return formatInt(float64(v))
}

func sortedKeys(m map[string]int64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func worklistLabel(kind string, lang models.Lang) string {
	names := map[string][2]string{
		"duplicates":            {"重卡", "duplicate cards"},
		"unregistered":          {"漏管漏报", "unregistered persons"},
		"dead_not_deregistered": {"死亡未销户", "dead not deregistered"},
	}
	if n, ok := names[kind]; ok {
		return tr(lang, n[0], n[1])
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
