package alerts

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/padis/padis/engine/cube"
)

// Explanation placeholders, replaced in a rule's zh and en templates:
//
//	{unit}          the unit's full name (models.DivisionTree.FullName)
//	{period}        the period ("2025年", "2025年3月" / "2025", "March 2025")
//	{indicator}     the indicator or measure name in the language
//	{value}         the value; {lower} {upper} its 95 % interval
//	{threshold}     the threshold passed; {colour} its colour name
//	{direction}     高于/低于, above/below
//	{expected}      aberrations: the expected count; {bound} the bound
//	                crossed, {bound_label} 上限/下限, upper/lower bound,
//	                {deviation} |observed/expected − 1| in %, {change}
//	                高于预期/低于预期, above/below expectation, {p} the
//	                p-value with its sign ("=0.0123", "<0.0001"; in
//	                English with a space after the sign)
//	{base} {projected} {base_year} {target_year} {change_signed}
//	                projections: the base and projected amounts and years
//	                and the signed change in %
//
// Numbers are printed with the rule's decimals (default 1), thresholds
// as short as they are written in the rule.

// colourZH are the colours' Chinese names.
var colourZH = map[string]string{Blue: "蓝色", Yellow: "黄色", Orange: "橙色", Red: "红色"}

// fields are the values substituted into a template, per language.
type fields struct {
	zh, en map[string]string
}

func newFields() fields { return fields{zh: map[string]string{}, en: map[string]string{}} }

// set sets the same text in both languages.
func (f fields) set(k, v string) { f.zh[k], f.en[k] = v, v }

// set2 sets the Chinese and English texts.
func (f fields) set2(k, zh, en string) { f.zh[k], f.en[k] = zh, en }

// render substitutes the placeholders of tmpl.
func render(tmpl string, m map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		key := tmpl[i+1 : i+j]
		if v, ok := m[key]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
}

// num formats v with dec decimals ("–" when undefined).
func num(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if dec <= 0 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

// short formats a threshold as written (110, 1.5, −3).
func short(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// pvalue formats a p-value with its relation sign and three significant
// digits: "=0.0123", "<0.0001" (sep is put after the sign).
func pvalue(p float64, sep string) string {
	switch {
	case math.IsNaN(p):
		return "=" + sep + "–"
	case p < 0.0001:
		return "<" + sep + "0.0001"
	}
	return "=" + sep + strconv.FormatFloat(p, 'g', 3, 64)
}

var monthEN = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// periodText returns the period in Chinese and English.
func periodText(ptype, period string) (zh, en string) {
	switch ptype {
	case cube.PeriodYear:
		return period + "年", period
	case cube.PeriodMonth:
		y, m, ok := strings.Cut(period, "-")
		mm, err := strconv.Atoi(m)
		if !ok || err != nil || mm < 1 || mm > 12 {
			return period, period
		}
		return fmt.Sprintf("%s年%d月", y, mm), monthEN[mm-1] + " " + y
	case cube.PeriodQuarter:
		y, q, _ := strings.Cut(period, "-Q")
		return fmt.Sprintf("%s年第%s季度", y, q), y + " Q" + q
	case cube.PeriodR12:
		zh, en := periodText(cube.PeriodMonth, strings.TrimPrefix(period, "R12-"))
		return "截至" + zh + "的12个月", "the 12 months to " + en
	}
	return period, period
}

// direction returns 高于/低于 and above/below for a condition.
func direction(cond string) (zh, en string) {
	if cond == Below {
		return "低于", "below"
	}
	return "高于", "above"
}

// explain fills a's explanations from rule r's templates and f.
func explain(r *Rule, a *Alert, unitName string, f fields) {
	pz, pe := periodText(a.PeriodType, a.Period)
	dz, de := direction(a.Condition)
	f.set("unit", unitName)
	f.set2("period", pz, pe)
	f.set2("direction", dz, de)
	f.set2("colour", colourZH[a.Colour], a.Colour)
	f.set("threshold", short(a.Threshold))
	dec := r.decimals()
	if _, ok := f.zh["value"]; !ok {
		f.set("value", num(a.Value, dec))
	}
	f.set("lower", num(a.Lower, dec))
	f.set("upper", num(a.Upper, dec))
	a.ExplanationZH = render(r.ZH, f.zh)
	a.ExplanationEN = render(r.EN, f.en)
}
