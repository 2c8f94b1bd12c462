package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/padis/padis/models"
)

// Thresholds the narrative reports crossings of. They are the commission's
// usual warning levels (docs/report.md); the narrative only states that a
// figure crossed one, with both figures.
var (
	TFRThresholds   = []float64{1.5, 1.3, 1.0}
	AgingThresholds = []struct {
		Share  float64
		ZH, EN string
	}{
		{7, "老龄化社会", "ageing society"},
		{14, "深度老龄化社会", "aged society"},
		{20, "超老龄化社会", "super-aged society"},
	}
	SRBRange = [2]float64{103, 107}
)

// Narrative returns the report's narrative in lang: paragraphs of
// sentences generated from the figures by fixed templates. It states what
// rose, what fell and what crossed a threshold, with the figures, and
// makes no claim the figures do not carry.
func Narrative(r *Report, lang models.Lang) []string {
	n := narrator{r: r, lang: lang, cat: r.Catalog}
	if n.cat == nil {
		n.cat = models.DefaultCatalog()
	}
	m, _ := ParseMonth(r.Month)
	n.m = m
	var out []string
	for _, p := range []func() string{n.population, n.births, n.fertility, n.ageing, n.children, n.alerts, n.quality} {
		if s := p(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

type narrator struct {
	r    *Report
	lang models.Lang
	cat  *models.Catalog
	m    Month
}

func (n narrator) zh() bool { return n.lang != models.EN }

func (n narrator) h(key string) (Headline, bool) {
	h, ok := n.r.Headline(key)
	return h, ok && h.Current.Valid()
}

func (n narrator) v(f Figure) string { return FormatValue(n.cat, f, n.lang) }

// countChange describes the change of a count: "增加1.20万人（1.5%）" or
// "up 12,000 (1.5%)".
func (n narrator) countChange(cur, base Figure, unitZH string) string {
	c := Compare(n.cat, cur, base)
	if !c.Valid {
		return ""
	}
	pct := ""
	if !math.IsNaN(c.Pct) {
		d := 1
		if math.Abs(c.Pct) < 0.1 {
			d = 2
		}
		pct = formatNumber(math.Abs(c.Pct), d) + "%"
	}
	abs := formatCount(math.Abs(c.Diff), n.lang)
	if n.zh() {
		switch c.Dir {
		case 0:
			return "持平"
		case 1:
			return "增加" + abs + unitZH + paren(pct, true)
		}
		return "减少" + abs + unitZH + paren(pct, true)
	}
	switch c.Dir {
	case 0:
		return "unchanged"
	case 1:
		return "up " + abs + paren(pct, false)
	}
	return "down " + abs + paren(pct, false)
}

// rateChange describes the change of a rate, share or ratio: "上升0.12个
// 千分点" / "up 0.12 points".
func (n narrator) rateChange(cur, base Figure) string {
	c := Compare(n.cat, cur, base)
	if !c.Valid {
		return ""
	}
	d := formatNumber(math.Abs(c.Diff), decimals[cur.Indicator])
	if n.zh() {
		unit := ""
		switch unitSign(n.cat, cur.Indicator) {
		case "‰":
			unit = "个千分点"
		case "%":
			unit = "个百分点"
		}
		switch c.Dir {
		case 0:
			return "持平"
		case 1:
			return "上升" + d + unit
		}
		return "下降" + d + unit
	}
	unit := ""
	switch unitSign(n.cat, cur.Indicator) {
	case "‰":
		unit = " per 1,000"
	case "%":
		unit = " percentage points"
	}
	switch c.Dir {
	case 0:
		return "unchanged"
	case 1:
		return "up " + d + unit
	}
	return "down " + d + unit
}

func paren(s string, zh bool) string {
	if s == "" {
		return ""
	}
	if zh {
		return "（" + s + "）"
	}
	return " (" + s + ")"
}

// interval prints " (95% interval a–b)" or "（95%区间a–b）".
func (n narrator) interval(f Figure) string {
	iv := FormatInterval(f)
	if iv == "" {
		return ""
	}
	if n.zh() {
		return "（95%区间" + iv + "）"
	}
	return " (95% interval " + iv + ")"
}

func (n narrator) population() string {
	h, ok := n.h("population")
	if !ok {
		return ""
	}
	var b strings.Builder
	if n.zh() {
		fmt.Fprintf(&b, "%s末，%s常住人口%s人", n.m.SpanLabel(SpanMonth, n.lang), n.r.Unit.Name, n.v(h.Current))
		if s := n.countChange(h.Current, h.Previous, "人"); s != "" {
			fmt.Fprintf(&b, "，比上月%s", s)
		}
		if s := n.countChange(h.Current, h.YearAgo, "人"); s != "" {
			fmt.Fprintf(&b, "，比上年同月%s", s)
		}
		b.WriteString("。")
		if mg, ok := n.h("migrant_population"); ok {
			fmt.Fprintf(&b, "流动人口%s人", n.v(mg.Current))
			if s := n.countChange(mg.Current, mg.YearAgo, "人"); s != "" {
				fmt.Fprintf(&b, "，比上年同月%s", s)
			}
			b.WriteString("。")
		}
		return b.String()
	}
	fmt.Fprintf(&b, "At the end of %s, %s had a resident population of %s", n.m.Label(n.lang), n.r.Unit.Name, n.v(h.Current))
	var parts []string
	if s := n.countChange(h.Current, h.Previous, ""); s != "" {
		parts = append(parts, s+" on the previous month")
	}
	if s := n.countChange(h.Current, h.YearAgo, ""); s != "" {
		parts = append(parts, s+" on a year earlier")
	}
	if len(parts) > 0 {
		b.WriteString(", " + strings.Join(parts, " and "))
	}
	b.WriteString(".")
	if mg, ok := n.h("migrant_population"); ok {
		fmt.Fprintf(&b, " The migrant population was %s", n.v(mg.Current))
		if s := n.countChange(mg.Current, mg.YearAgo, ""); s != "" {
			fmt.Fprintf(&b, ", %s on a year earlier", s)
		}
		b.WriteString(".")
	}
	return b.String()
}

func (n narrator) births() string {
	bm, okB := n.h("births_month")
	dm, okD := n.h("deaths_month")
	if !okB || !okD {
		return ""
	}
	var b strings.Builder
	by, okBY := n.h("births_ytd")
	dy, okDY := n.h("deaths_ytd")
	month, ytd := n.m.SpanLabel(SpanMonth, n.lang), n.m.SpanLabel(SpanYTD, n.lang)
	if n.zh() {
		fmt.Fprintf(&b, "%s出生%s人，死亡%s人", month, n.v(bm.Current), n.v(dm.Current))
		if s := n.countChange(bm.Current, bm.YearAgo, "人"); s != "" {
			fmt.Fprintf(&b, "；出生比上年同月%s", s)
		}
		if s := n.countChange(dm.Current, dm.YearAgo, "人"); s != "" {
			fmt.Fprintf(&b, "，死亡比上年同月%s", s)
		}
		b.WriteString("。")
		if okBY && okDY {
			fmt.Fprintf(&b, "%s累计出生%s人", ytd, n.v(by.Current))
			if s := n.countChange(by.Current, by.YearAgo, "人"); s != "" {
				fmt.Fprintf(&b, "，比上年同期%s", s)
			}
			fmt.Fprintf(&b, "；累计死亡%s人", n.v(dy.Current))
			if s := n.countChange(dy.Current, dy.YearAgo, "人"); s != "" {
				fmt.Fprintf(&b, "，比上年同期%s", s)
			}
			b.WriteString("。")
		}
	} else {
		fmt.Fprintf(&b, "In %s there were %s births and %s deaths", month, n.v(bm.Current), n.v(dm.Current))
		var parts []string
		if s := n.countChange(bm.Current, bm.YearAgo, ""); s != "" {
			parts = append(parts, "births "+s)
		}
		if s := n.countChange(dm.Current, dm.YearAgo, ""); s != "" {
			parts = append(parts, "deaths "+s)
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "; on the same month a year earlier, %s", strings.Join(parts, ", "))
		}
		b.WriteString(".")
		if okBY && okDY {
			fmt.Fprintf(&b, " In %s, births totalled %s", ytd, n.v(by.Current))
			if s := n.countChange(by.Current, by.YearAgo, ""); s != "" {
				fmt.Fprintf(&b, ", %s on the same period a year earlier,", s)
			}
			fmt.Fprintf(&b, " and deaths %s", n.v(dy.Current))
			if s := n.countChange(dy.Current, dy.YearAgo, ""); s != "" {
				fmt.Fprintf(&b, ", %s", s)
			}
			b.WriteString(".")
		}
	}
	cbr, ok1 := n.h("cbr_ytd")
	cdr, ok2 := n.h("cdr_ytd")
	rni, ok3 := n.h("rni_ytd")
	if ok1 && ok2 && ok3 {
		if n.zh() {
			fmt.Fprintf(&b, "%s出生率%s，死亡率%s，自然增长率%s", ytd, n.v(cbr.Current), n.v(cdr.Current), n.v(rni.Current))
			if s := n.rateChange(rni.Current, rni.YearAgo); s != "" {
				fmt.Fprintf(&b, "，比上年同期%s", s)
			}
			b.WriteString("。")
		} else {
			fmt.Fprintf(&b, " The crude birth rate in %s was %s, the crude death rate %s and the rate of natural increase %s", ytd, n.v(cbr.Current), n.v(cdr.Current), n.v(rni.Current))
			if s := n.rateChange(rni.Current, rni.YearAgo); s != "" {
				fmt.Fprintf(&b, ", %s on a year earlier", s)
			}
			b.WriteString(".")
		}
		if rni.YearAgo.Valid() {
			switch {
			case rni.Current.Value < 0 && rni.YearAgo.Value >= 0:
				b.WriteString(n.pick("自然增长率由正转负，出生人数少于死亡人数。", " Natural increase turned negative: deaths outnumbered births."))
			case rni.Current.Value >= 0 && rni.YearAgo.Value < 0:
				b.WriteString(n.pick("自然增长率由负转正。", " Natural increase turned positive."))
			case rni.Current.Value < 0:
				b.WriteString(n.pick("人口自然增长继续为负。", " Natural increase remained negative."))
			}
		}
	}
	return b.String()
}

func (n narrator) pick(zh, en string) string {
	if n.zh() {
		return zh
	}
	return en
}

func (n narrator) fertility() string {
	var b strings.Builder
	if t, ok := n.h("tfr_r12"); ok {
		span := n.m.SpanLabel(SpanR12, n.lang)
		if n.zh() {
			fmt.Fprintf(&b, "%s总和生育率为%s%s", span, n.v(t.Current), n.interval(t.Current))
			if s := n.rateChange(t.Current, t.YearAgo); s != "" {
				fmt.Fprintf(&b, "，比上年同期%s", s)
			}
			b.WriteString("。")
		} else {
			fmt.Fprintf(&b, "The total fertility rate over the %s was %s%s", span, n.v(t.Current), n.interval(t.Current))
			if s := n.rateChange(t.Current, t.YearAgo); s != "" {
				fmt.Fprintf(&b, ", %s on a year earlier", s)
			}
			b.WriteString(".")
		}
		if t.YearAgo.Valid() {
			for _, th := range TFRThresholds {
				if t.YearAgo.Value >= th && t.Current.Value < th {
					b.WriteString(n.pick(
						fmt.Sprintf("总和生育率由上年同期的%s降至%s以下。", n.v(t.YearAgo), formatNumber(th, 1)),
						fmt.Sprintf(" It fell below %s, from %s a year earlier.", formatNumber(th, 1), n.v(t.YearAgo))))
					break
				}
				if t.YearAgo.Value < th && t.Current.Value >= th {
					b.WriteString(n.pick(
						fmt.Sprintf("总和生育率由上年同期的%s回升至%s以上。", n.v(t.YearAgo), formatNumber(th, 1)),
						fmt.Sprintf(" It rose above %s, from %s a year earlier.", formatNumber(th, 1), n.v(t.YearAgo))))
					break
				}
			}
		}
	}
	if s, ok := n.h("srb_ytd"); ok {
		span := n.m.SpanLabel(SpanYTD, n.lang)
		if n.zh() {
			fmt.Fprintf(&b, "%s出生人口性别比为%s%s，", span, n.v(s.Current), n.interval(s.Current))
		} else {
			fmt.Fprintf(&b, " The sex ratio at birth in %s was %s%s", span, n.v(s.Current), n.interval(s.Current))
		}
		b.WriteString(n.srbVerdict(s.Current))
	}
	return strings.TrimSpace(b.String())
}

// srbVerdict places a sex ratio at birth against the normal range using
// its interval, not the point.
func (n narrator) srbVerdict(f Figure) string {
	lo, hi := formatNumber(SRBRange[0], 0), formatNumber(SRBRange[1], 0)
	switch {
	case f.HasInterval() && f.Lower > SRBRange[1]:
		return n.pick("区间整体高于正常范围上限"+hi+"。", ": the whole interval lies above the normal range's upper limit of "+hi+".")
	case f.HasInterval() && f.Upper < SRBRange[0]:
		return n.pick("区间整体低于正常范围下限"+lo+"。", ": the whole interval lies below the normal range's lower limit of "+lo+".")
	case f.Value >= SRBRange[0] && f.Value <= SRBRange[1]:
		return n.pick("处于正常范围（"+lo+"–"+hi+"）内。", ", within the normal range ("+lo+"–"+hi+").")
	default:
		return n.pick("点估计在正常范围（"+lo+"–"+hi+"）之外，但区间与正常范围重叠，尚不能判定偏离。",
			": the point lies outside the normal range ("+lo+"–"+hi+") but the interval overlaps it, so no departure can be asserted.")
	}
}

func (n narrator) ageing() string {
	h, ok := n.h("share_65plus")
	if !ok {
		return ""
	}
	var b strings.Builder
	if n.zh() {
		fmt.Fprintf(&b, "65岁及以上人口占比为%s", n.v(h.Current))
		if s := n.rateChange(h.Current, h.YearAgo); s != "" {
			fmt.Fprintf(&b, "，比上年同月%s", s)
		}
		b.WriteString("。")
	} else {
		fmt.Fprintf(&b, "The share of the population aged 65 and over was %s", n.v(h.Current))
		if s := n.rateChange(h.Current, h.YearAgo); s != "" {
			fmt.Fprintf(&b, ", %s on a year earlier", s)
		}
		b.WriteString(".")
	}
	if h.YearAgo.Valid() {
		for i := len(AgingThresholds) - 1; i >= 0; i-- {
			th := AgingThresholds[i]
			if h.YearAgo.Value < th.Share && h.Current.Value >= th.Share {
				b.WriteString(n.pick(
					fmt.Sprintf("该占比由上年同月的%s升至%s以上，达到%s的标准（65岁及以上人口占比≥%s%%）。", n.v(h.YearAgo), formatNumber(th.Share, 0)+"%", th.ZH, formatNumber(th.Share, 0)),
					fmt.Sprintf(" It rose from %s a year earlier past %s%%, the threshold of an %s (65+ share ≥ %s%%).", n.v(h.YearAgo), formatNumber(th.Share, 0), th.EN, formatNumber(th.Share, 0))))
				break
			}
		}
	}
	return b.String()
}

// children compares the child units: the highest and lowest TFR and the
// units whose SRB interval lies wholly above the normal range.
func (n narrator) children() string {
	rows := n.r.Children
	if len(rows) < 2 {
		return ""
	}
	level := n.r.ChildLevel.Label(n.lang)
	var b strings.Builder
	type uv struct {
		name string
		f    Figure
	}
	var tfr []uv
	var highSRB []uv
	for _, r := range rows {
		if f := r.Figures["tfr_r12"]; f.Valid() {
			tfr = append(tfr, uv{r.Unit.Name, f})
		}
		if f := r.Figures["srb_ytd"]; f.HasInterval() && f.Lower > SRBRange[1] {
			highSRB = append(highSRB, uv{r.Unit.Name, f})
		}
	}
	if len(tfr) >= 2 {
		sort.SliceStable(tfr, func(i, j int) bool { return tfr[i].f.Value > tfr[j].f.Value })
		hi, lo := tfr[0], tfr[len(tfr)-1]
		if n.zh() {
			fmt.Fprintf(&b, "在有数据的%d个下辖%s中，总和生育率最高的是%s（%s），最低的是%s（%s）。", len(tfr), level, hi.name, n.v(hi.f), lo.name, n.v(lo.f))
		} else {
			fmt.Fprintf(&b, "Among the %d %s units with data, the total fertility rate was highest in %s (%s) and lowest in %s (%s).", len(tfr), level, hi.name, n.v(hi.f), lo.name, n.v(lo.f))
		}
	}
	if len(highSRB) > 0 {
		var parts []string
		for _, u := range highSRB {
			parts = append(parts, u.name+paren(n.v(u.f)+"，"+FormatInterval(u.f), n.zh()))
		}
		if n.zh() {
			fmt.Fprintf(&b, "出生人口性别比的区间整体高于%s的下辖%s有%d个：%s。", formatNumber(SRBRange[1], 0), level, len(highSRB), strings.Join(parts, "、"))
		} else {
			for i, u := range highSRB {
				parts[i] = u.name + " (" + n.v(u.f) + ", " + FormatInterval(u.f) + ")"
			}
			fmt.Fprintf(&b, " In %d %s %s the whole interval of the sex ratio at birth lies above %s: %s.", len(highSRB), level, plural(len(highSRB), "unit", "units"), formatNumber(SRBRange[1], 0), strings.Join(parts, "; "))
		}
	} else {
		b.WriteString(n.pick(
			fmt.Sprintf("没有下辖%s的出生人口性别比区间整体高于%s。", level, formatNumber(SRBRange[1], 0)),
			fmt.Sprintf(" No %s unit has a sex ratio at birth whose whole interval lies above %s.", level, formatNumber(SRBRange[1], 0))))
	}
	return strings.TrimSpace(b.String())
}

func (n narrator) alerts() string {
	if !n.r.AlertsKnown {
		return n.pick("预警规则尚未接入，本报告不含本月预警。", "Alert rules are not connected yet; this report lists no alerts.")
	}
	if len(n.r.Alerts) == 0 {
		return n.pick("本月无预警。", "There were no alerts this month.")
	}
	count := map[string]int{}
	for _, a := range n.r.Alerts {
		count[a.Level]++
	}
	var parts []string
	for _, l := range AlertLevels {
		if count[l] > 0 {
			parts = append(parts, n.pick(fmt.Sprintf("%s%d条", LevelLabel(l, n.lang), count[l]), fmt.Sprintf("%d %s", count[l], l)))
		}
	}
	return n.pick(
		fmt.Sprintf("本月共有预警%d条，其中%s。", len(n.r.Alerts), strings.Join(parts, "、")),
		fmt.Sprintf("There were %d alerts this month: %s.", len(n.r.Alerts), strings.Join(parts, ", ")))
}

func (n narrator) quality() string {
	q := n.r.Quality
	if q == nil {
		return ""
	}
	var parts []string
	add := func(zh, en string, v float64) {
		if !math.IsNaN(v) {
			parts = append(parts, n.pick(zh+formatNumber(v, 1)+"%", en+" "+formatNumber(v, 1)+"%"))
		}
	}
	add("主要字段完整率", "main-field completeness", q.Completeness)
	add("有效率", "validity", q.Validity)
	if q.Timeliness.Valid() {
		parts = append(parts, n.pick("登记及时率"+n.v(q.Timeliness), "registration timeliness "+n.v(q.Timeliness)))
	}
	if q.Duplicates >= 0 {
		parts = append(parts, n.pick(fmt.Sprintf("发现重卡%s条", formatInt(float64(q.Duplicates))), fmt.Sprintf("%s duplicate cards", formatInt(float64(q.Duplicates)))))
	}
	var quarantined int64
	for _, v := range q.Quarantined {
		quarantined += v
	}
	parts = append(parts, n.pick(fmt.Sprintf("入库隔离%s行", formatInt(float64(quarantined))), fmt.Sprintf("%s rows quarantined at load", formatInt(float64(quarantined)))))
	return n.pick("本月数据质量："+strings.Join(parts, "，")+"。", "Data quality this month: "+strings.Join(parts, ", ")+".")
}

// LevelLabel names an alert level: "红色预警（I级）" or "red (I)".
func LevelLabel(level string, lang models.Lang) string {
	names := map[string][2]string{
		AlertRed: {"红色预警（I级）", "red (I)"}, AlertOrange: {"橙色预警（II级）", "orange (II)"},
		AlertYellow: {"黄色预警（III级）", "yellow (III)"}, AlertBlue: {"蓝色预警（IV级）", "blue (IV)"},
	}
	n, ok := names[level]
	if !ok {
		return level
	}
	if lang == models.EN {
		return n[1]
	}
	return n[0]
}

// plural picks the English singular or plural form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
