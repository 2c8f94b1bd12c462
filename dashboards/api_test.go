package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"gonum.org/v1/gonum/floats"
)

// routeCase exercises one route as a user allowed to use it.
type routeCase struct {
	user   string
	method string
	path   string
	body   any
	status int
	check  func(t *testing.T, e *testEnv, rec *httptest.ResponseRecorder)
}

func contains(subs ...string) func(*testing.T, *testEnv, *httptest.ResponseRecorder) {
	return func(t *testing.T, _ *testEnv, rec *httptest.ResponseRecorder) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(rec.Body.String(), s) {
				t.Errorf("body lacks %q:\n%.600s", s, rec.Body.String())
			}
		}
	}
}

// routeCases has one case per route name; TestEveryRouteIsTested fails
// when a route is added without one.
var routeCases = map[string]routeCase{
	"loginPage":       {user: "", method: "GET", path: "/login", status: 200, check: contains(`name="password"`, `name="_csrf" value="`)},
	"loginForm":       {user: "", method: "POST", path: "/login", body: "user=province&password=password-province&next=/panel", status: 303},
	"logoutForm":      {user: "province", method: "POST", path: "/logout", body: "", status: 303},
	"home":            {user: "province", method: "GET", path: "/", status: 303},
	"overviewPage":    {user: "province", method: "GET", path: "/units/5101", status: 200, check: contains("成都市", "children-chart", "pyramid-chart", "锦江区", "出生率")},
	"explorerPage":    {user: "county", method: "GET", path: "/explorer?indicator=cbr&level=township", status: 200, check: contains("锦官驿街道", "出生人数 / 生存人年数 × 1000", "v3 51 2025-06-30")},
	"panelPage":       {user: "admin", method: "GET", path: "/panel", status: 200, check: contains("panel-chart", "全国估计值")},
	"projectionsPage": {user: "county", method: "GET", path: "/projections", status: 200, check: contains("projection-form", "constant")},
	"alertsPage":      {user: "province", method: "GET", path: "/alerts?level=red", status: 200, check: contains("出生人口性别比偏高")},
	"alertPage":       {user: "province", method: "GET", path: "/alerts/a-srb-5101", status: 200, check: contains("108.9–116.0", "出生人口性别比112.4", "2025-05-03 08:00")},
	"alertAckForm":    {user: "county", method: "POST", path: "/alerts/a-tfr-510104/ack", body: "note=seen", status: 303},
	"qualityPage":     {user: "operator", method: "GET", path: "/quality", status: 200, check: contains("quality-table", "锦官驿街道", "quality-trend", `href="/worklists?unit=510104&amp;kind=duplicate&amp;status=open"`)},
	"reportsPage":     {user: "province", method: "GET", path: "/reports", status: 200, check: contains("成都市人口形势分析月报", "锦江区人口形势分析月报")},
	"snapshotsPage":   {user: "admin", method: "GET", path: "/snapshots", status: 200, check: contains("bad ID check character")},
	"auditPage":       {user: "admin", method: "GET", path: "/audit", status: 200, check: contains("login")},
	"screenPage":      {user: "province", method: "GET", path: "/screen?unit=5101", status: 200, check: contains(`id="screen"`, "成都市 · 数据大屏", `data-map="/api/v1/geo/5101"`, "pyramid-chart", "trend-chart")},
	"screen": {user: "province", method: "GET", path: "/api/v1/screen?unit=51&lang=en&refresh=60", status: 200, check: func(t *testing.T, e *testEnv, rec *httptest.ResponseRecorder) {
		sc := decode[Screen](t, rec)
		var ids []string
		for _, a := range sc.Alerts {
			ids = append(ids, a.ID+":"+a.Level)
		}
		if len(sc.Figures) != len(keyIndicators) || sc.Refresh != 60 || sc.Map != "/api/v1/geo/51" || sc.Labels["title"] != "Meeting-room screen" {
			t.Errorf("screen: %d figures, refresh %d, map %q, title %q", len(sc.Figures), sc.Refresh, sc.Map, sc.Labels["title"])
		}
		if got := strings.Join(ids, ","); !strings.Contains(got, "a-srb-5101:red") || !strings.Contains(got, "a-aging-5103:orange") || strings.Contains(got, "yellow") || strings.Contains(got, "blue") {
			t.Errorf("screen alerts %s: want the active red and orange ones only", got)
		}
		if !strings.Contains(sc.Source, "refresh=60") || !strings.Contains(sc.Source, "lang=en") {
			t.Errorf("screen refetches %q", sc.Source)
		}
	}},

	"login":   {user: "", method: "POST", path: "/api/v1/login", body: map[string]string{"user": "county", "password": "password-county"}, status: 200, check: contains(`"jurisdiction":"510104"`)},
	"logout":  {user: "county", method: "POST", path: "/api/v1/logout", status: 204},
	"openapi": {user: "", method: "GET", path: "/api/v1/openapi.json", status: 200, check: contains(`"openapi":"3.0.3"`, `/api/v1/units/{code}/overview`)},
	"me":      {user: "county", method: "GET", path: "/api/v1/me", status: 200, check: contains(`"name":"county"`)},
	"catalog": {user: "county", method: "GET", path: "/api/v1/catalog?lang=en", status: 200, check: contains(`"label":"crude birth rate"`)},
	"unit":    {user: "county", method: "GET", path: "/api/v1/units/510104", status: 200, check: contains(`"name":"锦江区"`, `"code":"510104017"`)},
	"overview": {user: "county", method: "GET", path: "/api/v1/units/510104/overview", status: 200, check: func(t *testing.T, e *testEnv, rec *httptest.ResponseRecorder) {
		o := decode[Overview](t, rec)
		if len(o.KeyFigures) != len(keyIndicators) || o.Pyramid == nil || len(o.Trends) != 3 || len(o.Trends[0].Points) != 36 {
			t.Fatalf("overview incomplete: %d key figures, pyramid %v, %d trends", len(o.KeyFigures), o.Pyramid != nil, len(o.Trends))
		}
		want := e.src.value("population", "510104", fakeLatest)
		if got := o.KeyFigures[0].Now.Value; got == nil || *got != *want.Value {
			t.Errorf("population = %v, want %v", got, *want.Value)
		}
		prev := e.src.value("population", "510104", fakeLatest.Shift(-1))
		wantDelta := (*want.Value - *prev.Value) / *prev.Value * 100
		if d := o.KeyFigures[0].DeltaMonth; d == nil || *d != wantDelta {
			t.Errorf("population change vs last month = %v, want %v", d, wantDelta)
		}
		if o.Alerts[2].Level != AlertYellow || o.Alerts[2].Count != 1 || o.Alerts[3].Count != 1 {
			t.Errorf("alert counts %+v: want 1 yellow (510104) and 1 blue (510104017), none from 510105", o.Alerts)
		}
		if len(o.Children.Rows) != 11 || o.Map != "" {
			t.Errorf("children %d (want 11 townships), map %q (want none)", len(o.Children.Rows), o.Map)
		}
	}},
	"children": {user: "province", method: "GET", path: "/api/v1/units/51/children?indicator=population", status: 200, check: func(t *testing.T, e *testEnv, rec *httptest.ResponseRecorder) {
		d := decode[ChildrenData](t, rec)
		sum := 0.0
		for _, r := range d.Rows {
			sum += *r.Value.Value
		}
		if len(d.Rows) != 21 || sum != *e.src.value("population", "51", fakeLatest).Value {
			t.Errorf("%d cities summing to %v; want 21 summing to the province", len(d.Rows), sum)
		}
	}},
	"series":    {user: "county", method: "GET", path: "/api/v1/units/510104017/series?indicator=births&months=24", status: 200, check: contains(`"period":"2023-07"`, `"period":"2025-06"`)},
	"pyramid":   {user: "county", method: "GET", path: "/api/v1/units/510104/pyramid", status: 200, check: contains(`"ages":[0,1,2`)},
	"geo":       {user: "province", method: "GET", path: "/api/v1/geo/51", status: 200, check: contains(`"code":"5101"`, `"code":"5134"`)},
	"explorer":  {user: "county", method: "GET", path: "/api/v1/explorer?indicator=births&level=village&format=csv", status: 200, check: contains("\ufeffcode,name,indicator", "510104017")},
	"panel":     {user: "admin", method: "GET", path: "/api/v1/panel?indicator=tfr", status: 200, check: contains(`"national_estimate":{`)},
	"scenarios": {user: "county", method: "GET", path: "/api/v1/projections/scenarios", status: 200, check: contains(`"name":"low"`, `"label_key":"proj.scenario.low"`, `"label":"低方案（总和生育率−0.5）"`, `"name":"zero_migration"`)},
	"runProjection": {user: "county", method: "POST", path: "/api/v1/projections/run?unit=510104", body: map[string]any{"scenarios": []string{"constant", "low"}, "years": 20, "trajectories": 20}, status: 200, check: func(t *testing.T, e *testEnv, rec *httptest.ResponseRecorder) {
		d := decode[ProjectionData](t, rec)
		if len(d.Runs) != 2 || len(d.Years) != 21 || len(d.Male) != 21 || len(d.Bands) == 0 {
			t.Fatalf("runs %d years %d pyramids %d bands %d", len(d.Runs), len(d.Years), len(d.Male), len(d.Bands))
		}
		c, l := d.Runs[0].Series["total"], d.Runs[1].Series["total"]
		if c[0] != l[0] || l[20] >= c[20] {
			t.Errorf("low variant should start equal and end lower: constant %v→%v, low %v→%v", c[0], c[20], l[0], l[20])
		}
		// Births by the mother's age: 20 intervals × ages 15…49, adding
		// up to the births series.
		b := d.Runs[1].BirthsByMotherAge
		if len(d.MotherAges) != 35 || d.MotherAges[0] != 15 || len(b) != 20 || len(b[0]) != 35 {
			t.Fatalf("mother ages %v, births by mother's age %d×%d", d.MotherAges, len(b), len(b[0]))
		}
		if sum, births := floats.Sum(b[19]), d.Runs[1].Series["births"][19]; births <= 0 || math.Abs(sum-births) > 1e-6*births {
			t.Errorf("births by mother's age add up to %v, births %v", sum, births)
		}
	}},
	"alerts":   {user: "province", method: "GET", path: "/api/v1/alerts?status=active", status: 200, check: contains("a-srb-5101", "a-aging-5103")},
	"alert":    {user: "county", method: "GET", path: "/api/v1/alerts/a-tfr-510104", status: 200, check: contains(`"status":"new"`)},
	"ackAlert": {user: "county", method: "POST", path: "/api/v1/alerts/a-tfr-510104/ack", body: map[string]string{"note": "checked with the county"}, status: 200, check: contains(`"status":"acknowledged"`, `"user":"county"`)},
	"quality":  {user: "county", method: "GET", path: "/api/v1/quality", status: 200, check: contains(`"unit":"510104"`, `"unit":"510104017"`)},
	"worklist": {user: "operator", method: "GET", path: "/api/v1/quality/worklist?kind=undead", status: 200, check: contains(`"name":"张*`, `"id_number":"510104********`, `"kind":"undead"`)},
	"reveal":   {user: "operator", method: "POST", path: "/api/v1/quality/worklist/w-510104017/reveal", body: map[string]string{"purpose": "verification", "reason": "duplicate-card check"}, status: 200, check: contains(`"name":"张伟"`, `"id_number":"5101041980`)},
	"reports": {user: "county", method: "GET", path: "/api/v1/reports", status: 200, check: func(t *testing.T, _ *testEnv, rec *httptest.ResponseRecorder) {
		if rs := decode[[]ReportInfo](t, rec); len(rs) != 1 || rs[0].Unit != "510104" {
			t.Errorf("county sees reports %+v, want only 510104's", rs)
		}
	}},
	"report":    {user: "county", method: "GET", path: "/api/v1/reports/r-510104-2025-06", status: 200, check: contains("<h1>锦江区人口形势分析月报 2025-06</h1>")},
	"snapshots": {user: "admin", method: "GET", path: "/api/v1/snapshots", status: 200, check: contains(`"quarantined":10`)},
	"startLoad": {user: "admin", method: "POST", path: "/api/v1/admin/loads", body: map[string]any{"dir": "51-2025-07"}, status: 202, check: contains(`"state":"running"`, `/snapshots/51-2025-07"`, `"scope":"51"`, `"user":"admin"`)},
	"loadJobs":  {user: "admin", method: "GET", path: "/api/v1/admin/loads", status: 200, check: contains(`"id":"job-0"`, `"version":4`)},
	"loadJob":   {user: "admin", method: "GET", path: "/api/v1/admin/loads/job-0", status: 200, check: contains(`"state":"done"`, `"published":true`)},
	"audit":     {user: "admin", method: "GET", path: "/api/v1/audit", status: 200, check: contains(`"action":"login"`, `"user":"admin"`)},
}

