package dashboards

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

func init() {
	// Route cases of the worklist routes (see routeCases).
	routeCases["worklistsPage"] = routeCase{user: "operator", method: "GET", path: "/worklists?kind=undead", status: 200,
		check: contains(`id="worklist"`, "张*", "510104********", "死亡未销户", `name="_csrf"`)}
	routeCases["workItemStatusForm"] = routeCase{user: "operator", method: "POST", path: "/worklists/w-510104017/status",
		body: "status=verified&note=seen&back=/worklists?kind=undead", status: 303,
		check: func(t *testing.T, e *testEnv, rec *httptest.ResponseRecorder) {
			if it, _ := e.src.WorkItem(context.Background(), "w-510104017"); it.Status != ItemVerified || it.StatusBy != "operator" || it.StatusNote != "seen" {
				t.Errorf("item after the form: %+v", it)
			}
			if loc := rec.Header().Get("Location"); loc != "/worklists?kind=undead" {
				t.Errorf("redirect to %q", loc)
			}
		}}
	routeCases["workItemStatus"] = routeCase{user: "operator", method: "POST", path: "/api/v1/quality/worklist/w-510104017/status",
		body: map[string]string{"status": "false_match", "note": "different person"}, status: 200,
		check: contains(`"status":"false_match"`, `"status_by":"operator"`, `"name":"张*"`)}
}

// townshipsByKind counts the fake's worklist items under county by kind:
// one item per township, "undead" for an odd last digit, "duplicate"
// for an even one.
func townshipsByKind(t *testing.T, e *testEnv, county string) map[string]int {
	ts, err := e.src.tree.Children(county)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, c := range ts {
		if (c.Code[len(c.Code)-1]-'0')%2 == 1 {
			n["undead"]++
		} else {
			n["duplicate"]++
		}
	}
	return n
}

func TestWorklistFiltersAndPaging(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "operator")
	want := townshipsByKind(t, e, "510104")
	if want["undead"] == 0 || want["duplicate"] == 0 {
		t.Fatalf("fake has kinds %v: the test needs both", want)
	}
	for _, tc := range []struct {
		query string
		total int
	}{
		{"", want["undead"] + want["duplicate"]},
		{"?kind=undead", want["undead"]},
		{"?kind=duplicate", want["duplicate"]},
		{"?kind=mismatch_sex", 0},
		{"?unit=510104017", 1},
		{"?status=verified", 0},
	} {
		rec := c.do("GET", "/api/v1/quality/worklist"+tc.query, nil)
		wl := decode[WorklistData](t, rec)
		if wl.Total != tc.total || len(wl.Items) != tc.total {
			t.Errorf("%s: total %d, %d items; want %d", tc.query, wl.Total, len(wl.Items), tc.total)
		}
		for _, it := range wl.Items {
			if !InScope("510104", it.Unit) || strings.ContainsAny(it.NameMasked[3:], "伟") || it.IDMasked[6:14] != "********" {
				t.Errorf("%s: item %+v is outside the county or not masked", tc.query, it)
			}
		}
	}
	all := want["undead"] + want["duplicate"]
	wl := decode[WorklistData](t, c.do("GET", "/api/v1/quality/worklist?offset=2&limit=3", nil))
	if wl.Total != all || len(wl.Items) != 3 || wl.Offset != 2 {
		t.Errorf("page offset 2 limit 3: total %d, %d items, offset %d", wl.Total, len(wl.Items), wl.Offset)
	}
	for _, q := range []string{"?kind=duplicates", "?status=closed", "?limit=0", "?limit=5000", "?format=xml"} {
		if rec := c.do("GET", "/api/v1/quality/worklist"+q, nil); rec.Code != 400 {
			t.Errorf("%s: %d, want 400", q, rec.Code)
		}
	}
}

func TestWorklistCSVExport(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "operator")
	rec := c.do("GET", "/api/v1/quality/worklist?kind=undead&format=csv", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	b := rec.Body.String()
	if !strings.HasPrefix(b, "\ufeffid,kind,unit,name,id_number,") {
		t.Errorf("CSV does not start with the BOM and header: %.60q", b)
	}
	lines := strings.Split(strings.TrimSuffix(b, "\r\n"), "\r\n")
	if n := townshipsByKind(t, e, "510104")["undead"]; len(lines) != n+1 {
		t.Errorf("%d lines, want header + %d items", len(lines), n)
	}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if f[1] != "undead" || !strings.HasPrefix(f[2], "510104") || !strings.HasSuffix(f[3], "*") || !strings.Contains(f[4], "********") {
			t.Errorf("row %q: want an undead item of 510104, masked", l)
		}
	}
	rs, _ := e.audit.Records(context.Background(), "operator", "export_worklist")
	if len(rs) != 1 || rs[0].Unit != "510104" || rs[0].Reason != fmt.Sprintf("%d items", len(lines)-1) {
		t.Errorf("export audit records %+v", rs)
	}
}

