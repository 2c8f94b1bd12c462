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

// best returns the figure a sentence states: a provisional count's
// nowcast (the registered count of a month still being registered would
// read as a collapse), the figure itself otherwise.
func best(f Figure) Figure {
	if f.Provisional && f.Nowcast > 0 {
		f.Value = f.Nowcast
	}
	return f
}

// people words a count of persons: "1,234人", or for a provisional count
// "约1,300人（初步数，已登记1,234人）" / "about 1,300 (provisional; 1,234
// registered so far)".
func (n narrator) people(f Figure) string {
	if !f.Provisional || f.Nowcast <= 0 {
		return n.v(f) + n.pick("人", "")
	}
	if n.zh() {
		return "约" + n.v(best(f)) + "人（初步数，已登记" + n.v(f) + "人）"
	}
	return "about " + n.v(best(f)) + " (provisional; " + n.v(f) + " registered so far)"
}

// hv words a headline's current figure (pv), and when it is a variant
// (adjusted, small-area) says so with the registered figure and the
// registration completeness beside it: "6.12（调整后；登记数据5.80，
// 出生登记完整率94.8%）".
func (n narrator) hv(h Headline) string {
	s := n.pv(h.Current)
	if h.Variant == "" || h.Registered == nil {
		return s
	}
	var parts []string
	if n.zh() {
		parts = append(parts, map[string]string{models.VariantAdjusted: "调整后", models.VariantSAE: "小区域估计"}[h.Variant], "登记数据"+n.v(*h.Registered))
		if h.Completeness != nil {
			parts[1] += "，" + h.Completeness.label(n.cat, n.lang) + n.v(*h.Completeness)
		}
		return s + "（" + strings.Join(parts, "；") + "）"
	}
	parts = append(parts, map[string]string{models.VariantAdjusted: "adjusted", models.VariantSAE: "small-area estimate"}[h.Variant], n.v(*h.Registered)+" registered")
	if h.Completeness != nil {
		parts[1] += ", " + h.Completeness.label(n.cat, n.lang) + " " + n.v(*h.Completeness)
	}
	return s + " (" + strings.Join(parts, "; ") + ")"
}

// label is the catalog label of the figure's indicator in lang.
func (f Figure) label(cat *models.Catalog, lang models.Lang) string {
	if ind, ok := cat.Get(f.Indicator); ok {
		return ind.Label(lang)
	}
	return f.Indicator
}

// pv words a rate or ratio, marked provisional (初步数) when its period is
// still being registered.
func (n narrator) pv(f Figure) string {
	if !f.Provisional {
		return n.v(f)
	}
	return n.v(f) + n.pick("（初步数）", " (provisional)")
}

// flow returns the headline key of a flow indicator in the report's flow
// span: "births_ytd", or "births_r12" in the national report.
func (n narrator) flow(ind string) string { return ind + "_" + string(n.r.FlowSpan()) }

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
	d := formatNumber(math.Abs(c.Diff), decimalsOf(cur.Indicator))
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

// unitName names the report's unit in a sentence: division names exist
// only in Chinese, but the nation has an English name.
func unitName(r *Report, lang models.Lang) string {
	if r.National() && lang == models.EN {
		return "the nation"
	}
	return r.Unit.Name
}

// estimateInterval prints the interval of an estimate (a count from the
// monitoring counties), nothing for a full count.
func (n narrator) estimateInterval(f Figure) string {
	if !f.Estimate {
		return ""
	}
	return n.interval(f)
}

