package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/pipeline"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// serverLoader runs the loads submitted to 'padis serve' (see
// dashboards.Loader): load.Load and the post-load pipeline in the
// background, one at a time, in the server's own store. Readers keep
// reading the previous versions (DuckDB gives every query a consistent
// snapshot, and the query engine only knows published cubes) until each
// step ends, when refresh re-reads the cube list and clears the caches.
type serverLoader struct {
	ctx     context.Context // the server's: cancelled at shutdown
	st      *store.Store
	keys    *pii.Keys
	tree    *models.DivisionTree
	hooks   func() []pipeline.Step // the report scheduler's AfterLoad
	refresh func(context.Context)  // reload the query engine, invalidate caches
	log     *slog.Logger

	mu      sync.Mutex
	jobs    []*dashboards.LoadJob // newest last
	running bool
	wg      sync.WaitGroup
}

var _ dashboards.Loader = (*serverLoader)(nil)

// StartLoad implements dashboards.Loader.
func (l *serverLoader) StartLoad(spec dashboards.LoadSpec) (dashboards.LoadJob, error) {
	if !filepath.IsAbs(spec.Dir) {
		return dashboards.LoadJob{}, fmt.Errorf("snapshot directory %q: want an absolute path on the server's machine", spec.Dir)
	}
	if _, err := os.Stat(filepath.Join(spec.Dir, "manifest.json")); err != nil {
		return dashboards.LoadJob{}, fmt.Errorf("snapshot directory %s: no manifest.json", spec.Dir)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running {
		return dashboards.LoadJob{}, dashboards.ErrLoadBusy
	}
	job := &dashboards.LoadJob{ID: rand.Text()[:12], Dir: spec.Dir, Scope: spec.Scope, User: spec.User, State: dashboards.LoadRunning, Started: time.Now().UTC(), Phase: "start"}
	l.jobs = append(l.jobs, job)
	l.running = true
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		l.run(job, spec)
	}()
	return *job, nil
}

// update changes a job under the lock.
func (l *serverLoader) update(job *dashboards.LoadJob, f func(j *dashboards.LoadJob)) {
	l.mu.Lock()
	f(job)
	l.mu.Unlock()
}

func (l *serverLoader) run(job *dashboards.LoadJob, spec dashboards.LoadSpec) {
	ctx := l.ctx
	log := l.log.With("load", job.ID, "dir", job.Dir)
	log.Info("load started", "user", job.User)
	fail := func(err error) {
		log.Error("load failed", "error", err)
		l.update(job, func(j *dashboards.LoadJob) {
			j.State, j.Error, j.Finished = dashboards.LoadFailed, err.Error(), time.Now().UTC()
		})
	}
	defer func() {
		l.mu.Lock()
		l.running = false
		l.mu.Unlock()
	}()
	opts := load.Options{Keys: l.keys, Divisions: l.tree, Logger: log, ProgressEvery: 250 * time.Millisecond, ExpectScope: spec.Scope,
		MaxQuarantine: spec.MaxQuarantine, Force: spec.Force, Actor: spec.User,
		Progress: func(p load.Progress) {
			l.update(job, func(j *dashboards.LoadJob) {
				j.Phase, j.Fraction = p.Phase, p.Fraction()
				j.Message = fmt.Sprintf("%s %s %s rows, %s rows/s", p.Phase, p.Table, group(p.Rows), group(int64(p.RowsPerSecond())))
			})
		}}
	rep, err := load.Load(ctx, l.st, job.Dir, opts)
	if err != nil {
		fail(fmt.Errorf("load %s: %w", job.Dir, err))
		return
	}
	raw, _ := json.Marshal(rep)
	in, acc, qu := rep.Version.Totals()
	l.update(job, func(j *dashboards.LoadJob) {
		j.Version, j.Published, j.Load, j.Fraction, j.Scope = rep.Version.ID, true, raw, 1, rep.Version.Scope
		j.Message = fmt.Sprintf("version %d of scope %s (as of %s) is current: %s rows read, %s accepted, %s quarantined",
			rep.Version.ID, rep.Version.Scope, rep.Version.AsOf.Format(time.DateOnly), group(in), group(acc), group(qu))
	})
	log.Info("load published", "version", rep.Version.ID, "already_loaded", rep.AlreadyLoaded)
	if spec.Pipeline {
		var hooks []pipeline.Step
		if l.hooks != nil {
			hooks = l.hooks()
		}
		cfg, err := pipeline.ConfigFromDir(l.st.Config().Dir)
		if err != nil {
			fail(err)
			return
		}
		prep, err := pipeline.Run(ctx, l.st, rep.Version.ID, pipeline.Options{Hooks: hooks, Config: cfg, Progress: func(e pipeline.Event) {
			if e.Done {
				// A finished step may have published a cube or values:
				// readers switch to them now.
				l.refresh(ctx)
				log.Info("pipeline step", "step", e.Step, "duration", e.Duration, "skipped", e.Skipped, "error", e.Err)
			}
			l.update(job, func(j *dashboards.LoadJob) {
				j.Phase, j.Fraction = e.Step, float64(e.Index-1)/float64(e.Total)
				if e.Done {
					j.Fraction = float64(e.Index) / float64(e.Total)
				}
				j.Message = fmt.Sprintf("[%d/%d] %s", e.Index, e.Total, e.Step)
			})
		}})
		praw, _ := json.Marshal(prep)
		l.update(job, func(j *dashboards.LoadJob) { j.Pipeline = praw })
		if err != nil {
			fail(fmt.Errorf("version %d is published, but its post-load pipeline failed: %w", rep.Version.ID, err))
			return
		}
	}
	l.refresh(ctx)
	l.update(job, func(j *dashboards.LoadJob) {
		j.State, j.Phase, j.Finished = dashboards.LoadDone, "done", time.Now().UTC()
	})
	log.Info("load done", "version", rep.Version.ID)
}

