package querysrc

import (
	"context"
	"fmt"
	"math"

	"github.com/padis/padis/dashboards"
)

// Quality implements dashboards.Source from the data-quality indicators
// engine/quality stores in the cube (models.KindStored, the month of the
// snapshot's as-of date) and the cube's own registration timeliness. The
// record count is the denominator of quality_duplicates (person records).
// Worklist sizes are filled by worklistSizes when engine/linkage's values
// are there.
func (s *Source) Quality(ctx context.Context, units []string, p dashboards.Period) ([]dashboards.Quality, error) {
	out := make([]dashboards.Quality, len(units))
	for i, u := range units {
		out[i] = dashboards.Quality{Unit: u, Period: p}
	}
	cat := s.eng.Catalog()
	fields := []struct {
		ind string
		set func(q *dashboards.Quality, v dashboards.Value)
	}{
		{"quality_completeness", func(q *dashboards.Quality, v dashboards.Value) { q.Completeness = v.Value }},
		{"quality_id_validity", func(q *dashboards.Quality, v dashboards.Value) { q.Validity = v.Value }},
		{"quality_code_validity", func(q *dashboards.Quality, v dashboards.Value) { q.CodeValidity = v.Value }},
		{"quality_consistency", func(q *dashboards.Quality, v dashboards.Value) { q.Consistency = v.Value }},
		{"quality_duplicates", func(q *dashboards.Quality, v dashboards.Value) {
			q.Duplicates = v.Value
			if v.Denominator != nil {
				q.Records = int64(math.Round(*v.Denominator))
			}
		}},
		{"timeliness", func(q *dashboards.Quality, v dashboards.Value) { q.Timeliness = v.Value }},
		{"quality_whipple", func(q *dashboards.Quality, v dashboards.Value) { q.Whipple = v.Value }},
		{"quality_myers", func(q *dashboards.Quality, v dashboards.Value) { q.Myers = v.Value }},
		{"quality_score", func(q *dashboards.Quality, v dashboards.Value) {
			q.Score = v.Value
			q.Lineage = v.Lineage
		}},
	}
	for _, f := range fields {
		if _, ok := cat.Get(f.ind); !ok {
			continue
		}
		vs, err := s.Values(ctx, f.ind, units, p)
		if err != nil {
			return nil, fmt.Errorf("data quality: %w", err)
		}
		for i, v := range vs {
			f.set(&out[i], v)
		}
	}
	if err := s.worklistSizes(ctx, out, units, p); err != nil {
		return nil, err
	}
	return out, nil
}

// worklistSizes sets the outstanding items of each worklist kind from the
// worklist_<kind> values engine/linkage stores in the cube (when the
// catalog has them).
func (s *Source) worklistSizes(ctx context.Context, out []dashboards.Quality, units []string, p dashboards.Period) error {
	for _, k := range dashboards.WorklistKinds {
		id := "worklist_" + k
		if _, ok := s.eng.Catalog().Get(id); !ok {
			continue
		}
		vs, err := s.Values(ctx, id, units, p)
		if err != nil {
			return fmt.Errorf("worklist sizes: %w", err)
		}
		for i, v := range vs {
			if v.Value == nil {
				continue
			}
			if out[i].Worklists == nil {
				out[i].Worklists = map[string]int64{}
			}
			out[i].Worklists[k] = int64(math.Round(*v.Value))
		}
	}
	return nil
}