// interval prints " (95% interval a–b)" or "（95%区间a–b）".
func (n narrator) interval(f Figure) string {
	iv := formatIntervalIn(n.cat, f, n.lang)
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
	if n.r.National() {
		// The national figures are the monitoring panel's estimates.
		b.WriteString(n.pick(fmt.Sprintf("以下全国数据均为%d个人口监测县的加权估计值。", h.Current.Counties),
			fmt.Sprintf("The national figures below are weighted estimates from %d monitoring counties. ", h.Current.Counties)))
	}
	if n.zh() {
		fmt.Fprintf(&b, "%s末，%s常住人口%s人%s", n.m.SpanLabel(SpanMonth, n.lang), unitName(n.r, n.lang), n.v(h.Current), n.estimateInterval(h.Current))
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
	fmt.Fprintf(&b, "At the end of %s, %s had a resident population of %s%s", n.m.Label(n.lang), unitName(n.r, n.lang), n.v(h.Current), n.estimateInterval(h.Current))
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
	by, okBY := n.h(n.flow("births"))
	dy, okDY := n.h(n.flow("deaths"))
	month, ytd := n.m.SpanLabel(SpanMonth, n.lang), n.m.SpanLabel(n.r.FlowSpan(), n.lang)
	if n.zh() {
		fmt.Fprintf(&b, "%s出生%s，死亡%s", month, n.people(bm.Current), n.people(dm.Current))
		if s := n.countChange(best(bm.Current), bm.YearAgo, "人"); s != "" {
			fmt.Fprintf(&b, "；出生比上年同月%s", s)
		}
		if s := n.countChange(best(dm.Current), dm.YearAgo, "人"); s != "" {
			fmt.Fprintf(&b, "，死亡比上年同月%s", s)
		}
		b.WriteString("。")
		if okBY && okDY {
			fmt.Fprintf(&b, "%s累计出生%s", ytd, n.people(by.Current))
			if s := n.countChange(best(by.Current), by.YearAgo, "人"); s != "" {
				fmt.Fprintf(&b, "，比上年同期%s", s)
			}
			fmt.Fprintf(&b, "；累计死亡%s", n.people(dy.Current))
			if s := n.countChange(best(dy.Current), dy.YearAgo, "人"); s != "" {
				fmt.Fprintf(&b, "，比上年同期%s", s)
			}
			b.WriteString("。")
		}
	} else {
		fmt.Fprintf(&b, "In %s there were %s births and %s deaths", month, n.people(bm.Current), n.people(dm.Current))
		var parts []string
		if s := n.countChange(best(bm.Current), bm.YearAgo, ""); s != "" {
			parts = append(parts, "births "+s)
		}
		if s := n.countChange(best(dm.Current), dm.YearAgo, ""); s != "" {
			parts = append(parts, "deaths "+s)
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "; on the same month a year earlier, %s", strings.Join(parts, ", "))
		}
		b.WriteString(".")
		if okBY && okDY {
			fmt.Fprintf(&b, " In %s, births totalled %s", ytd, n.people(by.Current))
			if s := n.countChange(best(by.Current), by.YearAgo, ""); s != "" {
				fmt.Fprintf(&b, ", %s on the same period a year earlier,", s)
			}
			fmt.Fprintf(&b, " and deaths %s", n.people(dy.Current))
			if s := n.countChange(best(dy.Current), dy.YearAgo, ""); s != "" {
				fmt.Fprintf(&b, ", %s", s)
			}
			b.WriteString(".")
		}
	}
	cbr, ok1 := n.h(n.flow("cbr"))
	cdr, ok2 := n.h(n.flow("cdr"))
	rni, ok3 := n.h(n.flow("rni"))
	if ok1 && ok2 && ok3 {
		if n.zh() {
			fmt.Fprintf(&b, "%s出生率%s，死亡率%s，自然增长率%s", ytd, n.hv(cbr), n.hv(cdr), n.pv(rni.Current))
			if s := n.rateChange(rni.Current, rni.YearAgo); s != "" {
				fmt.Fprintf(&b, "，比上年同期%s", s)
			}
			b.WriteString("。")
		} else {
			fmt.Fprintf(&b, " The crude birth rate in %s was %s, the crude death rate %s and the rate of natural increase %s", ytd, n.hv(cbr), n.hv(cdr), n.pv(rni.Current))
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
			fmt.Fprintf(&b, "%s总和生育率为%s%s", span, n.hv(t), n.interval(t.Current))
			if s := n.rateChange(t.Current, t.YearAgo); s != "" {
				fmt.Fprintf(&b, "，比上年同期%s", s)
			}
			b.WriteString("。")
		} else {
			fmt.Fprintf(&b, "The total fertility rate over the %s was %s%s", span, n.hv(t), n.interval(t.Current))
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
	if s, ok := n.h(n.flow("srb")); ok {
		span := n.m.SpanLabel(n.r.FlowSpan(), n.lang)
		if n.zh() {
			fmt.Fprintf(&b, "%s出生人口性别比为%s%s，", span, n.pv(s.Current), n.interval(s.Current))
		} else {
			fmt.Fprintf(&b, " The sex ratio at birth in %s was %s%s", span, n.pv(s.Current), n.interval(s.Current))
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
	case !f.HasInterval():
		return n.pick("在正常范围（"+lo+"–"+hi+"）之外，但没有可用的区间，不能判定偏离。",
			": outside the normal range ("+lo+"–"+hi+"), but without a usable interval no departure can be asserted.")
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
	rows, level := n.r.Children, n.r.ChildLevel.Label(n.lang)
	if n.r.National() {
		// The provinces as the monitoring panel estimates them.
		rows, level = n.r.PanelDomains, n.pick("省份（监测县估计）", "province (panel estimates)")
	}
	if len(rows) < 2 {
		return ""
	}
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
		if f := r.Figures[n.flow("srb")]; f.HasInterval() && f.Lower > SRBRange[1] {
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
	upper, depth := 0, alertDepth(n.r, 2)
	for _, a := range n.r.Alerts {
		count[a.Level]++
		if l, err := models.LevelOfCode(a.Division); err == nil && l <= depth {
			upper++
		}
	}
	var parts []string
	for _, l := range AlertLevels {
		if count[l] > 0 {
			parts = append(parts, n.pick(fmt.Sprintf("%s%d条", LevelLabel(l, n.lang), count[l]), fmt.Sprintf("%d %s", count[l], l)))
		}
	}
	s := n.pick(
		fmt.Sprintf("本月共有预警%d条，其中%s。", len(n.r.Alerts), strings.Join(parts, "、")),
		fmt.Sprintf("There were %d alerts this month: %s.", len(n.r.Alerts), strings.Join(parts, ", ")))
	if upper < len(n.r.Alerts) {
		s += n.pick(fmt.Sprintf("其中%s级及以上单位%d条。", depth.Label(n.lang), upper),
			fmt.Sprintf(" %d of them concern units at the %s level or above.", upper, depth.Label(n.lang)))
	}
	return s
}

// narratedQuality are the quality measures the narrative names (the
// table gives them all).
var narratedQuality = map[string]bool{"quality_score": true, "quality_completeness": true, "quality_id_validity": true, "quality_duplicates": true, TimelinessIndicator: true}

func (n narrator) quality() string {
	q := n.r.Quality
	if q == nil {
		return ""
	}
	var parts []string
	for _, f := range append(append([]Figure(nil), q.Measures...), q.Timeliness) {
		if !narratedQuality[f.Indicator] {
			continue
		}
		if ind, ok := n.cat.Get(f.Indicator); ok && f.Valid() {
			parts = append(parts, ind.Label(n.lang)+n.pick("", " ")+n.v(f))
		}
	}
	var open float64
	known := false
	for _, f := range q.Worklists {
		if f.Valid() {
			open, known = open+f.Value, true
		}
	}
	if known {
		parts = append(parts, n.pick("待核查清单共"+formatInt(open)+"条", formatInt(open)+" open worklist items"))
	}
	if len(q.Load) > 0 {
		in, qu, fl := q.LoadTotals()
		parts = append(parts, n.pick(
			fmt.Sprintf("本期快照读入%s行，入库隔离%s行、标记%s行", formatInt(float64(in)), formatInt(float64(qu)), formatInt(float64(fl))),
			fmt.Sprintf("the snapshot's load read %s rows, quarantined %s and flagged %s", formatInt(float64(in)), formatInt(float64(qu)), formatInt(float64(fl)))))
	}
	if len(parts) == 0 {
		return ""
	}
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
