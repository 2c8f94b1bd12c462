package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/padis/padis/models"
)

func TestInScope(t *testing.T) {
	tests := []struct {
		juris, code string
		want        bool
	}{
		{"00", "00", true}, {"00", "51", true}, {"51", "51", true}, {"51", "5101", true},
		{"51", "00", false}, {"51", "52", false}, {"510104", "510104017", true},
		{"510104", "510105", false}, {"510104", "5101", false}, {"510104", "510104017001", true},
		{"510104017", "510104", false},
	}
	for _, tt := range tests {
		if got := InScope(tt.juris, tt.code); got != tt.want {
			t.Errorf("InScope(%q, %q) = %v, want %v", tt.juris, tt.code, got, tt.want)
		}
	}
}

// foreignUnits are units a county-level user of 510104 must not see: the
// nation, another province, its own city, a sibling county and a township
// of the sibling, in short and padded forms.
var foreignUnits = []string{"00", "52", "5101", "510105", "510105001", "510100000000", "510105000000"}

// foreignIDs are resource ids belonging to units outside 510104.
var foreignIDs = []string{"a-srb-5101", "a-aging-5103", "a-rni-510105", "w-510105001", "w-510105002", "r-5101-2025-06", "r-51-2025-06", "../a-srb-5101"}

// codeRE finds division codes in a response.
var codeRE = regexp.MustCompile(`"(?:code|unit|division)":"(\d{2,12})"`)

// TestScopingCountyUser is the table-driven scoping test over the whole
// route table: for a county-level user every route given another unit's
// code (or another unit's resource id) answers 403 or 404 and no data, and
// routes without a unit return only units inside the county.
func TestScopingCountyUser(t *testing.T) {
	e := newTestEnv(t)
	users := map[string]*client{}
	for _, n := range []string{"county", "operator"} {
		users[n] = loggedIn(t, e, n)
	}
	bodies := map[string]any{
		"runProjection": map[string]any{"scenarios": []string{"constant"}, "years": 5},
		"ackAlert":      map[string]string{"note": "x"},
		"reveal":        map[string]string{"purpose": "verification", "reason": "a reason long enough to pass"},
		"alertAckForm":  "note=x",
	}
	tested := 0
	for _, r := range e.srv.routes {
		if r.Public || r.Name == "logout" || r.Name == "logoutForm" {
			continue
		}
		user := "county"
		if len(r.Roles) > 0 && !(&User{Roles: []Role{RoleViewer, RoleStatistician}}).HasAny(r.Roles) {
			user = "operator"
			if !(&User{Roles: []Role{RoleOperator}}).HasAny(r.Roles) {
				// admin-only routes: a county user is refused outright
				rec := users["county"].do(r.Method, strings.ReplaceAll(r.Path, ":id", "x"), bodies[r.Name])
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s: county user got %d, want 403", r.Name, rec.Code)
				}
				tested++
				continue
			}
		}
		c := users[user]
		var paths []string
		switch {
		case r.Unit == "path":
			for _, u := range foreignUnits {
				paths = append(paths, strings.Replace(r.Path, ":code", u, 1))
			}
		case r.Unit == "query":
			for _, u := range foreignUnits {
				paths = append(paths, r.Path+"?unit="+u)
			}
		case strings.Contains(r.Path, ":id"):
			for _, id := range foreignIDs {
				paths = append(paths, strings.Replace(r.Path, ":id", id, 1))
			}
		default:
			// No unit in the request: whatever comes back must be in scope.
			rec := c.do(r.Method, r.Path, bodies[r.Name])
			for _, m := range codeRE.FindAllStringSubmatch(rec.Body.String(), -1) {
				if !InScope("510104", m[1]) {
					t.Errorf("%s %s returned unit %s outside 510104", r.Method, r.Path, m[1])
				}
			}
			if strings.Contains(rec.Body.String(), `"national_estimate":{`) {
				t.Errorf("%s shows the national estimate to a county user", r.Path)
			}
			tested++
			continue
		}
		for _, p := range paths {
			rec := c.do(r.Method, p, bodies[r.Name])
			if rec.Code != http.StatusForbidden && rec.Code != http.StatusNotFound {
				t.Errorf("%s %s as %s: %d, want 403 or 404\n%.300s", r.Method, p, user, rec.Code, rec.Body)
				continue
			}
			if r.API {
				var body map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body) != 3 || body["error"] == nil {
					t.Errorf("%s %s: error body is not {error,status,request_id}: %s", r.Method, p, rec.Body)
				}
			} else if m := codeRE.FindString(rec.Body.String()); m != "" || strings.Contains(rec.Body.String(), "page-data") {
				t.Errorf("%s %s: error page carries data %q", r.Method, p, m)
			}
		}
		tested++
	}
	if tested < 30 {
		t.Errorf("only %d routes tested", tested)
	}
	// Nothing was changed by the refused requests.
	if a, _ := e.src.Alert(t.Context(), "a-srb-5101"); a.Status != AlertNew {
		t.Error("a refused acknowledgement changed the alert")
	}
	if it, _ := e.src.WorkItem(t.Context(), "w-510105002"); it.Status != ItemOpen {
		t.Error("a refused status update changed the worklist item")
	}
}

