package dashboards

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// The fake's alerts (fake_test.go): red 5101, orange 5103, yellow 510104
// and 510105, blue 510104017, an orange grouped alert at 5101 (all new), a
// resolved blue one in 510104, the grouped alert's three children
// (510104 orange, 510105 and 510106 yellow; status grouped) and a
// superseded yellow one at 5101. Without ?status= the active alerts;
// ?status= (empty) is the history: every status.
func TestAlertFilters(t *testing.T) {
	e := newTestEnv(t)
	province, county := loggedIn(t, e, "province"), loggedIn(t, e, "county")
	tests := []struct {
		c     *client
		query string
		want  string // ids in order: most severe first, then by unit code (parent first), latest period first
	}{
		{province, "", "a-srb-5101,g-cpr-5101,a-aging-5103,a-tfr-510104,a-rni-510105,a-births-510104017"},
		{province, "?status=active", "a-srb-5101,g-cpr-5101,a-aging-5103,a-tfr-510104,a-rni-510105,a-births-510104017"},
		{province, "?status=", "a-srb-5101,g-cpr-5101,c-cpr-510104,c-cpr-510106,a-aging-5103,s-srb-5101,a-tfr-510104,a-rni-510105,c-cpr-510105,a-cdr-510104,a-births-510104017"},
		{province, "?status=resolved", "a-cdr-510104"},
		{province, "?status=grouped", "c-cpr-510104,c-cpr-510106,c-cpr-510105"},
		{province, "?status=superseded", "s-srb-5101"},
		{province, "?status=new&unit=5101&level=orange", "g-cpr-5101"},
		{province, "?status=acknowledged", ""},
		{province, "?level=yellow", "a-tfr-510104,a-rni-510105"},
		{province, "?indicator=tfr", "a-tfr-510104"},
		{province, "?unit=5103", "a-aging-5103"},
		{province, "?unit=510104&level=blue&status=new", "a-births-510104017"},
		{county, "", "a-tfr-510104,a-births-510104017"},
		{county, "?status=", "c-cpr-510104,a-tfr-510104,a-cdr-510104,a-births-510104017"},
		{county, "?level=red", ""},
	}
	for _, tt := range tests {
		rec := tt.c.do("GET", "/api/v1/alerts"+tt.query, nil)
		var ids []string
		for _, a := range decode[[]Alert](t, rec) {
			ids = append(ids, a.ID)
		}
		if got := strings.Join(ids, ","); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.query, got, tt.want)
		}
	}
	for _, q := range []string{"?level=green", "?status=open", "?indicator=nonsense"} {
		if rec := province.do("GET", "/api/v1/alerts"+q, nil); rec.Code != 400 {
			t.Errorf("%s: %d, want 400", q, rec.Code)
		}
	}
}

func TestAlertExplanationLanguage(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	zh := decode[Alert](t, c.do("GET", "/api/v1/alerts/a-srb-5101", nil))
	en := decode[Alert](t, c.do("GET", "/api/v1/alerts/a-srb-5101?lang=en", nil))
	if zh.Explanation != zh.ExplanationZH || en.Explanation != en.ExplanationEN || zh.Explanation == en.Explanation {
		t.Errorf("explanations zh %q, en %q", zh.Explanation, en.Explanation)
	}
	page := c.do("GET", "/alerts/a-srb-5101?lang=en", nil).Body.String()
	if !strings.Contains(page, "SRB 112.4, interval 108.9–116.0 lies above 107") || !strings.Contains(page, "First seen") {
		t.Errorf("English alert page lacks the English explanation or labels")
	}
}

