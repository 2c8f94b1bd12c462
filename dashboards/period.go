package dashboards

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/padis/padis/models"
)

// Period is a calendar period: a month "2024-06", a quarter "2024-Q2", a
// year "2024" or the rolling 12 months ending with a month "R12-2024-06"
// (the period kinds of engine/cube).
type Period string

// PeriodKind is the length of a period.
type PeriodKind int

// Period kinds.
const (
	Month PeriodKind = iota
	Quarter
	Year
	R12 // rolling 12 months
)

// ParsePeriod validates s as a month, quarter, year or rolling 12 months.
func ParsePeriod(s string) (Period, error) {
	if _, _, _, err := splitPeriod(s); err != nil {
		return "", err
	}
	return Period(s), nil
}

// splitPeriod returns the year, the index within the year (month 1–12,
// quarter 1–4, 0 for a year) and the kind.
func splitPeriod(s string) (year, idx int, kind PeriodKind, err error) {
	bad := fmt.Errorf("period %q: want YYYY, YYYY-MM, YYYY-Qn or R12-YYYY-MM", s)
	if m, ok := strings.CutPrefix(s, "R12-"); ok {
		year, idx, kind, err = splitPeriod(m)
		if err != nil || kind != Month {
			return 0, 0, 0, bad
		}
		return year, idx, R12, nil
	}
	if len(s) < 4 {
		return 0, 0, 0, bad
	}
	year, err = strconv.Atoi(s[:4])
	if err != nil || year < 1900 || year > 2200 {
		return 0, 0, 0, bad
	}
	rest := s[4:]
	switch {
	case rest == "":
		return year, 0, Year, nil
	case strings.HasPrefix(rest, "-Q") && len(rest) == 3:
		q := int(rest[2] - '0')
		if q < 1 || q > 4 {
			return 0, 0, 0, bad
		}
		return year, q, Quarter, nil
	case len(rest) == 3 && rest[0] == '-':
		m, err := strconv.Atoi(rest[1:])
		if err != nil || m < 1 || m > 12 {
			return 0, 0, 0, bad
		}
		return year, m, Month, nil
	}
	return 0, 0, 0, bad
}

// Kind returns the period's kind; an invalid period is reported as Month.
func (p Period) Kind() PeriodKind {
	_, _, k, _ := splitPeriod(string(p))
	return k
}

// Shift returns the period n units (months, quarters or years; months for
// rolling 12 months) later.
func (p Period) Shift(n int) Period {
	y, i, k, err := splitPeriod(string(p))
	if err != nil {
		return p
	}
	switch k {
	case Month, R12:
		m := y*12 + (i - 1) + n
		if k == R12 {
			return Period(fmt.Sprintf("R12-%04d-%02d", m/12, m%12+1))
		}
		return Period(fmt.Sprintf("%04d-%02d", m/12, m%12+1))
	case Quarter:
		q := y*4 + (i - 1) + n
		return Period(fmt.Sprintf("%04d-Q%d", q/4, q%4+1))
	}
	return Period(fmt.Sprintf("%04d", y+n))
}

// YearAgo returns the same period one year earlier.
func (p Period) YearAgo() Period {
	switch p.Kind() {
	case Month, R12:
		return p.Shift(-12)
	case Quarter:
		return p.Shift(-4)
	}
	return p.Shift(-1)
}

// Months returns the months of the period, oldest first (nil for an
// invalid period).
func (p Period) Months() []Period {
	y, i, k, err := splitPeriod(string(p))
	if err != nil {
		return nil
	}
	var first, n int
	switch k {
	case Month:
		return []Period{p}
	case Quarter:
		first, n = y*12+(i-1)*3, 3
	case Year:
		first, n = y*12, 12
	case R12:
		first, n = y*12+i-12, 12
	}
	out := make([]Period, n)
	for j := range out {
		m := first + j
		out[j] = Period(fmt.Sprintf("%04d-%02d", m/12, m%12+1))
	}
	return out
}

// LastMonth returns the period's last month.
func (p Period) LastMonth() Period {
	ms := p.Months()
	if len(ms) == 0 {
		return p
	}
	return ms[len(ms)-1]
}

// EngineType returns the period type engine/cube names the kind with:
// month, quarter, year or r12.
func (k PeriodKind) EngineType() string {
	return [...]string{"month", "quarter", "year", "r12"}[k]
}

// DefaultPeriod is the period pages open on when the URL names none,
// given the latest complete month: the year when that month is December,
// else the rolling 12 months ending with it, so that rates and ratios rest
// on a year of events rather than on one month's handful (monthly values
// stay available from the period picker).
func DefaultPeriod(latest Period) Period {
	y, m, k, err := splitPeriod(string(latest))
	if err != nil || k != Month {
		return latest
	}
	if m == 12 {
		return Period(fmt.Sprintf("%04d", y))
	}
	return "R12-" + latest
}

// Label returns the period as people write it in lang: 2025年12月,
// 2025年第4季度, 2025年, 截至2025年12月的12个月 (Dec 2025, 2025 Q4, 2025,
// 12 months to Dec 2025).
func (p Period) Label(l models.Lang) string {
	y, i, k, err := splitPeriod(string(p))
	if err != nil {
		return string(p)
	}
	month := func() string {
		if l == models.EN {
			return time.Month(i).String()[:3] + " " + strconv.Itoa(y)
		}
		return fmt.Sprintf("%d年%d月", y, i)
	}
	switch k {
	case Month:
		return month()
	case Quarter:
		return fmt.Sprintf(msg(l, "period.quarterFmt"), y, i)
	case Year:
		return fmt.Sprintf(msg(l, "period.yearFmt"), y)
	}
	return fmt.Sprintf(msg(l, "period.r12Fmt"), month())
}
