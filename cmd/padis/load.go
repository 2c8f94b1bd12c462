package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"os/user"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/pipeline"
)

func init() {
	register(command{
		name:    "load",
		summary: "load a snapshot directory into the store (validate, quarantine, pseudonymise, publish)",
		run:     runLoad,
	})
}

const loadSynopsis = `load [--data DIR] [--quiet] [--report] [--json] [--no-pipeline] [--max-quarantine SHARE] [--force] SNAPSHOT_DIR

Loads the snapshot as a new version, publishes it, then runs the post-load
pipeline (indicator cube, data quality, linkage, alerts) unless
--no-pipeline. When 'padis serve' holds the store, the load is submitted to
that server (authenticated by the token file it keeps in DIR, mode 0600):
the server loads and runs the pipeline while it keeps answering from the
previous version, and this command shows the progress and the result.

A snapshot that is not credible is not published: a required table
(persons, households, events) without rows, or with more than
--max-quarantine of its rows quarantined, or with most rows outside the
manifest's scope. --force publishes it over the quarantine bound (and
only that), and the override is recorded with the version.`

// overridden returns the quarantine bound to send to a server: 0 (the
// server's default) unless the flag asked for another.
func overridden(bound float64) float64 {
	if bound == load.DefaultMaxQuarantine {
		return 0
	}
	return bound
}

// runLoad is padis load.
func runLoad(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", loadSynopsis, stderr)
	sf := addStoreFlags(fs)
	quiet := fs.Bool("quiet", false, "print nothing but errors (for scripts)")
	report := fs.Bool("report", false, "print the full load report: per-table counts, quarantine reasons, timings")
	asJSON := fs.Bool("json", false, "print the report as JSON on stdout")
	noPipeline := fs.Bool("no-pipeline", false, "only load and publish: do not build the cube nor run the post-load steps")
	maxQuarantine := fs.Float64("max-quarantine", load.DefaultMaxQuarantine, "largest share (0–1) of a required table's rows that may be quarantined; above it nothing is published")
	force := fs.Bool("force", false, "publish even if more rows than --max-quarantine are quarantined (administrators; recorded with the version)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *maxQuarantine <= 0 || *maxQuarantine > 1 {
		return usageErrorf("--max-quarantine %g: want a share greater than 0 and at most 1", *maxQuarantine)
	}
	if fs.NArg() != 1 {
		return usageErrorf("want exactly one snapshot directory, got %d arguments", fs.NArg())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := sf.open(ctx)
	if err != nil {
		if cfg, cerr := sf.config(); cerr == nil && storeLocked(err) {
			return submitLoad(ctx, cfg.Dir, fs.Arg(0), submitOptions{NoPipeline: *noPipeline, Quiet: *quiet, JSON: *asJSON, Report: *report,
				MaxQuarantine: overridden(*maxQuarantine), Force: *force}, err, stdout, stderr)
		}
		return err
	}
	defer st.Close()
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if *quiet {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for _, id := range st.Recovered() {
		logger.Warn("dropped a half-written version left by an interrupted load", "version", id)
	}
	keys, src, err := pii.LoadKeys(st.Config().Dir, os.Getenv)
	if err != nil {
		return err
	}
	if src.Created {
		fmt.Fprintf(stderr, "padis: created the PII key %s (mode 0600). Back it up: without it the vault cannot be revealed and new loads pseudonymise differently.\n", src.Path)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		return fmt.Errorf("division list: %w", err)
	}
	opts := load.Options{Keys: keys, Divisions: tree, MaxQuarantine: *maxQuarantine, Force: *force, Actor: cliActor()}
	switch {
	case *quiet:
	case isTerminal(stderr):
		opts.Progress = terminalProgress(stderr)
		opts.ProgressEvery = 250 * time.Millisecond
	default:
		opts.Logger = logger
		opts.Progress = logProgress(logger)
		opts.ProgressEvery = 5 * time.Second
	}
	rep, err := load.Load(ctx, st, fs.Arg(0), opts)
	if opts.Progress != nil && isTerminal(stderr) {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("load interrupted; nothing was published and the previous version is still current")
		}
		return err
	}
	text := !*quiet && !*asJSON
	if text {
		printLoadSummary(stdout, rep)
		if *report {
			printLoadReport(stdout, rep)
		}
	}
	var prep *pipeline.Report
	var perr error
	if !*noPipeline {
		var w io.Writer
		if text {
			w = stdout
		}
		prep, perr = runPipeline(ctx, st, rep.Version.ID, nil, w, "")
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(loadOutcome{Report: rep, Pipeline: prep}); err != nil {
			return err
		}
	}
	if perr != nil {
		return fmt.Errorf("version %d is published, but its post-load pipeline failed: %w", rep.Version.ID, perr)
	}
	return nil
}

// cliActor names the operator of a command-line load: the
// operating-system account that runs it.
func cliActor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return fmt.Sprintf("cli:uid %d", os.Getuid())
}

