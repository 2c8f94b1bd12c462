package dashboards

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/padis/padis/models"
)

// Loader runs snapshot loads submitted to the server ('padis load' while
// 'padis serve' holds the store). The server keeps answering from the
// current versions while a load runs; the loader tells the server to
// Invalidate its caches when a new cube is published.
type Loader interface {
	// StartLoad starts the load that spec describes in the background. It
	// returns ErrLoadBusy while another load runs.
	StartLoad(spec LoadSpec) (LoadJob, error)
	// LoadJob returns a job by id (ErrNotFound when unknown).
	LoadJob(id string) (LoadJob, error)
	// LoadJobs lists the jobs since the server started, newest first.
	LoadJobs() []LoadJob
}

// LoadSpec is a load the server accepted, with what it checked.
type LoadSpec struct {
	// Dir is the snapshot directory, an absolute path on the server's
	// machine.
	Dir string
	// Scope is the manifest's scope key the server checked against the
	// user's jurisdiction ("" when unchecked, for the local admin token):
	// the loader refuses a manifest whose scope is another.
	Scope string
	// Pipeline false only loads and publishes.
	Pipeline bool
	// User is who submitted the load.
	User string
	// MaxQuarantine is the bound on the quarantined share of a required
	// table (0: engine/load's default); Force publishes over it. Both are
	// an administrator's decision, audited with the submission.
	MaxQuarantine float64
	Force         bool
}

// ErrLoadBusy is returned by Loader.StartLoad while a load runs.
var ErrLoadBusy = errors.New("a load is already running")

// Load job states.
const (
	LoadRunning = "running"
	LoadDone    = "done"
	LoadFailed  = "failed"
)

