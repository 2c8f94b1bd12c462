package querysrc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/models"
)

// Reports adapts the monthly report archive written by dashboards/report
// (padis report --archive, or its scheduler) to dashboards.ReportArchive.
// A report's id is its file name, "<division>-<YYYY-MM>.<lang>.<format>".
type Reports struct {
	Archive report.Archive
}

// Reports implements dashboards.ReportArchive.
func (r Reports) Reports(_ context.Context, unit string) ([]dashboards.ReportInfo, error) {
	es, err := r.Archive.List([]string{unit})
	if err != nil {
		return nil, err
	}
	out := make([]dashboards.ReportInfo, 0, len(es))
	for _, e := range es {
		out = append(out, dashboards.ReportInfo{ID: e.Name, Unit: e.Division, Period: dashboards.Period(e.Month),
			Title: fmt.Sprintf("%s %s (%s)", e.UnitName, e.Month, e.Lang), Format: e.Format, Made: e.Generated})
	}
	return out, nil
}

// Open implements dashboards.ReportArchive. Scoping is the caller's: the
// returned info names the report's unit.
func (r Reports) Open(_ context.Context, id string) (dashboards.ReportInfo, io.ReadCloser, error) {
	div, month, ok := splitReportName(id)
	if !ok {
		return dashboards.ReportInfo{}, nil, fmt.Errorf("report %q: %w", id, dashboards.ErrNotFound)
	}
	p, err := r.Archive.Path([]string{models.NationCode}, div, month, id)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return dashboards.ReportInfo{}, nil, fmt.Errorf("report %q: %w", id, dashboards.ErrNotFound)
		}
		return dashboards.ReportInfo{}, nil, fmt.Errorf("report %q: %v: %w", id, err, dashboards.ErrNotFound)
	}
	f, err := os.Open(p)
	if err != nil {
		return dashboards.ReportInfo{}, nil, fmt.Errorf("report %q: %w", id, err)
	}
	format := id[strings.LastIndexByte(id, '.')+1:]
	return dashboards.ReportInfo{ID: id, Unit: div, Period: dashboards.Period(month), Format: format}, f, nil
}

// splitReportName parses "<division>-<YYYY-MM>.<lang>.<format>".
func splitReportName(name string) (division, month string, ok bool) {
	i := strings.IndexByte(name, '-')
	if i < 2 || len(name) < i+8 || name[i+8] != '.' {
		return "", "", false
	}
	return name[:i], name[i+1 : i+8], true
}
