package dashboards

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Loader runs snapshot loads submitted to the server ('padis load' while
// 'padis serve' holds the store). The server keeps answering from the
// current versions while a load runs; the loader tells the server to
// Invalidate its caches when a new cube is published.
type Loader interface {
	// StartLoad starts loading the snapshot directory dir (an absolute
	// path on the server's machine) in the background; pipeline false
	// only loads and publishes. It returns ErrLoadBusy while another load
	// runs.
	StartLoad(dir string, pipeline bool, user string) (LoadJob, error)
	// LoadJob returns a job by id (ErrNotFound when unknown).
	LoadJob(id string) (LoadJob, error)
	// LoadJobs lists the jobs since the server started, newest first.
	LoadJobs() []LoadJob
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
	Dir      string `json:"dir"`
	Pipeline *bool  `json:"pipeline,omitempty"` // default true
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
		return echo.NewHTTPError(http.StatusBadRequest, "body must be {\"dir\": snapshot directory, \"pipeline\": true|false}")
	}
	job, err := l.StartLoad(in.Dir, in.Pipeline == nil || *in.Pipeline, r.user.Name)
	if errors.Is(err, ErrLoadBusy) {
		return echo.NewHTTPError(http.StatusConflict, err.Error())
	}
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	if err := r.audit("load", in.Dir, "", ""); err != nil {
		return err
	}
	return r.c.JSON(http.StatusAccepted, job)
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
