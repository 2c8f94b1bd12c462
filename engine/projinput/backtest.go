package projinput

import (
	"context"
	"fmt"
	"math"
	"time"

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

// MaxGapSlack is how far apart two snapshots may be from a whole number
// of years for BacktestBetween (the projection steps whole years).
const MaxGapSlack = 45 * 24 * time.Hour

// BacktestBetween is the back-test across two snapshots of one scope: the
// base population of division at the earlier version's as-of date and the
// rates estimated from that version's events (its last opts.WindowYears
// years) are projected to the later version's as-of date and compared, by
// five-year age group and sex, with the population the later snapshot
// records at its as-of date. The gap between the two dates must be a whole
// number of years, within MaxGapSlack (annual steps).
func BacktestBetween(ctx context.Context, st *store.Store, earlier, later int64, division string, sc *projections.Scenario, opts Options) (*projections.BacktestReport, *Provenance, error) {
	v1, err := st.Version(ctx, earlier)
	if err != nil {
		return nil, nil, err
	}
	v2, err := st.Version(ctx, later)
	if err != nil {
		return nil, nil, err
	}
	if v1.Scope != v2.Scope {
		return nil, nil, fmt.Errorf("backtest: version %d is scope %s and version %d scope %s: want two snapshots of one scope", earlier, v1.Scope, later, v2.Scope)
	}
	a, b := day(v1.AsOf), day(v2.AsOf)
	years := int(math.Round(b.Sub(a).Hours() / 24 / 365.25))
	if years < 1 {
		return nil, nil, fmt.Errorf("backtest: version %d (as of %s) is not at least a year before version %d (as of %s)",
			earlier, a.Format(time.DateOnly), later, b.Format(time.DateOnly))
	}
	if slack := b.Sub(a.AddDate(years, 0, 0)); slack > MaxGapSlack || slack < -MaxGapSlack {
		return nil, nil, fmt.Errorf("backtest: versions %d and %d are %s and %s, not a whole number of years apart (the projection steps whole years)",
			earlier, later, a.Format(time.DateOnly), b.Format(time.DateOnly))
	}
	base := opts
	base.BaseDate = time.Time{}
	in, prov, err := FromStore(ctx, st, earlier, division, base)
	if err != nil {
		return nil, nil, fmt.Errorf("backtest base: %w", err)
	}
	obs := opts
	obs.BaseDate, obs.WindowStart = b, b
	c, err := CountsFromStore(ctx, st, later, division, obs)
	if err != nil {
		return nil, nil, fmt.Errorf("backtest observed: %w", err)
	}
	rep, err := projections.Backtest(in, sc, c.Pop, in.BaseYear+years)
	if err != nil {
		return nil, nil, fmt.Errorf("backtest of %s, versions %d → %d: %w", division, earlier, later, err)
	}
	return rep, prov, nil
}
