package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
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
