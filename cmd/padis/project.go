package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/padis/padis/engine/projinput"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/projections"
)

func init() {
	register(command{name: "project", summary: "cohort-component population projections, scenarios, back-tests", run: runProject})
}

const projectSynopsis = `project --input FILE[,FILE…] [--years 30] [flags]
       padis project --division CODE[,CODE…] [--data DIR] [--version V | --scope S] [--window 3] [--years 30] [flags]
       padis project backtest --base FILE --observed FILE [--years N] [flags]
       padis project backtest --division CODE [--data DIR] [--version V | --scope S] [--years 2] [flags]

Cohort-component projection by sex and age (single years with annual steps,
or five-year groups with five-year steps). The input file (.csv or .json,
documented in docs/projections.md, examples in projections/testdata/) holds
the base population, mortality (mx or Lx), ASFR 15–49, SRB, migration and an
optional benefit-eligibility schedule.

With --division the input comes from the store instead, built by the one
builder the projections page, the monthly report and the projection
alerts use too (projinput.FromStore), with the same defaults: the
population resident in the division (a code or code prefix) at the
snapshot's as-of date (or --base-date) and rates estimated, with
small-area smoothing, from the last --window years of events, migration
included (docs/projections.md, "Inputs from the store"). The snapshot is
--version, else the current version of --scope, else the newest loaded
version whose scope covers the division.

--scenario and --scenarios take the name of a built-in scenario or a
scenario JSON file. The built-in scenarios (the projections page offers
the same):
  constant        base rates held constant, migration included (the default)
  low             UN WPP low variant (TFR −0.5)
  high            UN WPP high variant (TFR +0.5)
  tfr_1.8_2035    TFR rises linearly to 1.8 by 2035
  zero_migration  base rates held constant, no migration

Several --input files are projected as counties in parallel and summed;
--province adjusts them to an independently projected total.
--scenarios low,high,my.json projects each scenario and prints them side
by side. --trajectories N runs a probabilistic projection (AR(1) TFR,
female e0 and female–male e0 gap around the scenario path) and prints the
median and 80%/95% intervals. Every deterministic projection includes the
births by the mother's age (--what births for CSV; births_by_mother_age
in JSON).

Run 'padis project backtest -h' for back-testing.`

// projectFlags are the parsed flags of 'padis project'.
type projectFlags struct {
	// What to project and how.
	input, province     string
	years, step         int
	scenario, scenarios string
	// Output.
	format, what, out string
	// Probabilistic projection; observed holds the --observed-tfr,
	// --observed-e0-male and --observed-e0-female series.
	trajectories int
	stochastic   projections.StochasticOptions
	observed     [3]string
	// Inputs from the store (--division).
	store                     *storeFlags
	division, scope, baseDate string
	version                   int64
	window                    int
}

