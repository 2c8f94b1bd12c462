package dashboards

import (
	"fmt"
	"net/http"
)

// checkRoutes refuses a route table in which a route naming persons
// would be cached.
func checkRoutes(rs []route) error {
	for _, r := range rs {
		if r.Personal && (r.Cache || r.SelfGzip) {
			return fmt.Errorf("dashboards: route %s names persons and must not be cached", r.Name)
		}
	}
	return nil
}

// route is one entry of the route table, from which both the router and
// the OpenAPI document are generated.
type route struct {
	Method, Path string
	Name         string // operation id
	Summary      string
	API          bool   // under /api/v1, described in the OpenAPI document
	Public       bool   // no login needed
	Roles        []Role // any of them; empty means any logged-in user
	// Unit says where the route takes a division code from: "path" (the
	// :code parameter), "query" (?unit=, default the user's jurisdiction)
	// or "" (none; the route's data is filtered to the user's scope).
	Unit   string
	Params []param
	Body   string // request body schema name, for POST
	// Cache marks a GET API route whose JSON answer may be reused for
	// the same URI, jurisdiction, language and export class (respcache.go).
	Cache bool
	// Personal marks a route whose answers name or list persons (masked
	// or not): they are sent with Cache-Control: no-store and never kept
	// in the response cache (New refuses Personal with Cache or SelfGzip).
	Personal bool
	// SelfGzip marks a page that compresses its own answers
	// (renderCachedPage): the gzip middleware skips it.
	SelfGzip bool
	Produces []string // response media types; default application/json
	h        func(*req) error
}

// param is a query or path parameter.
type param struct {
	Name, In, Desc string
	Required       bool
	Enum           []string
}

var (
	pCode      = param{Name: "code", In: "path", Desc: "division code (2, 4, 6, 9 or 12 digits; 00 the nation)", Required: true}
	pID        = param{Name: "id", In: "path", Desc: "identifier", Required: true}
	pUnit      = param{Name: "unit", In: "query", Desc: "division code; default the user's jurisdiction"}
	pPeriod    = param{Name: "period", In: "query", Desc: "YYYY-MM, YYYY-Qn or YYYY; default the latest month"}
	pIndicator = param{Name: "indicator", In: "query", Desc: "indicator id from /api/v1/catalog"}
	pLevel     = param{Name: "level", In: "query", Desc: "level of the rows", Enum: []string{"province", "city", "county", "township", "village"}}
	pFormat    = param{Name: "format", In: "query", Desc: "response format", Enum: []string{"json", "csv", "parquet"}}
	pPublic    = param{Name: "public", In: "query", Desc: "1: public-facing export, small cells suppressed", Enum: []string{"0", "1"}}
	pMonths    = param{Name: "months", In: "query", Desc: "length of the series in months (1–120, default 36)"}
	pRefresh   = param{Name: "refresh", In: "query", Desc: "seconds between the screen's refreshes (5–3600, default 300)"}
	pLevelF    = param{Name: "level", In: "query", Desc: "alert level", Enum: AlertLevels}
	pStatus    = param{Name: "status", In: "query", Desc: "alert status: active (new or acknowledged; the default), new, acknowledged, grouped, superseded, resolved; empty: all", Enum: AlertStatuses}
	pKind      = param{Name: "kind", In: "query", Desc: "worklist kind; default all", Enum: WorklistKinds}
	pItemSt    = param{Name: "status", In: "query", Desc: "worklist item status; default all", Enum: ItemStatuses}
	pOffset    = param{Name: "offset", In: "query", Desc: "items to skip"}
	pLimit     = param{Name: "limit", In: "query", Desc: "items to return (JSON ≤ 1000, default 100; CSV ≤ 100000, default all)"}
	pCSV       = param{Name: "format", In: "query", Desc: "response format", Enum: []string{"json", "csv"}}
	pLang      = param{Name: "lang", In: "query", Desc: "label language", Enum: []string{"zh", "en"}}
)

const (
	mimeCSV     = "text/csv"
	mimeParquet = "application/vnd.apache.parquet"
	mimeHTML    = "text/html"
)

var (
	exporters = []Role{RoleViewer, RoleStatistician, RoleOperator}
	ackers    = []Role{RoleStatistician, RoleOperator}
	operators = []Role{RoleOperator}
	admins    = []Role{RoleAdmin}
)

