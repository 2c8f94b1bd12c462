package query_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/models"
)

// sameValues reports the first difference between two value lists (NaN
// equals NaN). Values derived on read are sums of fractional person-years:
// the memory engine adds them in Go in period order, the table engine in
// DuckDB's parallel aggregation, so the two may differ in the last bits
// (measured: 2 ulps); they must agree to 1e-12 relative. Counts are whole
// numbers, which doubles add exactly in any order, so they must be equal.
func sameValues(a, b []cube.Value) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d values, want %d", len(a), len(b))
	}
	eq := func(x, y float64) bool {
		return x == y || (math.IsNaN(x) && math.IsNaN(y)) || math.Abs(x-y) <= 1e-12*math.Max(math.Abs(x), math.Abs(y))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Version != y.Version || x.Indicator != y.Indicator || x.Division != y.Division || x.Level != y.Level ||
			x.PeriodType != y.PeriodType || x.Period != y.Period || x.Breakdown != y.Breakdown || x.Flag != y.Flag ||
			!eq(x.Value, y.Value) || !eq(x.Lower, y.Lower) || !eq(x.Upper, y.Upper) || !eq(x.Numerator, y.Numerator) || !eq(x.Denominator, y.Denominator) {
			return fmt.Sprintf("value %d: %+v, want %+v", i, x, y)
		}
	}
	return ""
}

