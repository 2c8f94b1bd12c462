package cube_test

import (
	"context"
	"slices"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
)

// Duplicate cards added to tiny2 (as of 2025-01-31) for
// TestDuplicateCards. P40 is an exact duplicate of P02 (v1, alive; same
// ID pseudonym, registered later, relation 80); P43 one of the baby P03
// (v1) with a copy of her birth event; P42 one of P07 (v2, alive) on
// which alone her death on 1 September 2024 is recorded; P44 one of P09
// (v3) resident in a village where no one else lives (510105002002, in
// the cube through P44 only); P41 is a card of P01 (v1) without an ID
// number, a probable duplicate.
var duplicateCards = []string{
	`UPDATE {{persons}} SET id_number_key = uuid() WHERE person_id IN ('P02', 'P03', 'P07')`,
	`INSERT INTO {{persons}} BY NAME SELECT * REPLACE ('P40' AS person_id, '80' AS relation, DATE '2024-05-01' AS registered_date)
		FROM {{persons}} WHERE person_id = 'P02'`,
	`INSERT INTO {{persons}} BY NAME SELECT * REPLACE ('P43' AS person_id, '80' AS relation, DATE '2024-03-01' AS registered_date)
		FROM {{persons}} WHERE person_id = 'P03'`,
	`INSERT INTO {{events}} BY NAME SELECT * REPLACE ('E43' AS event_id, 'P43' AS person_id, DATE '2024-03-01' AS recorded_date)
		FROM {{events}} WHERE event_id = 'E01'`,
	`INSERT INTO {{persons}} BY NAME SELECT * REPLACE ('P42' AS person_id, '80' AS relation, '2' AS vital_status,
		DATE '2024-09-01' AS status_date, DATE '2024-06-01' AS registered_date) FROM {{persons}} WHERE person_id = 'P07'`,
	`UPDATE {{persons}} SET id_number_key = uuid() WHERE person_id = 'P09'`,
	`INSERT INTO {{persons}} BY NAME SELECT * REPLACE ('P44' AS person_id, '510105002002' AS res_place, DATE '2024-08-01' AS registered_date)
		FROM {{persons}} WHERE person_id = 'P09'`,
	`INSERT INTO {{persons}} BY NAME SELECT * REPLACE ('P41' AS person_id, NULL AS id_number_key, '80' AS relation,
		DATE '2024-07-01' AS registered_date) FROM {{persons}} WHERE person_id = 'P01'`,
}