// routeTable is the one list of routes.
func (s *Server) routeTable() []route {
	get, post := http.MethodGet, http.MethodPost
	return []route{
		// Pages.
		{Method: get, Path: "/login", Name: "loginPage", Public: true, h: s.loginPage},
		{Method: post, Path: "/login", Name: "loginForm", Public: true, h: s.login},
		{Method: post, Path: "/logout", Name: "logoutForm", h: s.logout},
		{Method: get, Path: "/", Name: "home", h: s.home},
		{Method: get, Path: "/units/:code", Name: "overviewPage", Unit: "path", SelfGzip: true, Params: []param{pCode, pPeriod}, h: s.overviewPage},
		{Method: get, Path: "/explorer", Name: "explorerPage", Unit: "query", Params: []param{pIndicator, pUnit, pLevel, pPeriod}, h: s.explorerPage},
		{Method: get, Path: "/panel", Name: "panelPage", Params: []param{pIndicator, pPeriod}, h: s.panelPage},
		{Method: get, Path: "/projections", Name: "projectionsPage", Unit: "query", Params: []param{pUnit}, h: s.projectionsPage},
		{Method: get, Path: "/alerts", Name: "alertsPage", Unit: "query", Params: []param{pUnit, pLevelF, pStatus, pIndicator}, h: s.alertsPage},
		{Method: get, Path: "/alerts/:id", Name: "alertPage", Params: []param{pID}, h: s.alertPage},
		{Method: post, Path: "/alerts/:id/ack", Name: "alertAckForm", Roles: ackers, Params: []param{pID}, h: s.alertAckForm},
		{Method: get, Path: "/quality", Name: "qualityPage", Unit: "query", Params: []param{pUnit, pPeriod}, h: s.qualityPage},
		{Method: get, Path: "/worklists", Name: "worklistsPage", Personal: true, Unit: "query", Roles: operators, Params: []param{pUnit, pKind, pItemSt, pOffset}, h: s.worklistPage},
		{Method: post, Path: "/worklists/:id/status", Name: "workItemStatusForm", Personal: true, Roles: operators, Params: []param{pID}, h: s.workItemStatusForm},
		{Method: get, Path: "/reports", Name: "reportsPage", Unit: "query", Params: []param{pUnit}, h: s.reportsPage},
		{Method: get, Path: "/snapshots", Name: "snapshotsPage", Roles: admins, h: s.snapshotsPage},
		{Method: get, Path: "/screen", Name: "screenPage", Unit: "query", Params: []param{pUnit, pPeriod, pRefresh}, h: s.screenPage},
		{Method: get, Path: "/audit", Name: "auditPage", Personal: true, Roles: admins, h: s.auditPage},

		// JSON API.
		{Method: post, Path: "/api/v1/login", Name: "login", API: true, Public: true, Body: "Login", Summary: "Log in; sets the session cookie", h: s.login},
		{Method: post, Path: "/api/v1/logout", Name: "logout", API: true, Summary: "Log out", h: s.logout},
		{Method: get, Path: "/api/v1/openapi.json", Name: "openapi", API: true, Public: true, Summary: "This OpenAPI document", h: s.openapi},
		{Method: get, Path: "/api/v1/me", Name: "me", API: true, Summary: "The logged-in user", h: s.apiMe},
		{Method: get, Path: "/api/v1/catalog", Name: "catalog", API: true, Cache: true, Params: []param{pLang}, Summary: "The indicator catalog", h: s.apiCatalog},
		{Method: get, Path: "/api/v1/units/:code", Name: "unit", API: true, Cache: true, Unit: "path", Params: []param{pCode}, Summary: "A division: breadcrumb and children", h: s.apiUnit},
		{Method: get, Path: "/api/v1/units/:code/overview", Name: "overview", API: true, Cache: true, Unit: "path", Params: []param{pCode, pPeriod, pLang}, Summary: "Overview page data: key figures, alerts, children, trends, pyramid, quality", h: s.apiOverview},
		{Method: get, Path: "/api/v1/units/:code/children", Name: "children", API: true, Cache: true, Unit: "path", Params: []param{pCode, pIndicator, pPeriod}, Summary: "One indicator for every child unit", h: s.apiChildren},
		{Method: get, Path: "/api/v1/units/:code/series", Name: "series", API: true, Cache: true, Unit: "path", Params: []param{pCode, pIndicator, pPeriod, pMonths}, Summary: "Monthly series of an indicator", h: s.apiSeries},
		{Method: get, Path: "/api/v1/units/:code/pyramid", Name: "pyramid", API: true, Cache: true, Unit: "path", Params: []param{pCode, pPeriod}, Summary: "Population by sex and age", h: s.apiPyramid},
		{Method: get, Path: "/api/v1/screen", Name: "screen", API: true, Unit: "query", Params: []param{pUnit, pPeriod, pLang, pRefresh}, Summary: "Meeting-room screen data: key figures, map, trends, pyramid, newest orange and red alerts", h: s.apiScreen},
		{Method: get, Path: "/api/v1/geo/:code", Name: "geo", API: true, Unit: "path", Params: []param{pCode}, Summary: "GeoJSON of a unit's children (nation, provinces and cities)", h: s.apiGeo},
		{Method: get, Path: "/api/v1/explorer", Name: "explorer", API: true, Cache: true, Unit: "query", Roles: exporters, Params: []param{pIndicator, pUnit, pLevel, pPeriod, pFormat, pPublic, pLang}, Produces: []string{"application/json", mimeCSV, mimeParquet}, Summary: "Any indicator for the units of a level below a unit, with lineage; CSV/Parquet export", h: s.apiExplorer},
		{Method: get, Path: "/api/v1/panel", Name: "panel", API: true, Cache: true, Params: []param{pIndicator, pPeriod}, Summary: "The monitoring counties in scope and (nation-level users) the national estimate", h: s.apiPanel},
		{Method: get, Path: "/api/v1/projections/scenarios", Name: "scenarios", API: true, Summary: "Built-in projection scenarios", h: s.apiScenarios},
		{Method: post, Path: "/api/v1/projections/run", Name: "runProjection", API: true, Unit: "query", Params: []param{pUnit, pFormat}, Body: "ProjectionRequest", Produces: []string{"application/json", mimeCSV}, Summary: "Run cohort-component projections for a unit under scenarios", h: s.apiRunProjection},
		{Method: get, Path: "/api/v1/alerts", Name: "alerts", API: true, Unit: "query", Params: []param{pUnit, pLevelF, pStatus, pIndicator}, Summary: "Alerts in scope, most severe first", h: s.apiAlerts},
		{Method: get, Path: "/api/v1/alerts/:id", Name: "alert", API: true, Params: []param{pID}, Summary: "One alert with explanation and history", h: s.apiAlert},
		{Method: post, Path: "/api/v1/alerts/:id/ack", Name: "ackAlert", API: true, Roles: ackers, Params: []param{pID}, Body: "Ack", Summary: "Acknowledge an alert", h: s.apiAckAlert},
		{Method: get, Path: "/api/v1/quality", Name: "quality", API: true, Cache: true, Unit: "query", Params: []param{pUnit, pPeriod, pCSV, pPublic}, Produces: []string{"application/json", mimeCSV}, Summary: "Data-quality measures of a unit and its children, score trend, worklist sizes; CSV export", h: s.apiQuality},
		{Method: get, Path: "/api/v1/quality/worklist", Name: "worklist", Personal: true, API: true, Unit: "query", Roles: operators, Params: []param{pUnit, pKind, pItemSt, pOffset, pLimit, pCSV}, Produces: []string{"application/json", mimeCSV}, Summary: "Personal records to check, masked; CSV export (audited)", h: s.apiWorklist},
		{Method: post, Path: "/api/v1/quality/worklist/:id/status", Name: "workItemStatus", Personal: true, API: true, Roles: operators, Params: []param{pID}, Body: "WorkItemStatus", Summary: "Set a worklist item's status with a note (audited)", h: s.apiWorkItemStatus},
		{Method: post, Path: "/api/v1/quality/worklist/:id/reveal", Name: "reveal", Personal: true, API: true, Roles: operators, Params: []param{pID}, Body: "Reveal", Summary: "Reveal a worklist record's name and ID number: purpose, reason, per-user rate (429); audited, no-store", h: s.apiReveal},
		{Method: get, Path: "/api/v1/reports", Name: "reports", API: true, Unit: "query", Params: []param{pUnit}, Summary: "Monthly reports archive", h: s.apiReports},
		{Method: get, Path: "/api/v1/reports/:id", Name: "report", API: true, Params: []param{pID}, Produces: []string{mimeHTML, "application/pdf"}, Summary: "Download one report", h: s.apiReport},
		{Method: get, Path: "/api/v1/snapshots", Name: "snapshots", API: true, Roles: admins, Summary: "Loaded versions, load reports, quarantine summary", h: s.apiSnapshots},
		{Method: post, Path: "/api/v1/admin/loads", Name: "startLoad", API: true, Roles: admins, Body: "LoadRequest", Summary: "Load a snapshot directory on the server's machine in the background, then run the post-load pipeline (also with the local admin token)", h: s.apiStartLoad},
		{Method: get, Path: "/api/v1/admin/loads", Name: "loadJobs", API: true, Roles: admins, Summary: "Loads submitted to this server", h: s.apiLoadJobs},
		{Method: get, Path: "/api/v1/admin/loads/:id", Name: "loadJob", API: true, Roles: admins, Params: []param{pID}, Summary: "One submitted load and its progress", h: s.apiLoadJob},
		{Method: get, Path: "/api/v1/audit", Name: "audit", Personal: true, API: true, Roles: admins, Params: []param{{Name: "user", In: "query"}, {Name: "action", In: "query"}, {Name: "format", In: "query", Enum: []string{"json", "csv"}}}, Produces: []string{"application/json", mimeCSV}, Summary: "The audit log", h: s.apiAudit},
	}
}
