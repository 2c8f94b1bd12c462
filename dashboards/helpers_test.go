package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/padis/padis/models"
)

func TestMain(m *testing.M) {
	bcryptCost = bcrypt.MinCost // tests log in often; production keeps 12
	os.Exit(m.Run())
}

// testUsers are the accounts of the test server; every password is "password-<name>".
var testUsers = []struct {
	name  string
	roles []Role
	juris string
}{
	{"admin", []Role{RoleAdmin}, "00"},
	{"province", []Role{RoleViewer}, "51"},
	{"county", []Role{RoleViewer, RoleStatistician}, "510104"},
	{"countyviewer", []Role{RoleViewer}, "510104"},
	{"operator", []Role{RoleOperator}, "510104"},
	{"gone", []Role{RoleViewer}, "51"},
}

type testEnv struct {
	srv   *Server
	src   *fakeSource
	audit *FileAuditLog
	users *FileUserStore
	dir   string
}

var (
	fakeOnce sync.Once
	fakeSrc  *fakeSource
	fakeErr  error
)

func sharedFake(t testing.TB) *fakeSource {
	fakeOnce.Do(func() { fakeSrc, fakeErr = newFakeSource() })
	if fakeErr != nil {
		t.Fatal(fakeErr)
	}
	return fakeSrc
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	dir := t.TempDir()
	base := sharedFake(t)
	src := &fakeSource{tree: base.tree, cat: base.cat, pop: base.pop, alerts: map[string]*Alert{}}
	for k, a := range base.alerts {
		c := *a
		c.History = append([]AlertEvent(nil), a.History...)
		src.alerts[k] = &c
	}
	users, err := OpenUserStore(filepath.Join(dir, "users.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range testUsers {
		nu, err := NewUser(u.name, "password-"+u.name, u.roles, u.juris, src.tree)
		if err != nil {
			t.Fatal(err)
		}
		nu.Disabled = u.name == "gone"
		if err := users.Put(context.Background(), nu); err != nil {
			t.Fatal(err)
		}
	}
	audit, err := OpenAuditLog(filepath.Join(dir, "audit.jsonl"), testAuditKey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() })
	// The snapshot area holds one snapshot of province 51.
	writeManifest(t, filepath.Join(dir, "snapshots", "51-2025-07"), models.Scope{Kind: "province", Province: "51"})
	srv, err := New(Config{Source: src, Users: users, Audit: audit, Reports: fakeReports{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Loader: newFakeLoader(), AdminToken: testAdminToken, SnapshotRoot: filepath.Join(dir, "snapshots")})
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{srv: srv, src: src, audit: audit, users: users, dir: dir}
}

// client is a test browser: it keeps cookies and the CSRF token.
type client struct {
	t       testing.TB
	h       http.Handler
	ip      string
	cookies map[string]string
}

func newClient(t testing.TB, e *testEnv, ip string) *client {
	return &client{t: t, h: e.srv.Handler(), ip: ip, cookies: map[string]string{}}
}

// do sends a request; a non-nil body is sent as JSON. Unsafe methods carry
// the CSRF token when the client has one.
func (c *client) do(method, path string, body any) *httptest.ResponseRecorder {
	c.t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = c.ip + ":40000"
	if _, ok := body.(string); ok {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if tok, ok := c.cookies["padis_csrf"]; ok && method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", tok)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return rec
}

// login logs the client in as name and fails the test if it cannot.
func (c *client) login(name string) {
	c.t.Helper()
	c.do(http.MethodGet, "/login", nil)
	rec := c.do(http.MethodPost, "/api/v1/login", map[string]string{"user": name, "password": "password-" + name})
	if rec.Code != http.StatusOK {
		c.t.Fatalf("login %s: %d %s", name, rec.Code, rec.Body)
	}
}

func loggedIn(t testing.TB, e *testEnv, name string) *client {
	c := newClient(t, e, fmt.Sprintf("10.0.%d.%d", len(name), name[0]))
	c.login(name)
	return c
}

func decode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, rec.Body)
	}
	return v
}

func httpCookie(name, value string) *http.Cookie { return &http.Cookie{Name: name, Value: value} }
