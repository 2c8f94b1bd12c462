package dashboards

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testAdminToken = "test-admin-token-0123456789"

// fakeLoader records submitted loads; it starts with one finished job.
type fakeLoader struct {
	mu    sync.Mutex
	jobs  []LoadJob
	specs []LoadSpec // every load started, in order
}

func newFakeLoader() *fakeLoader {
	return &fakeLoader{jobs: []LoadJob{{ID: "job-0", Dir: "/snapshots/51-2025-06", User: "admin", State: LoadDone, Version: 4, Published: true,
		Started: time.Date(2025, 7, 1, 3, 0, 0, 0, time.UTC), Finished: time.Date(2025, 7, 1, 3, 5, 0, 0, time.UTC)}}}
}

func (f *fakeLoader) StartLoad(spec LoadSpec) (LoadJob, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, j := range f.jobs {
		if j.State == LoadRunning {
			return LoadJob{}, ErrLoadBusy
		}
	}
	j := LoadJob{ID: fmt.Sprintf("job-%d", len(f.jobs)), Dir: spec.Dir, Scope: spec.Scope, User: spec.User, State: LoadRunning, Phase: "start"}
	f.jobs = append(f.jobs, j)
	f.specs = append(f.specs, spec)
	return j, nil
}

func (f *fakeLoader) LoadJob(id string) (LoadJob, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, j := range f.jobs {
		if j.ID == id {
			return j, nil
		}
	}
	return LoadJob{}, ErrNotFound
}

func (f *fakeLoader) LoadJobs() []LoadJob {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]LoadJob, 0, len(f.jobs))
	for i := len(f.jobs) - 1; i >= 0; i-- {
		out = append(out, f.jobs[i])
	}
	return out
}

// TestAdminToken: the local token authenticates admin API calls without
// a session or CSRF token, and nothing else.
func TestAdminToken(t *testing.T) {
	e := newTestEnv(t)
	send := func(method, path, token, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name, method, path, token, body string
		status                          int
	}{
		{"submit with the token", "POST", "/api/v1/admin/loads", testAdminToken, `{"dir":"/s/51"}`, 202},
		{"second while running", "POST", "/api/v1/admin/loads", testAdminToken, `{"dir":"/s/51"}`, 409},
		{"follow with the token", "GET", "/api/v1/admin/loads/job-1", testAdminToken, "", 200},
		{"unknown job", "GET", "/api/v1/admin/loads/nope", testAdminToken, "", 404},
		{"no directory", "POST", "/api/v1/admin/loads", testAdminToken, `{}`, 400},
		{"wrong token", "GET", "/api/v1/admin/loads", testAdminToken + "x", "", 401},
		{"wrong token, POST", "POST", "/api/v1/admin/loads", "nope", `{"dir":"/s/51"}`, 400}, // CSRF refuses first
		{"no token", "GET", "/api/v1/admin/loads", "", "", 401},
		{"token outside the admin API", "GET", "/api/v1/snapshots", testAdminToken, "", 401},
		{"token on a page", "GET", "/snapshots", testAdminToken, "", 303},
	}
	for _, tt := range tests {
		if rec := send(tt.method, tt.path, tt.token, tt.body); rec.Code != tt.status {
			t.Errorf("%s: %s %s = %d, want %d: %s", tt.name, tt.method, tt.path, rec.Code, tt.status, rec.Body)
		}
	}
	rs, err := e.audit.Records(context.Background(), tokenUser, "load")
	if err != nil || len(rs) != 1 || rs[0].Target != "/s/51" {
		t.Errorf("audit of the load %+v %v: want one record by %s", rs, err, tokenUser)
	}
	// Without a token configured, no bearer value is accepted.
	e.srv.cfg.AdminToken = ""
	if rec := send("GET", "/api/v1/admin/loads", "", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("empty token accepted: %d", rec.Code)
	}
}