// LoadJob is one load submitted to the server and its progress.
type LoadJob struct {
	ID       string    `json:"id"`
	Dir      string    `json:"dir"`
	Scope    string    `json:"scope,omitempty"` // the manifest's scope key
	User     string    `json:"user"`
	State    string    `json:"state"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Phase and Fraction follow the load ("read" 0.4…), then the
	// pipeline's steps ("cube", "quality"…).
	Phase    string  `json:"phase"`
	Fraction float64 `json:"fraction"`
	Message  string  `json:"message,omitempty"` // one line of progress
	Version  int64   `json:"version,omitempty"`
	Error    string  `json:"error,omitempty"`
	// Published is true once the version is current (a failing pipeline
	// step leaves it so).
	Published bool `json:"published"`
	// Load and Pipeline are the loader's reports (engine/load.Report and
	// engine/pipeline.Report as JSON).
	Load     json.RawMessage `json:"load,omitempty"`
	Pipeline json.RawMessage `json:"pipeline,omitempty"`
}

// LoadRequest is the body of POST /api/v1/admin/loads.
type LoadRequest struct {
	// Dir is the snapshot directory: for dashboard users, a path under
	// the server's snapshot area (absolute, or relative to the area).
	Dir      string `json:"dir"`
	Pipeline *bool  `json:"pipeline,omitempty"` // default true
	// MaxQuarantine is the largest share (0–1] of a required table's rows
	// that may be quarantined (omitted: the default, 5 %).
	MaxQuarantine float64 `json:"max_quarantine,omitempty"`
	// Force publishes the snapshot even over the quarantine bound (never
	// with rows missing or out of scope); audited as load_forced.
	Force bool `json:"force,omitempty"`
}

// tokenUser is the identity of requests carrying the local admin token.
const tokenUser = "local-admin-token"

// adminPrefix is where the local admin token is accepted.
const adminPrefix = "/api/v1/admin/"

// tokenAuth reports whether c carries the server's local admin token
// (Authorization: Bearer TOKEN) on an admin API path. Such requests come
// from 'padis load' on the same machine, not from a browser: they need no
// CSRF token.
func (s *Server) tokenAuth(c echo.Context) bool {
	if s.cfg.AdminToken == "" || !strings.HasPrefix(c.Request().URL.Path, adminPrefix) {
		return false
	}
	tok, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.AdminToken)) == 1
}

func (s *Server) loader() (Loader, error) {
	if s.cfg.Loader == nil {
		return nil, fmt.Errorf("loads through the server: %w", ErrNotAvailable)
	}
	return s.cfg.Loader, nil
}

func (s *Server) apiStartLoad(r *req) error {
	l, err := s.loader()
	if err != nil {
		return err
	}
	var in LoadRequest
	if err := r.c.Bind(&in); err != nil || strings.TrimSpace(in.Dir) == "" {
		return clientErr(http.StatusBadRequest, "err.load_body")
	}
	if in.MaxQuarantine < 0 || in.MaxQuarantine > 1 {
		return clientErr(http.StatusBadRequest, "err.load_maxq")
	}
	dir, scope := in.Dir, ""
	if r.c.Get(ctxToken) == nil {
		if dir, scope, err = r.checkLoad(in.Dir); err != nil {
			return err
		}
	}
	job, err := l.StartLoad(LoadSpec{Dir: dir, Scope: scope, Pipeline: in.Pipeline == nil || *in.Pipeline, User: r.user.Name, MaxQuarantine: in.MaxQuarantine, Force: in.Force})
	if errors.Is(err, ErrLoadBusy) {
		return clientErr(http.StatusConflict, "err.load_busy")
	}
	if err != nil {
		return clientErr(http.StatusBadRequest, "err.load_start", err.Error())
	}
	// The submission is audited; an override of the quarantine bound as
	// load_forced, with the bound asked for.
	action, why := "load", ""
	if in.Force || in.MaxQuarantine != 0 {
		why = fmt.Sprintf("max_quarantine=%g force=%t", in.MaxQuarantine, in.Force)
	}
	if in.Force {
		action = "load_forced"
	}
	if err := r.audit(action, dir, scope, why); err != nil {
		return err
	}
	return r.c.JSON(http.StatusAccepted, job)
}

// checkLoad checks a load a dashboard user asks for: dir must resolve
// (after "..", symlinks and, when relative, joining the snapshot area)
// to a directory under the server's snapshot area, its manifest.json
// must be a regular file there, and the manifest's scope must lie
// inside the user's jurisdiction. It returns the resolved directory and
// the scope key. The local admin token (the machine's own operator, who
// could run 'padis load' anyway) is not checked.
func (r *req) checkLoad(dir string) (string, string, error) {
	root := r.s.cfg.SnapshotRoot
	if root == "" {
		return "", "", clientErr(http.StatusForbidden, "err.no_snapshot_area")
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", "", fmt.Errorf("snapshot area %s: %w", root, err)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(realRoot, dir)
	}
	outside := clientErr(http.StatusForbidden, "err.snapdir_outside", quoteCode(dir), root)
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		// Whether a path outside the area exists is not the user's
		// business: the same answer as for an existing one.
		if !within(realRoot, filepath.Clean(dir)) {
			return "", "", outside
		}
		return "", "", clientErr(http.StatusBadRequest, "err.snapdir_missing", quoteCode(dir))
	}
	if !within(realRoot, real) {
		return "", "", outside
	}
	mpath := filepath.Join(real, "manifest.json")
	if fi, err := os.Lstat(mpath); err != nil || !fi.Mode().IsRegular() {
		return "", "", clientErr(http.StatusBadRequest, "err.snapdir_manifest", quoteCode(dir))
	}
	m, err := models.ReadManifest(mpath)
	if err != nil {
		// The reader's message may quote the file: not shown.
		return "", "", clientErr(http.StatusBadRequest, "err.snapdir_invalid", quoteCode(dir))
	}
	if !r.scopeAllowed(m.Scope) {
		return "", "", clientErr(http.StatusForbidden, "err.scope_outside", quoteCode(m.Scope.Key()))
	}
	return real, m.Scope.Key(), nil
}

// within reports whether path is dir or below it (both cleaned, absolute).
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// scopeAllowed reports whether a snapshot of scope sc is the user's to
// load or see: users of the nation, any; others only a scope named by a
// division code in their jurisdiction whose province and counties are in
// it too (not the monitoring panel, which spans provinces).
func (r *req) scopeAllowed(sc models.Scope) bool {
	if r.user.Jurisdiction == models.NationCode {
		return true
	}
	d, ok := r.s.tree.Lookup(sc.Key())
	if !ok || !InScope(r.user.Jurisdiction, d.Code) {
		return false
	}
	if sc.Province != "" && !InScope(r.user.Jurisdiction, sc.Province) {
		return false
	}
	for _, c := range sc.Counties {
		if !InScope(r.user.Jurisdiction, c) {
			return false
		}
	}
	return true
}

// jobVisible reports whether the user may see a load job: their own, or
// one of a scope in their jurisdiction (users of the nation see all).
func (r *req) jobVisible(j LoadJob) bool {
	return r.user.Jurisdiction == models.NationCode || j.User == r.user.Name ||
		(j.Scope != "" && r.scopeAllowed(models.Scope{Name: j.Scope}))
}

func (s *Server) apiLoadJob(r *req) error {
	l, err := s.loader()
	if err != nil {
		return err
	}
	job, err := l.LoadJob(r.c.Param("id"))
	if err != nil {
		return err
	}
	if !r.jobVisible(job) {
		return fmt.Errorf("load %q: %w", job.ID, ErrNotFound)
	}
	return r.c.JSON(http.StatusOK, job)
}

func (s *Server) apiLoadJobs(r *req) error {
	if _, err := s.loader(); err != nil {
		return err
	}
	jobs := r.loadJobs()
	if jobs == nil {
		jobs = []LoadJob{}
	}
	return r.c.JSON(http.StatusOK, jobs)
}

// Invalidate drops every cached read and answer. The server's owner calls
// it after a new cube is published (a load through the server, or a new
// cube found by the periodic reload), so that the next requests read it.
func (s *Server) Invalidate() {
	if s.cache != nil {
		s.cache.clear()
	}
	s.resp.clear()
}
