package synth

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

var (
	smallOnce sync.Once
	smallSnap *snapshot
	smallErr  string
)

// smallSnapshot is the shared 30k-person, 24-month snapshot of Sichuan with
// the default defect rates.
func smallSnapshot(t *testing.T) *snapshot {
	t.Helper()
	smallOnce.Do(func() {
		cfg := DefaultConfig()
		cfg.Persons = 30000
		cfg.Months = 24
		dir, err := osMkdirTemp()
		if err != nil {
			smallErr = err.Error()
			return
		}
		cfg.Out = dir
		smallSnap = generateSmall(t, cfg)
	})
	if smallSnap == nil {
		t.Fatalf("small snapshot: %s", smallErr)
	}
	return smallSnap
}

// defectKeys returns the keys of the defects of a kind (and detail when
// not empty).
func (s *snapshot) defectKeys(kind, detail string) map[string]string {
	out := map[string]string{}
	d := s.defects
	for i := 0; i < d.n; i++ {
		if d.str["kind"][i] == kind && (detail == "" || d.str["detail"][i] == detail) {
			out[d.str["key"][i]] = d.str["related_key"][i]
		}
	}
	return out
}

func TestSchemaMatchesModels(t *testing.T) {
	s := smallSnapshot(t)
	for _, c := range []struct {
		tb *table
		m  models.Table
	}{
		{s.persons, models.PersonsTable}, {s.households, models.HouseholdsTable}, {s.events, models.EventsTable},
		{s.police, models.PoliceTable}, {s.certs, models.BirthCertificatesTable}, {s.deaths, models.DeathsTable},
		{s.roll, models.BenefitRollTable},
	} {
		fs := c.tb.schema.Fields()
		if len(fs) != len(c.m.Columns) {
			t.Fatalf("%s: %d columns, want %d", c.m.Name, len(fs), len(c.m.Columns))
		}
		for i, col := range c.m.Columns {
			want := map[models.ColumnType]string{models.TypeString: "utf8", models.TypeDate: "date32", models.TypeInt: "int32", models.TypeBool: "bool"}[col.Type]
			if fs[i].Name != col.Name || fs[i].Type.String() != want {
				t.Errorf("%s column %d: %s %s, want %s %s", c.m.Name, i, fs[i].Name, fs[i].Type, col.Name, want)
			}
		}
	}
}

func TestCodesAndPlacesValid(t *testing.T) {
	s := smallSnapshot(t)
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	lists := models.CodeTables()
	missing := map[string]string{} // person_id → column blanked on purpose
	for i := 0; i < s.defects.n; i++ {
		if s.defects.str["kind"][i] == "missing_field" {
			missing[s.defects.str["key"][i]] = s.defects.str["detail"][i]
		}
	}
	// A duplicate card copies its person's row, blanked field included
	// (not the ID number, which it carries or lacks on its own).
	for i := 0; i < s.defects.n; i++ {
		if s.defects.str["kind"][i] == "duplicate" {
			if col := missing[s.defects.str["related_key"][i]]; col != "" && col != "id_number" {
				missing[s.defects.str["key"][i]] = col
			}
		}
	}
	check := func(name string, tb *table, m models.Table, key string) {
		for _, col := range m.Columns {
			vals, isStr := tb.str[col.Name]
			for r := 0; r < tb.n; r++ {
				null := false
				switch {
				case isStr:
					null = vals[r] == ""
				case col.Type == models.TypeDate:
					null = tb.date[col.Name][r] == noDate
				}
				if null {
					if col.Required && missing[tb.str[key][r]] != col.Name {
						t.Fatalf("%s row %d (%s): required %s is empty", name, r, tb.str[key][r], col.Name)
					}
					continue
				}
				if !isStr {
					continue
				}
				v := vals[r]
				if col.CodeList != "" {
					ok := false
					for _, c := range lists[col.CodeList].Codes {
						if c == v {
							ok = true
							break
						}
					}
					if !ok {
						t.Fatalf("%s row %d: %s = %q is not in code list %s", name, r, col.Name, v, col.CodeList)
					}
				}
				if col.Division || strings.HasSuffix(col.Name, "_place") {
					d, ok := tree.Lookup(v)
					if len(v) != 12 || !ok || d.Level != models.LevelVillage {
						t.Fatalf("%s row %d: %s = %q is not a village of the division list", name, r, col.Name, v)
					}
				}
			}
		}
	}
	check("persons", s.persons, models.PersonsTable, "person_id")
	check("households", s.households, models.HouseholdsTable, "household_id")
	check("events", s.events, models.EventsTable, "event_id")
	check("police", s.police, models.PoliceTable, "record_id")
	check("birth_certificates", s.certs, models.BirthCertificatesTable, "cert_no")
	check("deaths", s.deaths, models.DeathsTable, "record_id")
}

