package reconcile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/models"
)

// testNationalKey is the national exchange key of the generated tests.
var testNationalKey = bytes.Repeat([]byte{0x5a}, 32)

// readCSV reads a generated CSV table as maps by column name.
func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := make([]map[string]string, 0, len(recs))
	for _, r := range recs[1:] {
		m := make(map[string]string, len(r))
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// extracted are the exchange records of one generated province, read
// from its snapshot files directly (the production extraction from a
// province store is the exchange package's).
type extracted struct {
	migrants []models.CrossMigrant
	benefits []models.BenefitRecipient
	deaths   []models.CrossDeath
	register int64
	// roll record key → ID number, for the province's roll defects
	rollID map[string]string
}

// extractProvince builds the CrossMigrant, BenefitRecipient and CrossDeath
// records of the snapshot in dir (province prov), ID numbers replaced by
// the national pseudonym.
func extractProvince(t testing.TB, dir, prov string) extracted {
	t.Helper()
	nid := func(id string) string { return pii.NationalPseudonym(testNationalKey, id) }
	var x extracted
	x.rollID = map[string]string{}
	persons := map[string]map[string]string{}
	for _, p := range readCSV(t, filepath.Join(dir, "persons.csv")) {
		persons[p["person_id"]] = p
		if p["vital_status"] == "1" {
			x.register++
		}
		if p["id_number"] == "" {
			continue
		}
		switch {
		case p["vital_status"] == "1" && p["reg_place"][:2] != prov:
			x.migrants = append(x.migrants, models.CrossMigrant{NationalID: nid(p["id_number"]), Province: prov, Role: models.MigrantResident,
				OtherProvince: p["reg_place"][:2], County: p["res_place"][:6], Sex: p["sex"], BirthDate: p["birth_date"], RecordKey: p["person_id"]})
		case p["vital_status"] == "2":
			x.deaths = append(x.deaths, models.CrossDeath{NationalID: nid(p["id_number"]), Province: prov, DeathDate: p["status_date"], Source: "register"})
		}
	}
	for _, e := range readCSV(t, filepath.Join(dir, "events.csv")) {
		var role, other, county string
		switch {
		case e["event_type"] == "out" && e["to_place"][:2] != prov:
			role, other = models.MigrantOut, e["to_place"][:2]
		case e["event_type"] == "in" && e["from_place"][:2] != prov:
			role, other = models.MigrantIn, e["from_place"][:2]
		default:
			continue
		}
		p := persons[e["person_id"]]
		if p == nil || p["id_number"] == "" {
			continue
		}
		county = p["res_place"][:6]
		if role == models.MigrantOut {
			county = p["reg_place"][:6]
		}
		x.migrants = append(x.migrants, models.CrossMigrant{NationalID: nid(p["id_number"]), Province: prov, Role: role, OtherProvince: other,
			EventDate: e["event_date"], County: county, Sex: p["sex"], BirthDate: p["birth_date"], RecordKey: e["event_id"]})
	}
	for _, d := range readCSV(t, filepath.Join(dir, "sources", "deaths.csv")) {
		if d["id_number"] != "" {
			x.deaths = append(x.deaths, models.CrossDeath{NationalID: nid(d["id_number"]), Province: prov, DeathDate: d["death_date"], Source: d["source"]})
		}
	}
	for _, r := range readCSV(t, filepath.Join(dir, "sources", "benefit_roll.csv")) {
		year, _ := strconv.Atoi(r["year"])
		amount, _ := strconv.ParseFloat(r["amount"], 64)
		ch, _ := strconv.Atoi(r["children"])
		da, _ := strconv.Atoi(r["daughters"])
		x.rollID[r["record_id"]] = r["id_number"]
		x.benefits = append(x.benefits, models.BenefitRecipient{NationalID: nid(r["id_number"]), Province: prov, Programme: r["programme"],
			Year: year, Amount: amount, County: r["reg_place"][:6], Sex: r["sex"], BirthDate: r["birth_date"], RuralReg: r["rural_reg"] == "true",
			Children: ch, Daughters: da, ChildDied: r["child_died"] == "true", RecordKey: r["record_id"]})
	}
	return x
}

// score is recall and precision of one kind.
type score struct{ truth, found, hit int }

func (s score) recall() float64    { return float64(s.hit) / float64(max(s.truth, 1)) }
func (s score) precision() float64 { return float64(s.hit) / float64(max(s.found, 1)) }

// TestGeneratedNation generates a three-province nation, extracts the
// exchange records from the snapshot files, reconciles them and scores
// the worklists against the generator's truth: recall and precision of
// every cross-province kind must reach 0.95, and the national population
// without double counting must equal the truth.
func TestGeneratedNation(t *testing.T) {
	if testing.Short() {
		t.Skip("generates three provinces")
	}
	base := synth.DefaultConfig()
	base.Format, base.Workers = synth.FormatCSV, 2
	cfg := synth.NationConfig{Base: base, Provinces: []string{"37", "41", "44"}, Scale: 0.0005, Out: t.TempDir(), Defects: synth.DefaultNationDefects()}
	truth, err := synth.GenerateNation(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ms []models.CrossMigrant
	var bs []models.BenefitRecipient
	var ds []models.CrossDeath
	pop := map[string]int64{}
	type key struct{ kind, nid string }
	want := map[key]bool{}
	local := map[key]bool{} // in-province roll defects (dead, ineligible)
	for _, p := range cfg.Provinces {
		dir := filepath.Join(cfg.Out, p)
		x := extractProvince(t, dir, p)
		ms, bs, ds = append(ms, x.migrants...), append(bs, x.benefits...), append(ds, x.deaths...)
		pop[p] = x.register
		for _, d := range readCSV(t, filepath.Join(dir, "truth", "defects.csv")) {
			switch d["kind"] {
			case "benefit_dead":
				local[key{KindDeadRecipient, pii.NationalPseudonym(testNationalKey, x.rollID[d["key"]])}] = true
			case "benefit_ineligible":
				local[key{KindIneligible, pii.NationalPseudonym(testNationalKey, x.rollID[d["key"]])}] = true
			}
		}
	}
	for _, e := range truth.Entries {
		want[key{e.Kind, pii.NationalPseudonym(testNationalKey, e.IDNumber)}] = true
	}
	asOf := base.AsOf
	res, err := Run(ms, bs, ds, nil, asOf, Options{Population: pop})
	if err != nil {
		t.Fatal(err)
	}
	scores := map[string]*score{}
	for _, k := range Kinds {
		scores[k] = &score{}
	}
	for k := range want {
		scores[k.kind].truth++
	}
	for k := range local {
		if !want[k] {
			scores[k.kind].truth++
		}
	}
	seen := map[key]bool{}
	for _, it := range res.Items {
		k := key{it.Kind, it.NationalID}
		if seen[k] {
			continue
		}
		seen[k] = true
		s := scores[it.Kind]
		s.found++
		if want[k] || local[k] {
			s.hit++
		} else if len(res.Items) < 2000 {
			t.Logf("not in the truth: %s %s %v %+v", it.Kind, it.NationalID, it.Provinces, it.Evidence)
		}
	}
	for k := range want {
		if !seen[k] {
			t.Logf("missed: %s %s", k.kind, k.nid)
		}
	}
	kinds := append([]string(nil), Kinds...)
	sort.Strings(kinds)
	for _, k := range Kinds {
		s := scores[k]
		t.Logf("%-20s truth %4d found %4d hit %4d recall %.3f precision %.3f", k, s.truth, s.found, s.hit, s.recall(), s.precision())
		cross := k != KindIneligible && k != KindDeadRecipient
		if cross && (s.truth == 0 || s.recall() < 0.95 || s.precision() < 0.95) {
			t.Errorf("%s: recall %.3f precision %.3f over %d injected", k, s.recall(), s.precision(), s.truth)
		}
	}
	if res.Population.PlainSum != truth.PlainSum || res.Population.Corrected != truth.Population {
		t.Errorf("population: plain %d corrected %d, truth plain %d population %d", res.Population.PlainSum, res.Population.Corrected, truth.PlainSum, truth.Population)
	}
	b, _ := json.Marshal(res.Population)
	t.Logf("population %s; cost %+v; matched moves %d", b, res.Cost, truth.Moves)
	_ = time.Now
}