// loadOutcome is what padis load --json prints: the load report (its
// fields at the top level, as before the pipeline existed) and the
// pipeline's.
type loadOutcome struct {
	*load.Report
	Pipeline *pipeline.Report `json:"pipeline,omitempty"`
}

// terminalProgress redraws one status line.
func terminalProgress(w io.Writer) func(load.Progress) {
	return func(p load.Progress) {
		line := fmt.Sprintf("%-7s %-28s %5.1f%%  %s rows  %s rows/s", p.Phase, p.Table, 100*p.Fraction(), group(p.Rows), group(int64(p.RowsPerSecond())))
		if eta := p.ETA(); eta > 0 && p.Phase == "read" {
			line += "  ETA " + eta.Round(time.Second).String()
		}
		fmt.Fprintf(w, "\r\033[K%s", line)
	}
}

// logProgress writes structured progress lines.
func logProgress(l *slog.Logger) func(load.Progress) {
	return func(p load.Progress) {
		l.Info("progress", "phase", p.Phase, "table", p.Table, "rows", p.Rows, "total", p.Total,
			"percent", fmt.Sprintf("%.1f", 100*p.Fraction()), "rows_per_s", int64(p.RowsPerSecond()), "eta", p.ETA().Round(time.Second))
	}
}

func printLoadSummary(w io.Writer, rep *load.Report) {
	v := rep.Version
	in, acc, qu := v.Totals()
	if rep.AlreadyLoaded {
		fmt.Fprintf(w, "already loaded: these files are version %d of scope %s (as of %s); nothing to do\n", v.ID, v.Scope, v.AsOf.Format(time.DateOnly))
		return
	}
	fmt.Fprintf(w, "version %d of scope %s (as of %s) is current: %s rows read, %s accepted, %s quarantined, in %s\n",
		v.ID, v.Scope, v.AsOf.Format(time.DateOnly), group(in), group(acc), group(qu), v.Duration.Round(time.Millisecond))
	for _, f := range rep.Forced {
		fmt.Fprintf(w, "published over the quarantine bound (--force, recorded with version %d): %s\n", v.ID, f)
	}
	if qu > 0 {
		fmt.Fprintf(w, "see the quarantine with: padis quarantine --snapshot %d\n", v.ID)
	}
}

// printLoadReport prints the per-table counts, the quarantine reasons and
// the timings of a load.
func printLoadReport(w io.Writer, rep *load.Report) {
	v := rep.Version
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\ntables:")
	fmt.Fprintln(tw, "table\tfile\tformat\trows in\taccepted\tquarantined\tflagged\t")
	for _, t := range v.Tables {
		format := t.Format
		if t.Encoding != "" {
			format += " " + t.Encoding
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", t.Table, t.File, format, group(t.RowsIn), group(t.Accepted), group(t.Quarantined), group(t.Flagged))
	}
	tw.Flush()
	for _, t := range v.Tables {
		if len(t.Extra) > 0 {
			fmt.Fprintf(w, "  %s: unknown columns kept aside in _extra: %s\n", t.Table, strings.Join(t.Extra, ", "))
		}
		if len(t.Missing) > 0 {
			fmt.Fprintf(w, "  %s: optional columns absent, loaded empty: %s\n", t.Table, strings.Join(t.Missing, ", "))
		}
	}
	if len(rep.Quarantine) > 0 {
		fmt.Fprintln(w, "\nquarantine and flags:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "table\treason\taction\trows\tmessage")
		for _, c := range rep.Quarantine {
			msg := ""
			if r, ok := load.LookupReason(c.Reason); ok {
				msg = r.ZH + " / " + r.EN
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Table, c.Reason, c.Action, group(c.Count), msg)
		}
		tw.Flush()
	}
	if len(rep.Phases) > 0 {
		fmt.Fprintln(w, "\ntimings:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, p := range rep.Phases {
			fmt.Fprintf(tw, "  %s\t%s\n", p.Phase, p.Duration.Round(time.Millisecond))
		}
		tw.Flush()
	}
}