func TestKeysAndIDNumbers(t *testing.T) { checkKeysAndIDs(t, smallSnapshot(t)) }

// checkKeysAndIDs: keys unique, ID numbers valid and consistent with the
// birth date and sex, and unique, except for the listed defects.
func checkKeysAndIDs(t *testing.T, s *snapshot) {
	p := s.persons
	invalid := s.defectKeys("invalid_id", "")
	heaped := s.defectKeys("age_heaping", "")
	for k, v := range s.defectKeys("attribute_conflict", "") { // nation mode: another birth date than the origin's
		heaped[k] = v
	}
	dups := s.defectKeys("duplicate", "")
	seenPID := map[string]bool{}
	owner := map[string]string{}
	for r := 0; r < p.n; r++ {
		pid, id := p.str["person_id"][r], p.str["id_number"][r]
		if !strings.HasPrefix(pid, "P") || seenPID[pid] {
			t.Fatalf("person_id %q malformed or repeated", pid)
		}
		seenPID[pid] = true
		if id == "" {
			continue
		}
		sex := models.Sex(p.str["sex"][r])
		birth := timeOf(p.date["birth_date"][r])
		err := models.CheckIDAgainst(id, birth, sex, timeOf(dayOf(s.res.Manifest.AsOf.Time)))
		_, isInvalid := invalid[pid]
		_, isHeaped := heaped[pid]
		switch {
		case isInvalid && err == nil:
			t.Errorf("%s: ID %s listed as invalid but valid", pid, id)
		case !isInvalid && !isHeaped && err != nil:
			t.Errorf("%s: ID %s: %v", pid, id, err)
		case isHeaped && !isInvalid && models.ProblemOf(err) != "id_birth_mismatch":
			t.Errorf("%s: heaped record, ID check gives %v", pid, err)
		}
		if orig, ok := owner[id]; ok {
			if dups[pid] != orig {
				t.Errorf("ID %s on %s and %s, which is not a listed duplicate", id, orig, pid)
			}
		} else {
			owner[id] = pid
		}
	}
	for dup, orig := range dups {
		if !seenPID[dup] || !seenPID[orig] {
			t.Errorf("duplicate %s of %s: a row is missing", dup, orig)
		}
	}
	for _, tb := range []*table{s.households, s.events} {
		key := tb.schema.Field(0).Name
		seen := map[string]bool{}
		for _, k := range tb.str[key] {
			if seen[k] {
				t.Fatalf("%s %s repeated", key, k)
			}
			seen[k] = true
		}
	}
}

func TestHouseholdsConsistent(t *testing.T) {
	s := smallSnapshot(t)
	p, h := s.persons, s.households
	dups := s.defectKeys("duplicate", "")
	row := map[string]int{}
	for r := 0; r < p.n; r++ {
		row[p.str["person_id"][r]] = r
	}
	hhs := map[string]bool{}
	for r := 0; r < h.n; r++ {
		id, head := h.str["household_id"][r], h.str["head_person_id"][r]
		hhs[id] = true
		pr, ok := row[head]
		if !ok {
			t.Fatalf("household %s: head %s not in persons", id, head)
		}
		if p.str["household_id"][pr] != id || p.str["relation"][pr] != "02" {
			t.Fatalf("household %s: head %s is in %s with relation %s", id, head, p.str["household_id"][pr], p.str["relation"][pr])
		}
	}
	aliveHeads := map[string]int{}
	sizes := map[string]int{}
	for r := 0; r < p.n; r++ {
		hid := p.str["household_id"][r]
		if !hhs[hid] {
			t.Fatalf("person %s: household %s not in households", p.str["person_id"][r], hid)
		}
		if _, dup := dups[p.str["person_id"][r]]; dup {
			continue
		}
		if p.str["vital_status"][r] == "1" {
			sizes[hid]++
			if p.str["relation"][r] == "02" {
				aliveHeads[hid]++
			}
		}
	}
	total := 0
	for hid, n := range sizes {
		total += n
		if aliveHeads[hid] > 1 {
			t.Errorf("household %s has %d living heads", hid, aliveHeads[hid])
		}
	}
	mean := float64(total) / float64(len(sizes))
	if mean < 2.0 || mean > 3.2 {
		t.Errorf("mean household size %.2f outside 2.0–3.2", mean)
	}
	t.Logf("households %d, mean size %.2f (living members)", len(sizes), mean)
}

func TestEventsConsistentWithStatuses(t *testing.T) { checkEvents(t, smallSnapshot(t)) }

