package cube

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period types.
const (
	PeriodMonth   = "month"   // YYYY-MM
	PeriodQuarter = "quarter" // YYYY-Qn
	PeriodYear    = "year"    // YYYY
	PeriodR12     = "r12"     // R12-YYYY-MM: the 12 months ending with that month
)

// monthIndex numbers calendar months: year·12 + month − 1.
func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }

func monthStart(mi int) time.Time {
	return time.Date(mi/12, time.Month(mi%12+1), 1, 0, 0, 0, 0, time.UTC)
}

func monthLabel(mi int) string { return fmt.Sprintf("%04d-%02d", mi/12, mi%12+1) }

// periodRef maps one month to one period it belongs to; last is true when
// the month is the period's last (stocks are taken there).
type periodRef struct {
	month  int
	ptype  string
	period string
	last   bool
}

// periodMap returns, for the months first…last (month indices), every
// complete period they make up: each month, each quarter and year whose
// months all lie in the range, and each rolling 12 months ending in the
// range with 12 months of data.
func periodMap(first, last int) []periodRef {
	var out []periodRef
	for mi := first; mi <= last; mi++ {
		out = append(out, periodRef{mi, PeriodMonth, monthLabel(mi), true})
	}
	for q0 := first - first%3; q0 <= last; q0 += 3 {
		if q0 < first || q0+2 > last {
			continue
		}
		label := fmt.Sprintf("%04d-Q%d", q0/12, q0%12/3+1)
		for mi := q0; mi <= q0+2; mi++ {
			out = append(out, periodRef{mi, PeriodQuarter, label, mi == q0+2})
		}
	}
	for y0 := first - first%12; y0 <= last; y0 += 12 {
		if y0 < first || y0+11 > last {
			continue
		}
		label := strconv.Itoa(y0 / 12)
		for mi := y0; mi <= y0+11; mi++ {
			out = append(out, periodRef{mi, PeriodYear, label, mi == y0+11})
		}
	}
	for end := first + 11; end <= last; end++ {
		label := "R12-" + monthLabel(end)
		for mi := end - 11; mi <= end; mi++ {
			out = append(out, periodRef{mi, PeriodR12, label, mi == end})
		}
	}
	return out
}

// ParsePeriod returns the type of a period label and its canonical form:
// "2025" (year), "2025-03" (month), "2025-Q1" (quarter), "R12-2025-03"
// (rolling 12 months ending March 2025).
func ParsePeriod(s string) (ptype, label string, err error) {
	s = strings.TrimSpace(s)
	up := strings.ToUpper(s)
	switch {
	case strings.HasPrefix(up, "R12-"):
		t, err := time.Parse("2006-01", up[4:])
		if err != nil {
			return "", "", fmt.Errorf("period %q: want R12-YYYY-MM", s)
		}
		return PeriodR12, "R12-" + t.Format("2006-01"), nil
	case strings.Contains(up, "-Q"):
		y, q, ok := strings.Cut(up, "-Q")
		yy, err1 := strconv.Atoi(y)
		qq, err2 := strconv.Atoi(q)
		if !ok || err1 != nil || err2 != nil || len(y) != 4 || qq < 1 || qq > 4 {
			return "", "", fmt.Errorf("period %q: want YYYY-Qn with n 1–4", s)
		}
		return PeriodQuarter, fmt.Sprintf("%04d-Q%d", yy, qq), nil
	case len(up) == 4:
		if _, err := strconv.Atoi(up); err != nil {
			return "", "", fmt.Errorf("period %q: want YYYY", s)
		}
		return PeriodYear, up, nil
	default:
		t, err := time.Parse("2006-01", up)
		if err != nil {
			return "", "", fmt.Errorf("period %q: want YYYY, YYYY-MM, YYYY-Qn or R12-YYYY-MM", s)
		}
		return PeriodMonth, t.Format("2006-01"), nil
	}
}

// PeriodsSQL returns a statement creating the temporary table name (mi,
// ptype, period, last) that maps each month from first to last (mi =
// year·12 + month − 1) to every period of the cube it belongs to, as the
// cube aggregates them: for an engine package that aggregates events of
// its own into the cube's periods (engine/dse).
func PeriodsSQL(name string, first, last time.Time) string {
	return periodsSQL(name, monthIndex(first), monthIndex(last))
}
