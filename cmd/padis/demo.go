package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
)

func init() {
	register(command{name: "demo", summary: "generate and load the default data (province 51 and the monitoring panel), build the cube, report", run: runDemo})
}

const demoSynopsis = `demo [--data DIR] [--persons N] [--panel-persons N] [--seed S]

Sets up the embedded default data in the store, with nothing configured:
generates the default synthetic province (Sichuan, 51) and the 120-county
monitoring panel into DIR/snapshots/, loads both as snapshot versions,
runs the post-load pipeline of each (indicator cube, then the engine
steps: data quality, linkage, alerts) and prints what was loaded. Each step is
skipped when already done, so running it again is quick. 'padis serve'
runs the same set-up on its first start.`

// demoScope is one default data set the bootstrap provides.
type demoScope struct {
	key     string // store scope key
	label   string
	persons int
	config  func(base synth.Config) synth.Config
}

// bootstrapOptions sizes the default data.
type bootstrapOptions struct {
	Persons      int // persons in the default province
	PanelPersons int // persons in the monitoring panel
	Seed         uint64
}

func defaultBootstrapOptions() bootstrapOptions {
	return bootstrapOptions{Persons: 300_000, PanelPersons: 120_000, Seed: 7}
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", demoSynopsis, stderr)
	sf := addStoreFlags(fs)
	def := defaultBootstrapOptions()
	persons := fs.Int("persons", def.Persons, "persons alive at the period start in the default province")
	panel := fs.Int("panel-persons", def.PanelPersons, "persons in the 120-county monitoring panel")
	seed := fs.Uint64("seed", def.Seed, "random seed of the generator")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *persons < 1000 || *panel < 1000 {
		return usageErrorf("--persons and --panel-persons must be at least 1000")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := bootstrap(ctx, st, bootstrapOptions{Persons: *persons, PanelPersons: *panel, Seed: *seed}, stdout, stderr); err != nil {
		return err
	}
	// Only here: padis serve bootstraps too, and is already serving.
	fmt.Fprintln(stdout, demoNext)
	return nil
}

// demoNext is what padis demo suggests once the data is ready.
const demoNext = "Next: 'padis serve' for the dashboards, 'padis indicators query', 'padis report'."

// bootstrap makes sure the store holds a published, cubed version of the
// default province and of the monitoring panel, generating and loading
// whatever is missing, and prints a summary.
func bootstrap(ctx context.Context, st *store.Store, o bootstrapOptions, stdout, stderr io.Writer) error {
	begin := time.Now()
	dir := st.Config().Dir
	scopes := []demoScope{
		{key: "51", label: "province 51 (四川省)", persons: o.Persons, config: func(c synth.Config) synth.Config {
			c.Province, c.Scope = "51", synth.ScopeProvince
			return c
		}},
		{key: "monitoring", label: "120 monitoring counties (监测县)", persons: o.PanelPersons, config: func(c synth.Config) synth.Config {
			c.Scope = synth.ScopeMonitoring
			return c
		}},
	}
	tree, err := datasets.Divisions()
	if err != nil {
		return fmt.Errorf("division list: %w", err)
	}
	keys, src, err := pii.LoadKeys(dir, os.Getenv)
	if err != nil {
		return err
	}
	if src.Created {
		fmt.Fprintf(stderr, "padis: created the PII key %s (mode 0600). Back it up: without it the vault cannot be revealed.\n", src.Path)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i, sc := range scopes {
		step := fmt.Sprintf("[%d/%d] %s", i+1, len(scopes), sc.label)
		v, err := st.Current(ctx, sc.key)
		switch {
		case err == nil:
			fmt.Fprintf(stdout, "%s: version %d already loaded (as of %s)\n", step, v.ID, v.AsOf.Format(time.DateOnly))
		case errors.Is(err, store.ErrNoVersion):
			snap := filepath.Join(dir, "snapshots", sc.key)
			if _, err := os.Stat(filepath.Join(snap, "manifest.json")); err != nil {
				cfg := sc.config(synth.DefaultConfig())
				cfg.Persons, cfg.Seed, cfg.Out, cfg.Force = sc.persons, o.Seed, snap, true
				fmt.Fprintf(stdout, "%s: generating %d persons × %d months into %s …\n", step, cfg.Persons, cfg.Months, snap)
				res, err := synth.Generate(ctx, cfg)
				if err != nil {
					return fmt.Errorf("generate %s: %w", sc.key, err)
				}
				fmt.Fprintf(stdout, "%s: generated %d counties in %s\n", step, res.Counties, res.Elapsed.Round(time.Millisecond))
			}
			fmt.Fprintf(stdout, "%s: loading %s …\n", step, snap)
			opts := load.Options{Keys: keys, Divisions: tree, Logger: logger}
			if isTerminal(stderr) {
				opts.Progress, opts.ProgressEvery = terminalProgress(stderr), 250*time.Millisecond
			} else {
				opts.Progress, opts.ProgressEvery = demoProgress(stdout, step), 5*time.Second
			}
			rep, err := load.Load(ctx, st, snap, opts)
			if isTerminal(stderr) {
				fmt.Fprint(stderr, "\r\033[K")
			}
			if err != nil {
				return fmt.Errorf("load %s: %w", snap, err)
			}
			printLoadSummary(stdout, rep)
			v = rep.Version
		default:
			return err
		}
		rep, err := runPipeline(ctx, st, v.ID, nil, stdout, step+": ")
		if rep != nil && rep.Cube != nil {
			fmt.Fprintf(stdout, "%s: cube built (%s): %d indicator values\n", step, rep.Cube.Mode, rep.Cube.ValueRows)
		}
		if err != nil {
			return err
		}
	}
	return printStoreSummary(ctx, st, stdout, begin)
}

func demoProgress(w io.Writer, step string) func(load.Progress) {
	return func(p load.Progress) {
		fmt.Fprintf(w, "%s: %s %s %.0f%% (%s rows/s)\n", step, p.Phase, p.Table, 100*p.Fraction(), group(int64(p.RowsPerSecond())))
	}
}

// printStoreSummary lists the current version of every scope.
func printStoreSummary(ctx context.Context, st *store.Store, w io.Writer, begin time.Time) error {
	vs, err := st.Versions(ctx, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nstore %s:\n", st.Config().DBPath())
	fmt.Fprintf(w, "  %-8s %-12s %-10s %14s %14s %12s\n", "version", "scope", "as of", "rows in", "accepted", "quarantined")
	for _, v := range vs {
		in, acc, q := v.Totals()
		fmt.Fprintf(w, "  %-8d %-12s %-10s %14s %14s %12s\n", v.ID, v.Scope, v.AsOf.Format(time.DateOnly), group(in), group(acc), group(q))
	}
	fmt.Fprintf(w, "ready in %s.\n", time.Since(begin).Round(time.Second))
	return nil
}
