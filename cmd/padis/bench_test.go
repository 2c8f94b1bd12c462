package main

import (
	"strings"
	"testing"
)

// TestBenchCube runs bench load --cube on a tiny generated snapshot: the
// cube of the loaded version is built and its time is printed against
// the load's.
func TestBenchCube(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a snapshot twice and builds a cube")
	}
	code, out, errs := runStore("bench", "load", "--persons", "1000", "--cube", "--work", t.TempDir(), "--memory-limit", "1GB")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"padis load", "cube/load ratio wall", "village_months", "rollup measures"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
}