func TestEveryRouteIsTested(t *testing.T) {
	e := newTestEnv(t)
	for _, r := range e.srv.routes {
		if _, ok := routeCases[r.Name]; !ok {
			t.Errorf("route %s %s (%s) has no case in routeCases", r.Method, r.Path, r.Name)
		}
	}
}

func TestRoutes(t *testing.T) {
	for _, r := range newTestEnv(t).srv.routes {
		tc := routeCases[r.Name]
		t.Run(r.Name, func(t *testing.T) {
			e := newTestEnv(t) // fresh state: some cases change it
			c := newClient(t, e, "10.1.0.1")
			if tc.user != "" {
				c.login(tc.user)
			} else {
				c.do("GET", "/login", nil)
			}
			rec := c.do(tc.method, tc.path, tc.body)
			if rec.Code != tc.status {
				t.Fatalf("%s %s: status %d, want %d\n%.500s", tc.method, tc.path, rec.Code, tc.status, rec.Body)
			}
			if tc.check != nil {
				tc.check(t, e, rec)
			}
		})
	}
}

func TestRolesAreEnforced(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		user, method, path string
		body               any
	}{
		{"countyviewer", "POST", "/api/v1/alerts/a-tfr-510104/ack", map[string]string{}},
		{"county", "GET", "/api/v1/quality/worklist", nil},
		{"county", "POST", "/api/v1/quality/worklist/w-510104017/reveal", map[string]string{"reason": "x"}},
		{"province", "GET", "/api/v1/snapshots", nil},
		{"province", "GET", "/api/v1/audit?format=csv", nil},
		{"operator", "GET", "/audit", nil},
	}
	for _, tt := range tests {
		c := loggedIn(t, e, tt.user)
		if rec := c.do(tt.method, tt.path, tt.body); rec.Code != http.StatusForbidden {
			t.Errorf("%s %s %s: %d, want 403", tt.user, tt.method, tt.path, rec.Code)
		}
	}
	anon := newClient(t, e, "10.9.9.9")
	if rec := anon.do("GET", "/api/v1/units/51", nil); rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Errorf("anonymous API: %d %s, want 401 JSON", rec.Code, rec.Body)
	}
	if rec := anon.do("GET", "/units/51", nil); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
		t.Errorf("anonymous page: %d %q, want redirect to login", rec.Code, rec.Header().Get("Location"))
	}
}

