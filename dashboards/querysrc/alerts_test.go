package querysrc

import (
	"context"
	"errors"
	"math"
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

// TestAlertOfGrading: the adapter keeps what the alert pages need from
// the grading and grouping: kind, direction, expected count (NaN: none),
// the group of a child and the children of a grouped alert (childrenOf
// finds them for List, which does not fill them).
func TestAlertOfGrading(t *testing.T) {
	nan := math.NaN()
	group := alerts.Alert{ID: "g", Rule: "cpr_low", Kind: "threshold", Condition: "below", Division: "5101", Colour: "orange",
		Value: 3, Lower: nan, Upper: nan, Expected: nan, Numerator: 3, Denominator: 20, Status: "new", Period: "2025-06"}
	kids := []alerts.Alert{
		{ID: "k1", Kind: "aberration", Condition: "above", Division: "510104", Value: 18, Lower: 1, Upper: 11, Expected: 5.3, Numerator: nan, Denominator: nan, GroupID: "g", Status: "grouped", Period: "2025-06"},
		{ID: "k2", Division: "510105", Value: 1, Lower: nan, Upper: nan, Expected: nan, Numerator: nan, Denominator: nan, GroupID: "g", Status: "acknowledged", Period: "2025-06"},
		{ID: "other", Division: "510106", Value: 1, Lower: nan, Upper: nan, Expected: nan, Numerator: nan, Denominator: nan, Status: "new", Period: "2025-06"},
	}
	ch := childrenOf(append([]alerts.Alert{group}, kids...))
	if got := strings.Join(ch["g"], ","); got != "k1,k2" || len(ch) != 1 {
		t.Fatalf("children %v, want g: k1,k2", ch)
	}
	group.Children = ch["g"]
	g := alertOf(nil, group)
	if g.Kind != "threshold" || g.Condition != "below" || g.Expected != nil || strings.Join(g.Children, ",") != "k1,k2" || *g.Value.Denominator != 20 {
		t.Errorf("grouped alert %+v", g)
	}
	k := alertOf(nil, kids[0])
	if k.GroupID != "g" || k.Status != dashboards.AlertGrouped || k.Expected == nil || *k.Expected != 5.3 || *k.Value.Lo != 1 || *k.Value.Hi != 11 {
		t.Errorf("child alert %+v", k)
	}
}