// writeManifest writes a minimal valid manifest of scope sc into dir.
func writeManifest(t testing.TB, dir string, sc models.Scope) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"schema_version": models.SchemaVersion, "as_of": "2025-06-30", "period_start": "2020-01-01", "scope": sc, "files": []any{}})
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestScopingProvinceAdmin is the scoping test of the admin routes: a
// province administrator (of 51) starts loads only of snapshots under the
// snapshot area whose scope is inside the province, and lists and follows
// only their own loads and those of the province; versions of other
// scopes are not listed. Every admin route must have a case here.
func TestScopingProvinceAdmin(t *testing.T) {
	e := newTestEnv(t)
	tmp := t.TempDir()
	root := filepath.Join(tmp, "snapshots")
	e.srv.cfg.SnapshotRoot = root
	p51 := models.Scope{Kind: "province", Province: "51"}
	writeManifest(t, filepath.Join(root, "51-2025-06"), p51)
	writeManifest(t, filepath.Join(root, "52-2025-06"), models.Scope{Kind: "province", Province: "52"})
	writeManifest(t, filepath.Join(root, "disguised"), models.Scope{Kind: "province", Province: "52", Name: "51"})
	writeManifest(t, filepath.Join(root, "monitoring"), models.Scope{Kind: "counties", Name: "monitoring", Counties: []string{"510104", "520102"}})
	writeManifest(t, filepath.Join(root, "monitoring-51"), models.Scope{Kind: "counties", Name: "monitoring", Counties: []string{"510104"}})
	writeManifest(t, filepath.Join(root, "5101-counties"), models.Scope{Kind: "counties", Name: "5101", Counties: []string{"510104"}})
	outside := filepath.Join(tmp, "elsewhere")
	writeManifest(t, outside, p51)
	os.WriteFile(filepath.Join(tmp, "key"), []byte("secret key material"), 0o600)
	os.Symlink(outside, filepath.Join(root, "link-out"))
	os.MkdirAll(filepath.Join(root, "manifest-link"), 0o755)
	os.Symlink(filepath.Join(outside, "manifest.json"), filepath.Join(root, "manifest-link", "manifest.json"))
	os.MkdirAll(filepath.Join(root, "bad-manifest"), 0o755)
	os.Symlink(filepath.Join(tmp, "key"), filepath.Join(root, "bad-manifest", "manifest.json"))
	os.MkdirAll(filepath.Join(root, "garbage"), 0o755)
	os.WriteFile(filepath.Join(root, "garbage", "manifest.json"), []byte("secret key material"), 0o644)

	for _, u := range []struct{ name, juris string }{{"padmin", "51"}, {"padmin52", "52"}} {
		nu, err := NewUser(u.name, "password-"+u.name, []Role{RoleAdmin}, u.juris, e.src.tree)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.users.Put(context.Background(), nu); err != nil {
			t.Fatal(err)
		}
	}
	fl := e.srv.cfg.Loader.(*fakeLoader)
	fl.jobs = append(fl.jobs,
		LoadJob{ID: "job-52", Dir: root + "/52-2025-06", Scope: "52", User: "admin", State: LoadDone},
		LoadJob{ID: "job-mon", Dir: root + "/monitoring", Scope: "monitoring", User: "admin", State: LoadDone},
		LoadJob{ID: "job-51", Dir: root + "/51-2025-06", Scope: "51", User: "admin", State: LoadDone},
		LoadJob{ID: "job-own", Dir: root + "/x", User: "padmin", State: LoadFailed})
	e.src.snapshots = []Snapshot{{Version: 5, Scope: "monitoring"}, {Version: 4, Scope: "52"}, {Version: 3, Scope: "51"}}
	padmin, admin := loggedIn(t, e, "padmin"), loggedIn(t, e, "admin")

	jobIDs := func(c *client) string {
		var ids []string
		for _, j := range decode[[]LoadJob](t, c.do("GET", "/api/v1/admin/loads", nil)) {
			ids = append(ids, j.ID)
		}
		return strings.Join(ids, ",")
	}
	cases := map[string]func(){
		"snapshots": func() {
			for _, s := range decode[[]Snapshot](t, padmin.do("GET", "/api/v1/snapshots", nil)) {
				if s.Scope != "51" {
					t.Errorf("province admin is listed version %d of scope %s", s.Version, s.Scope)
				}
			}
		},
		"snapshotsPage": func() {
			page := padmin.do("GET", "/snapshots", nil).Body.String()
			for _, s := range []string{"v4", "v5", "52-2025-06", "/monitoring", "<td>/snapshots/51-2025-06:"} {
				if strings.Contains(page, s) {
					t.Errorf("snapshots page of the province admin shows %q", s)
				}
			}
			if !strings.Contains(page, root+"/51-2025-06") || !strings.Contains(page, root+"/x") {
				t.Error("snapshots page of the province admin lacks the province's and its own loads")
			}
		},
		"loadJobs": func() {
			if got := jobIDs(padmin); got != "job-own,job-51" {
				t.Errorf("province admin lists loads %s, want job-own,job-51", got)
			}
			if got := jobIDs(admin); got != "job-own,job-51,job-mon,job-52,job-0" {
				t.Errorf("national admin lists loads %s, want all", got)
			}
			if got := jobIDs(loggedIn(t, e, "padmin52")); got != "job-52" {
				t.Errorf("admin of 52 lists loads %s, want job-52", got)
			}
		},
		"loadJob": func() {
			for id, want := range map[string]int{"job-52": 404, "job-mon": 404, "job-0": 404, "job-51": 200, "job-own": 200} {
				if rec := padmin.do("GET", "/api/v1/admin/loads/"+id, nil); rec.Code != want {
					t.Errorf("province admin GET load %s: %d, want %d", id, rec.Code, want)
				}
			}
		},
		"startLoad": func() {
			refused := []struct{ dir, why string }{
				{root + "/52-2025-06", "another province"},
				{"52-2025-06", "another province, relative"},
				{root + "/disguised", "province 52 under the name 51"},
				{root + "/monitoring", "the monitoring panel"},
				{root + "/monitoring-51", "the national monitoring scope name"},
				{outside, "outside the snapshot area"},
				{root + "/../elsewhere", "'..' out of the area"},
				{"../elsewhere", "relative '..' out of the area"},
				{root + "/51-2025-06/../../elsewhere", "'..' after a real directory"},
				{root + "/link-out", "a symlink out of the area"},
				{root + "/manifest-link", "a manifest symlinked out of the area"},
				{root + "/bad-manifest", "a manifest symlinked to a key file"},
				{root + "/garbage", "not a manifest"},
				{"/etc", "a system directory"},
				{root + "/none", "no such directory"},
				{tmp + "/none", "no such directory outside"},
			}
			for _, tt := range refused {
				rec := padmin.do("POST", "/api/v1/admin/loads", map[string]string{"dir": tt.dir})
				if rec.Code != 403 && rec.Code != 400 {
					t.Errorf("start load of %s (%s): %d, want 403 or 400", tt.dir, tt.why, rec.Code)
				}
				if strings.Contains(rec.Body.String(), "secret") {
					t.Errorf("start load of %s echoes a file's content: %s", tt.dir, rec.Body)
				}
			}
			if got := jobIDs(admin); got != "job-own,job-51,job-mon,job-52,job-0" {
				t.Fatalf("refused loads were started: %s", got)
			}
			// The national admin is held to the snapshot area too.
			if rec := admin.do("POST", "/api/v1/admin/loads", map[string]string{"dir": outside}); rec.Code != 403 {
				t.Errorf("national admin loads from outside the area: %d, want 403", rec.Code)
			}
			for _, dir := range []string{"5101-counties", root + "/51-2025-06/."} {
				rec := padmin.do("POST", "/api/v1/admin/loads", map[string]string{"dir": dir})
				j := decode[LoadJob](t, rec)
				if rec.Code != 202 || !strings.HasPrefix(j.Dir, root) && !strings.Contains(j.Dir, "snapshots") || j.Scope == "" {
					t.Errorf("province admin's load of %s: %d %+v, want 202 with the resolved directory and scope", dir, rec.Code, j)
				}
				fl.jobs[len(fl.jobs)-1].State = LoadDone
			}
			if got := jobIDs(padmin); !strings.HasPrefix(got, "job-6,job-5,") {
				t.Errorf("province admin does not see its new loads: %s", got)
			}
		},
	}
	otherTests := map[string]string{
		"audit":     "jurisdiction filter of the audit log: dashboards/audit.go's tests",
		"auditPage": "jurisdiction filter of the audit log: dashboards/audit.go's tests",
	}
	for _, r := range e.srv.routes {
		if len(r.Roles) == 1 && r.Roles[0] == RoleAdmin && cases[r.Name] == nil && otherTests[r.Name] == "" {
			t.Errorf("admin route %s has no jurisdiction case in TestScopingProvinceAdmin", r.Name)
		}
	}
	for _, n := range []string{"snapshots", "snapshotsPage", "loadJobs", "loadJob", "startLoad"} { // startLoad adds jobs: last
		cases[n]()
	}
}

