package dashboards

import (
	"encoding/json"
	"html"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/models"
)

// TestAlertStringsTranslated: every status, history action and colour an
// alert page can show, and the title of every default rule, has a Chinese
// and an English text (not the key); every default rule's indicator is
// a catalog indicator or a named projected quantity.
func TestAlertStringsTranslated(t *testing.T) {
	keys := []string{}
	for _, s := range append(append(append([]string{}, AlertStatuses...), AlertActions...), AlertLevels...) {
		keys = append(keys, "alert."+s)
	}
	cat := models.DefaultCatalog()
	for _, r := range alerts.DefaultRules() {
		keys = append(keys, "rule."+r.ID)
		_, ind := cat.Get(r.Indicator)
		_, measure := models.MeasureByID(r.Indicator)
		if !ind && !measure {
			keys = append(keys, "quantity."+r.Indicator)
		}
	}
	for _, k := range keys {
		m, ok := messages[k]
		if !ok || m[0] == "" || m[1] == "" || m[0] == m[1] && !strings.HasPrefix(k, "quantity.") {
			t.Errorf("%s: %q, want a Chinese and an English text", k, m)
		}
	}
	for lang, want := range map[models.Lang][2]string{models.ZH: {"已被新评估取代", "已归并"}, models.EN: {"Superseded by a newer evaluation", "Grouped"}} {
		if got := [2]string{msg(lang, "alert."+AlertSuperseded), msg(lang, "alert."+AlertGrouped)}; got != want {
			t.Errorf("%v: superseded, grouped = %q, want %q", lang, got, want)
		}
	}
}

// rawRuleIDs are the fake's rule ids (fake_test.go): none may show on a page.
var rawRuleIDs = regexp.MustCompile(`srb_high|tfr_low|births_aberration|aged_society|rni_negative|cdr_high|cpr_low`)