// TestDuplicateCards derives from tiny2 a version with duplicate cards,
// refreshes its cube from tiny2's and checks that every person is counted
// once: the exact duplicates are left out of population, person-years,
// births and deaths (P07's death, recorded on her duplicate only, counted
// on her card), and counted in duplicate_cards_removed; the probable
// duplicate P41 is counted until its worklist item is confirmed, is left
// out on the next refresh after the confirmation, and counted again after
// it is rejected. Each refresh equals a full build.
func TestDuplicateCards(t *testing.T) {
	defer cube.SetMaxChangedShare(1)()
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	base := cubetest.Load(t, st, "testdata/tiny2")
	if _, err := cube.Build(ctx, st, base.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	nv := derive(t, st, base, "2025-01-31", duplicateCards...)
	if _, err := st.DB().ExecContext(ctx, `CREATE TABLE `+st.Table(nv.ID, store.QuarantineTable)+` AS SELECT * FROM `+st.Table(base.ID, store.QuarantineTable)); err != nil {
		t.Fatal(err)
	}
	const v1, v2 = "510104001001", "510104001002"
	type counts struct{ pop, removed, py, births, deaths float64 }
	get := func(version int64, village string) counts {
		t.Helper()
		var c counts
		if err := st.DB().QueryRow(`SELECT population, duplicate_cards_removed, person_years, births, deaths FROM cube.measures
			WHERE version = ? AND division = ? AND ptype = 'year' AND period = '2024'`, version, village).Scan(&c.pop, &c.removed, &c.py, &c.births, &c.deaths); err != nil {
			t.Fatal(err)
		}
		return c
	}
	refresh := func() {
		t.Helper()
		res, err := cube.Refresh(ctx, st, nv.ID, cube.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Mode != "incremental" || res.BaseVersion != base.ID {
			t.Fatalf("mode %s from %d (%s), want incremental from %d", res.Mode, res.BaseVersion, res.Reason, base.ID)
		}
		checkAgainstFull(t, st, nv.ID)
	}
	refresh()
	b1, b2 := get(base.ID, v1), get(base.ID, v2)
	// v1: P40 and P43 removed, P41 (probable, open) counted.
	want1 := counts{pop: b1.pop + 1, removed: 2, births: b1.births, deaths: b1.deaths}
	// v2: P42 removed (dead at the end of 2024, so not in the stock), P07
	// dead from 1 September 2024.
	want2 := counts{pop: b2.pop - 1, removed: 0, births: b2.births, deaths: b2.deaths + 1}
	n1, n2 := get(nv.ID, v1), get(nv.ID, v2)
	if n1.pop != want1.pop || n1.removed != want1.removed || n1.births != want1.births || n1.deaths != want1.deaths || n1.py <= b1.py {
		t.Errorf("v1 with duplicates: %+v, want %+v (person-years above %g)", n1, want1, b1.py)
	}
	if n2.pop != want2.pop || n2.removed != want2.removed || n2.births != want2.births || n2.deaths != want2.deaths || n2.py >= b2.py {
		t.Errorf("v2 with duplicates: %+v, want %+v (person-years below %g)", n2, want2, b2.py)
	}
	// Lineage names the cards left out: P40 and P43 in 510104 (P42 is dead
	// at the end of 2024).
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ indicator, note string }{
		{"population", "population excludes 2 duplicate cards (counted on another card)"},
		{"cdr", "deaths and person_years exclude 2 duplicate cards (counted on another card)"},
	} {
		l, err := eng.Lineage(ctx, query.Key{Indicator: c.indicator, Division: "510104", Period: "2024", Version: nv.ID})
		if err != nil {
			t.Fatal(err)
		}
		if l.DuplicatesRemoved == nil || *l.DuplicatesRemoved != 2 || l.Note != c.note {
			t.Errorf("lineage of %s: duplicates removed %v, note %q; want 2, %q", c.indicator, l.DuplicatesRemoved, l.Note, c.note)
		}
	}
	if l, err := eng.Lineage(ctx, query.Key{Indicator: "births", Division: "510104", Period: "2024", Version: nv.ID}); err != nil {
		t.Fatal(err)
	} else if l.DuplicatesRemoved != nil {
		t.Errorf("lineage of births: duplicates removed %v, want none (events are moved to the kept card)", *l.DuplicatesRemoved)
	}
	eng.Close()
	if got := get(nv.ID, "510105002002"); got != (counts{removed: 1}) {
		t.Errorf("village of P44 only: %+v, want one card removed and nothing else", got)
	}
	var dups []string
	rows, err := st.DB().Query(`SELECT person_id || '>' || kept || ' ' || kind FROM cube.duplicates WHERE version = ? ORDER BY 1`, nv.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		dups = append(dups, s)
	}
	rows.Close()
	if want := []string{"P40>P02 duplicate", "P42>P07 duplicate", "P43>P03 duplicate", "P44>P09 duplicate"}; !slices.Equal(dups, want) {
		t.Errorf("cube.duplicates %v, want %v", dups, want)
	}

	// The linkage lists the same exact duplicates and P41 as probable.
	if _, err := linkage.Run(ctx, st, nv.ID, linkage.Options{}); err != nil {
		t.Fatal(err)
	}
	svc := &linkage.Service{Store: st} // no keys: items unmasked (the derived version has no vault)
	items, _, err := svc.List(ctx, linkage.Filter{Version: nv.ID, Kind: linkage.KindDuplicate})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, it := range items {
		listed = append(listed, it.PersonID+">"+it.OtherPersonID+" "+it.Kind)
	}
	if want := dups; !slices.Equal(slices.Sorted(slices.Values(listed)), want) {
		t.Errorf("linkage duplicate items %v, want the cube's %v", listed, want)
	}
	pd, _, err := svc.List(ctx, linkage.Filter{Version: nv.ID, Kind: linkage.KindProbableDuplicate})
	if err != nil {
		t.Fatal(err)
	}
	if len(pd) != 1 || pd[0].PersonID != "P41" || pd[0].OtherPersonID != "P01" {
		t.Fatalf("probable duplicates %+v, want P41 of P01", pd)
	}
	prev := n1 // the values change on the refresh that follows a verdict, not before
	for _, c := range []struct {
		status       string
		pop, removed float64
	}{
		{linkage.StatusVerified, want1.pop - 1, 3},
		{linkage.StatusFalseMatch, want1.pop, 2},
		{linkage.StatusCorrected, want1.pop - 1, 3},
		{linkage.StatusOpen, want1.pop, 2},
	} {
		if _, err := svc.SetStatus(ctx, pd[0].ID, c.status, "tester", "", nv.AsOf); err != nil {
			t.Fatal(err)
		}
		if got := get(nv.ID, v1); got.pop != prev.pop || got.removed != prev.removed {
			t.Errorf("%s: before the refresh population %g, removed %g; want %g and %g", c.status, got.pop, got.removed, prev.pop, prev.removed)
		}
		refresh()
		got := get(nv.ID, v1)
		if got.pop != c.pop || got.removed != c.removed || got.births != want1.births {
			t.Errorf("%s, refreshed: population %g, removed %g, births %g; want %g, %g, %g", c.status, got.pop, got.removed, got.births, c.pop, c.removed, want1.births)
		}
		prev = got
	}

	// An exact duplicate marked false_match (two people sharing an ID
	// number) is counted.
	for _, it := range items {
		if it.PersonID == "P40" {
			if _, err := svc.SetStatus(ctx, it.ID, linkage.StatusFalseMatch, "tester", "", nv.AsOf); err != nil {
				t.Fatal(err)
			}
		}
	}
	refresh()
	if got := get(nv.ID, v1); got.pop != want1.pop+1 || got.removed != 1 {
		t.Errorf("exact duplicate rejected: population %g, removed %g; want %g and 1", got.pop, got.removed, want1.pop+1)
	}
}
