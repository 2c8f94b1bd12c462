package cube_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/store"
)

// dump returns the rows of a cube table of version as sorted strings,
// numbers rounded to 9 significant digits, without the version column.
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
// December in one village and January everywhere recomputed.
//
// It runs twice: with the default share above which the age table is
// recomputed in full (tiny2 changes few county-months: the age rows of the
// others are copied), and with share 0 (every age row recomputed).
func TestIncrementalRefresh(t *testing.T) {
	for _, share := range []float64{-1, 0} {
		t.Run(fmt.Sprintf("age share %v", share), func(t *testing.T) {
			if share >= 0 {
				defer cube.SetMaxAgeChangedShare(share)()
			}
			testIncrementalRefresh(t)
		})
	}
}

func testIncrementalRefresh(t *testing.T) {
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
		t.Fatalf("refresh: mode %s from %d, want incremental from %d", res.Mode, res.BaseVersion, ver1.ID)
	}
	var changed []string
	rows, err := st.DB().Query(`SELECT b.village || ' ' || b.mi FROM cube.base b
		ANTI JOIN cube.base o ON o.version = ? AND o.village = b.village AND o.mi = b.mi AND o.fp = b.fp
		WHERE b.version = ? ORDER BY 1`, ver1.ID, ver2.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		changed = append(changed, s)
	}
	rows.Close()
	// Month indices: December 2024 = 2024·12 + 11 = 24299, January 2025 = 24300.
	want := []string{v1v(24299), v1v(24300), v2 + " 24300", v3 + " 24300"}
	if strings.Join(changed, ",") != strings.Join(want, ",") {
		t.Errorf("changed village-months %v, want %v", changed, want)
	}
	if res.MonthsRecomputed != 2 || res.VillagesChanged != 3 || res.Months != 13 {
		t.Errorf("refresh recomputed %d of %d months in %d villages, want 2 of 13 in 3", res.MonthsRecomputed, res.Months, res.VillagesChanged)
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
	for _, table := range []string{cube.MeasuresTable, cube.AgeTable, cube.ValuesTable} {
		inc, fl := dump(t, st, table, ver2.ID), dump(t, full, table, f2.ID)
		if len(inc) != len(fl) {
			t.Errorf("%s: incremental has %d rows, full %d", table, len(inc), len(fl))
			continue
		}
		for i := range inc {
			if inc[i] != fl[i] {
				t.Errorf("%s differs:\nincremental %s\nfull        %s", table, inc[i], fl[i])
				break
			}
		}
	}
	// The late death is in December 2024 and the reward beneficiary is gone.
	if got := measure(t, st, ver2.ID, v1, "2024-12", "deaths"); got != 1 {
		t.Errorf("deaths v1 2024-12 = %v, want 1", got)
	}
	if got := measure(t, st, ver2.ID, v1, "2025-01", "eligible_reward"); got != 0 {
		t.Errorf("eligible_reward v1 2025-01 = %v, want 0", got)
	}
}

func v1v(mi int) string { return fmt.Sprintf("%s %d", v1, mi) }

func TestDrop(t *testing.T) {
	st, ver := buildTiny(t)
	if err := cube.Drop(context.Background(), st, ver); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{cube.RunsTable, cube.MeasuresTable, cube.AgeTable, cube.ValuesTable, cube.BaseTable} {
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
	if res.Mode != "full" || res.BaseVersion != 0 || res.MonthsRecomputed != res.Months {
		t.Errorf("refresh of a changed population: mode %s from %d, %d of %d months", res.Mode, res.BaseVersion, res.MonthsRecomputed, res.Months)
	}
	refreshed := dump(t, st, cube.MeasuresTable, v2.ID)
	if _, err := cube.Build(ctx, st, v2.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	if full := dump(t, st, cube.MeasuresTable, v2.ID); strings.Join(full, "\n") != strings.Join(refreshed, "\n") || len(full) == 0 {
		t.Errorf("refreshed cube differs from a full build (%d vs %d rows)", len(refreshed), len(full))
	}
}
