package querysrc

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/store"
)

// LoadCatalog is the store's list of loaded versions with their load
// reports and quarantine counts; *store.Store implements it.
type LoadCatalog interface {
	Versions(ctx context.Context, scope string) ([]*store.Version, error)
	QuarantineSummary(ctx context.Context, version int64) ([]store.ReasonCount, error)
}

// WithLoads makes Snapshots list the versions of c with their load
// reports and quarantine summaries, not only the versions with a cube.
func (s *Source) WithLoads(c LoadCatalog) *Source {
	s.loads = c
	return s
}

// Snapshots implements dashboards.Source: every published version, newest
// first, with its load report (duration, directory, per-table counts),
// its quarantine summary by table and reason, and when its cube was built.
// Without a LoadCatalog only the versions with a cube are listed, with no
// load report.
func (s *Source) Snapshots(ctx context.Context) ([]dashboards.Snapshot, error) {
	cubes := map[int64]time.Time{}
	for _, r := range s.eng.Runs() {
		cubes[r.Version] = r.BuiltAt
	}
	var out []dashboards.Snapshot
	if s.loads == nil {
		seen := map[string]bool{}
		for _, r := range s.eng.Runs() {
			built := r.BuiltAt
			out = append(out, dashboards.Snapshot{Version: r.Version, Scope: r.Scope, AsOf: r.AsOf.Format(time.DateOnly), Loaded: r.BuiltAt, Current: !seen[r.Scope], Cube: &built})
			seen[r.Scope] = true
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Version > out[j].Version })
		return out, nil
	}
	vs, err := s.loads.Versions(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	current := map[string]int64{} // scope → current version: Versions lists the newest of a scope first
	for _, v := range vs {
		if _, ok := current[v.Scope]; !ok {
			current[v.Scope] = v.ID
		}
	}
	for _, v := range vs {
		in, acc, q := v.Totals()
		sn := dashboards.Snapshot{
			Version: v.ID, Scope: v.Scope, AsOf: v.AsOf.Format(time.DateOnly), Loaded: v.LoadedAt,
			Current: current[v.Scope] == v.ID, Rows: in, Accepted: acc, Quarantined: q,
			Duration: v.Duration, Source: v.SourceDir, Generator: v.Generator,
		}
		if t, ok := cubes[v.ID]; ok {
			sn.Cube = &t
		}
		for _, t := range v.Tables {
			sn.Tables = append(sn.Tables, dashboards.SnapshotTable{Table: t.Table, Format: t.Format, Rows: t.RowsIn, Accepted: t.Accepted, Quarantined: t.Quarantined, Flagged: t.Flagged})
		}
		if q > 0 || flagged(v) {
			rs, err := s.loads.QuarantineSummary(ctx, v.ID)
			if err != nil && !errors.Is(err, context.Canceled) {
				return nil, fmt.Errorf("snapshots: %w", err)
			}
			for _, r := range rs {
				sn.Reasons = append(sn.Reasons, dashboards.Reason{Table: r.Table, Reason: r.Reason, Action: r.Action, Rows: r.Count})
			}
		}
		out = append(out, sn)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Version > out[j].Version })
	return out, nil
}

func flagged(v *store.Version) bool {
	for _, t := range v.Tables {
		if t.Flagged > 0 {
			return true
		}
	}
	return false
}
