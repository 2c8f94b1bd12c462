package dashboards

import (
	"strings"
	"testing"
	"time"
)

// TestBrowser drives headless Chromium through the dashboards on the
// in-test source: log in, the overview renders a map and a pyramid,
// drill-down from the province to a township by map click, table click
// and breadcrumb, run a projection, acknowledge an alert. Screenshots go
// to $PADIS_TEST_ARTIFACTS/browser (a temporary directory by default) and
// are checked to be non-blank.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	w := startChromium(t)
	e := newTestEnv(t)
	base := serveTest(t, e)
	dir := artefactDir(t)
	const wait = 20 * time.Second

	login := func(user string) {
		w.open(base + "/login")
		w.typeInto("#user", user)
		w.typeInto("#password", "password-"+user)
		w.click("#login-submit")
		w.waitFor(`document.getElementById('unit-title')`, wait)
	}
	code := func() string { return w.exec(`return document.getElementById('unit-title').dataset.code;`).(string) }

	// Log in as the province user: the overview of Sichuan.
	login("province")
	if c := code(); c != "51" {
		t.Fatalf("after login the overview shows %s, want 51", c)
	}
	w.waitFor(`document.querySelector('#children-chart').dataset.ready === 'map' && document.querySelector('#children-chart canvas')`, wait)
	w.waitFor(`document.querySelector('#pyramid-chart').dataset.ready && document.querySelector('#pyramid-chart canvas')`, wait)
	time.Sleep(300 * time.Millisecond)
	assertNotBlank(t, "overview-51.png", w.screenshot(dir, "overview-51.png", ""), 20, 50)
	assertNotBlank(t, "map-51.png", w.screenshot(dir, "map-51.png", "#children-chart"), 15, 20)
	assertNotBlank(t, "pyramid-51.png", w.screenshot(dir, "pyramid-51.png", "#pyramid-chart"), 15, 10)
	if n := w.exec(`return document.querySelectorAll('#key-figures .kf').length;`); n.(float64) < 10 {
		t.Errorf("%v key figures, want ≥ 10", n)
	}
	// Decision-grade defaults: the rolling 12 months (the fake's latest
	// month is June 2025), the trend's provisional months dashed at their
	// nowcast with a 初步 badge, the births card provisional, CBR led by
	// its adjusted variant with the registered value and completeness.
	if p := w.exec(`return document.getElementById('unit-title').dataset.period + '|' + document.getElementById('period-select').value;`); p != "R12-2025-06|R12-2025-06" {
		t.Errorf("default period and picker %q, want R12-2025-06 in both", p)
	}
	w.waitFor(`document.querySelector('#trend-chart').dataset.ready`, wait)
	if b := w.exec(`var b = document.getElementById('trend-provisional'); return b ? b.textContent : '';`); b != "初步" {
		t.Errorf("trend badge %q, want 初步", b)
	}
	dashed := w.exec(`var o = echarts.getInstanceByDom(document.getElementById('trend-chart')).getOption(), out = [];
		o.series.forEach(function (s) {
			var d = s.data, last = d[d.length - 1], v = last && typeof last === 'object' ? last.value : last;
			out.push(s.name + ':' + ((s.lineStyle && s.lineStyle.type) || 'solid') + ':' + (v === null || v === undefined ? 'none' : 'last'));
		});
		return out.join(',');`).(string)
	for _, want := range []string{"出生人数:solid:none", "出生人数:dashed:last", "死亡人数:dashed:last", "常住人口:solid:last"} {
		if !strings.Contains(dashed, want) {
			t.Errorf("trend series %q lack %q (the provisional last point dashed, the solid line stopping before it)", dashed, want)
		}
	}
	if card := w.exec(`var c = document.querySelector('#key-figures .kf[data-indicator="births"]'); return c.classList.contains('provisional') + '|' + c.querySelector('.badge.prov').textContent + '|' + (c.querySelector('.reg') ? 'reg' : '');`); card != "true|初步|reg" {
		t.Errorf("births card %q, want provisional with 初步 and the registered count", card)
	}
	if v := w.exec(`var c = document.querySelector('#key-figures .kf[data-indicator="cbr"]'); return c.dataset.variant + '|' + c.querySelectorAll('.base').length;`); v != "adjusted|2" {
		t.Errorf("CBR card %q, want led by its adjusted variant with the registered value and completeness beside it", v)
	}
	// The period picker round-trips through the URL: choosing a quarter
	// reloads the page on ?period=2025-Q1, which a shared link reopens.
	w.exec(`var s = document.getElementById('period-select'); s.value = '2025-Q1'; s.dispatchEvent(new Event('change')); return null;`)
	w.waitFor(`location.search.indexOf('period=2025-Q1') >= 0 && document.getElementById('unit-title') && document.getElementById('unit-title').dataset.period === '2025-Q1'`, wait)
	if sel := w.exec(`return document.getElementById('period-select').value + '|' + document.querySelector('#unit-title small').textContent;`).(string); !strings.HasPrefix(sel, "2025-Q1|") || !strings.Contains(sel, "2025年第1季度") {
		t.Errorf("after choosing 2025-Q1: picker and title %q", sel)
	}
	w.open(base + "/units/51?period=R12-2025-03&lang=en")
	w.waitFor(`document.getElementById('unit-title')`, wait)
	if sel := w.exec(`return document.getElementById('period-select').value + '|' + document.querySelector('#unit-title small').textContent;`).(string); !strings.HasPrefix(sel, "R12-2025-03|") || !strings.Contains(sel, "12 months to Mar 2025") {
		t.Errorf("shared R12 link: picker and title %q", sel)
	}
	w.open(base + "/units/51?lang=zh")
	w.waitFor(`document.querySelector('#children-chart').dataset.ready === 'map' && document.querySelector('#pyramid-chart canvas')`, wait)

	// Drill down: map click on Chengdu (5101).
	xy := w.exec(`var c = echarts.getInstanceByDom(document.getElementById('children-chart'));
		return c.convertToPixel({seriesIndex: 0}, [104.07, 30.67]);`).([]any)
	w.clickAt("#children-chart", xy[0].(float64), xy[1].(float64))
	w.waitFor(`location.pathname === '/units/5101'`, wait)
	w.waitFor(`document.querySelector('#children-chart').dataset.ready === 'map'`, wait)
	assertNotBlank(t, "overview-5101.png", w.screenshot(dir, "overview-5101.png", ""), 20, 50)
	// Table click: 锦江区 (510104).
	w.click(`#children-table tr[data-code="510104"] a`)
	w.waitFor(`location.pathname === '/units/510104'`, wait)
	// Table click again: a township; its page lists the villages.
	w.click(`#children-table tr[data-code="510104017"] a`)
	w.waitFor(`location.pathname === '/units/510104017'`, wait)
	if n := w.exec(`return document.querySelectorAll('#children-table tbody tr').length;`); n.(float64) < 1 {
		t.Errorf("township page lists %v villages", n)
	}
	// Villages' rates rest on a handful of events: greyed, with their
	// interval, never bare.
	if g := w.exec(`var td = document.querySelector('#children-table td.unreliable'); if (!td) return 'none';
		return getComputedStyle(td).color + '|' + (td.querySelector('small.ci') ? td.querySelector('small.ci').textContent : '') + '|' + td.title;`).(string); !strings.HasPrefix(g, "rgb(154, 165, 177)|") || !strings.Contains(g, "–") || !strings.Contains(g, "95%区间") {
		t.Errorf("unreliable village cell %q, want grey with its interval", g)
	}
	crumbs := w.exec(`return Array.from(document.querySelectorAll('#breadcrumb a')).map(a => a.dataset.code).join(',');`).(string)
	if crumbs != "51,5101,510104,510104017" {
		t.Errorf("breadcrumb links %q, want 51,5101,510104,510104017 (the nation is above the user)", crumbs)
	}
	assertNotBlank(t, "overview-township.png", w.screenshot(dir, "overview-township.png", ""), 20, 50)
	// Breadcrumb back up to the city.
	w.click(`#breadcrumb a[data-code="5101"]`)
	w.waitFor(`location.pathname === '/units/5101'`, wait)

	if errs := w.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors on the overview pages: %q", errs)
	}

	// The alerts as a leader reads them, at 1440 px in Chinese and English:
	// the list (active by default; a grouped alert with its rule's title and
	// the number of its children; cells that do not wrap character by
	// character; no short scroll box), a grouped alert's page (the children
	// chart and table) and an aberration alert's series chart.
	w.resize(1440, 1400)
	for _, lang := range []string{"zh", "en"} {
		w.open(base + "/alerts?lang=" + lang)
		if n := w.exec(`return document.querySelectorAll('#alerts-table tr[data-status="grouped"], #alerts-table tr[data-status="superseded"]').length;`); n.(float64) != 0 {
			t.Errorf("%s: the default alert list shows %v grouped or superseded alerts", lang, n)
		}
		title := w.exec(`var r = document.querySelector('#alerts-table tr[data-alert="g-cpr-5101"]'); return r ? r.querySelector('.title').textContent + '|' + r.cells[1].textContent + '|' + r.querySelector('.group').textContent : '';`).(string)
		want := map[string]string{"zh": "综合避孕率偏低|成都市|3个下级单位（共", "en": "Contraceptive prevalence low|成都市|3 of "}[lang]
		if !strings.HasPrefix(title, want) {
			t.Errorf("%s: grouped alert row %q, want %q…", lang, title, want)
		}
		// No cell of the code, unit, colour, period or status columns
		// wraps: each is one line high.
		if tall := w.exec(`return Array.from(document.querySelectorAll('#alerts-table tbody td:not(:nth-child(3)):not(:nth-child(4))')).filter(function (td) {
				var tops = [], it = document.createTreeWalker(td, NodeFilter.SHOW_TEXT), n;
				while ((n = it.nextNode())) { var r = document.createRange(); r.selectNodeContents(n); Array.from(r.getClientRects()).forEach(function (x) { tops.push(x.top); }); }
				return tops.length && Math.max.apply(null, tops) - Math.min.apply(null, tops) > 12;
			}).map(function (td) { return td.textContent; }).join(',');`).(string); tall != "" {
			t.Errorf("%s: alert cells wrap: %s", lang, tall)
		}
		if boxed := w.exec(`var s = document.getElementById('alerts-table').closest('section'); return s.scrollHeight > s.clientHeight + 1 || getComputedStyle(s).overflowY !== 'visible';`); boxed == true {
			t.Errorf("%s: the alerts table is in a scroll box", lang)
		}
		assertNotBlank(t, "alerts-"+lang+"-1440.png", w.screenshot(dir, "alerts-"+lang+"-1440.png", ""), 10, 20)

		w.open(base + "/alerts/g-cpr-5101?lang=" + lang)
		w.waitFor(`document.querySelector('#alert-chart').dataset.ready === 'children' && document.querySelector('#alert-chart canvas')`, wait)
		kids := w.exec(`return Array.from(document.querySelectorAll('#alert-children tbody tr')).map(function (r) { return r.cells[1].textContent + '>' + r.querySelector('a').getAttribute('href') + '>' + r.querySelector('.badge').className; }).join(',');`).(string)
		if kids != "锦江区>/alerts/c-cpr-510104>badge orange,金牛区>/alerts/c-cpr-510106>badge orange,青羊区>/alerts/c-cpr-510105>badge yellow" {
			t.Errorf("%s: grouped alert's children %q", lang, kids)
		}
		if h := w.exec(`return document.querySelectorAll('#alert-history thead th').length;`); h.(float64) != 6 {
			t.Errorf("%s: alert history has %v column headers, want 6", lang, h)
		}
		time.Sleep(300 * time.Millisecond)
		assertNotBlank(t, "alert-grouped-"+lang+"-1440.png", w.screenshot(dir, "alert-grouped-"+lang+"-1440.png", ""), 10, 20)
		assertNotBlank(t, "alert-grouped-chart-"+lang+".png", w.screenshot(dir, "alert-grouped-chart-"+lang+".png", "#alert-chart"), 10, 5)

		w.open(base + "/alerts/a-births-510104017?lang=" + lang)
		w.waitFor(`document.querySelector('#alert-chart').dataset.ready === 'series' && document.querySelector('#alert-chart canvas')`, wait)
		// The counts (4 against 6 expected) are drawn from zero, not from
		// the smallest count, which would show a fall to nothing.
		if ymin := w.exec(`return echarts.getInstanceByDom(document.querySelector('#alert-chart')).getOption().yAxis[0].min;`); ymin != float64(0) {
			t.Errorf("%s: the births series' axis starts at %v, want 0", lang, ymin)
		}
		time.Sleep(300 * time.Millisecond)
		assertNotBlank(t, "alert-series-"+lang+"-1440.png", w.screenshot(dir, "alert-series-"+lang+"-1440.png", ""), 10, 20)
		if errs := w.consoleErrors(); len(errs) > 0 {
			t.Errorf("%s: console errors on the alert pages: %q", lang, errs)
		}
	}
	w.open(base + "/alerts?lang=zh")
	w.resize(1440, 1000)

	// Log in as the county statistician: projection and acknowledgement.
	w.click(`header form button`)
	w.waitFor(`location.pathname === '/login'`, wait)
	login("county")
	if c := code(); c != "510104" {
		t.Fatalf("county user lands on %s", c)
	}
	w.open(base + "/projections")
	w.click("#projection-run")
	w.waitFor(`document.querySelector('#proj-pyramid').dataset.ready && document.querySelector('#proj-total').dataset.ready`, 60*time.Second)
	time.Sleep(300 * time.Millisecond)
	assertNotBlank(t, "projection.png", w.screenshot(dir, "projection.png", ""), 20, 50)
	assertNotBlank(t, "projection-total.png", w.screenshot(dir, "projection-total.png", "#proj-total"), 10, 10)

	w.open(base + "/alerts/a-tfr-510104")
	if s := w.exec(`return document.getElementById('alert-status').dataset.status;`); s != AlertNew {
		t.Fatalf("alert status %v before acknowledging", s)
	}
	w.typeInto(`#ack-form input[name=note]`, "checked with the county")
	w.click("#ack-submit")
	w.waitFor(`document.getElementById('alert-status') && document.getElementById('alert-status').dataset.status === 'acknowledged'`, wait)
	hist := w.exec(`return Array.from(document.querySelectorAll('#alert-history tr')).map(r => Array.from(r.cells).map(c => c.textContent).join('|')).join('\n');`).(string)
	if !strings.Contains(hist, "|已确认|county|checked with the county|") {
		t.Errorf("history %q lacks the acknowledgement", hist)
	}
	if ack := w.exec(`return document.getElementById('alert-ack').textContent;`).(string); !strings.Contains(ack, "county") || !strings.Contains(ack, "checked with the county") {
		t.Errorf("acknowledged by %q", ack)
	}
	if n := w.exec(`return document.querySelectorAll('#ack-form').length;`); n.(float64) != 0 {
		t.Error("the acknowledged alert still offers the form")
	}
	assertNotBlank(t, "alert-acknowledged.png", w.screenshot(dir, "alert-acknowledged.png", ""), 10, 20)
	// The list shows it acknowledged; the active filter still lists it.
	w.open(base + "/alerts?status=active")
	if s := w.exec(`var r = document.querySelector('#alerts-table tr[data-alert="a-tfr-510104"]'); return r ? r.dataset.status : '';`); s != "acknowledged" {
		t.Errorf("alerts list: a-tfr-510104 status %v", s)
	}
	assertNotBlank(t, "alerts.png", w.screenshot(dir, "alerts.png", ""), 10, 20)
	// Data quality: the table and the score trend.
	w.open(base + "/quality")
	w.waitFor(`document.querySelector('#quality-trend').dataset.ready === '1' && document.querySelector('#quality-trend canvas')`, wait)
	time.Sleep(300 * time.Millisecond)
	assertNotBlank(t, "quality.png", w.screenshot(dir, "quality.png", ""), 20, 30)
	assertNotBlank(t, "quality-trend.png", w.screenshot(dir, "quality-trend.png", "#quality-trend"), 10, 5)

	// The operator: a worklist, a reveal with a reason, a status update.
	w.click(`header form button`)
	w.waitFor(`location.pathname === '/login'`, wait)
	login("operator")
	w.open(base + "/worklists?kind=undead")
	row := `#worklist tr[data-item="w-510104017"]`
	if who := w.exec(`return document.querySelector('` + row + ` .who').textContent;`).(string); who != "张*" {
		t.Errorf("masked name %q", who)
	}
	// The reveal dialog asks for a purpose and a reason; a short reason is
	// refused with a translated message in the dialog, not an alert.
	w.click(row + ` button.reveal`)
	w.waitFor(`document.querySelector('#reveal-dialog').open`, wait)
	w.exec(`document.querySelector('#reveal-dialog select[name=purpose]').value = 'verification'; return null;`)
	w.typeInto(`#reveal-dialog textarea[name=reason]`, "visit")
	w.click(`#reveal-dialog button.confirm`)
	w.waitFor(`!document.querySelector('#reveal-dialog .error').hidden`, wait)
	if m := w.exec(`return document.querySelector('#reveal-dialog .error').textContent;`).(string); !strings.Contains(m, "至少10个字") {
		t.Errorf("short reason: dialog says %q, want the translated minimum", m)
	}
	w.exec(`document.querySelector('#reveal-dialog textarea[name=reason]').value = ''; return null;`)
	w.typeInto(`#reveal-dialog textarea[name=reason]`, "home visit to check the registration")
	w.click(`#reveal-dialog button.confirm`)
	w.waitFor(`document.querySelector('`+row+` .who').textContent === '张伟'`, wait)
	if idn := w.exec(`return document.querySelector('` + row + ` .idn').textContent;`).(string); len(idn) != 18 || strings.Contains(idn, "*") {
		t.Errorf("revealed ID number %q", idn)
	}
	assertNotBlank(t, "worklist-revealed.png", w.screenshot(dir, "worklist-revealed.png", ""), 10, 20)
	if rs, _ := e.audit.Records(t.Context(), "operator", "reveal"); len(rs) != 1 || rs[0].Reason != "home visit to check the registration" || rs[0].Purpose != "verification" || rs[0].Target != "w-510104017" {
		t.Errorf("reveal audit records %+v", rs)
	}
	w.exec(`document.querySelector('` + row + ` select[name=status]').value = 'verified'; return null;`)
	w.click(row + ` form.status-form button`)
	w.waitFor(`document.querySelector('`+row+`') && document.querySelector('`+row+`').dataset.status === 'verified'`, wait)

	// The county user cannot open the province.
	w.click(`header form button`)
	w.waitFor(`location.pathname === '/login'`, wait)
	login("county")
	w.open(base + "/units/51")
	if body := w.exec(`return document.body.textContent;`).(string); !strings.Contains(body, "403") || strings.Contains(body, "成都市") {
		t.Errorf("county user opening /units/51 sees: %.200s", body)
	}
}
