package querysrc

import (
	"context"
	"fmt"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
)

// Alerts implements dashboards.Source from engine/alerts (the latest
// evaluated version of every scope); without a store, ErrNotAvailable.
func (s *Source) Alerts(ctx context.Context, f dashboards.AlertFilter) ([]dashboards.Alert, error) {
	if s.st == nil {
		return nil, fmt.Errorf("alerts: %w", dashboards.ErrNotAvailable)
	}
	af := alerts.Filter{Units: f.Units, Colour: f.Level, Status: f.Status}
	if f.Status == dashboards.AlertActive {
		af.Status, af.Open = "", true
	}
	as, err := alerts.List(ctx, s.st, af)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	// List does not fill a grouped alert's children: find them among
	// all the alerts of the same units (children are below the parent).
	all := as
	if af.Status != "" || af.Open || af.Colour != "" {
		if all, err = alerts.List(ctx, s.st, alerts.Filter{Units: f.Units}); err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
	}
	children := childrenOf(all)
	runs := s.runs()
	out := make([]dashboards.Alert, len(as))
	for i, a := range as {
		if a.Children == nil {
			a.Children = children[a.ID]
		}
		out[i] = alertOf(runs, a)
	}
	return out, nil
}

// childrenOf maps each grouped alert's ID to its children's IDs, in the
// order of as.
func childrenOf(as []alerts.Alert) map[string][]string {
	children := map[string][]string{}
	for _, a := range as {
		if a.GroupID != "" {
			children[a.GroupID] = append(children[a.GroupID], a.ID)
		}
	}
	return children
}

// Alert implements dashboards.Source: the alert with its history.
func (s *Source) Alert(ctx context.Context, id string) (dashboards.Alert, error) {
	if s.st == nil {
		return dashboards.Alert{}, fmt.Errorf("alerts: %w", dashboards.ErrNotAvailable)
	}
	a, err := alerts.Get(ctx, s.st, id, 0)
	if err != nil {
		return dashboards.Alert{}, alertErr(err)
	}
	return alertOf(s.runs(), a), nil
}

// AcknowledgeAlert implements dashboards.Source.
func (s *Source) AcknowledgeAlert(ctx context.Context, id, user, note string, at time.Time) (dashboards.Alert, error) {
	if s.st == nil {
		return dashboards.Alert{}, fmt.Errorf("alerts: %w", dashboards.ErrNotAvailable)
	}
	a, err := alerts.Acknowledge(ctx, s.st, id, user, note, at)
	if err != nil {
		return dashboards.Alert{}, alertErr(err)
	}
	return alertOf(s.runs(), a), nil
}

func alertErr(err error) error { return notFound(err, alerts.ErrNotFound) }

// alertOf converts an engine alert: the colour is the level, the value
// keeps its interval and counts, and the lineage is the cube of the
// alert's snapshot version.
func alertOf(runs map[int64]query.Run, a alerts.Alert) dashboards.Alert {
	p := dashboards.Period(a.Period)
	out := dashboards.Alert{
		ID: a.ID, Rule: a.Rule, Kind: a.Kind, Condition: a.Condition, Expected: fin(a.Expected), GroupID: a.GroupID, Children: a.Children, Level: a.Colour, Unit: a.Division, Indicator: a.Indicator, Period: p,
		Value:     value(runs, a.Indicator, a.Division, p, a.Version, a.Value, a.Lower, a.Upper, a.Numerator, a.Denominator),
		Threshold: fin(a.Threshold), Explanation: a.ExplanationZH, ExplanationZH: a.ExplanationZH, ExplanationEN: a.ExplanationEN,
		Status: a.Status, FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, AckBy: a.AckUser, AckNote: a.AckNote,
	}
	if !a.AckAt.IsZero() {
		t := a.AckAt
		out.AckAt = &t
	}
	if !a.Resolved.IsZero() {
		t := a.Resolved
		out.ResolvedAt = &t
	}
	for _, e := range a.History {
		out.History = append(out.History, dashboards.AlertEvent{Time: e.At, Action: e.Action, User: e.User, Note: e.Note, Version: e.Version, Value: fin(e.Value)})
	}
	return out
}

// WithStore makes s read alerts (engine/alerts) and worklists
// (engine/linkage) from st, the store its query engine reads, and
// returns it.
func (s *Source) WithStore(st *store.Store) *Source {
	s.st = st
	return s
}
