package querysource

import (
	"context"
	"fmt"

	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/engine/projinput"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

var _ report.OutlookReader = (*Source)(nil)

// OutlookScenario names the projection the outlook shows: the built-in
// scenario of constant rates, migration included.
const OutlookScenario = projections.ScenarioConstant

// Outlook projects the unit's population years ahead under the built-in
// constant scenario from the input projinput.FromStore builds with its
// defaults: the same input as `padis project --division`, the projections
// page and the projection alerts (the population resident at the
// snapshot's as-of date, rates smoothed from the last 3 years of events,
// migration included). It needs Store; without it, and for the nation, it
// returns report.ErrNotAvailable.
func (s *Source) Outlook(ctx context.Context, division string, month report.Month, years int) (*report.Outlook, error) {
	if division == models.NationCode {
		return nil, fmt.Errorf("outlook of the nation: the monitoring panel gives no population by age: %w", report.ErrNotAvailable)
	}
	if s.Store == nil {
		return nil, fmt.Errorf("outlook %s %s: no store to build the projection input from: %w", division, month, report.ErrNotAvailable)
	}
	r, err := s.run(division)
	if err != nil {
		return nil, err
	}
	in, _, err := projinput.FromStore(ctx, s.Store, r.Version, division, projinput.Options{})
	if err != nil {
		return nil, fmt.Errorf("outlook %s %s: %w", division, month, err)
	}
	sc, _ := projections.BuiltinScenario(OutlookScenario)
	res, err := projections.Project(in, sc, years)
	if err != nil {
		return nil, fmt.Errorf("outlook %s %s: %w", division, month, err)
	}
	out := &report.Outlook{Scenario: OutlookScenario, Years: append([]int(nil), res.Years...)}
	_, out.Total = res.Series("total")
	_, out.Aged65 = res.Series("age_65_plus")
	_, s611 := res.Series("school_6_11")
	_, s1214 := res.Series("school_12_14")
	out.SchoolAge = make([]float64, len(s611))
	for i := range s611 {
		out.SchoolAge[i] = s611[i] + s1214[i]
	}
	return out, nil
}
