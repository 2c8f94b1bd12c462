package dashboards

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/padis/padis/models"
)

// TestPersonalNoStore: every answer of a route naming persons (the
// worklist as JSON and CSV, its pages, item status, reveal, the audit
// log) carries Cache-Control: no-store, errors included; none of those
// routes is in the response cache.
func TestPersonalNoStore(t *testing.T) {
	want := []string{"worklistsPage", "workItemStatusForm", "worklist", "workItemStatus", "reveal", "auditPage", "audit"}
	e := newTestEnv(t)
	byName := map[string]route{}
	for _, r := range e.srv.routes {
		byName[r.Name] = r
	}
	for _, n := range want {
		if r := byName[n]; !r.Personal || r.Cache || r.SelfGzip {
			t.Errorf("route %s: Personal %v, Cache %v, SelfGzip %v; want personal and never cached", n, r.Personal, r.Cache, r.SelfGzip)
		}
	}
	op, admin := loggedIn(t, e, "operator"), loggedIn(t, e, "admin")
	tests := []struct {
		c            *client
		method, path string
		body         any
	}{
		{op, "GET", "/api/v1/quality/worklist?unit=510104", nil},
		{op, "GET", "/api/v1/quality/worklist?unit=510104&format=csv", nil},
		{op, "GET", "/worklists?unit=510104", nil},
		{op, "POST", "/api/v1/quality/worklist/w-510104017/status", map[string]string{"status": "verified", "note": "seen"}},
		{op, "POST", "/api/v1/quality/worklist/w-510104017/reveal", map[string]string{"reason": "checking the duplicate with the household"}},
		{op, "POST", "/api/v1/quality/worklist/w-510105002/reveal", map[string]string{"reason": "out of scope"}},
		{admin, "GET", "/api/v1/audit", nil},
		{admin, "GET", "/audit", nil},
	}
	for _, tt := range tests {
		for range 2 { // the second time, a cached answer would show
			rec := tt.c.do(tt.method, tt.path, tt.body)
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s %s: %d with Cache-Control %q, want no-store", tt.method, tt.path, rec.Code, cc)
			}
		}
	}
	// A route table with a cached personal route is refused.
	bad := append([]route(nil), e.srv.routes...)
	for i := range bad {
		if bad[i].Name == "worklist" {
			bad[i].Cache = true
		}
	}
	if err := checkRoutes(bad); err == nil {
		t.Error("a cached personal route is accepted")
	}
}

// sqlError is what a DuckDB failure looks like: it quotes the query.
var sqlError = fmt.Errorf(`Binder Error: Referenced column "id_hash" not found in FROM clause! LINE 1: SELECT id_hash, name_sealed FROM persons WHERE county = '510104'`)

// failingSource fails the way a store can, with SQL in the messages.
type failingSource struct{ *fakeSource }

func (f failingSource) Worklist(context.Context, WorklistFilter) ([]WorkItem, int, error) {
	return nil, 0, fmt.Errorf("worklist of 510104: %w", sqlError)
}

func (f failingSource) Values(context.Context, string, []string, Period) ([]Value, error) {
	return nil, fmt.Errorf("values: %w", sqlError)
}

func (f failingSource) Alerts(context.Context, AlertFilter) ([]Alert, error) {
	return nil, fmt.Errorf("alerts: %v: %w", sqlError, ErrNotAvailable)
}

func (f failingSource) Alert(_ context.Context, id string) (Alert, error) {
	return Alert{}, fmt.Errorf("alert %s: %v: %w", id, sqlError, ErrNotFound)
}

// TestSourceErrorHidden: a source error's text (SQL, DuckDB messages)
// never reaches the client; it is logged with the request id, and the
// client gets a translated message naming the request id.
func TestSourceErrorHidden(t *testing.T) {
	e := newTestEnv(t)
	var log bytes.Buffer
	srv, err := New(Config{Source: failingSource{e.src}, Users: e.users, Audit: e.audit, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	op, county := loggedIn(t, e, "operator"), loggedIn(t, e, "county")
	tests := []struct {
		c      *client
		path   string
		status int
		key    string
	}{
		{op, "/api/v1/quality/worklist?unit=510104", 500, "error.internal"},
		{op, "/api/v1/quality/worklist?unit=510104&format=csv&lang=en", 500, "error.internal"},
		{op, "/worklists?unit=510104", 500, "error.internal"},
		{county, "/api/v1/explorer?unit=510104&indicator=cbr", 500, "error.internal"},
		{county, "/units/510104?lang=en", 500, "error.internal"},
		{county, "/api/v1/alerts?unit=510104", 501, "na.source"},
		{county, "/alerts?unit=510104&lang=zh", 501, "na.source"},
		{county, "/api/v1/alerts/a-x", 404, "error.notfound"},
		{county, "/alerts/a-x", 404, "error.notfound"},
	}
	for _, tt := range tests {
		rec := tt.c.do("GET", tt.path, nil)
		body := rec.Body.String()
		id := rec.Header().Get("X-Request-Id")
		if rec.Code != tt.status {
			t.Errorf("%s: %d, want %d\n%.300s", tt.path, rec.Code, tt.status, body)
		}
		for _, leak := range []string{"SELECT", "Binder", "id_hash", "persons", "FROM"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: the answer carries %q:\n%.500s", tt.path, leak, body)
			}
		}
		if !strings.Contains(body, msg(models.ZH, tt.key)) && !strings.Contains(body, msg(models.EN, tt.key)) {
			t.Errorf("%s: the answer lacks the message %q:\n%.500s", tt.path, tt.key, body)
		}
		if id == "" || !strings.Contains(body, id) {
			t.Errorf("%s: the answer does not name the request id %q", tt.path, id)
		}
		if !strings.Contains(log.String(), "id="+id) || !strings.Contains(log.String(), "Binder Error") {
			t.Errorf("%s: the error is not logged with its request id", tt.path)
		}
	}
	if rec := op.do("GET", "/api/v1/quality/worklist?unit=510104&lang=en", nil); !strings.Contains(rec.Body.String(), msg(models.EN, "error.internal")) {
		t.Errorf("English message missing: %s", rec.Body)
	}
	if rec := op.do("GET", "/api/v1/quality/worklist?unit=510104&lang=zh", nil); !strings.Contains(rec.Body.String(), msg(models.ZH, "error.internal")) {
		t.Errorf("Chinese message missing: %s", rec.Body)
	}
}
