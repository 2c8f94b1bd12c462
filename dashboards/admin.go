package dashboards

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/padis/padis/models"
)

// ReportInfo is one archived monthly report.
type ReportInfo struct {
	ID     string    `json:"id"`
	Unit   string    `json:"unit"`
	Period Period    `json:"period"`
	Title  string    `json:"title"`
	Format string    `json:"format"` // "html" or "pdf"
	Made   time.Time `json:"made"`
}

// ReportArchive is the monthly reports archive (dashboards/report writes it).
type ReportArchive interface {
	// Reports lists the reports of units at or below unit, newest first.
	Reports(ctx context.Context, unit string) ([]ReportInfo, error)
	// Open returns one report's content.
	Open(ctx context.Context, id string) (ReportInfo, io.ReadCloser, error)
}

func (r *req) reports() ([]ReportInfo, UnitInfo, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, UnitInfo{}, err
	}
	ui, err := r.unitInfo(d)
	if err != nil || r.s.cfg.Reports == nil {
		return nil, ui, err
	}
	rs, err := r.s.cfg.Reports.Reports(r.ctx(), d.Code)
	if err != nil {
		return nil, ui, err
	}
	out := rs[:0:0]
	for _, x := range rs {
		if InScope(r.user.Jurisdiction, x.Unit) {
			out = append(out, x)
		}
	}
	return out, ui, nil
}

func (s *Server) apiReports(r *req) error {
	rs, _, err := r.reports()
	if err != nil {
		return err
	}
	if s.cfg.Reports == nil {
		return ErrNotAvailable
	}
	return r.c.JSON(http.StatusOK, rs)
}

func (s *Server) apiReport(r *req) error {
	if s.cfg.Reports == nil {
		return ErrNotAvailable
	}
	info, rc, err := s.cfg.Reports.Open(r.ctx(), r.c.Param("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	if !InScope(r.user.Jurisdiction, info.Unit) {
		return fmt.Errorf("report %q: %w", info.ID, ErrNotFound)
	}
	ct := "text/html; charset=utf-8"
	if info.Format == "pdf" {
		ct = "application/pdf"
	}
	// A report is a self-contained document with inline styles and
	// images and no script: it gets its own, still script-free, policy.
	r.c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'none'")
	return r.c.Stream(http.StatusOK, ct, rc)
}

// snapshots lists the versions the user may see: those of a scope that is
// a division at or below the jurisdiction; other scopes (the monitoring
// panel, which spans provinces) only for users of the nation.
func (r *req) snapshots() ([]Snapshot, error) {
	ss, err := r.s.src.Snapshots(r.ctx())
	if err != nil {
		return nil, err
	}
	out := make([]Snapshot, 0, len(ss))
	for _, x := range ss {
		if _, ok := r.s.tree.Lookup(x.Scope); ok && InScope(r.user.Jurisdiction, x.Scope) || r.user.Jurisdiction == models.NationCode {
			out = append(out, x)
		}
	}
	return out, nil
}

// loadJobs lists the loads submitted to the server that the user may
// see (jobVisible).
func (r *req) loadJobs() []LoadJob {
	if r.s.cfg.Loader == nil {
		return nil
	}
	var out []LoadJob
	for _, j := range r.s.cfg.Loader.LoadJobs() {
		if r.jobVisible(j) {
			out = append(out, j)
		}
	}
	return out
}

func (s *Server) apiSnapshots(r *req) error {
	ss, err := r.snapshots()
	if err != nil {
		return err
	}
	return r.c.JSON(http.StatusOK, ss)
}

func (s *Server) apiAudit(r *req) error {
	rs, err := r.auditRecords()
	if err != nil {
		return err
	}
	switch f := r.c.QueryParam("format"); f {
	case "", "json":
		return r.c.JSON(http.StatusOK, rs)
	case "csv":
		if err := r.audit("export_audit", "audit log", r.user.Jurisdiction, ""); err != nil {
			return err
		}
		r.c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		r.c.Response().Header().Set("Content-Disposition", `attachment; filename="padis-audit.csv"`)
		r.c.Response().WriteHeader(http.StatusOK)
		return WriteAuditCSV(r.c.Response(), rs)
	default:
		return clientErr(http.StatusBadRequest, "err.format_json_csv", strings.TrimSpace(f))
	}
}
