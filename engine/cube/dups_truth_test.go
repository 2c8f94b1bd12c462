package cube_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/store"
)

// TestGeneratedDuplicates generates a province with duplicate cards (2 %
// of the person records, no other defect, so that every card with an ID
// number can be found) and checks against truth/defects:
//
//   - the cards the cube leaves out (cube.duplicates) are exactly the
//     injected duplicates with the same ID number, each village's set
//     equal;
//   - duplicate_cards_removed of each county at the end of the window is
//     the number of those duplicates alive and resident there;
//   - the cube's person-years per county are closer to the generator's
//     realised exposure than when every card is counted (the same data
//     with the duplicates' ID pseudonyms made unique, as the cube counted
//     before), and population falls by duplicate_cards_removed exactly;
//   - after a clerk verifies the listed probable duplicates that were
//     injected (and rejects the rest), the next refresh leaves out exactly
//     the verified ones and person-years come closer still.
func TestGeneratedDuplicates(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a population")
	}
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	res, ver := generateWith(t, st, synth.ScopeProvince, "64", 30_000, 7, synth.Defects{Duplicate: 0.02})
	v, err := st.Version(ctx, ver)
	if err != nil {
		t.Fatal(err)
	}
	persons := st.Table(ver, "persons")
	truth := `(SELECT key, related_key, detail FROM read_parquet(` + store.Quote(filepath.Join(v.SourceDir, "truth", "defects.parquet")) + `) WHERE kind = 'duplicate')`

	// Set equality, village by village.
	var onlyCube, onlyTruth, both, noID int64
	if err := st.DB().QueryRow(`WITH c AS (SELECT p.res_place, d.person_id FROM cube.duplicates d JOIN `+persons+` p USING (person_id) WHERE d.version = ?),
		tr AS (SELECT p.res_place, t.key AS person_id FROM `+truth+` t JOIN `+persons+` p ON p.person_id = t.key WHERE t.detail = 'same ID number')
		SELECT (SELECT count(*) FROM (SELECT * FROM c EXCEPT SELECT * FROM tr)), (SELECT count(*) FROM (SELECT * FROM tr EXCEPT SELECT * FROM c)),
			(SELECT count(*) FROM (SELECT * FROM c INTERSECT SELECT * FROM tr)), (SELECT count(*) FROM `+truth+` WHERE detail = 'no ID number')`, ver).Scan(&onlyCube, &onlyTruth, &both, &noID); err != nil {
		t.Fatal(err)
	}
	t.Logf("exact duplicates: %d removed and injected, %d removed only, %d injected only; %d injected without an ID number (probable, counted until confirmed)", both, onlyCube, onlyTruth, noID)
	if onlyCube != 0 || onlyTruth != 0 || both < 300 {
		t.Errorf("removed cards differ from the injected ones: %d both, %d removed only, %d injected only", both, onlyCube, onlyTruth)
	}
	// The kept card is the original.
	var wrongKept int64
	if err := st.DB().QueryRow(`SELECT count(*) FROM cube.duplicates d JOIN `+truth+` t ON t.key = d.person_id WHERE d.version = ? AND d.kept <> t.related_key`, ver).Scan(&wrongKept); err != nil {
		t.Fatal(err)
	}
	if wrongKept != 0 {
		t.Errorf("%d duplicates kept instead of their original", wrongKept)
	}

	// duplicate_cards_removed per county at the end of the window.
	asOf := v.AsOf.Format("2006-01")
	var mismatch int64
	if err := st.DB().QueryRow(`WITH tr AS (SELECT left(p.res_place, 6) AS county, count(*) AS n FROM `+truth+` t JOIN `+persons+` p ON p.person_id = t.key
			WHERE t.detail = 'same ID number' AND p.vital_status = '1' GROUP BY 1),
		c AS (SELECT division AS county, duplicate_cards_removed AS n FROM cube.measures WHERE version = ? AND level = 3 AND ptype = 'month' AND period = ?)
		SELECT count(*) FROM c FULL JOIN tr USING (county) WHERE coalesce(c.n, 0) <> coalesce(tr.n, 0)`, ver, asOf).Scan(&mismatch); err != nil {
		t.Fatal(err)
	}
	if mismatch != 0 {
		t.Errorf("duplicate_cards_removed differs from the injected duplicates alive at the end in %d counties", mismatch)
	}

	// Every card counted: the duplicates' pseudonyms made unique.
	all := derive(t, st, v, v.AsOf.Format("2006-01-02"), `UPDATE {{persons}} SET id_number_key = uuid() WHERE person_id IN (SELECT key FROM `+truth+`)`)
	if _, err := cube.Build(ctx, st, all.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	type county struct{ py, pop, removed float64 }
	read := func(version int64) map[string]county {
		rows, err := st.DB().Query(`SELECT division, sum(person_years), sum(population) FILTER (WHERE period = ?), sum(duplicate_cards_removed) FILTER (WHERE period = ?)
			FROM cube.measures WHERE version = ? AND level = 3 AND ptype = 'month' GROUP BY 1`, asOf, asOf, version)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]county{}
		for rows.Next() {
			var code string
			var c county
			if err := rows.Scan(&code, &c.py, &c.pop, &c.removed); err != nil {
				t.Fatal(err)
			}
			out[code] = c
		}
		return out
	}
	after, before := read(ver), read(all.ID)
	var sumAbsBefore, sumAbsAfter, pyTrue, pyBefore, pyAfter float64
	var popBefore, popAfter, removed float64
	for _, c := range res.Truth.Counties {
		py := realisedPY(c)
		a, b := after[c.Code], before[c.Code]
		sumAbsBefore, sumAbsAfter = sumAbsBefore+math.Abs(b.py-py), sumAbsAfter+math.Abs(a.py-py)
		pyTrue, pyBefore, pyAfter = pyTrue+py, pyBefore+b.py, pyAfter+a.py
		popBefore, popAfter, removed = popBefore+b.pop, popAfter+a.pop, removed+a.removed
		if b.pop-a.pop != a.removed || b.removed != 0 {
			t.Errorf("county %s: population %g counting every card, %g counting each person once, removed %g (counting every card %g)", c.Code, b.pop, a.pop, a.removed, b.removed)
		}
	}
	n := float64(len(res.Truth.Counties))
	t.Logf("person-years of the window vs truth %.1f: %.1f (%+.3f %%) counting every card, %.1f (%+.3f %%) counting each person once; mean absolute county error %.2f → %.2f person-years (%d counties); population at %s %g → %g (%g duplicate cards removed)",
		pyTrue, pyBefore, 100*(pyBefore/pyTrue-1), pyAfter, 100*(pyAfter/pyTrue-1), sumAbsBefore/n, sumAbsAfter/n, len(res.Truth.Counties), asOf, popBefore, popAfter, removed)
	// What remains above the truth is the probable duplicates (no ID
	// number), counted until their worklist item is confirmed.
	if !(math.Abs(pyAfter-pyTrue) < math.Abs(pyBefore-pyTrue)/2) || !(sumAbsAfter < sumAbsBefore) {
		t.Errorf("person-years no closer to the truth counting each person once")
	}

	// A clerk verifies the probable duplicates the linkage lists that are
	// injected duplicates and rejects the others; the next refresh leaves
	// out exactly the verified ones.
	if _, err := linkage.Run(ctx, st, ver, linkage.Options{}); err != nil {
		t.Fatal(err)
	}
	svc := &linkage.Service{Store: st}
	items, _, err := svc.List(ctx, linkage.Filter{Version: ver, Kind: linkage.KindProbableDuplicate})
	if err != nil {
		t.Fatal(err)
	}
	injected := map[string]string{}
	rows, err := st.DB().Query(`SELECT key, related_key FROM ` + truth + ` WHERE detail = 'no ID number'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, r string
		rows.Scan(&k, &r)
		injected[k] = r
	}
	rows.Close()
	var verified, rejected int
	for _, it := range items {
		status := linkage.StatusFalseMatch
		if injected[it.PersonID] == it.OtherPersonID {
			status = linkage.StatusVerified
			verified++
		} else {
			rejected++
		}
		if _, err := svc.SetStatus(ctx, it.ID, status, "clerk", "", v.AsOf); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cube.Refresh(ctx, st, ver, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	var probable int
	if err := st.DB().QueryRow(`SELECT count(*) FROM cube.duplicates WHERE version = ? AND kind = 'probable_duplicate'`, ver).Scan(&probable); err != nil {
		t.Fatal(err)
	}
	confirmed := read(ver)
	var pyConfirmed, sumAbsConfirmed float64
	for _, c := range res.Truth.Counties {
		pyConfirmed += confirmed[c.Code].py
		sumAbsConfirmed += math.Abs(confirmed[c.Code].py - realisedPY(c))
	}
	t.Logf("probable duplicates listed %d: %d verified (of %d injected), %d rejected; after the refresh %d left out; person-years %.1f (%+.3f %%), mean absolute county error %.2f",
		len(items), verified, len(injected), rejected, probable, pyConfirmed, 100*(pyConfirmed/pyTrue-1), sumAbsConfirmed/n)
	if probable != verified || verified == 0 || !(math.Abs(pyConfirmed-pyTrue) < math.Abs(pyAfter-pyTrue)) {
		t.Errorf("%d probable duplicates left out, want the %d verified; person-years %.1f, truth %.1f", probable, verified, pyConfirmed, pyTrue)
	}
}

// realisedPY is the person-years a county's residents lived in the window
// (truth.json).
func realisedPY(c synth.CountyTruth) float64 {
	var py float64
	for x := range c.Realised.PersonYears.Male {
		py += c.Realised.PersonYears.Male[x] + c.Realised.PersonYears.Female[x]
	}
	return py
}