// TestRevealNeedsPurposeReasonAndRate: a reveal needs a purpose from the
// list and a reason of the configured length (in characters, Chinese
// counted right), is refused with a translated message otherwise, is
// limited per user, and is audited with its purpose.
func TestRevealNeedsPurposeReasonAndRate(t *testing.T) {
	e := newTestEnv(t)
	e.src.revealLimit = 2
	c := loggedIn(t, e, "operator")
	const item = "/api/v1/quality/worklist/w-510104017/reveal"
	refused := []struct {
		body any
		lang string
		want string
	}{
		{map[string]string{"reason": "duplicate check of the card"}, "zh", "请选择查看用途"},
		{map[string]string{"purpose": "curiosity", "reason": "duplicate check of the card"}, "en", "Choose the purpose"},
		{map[string]string{"purpose": "verification", "reason": " "}, "en", "at least 10 characters"},
		{map[string]string{"purpose": "verification", "reason": "x"}, "zh", "至少10个字"},
		{map[string]string{"purpose": "verification", "reason": "核实户口信息"}, "zh", "至少10个字"}, // 6 characters, 18 bytes
		{"not json", "en", `{\"purpose\"`},
	}
	for _, tt := range refused {
		rec := c.do("POST", item+"?lang="+tt.lang, tt.body)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("reveal %v: %d %s, want 400 with %q", tt.body, rec.Code, rec.Body, tt.want)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("refused reveal: Cache-Control %q", rec.Header().Get("Cache-Control"))
		}
	}
	if rec := c.do("POST", "/api/v1/quality/worklist/w-510105001/reveal", map[string]string{"purpose": "verification", "reason": "duplicate check of the card"}); rec.Code != http.StatusNotFound {
		t.Errorf("reveal outside jurisdiction: %d, want 404", rec.Code)
	}
	for _, reason := range []string{"duplicate check of the card", "户籍民警上门核实身份信息"} {
		if rec := c.do("POST", item, map[string]string{"purpose": "verification", "reason": reason}); rec.Code != http.StatusOK {
			t.Fatalf("reveal: %d %s", rec.Code, rec.Body)
		}
	}
	rec := c.do("POST", item+"?lang=zh", map[string]string{"purpose": "service", "reason": "a third reveal in the hour"})
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "已达查看上限") || strings.Contains(rec.Body.String(), "张伟") {
		t.Errorf("reveal over the rate: %d %s, want 429 translated", rec.Code, rec.Body)
	}
	rs, err := e.audit.Records(context.Background(), "operator", "")
	if err != nil {
		t.Fatal(err)
	}
	var reveals, refusals []AuditRecord
	for _, r := range rs {
		switch r.Action {
		case "reveal":
			reveals = append(reveals, r)
		case "reveal_refused":
			refusals = append(refusals, r)
		}
	}
	if len(reveals) != 3 || reveals[0].Target != "w-510104017" || reveals[0].Purpose != "verification" || reveals[0].Reason != "duplicate check of the card" || reveals[0].Unit != "510104017" || reveals[0].RequestID == "" {
		t.Errorf("audit records %+v: want three reveals of w-510104017 with purpose and reason", reveals)
	}
	if len(refusals) != 1 || refusals[0].Purpose != "service" {
		t.Errorf("the refused third reveal is not recorded as refused: %+v", refusals)
	}
	admin := loggedIn(t, e, "admin")
	rec = admin.do("GET", "/api/v1/audit?format=csv&action=reveal", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "operator,reveal,w-510104017,510104017,verification,duplicate check of the card") {
		t.Errorf("audit CSV export:\n%s", rec.Body)
	}
	// The policy is configurable: a longer minimum refuses the reason above.
	e.srv.cfg.Reveal.MinReason = 40
	if rec := c.do("POST", item+"?lang=en", map[string]string{"purpose": "verification", "reason": "duplicate check of the card"}); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "at least 40 characters") {
		t.Errorf("configured minimum: %d %s", rec.Code, rec.Body)
	}
}