func TestAcknowledgeLifecycle(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "county")
	rec := c.do("POST", "/api/v1/alerts/a-tfr-510104/ack", map[string]string{"note": "  asked the county office  "})
	a := decode[Alert](t, rec)
	if a.Status != AlertAcknowledged || a.AckBy != "county" || a.AckNote != "asked the county office" || a.AckAt == nil {
		t.Fatalf("after ack: %+v", a)
	}
	if h := a.History[len(a.History)-1]; h.Action != "acknowledged" || h.User != "county" || h.Note != "asked the county office" {
		t.Errorf("last history event %+v", h)
	}
	for _, id := range []string{"a-tfr-510104", "a-cdr-510104"} { // acknowledged, resolved
		if rec := c.do("POST", "/api/v1/alerts/"+id+"/ack", map[string]string{"note": "again"}); rec.Code != 409 {
			t.Errorf("ack %s: %d, want 409", id, rec.Code)
		}
	}
	rs, _ := e.audit.Records(context.Background(), "county", "ack_alert")
	if len(rs) != 1 || rs[0].Target != "a-tfr-510104" || rs[0].Unit != "510104" || rs[0].Reason != "asked the county office" {
		t.Errorf("ack audit records %+v", rs)
	}
	// The overview counts the acknowledged alert as still active, not the resolved one.
	o := decode[Overview](t, c.do("GET", "/api/v1/units/510104/overview", nil))
	for _, ac := range o.Alerts {
		want := map[string]int{AlertYellow: 1, AlertBlue: 1}[ac.Level]
		if ac.Count != want {
			t.Errorf("overview %s alerts %d, want %d", ac.Level, ac.Count, want)
		}
	}
	page := c.do("GET", "/alerts/a-tfr-510104", nil).Body.String()
	if strings.Contains(page, `id="ack-form"`) || !strings.Contains(page, `data-status="acknowledged"`) || !strings.Contains(page, "asked the county office") {
		t.Errorf("acknowledged alert page still offers the form or lacks the note")
	}
	if rec := loggedIn(t, e, "countyviewer").do("GET", "/alerts/a-births-510104017", nil); strings.Contains(rec.Body.String(), `id="ack-form"`) {
		t.Errorf("a viewer is offered the acknowledgement form")
	}
}

func TestAlertsPageFilters(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	b := c.do("GET", "/alerts?status=active&indicator=srb", nil).Body.String()
	if !strings.Contains(b, `data-alert="a-srb-5101"`) || strings.Contains(b, `data-alert="a-tfr-510104"`) || !strings.Contains(b, "成都市") {
		t.Errorf("alerts page filtered by indicator: %.400s", b)
	}
	if !strings.Contains(b, `<option value="srb" selected>`) || !strings.Contains(b, `<option value="active" selected>`) {
		t.Errorf("alerts page does not keep the filter choices")
	}
	// Each row says what is wrong, in the page's language.
	if !strings.Contains(b, "出生人口性别比112.4，95%区间108.9–116.0，高于107") {
		t.Errorf("the Chinese list lacks the explanation: %.600s", b)
	}
	en := c.do("GET", "/alerts?status=active&indicator=srb&lang=en", nil).Body.String()
	if !strings.Contains(en, "SRB 112.4, interval 108.9–116.0 lies above 107") {
		t.Errorf("the English list lacks the explanation: %.600s", en)
	}
}

// TestAlertsPagePaging: the page shows the alerts from ?offset= on with
// the total, and links to the next rows only while rows are left.
func TestAlertsPagePaging(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "admin")
	rows := func(b string) int { return strings.Count(b, `<tr data-alert=`) }
	all := c.do("GET", "/alerts?status=", nil).Body.String()
	n := rows(all)
	if n < 3 || !strings.Contains(all, `<span id="alerts-total">`+fmt.Sprint(n)+`</span>`) || strings.Contains(all, `id="alerts-next"`) {
		t.Fatalf("%d rows; total or next link wrong: %.600s", n, all)
	}
	rest := c.do("GET", "/alerts?status=&offset=2", nil).Body.String()
	if rows(rest) != n-2 || !strings.Contains(rest, `<span id="alerts-total">`+fmt.Sprint(n)+`</span>`) {
		t.Errorf("offset 2: %d rows of %d", rows(rest), n)
	}
	if c.do("GET", "/alerts?offset=-1", nil).Code != 400 {
		t.Error("a negative offset is accepted")
	}
	// The next-page link keeps the other parameters and moves the offset.
	hr := httptest.NewRequest("GET", "/alerts?status=new&offset=100&lang=en", nil)
	r := &req{c: e.srv.e.NewContext(hr, httptest.NewRecorder())}
	if got := r.nextPage("/alerts", 200, 250); got != "/alerts?offset=200&status=new" {
		t.Errorf("next page %q", got)
	}
	if got := r.nextPage("/alerts", 250, 250); got != "" {
		t.Errorf("next page after the last row %q", got)
	}
}
