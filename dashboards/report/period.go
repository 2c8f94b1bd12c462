package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/padis/padis/models"
)

// Month is a calendar month.
type Month struct {
	Year  int
	Month int // 1…12
}

// ParseMonth parses "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{t.Year(), int(t.Month())}, nil
}

// String returns "YYYY-MM", the month's period label.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// Add returns the month n months later (earlier for n < 0).
func (m Month) Add(n int) Month {
	i := m.Year*12 + m.Month - 1 + n
	return Month{i / 12, i%12 + 1}
}

// YTD returns the label of the year-to-date period ending with m,
// "YTD-YYYY-MM" (January to m).
func (m Month) YTD() string { return "YTD-" + m.String() }

// R12 returns the label of the 12 months ending with m, "R12-YYYY-MM".
func (m Month) R12() string { return "R12-" + m.String() }

// Period returns the period label of span ending with m.
func (m Month) Period(s Span) string {
	switch s {
	case SpanYTD:
		return m.YTD()
	case SpanR12:
		return m.R12()
	default:
		return m.String()
	}
}

// Label returns the month for people: "2025年10月" or "October 2025".
func (m Month) Label(lang models.Lang) string {
	if lang == models.EN {
		return time.Month(m.Month).String() + " " + strconv.Itoa(m.Year)
	}
	return fmt.Sprintf("%d年%d月", m.Year, m.Month)
}

// SpanLabel names the span ending with m: "10月", "1–10月", "近12个月"
// or "October", "January–October", "12 months to October".
func (m Month) SpanLabel(s Span, lang models.Lang) string {
	name := time.Month(m.Month).String()
	switch {
	case s == SpanYTD && lang == models.EN:
		if m.Month == 1 {
			return "January"
		}
		return "January–" + name
	case s == SpanYTD:
		if m.Month == 1 {
			return "1月"
		}
		return fmt.Sprintf("1–%d月", m.Month)
	case s == SpanR12 && lang == models.EN:
		return "12 months to " + name
	case s == SpanR12:
		return fmt.Sprintf("截至%d月的近12个月", m.Month)
	case lang == models.EN:
		return name
	default:
		return fmt.Sprintf("%d月", m.Month)
	}
}
