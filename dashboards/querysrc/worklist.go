package querysrc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/models"
)

// WithKeys gives s the PII keys of the store (pii.LoadKeys), with which
// worklist items are masked from their vault originals and revealed, and
// returns it.
func (s *Source) WithKeys(k *pii.Keys) *Source {
	s.keys = k
	return s
}

// WithRevealPolicy sets what a reveal needs (purpose, reason, rate; the
// zero value takes the defaults) and returns s.
func (s *Source) WithRevealPolicy(p models.RevealPolicy) *Source {
	s.reveal = p
	return s
}

// worklists returns the engine/linkage service of s's store, or
// ErrNotAvailable without a store or keys.
func (s *Source) worklists() (*linkage.Service, error) {
	if s.st == nil || s.keys == nil {
		return nil, fmt.Errorf("worklists: %w", dashboards.ErrNotAvailable)
	}
	return &linkage.Service{Store: s.st, Keys: s.keys, Policy: s.reveal}, nil
}

// Worklist implements dashboards.Source from engine/linkage: the items of
// the current version of every scope at or below f.Unit, masked.
func (s *Source) Worklist(ctx context.Context, f dashboards.WorklistFilter) ([]dashboards.WorkItem, int, error) {
	svc, err := s.worklists()
	if err != nil {
		return nil, 0, err
	}
	items, total, err := svc.List(ctx, linkage.Filter{Unit: f.Unit, Kind: f.Kind, Status: f.Status, Offset: f.Offset, Limit: f.Limit})
	if err != nil {
		return nil, 0, err
	}
	out := make([]dashboards.WorkItem, len(items))
	for i, it := range items {
		out[i] = workItemOf(it)
	}
	return out, total, nil
}

// WorkItem implements dashboards.Source.
func (s *Source) WorkItem(ctx context.Context, id string) (dashboards.WorkItem, error) {
	svc, err := s.worklists()
	if err != nil {
		return dashboards.WorkItem{}, err
	}
	it, err := svc.Item(ctx, id)
	if err != nil {
		return dashboards.WorkItem{}, itemErr(err)
	}
	return workItemOf(it), nil
}

// SetWorkItemStatus implements dashboards.Source: the verdict goes into
// engine/linkage's status history (and its worklist indicators).
func (s *Source) SetWorkItemStatus(ctx context.Context, id, status, user, note string, at time.Time) (dashboards.WorkItem, error) {
	svc, err := s.worklists()
	if err != nil {
		return dashboards.WorkItem{}, err
	}
	it, err := svc.SetStatus(ctx, id, status, user, note, at)
	if err != nil {
		return dashboards.WorkItem{}, itemErr(err)
	}
	return workItemOf(it), nil
}

// Reveal implements dashboards.Source through linkage.Service.Reveal,
// which reads the vault with pii.Revealer and writes one row per field
// into meta.reveal_audit (who, purpose and why) under the policy set with
// WithRevealPolicy.
func (s *Source) Reveal(ctx context.Context, itemID, user, purpose, reason string) (dashboards.Identity, error) {
	svc, err := s.worklists()
	if err != nil {
		return dashboards.Identity{}, err
	}
	id, err := svc.Reveal(ctx, itemID, user, purpose, reason)
	if err != nil {
		return dashboards.Identity{}, itemErr(err)
	}
	return dashboards.Identity{ItemID: id.ItemID, Unit: id.Village, Name: id.Name, IDNumber: id.IDNumber}, nil
}

func itemErr(err error) error { return notFound(err, linkage.ErrNotFound) }

// notFound marks err as dashboards.ErrNotFound when it is the engine's
// own not-found error.
func notFound(err, engineNotFound error) error {
	if errors.Is(err, engineNotFound) {
		return fmt.Errorf("%v: %w", err, dashboards.ErrNotFound)
	}
	return err
}

// workItemOf converts a linkage item: its unit is its village; the detail
// is the reason, with the source record it comes from.
func workItemOf(it linkage.Item) dashboards.WorkItem {
	detail := it.Reason
	if it.Source != "" && it.RecordID != "" {
		detail += fmt.Sprintf(" (%s %s)", it.Source, it.RecordID)
	}
	return dashboards.WorkItem{
		ID: it.ID, Kind: it.Kind, Unit: it.Village, NameMasked: it.NameMasked, IDMasked: it.IDMasked, Detail: detail,
		Score: it.Score, Status: it.Status, StatusBy: it.StatusBy, StatusNote: it.StatusNote, StatusAt: it.StatusAt, Version: it.Version,
	}
}