// TestAuditListingScopedToJurisdiction: an admin of province 51 sees only
// the audit records of units in 51, in the JSON, the CSV and the page; the
// nation's admin sees everything.
func TestAuditListingScopedToJurisdiction(t *testing.T) {
	e := newTestEnv(t)
	nu, err := NewUser("admin51", "password-admin51", []Role{RoleAdmin}, "51", e.src.tree)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.users.Put(context.Background(), nu); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, r := range []AuditRecord{
		{User: "op52", Action: "reveal", Target: "w-52-secret", Unit: "520102001", Reason: "guizhou case"},
		{User: "op51", Action: "reveal", Target: "w-51-case", Unit: "510104017", Reason: "sichuan case"},
		{User: "nobody", Action: "login_failed", Target: "nobody"},
	} {
		if err := e.audit.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	prov := loggedIn(t, e, "admin51")
	for _, path := range []string{"/api/v1/audit", "/api/v1/audit?format=csv", "/audit"} {
		rec := prov.do(http.MethodGet, path, nil)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, "w-51-case") {
			t.Errorf("%s as admin of 51: %d, want its own records\n%.300s", path, rec.Code, body)
		}
		for _, foreign := range []string{"w-52-secret", "guizhou", "nobody", "520102001"} {
			if strings.Contains(body, foreign) {
				t.Errorf("%s as admin of 51 shows %q", path, foreign)
			}
		}
	}
	rec := loggedIn(t, e, "admin").do(http.MethodGet, "/api/v1/audit", nil)
	if !strings.Contains(rec.Body.String(), "w-52-secret") || !strings.Contains(rec.Body.String(), "nobody") {
		t.Errorf("the nation's admin misses records: %.300s", rec.Body)
	}
	var buf bytes.Buffer
	rs, _ := e.audit.Records(ctx, "", "")
	WriteAuditCSV(&buf, visibleAudit("51", rs))
	if strings.Contains(buf.String(), "guizhou") {
		t.Error("visibleAudit keeps another province's record")
	}
}