// checkEvents: events in the period, recorded by as-of, in date order,
// consistent with the persons' statuses.
func checkEvents(t *testing.T, s *snapshot) {
	p, e := s.persons, s.events
	start, asOf := dayOf(s.res.Manifest.PeriodStart.Time), dayOf(s.res.Manifest.AsOf.Time)
	row := map[string]int{}
	for r := 0; r < p.n; r++ {
		row[p.str["person_id"][r]] = r
	}
	type hist struct {
		death, out, birth, lastIn int
		lastInTo                  string
	}
	hs := map[string]*hist{}
	scope := map[string]bool{}
	for _, c := range s.res.Truth.Counties {
		scope[c.Code] = true
	}
	prevDate := map[string]int32{}
	for r := 0; r < e.n; r++ {
		pid, typ := e.str["person_id"][r], e.str["event_type"][r]
		d, rec := e.date["event_date"][r], e.date["recorded_date"][r]
		if d < start || d > rec || rec > asOf {
			t.Fatalf("event %s: date %v recorded %v outside [%v, as-of %v]", e.str["event_id"][r], timeOf(d), timeOf(rec), timeOf(start), timeOf(asOf))
		}
		if d < prevDate[pid] {
			t.Fatalf("events of %s out of date order", pid)
		}
		prevDate[pid] = d
		pr, ok := row[pid]
		if !ok {
			t.Fatalf("event %s: person %s not in persons", e.str["event_id"][r], pid)
		}
		h := hs[pid]
		if h == nil {
			h = &hist{death: -1, out: -1, birth: -1, lastIn: -1}
			hs[pid] = h
		}
		if h.death >= 0 {
			t.Fatalf("event %s of %s after the death", typ, pid)
		}
		switch typ {
		case "death":
			h.death = r
		case "birth":
			h.birth = r
			if p.date["birth_date"][pr] != d {
				t.Fatalf("birth event of %s on %v, birth_date %v", pid, timeOf(d), timeOf(p.date["birth_date"][pr]))
			}
			if m := e.str["mother_person_id"][r]; m != p.str["mother_person_id"][pr] || e.num["birth_order"][r] < 1 {
				t.Fatalf("birth of %s: mother %q / %q, order %d", pid, m, p.str["mother_person_id"][pr], e.num["birth_order"][r])
			}
		case "out":
			if !scope[e.str["to_place"][r][:6]] {
				h.out = r
			}
		case "in":
			h.lastIn, h.lastInTo = r, e.str["to_place"][r]
			if h.out >= 0 {
				t.Fatalf("%s came in after leaving the scope", pid)
			}
		}
	}
	dups := s.defectKeys("duplicate", "")
	for r := 0; r < p.n; r++ {
		pid := p.str["person_id"][r]
		if _, dup := dups[pid]; dup {
			continue // a duplicate card has no events of its own
		}
		h := hs[pid]
		if h == nil {
			h = &hist{death: -1, out: -1, birth: -1, lastIn: -1}
		}
		st, sd := p.str["vital_status"][r], p.date["status_date"][r]
		switch st {
		case "2":
			if h.death < 0 || e.date["event_date"][h.death] != sd {
				t.Fatalf("%s: status dead on %v without a matching death event", pid, timeOf(sd))
			}
		case "3":
			if h.out < 0 || e.date["event_date"][h.out] != sd {
				t.Fatalf("%s: status moved out on %v without a matching out event", pid, timeOf(sd))
			}
		case "1":
			if h.death >= 0 || h.out >= 0 || sd != noDate {
				t.Fatalf("%s: alive but has a death/out event or a status date", pid)
			}
			// a marriage may move a person between villages of a county
			if h.lastIn >= 0 && p.str["res_place"][r][:6] != h.lastInTo[:6] {
				t.Fatalf("%s: lives in %s, last in-event to %s", pid, p.str["res_place"][r], h.lastInTo)
			}
		}
		if b := p.date["birth_date"][r]; b >= start && h.birth < 0 && h.lastIn < 0 {
			t.Fatalf("%s born %v in the period without a birth event", pid, timeOf(b))
		}
	}
}