func TestExportSuppressesSmallCellsForViewers(t *testing.T) {
	e := newTestEnv(t)
	// Village births are monthly counts of 0–2: all small cells (a month
	// is asked for: pages default to the rolling 12 months).
	path := "/api/v1/explorer?indicator=births&unit=510104017&level=village&period=2025-04&format=csv"
	viewer := loggedIn(t, e, "countyviewer")
	stat := loggedIn(t, e, "county")
	vb, sb := viewer.do("GET", path, nil).Body.String(), stat.do("GET", path, nil).Body.String()
	vLines, sLines := strings.Split(strings.TrimSpace(vb), "\r\n"), strings.Split(strings.TrimSpace(sb), "\r\n")
	if len(vLines) != len(sLines) || len(vLines) < 2 {
		t.Fatalf("viewer %d lines, statistician %d", len(vLines), len(sLines))
	}
	smallSeen := false
	for i := 1; i < len(sLines); i++ {
		sf, vf := strings.Split(sLines[i], ","), strings.Split(vLines[i], ",")
		small := sf[4] != "" && sf[4] != "0" && len(sf[4]) == 1 && sf[4] < "5"
		if small {
			smallSeen = true
			if vf[4] != "" || vf[9] != "true" {
				t.Errorf("viewer sees small cell %q for %s (suppressed=%s)", vf[4], vf[0], vf[9])
			}
		} else if vf[4] != sf[4] {
			t.Errorf("%s: viewer %q, statistician %q: only small cells may differ", sf[0], vf[4], sf[4])
		}
		if sf[9] != "false" {
			t.Errorf("statistician export suppressed %s", sf[0])
		}
	}
	if !smallSeen {
		t.Fatal("test data has no small cell; the test checks nothing")
	}
	if rec := stat.do("GET", path+"&public=1", nil); !strings.Contains(rec.Body.String(), ",true,") {
		t.Errorf("public=1 export by a statistician is not suppressed")
	}
}

