package quality_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/quality"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// generated is a small synthetic snapshot with the default defects (and
// more of them), loaded and measured once for the tests below.
type generated struct {
	st      *store.Store
	ver     int64
	dir     string
	heaped  map[string]bool // counties with age heaping (truth.json)
	res     *quality.Result
	persons string // the version's persons table
	quar    string // its quarantine
}

func generate(t *testing.T) *generated {
	t.Helper()
	if testing.Short() {
		t.Skip("generates and loads a snapshot")
	}
	cfg := synth.DefaultConfig()
	cfg.Counties = []string{"510104", "510524", "510107"}
	cfg.Persons, cfg.Months, cfg.Workers = 30000, 24, 2
	cfg.AsOf = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	cfg.NoSources = true
	cfg.Defects.InvalidID, cfg.Defects.Missing, cfg.Defects.Duplicate = 0.01, 0.05, 0.01
	cfg.Defects.HeapingCounties, cfg.Defects.HeapingShare = 1, 0.15
	cfg.Out = t.TempDir()
	if _, err := synth.Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	st := cubetest.OpenStore(t)
	rep, err := load.Load(context.Background(), st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	g := &generated{st: st, ver: rep.Version.ID, dir: cfg.Out, heaped: map[string]bool{},
		persons: st.Table(rep.Version.ID, models.TablePersons), quar: st.Table(rep.Version.ID, store.QuarantineTable)}
	b, err := os.ReadFile(filepath.Join(cfg.Out, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Counties []struct {
			Code    string `json:"code"`
			Heaping bool   `json:"age_heaping"`
		} `json:"counties"`
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	for _, c := range truth.Counties {
		if c.Heaping {
			g.heaped[c.Code] = true
		}
	}
	g.res, err = quality.Run(context.Background(), st, g.ver, quality.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("quality run: %d units, %d records, %s; steps %v", g.res.Units, g.res.Records, g.res.Duration, g.res.Steps)
	return g
}

// count runs a counting query.
func (g *generated) count(t *testing.T, q string) float64 {
	t.Helper()
	var n float64
	if err := g.st.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return n
}

// TestGeneratedDefects checks that the measures recover the injected
// defects of truth/defects exactly: per field the records missing it, the
// invalid ID numbers, the ID/birth-date mismatches of heaped ages, the
// registrations later than 90 days; and that Whipple singles out the
// heaped county.
func TestGeneratedDefects(t *testing.T) {
	g := generate(t)
	ctx := context.Background()
	if g.res.Unplaced != 0 {
		t.Errorf("unplaced %d, want 0 (every generated residence is a real village)", g.res.Unplaced)
	}
	ms, err := quality.Read(ctx, g.st, g.ver, []string{"51"})
	if err != nil || len(ms) != 1 {
		t.Fatalf("read: %v", err)
	}
	m := ms[0]
	defects := fmt.Sprintf("read_parquet('%s')", filepath.Join(g.dir, "truth", "defects.parquet"))
	// Every person row with its birth date: accepted, or quarantined (raw).
	all := fmt.Sprintf(`(SELECT person_id, birth_date FROM %s UNION ALL
		SELECT raw->>'person_id', TRY_CAST(raw->>'birth_date' AS DATE) FROM %s WHERE tbl = 'persons' AND action = 'quarantined')`, g.persons, g.quar)
	// The records that lack field f: each person given a missing_field
	// defect, and its duplicate cards (copied after the field was emptied;
	// a duplicate gets the true ID number back).
	missing := func(field string, minAge int) float64 {
		return g.count(t, fmt.Sprintf(`WITH miss AS (SELECT key FROM %[1]s WHERE kind = 'missing_field' AND detail = '%[2]s'),
			aff AS (SELECT key AS pid FROM miss UNION ALL
				SELECT d.key FROM %[1]s d JOIN miss ON d.related_key = miss.key WHERE d.kind = 'duplicate' AND '%[2]s' <> 'id_number')
			SELECT count(*) FROM aff JOIN %[3]s p ON p.person_id = aff.pid
			WHERE %[4]d = 0 OR date_diff('year', p.birth_date, DATE '2025-06-30') - CASE WHEN strftime(p.birth_date, '%%m%%d') > '0630' THEN 1 ELSE 0 END >= %[4]d`,
			defects, field, all, minAge))
	}
	// ID numbers corrupted on rows that reach the ID check (not emptied,
	// no required field emptied before it).
	invalid := g.count(t, fmt.Sprintf(`SELECT count(*) FROM %[1]s d WHERE kind = 'invalid_id' AND key NOT IN
		(SELECT key FROM %[1]s WHERE kind = 'missing_field' AND detail IN ('id_number', 'ethnicity', 'reg_type'))`, defects))
	noID := g.count(t, fmt.Sprintf(`SELECT count(*) FROM %s WHERE kind = 'duplicate' AND detail = 'no ID number'`, defects))
	if invalid == 0 || noID == 0 {
		t.Fatalf("the generated snapshot has %v invalid IDs and %v duplicates without ID; the test needs both", invalid, noID)
	}
	byField := map[string]quality.Proportion{}
	for _, f := range m.Fields {
		byField[f.Name] = f.Proportion
	}
	for _, c := range []struct {
		field string
		want  float64
	}{
		{"education", missing("education", 15)},
		{"marital_status", missing("marital_status", 15)},
		{"ethnicity", missing("ethnicity", 0)},
		{"reg_type", missing("reg_type", 0)},
		{"id_number", missing("id_number", 0) + noID + invalid},
		{"sex", 0}, {"res_place", 0}, {"status_date", 0}, {"household_id", 0},
	} {
		p := byField[c.field]
		if c.want == 0 && (c.field == "education" || c.field == "marital_status" || c.field == "ethnicity" || c.field == "reg_type" || c.field == "id_number") {
			t.Errorf("%s: no injected defect to recover; raise the missing rate", c.field)
		}
		if got := p.Denominator - p.Numerator; got != c.want {
			t.Errorf("%s: %v records lack it or have it invalid, want %v from truth/defects", c.field, got, c.want)
		}
	}
	if got := m.IDValidity.Denominator - m.IDValidity.Numerator; got != invalid {
		t.Errorf("invalid ID numbers %v, want %v", got, invalid)
	}
	if m.CodeValidity.Numerator != m.CodeValidity.Denominator {
		t.Errorf("code validity %v/%v, want every code valid (the generator injects no bad code)", m.CodeValidity.Numerator, m.CodeValidity.Denominator)
	}
	// Heaped birth dates keep the true date in the ID number: each heaped
	// record (and its duplicate card with an ID) accepted with an ID fails
	// the ID/birth-date check, and nothing else does.
	heaped := g.count(t, fmt.Sprintf(`WITH h AS (SELECT key FROM %[1]s WHERE kind = 'age_heaping'),
		aff AS (SELECT key AS pid FROM h UNION ALL SELECT d.key FROM %[1]s d JOIN h ON d.related_key = h.key WHERE d.kind = 'duplicate')
		SELECT count(*) FROM aff JOIN %[2]s p ON p.person_id = aff.pid WHERE p.id_number_key IS NOT NULL`, defects, g.persons))
	if heaped == 0 {
		t.Fatal("no heaped record with an ID number; the test needs some")
	}
	idm := m.Checks[0]
	if idm.Name != quality.CheckIDMatch || idm.Denominator-idm.Numerator != heaped {
		t.Errorf("%s failures %v, want %v heaped records", idm.Name, idm.Denominator-idm.Numerator, heaped)
	}
	// Registrations later than 90 days are the late_registration defects.
	late := g.count(t, fmt.Sprintf(`SELECT count(*) FROM %s d JOIN %s e ON e.event_id = d.key
		WHERE d.kind = 'late_registration' AND e.recorded_date - e.event_date > 90`, defects, g.st.Table(g.ver, models.TableEvents)))
	var gotLate float64
	for _, b := range m.Lags.Bins {
		if b.Lo > 90 {
			gotLate += b.Events
		}
	}
	if late == 0 || gotLate != late {
		t.Errorf("events registered after more than 90 days: %v, want %v late_registration defects", gotLate, late)
	}
	// Whipple: the heaped county is rough or worse, the others accurate.
	counties, err := quality.Units(ctx, g.st, g.ver, "51", models.LevelCounty)
	if err != nil || len(counties) != 3 {
		t.Fatalf("counties: %v, %d", err, len(counties))
	}
	for _, c := range counties {
		if c.Whipple == nil {
			t.Errorf("%s: no Whipple with %v records", c.Division, c.Records)
			continue
		}
		if g.heaped[c.Division] && c.Whipple.Lower < 125 {
			t.Errorf("heaped county %s: Whipple %.1f [%.1f, %.1f], want above 125", c.Division, c.Whipple.Value, c.Whipple.Lower, c.Whipple.Upper)
		}
		if !g.heaped[c.Division] && (c.Whipple.Lower > 105 || c.Whipple.Upper < 95) {
			t.Errorf("county %s without heaping: Whipple %.1f [%.1f, %.1f], want an interval near 100", c.Division, c.Whipple.Value, c.Whipple.Lower, c.Whipple.Upper)
		}
		t.Logf("%s heaped=%v Whipple %.1f [%.1f, %.1f] %s, Myers %.2f, score %.1f", c.Division, g.heaped[c.Division], c.Whipple.Value, c.Whipple.Lower, c.Whipple.Upper, c.Whipple.Class, c.Myers.Value, c.Score.Value)
	}
	if len(g.heaped) != 1 {
		t.Errorf("heaped counties %v, want 1", g.heaped)
	}
	// Rollup: every additive count of a unit is the sum over its children.
	for l := models.LevelProvince; l < models.LevelVillage; l++ {
		parents, err := quality.Units(ctx, g.st, g.ver, "51", l)
		if err != nil {
			t.Fatal(err)
		}
		kids, err := quality.Units(ctx, g.st, g.ver, "51", l+1)
		if err != nil {
			t.Fatal(err)
		}
		sum := map[string][]float64{}
		for _, k := range kids {
			p := k.Division[:l.CodeLen()]
			s := sum[p]
			if s == nil {
				s = make([]float64, len(additive(k)))
			}
			for i, v := range additive(k) {
				s[i] += v
			}
			sum[p] = s
		}
		for _, p := range parents {
			want := additive(p)
			for i, v := range sum[p.Division] {
				if v != want[i] {
					t.Errorf("%s (%s): count %d of the children sums to %v, the unit has %v", p.Division, l, i, v, want[i])
				}
			}
		}
	}
}

// additive lists the numerators and denominators of m.
func additive(m *quality.Measures) []float64 {
	out := []float64{m.Records, m.Accepted, m.Quarantined, m.Lags.Events}
	props := []quality.Proportion{m.Completeness, m.IDValidity, m.CodeValidity, m.Consistency, m.Timeliness}
	for _, f := range m.Fields {
		props = append(props, f.Proportion)
	}
	for _, c := range m.Checks {
		props = append(props, c.Proportion)
	}
	for _, p := range props {
		out = append(out, p.Numerator, p.Denominator)
	}
	for _, b := range m.Lags.Bins {
		out = append(out, b.Events)
	}
	return out
}
