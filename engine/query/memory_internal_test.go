package query

import (
	"context"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
)

// TestReloadKeepsUnchangedCube checks that Reload reuses the cube in
// memory when neither the build nor the values changed, and reads it
// again when a value was rewritten.
func TestReloadKeepsUnchangedCube(t *testing.T) {
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, "../cube/testdata/tiny")
	if _, err := cube.Build(ctx, st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	e, err := New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	first := e.runs[0].ix
	if first == nil {
		t.Fatal("cube not in memory")
	}
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if e.runs[0].ix != first {
		t.Error("Reload read an unchanged cube again")
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE cube.values SET flag = 'x' WHERE version = ? AND indicator = 'cbr' AND division = '51' AND period = '2024'`, v.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if e.runs[0].ix == first {
		t.Error("Reload kept a cube whose values changed")
	}
}

// TestCompact checks that measure columns keep their exact values in the
// narrowest form.
func TestCompact(t *testing.T) {
	tests := []struct {
		vals  []float64
		bytes int64
	}{
		{[]float64{0, 3, 255}, 3},
		{[]float64{0, 256, 65535}, 6},
		{[]float64{1, 65536, 4e9}, 12},
		{[]float64{1, 2.5}, 16},
		{[]float64{-1, 2}, 16},
	}
	for _, tt := range tests {
		c, n := compact(append([]float64(nil), tt.vals...))
		if n != tt.bytes {
			t.Errorf("compact(%v): %d bytes, want %d", tt.vals, n, tt.bytes)
		}
		for i, v := range tt.vals {
			if got := c.at(i); got != v {
				t.Errorf("compact(%v)[%d] = %v", tt.vals, i, got)
			}
		}
	}
}