// LoadJob implements dashboards.Loader.
func (l *serverLoader) LoadJob(id string) (dashboards.LoadJob, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, j := range l.jobs {
		if j.ID == id {
			return *j, nil
		}
	}
	return dashboards.LoadJob{}, fmt.Errorf("load %q: %w", id, dashboards.ErrNotFound)
}

// LoadJobs implements dashboards.Loader.
func (l *serverLoader) LoadJobs() []dashboards.LoadJob {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]dashboards.LoadJob, 0, len(l.jobs))
	for i := len(l.jobs) - 1; i >= 0; i-- {
		out = append(out, *l.jobs[i])
	}
	return out
}

// wait waits for a running load to stop (after the server's context is
// cancelled, so that the store is closed after it).
func (l *serverLoader) wait() { l.wg.Wait() }

// serverInfo is DATA/serve.json, written by padis serve (mode 0600) so
// that padis load can submit to it: where it listens and the admin token.
type serverInfo struct {
	URL   string `json:"url"`
	PID   int    `json:"pid"`
	Token string `json:"token"`
}

const serverInfoFile = "serve.json"

// writeServerInfo writes DATA/serve.json (mode 0600) and returns a
// function removing it.
func writeServerInfo(dir string, si serverInfo) (remove func(), err error) {
	data, _ := json.MarshalIndent(si, "", "  ")
	path := filepath.Join(dir, serverInfoFile)
	tmp := path + ".tmp"
	os.Remove(tmp)
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return nil, fmt.Errorf("server token file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("server token file: %w", err)
	}
	return func() { os.Remove(path) }, nil
}

// readServerInfo reads DATA/serve.json, refusing a file others can read.
func readServerInfo(dir string) (serverInfo, error) {
	path := filepath.Join(dir, serverInfoFile)
	fi, err := os.Stat(path)
	if err != nil {
		return serverInfo{}, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return serverInfo{}, fmt.Errorf("%s: mode %v: want 0600 (it holds the admin token)", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return serverInfo{}, err
	}
	var si serverInfo
	if err := json.Unmarshal(data, &si); err != nil || si.URL == "" || si.Token == "" {
		return serverInfo{}, fmt.Errorf("%s: not a server token file", path)
	}
	return si, nil
}

// storeLocked reports whether err is DuckDB refusing to open a database
// file another process holds.
func storeLocked(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "Could not set lock on file") || strings.Contains(err.Error(), "Conflicting lock"))
}

var errServerLoad = errors.New("the load through the server failed")
