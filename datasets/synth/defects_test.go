package synth

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// within reports whether k successes out of n trials are within four
// binomial standard errors (plus one) of probability p.
func within(k, n int, p float64) bool {
	mu := float64(n) * p
	return math.Abs(float64(k)-mu) <= 4*math.Sqrt(mu*(1-p))+1
}

func TestDefectRatesWithinTolerance(t *testing.T) {
	s := smallSnapshot(t)
	d := DefaultDefects()
	kinds := map[string]int{}
	for _, k := range s.defects.str["kind"] {
		kinds[k]++
	}
	records := s.persons.n - kinds["duplicate"]
	var births, deaths int
	for _, c := range s.res.Truth.Counties {
		for _, y := range c.Realised.Years {
			births += y.Births
			deaths += y.Deaths
		}
	}
	cases := []struct {
		kind string
		n    int
		p    float64
	}{
		{"duplicate", records, d.Duplicate},
		{"invalid_id", records, d.InvalidID},
		{"missing_field", records, d.Missing},
		{"undead", deaths, d.Undead},
		{"unregistered_birth", births, d.UnregisteredBirth},
	}
	for _, c := range cases {
		if c.n == 0 || !within(kinds[c.kind], c.n, c.p) {
			t.Errorf("%s: %d of %d (%.4f), configured %.4f", c.kind, kinds[c.kind], c.n, float64(kinds[c.kind])/float64(c.n), c.p)
		}
	}
	// late registrations: among events old enough that a late one is registered by as-of
	asOf := dayOf(s.res.Manifest.AsOf.Time)
	date := map[string]int32{}
	old := 0
	for r := 0; r < s.events.n; r++ {
		date[s.events.str["event_id"][r]] = s.events.date["event_date"][r]
		if s.events.date["event_date"][r] <= asOf-400 {
			old++
		}
	}
	late := 0
	for r := 0; r < s.defects.n; r++ {
		if s.defects.str["kind"][r] == "late_registration" && date[s.defects.str["key"][r]] <= asOf-400 {
			late++
		}
	}
	if old < 1000 || !within(late, old, d.Late) {
		t.Errorf("late registrations: %d of %d old events, configured %.3f", late, old, d.Late)
	}
	heaping := 0
	for _, c := range s.res.Truth.Counties {
		if c.Heaping {
			heaping++
		}
	}
	if heaping != d.HeapingCounties || kinds["age_heaping"] == 0 {
		t.Errorf("age heaping in %d counties (%d records), configured %d counties", heaping, kinds["age_heaping"], d.HeapingCounties)
	}
	if kinds["unrecorded_person"] == 0 {
		t.Error("no resident missing from the FP database (漏管)")
	}
}

func TestNoDefectsWhenRatesAreZero(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Persons, cfg.Months = 5000, 12
	cfg.Defects = Defects{}
	s := generateSmall(t, cfg)
	if s.defects.n != 0 {
		t.Errorf("%d defects with all rates zero", s.defects.n)
	}
}

func TestSourcesCrossCheck(t *testing.T) {
	s := smallSnapshot(t)
	// every undead person has a death record unless the death record was omitted
	inDeaths := map[string]bool{}
	for _, id := range s.deaths.str["id_number"] {
		inDeaths[id] = true
	}
	id := map[string]string{}
	for r := 0; r < s.persons.n; r++ {
		id[s.persons.str["person_id"][r]] = s.persons.str["id_number"][r]
	}
	undead := s.defectKeys("undead", "")
	found := 0
	for pid := range undead {
		if inDeaths[id[pid]] {
			found++
		}
	}
	if len(undead) > 0 && float64(found) < 0.75*float64(len(undead)) {
		t.Errorf("only %d of %d undead persons appear in the death records", found, len(undead))
	}
	// birth certificates cover the recorded births and the unregistered ones
	var births int
	for _, c := range s.res.Truth.Counties {
		for _, y := range c.Realised.Years {
			births += y.Births
		}
	}
	if c := s.certs.n; c < births*9/10 || c > births {
		t.Errorf("%d birth certificates for %d births", c, births)
	}
	// an unregistered child is missing from persons; its certificate exists
	certs := map[string]bool{}
	for _, c := range s.certs.str["cert_no"] {
		certs[c] = true
	}
	ids := map[string]bool{}
	for _, v := range id {
		ids[v] = true
	}
	for r := 0; r < s.defects.n; r++ {
		if s.defects.str["kind"][r] != "unregistered_birth" {
			continue
		}
		var child, cert string
		detail := s.defects.str["detail"][r]
		if _, err := fmt.Sscanf(detail, "child %s", &child); err != nil || ids[child] {
			t.Errorf("unregistered birth %q: child in persons or unreadable (%v)", detail, err)
		}
		if i := strings.Index(detail, "birth certificate C"); i >= 0 {
			cert = detail[i+len("birth certificate "):]
			if !certs[cert] {
				t.Errorf("unregistered birth: certificate %s not in sources", cert)
			}
		}
	}
	// the police extract holds most persons registered in the scope
	if s.police.n < s.persons.n*7/10 {
		t.Errorf("police extract has %d rows for %d persons", s.police.n, s.persons.n)
	}
}