// TestForcedLoadAudited: an override of the quarantine bound reaches the
// loader only through an audited submission (action load_forced, with the
// bound asked for); a bound outside (0, 1] is refused and starts nothing.
func TestForcedLoadAudited(t *testing.T) {
	e := newTestEnv(t)
	fl := e.srv.cfg.Loader.(*fakeLoader)
	post := func(body string) int {
		req := httptest.NewRequest("POST", "/api/v1/admin/loads", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	for _, body := range []string{`{"dir":"/s/51","max_quarantine":2,"force":true}`, `{"dir":"/s/51","max_quarantine":-0.1}`} {
		if code := post(body); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", body, code)
		}
	}
	if len(fl.specs) != 0 {
		t.Fatalf("a refused submission started a load: %+v", fl.specs)
	}
	if code := post(`{"dir":"/s/51","max_quarantine":0.2,"force":true}`); code != http.StatusAccepted {
		t.Fatalf("forced submission: %d, want 202", code)
	}
	if len(fl.specs) != 1 || !fl.specs[0].Force || fl.specs[0].MaxQuarantine != 0.2 || fl.specs[0].User != tokenUser {
		t.Errorf("loader got %+v, want the override and the submitter", fl.specs)
	}
	rs, err := e.audit.Records(context.Background(), tokenUser, "load_forced")
	if err != nil || len(rs) != 1 || rs[0].Target != "/s/51" || !strings.Contains(rs[0].Reason, "max_quarantine=0.2 force=true") {
		t.Errorf("audit of the forced load: %+v %v", rs, err)
	}
}

// TestSnapshotsScope: a province admin sees the versions of the province
// only; load jobs are for the nation's admins.
func TestSnapshotsScope(t *testing.T) {
	e := newTestEnv(t)
	e.src.snapshots = []Snapshot{{Version: 5, Scope: "monitoring"}, {Version: 4, Scope: "52"}, {Version: 3, Scope: "51"}}
	nu, err := NewUser("padmin", "password-padmin", []Role{RoleAdmin}, "51", e.src.tree)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.users.Put(context.Background(), nu); err != nil {
		t.Fatal(err)
	}
	versions := func(user string) string {
		ss := decode[[]Snapshot](t, loggedIn(t, e, user).do("GET", "/api/v1/snapshots", nil))
		var vs []string
		for _, s := range ss {
			vs = append(vs, fmt.Sprint(s.Version))
		}
		return strings.Join(vs, ",")
	}
	if got := versions("padmin"); got != "3" {
		t.Errorf("province admin sees versions %s, want 3", got)
	}
	if got := versions("admin"); got != "5,4,3" {
		t.Errorf("national admin sees versions %s, want 5,4,3", got)
	}
	if jobs := decode[[]LoadJob](t, loggedIn(t, e, "padmin").do("GET", "/api/v1/admin/loads", nil)); len(jobs) != 0 {
		t.Errorf("province admin sees %d load jobs", len(jobs))
	}
	page := loggedIn(t, e, "admin").do("GET", "/snapshots", nil).Body.String()
	for _, s := range []string{"v5", "v4", "/snapshots/51-2025-06"} {
		if !strings.Contains(page, s) {
			t.Errorf("snapshots page lacks %q", s)
		}
	}
}

// TestInvalidate: cached reads and answers are dropped, so that a new
// cube shows at once.
func TestInvalidate(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "county")
	calls := func() int {
		e.src.mu.Lock()
		defer e.src.mu.Unlock()
		return e.src.calls
	}
	c.do("GET", "/api/v1/units/510104/overview", nil)
	n := calls()
	c.do("GET", "/api/v1/units/510104/overview", nil)
	if calls() != n || n == 0 {
		t.Fatalf("Values calls %d then %d: want the second answer from the cache", n, calls())
	}
	e.srv.Invalidate()
	c.do("GET", "/api/v1/units/510104/overview", nil)
	if calls() == n {
		t.Error("Invalidate kept the cached answer: the source was not read again")
	}
}