// parseProjectFlags parses and checks the flags of 'padis project'.
func parseProjectFlags(args []string, stderr io.Writer) (*projectFlags, error) {
	f := &projectFlags{}
	fs := newFlagSet("project", projectSynopsis, stderr)
	fs.StringVar(&f.input, "input", "", "projection input `FILE` (.csv or .json); several comma-separated files are projected as counties")
	fs.IntVar(&f.years, "years", projections.DefaultHorizon, "projection horizon in `years` (a multiple of the step)")
	fs.StringVar(&f.scenario, "scenario", "", "built-in scenario `NAME` ("+strings.Join(projections.BuiltinScenarioNames(), ", ")+") or scenario JSON file; default constant")
	fs.StringVar(&f.scenarios, "scenarios", "", "comma-separated built-in scenario `NAMES` or JSON files to compare side by side")
	fs.IntVar(&f.step, "step", 0, "projection step `1 or 5`; 5 on a single-year input regroups it into five-year groups (default: the input's)")
	fs.StringVar(&f.format, "format", "csv", "output `format`: csv, json or parquet (parquet needs --out)")
	fs.StringVar(&f.what, "what", "summary", "for csv and parquet: `summary` (one row per year: indicators and flows), population (year × sex × age) or births (csv: year × mother's age)")
	fs.StringVar(&f.out, "out", "", "write to `FILE` instead of standard output")
	fs.IntVar(&f.trajectories, "trajectories", 0, "run a probabilistic projection with `N` trajectories (e.g. 1000)")
	fs.Uint64Var(&f.stochastic.Seed, "seed", 1, "random `seed` of the probabilistic projection (results are reproducible)")
	fs.StringVar(&f.observed[0], "observed-tfr", "", "comma-separated annual TFR `series` to fit the AR(1) TFR model (default: documented model)")
	fs.StringVar(&f.observed[1], "observed-e0-male", "", "comma-separated annual male e0 `series`; with --observed-e0-female fits the female e0 and the female–male gap models")
	fs.StringVar(&f.observed[2], "observed-e0-female", "", "comma-separated annual female e0 `series` (same years as --observed-e0-male)")
	fs.BoolVar(&f.stochastic.NoE0, "no-e0-uncertainty", false, "probabilistic projection: keep e0 on its deterministic path")
	fs.StringVar(&f.province, "province", "", "with several inputs: province input `FILE` projected independently; counties are scaled to it by age and sex")
	f.store = addStoreFlags(fs)
	fs.StringVar(&f.division, "division", "", "project from the store: division `CODE` (a code prefix, e.g. 51 or 510104); several comma-separated codes are projected as counties")
	fs.Int64Var(&f.version, "version", 0, "with --division: snapshot `version` (default the newest covering the division)")
	fs.StringVar(&f.scope, "scope", "", "with --division: use the current version of this `scope`")
	fs.IntVar(&f.window, "window", projinput.DefaultWindowYears, "with --division: estimate rates from the last `N` years of events")
	fs.StringVar(&f.baseDate, "base-date", "", "with --division: base population `date` YYYY-MM-DD (default the snapshot's as-of date)")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, usageErrorf("unexpected argument %q", fs.Arg(0))
	case (f.input == "") == (f.division == ""):
		return nil, usageErrorf("give exactly one of --input FILE and --division CODE")
	case f.division != "" && f.province != "":
		return nil, usageErrorf("--province FILE goes with several --input files, not with --division")
	case f.window <= 0:
		return nil, usageErrorf("--window %d: want a positive number of years", f.window)
	case f.years <= 0:
		return nil, usageErrorf("--years %d: want a positive number", f.years)
	case f.step != 0 && f.step != 1 && f.step != 5:
		return nil, usageErrorf("--step %d: want 1 or 5", f.step)
	case f.format == "parquet" && f.out == "":
		return nil, usageErrorf("--format parquet needs --out FILE")
	case f.format != "csv" && f.format != "json" && f.format != "parquet":
		return nil, usageErrorf("--format %q: want csv, json or parquet", f.format)
	case f.what != "summary" && f.what != "population" && f.what != "births":
		return nil, usageErrorf("--what %q: want summary, population or births", f.what)
	case f.what == "births" && f.format == "parquet":
		return nil, usageErrorf("--what births: use --format csv or json")
	case f.scenario != "" && f.scenarios != "":
		return nil, usageErrorf("give --scenario or --scenarios, not both")
	case f.trajectories < 0 || f.trajectories == 1:
		return nil, usageErrorf("--trajectories %d: want 0 (deterministic) or at least 2", f.trajectories)
	}
	if f.division == "" {
		warnIgnored(fs, stderr, "without --division", "version", "scope", "window", "base-date", "data")
	}
	if f.trajectories == 0 {
		warnIgnored(fs, stderr, "without --trajectories (deterministic projection)", "seed", "observed-tfr", "observed-e0-male", "observed-e0-female", "no-e0-uncertainty")
	}
	switch {
	case f.scenarios != "":
		warnIgnored(fs, stderr, "with --scenarios", "what")
	case f.trajectories > 0:
		warnIgnored(fs, stderr, "with --trajectories", "what")
	case f.format == "json":
		warnIgnored(fs, stderr, "with --format json", "what")
	}
	f.stochastic.Trajectories = f.trajectories
	return f, nil
}

func runProject(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "backtest" {
		return runProjectBacktest(args[1:], stdout, stderr)
	}
	f, err := parseProjectFlags(args, stderr)
	if err != nil {
		return err
	}
	inputs, err := f.inputs(stderr)
	if err != nil {
		return err
	}
	var sc *projections.Scenario
	if f.scenario != "" {
		if sc, err = projections.ResolveScenario(f.scenario); err != nil {
			return err
		}
	}
	write := func(fn func(io.Writer) error) error { return writeProjectionOutput(f.out, stdout, fn) }
	switch {
	case f.scenarios != "":
		return f.compare(inputs, write)
	case f.trajectories > 0:
		return f.stochasticRun(inputs, sc, write)
	}
	return f.deterministic(inputs, sc, stderr, write)
}

