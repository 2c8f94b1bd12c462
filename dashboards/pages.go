package dashboards

import (
	"errors"
	"net/http"

	"github.com/padis/padis/models"
)

func (s *Server) loginPage(r *req) error {
	if r.user != nil {
		return r.c.Redirect(http.StatusSeeOther, "/")
	}
	return s.renderLogin(r, http.StatusOK, "", r.c.QueryParam("next"))
}

func (s *Server) home(r *req) error {
	return r.c.Redirect(http.StatusSeeOther, "/units/"+r.user.Jurisdiction)
}

func (s *Server) overviewPage(r *req) error {
	d, err := r.unit(r.c.Param("code"))
	if err != nil {
		return err
	}
	return r.renderCachedPage("overview", "nav.overview", func() (any, any, []Crumb, error) {
		p, err := r.period()
		if err != nil {
			return nil, nil, nil, err
		}
		o, err := r.overview(d, p)
		if err != nil {
			return nil, nil, nil, err
		}
		return o, overviewChart(o, r.lang), o.Unit.Breadcrumb, nil
	})
}

func (s *Server) explorerPage(r *req) error {
	ex, err := r.explorer()
	if err != nil {
		return err
	}
	if r.publicExport() {
		for i := range ex.Rows {
			suppressValue(&ex.Rows[i].Value, s.cfg.MinCell)
		}
	}
	return r.renderChart(http.StatusOK, "explorer", "nav.explorer", ex.Unit.Breadcrumb, ex, ex)
}

func (s *Server) panelPage(r *req) error {
	pd, err := r.panel()
	if err != nil {
		return err
	}
	var inds []IndicatorInfo
	for _, ind := range s.cat.All() {
		inds = append(inds, r.indicatorInfo(ind))
	}
	return r.renderChart(http.StatusOK, "panel", "nav.panel", nil, map[string]any{"Panel": pd, "Indicators": inds}, pd)
}

func (s *Server) projectionsPage(r *req) error {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return err
	}
	ui, err := r.unitInfo(d)
	if err != nil {
		return err
	}
	return r.render(http.StatusOK, "projections", "nav.projections", ui.Breadcrumb, map[string]any{"Unit": ui, "Scenarios": builtinScenarios(r.lang)})
}

// alertsPage is the number of alerts the alerts page shows at a time.
const alertsPage = 100

func (s *Server) alertsPage(r *req) error {
	all, ui, err := r.alertList()
	if err != nil {
		return err
	}
	// A province has thousands of alerts: the page shows alertsPage rows
	// from ?offset=, most severe first, and links to the next rows.
	offset, err := atoiDefault(r.c.QueryParam("offset"), 0, 0, 1<<30)
	if err != nil {
		return err
	}
	as := all[min(offset, len(all)):min(offset+alertsPage, len(all))]
	names, labels, groups := map[string]string{}, map[string]string{}, map[string]string{}
	for _, a := range as {
		if d, ok := s.tree.Lookup(a.Unit); ok {
			names[a.Unit] = d.Name
		}
		labels[a.Indicator] = r.alertIndicator(a.Indicator).Label
		groups[a.ID] = r.groupSummary(a)
	}
	var inds []IndicatorInfo
	for _, ind := range s.cat.All() {
		inds = append(inds, IndicatorInfo{ID: ind.ID, Label: ind.Label(r.lang)})
	}
	return r.render(http.StatusOK, "alerts", "nav.alerts", ui.Breadcrumb, map[string]any{
		"Unit": ui, "Alerts": as, "Total": len(all), "Next": r.nextPage("/alerts", offset+len(as), len(all)), "Level": r.c.QueryParam("level"), "Status": r.alertStatus(), "Indicator": r.c.QueryParam("indicator"),
		"Levels": AlertLevels, "Statuses": AlertStatuses, "Indicators": inds, "Names": names, "Labels": labels, "Groups": groups})
}

