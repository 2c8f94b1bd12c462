package cpuclock

import (
	"testing"
	"time"
)

func TestProcessCountsWork(t *testing.T) {
	before := Process()
	deadline := time.Now().Add(50 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	used := Process() - before
	if used < 20*time.Millisecond {
		t.Fatalf("50 ms of busy work counted as %v of CPU (x=%d)", used, x)
	}
}
