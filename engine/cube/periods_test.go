package cube

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in, ptype, label string
		bad              bool
	}{
		{"2025", PeriodYear, "2025", false},
		{"2025-03", PeriodMonth, "2025-03", false},
		{"2025-q2", PeriodQuarter, "2025-Q2", false},
		{"R12-2025-03", PeriodR12, "R12-2025-03", false},
		{"r12-2025-03", PeriodR12, "R12-2025-03", false},
		{"2025-Q5", "", "", true},
		{"2025-13", "", "", true},
		{"25", "", "", true},
		{"R12-2025", "", "", true},
	}
	for _, tt := range tests {
		p, l, err := ParsePeriod(tt.in)
		if (err != nil) != tt.bad || p != tt.ptype || l != tt.label {
			t.Errorf("ParsePeriod(%q) = %q, %q, %v", tt.in, p, l, err)
		}
	}
}

func TestPeriodMap(t *testing.T) {
	count := func(first, last time.Time) map[string]int {
		n := map[string]int{}
		seen := map[string]bool{}
		for _, p := range periodMap(monthIndex(first), monthIndex(last)) {
			if !seen[p.ptype+p.period] {
				seen[p.ptype+p.period] = true
				n[p.ptype]++
			}
		}
		return n
	}
	d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	n := count(d("2023-01-01"), d("2025-12-31"))
	if n[PeriodMonth] != 36 || n[PeriodQuarter] != 12 || n[PeriodYear] != 3 || n[PeriodR12] != 25 {
		t.Errorf("36 months: %v", n)
	}
	// From February: the first quarter and year are incomplete and left out.
	n = count(d("2023-02-01"), d("2024-12-31"))
	if n[PeriodMonth] != 23 || n[PeriodQuarter] != 7 || n[PeriodYear] != 1 || n[PeriodR12] != 12 {
		t.Errorf("23 months: %v", n)
	}
	for _, p := range periodMap(monthIndex(d("2024-01-01")), monthIndex(d("2024-12-31"))) {
		if p.ptype == PeriodQuarter && p.period == "2024-Q2" && p.last != (p.month == monthIndex(d("2024-06-01"))) {
			t.Errorf("Q2: month %d last=%v", p.month, p.last)
		}
	}
}
