package querysource

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/models"
)

// The national report. There is no national cube: the nation's figures
// are the monitoring panel's weighted estimates (query.Engine.Panel), the
// monitoring counties' own values come from the panel's cube, and the
// child units are the provinces whose full data are loaded.

var _ report.MonitoringReader = (*Source)(nil)

// panelRun returns the monitoring panel's cube: the pinned version, or the
// newest cube of the monitoring scope.
func (s *Source) panelRun() (query.Run, error) {
	for _, r := range s.Engine.Runs() {
		if (s.Version != 0 && r.Version == s.Version) || (s.Version == 0 && r.Scope == query.MonitoringScope) {
			if r.Scope != query.MonitoringScope {
				return query.Run{}, fmt.Errorf("version %d is not a monitoring-panel snapshot (scope %s): the national report is built from the panel: %w", r.Version, r.Scope, report.ErrNotAvailable)
			}
			return r, nil
		}
	}
	return query.Run{}, fmt.Errorf("national figures: no monitoring-panel cube (the only national data): %w", report.ErrNotAvailable)
}

// panel returns the API's monitoring panel for ind and period, cached for
// the report.
func (s *Source) panel(ctx context.Context, ind, period string) (*query.Panel, error) {
	r, err := s.panelRun()
	if err != nil {
		return nil, err
	}
	k := tableKey{ind: ind, period: period, version: r.Version}
	if p, ok := s.panels[k]; ok {
		return p, nil
	}
	p, err := s.Engine.Panel(ctx, ind, period, r.Version)
	if err != nil {
		return nil, err
	}
	if s.panels == nil {
		s.panels = map[tableKey]*query.Panel{}
	}
	s.panels[k] = p
	return p, nil
}

// estimate converts a panel estimate: the estimate with its 95 % interval
// and standard error; no value when no county of the domain has data.
func estimate(e query.PanelEstimate, version int64) report.Figure {
	f := report.Missing(e.Indicator, e.Domain, e.Period)
	f.Version, f.Estimate, f.Counties = version, true, e.Counties
	if e.Counties > 0 && !math.IsNaN(e.Estimate) {
		f.Value, f.Lower, f.Upper, f.SE = e.Estimate, e.Lower, e.Upper, e.SE
	}
	return f
}

// national returns the panel's national estimate of ind in period; no
// value where the API has none (a method other than TFR, such as RNI, or
// a period the panel does not know, such as year to date).
func (s *Source) national(ctx context.Context, ind, period string) (report.Figure, error) {
	r, err := s.panelRun()
	if err != nil {
		return report.Figure{}, err
	}
	none := report.Missing(ind, models.NationCode, period)
	none.Version, none.Estimate = r.Version, true
	if _, ok := ytdMonth(period); ok {
		return none, nil
	}
	p, err := s.panel(ctx, ind, period)
	if absent(err) {
		return none, nil
	}
	if err != nil {
		return report.Figure{}, err
	}
	return estimate(p.National, p.Version), nil
}

// PanelDomains returns the panel's estimates of ind in period for each
// province of the panel, in code order.
func (s *Source) PanelDomains(ctx context.Context, ind, period string) ([]report.Figure, error) {
	p, err := s.panel(ctx, ind, period)
	if err != nil {
		return nil, err
	}
	out := make([]report.Figure, len(p.Provinces))
	for i, e := range p.Provinces {
		out[i] = estimate(e, p.Version)
	}
	return out, nil
}

// MonitoringCounties returns the panel's counties with their names.
func (s *Source) MonitoringCounties(ctx context.Context) ([]report.Unit, error) {
	mcs := datasets.MonitoringCounties()
	codes := make([]string, len(mcs))
	for i, mc := range mcs {
		codes[i] = mc.Code
	}
	sort.Strings(codes)
	out := make([]report.Unit, 0, len(codes))
	for _, c := range codes {
		u, err := s.Unit(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("monitoring county %s: %w", c, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// MonitoringValues returns ind in period for the monitoring counties from
// the panel's cube (a county of a province whose full data are loaded
// has its panel values here, not the full cube's).
func (s *Source) MonitoringValues(ctx context.Context, ind, period string, counties []string) ([]report.Figure, error) {
	r, err := s.panelRun()
	if err != nil {
		return nil, err
	}
	if s.panelSource == nil || s.panelSource.Version != r.Version {
		s.panelSource = &Source{Engine: s.Engine, Tree: s.Tree, Version: r.Version}
	}
	return s.panelSource.Values(ctx, ind, period, counties)
}

// fullProvinces returns the provinces whose full data have a cube (the
// national report's child units), in code order.
func (s *Source) fullProvinces(ctx context.Context) ([]report.Unit, error) {
	seen := map[string]bool{}
	var codes []string
	for _, r := range s.Engine.Runs() {
		if r.Scope == query.MonitoringScope || seen[r.Scope] {
			continue
		}
		if l, err := models.LevelOfCode(r.Scope); err != nil || l != models.LevelProvince {
			continue
		}
		seen[r.Scope] = true
		codes = append(codes, r.Scope)
	}
	sort.Strings(codes)
	out := make([]report.Unit, 0, len(codes))
	for _, c := range codes {
		u, err := s.Unit(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// nationalSeries returns the panel's national estimate of ind for each
// month from..to (one API panel per month: the most expensive part of
// the national report, see docs/performance.md).
func (s *Source) nationalSeries(ctx context.Context, ind string, from, to report.Month) ([]report.Figure, error) {
	var out []report.Figure
	for m := from; m.String() <= to.String(); m = m.Add(1) {
		f, err := s.national(ctx, ind, m.String())
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}
