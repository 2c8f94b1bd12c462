package querysource

import (
	"context"
	"fmt"
	"strconv"

	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
)

var _ report.AlertReader = (*Source)(nil)

// Alerts returns the alerts of the month for the unit and the units below
// it, from engine/alerts' evaluation of the report's snapshot version
// (the panel's for the nation, whose alerts are those of the monitoring
// counties and the units below them): those not resolved whose period
// concerns the month (see concerns). It needs Store; without it, or when
// engine/alerts has not evaluated the version, the answer is
// report.ErrNotAvailable (the report then says the alerts are not
// available, not that there were none).
func (s *Source) Alerts(ctx context.Context, division string, month report.Month) ([]report.Alert, error) {
	if s.Store == nil {
		return nil, fmt.Errorf("alerts: no store: %w", report.ErrNotAvailable)
	}
	r, err := s.run(division)
	if err != nil {
		return nil, err
	}
	evaluated, err := alerts.Evaluated(ctx, s.Store, r.Version)
	if err != nil {
		return nil, fmt.Errorf("alerts of %s: %w", division, err)
	}
	if !evaluated {
		return nil, fmt.Errorf("alerts of %s: version %d not evaluated (padis alerts evaluate): %w", division, r.Version, report.ErrNotAvailable)
	}
	as, err := alerts.List(ctx, s.Store, alerts.Filter{Version: r.Version, Units: []string{division}, Open: true})
	if err != nil {
		return nil, fmt.Errorf("alerts of %s, version %d: %w", division, r.Version, err)
	}
	var out []report.Alert
	for _, a := range as {
		if !concerns(a, month) {
			continue
		}
		if division == models.NationCode && a.Level < models.LevelCounty {
			// The panel's cube sums its few counties of a province or
			// city into units that stand for nothing: only the
			// monitoring counties' own alerts (and below) count.
			continue
		}
		f := report.Figure{Indicator: a.Indicator, Division: a.Division, Period: a.Period, Version: a.Version,
			Value: a.Value, Lower: a.Lower, Upper: a.Upper, Numerator: a.Numerator, Denominator: a.Denominator}
		if a.Kind != alerts.KindThreshold {
			// An observed count with its detection bounds, or a
			// projected change: not an API value with its interval.
			f.Flag = "alert-" + a.Kind
		}
		out = append(out, report.Alert{Level: a.Colour, Rule: a.Rule, Division: a.Division, UnitName: a.UnitName,
			Indicator: a.Indicator, Figure: f, Threshold: a.Threshold,
			Explanation: a.ExplanationZH, ExplanationEN: a.ExplanationEN, Status: a.Status})
	}
	return out, nil
}

// concerns reports whether alert a is one of month m's: a monthly value
// of m, a 12-month period or quarter ending with m, the year of m in
// December and otherwise the last complete year, or a projection of the
// snapshot.
func concerns(a alerts.Alert, m report.Month) bool {
	switch a.PeriodType {
	case cube.PeriodMonth:
		return a.Period == m.String()
	case cube.PeriodR12:
		return a.Period == m.R12()
	case cube.PeriodQuarter:
		return m.Month%3 == 0 && a.Period == fmt.Sprintf("%04d-Q%d", m.Year, m.Month/3)
	case cube.PeriodYear:
		y := m.Year
		if m.Month != 12 {
			y--
		}
		return a.Period == strconv.Itoa(y)
	case "projection": // engine/alerts' period type of a projection rule
		return true
	}
	return false
}