func (s *Server) alertPage(r *req) error {
	a, err := r.alert(r.c.Param("id"))
	if err != nil {
		return err
	}
	d, err := r.unit(a.Unit)
	if err != nil {
		return err
	}
	ui, err := r.unitInfo(d)
	if err != nil {
		return err
	}
	ind := r.alertIndicator(a.Indicator)
	kids, chart, err := r.alertDetail(&a, ind)
	if err != nil {
		return err
	}
	var group *Alert
	if a.GroupID != "" {
		if g, err := r.alert(a.GroupID); err == nil {
			group = &g
		}
	}
	return r.renderChart(http.StatusOK, "alert", "nav.alerts", ui.Breadcrumb, map[string]any{"Alert": a, "Unit": ui, "Indicator": ind,
		"Children": kids, "Group": group, "Summary": r.groupSummary(a)}, chart)
}

func (s *Server) qualityPage(r *req) error {
	q, err := r.quality()
	if err != nil {
		return err
	}
	return r.renderChart(http.StatusOK, "quality", "nav.quality", q.Unit.Breadcrumb, q, map[string]any{"trend": q.Trend, "label": msg(r.lang, "quality.score")})
}

func (s *Server) reportsPage(r *req) error {
	rs, ui, err := r.reports()
	if err != nil {
		return err
	}
	return r.render(http.StatusOK, "reports", "nav.reports", ui.Breadcrumb, map[string]any{"Reports": rs, "Available": s.cfg.Reports != nil})
}

func (s *Server) snapshotsPage(r *req) error {
	ss, err := r.snapshots()
	if err != nil && !errors.Is(err, ErrNotAvailable) {
		return err
	}
	return r.render(http.StatusOK, "snapshots", "nav.snapshots", nil, map[string]any{"Snapshots": ss, "Loads": r.loadJobs()})
}

func (s *Server) auditPage(r *req) error {
	rs, err := r.auditRecords()
	if err != nil {
		return err
	}
	// newest first, at most 500 on the page; the export has everything
	out := make([]AuditRecord, 0, 500)
	for i := len(rs) - 1; i >= 0 && len(out) < 500; i-- {
		out = append(out, rs[i])
	}
	return r.render(http.StatusOK, "audit", "nav.audit", nil, map[string]any{"Records": out, "Warning": s.cfg.AuditWarning})
}

// chartPoint and the types below are the slim shape app.js draws the
// overview from (the API's Overview carries more).
type chartPoint struct {
	Period Period   `json:"period"`
	Value  *float64 `json:"value"`
	// Provisional points (初步数) are drawn dashed at their nowcast, with
	// the registered count in the tooltip.
	Provisional bool     `json:"provisional,omitempty"`
	Nowcast     *float64 `json:"nowcast,omitempty"`
}

type chartTrend struct {
	Indicator struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"indicator"`
	Points []chartPoint `json:"points"`
}

type chartChild struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Values []*float64 `json:"values"`
}

func overviewChart(o *Overview, lang models.Lang) map[string]any {
	var ch []chartChild
	for _, r := range o.Children.Rows {
		c := chartChild{Code: r.Code, Name: r.Name}
		if len(r.Values) > 0 {
			c.Values = r.Values[:1]
		}
		ch = append(ch, c)
	}
	var inds []IndicatorInfo
	if len(o.Children.Indicators) > 0 {
		inds = o.Children.Indicators[:1]
	}
	var trends []chartTrend
	for _, t := range o.Trends {
		var ct chartTrend
		ct.Indicator.ID, ct.Indicator.Label = t.Indicator.ID, t.Indicator.Label
		for _, p := range t.Points {
			ct.Points = append(ct.Points, chartPoint{p.Period, p.Value, p.Provisional, p.Nowcast})
		}
		trends = append(trends, ct)
	}
	return map[string]any{
		"labels":   map[string]string{"provisional": msg(lang, "prov.badge"), "registered": msg(lang, "prov.registered"), "nowcast": msg(lang, "prov.nowcast")},
		"unit":     map[string]string{"code": o.Unit.Code},
		"map":      o.Map,
		"children": map[string]any{"indicators": inds, "rows": ch},
		"trends":   trends,
		"pyramid":  o.Pyramid,
	}
}