// TestAlertsPageStatuses: the list is the active alerts by default, the
// history view (status empty) shows grouped and superseded alerts with
// their translated statuses, and every row's title is a translated rule
// title, never a rule id; a grouped alert says how many children it
// stands for.
func TestAlertsPageStatuses(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	def := c.do("GET", "/alerts", nil).Body.String()
	if !strings.Contains(def, `<option value="active" selected>`) || strings.Contains(def, `data-status="grouped"`) ||
		strings.Contains(def, `data-status="superseded"`) || strings.Contains(def, `data-status="resolved"`) {
		t.Errorf("the default list is not the active alerts: %.800s", def)
	}
	for _, tt := range []struct{ lang, superseded, grouped, title, group string }{
		{"zh", "已被新评估取代", "已归并", "综合避孕率偏低", "3个下级单位（共20个）触发"},
		{"en", "Superseded by a newer evaluation", "Grouped", "Contraceptive prevalence low", "3 of 20 units below alerting"},
	} {
		b := html.UnescapeString(c.do("GET", "/alerts?status=&lang="+tt.lang, nil).Body.String())
		for _, want := range []string{`<option value="superseded">` + tt.superseded, `<option value="grouped">` + tt.grouped,
			`data-alert="s-srb-5101" data-status="superseded"`, `data-alert="c-cpr-510104" data-status="grouped"`, tt.title, tt.group} {
			if !strings.Contains(b, want) {
				t.Errorf("%s: the history list lacks %q", tt.lang, want)
			}
		}
		row := b[strings.Index(b, `data-alert="g-cpr-5101"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, "成都市") || !strings.Contains(row, tt.title) || !strings.Contains(row, tt.group) || !strings.Contains(row, "3 / 20") {
			t.Errorf("%s: grouped row %q lacks the parent, the title or the number of children", tt.lang, row)
		}
		if m := rawRuleIDs.FindString(b); m != "" {
			t.Errorf("%s: the list shows the raw rule id %q", tt.lang, m)
		}
		for _, s := range []string{"alert.superseded", "alert.grouped", "alert.ruleOf"} {
			if strings.Contains(b, s) {
				t.Errorf("%s: untranslated key %s on the page", tt.lang, s)
			}
		}
	}
	// A site's own rule (no catalog title) is named after its indicator.
	if b := html.UnescapeString(c.do("GET", "/alerts?status=&lang=en", nil).Body.String()); !strings.Contains(b, `class="title">Share aged 65+ alert</a>`) {
		t.Errorf("a rule without a title is not named after its indicator")
	}
}

// pageChart returns the page's embedded chart data.
func pageChart(t *testing.T, body string) AlertChart {
	t.Helper()
	const open = `<script type="application/json" id="page-data">`
	i := strings.Index(body, open)
	if i < 0 {
		t.Fatalf("no chart data on the page")
	}
	s := body[i+len(open):]
	var ch AlertChart
	if err := json.Unmarshal([]byte(s[:strings.Index(s, "</script>")]), &ch); err != nil {
		t.Fatal(err)
	}
	return ch
}

// TestGroupedAlertPage: a grouped alert's page lists its children (unit
// names, colours, values with intervals, links to each child's alert),
// charts them against their warning lines, and has a history with
// column headers; a child links back to its group.
func TestGroupedAlertPage(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	b := c.do("GET", "/alerts/g-cpr-5101", nil).Body.String()
	tbl := b[strings.Index(b, `id="alert-children"`):]
	tbl = tbl[:strings.Index(tbl, "</table>")]
	f := sharedFake(t)
	for _, id := range []string{"c-cpr-510104", "c-cpr-510106", "c-cpr-510105"} {
		k := f.alerts[id]
		d, _ := f.tree.Lookup(k.Unit)
		for _, want := range []string{`<a href="/alerts/` + id + `">` + d.Name + `</a>`, `badge ` + k.Level, fmtPtrNum(k.Value.Value),
			fmtPtrNum(k.Value.Lo) + "–" + fmtPtrNum(k.Value.Hi)} {
			if !strings.Contains(tbl, want) {
				t.Errorf("children table lacks %q for %s", want, id)
			}
		}
	}
	if !strings.Contains(b, `<span id="alert-title">综合避孕率偏低</span>`) || strings.Count(b, "<th>") < 6 || !strings.Contains(b, "<th>时间</th><th>事件</th>") {
		t.Errorf("grouped alert page: title or history headers missing")
	}
	ch := pageChart(t, b)
	var names []string
	for _, k := range ch.Children {
		names = append(names, k.Name)
	}
	if got := strings.Join(names, ","); got != "锦江区,金牛区,青羊区" { // most severe first (the source lists them by code)
		t.Errorf("children in the order %s", got)
	}
	if len(ch.Children) != 3 || ch.Children[0].Name != "锦江区" || ch.Children[0].Line == nil || *ch.Children[0].Line != 80 || ch.Unit != "%" ||
		ch.LineLabels[AlertOrange] != "橙色（II级）预警线" || ch.Line == nil || *ch.Line != 80 {
		t.Errorf("grouped chart data %+v", ch)
	}
	// The engine stores no threshold for a grouped alert (NaN): the API
	// answers null, the page shows its children's line of its colour.
	if rec := c.do("GET", "/api/v1/alerts/g-cpr-5101", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"threshold":null`) {
		t.Errorf("grouped alert API: %d %.300s", rec.Code, rec.Body.String())
	}
	if !strings.Contains(b, `<dd id="alert-threshold">80 %</dd>`) {
		t.Errorf("grouped alert page lacks its children's threshold")
	}
	child := c.do("GET", "/alerts/c-cpr-510105?lang=en", nil).Body.String()
	if !strings.Contains(child, `<dd id="alert-group"><a href="/alerts/g-cpr-5101">Contraceptive prevalence low`) || !strings.Contains(child, "Grouped") {
		t.Errorf("a child's page does not link to its group")
	}
	// The county user sees only the child in the county, not the group.
	if rec := loggedIn(t, e, "county").do("GET", "/alerts/g-cpr-5101", nil); rec.Code != 404 {
		t.Errorf("county user opens the city's grouped alert: %d", rec.Code)
	}
}

// TestAlertSeriesChart: an alert's page carries the series up to the
// alert's period (24 months), the alert's value with its detection
// bounds, the expected count and the warning line in the indicator's
// unit (an aberration line: expected × (1 − threshold %)).
func TestAlertSeriesChart(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	a := sharedFake(t).alerts["a-births-510104017"]
	b := c.do("GET", "/alerts/a-births-510104017", nil).Body.String()
	ch := pageChart(t, b)
	if len(ch.Series) != 24 || ch.Series[23].Period != a.Period || ch.Series[0].Period != a.Period.Shift(-23) {
		t.Fatalf("series %d points, want 24 ending %s", len(ch.Series), a.Period)
	}
	want := *a.Expected * (1 - *a.Threshold/100)
	if ch.Line == nil || math.Abs(*ch.Line-want) > 1e-9 || ch.Expected == nil || *ch.Expected != *a.Expected || ch.Unit != "人" ||
		*ch.Lo != *a.Value.Lo || *ch.Hi != *a.Value.Hi || ch.Kind != "aberration" {
		t.Errorf("chart %+v: want line %v, expected %v, unit 人", ch, want, *a.Expected)
	}
	for _, s := range []string{`<dd id="alert-expected">` + fmtPtrNum(a.Expected) + ` 人</dd>`, "预期范围", `<th>时间</th>`, `id="alert-chart"`} {
		if !strings.Contains(b, s) {
			t.Errorf("alert page lacks %q", s)
		}
	}
	// A threshold alert's line is its threshold in the indicator's unit.
	ch = pageChart(t, c.do("GET", "/alerts/a-srb-5101?lang=en", nil).Body.String())
	if ch.Line == nil || *ch.Line != 107 || ch.Unit != "per 100 females" || len(ch.Series) != 24 || ch.LineLabels[AlertRed] != "Red (I) warning line" {
		t.Errorf("SRB chart %+v", ch)
	}
}