// inputs reads the --input files or builds the --division inputs from the
// store, regrouped to --step.
func (f *projectFlags) inputs(stderr io.Writer) ([]*projections.Input, error) {
	var inputs []*projections.Input
	if f.division != "" {
		opts := projinput.Options{WindowYears: f.window}
		if f.baseDate != "" {
			d, err := time.Parse(time.DateOnly, f.baseDate)
			if err != nil {
				return nil, usageErrorf("--base-date %q: want YYYY-MM-DD", f.baseDate)
			}
			opts.BaseDate = d
		}
		var err error
		if inputs, err = storeInputs(f.store, f.version, f.scope, f.division, opts, stderr); err != nil {
			return nil, err
		}
	} else {
		for _, path := range strings.Split(f.input, ",") {
			in, err := projections.ReadInputFile(strings.TrimSpace(path))
			if err != nil {
				return nil, err
			}
			inputs = append(inputs, in)
		}
	}
	if f.step != 0 {
		names := strings.Split(f.input+f.division, ",")
		for i, in := range inputs {
			var err error
			if inputs[i], err = in.Regroup(f.step); err != nil {
				return nil, fmt.Errorf("%s: --step %d: %w", strings.TrimSpace(names[i]), f.step, err)
			}
		}
	}
	return inputs, nil
}

// compare projects one input under each of --scenarios.
func (f *projectFlags) compare(inputs []*projections.Input, write func(func(io.Writer) error) error) error {
	if len(inputs) != 1 {
		return usageErrorf("--scenarios compares scenarios for one --input")
	}
	if f.format == "parquet" {
		return usageErrorf("--scenarios prints a comparison table: use --format csv or json")
	}
	var scs []*projections.Scenario
	for _, ref := range strings.Split(f.scenarios, ",") {
		s, err := projections.ResolveScenario(strings.TrimSpace(ref))
		if err != nil {
			return err
		}
		scs = append(scs, s)
	}
	c, err := projections.CompareScenarios(inputs[0], scs, f.years)
	if err != nil {
		return err
	}
	if f.format == "json" {
		return write(func(w io.Writer) error { return projections.WriteJSON(w, c) })
	}
	series := []string{"total", "births", "deaths", "net_migrants", "age_0_14", "age_15_64", "age_65_plus", "age_80_plus",
		"dependency_old_age", "median_age", "tfr", "e0_male", "e0_female"}
	return write(func(w io.Writer) error { return projections.WriteComparisonCSV(w, c, series) })
}

// stochasticRun runs the probabilistic projection of one input.
func (f *projectFlags) stochasticRun(inputs []*projections.Input, sc *projections.Scenario, write func(func(io.Writer) error) error) error {
	if len(inputs) != 1 {
		return usageErrorf("--trajectories needs exactly one --input")
	}
	opt := f.stochastic
	for i, dst := range []*[]float64{&opt.ObservedTFR, &opt.ObservedE0Male, &opt.ObservedE0Female} {
		if f.observed[i] == "" {
			continue
		}
		for _, s := range strings.Split(f.observed[i], ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return usageErrorf("--%s: invalid number %q", []string{"observed-tfr", "observed-e0-male", "observed-e0-female"}[i], s)
			}
			*dst = append(*dst, v)
		}
	}
	r, err := projections.ProjectStochastic(inputs[0], sc, f.years, opt)
	if err != nil {
		return err
	}
	switch f.format {
	case "json":
		return write(func(w io.Writer) error { return projections.WriteJSON(w, r) })
	case "parquet":
		return write(func(w io.Writer) error { return projections.WriteBandsParquet(w, r) })
	}
	return write(func(w io.Writer) error { return projections.WriteBandsCSV(w, r) })
}