func TestExplorerParquetReadsBack(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "county")
	rec := c.do("GET", "/api/v1/explorer?indicator=cbr&level=township&format=parquet", nil)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 11 || tbl.NumCols() != int64(len(exportColumns)) {
		t.Errorf("parquet: %d rows × %d columns, want 11 townships × %d", tbl.NumRows(), tbl.NumCols(), len(exportColumns))
	}
}

// TestExportCarriesProvisional checks that CSV and Parquet exports carry
// the provisional figures: the townships' births of a month still being
// registered are provisional with their registered count and nowcast,
// those of a complete month are not, and CBR of the rolling 12 months
// holding that month is provisional with the registered rate beside it.
func TestExportCarriesProvisional(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "county")
	col := map[string]int{}
	for i, h := range exportColumns {
		col[h] = i
	}
	for _, tt := range []struct {
		q           string
		provisional bool
	}{{"indicator=births&period=2025-06", true}, {"indicator=births&period=2025-04", false}, {"indicator=cbr&period=R12-2025-06", true}, {"indicator=cbr&period=2024", false}} {
		rec := c.do("GET", "/api/v1/explorer?level=township&format=csv&"+tt.q, nil)
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(rec.Body.String(), "\ufeff")), "\r\n")
		if rec.Code != 200 || len(lines) != 12 || lines[0] != strings.Join(exportColumns, ",") {
			t.Fatalf("%s: %d, %d lines, header %q", tt.q, rec.Code, len(lines), lines[0])
		}
		for _, l := range lines[1:] {
			f := strings.Split(l, ",")
			prov := f[col["provisional"]] == "true"
			if prov != tt.provisional || (prov && (f[col["registered"]] == "" || f[col["nowcast"]] == "")) || (!prov && f[col["nowcast"]] != "") {
				t.Errorf("%s: provisional %s registered %q nowcast %q: want provisional %v with both figures", tt.q, f[col["provisional"]], f[col["registered"]], f[col["nowcast"]], tt.provisional)
				break
			}
			if prov && f[col["registered"]] == f[col["nowcast"]] {
				t.Errorf("%s: registered and nowcast both %s", tt.q, f[col["nowcast"]])
				break
			}
		}
	}
}

