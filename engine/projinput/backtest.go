package projinput

import (
	"context"
	"fmt"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/projections"
)

// Backtest is a back-test inside one snapshot's period: the base
// population is reconstructed at as-of − years, the rates are estimated
// from the events of period start … that date only, the base is projected
// years forward under constant rates (or sc) and compared, by five-year
// age group and sex, with the population resident at the as-of date. The
// base and rates come from the earlier part of the records, the observed
// population from the later part; that is what one snapshot allows.
func Backtest(ctx context.Context, st *store.Store, version int64, division string, years int) (*projections.BacktestReport, error) {
	rep, _, err := BacktestWith(ctx, st, version, division, years, nil, Options{})
	return rep, err
}

// BacktestWith is Backtest under a scenario (nil: constant rates) and
// options (the window and BaseDate are set by the back-test); it also
// returns the provenance of the base input.
func BacktestWith(ctx context.Context, st *store.Store, version int64, division string, years int, sc *projections.Scenario, opts Options) (*projections.BacktestReport, *Provenance, error) {
	if years <= 0 {
		return nil, nil, fmt.Errorf("backtest: %d years: want a positive number", years)
	}
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, nil, err
	}
	asOf := day(v.AsOf)
	base := asOf.AddDate(-years, 0, 0)
	if base.Before(day(v.PeriodStart)) {
		return nil, nil, fmt.Errorf("backtest: version %d covers %s…%s, too short to go back %d years",
			version, v.PeriodStart.Format("2006-01-02"), asOf.Format("2006-01-02"), years)
	}
	earlier := opts
	earlier.BaseDate, earlier.WindowStart = base, v.PeriodStart
	in, prov, err := FromStore(ctx, st, version, division, earlier)
	if err != nil {
		return nil, nil, fmt.Errorf("backtest base: %w", err)
	}
	later := opts
	later.BaseDate, later.WindowStart = asOf, asOf
	obs, err := CountsFromStore(ctx, st, version, division, later)
	if err != nil {
		return nil, nil, fmt.Errorf("backtest observed: %w", err)
	}
	rep, err := projections.Backtest(in, sc, obs.Pop, in.BaseYear+years)
	if err != nil {
		return nil, nil, fmt.Errorf("backtest of %s, version %d: %w", division, version, err)
	}
	return rep, prov, nil
}
