package synth

import (
	"math"
	"testing"
)

// TestBasePopulationStructure checks the persons alive at the period start
// against the province's census shares (the county-kind reshaping moves
// them by a point or two) and a plausible marital and education profile.
func TestBasePopulationStructure(t *testing.T) {
	s := smallSnapshot(t)
	p := s.persons
	start := dayOf(s.res.Manifest.PeriodStart.Time)
	in := map[string]bool{}
	for r := 0; r < s.events.n; r++ {
		if s.events.str["event_type"][r] == "in" {
			in[s.events.str["person_id"][r]] = true
		}
	}
	dups := s.defectKeys("duplicate", "")
	var n, young, old, men float64
	var married25, women25, college, adults float64
	for r := 0; r < p.n; r++ {
		pid := p.str["person_id"][r]
		if _, dup := dups[pid]; dup || in[pid] || p.date["birth_date"][r] >= start {
			continue
		}
		a := ageAt2(p.date["birth_date"][r], start)
		n++
		switch {
		case a < 15:
			young++
		case a >= 65:
			old++
		}
		if p.str["sex"][r] == "1" {
			men++
		}
		if p.str["sex"][r] == "2" && a >= 30 && a < 35 {
			women25++
			if m := p.str["marital_status"][r]; m == "21" || m == "22" || m == "20" || m == "23" {
				married25++
			}
		}
		if a >= 25 && a < 35 {
			adults++
			if e := p.str["education"][r]; e == "10" || e == "20" || e == "30" {
				college++
			}
		}
	}
	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"share 0–14", young / n, 0.13, 0.19},
		{"share 65+", old / n, 0.15, 0.21},
		{"sex ratio", 100 * men / (n - men), 98, 108},
		{"married women 30–34", married25 / women25, 0.7, 0.95},
		{"college or more at 25–34", college / adults, 0.2, 0.6},
	}
	for _, c := range checks {
		t.Logf("%s = %.3f", c.name, c.got)
		if math.IsNaN(c.got) || c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.3f, want %.2f–%.2f", c.name, c.got, c.lo, c.hi)
		}
	}
}

// ageAt2 returns the completed age on day d of someone born on day b.
func ageAt2(b, d int32) int {
	y, m, dd := civilFromDays(b)
	return ageAt(y, m, dd, d)
}