func TestOpenAPIDescribesEveryAPIRoute(t *testing.T) {
	e := newTestEnv(t)
	rec := newClient(t, e, "10.2.0.1").do("GET", "/api/v1/openapi.json", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range e.srv.routes {
		if !r.API {
			continue
		}
		n++
		p := echoParam.ReplaceAllString(r.Path, "{$1}")
		if op, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok || op.OperationID != r.Name {
			t.Errorf("%s %s missing from the OpenAPI document", r.Method, p)
		}
	}
	ops := 0
	for _, item := range doc.Paths {
		ops += len(item)
	}
	if ops != n {
		t.Errorf("document has %d operations, route table %d API routes", ops, n)
	}
}

func TestSecurityMiddleware(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	rec := c.do("GET", "/units/51", nil)
	h := rec.Header()
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	if h.Get("X-Request-Id") == "" || h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", h)
	}
	// Unsafe request without the CSRF token.
	tok := c.cookies["padis_csrf"]
	delete(c.cookies, "padis_csrf")
	if rec := c.do("POST", "/api/v1/alerts/a-srb-5101/ack", map[string]string{}); rec.Code != http.StatusBadRequest && rec.Code != http.StatusForbidden {
		t.Errorf("POST without CSRF token: %d, want 400/403", rec.Code)
	}
	c.cookies["padis_csrf"] = tok + "x"
	req := httptest.NewRequest("POST", "/api/v1/logout", nil)
	req.AddCookie(&http.Cookie{Name: "padis_csrf", Value: tok})
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookies[sessionCookie]})
	req.Header.Set("X-CSRF-Token", "forged")
	rr := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rr, req)
	if rr.Code != http.StatusForbidden {
		t.Errorf("POST with a wrong CSRF token: %d, want 403", rr.Code)
	}
	// gzip
	req = httptest.NewRequest("GET", "/static/vendor/echarts/echarts.min.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rr = httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rr, req)
	if rr.Code != 200 || rr.Header().Get("Content-Encoding") != "gzip" || rr.Body.Len() > 600_000 {
		t.Errorf("static asset: %d, encoding %q, %d bytes", rr.Code, rr.Header().Get("Content-Encoding"), rr.Body.Len())
	}
}