// TestMemoryMatchesTables checks that the engine answering from memory
// gives exactly what the engine reading the tables gives, for every
// indicator, unit and period kind of the tiny cube and every query kind.
func TestMemoryMatchesTables(t *testing.T) {
	st, mem, ver := setup(t)
	ctx := context.Background()
	sqlEng, err := query.NewWithOptions(ctx, st, query.Options{NoMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sqlEng.Close()
	if mem.MemoryBytes() <= 0 || sqlEng.MemoryBytes() != 0 {
		t.Fatalf("memory: %d and %d bytes", mem.MemoryBytes(), sqlEng.MemoryBytes())
	}
	divs := []string{"51", "5101", "510104", "510105", "510104001", "510105002", "510104001001", "510105002001", "510105002009"}
	periods := []string{"2024", "2024-Q3", "2024-02", "R12-2024-12", "2023"}
	check := func(what string, a, b []cube.Value, errA, errB error) {
		t.Helper()
		if (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) {
			t.Errorf("%s: error %v, want %v", what, errA, errB)
			return
		}
		if d := sameValues(a, b); d != "" {
			t.Errorf("%s: %s", what, d)
		}
	}
	n := 0
	for _, ind := range models.DefaultCatalog().All() {
		for _, d := range divs {
			for _, p := range periods {
				k := query.Key{Indicator: ind.ID, Division: d, Period: p}
				a, errA := mem.Get(ctx, k)
				b, errB := sqlEng.Get(ctx, k)
				check("get "+ind.ID+" "+d+" "+p, a, b, errA, errB)
				a, errA = mem.Children(ctx, k)
				b, errB = sqlEng.Children(ctx, k)
				check("children "+ind.ID+" "+d+" "+p, a, b, errA, errB)
				a, errA = mem.Ancestors(ctx, k)
				b, errB = sqlEng.Ancestors(ctx, k)
				check("ancestors "+ind.ID+" "+d+" "+p, a, b, errA, errB)
				n++
			}
			for _, pt := range []string{cube.PeriodMonth, cube.PeriodQuarter, cube.PeriodYear, cube.PeriodR12} {
				k := query.Key{Indicator: ind.ID, Division: d}
				a, errA := mem.Series(ctx, k, pt)
				b, errB := sqlEng.Series(ctx, k, pt)
				check("series "+ind.ID+" "+d+" "+pt, a, b, errA, errB)
			}
		}
		for l := models.LevelProvince; l <= models.LevelVillage; l++ {
			a, errA := mem.Table(ctx, ind.ID, l, "51", "2024", 0)
			b, errB := sqlEng.Table(ctx, ind.ID, l, "51", "2024", 0)
			check(fmt.Sprintf("table %s %s", ind.ID, l), a, b, errA, errB)
		}
	}
	if n == 0 {
		t.Fatal("nothing compared")
	}
	for _, pt := range []string{cube.PeriodMonth, cube.PeriodQuarter, cube.PeriodYear, cube.PeriodR12} {
		a, errA := mem.Periods(ctx, ver, pt)
		b, errB := sqlEng.Periods(ctx, ver, pt)
		if errA != nil || errB != nil || fmt.Sprint(a) != fmt.Sprint(b) || len(a) == 0 {
			t.Errorf("periods %s: %v (%v), want %v (%v)", pt, a, errA, b, errB)
		}
	}
	for _, d := range divs[:4] {
		for _, p := range periods {
			a, errA := mem.Pyramid(ctx, d, p, 0)
			b, errB := sqlEng.Pyramid(ctx, d, p, 0)
			if (errA == nil) != (errB == nil) || (errA == nil && *a != *b) {
				t.Errorf("pyramid %s %s: %v %v", d, p, errA, errB)
			}
			k := query.Key{Indicator: "cbr", Division: d, Period: p}
			la, errA := mem.Lineage(ctx, k)
			lb, errB := sqlEng.Lineage(ctx, k)
			if (errA == nil) != (errB == nil) {
				t.Errorf("lineage %s %s: %v %v", d, p, errA, errB)
			} else if errA == nil && (la.Snapshot != lb.Snapshot || fmt.Sprint(la.Counts) != fmt.Sprint(lb.Counts)) {
				t.Errorf("lineage %s %s: %+v, want %+v", d, p, la, lb)
			}
		}
	}
}

// TestReloadSnapshot checks that readers keep seeing the cube of the last
// Reload while the tables change, and the new values after Reload.
func TestReloadSnapshot(t *testing.T) {
	st, eng, ver := setup(t)
	ctx := context.Background()
	k := query.Key{Indicator: "population", Division: "510104", Period: "2024"}
	before, err := eng.Value(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	// Another package rewrites a value in place (as engine/quality writes its rows).
	if _, err := st.DB().ExecContext(ctx, `UPDATE cube.values SET value = value + 1000 WHERE version = ? AND indicator = 'population' AND division = '510104' AND period = '2024'`, ver); err != nil {
		t.Fatal(err)
	}
	still, err := eng.Value(ctx, k)
	if err != nil || still.Value != before.Value {
		t.Fatalf("before Reload: %v (%v), want %v", still.Value, err, before.Value)
	}
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := eng.Value(ctx, k)
	if err != nil || after.Value != before.Value+1000 {
		t.Fatalf("after Reload: %v (%v), want %v", after.Value, err, before.Value+1000)
	}
}

// TestStoredIndicators checks that values written into cube.values by
// other engine packages (models.KindStored, every level, month of the
// snapshot) are read at every level, from the table before Reload and
// from memory after it.
func TestStoredIndicators(t *testing.T) {
	st, eng, ver := setup(t)
	ctx := context.Background()
	var stored []models.Indicator
	for _, ind := range eng.Catalog().All() {
		if ind.Kind == models.KindStored {
			stored = append(stored, ind)
		}
	}
	if len(stored) == 0 {
		t.Fatal("no stored indicator in the catalog: the test has nothing to check")
	}
	id := stored[0].ID
	for i, div := range []string{"51", "510104", "510104001", "510104001001"} {
		l, _ := models.LevelOfCode(div)
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO cube.values VALUES (?, ?, ?, ?, 'month', '2024-12', '', ?, NULL, NULL, NULL, NULL, '')`,
			ver, id, div, int(l), float64(90+i)); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		for i, div := range []string{"51", "510104", "510104001", "510104001001"} {
			v, err := eng.Value(ctx, query.Key{Indicator: id, Division: div, Period: "2024-12"})
			if err != nil || v.Value != float64(90+i) {
				t.Errorf("%s: %s of %s = %v (%v), want %d", when, id, div, v.Value, err, 90+i)
			}
		}
		vs, err := eng.Children(ctx, query.Key{Indicator: id, Division: "510104001", Period: "2024-12"})
		if err != nil || len(vs) != 1 || vs[0].Division != "510104001001" {
			t.Errorf("%s: children %v (%v)", when, vs, err)
		}
	}
	check("before Reload")
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	check("after Reload")
}
