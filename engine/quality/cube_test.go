package quality_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/quality"
	"github.com/padis/padis/engine/query"
)

// TestTinyHeaping checks the SQL Whipple and Myers of each unit against
// Whipple and Myers (heaping.go, checked against published values) on the
// unit's living persons by age at as-of, listed by hand from
// testdata/tiny/persons.csv.
func TestTinyHeaping(t *testing.T) {
	st, ver, _ := runTiny(t)
	ages := map[string][]int{
		vA:   {34, 36, 0, 69, 14}, // P01 P02 P03 P05 P06 (P04 dead)
		vB:   {44, 45, 0, 64},     // P07 P08 P09 P10
		vC:   {54},                // P11 (P12 moved out)
		"51": {34, 36, 0, 69, 14, 44, 45, 0, 64, 54},
	}
	for div, as := range ages {
		counts := make([]float64, 101)
		for _, a := range as {
			counts[a]++
		}
		ms, err := quality.Read(context.Background(), st, ver, []string{div})
		if err != nil || len(ms) != 1 {
			t.Fatalf("%s: %v", div, err)
		}
		m := ms[0]
		w, werr := quality.Whipple(counts, quality.WhippleFrom, quality.WhippleTo, quality.Digits05)
		switch {
		case werr != nil && m.Whipple != nil:
			t.Errorf("%s: Whipple %v, want none (%v)", div, m.Whipple.Value, werr)
		case werr == nil && (m.Whipple == nil || math.Abs(m.Whipple.Value-w) > 1e-9):
			t.Errorf("%s: Whipple %+v, want %v", div, m.Whipple, w)
		}
		my, merr := quality.Myers(counts, quality.MyersFrom, quality.MyersTo)
		switch {
		case merr != nil && m.Myers != nil:
			t.Errorf("%s: Myers %v, want none (%v)", div, m.Myers.Value, merr)
		case merr == nil && (m.Myers == nil || math.Abs(m.Myers.Value-my.Index) > 1e-9):
			t.Errorf("%s: Myers %+v, want %v", div, m.Myers, my.Index)
		}
	}
	// Province: ages 23–62 are 34 36 44 45 54, one ending in 0 or 5.
	ms, _ := quality.Read(context.Background(), st, ver, []string{"51"})
	if w := ms[0].Whipple; w == nil || w.Value != 100 || w.Population != 5 {
		t.Errorf("province Whipple %+v, want 100 over 5 persons", w)
	}
}

// TestCubeValues checks that the quality indicators are in cube.values at
// every level and readable through engine/query (KindStored), that a
// second run changes nothing, that a rebuilt cube loses them until the
// next run, and that Drop removes them.
func TestCubeValues(t *testing.T) {
	st, ver, res := runTiny(t)
	ctx := context.Background()
	var units int64
	st.DB().QueryRow(`SELECT count(*) FROM quality.measures WHERE version = ?`, ver).Scan(&units)
	if units != 9 || res.Units != units {
		t.Fatalf("units %d (result %d), want 9: 51, 5101, 510104, 510105, 510104001, 510105002 and the 3 villages", units, res.Units)
	}
	// No linkage: duplicates are absent; every other indicator has a row per unit.
	if want := units * 7; res.CubeValues != want {
		t.Errorf("cube values %d, want %d (7 indicators × %d units)", res.CubeValues, want, units)
	}
	e, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	v, err := e.Value(ctx, query.Key{Indicator: "quality_completeness", Division: vA, Period: "2024-12"})
	if err != nil {
		t.Fatalf("query quality_completeness at a village: %v", err)
	}
	if v.Numerator != 106 || v.Denominator != 109 || math.Abs(v.Value-100*106.0/109) > 1e-9 {
		t.Errorf("quality_completeness of %s = %+v, want 106/109", vA, v)
	}
	kids, err := e.Children(ctx, query.Key{Indicator: "quality_score", Division: "510104001", Period: "2024-12"})
	if err != nil || len(kids) != 2 {
		t.Fatalf("children of 510104001: %v, %d values", err, len(kids))
	}
	if _, err := e.Value(ctx, query.Key{Indicator: "quality_duplicates", Division: vA, Period: "2024-12"}); !errors.Is(err, query.ErrNotFound) {
		t.Errorf("quality_duplicates without linkage: %v, want ErrNotFound", err)
	}
	snapshot := func() string {
		var s string
		st.DB().QueryRow(`SELECT string_agg(concat_ws('|', indicator, division, value, lower, numerator, denominator, flag), ';' ORDER BY indicator, division)
			FROM cube.values WHERE version = ? AND indicator LIKE 'quality_%'`, ver).Scan(&s)
		var m string
		st.DB().QueryRow(`SELECT string_agg(division || score, ';' ORDER BY division) FROM quality.measures WHERE version = ?`, ver).Scan(&m)
		return s + m
	}
	before := snapshot()
	if _, err := quality.Run(ctx, st, ver, quality.Options{MinHeapingPop: 1}); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(); after != before {
		t.Errorf("second run changed the tables")
	}
	if _, err := cube.Build(ctx, st, ver, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	var n int64
	st.DB().QueryRow(`SELECT count(*) FROM cube.values WHERE version = ? AND indicator LIKE 'quality_%'`, ver).Scan(&n)
	if n != 0 {
		t.Errorf("rebuilt cube kept %d quality values (the cube must not materialise KindStored)", n)
	}
	if _, err := quality.Run(ctx, st, ver, quality.Options{MinHeapingPop: 1}); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(); after != before {
		t.Errorf("run after a rebuild did not restore the values")
	}
	if err := quality.Drop(ctx, st, ver); err != nil {
		t.Fatal(err)
	}
	st.DB().QueryRow(`SELECT (SELECT count(*) FROM cube.values WHERE version = ? AND indicator LIKE 'quality_%') + (SELECT count(*) FROM quality.measures WHERE version = ?)`, ver, ver).Scan(&n)
	if n != 0 {
		t.Errorf("Drop left %d rows", n)
	}
	if _, err := quality.Read(ctx, st, ver, []string{"51"}); err != nil {
		t.Errorf("Read after Drop: %v", err)
	}
}
