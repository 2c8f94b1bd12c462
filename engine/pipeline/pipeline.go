// Package pipeline runs everything that follows the publication of a
// snapshot version: the indicator cube (cube.Refresh), then the engine
// post-steps (record linkage, data quality, alerts) in a fixed order, then
// the hooks of the caller (the monthly report's AfterLoad). Each step is
// timed and reported; an error is wrapped with the step's name. A load has
// already published the version when the pipeline starts, and nothing here
// unpublishes it: a failing step leaves the version current with whatever
// the steps before it wrote.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/dse"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/engine/quality"
	"github.com/padis/padis/engine/sae"
	"github.com/padis/padis/engine/store"
)

// Step is one named stage of the pipeline. Run must be idempotent: running
// it twice for the same version changes nothing the second time.
type Step struct {
	Name string
	Run  func(ctx context.Context, st *store.Store, version int64) error
}

// CubeStep is the name of the cube step.
const CubeStep = "cube"

// Options configures Run.
type Options struct {
	// Cube configures the cube build; the zero value gives the defaults
	// (age and value level county), as padis demo and padis load use.
	Cube cube.Options
	// Rebuild rebuilds the cube even when the version already has one.
	Rebuild bool
	// Steps replaces the post-steps that follow the cube (nil:
	// PostSteps(Config)).
	Steps []Step
	// Config configures the default post-steps (alert rules and
	// delivery); see ConfigFromDir.
	Config Config
	// Hooks run after the steps when the cube exists (the report
	// scheduler's AfterLoad). A failing hook is reported like a step.
	Hooks []Step
	// Progress, when set, is called when each step starts and ends.
	Progress func(Event)
}

// Event is the start (Done false) or end (Done true) of a step, or, with
// Phase set, the start of a phase inside the step (the cube's phases,
// cube.Options.Progress).
type Event struct {
	Step     string
	Index    int // 1-based position among all steps and hooks
	Total    int
	Phase    string
	Done     bool
	Skipped  bool          // the step found its work already done
	Duration time.Duration // when Done
	Err      error         // when Done and the step failed
}

// StepResult is how one step went.
type StepResult struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration"`
	Skipped  bool          `json:"skipped,omitempty"`
	Error    string        `json:"error,omitempty"`
}

// Report is the outcome of Run.
type Report struct {
	Version  int64         `json:"version"`
	Steps    []StepResult  `json:"steps"`
	Cube     *cube.Result  `json:"cube,omitempty"` // nil when the cube existed already
	Duration time.Duration `json:"duration"`
}

// PostSteps are the engine steps that run after the cube, in order:
// record linkage (worklists, and their sizes in the cube), data quality
// (which counts duplicate cards from linkage's tables, so it runs after
// it), the nowcasts of the months still being registered (one query of
// the events table), alerts (on the cube's values, quality indicators included). A new
// engine step is one more line here.
func PostSteps(cfg Config) []Step {
	return []Step{
		{Name: "linkage", Run: func(ctx context.Context, st *store.Store, v int64) error {
			_, err := linkage.Run(ctx, st, v, linkage.Options{})
			return err
		}},
		{Name: "quality", Run: func(ctx context.Context, st *store.Store, v int64) error {
			_, err := quality.Run(ctx, st, v, quality.Options{})
			return err
		}},
		{Name: "nowcast", Run: func(ctx context.Context, st *store.Store, v int64) error {
			_, err := nowcast.Run(ctx, st, v)
			return err
		}},
		{Name: "completeness", Run: func(ctx context.Context, st *store.Store, v int64) error {
			_, err := dse.Run(ctx, st, v, dse.Options{}) // dual-system completeness and *_adj, from linkage's matches
			return err
		}},
		{Name: "sae", Run: func(ctx context.Context, st *store.Store, v int64) error { _, err := sae.Run(ctx, st, v); return err }},
		{Name: "alerts", Run: func(ctx context.Context, st *store.Store, v int64) error {
			_, err := alerts.Evaluate(ctx, st, v, cfg.Alerts)
			return err
		}},
	}
}

// errSkipped marks a step that found its work done.
var errSkipped = errors.New("already done")

// Run runs the pipeline for the published version: the cube step, then
// opts.Steps (PostSteps when nil), then opts.Hooks. A failing cube step
// stops the pipeline (every later step reads the cube); a failing
// post-step or hook does not stop the others. The returned error joins the
// errors of the failed steps, each wrapped with its step's name; the
// report lists every step run.
func Run(ctx context.Context, st *store.Store, version int64, opts Options) (*Report, error) {
	begin := time.Now()
	rep := &Report{Version: version}
	steps := opts.Steps
	if steps == nil {
		steps = PostSteps(opts.Config)
	}
	all := make([]Step, 0, 1+len(steps)+len(opts.Hooks))
	co := opts.Cube
	if opts.Progress != nil && co.Progress == nil {
		co.Progress = func(phase string) {
			opts.Progress(Event{Step: CubeStep, Index: 1, Total: cap(all), Phase: phase})
		}
	}
	all = append(all, Step{Name: CubeStep, Run: func(ctx context.Context, st *store.Store, version int64) error {
		res, err := buildCube(ctx, st, version, co, opts.Rebuild)
		rep.Cube = res
		return err
	}})
	all = append(all, steps...)
	all = append(all, opts.Hooks...)
	var errs []error
	for i, s := range all {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Name, err))
			break
		}
		ev := Event{Step: s.Name, Index: i + 1, Total: len(all)}
		if opts.Progress != nil {
			opts.Progress(ev)
		}
		start := time.Now()
		err := s.Run(ctx, st, version)
		ev.Done, ev.Duration = true, time.Since(start)
		res := StepResult{Name: s.Name, Duration: ev.Duration}
		if errors.Is(err, errSkipped) {
			err, ev.Skipped, res.Skipped = nil, true, true
		}
		if err != nil {
			err = fmt.Errorf("%s: %w", s.Name, err)
			ev.Err, res.Error = err, err.Error()
			errs = append(errs, err)
		}
		rep.Steps = append(rep.Steps, res)
		if opts.Progress != nil {
			opts.Progress(ev)
		}
		if err != nil && i == 0 {
			break // no cube: nothing after it can run
		}
	}
	rep.Duration = time.Since(begin)
	if len(errs) > 0 {
		return rep, fmt.Errorf("pipeline of version %d: %w", version, errors.Join(errs...))
	}
	return rep, nil
}

// buildCube refreshes the cube of version unless it exists (or rebuild).
func buildCube(ctx context.Context, st *store.Store, version int64, o cube.Options, rebuild bool) (*cube.Result, error) {
	if !rebuild {
		built, err := HasCube(ctx, st, version)
		if err != nil {
			return nil, err
		}
		if built {
			return nil, errSkipped
		}
	}
	return cube.Refresh(ctx, st, version, o)
}

// HasCube reports whether the cube of version has been built.
func HasCube(ctx context.Context, st *store.Store, version int64) (bool, error) {
	if err := cube.EnsureSchema(ctx, st); err != nil {
		return false, err
	}
	var n int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+cube.RunsTable+` WHERE version = ?`, version).Scan(&n); err != nil {
		return false, fmt.Errorf("cube of version %d: %w", version, err)
	}
	return n > 0, nil
}
