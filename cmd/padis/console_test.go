package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestConsoleLogger: the serve console prints lines for people, not
// key=value or JSON records.
func TestConsoleLogger(t *testing.T) {
	var b bytes.Buffer
	l := newConsoleLogger(&b)
	l.Info("report schedule", "schedule", "monthly", "after_load", true)
	l.Warn("no cube has been built yet")
	l.Info("pipeline step", "step", "cube", "duration", 14949065634*time.Nanosecond, "error", error(nil))
	l.With("job", "L1").WithGroup("load").Error("load failed", "error", errors.New("boom"))
	l.Debug("not shown")
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []struct{ prefix, suffix string }{
		{"padis: ", " report schedule (schedule monthly, after_load true)"},
		{"padis: ", " warning: no cube has been built yet"},
		{"padis: ", " pipeline step (step cube, duration 14.949s)"},
		{"padis: ", " error: load failed (job L1, load.error boom)"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), b.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w.prefix) || !strings.HasSuffix(lines[i], w.suffix) || strings.Contains(lines[i], "msg=") {
			t.Errorf("line %d = %q, want %q…%q", i+1, lines[i], w.prefix, w.suffix)
		}
	}
}