// deterministic projects one input, or several as counties (adjusted to
// --province when given), and writes them.
func (f *projectFlags) deterministic(inputs []*projections.Input, sc *projections.Scenario, stderr io.Writer, write func(func(io.Writer) error) error) error {
	var results []*projections.Result
	var jsonValue any
	if len(inputs) == 1 {
		r, err := projections.Project(inputs[0], sc, f.years)
		if err != nil {
			return err
		}
		results, jsonValue = []*projections.Result{r}, r
	} else {
		opt := projections.CountyOptions{}
		if f.province != "" {
			p, err := projections.ReadInputFile(f.province)
			if err != nil {
				return err
			}
			if f.step != 0 {
				if p, err = p.Regroup(f.step); err != nil {
					return fmt.Errorf("%s: --step %d: %w", f.province, f.step, err)
				}
			}
			opt.Province = p
		}
		cr, err := projections.ProjectCounties(inputs, sc, f.years, opt)
		if err != nil {
			return err
		}
		results, jsonValue = append(cr.Counties, cr.Sum), cr
	}
	for _, r := range results {
		for _, w := range r.Warnings {
			fmt.Fprintf(stderr, "warning: %s: %d, %s aged %d: migration clamped by %.1f persons at the %s of the interval\n", r.Name, w.Year, w.Sex, w.Age, w.Amount, w.When)
		}
	}
	switch f.format {
	case "json":
		return write(func(w io.Writer) error { return projections.WriteJSON(w, jsonValue) })
	case "parquet":
		if len(results) > 1 {
			return usageErrorf("--format parquet writes one projection; use csv or json for several inputs")
		}
		if f.what == "population" {
			return write(func(w io.Writer) error { return projections.WritePopulationParquet(w, results[0]) })
		}
		return write(func(w io.Writer) error { return projections.WriteSummaryParquet(w, results[0]) })
	}
	csvOf := map[string]func(io.Writer, *projections.Result) error{
		"summary": projections.WriteSummaryCSV, "population": projections.WritePopulationCSV, "births": projections.WriteBirthsCSV,
	}[f.what]
	return write(func(w io.Writer) error {
		for i, r := range results {
			if err := csvOf(w, r); err != nil {
				return err
			}
			if i < len(results)-1 {
				fmt.Fprintln(w)
			}
		}
		return nil
	})
}

const backtestSynopsis = `project backtest --base FILE --observed FILE [--years N] [--scenario NAME|FILE] [--format csv|json] [--out FILE]
       padis project backtest --division CODE [--data DIR] [--version V | --scope S] [--years 2] [--scenario NAME|FILE] [--format csv|json] [--out FILE]
       padis project backtest --division CODE --version V --later W [--data DIR] [--scenario NAME|FILE] [--format csv|json] [--out FILE]

Projects the base input (population and rates of an earlier year) to the
year of the observed population and reports the error by five-year age
group and sex: observed, projected, error, percent error (ALPE, signed) and
absolute percent error, the totals, MAPE, MALPE (bias) and the median APE.

The observed CSV has the columns age, male and female on the base input's
age grid and a line "# year: YYYY"; without it give --years.

With --division the back-test runs inside one snapshot of the store: the
population of the division at as-of − N years (--years, default 2) is
projected with rates estimated from the events between the period start
and that date, and compared with the population at the as-of date.

With --later W the back-test runs across two snapshots of one scope: the
base population and rates of version V (at its as-of date) are projected to
the as-of date of the later version W, a whole number of years later, and
compared with the population W records.`

func runProjectBacktest(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("project backtest", backtestSynopsis, stderr)
	base := fs.String("base", "", "base projection input `FILE` (.csv or .json) of the earlier year")
	observed := fs.String("observed", "", "observed population `CSV` (age,male,female; '# year: YYYY')")
	years := fs.Int("years", 0, "years from the base to the observed population (default: from the observed file's year)")
	scenario := fs.String("scenario", "", "built-in scenario `NAME` or scenario JSON file for the back-test projection")
	format := fs.String("format", "csv", "output `format`: csv or json")
	out := fs.String("out", "", "write to `FILE` instead of standard output")
	sf := addStoreFlags(fs)
	division := fs.String("division", "", "back-test inside a snapshot of the store: division `CODE` (a code prefix)")
	version := fs.Int64("version", 0, "with --division: snapshot `version` (default the newest covering the division)")
	scope := fs.String("scope", "", "with --division: use the current version of this `scope`")
	later := fs.Int64("later", 0, "with --division and --version: compare with the later snapshot `version` W of the same scope")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *later != 0 && (*division == "" || *version == 0 || *years != 0) {
		return usageErrorf("--later needs --division and --version (the earlier snapshot), and no --years")
	}
	if *format != "csv" && *format != "json" {
		return usageErrorf("--format %q: want csv or json", *format)
	}
	if *division != "" {
		if *base != "" || *observed != "" {
			return usageErrorf("give --division CODE or --base FILE and --observed FILE, not both")
		}
		if *years < 0 {
			return usageErrorf("--years %d: want a positive number", *years)
		}
		if *years == 0 && *later == 0 {
			*years = 2
		}
		return storeBacktest(sf, *version, *later, *scope, *division, *years, *scenario, *format, *out, stdout, stderr)
	}
	if *base == "" || *observed == "" {
		return usageErrorf("--base FILE and --observed FILE (or --division CODE) are required")
	}
	warnIgnored(fs, stderr, "without --division", "version", "scope", "later", "data")
	in, err := projections.ReadInputFile(*base)
	if err != nil {
		return err
	}
	pop, _, year, err := projections.ReadPopulationCSV(*observed)
	if err != nil {
		return err
	}
	switch {
	case *years > 0:
		year = in.BaseYear + *years
	case year == 0:
		return usageErrorf("%s has no '# year:' line: give --years", *observed)
	}
	var sc *projections.Scenario
	if *scenario != "" {
		if sc, err = projections.ResolveScenario(*scenario); err != nil {
			return err
		}
	}
	rep, err := projections.Backtest(in, sc, pop, year)
	if err != nil {
		return fmt.Errorf("%s vs %s: %w", *base, *observed, err)
	}
	return writeProjectionOutput(*out, stdout, func(w io.Writer) error {
		if *format == "json" {
			return projections.WriteJSON(w, rep)
		}
		return projections.WriteBacktestCSV(w, rep)
	})
}

