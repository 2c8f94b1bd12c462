package cube_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/sqlfile"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// dump returns the rows of a cube table of version as sorted strings,
// numbers rounded to 9 significant digits (person-years summed in another
// order differ in the last bits), without the version column.
func dump(t *testing.T, st *store.Store, table string, version int64) []string {
	t.Helper()
	rows, err := st.DB().Query(`SELECT * EXCLUDE (version) FROM `+table+` WHERE version = ?`, version)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if f, ok := v.(float64); ok {
				if math.Abs(f) < 1e-9 {
					f = 0
				}
				parts[i] = fmt.Sprintf("%.9g", f)
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	sort.Strings(out)
	return out
}

// TestIncrementalRefresh loads tiny (as of 2024-12-31), builds its cube,
// loads tiny2 (one more month: a birth in January 2025 and a death of
// 20 December 2024 registered late), refreshes, and compares with a full
// build of tiny2 in another store: the cubes must be identical, and only
// the persons whose inputs changed recomputed.
func TestIncrementalRefresh(t *testing.T) {
	defer cube.SetMaxChangedShare(1)() // 5 of 19 persons recomputed
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	ver1 := cubetest.Load(t, st, "testdata/tiny")
	if _, err := cube.Refresh(ctx, st, ver1.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	ver2 := cubetest.Load(t, st, "testdata/tiny2")
	res, err := cube.Refresh(ctx, st, ver2.ID, cube.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != "incremental" || res.BaseVersion != ver1.ID {
		t.Fatalf("refresh: mode %s from %d (%s), want incremental from %d", res.Mode, res.BaseVersion, res.Reason, ver1.ID)
	}
	// Changed: P05 (now dead) and P20 (born in January, new). Recomputed:
	// they and the other members of their households H2 (P04) and H8
	// (P15, P16). Months: December 2024 (the death, in v1: the one
	// changed village) and January 2025 (new).
	if res.PersonsChanged != 2 || res.PersonsRecomputed != 5 {
		t.Errorf("refresh: %d persons changed, %d recomputed; want 2 and 5", res.PersonsChanged, res.PersonsRecomputed)
	}
	if res.MonthsRecomputed != 2 || res.VillagesChanged != 1 || res.Months != 13 {
		t.Errorf("refresh recomputed %d of %d months, %d villages changed; want 2 of 13, 1", res.MonthsRecomputed, res.Months, res.VillagesChanged)
	}

	full := cubetest.OpenStore(t)
	f2 := cubetest.Load(t, full, "testdata/tiny2")
	fres, err := cube.Build(ctx, full, f2.ID, cube.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fres.Mode != "full" {
		t.Fatalf("build mode %s", fres.Mode)
	}
	sameCube(t, dumpCube(t, st, ver2.ID), dumpCube(t, full, f2.ID))
	// The late death is in December 2024 and the reward beneficiary is gone.
	if got := measure(t, st, ver2.ID, v1, "2024-12", "deaths"); got != 1 {
		t.Errorf("deaths v1 2024-12 = %v, want 1", got)
	}
	if got := measure(t, st, ver2.ID, v1, "2025-01", "eligible_reward"); got != 0 {
		t.Errorf("eligible_reward v1 2025-01 = %v, want 0", got)
	}
}

// dumpCube returns the dumps of the measures, ages and values of version.
func dumpCube(t *testing.T, st *store.Store, version int64) map[string][]string {
	out := map[string][]string{}
	for _, table := range []string{cube.MeasuresTable, cube.AgeTable, cube.ValuesTable} {
		out[table] = dump(t, st, table, version)
	}
	return out
}

// sameCube compares the dumps of a refreshed and a fully built cube.
func sameCube(t *testing.T, refreshed, full map[string][]string) {
	t.Helper()
	for table, x := range refreshed {
		y := full[table]
		if len(x) != len(y) || len(x) == 0 {
			t.Errorf("%s: refreshed %d rows, full %d", table, len(x), len(y))
		}
		for i := range min(len(x), len(y)) {
			if x[i] != y[i] {
				t.Errorf("%s differs:\nrefreshed %s\nfull      %s", table, x[i], y[i])
				break
			}
		}
	}
}

// derive publishes a version of the scope of v as of asOf whose tables are
// copies of v's changed by stmts ({{persons}} and {{events}} name the
// copies).
func derive(t *testing.T, st *store.Store, v *store.Version, asOf string, stmts ...string) *store.Version {
	t.Helper()
	ctx := context.Background()
	d, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		t.Fatal(err)
	}
	nv := &store.Version{Scope: v.Scope, ScopeDef: v.ScopeDef, AsOf: d, PeriodStart: v.PeriodStart, Producer: "refresh test",
		Fingerprint: fmt.Sprintf("test-%d-%d", v.ID, time.Now().UnixNano()), KeyID: v.KeyID, StartedAt: time.Now()}
	if err := st.Begin(ctx, nv); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"persons": st.Table(nv.ID, models.TablePersons), "events": st.Table(nv.ID, models.TableEvents)}
	for _, tbl := range []string{models.TablePersons, models.TableEvents, models.TableHouseholds} {
		stmts = append([]string{`CREATE TABLE ` + st.Table(nv.ID, tbl) + ` AS SELECT * FROM ` + st.Table(v.ID, tbl)}, stmts...)
	}
	for _, q := range stmts {
		if _, err := st.DB().ExecContext(ctx, sqlfile.Expand(q, vars)); err != nil {
			st.Abandon(nv)
			t.Fatalf("%v\n%s", err, q)
		}
	}
	nv.LoadedAt = time.Now()
	if err := st.Publish(ctx, nv); err != nil {
		t.Fatal(err)
	}
	return nv
}

// Changes to tiny2 (as of 2025-01-31) for TestRefreshChanges. Villages:
// v1 = 510104001001 (H1: P01 P02 P03; H2: P04 P05; P10 of H5 until
// October 2024), v2 = 510104001002 (H3: P06 P07; H7: P08; H9: P19; H10:
// P17), v3 = 510105002001 (H4: P09 P11 P14; H5: P10 from October; H6:
// P12 P13; H8: P15 P16 P20).
var (
	// P07 (married, 29, v2) starts contraception.
	changeContraception = []string{`UPDATE {{persons}} SET contraception = '03' WHERE person_id = 'P07'`}
	// P19 (alone in H9) is removed with her events.
	removeP19 = []string{`DELETE FROM {{persons}} WHERE person_id = 'P19'`, `DELETE FROM {{events}} WHERE person_id = 'P19'`}
	// Everyone of v2 is removed: the village leaves the cube.
	emptyV2 = []string{`DELETE FROM {{events}} WHERE person_id IN (SELECT person_id FROM {{persons}} WHERE res_place = '510104001002')`,
		`DELETE FROM {{persons}} WHERE res_place = '510104001002'`}
	// P30 lives in a village new to the cube (registered late, resident
	// all along), P31 joins H1 in v1.
	addPersons = []string{
		`INSERT INTO {{persons}} BY NAME SELECT * REPLACE ('P30' AS person_id, '510105002002' AS res_place, '510105002002' AS reg_place,
			'H30' AS household_id, DATE '1980-06-01' AS birth_date, DATE '2025-01-20' AS registered_date) FROM {{persons}} WHERE person_id = 'P02'`,
		`INSERT INTO {{persons}} BY NAME SELECT * REPLACE ('P31' AS person_id, DATE '1992-02-02' AS birth_date) FROM {{persons}} WHERE person_id = 'P02'`}
	// Late records of earlier months: P13 died on 5 March 2024; P16 moved
	// from v3 to v1 on 1 August 2024; P07 and P10 married on 8 August
	// 2024 (one event each, in their villages of the time).
	lateEvents = []string{
		`UPDATE {{persons}} SET vital_status = '2', status_date = DATE '2024-03-05' WHERE person_id = 'P13'`,
		`INSERT INTO {{events}} BY NAME SELECT * REPLACE ('E30' AS event_id, 'P13' AS person_id, DATE '2024-03-05' AS event_date,
			DATE '2025-01-25' AS recorded_date, '510105002001' AS place) FROM {{events}} WHERE event_id = 'E02'`,
		`UPDATE {{persons}} SET res_place = '510104001001' WHERE person_id = 'P16'`,
		`INSERT INTO {{events}} BY NAME SELECT * REPLACE ('E31' AS event_id, 'P16' AS person_id, DATE '2024-08-01' AS event_date,
			DATE '2025-01-26' AS recorded_date, '510105002001' AS place, '510105002001' AS from_place, '510104001001' AS to_place) FROM {{events}} WHERE event_id = 'E07'`,
		`INSERT INTO {{events}} BY NAME SELECT * REPLACE ('E32' AS event_id, 'P16' AS person_id, DATE '2024-08-01' AS event_date,
			DATE '2025-01-26' AS recorded_date, '510104001001' AS place, '510105002001' AS from_place, '510104001001' AS to_place) FROM {{events}} WHERE event_id = 'E08'`,
		`UPDATE {{persons}} SET marital_status = '20' WHERE person_id = 'P10'`,
		`INSERT INTO {{events}} BY NAME SELECT * REPLACE ('E33' AS event_id, 'P07' AS person_id, 'P10' AS spouse_person_id, DATE '2024-08-08' AS event_date,
			DATE '2025-01-27' AS recorded_date, '510104001002' AS place) FROM {{events}} WHERE event_id = 'E10'`,
		`INSERT INTO {{events}} BY NAME SELECT * REPLACE ('E34' AS event_id, 'P10' AS person_id, 'P07' AS spouse_person_id, DATE '2024-08-08' AS event_date,
			DATE '2025-01-27' AS recorded_date, '510104001001' AS place) FROM {{events}} WHERE event_id = 'E10'`}
	// P12 and P13 move from H6 to H5 (P10's): v3 counts one household
	// fewer from October 2024.
	moveHousehold = []string{`UPDATE {{persons}} SET household_id = 'H5' WHERE person_id IN ('P12', 'P13')`}
	// February 2025 (a new month): P01 gives birth to P32 in v1.
	february = []string{
		`UPDATE {{persons}} SET children_born = 2, children_living = 2 WHERE person_id = 'P01'`,
		`INSERT INTO {{persons}} BY NAME SELECT * REPLACE ('P32' AS person_id, DATE '2025-02-10' AS birth_date, DATE '2025-02-12' AS registered_date)
			FROM {{persons}} WHERE person_id = 'P03'`,
		`INSERT INTO {{events}} BY NAME SELECT * REPLACE ('E35' AS event_id, 'P32' AS person_id, DATE '2025-02-10' AS event_date,
			DATE '2025-02-12' AS recorded_date, 2 AS birth_order) FROM {{events}} WHERE event_id = 'E01'`}
)

// TestRefreshChanges refreshes the cube of tiny2 for versions derived from
// it with one kind of change each (and all at once, with a new month) and
// compares every cube with a full build of the same version; the counts of
// changed and recomputed persons are worked out by hand from the fixture.
func TestRefreshChanges(t *testing.T) {
	all := slices.Concat(changeContraception, removeP19, addPersons, lateEvents, moveHousehold, february)
	cases := []struct {
		name              string
		asOf              string
		stmts             []string
		changed, recomput int64
		months            int  // months recomputed
		oneCounty         bool // the changes stay in one county
	}{
		{"nothing changed", "2025-01-31", nil, 0, 0, 0, true},
		{"person changed", "2025-01-31", changeContraception, 1, 2, 13, true}, // P07; H3: P06
		{"person removed", "2025-01-31", removeP19, 1, 1, 7, true},            // P19, resident March–September 2024
		{"village emptied", "2025-01-31", emptyV2, 5, 5, 13, true},            // P06 P07 P08 P17 P19
		{"persons added", "2025-01-31", addPersons, 2, 5, 13, false},          // P30 P31; H1: P01 P02 P03
		{"late events", "2025-01-31", lateEvents, 4, 8, 13, false},            // P13 P16 P07 P10; H6: P12, H8: P15 P20, H3: P06; P07 unmarried before August
		{"household changed", "2025-01-31", moveHousehold, 2, 3, 4, true},     // P12 P13; H5: P10; one household fewer in v3 from October
		{"new month", "2025-02-28", february, 1, 4, 1, false},                 // P32 (P01's inputs are the same); H1: P01 P02 P03
		{"all at once and a new month", "2025-02-28", all, 9, 15, 14, false},  // the union
	}
	for _, c := range cases {
		// With values share 1 the values of the unchanged units and periods
		// are copied, with 0 all are computed.
		for _, share := range []float64{1, 0} {
			t.Run(fmt.Sprintf("%s, values share %g", c.name, share), func(t *testing.T) {
				defer cube.SetMaxChangedShare(1)()
				defer cube.SetMaxValuesShare(share)()
				ctx := context.Background()
				st := cubetest.OpenStore(t)
				base := cubetest.Load(t, st, "testdata/tiny2")
				if _, err := cube.Build(ctx, st, base.ID, cube.Options{}); err != nil {
					t.Fatal(err)
				}
				nv := derive(t, st, base, c.asOf, c.stmts...)
				res, err := cube.Refresh(ctx, st, nv.ID, cube.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if res.Mode != "incremental" || res.BaseVersion != base.ID {
					t.Fatalf("mode %s from %d (%s), want incremental from %d", res.Mode, res.BaseVersion, res.Reason, base.ID)
				}
				if res.PersonsChanged != c.changed || res.PersonsRecomputed != c.recomput || res.MonthsRecomputed != c.months {
					t.Errorf("%d persons changed, %d recomputed, %d months; want %d, %d, %d",
						res.PersonsChanged, res.PersonsRecomputed, res.MonthsRecomputed, c.changed, c.recomput, c.months)
				}
				checkAgainstFull(t, st, nv.ID)
				// Copied: nothing when all are computed, everything when
				// nothing changed, and the other county's values when the
				// changes stay in one county.
				copied := res.ValueRows - res.ValuesComputed
				if share == 0 && c.changed > 0 && copied != 0 || c.changed == 0 && copied != res.ValueRows || share == 1 && c.oneCounty && copied == 0 {
					t.Errorf("values share %g: %d of %d values copied", share, copied, res.ValueRows)
				}
			})
		}
	}
}

// checkAgainstFull builds the refreshed version in full and compares.
func checkAgainstFull(t *testing.T, st *store.Store, version int64) {
	t.Helper()
	refreshed := dumpCube(t, st, version)
	if res, err := cube.Build(context.Background(), st, version, cube.Options{}); err != nil || res.Mode != "full" {
		t.Fatalf("full build: %v", err)
	}
	sameCube(t, refreshed, dumpCube(t, st, version))
}

func v1v(mi int) string { return fmt.Sprintf("%s %d", v1, mi) }

func TestDrop(t *testing.T) {
	st, ver := buildTiny(t)
	if err := cube.Drop(context.Background(), st, ver); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{cube.RunsTable, cube.MeasuresTable, cube.AgeTable, cube.ValuesTable, cube.PersonsTable, cube.VillagesTable} {
		var n int
		if err := st.DB().QueryRow(`SELECT count(*) FROM `+table+` WHERE version = ?`, ver).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s after Drop: %d rows (%v)", table, n, err)
		}
	}
}

// TestRefreshMostlyChanged checks that a refresh whose inputs changed in
// most village-months (here: a different population of the same scope)
// builds in full, with the same cube as a full build.
func TestRefreshMostlyChanged(t *testing.T) {
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	v1 := cubetest.Load(t, st, "testdata/tiny")
	if _, err := cube.Build(ctx, st, v1.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	v2 := cubetest.Load(t, st, "testdata/attrs")
	res, err := cube.Refresh(ctx, st, v2.ID, cube.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != "full" || res.BaseVersion != 0 || res.MonthsRecomputed != res.Months || !strings.Contains(res.Reason, "persons to recompute") {
		t.Errorf("refresh of a changed population: mode %s from %d (%s), %d of %d months", res.Mode, res.BaseVersion, res.Reason, res.MonthsRecomputed, res.Months)
	}
	refreshed := dump(t, st, cube.MeasuresTable, v2.ID)
	if _, err := cube.Build(ctx, st, v2.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	if full := dump(t, st, cube.MeasuresTable, v2.ID); strings.Join(full, "\n") != strings.Join(refreshed, "\n") || len(full) == 0 {
		t.Errorf("refreshed cube differs from a full build (%d vs %d rows)", len(refreshed), len(full))
	}
}

// TestRefreshFallback checks that a refresh builds in full, saying why,
// when a refresh would not pay or could not be exact, and that the cube
// is then a full build's.
func TestRefreshFallback(t *testing.T) {
	all := slices.Concat(changeContraception, removeP19, addPersons, lateEvents, moveHousehold, february)
	cases := []struct {
		name   string
		base   func(t *testing.T, st *store.Store, v *store.Version) // builds the base cube
		asOf   string
		stmts  []string
		reason string
	}{
		{"most persons recomputed", buildBase(cube.Options{}, ""), "2025-02-28", all, "15 of 21 persons to recompute"},
		{"other options", buildBase(cube.Options{AgeLevel: models.LevelTownship}, ""), "2025-02-28", february, "other options"},
		{"base ends mid-month", buildBase(cube.Options{}, "2025-01-15"), "2025-01-31", nil, "ends in mid-month"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			st := cubetest.OpenStore(t)
			v := cubetest.Load(t, st, "testdata/tiny2")
			c.base(t, st, v)
			nv := derive(t, st, v, c.asOf, c.stmts...)
			res, err := cube.Refresh(ctx, st, nv.ID, cube.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Mode != "full" || !strings.Contains(res.Reason, c.reason) {
				t.Errorf("mode %s (%q), want full because %q", res.Mode, res.Reason, c.reason)
			}
			checkAgainstFull(t, st, nv.ID)
		})
	}
}

// buildBase returns a function building the cube of v (of a copy of v as
// of asOf when not empty) with opts.
func buildBase(opts cube.Options, asOf string) func(t *testing.T, st *store.Store, v *store.Version) {
	return func(t *testing.T, st *store.Store, v *store.Version) {
		id := v.ID
		if asOf != "" {
			id = derive(t, st, v, asOf).ID
		}
		if _, err := cube.Build(context.Background(), st, id, opts); err != nil {
			t.Fatal(err)
		}
	}
}
