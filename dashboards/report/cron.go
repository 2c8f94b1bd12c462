package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultSchedule is when the monthly reports are generated: 02:00 on the
// 3rd of every month, for the month before.
const DefaultSchedule = "0 2 3 * *"

// Schedule is a parsed cron expression: minute hour day-of-month month
// day-of-week, each a "*", a number, a range "a-b", a step "*/n" or
// "a-b/n", or a comma-separated list of those. Day of week is 0–6 (Sunday
// 0, 7 also Sunday). As in Vixie cron, when both day fields are
// restricted a day matches if either does.
type Schedule struct {
	expr                     string
	minute, hour, dom, month uint64 // bit sets
	dow                      uint64
	domStar, dowStar         bool
}

// ParseSchedule parses a five-field cron expression.
func ParseSchedule(expr string) (*Schedule, error) {
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return nil, fmt.Errorf("schedule %q: want 5 fields (minute hour day-of-month month day-of-week), got %d", expr, len(fields))
	}
	s := &Schedule{expr: expr}
	specs := []struct {
		name     string
		min, max int
		dst      *uint64
	}{
		{"minute", 0, 59, &s.minute}, {"hour", 0, 23, &s.hour}, {"day-of-month", 1, 31, &s.dom},
		{"month", 1, 12, &s.month}, {"day-of-week", 0, 7, &s.dow},
	}
	for i, sp := range specs {
		bits, err := parseField(fields[i], sp.min, sp.max)
		if err != nil {
			return nil, fmt.Errorf("schedule %q: %s field %q: %w", expr, sp.name, fields[i], err)
		}
		*sp.dst = bits
	}
	if s.dow&(1<<7) != 0 {
		s.dow |= 1
	}
	s.domStar = fields[2] == "*"
	s.dowStar = fields[4] == "*"
	return s, nil
}

// String returns the expression as given.
func (s *Schedule) String() string { return s.expr }

func parseField(f string, min, max int) (uint64, error) {
	var bits uint64
	for _, part := range strings.Split(f, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n <= 0 {
				return 0, fmt.Errorf("bad step %q", stepStr)
			}
			step = n
		}
		lo, hi := min, max
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err1, err2 error
			lo, err1 = strconv.Atoi(a)
			hi, err2 = strconv.Atoi(b)
			if err1 != nil || err2 != nil || lo > hi {
				return 0, fmt.Errorf("bad range %q", rng)
			}
		default:
			n, err := strconv.Atoi(rng)
			if err != nil {
				return 0, fmt.Errorf("bad value %q", rng)
			}
			lo, hi = n, n
			if hasStep {
				hi = max
			}
		}
		if lo < min || hi > max {
			return 0, fmt.Errorf("%q out of range %d–%d", rng, min, max)
		}
		for v := lo; v <= hi; v += step {
			bits |= 1 << uint(v)
		}
	}
	return bits, nil
}

// matchDay reports whether the day of t matches the day fields.
func (s *Schedule) matchDay(t time.Time) bool {
	dom := s.dom&(1<<uint(t.Day())) != 0
	dow := s.dow&(1<<uint(t.Weekday())) != 0
	switch {
	case s.domStar && s.dowStar:
		return true
	case s.domStar:
		return dow
	case s.dowStar:
		return dom
	}
	return dom || dow
}

// Next returns the first time strictly after t (to the minute, in t's
// location) that the schedule matches, or the zero time if none within
// five years (e.g. "0 0 31 2 *").
func (s *Schedule) Next(t time.Time) time.Time {
	t = t.Truncate(time.Minute).Add(time.Minute)
	end := t.AddDate(5, 0, 0)
	for t.Before(end) {
		if s.month&(1<<uint(t.Month())) == 0 {
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, t.Location())
			continue
		}
		if !s.matchDay(t) {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, t.Location())
			continue
		}
		if s.hour&(1<<uint(t.Hour())) == 0 {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, t.Location())
			continue
		}
		if s.minute&(1<<uint(t.Minute())) == 0 {
			t = t.Add(time.Minute)
			continue
		}
		return t
	}
	return time.Time{}
}