func TestWorkItemStatusUpdate(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "operator")
	openUndead := func() int64 {
		q := decode[QualityData](t, c.do("GET", "/api/v1/quality?unit=510104", nil))
		for _, k := range q.Worklists {
			if k.Kind == "undead" {
				return k.Count
			}
		}
		return -1
	}
	before := openUndead()
	if before != int64(townshipsByKind(t, e, "510104")["undead"]) {
		t.Fatalf("open undead items %d", before)
	}
	if rec := c.do("POST", "/api/v1/quality/worklist/w-510104017/status", map[string]string{"status": "closed"}); rec.Code != 400 {
		t.Errorf("unknown status: %d, want 400", rec.Code)
	}
	if rec := c.do("POST", "/api/v1/quality/worklist/w-510105002/status", map[string]string{"status": "verified"}); rec.Code != 404 {
		t.Errorf("item of another county: %d, want 404", rec.Code)
	}
	if it, _ := e.src.WorkItem(context.Background(), "w-510105002"); it.Status != ItemOpen {
		t.Errorf("a refused update changed the item: %+v", it)
	}
	rec := c.do("POST", "/api/v1/quality/worklist/w-510104017/status", map[string]string{"status": "corrected", "note": " fixed the card "})
	it := decode[WorkItem](t, rec)
	if it.Status != ItemCorrected || it.StatusNote != "fixed the card" || it.StatusBy != "operator" || it.StatusAt == nil {
		t.Errorf("after update: %+v", it)
	}
	if after := openUndead(); after != before-1 {
		t.Errorf("open undead items %d after closing one of %d", after, before)
	}
	rs, _ := e.audit.Records(context.Background(), "operator", "worklist_status")
	if len(rs) != 1 || rs[0].Target != "w-510104017" || rs[0].Reason != "corrected fixed the card" || rs[0].Unit != "510104017" {
		t.Errorf("status audit records %+v", rs)
	}
	if rec := loggedIn(t, e, "county").do("POST", "/api/v1/quality/worklist/w-510104017/status", map[string]string{"status": "open"}); rec.Code != 403 {
		t.Errorf("statistician updating an item: %d, want 403", rec.Code)
	}
}

func TestRevealOutsideScopeIsNotAudited(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "operator")
	for _, id := range []string{"w-510105002", "w-nothing"} {
		if rec := c.do("POST", "/api/v1/quality/worklist/"+id+"/reveal", map[string]string{"purpose": "verification", "reason": "curious about the neighbours"}); rec.Code != 404 || strings.Contains(rec.Body.String(), "张") {
			t.Errorf("reveal %s: %d %s, want 404 without data", id, rec.Code, rec.Body)
		}
	}
	if rs, _ := e.audit.Records(context.Background(), "", "reveal"); len(rs) != 0 {
		t.Errorf("refused reveals were recorded as reveals: %+v", rs)
	}
	rec := c.do("POST", "/api/v1/quality/worklist/w-510104017/reveal", map[string]string{"purpose": "verification", "reason": "home visit to the family"})
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("revealed identity may be cached: %q", rec.Header().Get("Cache-Control"))
	}
}

func TestQualityData(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "county")
	q := decode[QualityData](t, c.do("GET", "/api/v1/quality", nil))
	ts, _ := e.src.tree.Children("510104")
	if len(q.Measures) != 1+len(ts) || q.Measures[0].Unit != "510104" || len(q.Names) != len(q.Measures) {
		t.Fatalf("%d measures for 510104 and %d townships", len(q.Measures), len(ts))
	}
	want, _ := e.src.Quality(context.Background(), []string{"510104"}, fakeLatest)
	if *q.Measures[0].Score != *want[0].Score || q.Measures[0].Records != want[0].Records {
		t.Errorf("score %v records %d, want %v %d", *q.Measures[0].Score, q.Measures[0].Records, *want[0].Score, want[0].Records)
	}
	if len(q.Columns) != len(qualityIndicators) || q.Columns[5] != "登记及时率" {
		t.Errorf("columns %v: the timeliness label comes from the catalog", q.Columns)
	}
	if _, ok := e.src.cat.Get("quality_score"); ok && (len(q.Trend) != 24 || q.Trend[23].Period != fakeLatest) {
		t.Errorf("score trend has %d points", len(q.Trend))
	}
	if rec := c.do("GET", "/api/v1/quality?unit=510105", nil); rec.Code != 403 {
		t.Errorf("sibling county: %d", rec.Code)
	}
}

func TestQualityCSVSuppressesSmallCells(t *testing.T) {
	e := newTestEnv(t)
	e.src.records = map[string]int64{"510104017": 3, "510104018": 0}
	stat := loggedIn(t, e, "county")
	viewer := loggedIn(t, e, "countyviewer")
	rows := func(c *client, q string) map[string][]string {
		rec := c.do("GET", "/api/v1/quality?format=csv"+q, nil)
		if !strings.HasPrefix(rec.Body.String(), "\ufeffcode,name,period,records") {
			t.Fatalf("quality CSV: %d %.80q", rec.Code, rec.Body.String())
		}
		out := map[string][]string{}
		for _, l := range strings.Split(strings.TrimSpace(rec.Body.String()), "\r\n")[1:] {
			f := strings.Split(l, ",")
			out[f[0]] = f
		}
		return out
	}
	full, pub, viewed := rows(stat, ""), rows(stat, "&public=1"), rows(viewer, "")
	if full["510104017"][3] != "3" || full["510104017"][11] != "false" {
		t.Errorf("statistician export: %v", full["510104017"])
	}
	for name, r := range map[string]map[string][]string{"public=1": pub, "viewer": viewed} {
		if f := r["510104017"]; f[3] != "" || f[4] != "" || f[10] != "" || f[11] != "true" {
			t.Errorf("%s: a unit with 3 records is not suppressed: %v", name, f)
		}
		if f := r["510104018"]; f[3] != "0" || f[11] != "false" {
			t.Errorf("%s: zero records suppressed: %v", name, f)
		}
		if f := r["510104"]; f[3] != full["510104"][3] || f[10] != full["510104"][10] {
			t.Errorf("%s: a large unit differs: %v vs %v", name, f, full["510104"])
		}
	}
}
