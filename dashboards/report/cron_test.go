package report

import (
	"strings"
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct{ expr, from, want string }{
		{DefaultSchedule, "2025-11-01 10:00", "2025-11-03 02:00"},
		{DefaultSchedule, "2025-11-03 02:00", "2025-12-03 02:00"},
		{DefaultSchedule, "2025-12-03 02:01", "2026-01-03 02:00"},
		{"*/15 * * * *", "2025-01-01 00:07", "2025-01-01 00:15"},
		{"30 8 * * 1-5", "2025-11-22 09:00", "2025-11-24 08:30"}, // Saturday → Monday
		{"0 0 1 * 0", "2025-11-02 12:00", "2025-11-09 00:00"},    // the 1st or a Sunday
		{"0 0 29 2 *", "2025-03-01 00:00", "2028-02-29 00:00"},
		{"5,10 1 * 1,7 *", "2025-01-31 01:07", "2025-01-31 01:10"},
		{"0 12 * * 7", "2025-11-23 12:00", "2025-11-30 12:00"}, // 7 is Sunday
	} {
		s, err := ParseSchedule(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got := s.Next(at(tc.from)); !got.Equal(at(tc.want)) {
			t.Errorf("%q after %s = %s, want %s", tc.expr, tc.from, got.Format("2006-01-02 15:04 Mon"), tc.want)
		}
	}
	s, _ := ParseSchedule("0 0 31 2 *")
	if got := s.Next(at("2025-01-01 00:00")); !got.IsZero() {
		t.Errorf("impossible schedule fired at %v", got)
	}
}

func TestParseScheduleErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"0 2 3 *", "want 5 fields"},
		{"60 2 3 * *", "minute field \"60\""},
		{"0 24 * * *", "hour field"},
		{"0 2 0 * *", "day-of-month field"},
		{"0 2 3 13 *", "month field"},
		{"0 2 3 * 8", "day-of-week field"},
		{"*/0 * * * *", "bad step"},
		{"5-1 * * * *", "bad range"},
		{"a * * * *", "bad value"},
	} {
		_, err := ParseSchedule(tc.expr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseSchedule(%q) error %v, want one containing %q", tc.expr, err, tc.want)
		}
	}
}