func TestCountsMatchTruth(t *testing.T) {
	s := smallSnapshot(t)
	var want = map[string]int{}
	for _, c := range s.res.Truth.Counties {
		for _, y := range c.Realised.Years {
			want["birth"] += y.RecordedBirths
			want["death"] += y.RecordedDeaths
			want["marriage"] += y.RecordedMarriages
			want["divorce"] += 2 * y.RecordedDivorces
			want["contra"] += y.RecordedContra
		}
	}
	got := map[string]int{}
	spouses := 0
	for r := 0; r < s.events.n; r++ {
		typ := s.events.str["event_type"][r]
		if strings.HasPrefix(typ, "contra") {
			typ = "contra"
		}
		got[typ]++
		if typ == "marriage" && s.events.str["spouse_person_id"][r] != "" {
			spouses++
		}
	}
	got["marriage"] -= spouses / 2 // a couple inside the scope writes two events
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s events: %d in the snapshot, truth says %d recorded", k, got[k], v)
		}
	}
	kinds := map[string]int{}
	for _, k := range s.defects.str["kind"] {
		kinds[k]++
	}
	for k, v := range s.res.Truth.DefectCounts {
		if kinds[k] != v {
			t.Errorf("defects %s: %d rows, truth.json says %d", k, kinds[k], v)
		}
	}
	for _, f := range s.res.Manifest.Files {
		var n int
		switch f.Table {
		case models.TablePersons:
			n = s.persons.n
		case models.TableEvents:
			n = s.events.n
		case models.TableHouseholds:
			n = s.households.n
		case models.TablePolice:
			n = s.police.n
		case models.TableBirthCertificates:
			n = s.certs.n
		case models.TableDeaths:
			n = s.deaths.n
		case models.TableBenefitRoll:
			n = s.roll.n
		}
		if int64(n) != f.Rows {
			t.Errorf("%s: %d rows, manifest says %d", f.Table, n, f.Rows)
		}
	}
}

func TestPersonFieldsConsistent(t *testing.T) {
	s := smallSnapshot(t)
	p := s.persons
	asOf := dayOf(s.res.Manifest.AsOf.Time)
	missing := s.defectKeys("missing_field", "")
	heaped := s.defectKeys("age_heaping", "")
	for r := 0; r < p.n; r++ {
		pid := p.str["person_id"][r]
		if _, ok := heaped[pid]; ok {
			continue
		}
		age := ageAt2(p.date["birth_date"][r], asOf)
		sex, marital, contra := p.str["sex"][r], p.str["marital_status"][r], p.str["contraception"][r]
		born, living := p.num["children_born"][r], p.num["children_living"][r]
		_, blank := missing[pid]
		if !blank && (marital == "") != (age < 15) {
			t.Fatalf("%s aged %d: marital status %q", pid, age, marital)
		}
		married := marital == "20" || marital == "21" || marital == "22" || marital == "23" || (blank && marital == "")
		if contra != "" && (sex != "2" || !married || age < 15) {
			t.Fatalf("%s (sex %s, %d, marital %s) has contraception %s", pid, sex, age, marital, contra)
		}
		if (contra == "02" || contra == "01") && born < 1 {
			t.Fatalf("%s sterilised without children", pid)
		}
		if sex == "1" && (born >= 0 || living >= 0) {
			t.Fatalf("%s: a man with children_born %d", pid, born)
		}
		if living > born {
			t.Fatalf("%s: %d children living of %d born", pid, living, born)
		}
		if p.date["registered_date"][r] > p.date["updated_date"][r] || p.date["updated_date"][r] > asOf {
			t.Fatalf("%s: registered %v, updated %v", pid, timeOf(p.date["registered_date"][r]), timeOf(p.date["updated_date"][r]))
		}
	}
}

// TestEventualCounts checks truth/eventual_counts.csv: its registered
// column is the events table counted by county of the place, type and
// month; the eventual column is never below it and exceeds it in the last
// month (registrations after as-of), not in months older than the longest
// lag.
func TestEventualCounts(t *testing.T) {
	s := smallSnapshot(t)
	recs, err := ReadEventual(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for r := 0; r < s.events.n; r++ {
		typ := s.events.str["event_type"][r]
		if typ == "birth" || typ == "death" || typ == "in" || typ == "out" {
			got[s.events.str["place"][r][:6]+" "+typ+" "+timeOf(s.events.date["event_date"][r]).Format("2006-01")]++
		}
	}
	last := s.res.Manifest.AsOf.Format("2006-01")
	old := s.res.Manifest.AsOf.AddDate(0, -15, 0).Format("2006-01")
	missing := map[string]int{}
	for i, c := range recs {
		key := c.County + " " + c.EventType + " " + c.Month
		if c.Registered != got[key] || c.Eventual < c.Registered {
			t.Errorf("row %d (%s): registered %d eventual %d, events table has %d", i+2, key, c.Registered, c.Eventual, got[key])
		}
		delete(got, key)
		if c.Month == last || c.Month <= old {
			missing[c.EventType+" "+strconv.FormatBool(c.Month == last)] += c.Eventual - c.Registered
		}
	}
	if len(got) > 0 {
		t.Errorf("%d county-type-months of the events table missing from %s", len(got), EventualFile)
	}
	for _, typ := range []string{"birth", "death", "out"} {
		if missing[typ+" true"] == 0 || missing[typ+" false"] != 0 {
			t.Errorf("%s: %d events of the last month and %d of months older than 15 registered after as-of", typ, missing[typ+" true"], missing[typ+" false"])
		}
	}
}