func TestLoginCookiesAndRateLimit(t *testing.T) {
	e := newTestEnv(t)
	c := newClient(t, e, "10.3.0.1")
	c.do("GET", "/login", nil)
	rec := c.do("POST", "/api/v1/login", map[string]string{"user": "province", "password": "password-province"})
	var sc *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == sessionCookie {
			sc = ck
		}
	}
	if sc == nil || !sc.Secure || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want Secure, HttpOnly, SameSite=Lax", sc)
	}
	if rec := c.do("POST", "/api/v1/login", map[string]string{"user": "gone", "password": "password-gone"}); rec.Code != http.StatusUnauthorized {
		t.Errorf("disabled user logged in: %d", rec.Code)
	}
	bad := newClient(t, e, "10.3.0.2")
	bad.do("GET", "/login", nil)
	codes := []int{}
	for i := 0; i < 7; i++ {
		codes = append(codes, bad.do("POST", "/api/v1/login", map[string]string{"user": "admin", "password": "guess"}).Code)
	}
	want := []int{401, 401, 401, 401, 401, 429, 429}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("failed logins answered %v, want %v", codes, want)
		}
	}
	// Even the right password is refused while limited…
	if rec := bad.do("POST", "/api/v1/login", map[string]string{"user": "admin", "password": "password-admin"}); rec.Code != 429 {
		t.Errorf("right password while limited: %d, want 429", rec.Code)
	}
	// …and from another address too (the account is throttled, not only
	// the address)…
	other := newClient(t, e, "10.3.0.3")
	other.do("GET", "/login", nil)
	if rec := other.do("POST", "/api/v1/login", map[string]string{"user": "admin", "password": "password-admin"}); rec.Code != 429 {
		t.Errorf("right password from another address while the account is limited: %d, want 429", rec.Code)
	}
	// …but other accounts are not affected.
	loggedIn(t, e, "province")
	rs, _ := e.audit.Records(context.Background(), "", "login_failed")
	n := 0
	for _, r := range rs {
		if r.Target == "admin" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d login_failed audit records for admin, want 5", n)
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	if b := c.do("GET", "/units/51", nil).Body.String(); !strings.Contains(b, "出生率") || !strings.Contains(b, `lang="zh-CN"`) {
		t.Error("default page is not Chinese")
	}
	if b := c.do("GET", "/units/51?lang=en", nil).Body.String(); !strings.Contains(b, "crude birth rate") || !strings.Contains(b, `lang="en"`) {
		t.Error("?lang=en page is not English")
	}
	if b := c.do("GET", "/alerts", nil).Body.String(); !strings.Contains(b, "Alerts") {
		t.Error("the language choice is not remembered")
	}
}
