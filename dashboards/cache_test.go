package dashboards

import (
	"context"
	"testing"
	"time"
)

func TestCachedSourceReusesAndExpires(t *testing.T) {
	f := newTestEnv(t).src
	now := time.Unix(1000, 0)
	c := newCachedSource(f, 10*time.Second, 3, func() time.Time { return now })
	ctx := context.Background()
	read := func() {
		if _, err := c.Values(ctx, "births", []string{"5101"}, "2025-06"); err != nil {
			t.Fatal(err)
		}
	}
	calls := func() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }
	read()
	read()
	if calls() != 1 {
		t.Errorf("%d source calls for two identical reads, want 1", calls())
	}
	now = now.Add(11 * time.Second)
	read() // stale: answered from the cache, refreshed in the background
	for i := 0; i < 100 && calls() < 2; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if calls() != 2 {
		t.Errorf("%d source calls after expiry, want 2 (one background refresh)", calls())
	}
	read()
	if calls() != 2 {
		t.Errorf("%d source calls after the refresh, want still 2", calls())
	}
	// Acknowledging clears cached alert lists.
	before, _ := c.Alerts(ctx, AlertFilter{Units: []string{"510104"}, Status: AlertNew})
	if _, err := c.AcknowledgeAlert(ctx, "a-tfr-510104", "u", "", now); err != nil {
		t.Fatal(err)
	}
	after, _ := c.Alerts(ctx, AlertFilter{Units: []string{"510104"}, Status: AlertNew})
	if len(after) != len(before)-1 {
		t.Errorf("new alerts %d → %d after an acknowledgement, want one fewer", len(before), len(after))
	}
	// The cache never holds more than max entries.
	for _, u := range []string{"5101", "5103", "5104", "5105", "5106"} {
		c.Pyramid(ctx, u, "2025-06")
	}
	if n := len(c.m); n > 3 {
		t.Errorf("cache holds %d entries, max 3", n)
	}
}