// projectionVersion resolves the snapshot of a store projection: version
// when given, else the current version of scope, else the newest version
// covering division (projinput.LatestVersion).
func projectionVersion(ctx context.Context, st *store.Store, version int64, scope, division string) (int64, error) {
	return resolveVersion(ctx, st, version, scope, func() (int64, error) {
		v, err := projinput.LatestVersion(ctx, st, division)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	})
}

// storeInputs builds one projection input per comma-separated division
// from the store and reports their provenance on stderr.
func storeInputs(sf *storeFlags, version int64, scope, divisions string, opts projinput.Options, stderr io.Writer) ([]*projections.Input, error) {
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var inputs []*projections.Input
	for _, d := range strings.Split(divisions, ",") {
		d = strings.TrimSpace(d)
		v, err := projectionVersion(ctx, st, version, scope, d)
		if err != nil {
			return nil, err
		}
		in, prov, err := projinput.FromStore(ctx, st, v, d, opts)
		if err != nil {
			return nil, err
		}
		printProvenance(stderr, prov)
		inputs = append(inputs, in)
	}
	return inputs, nil
}

// printProvenance writes one line on where an input came from.
func printProvenance(w io.Writer, p *projinput.Provenance) {
	fmt.Fprintf(w, "division %s, version %d (scope %s): base %s, %.0f persons; rates from %s…%s (%.2f years): %.0f deaths, %.0f births, %+.0f net migrants a year; TFR %.3f, e0 %.1f/%.1f, SRB %.1f\n",
		p.Division, p.Version, p.Scope, p.BaseDate.Format("2006-01-02"), p.Population,
		p.WindowStart.Format("2006-01-02"), p.WindowEnd.Format("2006-01-02"), p.WindowYears,
		p.Deaths[0]+p.Deaths[1], p.Births, p.NetPerYear,
		p.Estimate.TFR, p.Estimate.E0[0], p.Estimate.E0[1], p.Estimate.SRB)
}

// storeBacktest runs projinput.BacktestWith (inside one snapshot) or, with
// a later version, projinput.BacktestBetween, and writes the report.
func storeBacktest(sf *storeFlags, version, later int64, scope, division string, years int, scenario, format, out string, stdout, stderr io.Writer) error {
	var sc *projections.Scenario
	if scenario != "" {
		var err error
		if sc, err = projections.ResolveScenario(scenario); err != nil {
			return err
		}
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := projectionVersion(ctx, st, version, scope, division)
	if err != nil {
		return err
	}
	var rep *projections.BacktestReport
	var prov *projinput.Provenance
	if later != 0 {
		rep, prov, err = projinput.BacktestBetween(ctx, st, v, later, division, sc, projinput.Options{})
	} else {
		rep, prov, err = projinput.BacktestWith(ctx, st, v, division, years, sc, projinput.Options{})
	}
	if err != nil {
		return err
	}
	printProvenance(stderr, prov)
	return writeProjectionOutput(out, stdout, func(w io.Writer) error {
		if format == "json" {
			return projections.WriteJSON(w, rep)
		}
		return projections.WriteBacktestCSV(w, rep)
	})
}
