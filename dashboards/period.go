package dashboards

import (
	"fmt"
	"strconv"
	"strings"
)

// Period is a calendar period: a month "2024-06", a quarter "2024-Q2" or a
// year "2024".
type Period string

// PeriodKind is the length of a period.
type PeriodKind int

// Period kinds.
const (
	Month PeriodKind = iota
	Quarter
	Year
)

// ParsePeriod validates s as a month, quarter or year.
func ParsePeriod(s string) (Period, error) {
	if _, _, _, err := splitPeriod(s); err != nil {
		return "", err
	}
	return Period(s), nil
}

// splitPeriod returns the year, the index within the year (month 1–12,
// quarter 1–4, 0 for a year) and the kind.
func splitPeriod(s string) (year, idx int, kind PeriodKind, err error) {
	bad := fmt.Errorf("period %q: want YYYY, YYYY-MM or YYYY-Qn", s)
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

// Shift returns the period n units (months, quarters or years) later.
func (p Period) Shift(n int) Period {
	y, i, k, err := splitPeriod(string(p))
	if err != nil {
		return p
	}
	switch k {
	case Month:
		m := y*12 + (i - 1) + n
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
	case Month:
		return p.Shift(-12)
	case Quarter:
		return p.Shift(-4)
	}
	return p.Shift(-1)
}
