package querysrc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/alerts"
)

// TestAlertsFromTheEngine evaluates one rule on the tiny fixture (5
// residents in 510104, 8 in 510105 at the end of 2024: "population of a
// county above 1 is blue, above 6 red") and reads, filters and
// acknowledges the alerts through the adapter.
func TestAlertsFromTheEngine(t *testing.T) {
	st, v := tinyStore(t)
	ctx := context.Background()
	rules, err := alerts.ReadRules(strings.NewReader(`[{"id":"pop_test","kind":"threshold","indicator":"population","levels":["county"],
		"period_type":"year","condition":"above","judge":"value","thresholds":{"blue":1,"red":6},
		"zh":"{unit}{period}{indicator}{value}","en":"{unit} {period}: {indicator} {value}"}]`), "test")
	if err != nil {
		t.Fatal(err)
	}
	tree := tinyTree(t)
	t0 := time.Date(2025, 1, 5, 8, 0, 0, 0, time.UTC)
	if _, err := alerts.Evaluate(ctx, st, v.ID, alerts.Options{Rules: rules, Tree: tree, Now: t0}); err != nil {
		t.Fatal(err)
	}
	s := tinyEngine(t, st)
	if _, err := s.Alerts(ctx, dashboards.AlertFilter{}); !errors.Is(err, dashboards.ErrNotAvailable) {
		t.Errorf("alerts without a store: %v, want ErrNotAvailable", err)
	}
	s.WithStore(st)
	all, err := s.Alerts(ctx, dashboards.AlertFilter{Units: []string{"51"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		level string
		value float64
	}{"510104": {"blue", 5}, "510105": {"red", 8}}
	got := map[string]dashboards.Alert{}
	for _, a := range all {
		if a.Period != "2024" {
			continue
		}
		got[a.Unit] = a
		w, ok := want[a.Unit]
		if !ok || a.Level != w.level || a.Value.Value == nil || *a.Value.Value != w.value || a.Status != dashboards.AlertNew ||
			!a.FirstSeen.Equal(t0) || a.ExplanationZH == "" || !strings.Contains(a.ExplanationEN, "2024") || a.Value.Lineage.Version != v.ID {
			t.Errorf("alert %+v: want %+v", a, w)
		}
	}
	if len(got) != 2 {
		t.Fatalf("alerts for 2024: %v, want 510104 and 510105", got)
	}
	red, _ := s.Alerts(ctx, dashboards.AlertFilter{Units: []string{"510104"}, Level: "red"})
	if len(red) != 0 {
		t.Errorf("red alerts in 510104: %+v", red)
	}
	id := got["510104"].ID
	a, err := s.AcknowledgeAlert(ctx, id, "county", "seen", t0.Add(time.Hour))
	if err != nil || a.Status != dashboards.AlertAcknowledged || a.AckBy != "county" || a.AckNote != "seen" || a.AckAt == nil {
		t.Fatalf("acknowledge: %+v, %v", a, err)
	}
	if h := a.History[len(a.History)-1]; h.Action != "acknowledged" || h.User != "county" || h.Note != "seen" {
		t.Errorf("history %+v", a.History)
	}
	for status, n := range map[string]int{dashboards.AlertActive: len(all), dashboards.AlertAcknowledged: 1, dashboards.AlertResolved: 0} {
		as, err := s.Alerts(ctx, dashboards.AlertFilter{Units: []string{"51"}, Status: status})
		if err != nil || len(as) != n {
			t.Errorf("status %s: %d alerts (%v), want %d", status, len(as), err, n)
		}
	}
	if _, err := s.Alert(ctx, "nothing"); !errors.Is(err, dashboards.ErrNotFound) {
		t.Errorf("unknown alert: %v, want ErrNotFound", err)
	}
}
