package dashboards

import (
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

// startBrowserEnv starts the test server on a loopback port and Chromium,
// and returns the driver and the server's base URL.
func startBrowserEnv(t *testing.T) (*wd, *testEnv, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	w := startChromium(t)
	e := newTestEnv(t)
	return w, e, serveTest(t, e)
}

// serveTest serves e's handler on a loopback port until the test ends and
// returns its URL.
func serveTest(t testing.TB, e *testEnv) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(e.srv.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.URL
}

func (w *wd) login(base, user string) {
	w.open(base + "/login")
	w.typeInto("#user", user)
	w.typeInto("#password", "password-"+user)
	w.click("#login-submit")
	w.waitFor(`document.getElementById('unit-title')`, 20*time.Second)
}

// nationUser adds a viewer of the whole nation, "nation", and gives the
// nation the fake data of its one province (Sichuan), on a copy of the
// shared fake's populations.
func nationUser(t *testing.T, e *testEnv) {
	t.Helper()
	nu, err := NewUser("nation", "password-nation", []Role{RoleViewer}, "00", e.src.tree)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.users.Put(t.Context(), nu); err != nil {
		t.Fatal(err)
	}
	pop := make(map[string]float64, len(e.src.pop)+1)
	for k, v := range e.src.pop {
		pop[k] = v
	}
	pop["00"] = pop["51"]
	e.src.pop = pop
}

// TestBrowserMaps: the national map draws the 南海诸岛 inset at its lower
// right; a city page colours its counties (Chengdu: 20 keyed counties);
// a county page keeps the
// ranked bars. Screenshots at 1440 and 1920 px.
func TestBrowserMaps(t *testing.T) {
	w, e, base := startBrowserEnv(t)
	dir := artefactDir(t)
	const wait = 20 * time.Second
	nationUser(t, e)
	w.login(base, "nation")
	for _, width := range []int{1440, 1920} {
		w.resize(width, 1080)
		w.open(base + "/units/00")
		w.waitFor(`document.querySelector('#children-chart').dataset.ready === 'map' && document.querySelector('#children-chart canvas')`, wait)
		// The inset is a region of the map's geo, drawn at the lower right
		// of the chart.
		pos := w.exec(`var c = echarts.getInstanceByDom(document.getElementById('children-chart'));
			var geo = c.getModel().getSeriesByIndex(0).coordinateSystem, r = geo.getRegion('南海诸岛');
			if (!r) return null;
			var p = c.convertToPixel({seriesIndex: 0}, r.getCenter());
			return [p[0] / c.getWidth(), p[1] / c.getHeight()];`)
		xy, ok := pos.([]any)
		if !ok {
			t.Fatalf("%d px: the national map has no 南海诸岛 region", width)
		}
		if x, y := xy[0].(float64), xy[1].(float64); x < 0.6 || y < 0.6 || x > 1 || y > 1 {
			t.Errorf("%d px: 南海诸岛 inset drawn at (%.2f, %.2f) of the chart, want the lower right", width, x, y)
		}
		// Only Sichuan has data: the other provinces are drawn without a
		// value (grey), not in the colour scale.
		fills := w.exec(`var d = echarts.getInstanceByDom(document.getElementById('children-chart')).getModel().getSeriesByIndex(0).getData();
			return ['51', '13'].map(function (n) { var i = d.indexOfName(n); return i < 0 ? '' : String(d.getItemVisual(i, 'style').fill); }).join(' ');`).(string)
		if f := strings.Fields(fills); len(f) != 2 || f[0] == f[1] {
			t.Errorf("%d px: Sichuan and Hebei (no data) drawn in %q, want different fills", width, fills)
		}
		time.Sleep(300 * time.Millisecond)
		assertNotBlank(t, "map-00-"+strconv.Itoa(width)+".png", w.screenshot(dir, "map-00-"+strconv.Itoa(width)+".png", "#children-chart"), 10, 10)
		assertNotBlank(t, "overview-00-"+strconv.Itoa(width)+".png", w.screenshot(dir, "overview-00-"+strconv.Itoa(width)+".png", ""), 20, 50)

		for _, tt := range []struct {
			code string
			min  int
		}{{"5101", 20}} {
			w.open(base + "/units/" + tt.code)
			w.waitFor(`document.querySelector('#children-chart').dataset.ready === 'map' && document.querySelector('#children-chart canvas')`, wait)
			n := w.exec(`var c = echarts.getInstanceByDom(document.getElementById('children-chart'));
				var geo = c.getModel().getSeriesByIndex(0).coordinateSystem;
				return geo.regions.filter(function (r) { return /^` + tt.code + `\d\d$/.test(r.name); }).length;`).(float64)
			if int(n) < tt.min {
				t.Errorf("%d px: %s map has %v county regions, want ≥ %d", width, tt.code, n, tt.min)
			}
			if note := w.exec(`return document.querySelectorAll('#children-chart').length && document.body.textContent.indexOf('本级无边界地图数据') >= 0;`); note == true {
				t.Errorf("%d px: %s still says it has no map", width, tt.code)
			}
			time.Sleep(300 * time.Millisecond)
			assertNotBlank(t, "map-"+tt.code+"-"+strconv.Itoa(width)+".png", w.screenshot(dir, "map-"+tt.code+"-"+strconv.Itoa(width)+".png", "#children-chart"), 10, 10)
			assertNotBlank(t, "overview-"+tt.code+"-"+strconv.Itoa(width)+".png", w.screenshot(dir, "overview-"+tt.code+"-"+strconv.Itoa(width)+".png", ""), 20, 50)
		}
		w.open(base + "/units/510104")
		w.waitFor(`document.querySelector('#children-chart').dataset.ready === 'bar'`, wait)
	}
	if errs := w.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors on the map pages: %q", errs)
	}
}

// TestBrowserScreen: the meeting-room screen (数据大屏), reached from the
// overview's link, at 1920×1080 and 2560×1440: ten key figures, the map,
// trends and pyramid drawn, the orange and red alerts in the ticker, no
// scrolling, and a refresh that redraws without reloading the page; no
// console errors.
func TestBrowserScreen(t *testing.T) {
	w, e, base := startBrowserEnv(t)
	dir := artefactDir(t)
	const wait = 20 * time.Second
	// The data `padis serve` sets up are synthetic: the screen shows the
	// notice too, and still fits.
	e.src.snapshots = []Snapshot{{Version: 3, Scope: "51", AsOf: "2025-06-30", Current: true, Generator: &models.GenInfo{Seed: 7, Persons: 300000, Months: 24}}}
	w.login(base, "province")
	w.click("#screen-link")
	w.waitFor(`location.pathname === '/screen' && document.getElementById('screen')`, wait)
	for _, size := range [][2]int{{1920, 1080}, {2560, 1440}} {
		name := strconv.Itoa(size[0]) + "x" + strconv.Itoa(size[1])
		w.resize(size[0], size[1])
		// The viewport, not the window, must be the size of the screen.
		inner := w.exec(`return [window.innerWidth, window.innerHeight];`).([]any)
		w.resize(2*size[0]-int(inner[0].(float64)), 2*size[1]-int(inner[1].(float64)))
		w.open(base + "/screen?unit=51&refresh=5")
		w.waitFor(`document.querySelector('#children-chart').dataset.ready === 'map' && document.querySelector('#children-chart canvas')
			&& document.querySelector('#pyramid-chart').dataset.ready && document.querySelector('#trend-chart').dataset.ready`, wait)
		w.exec(`window.padisMark = 1; return null;`)
		if n := w.exec(`return document.querySelectorAll('#screen-figures .screen-figure').length;`); n.(float64) < 10 {
			t.Errorf("%s: %v key figures, want ≥ 10", name, n)
		}
		ticker := w.exec(`return Array.from(document.querySelectorAll('#screen-ticker [data-alert]')).map(function (e) { return e.dataset.alert; }).join(',');`).(string)
		if !strings.Contains(ticker, "a-srb-5101") || !strings.Contains(ticker, "a-aging-5103") || strings.Contains(ticker, "a-tfr-510104") {
			t.Errorf("%s: ticker shows %q, want the red and orange alerts only", name, ticker)
		}
		if dims := w.exec(`return [document.documentElement.scrollHeight, window.innerHeight, document.documentElement.scrollWidth, window.innerWidth];`).([]any); dims[0].(float64) > dims[1].(float64) || dims[2].(float64) > dims[3].(float64) {
			t.Errorf("%s: the screen scrolls: document %v×%v, viewport %v×%v", name, dims[2], dims[0], dims[3], dims[1])
		}
		if note := w.exec(`var n = document.getElementById('synthetic-note'); return n && n.offsetHeight > 0 ? n.textContent : '';`).(string); !strings.Contains(note, "合成演示数据（约1:280") {
			t.Errorf("%s: the screen's synthetic-data notice is %q", name, note)
		}
		if bg := w.exec(`return getComputedStyle(document.body).backgroundColor;`).(string); bg != "rgb(6, 16, 31)" {
			t.Errorf("%s: background %s, want the dark theme", name, bg)
		}
		time.Sleep(300 * time.Millisecond)
		assertNotBlank(t, "screen-"+name+".png", w.screenshot(dir, "screen-"+name+".png", ""), 15, 50)
		// The refresh (every 5 s here) redraws from the API in place.
		w.waitFor(`document.getElementById('screen').dataset.draws === '2'`, 3*wait) // a province's overview, recomputed on a shared machine
		if mark := w.exec(`return window.padisMark === 1;`); mark != true {
			t.Errorf("%s: the page was reloaded to refresh", name)
		}
	}
	if errs := w.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors on the screen: %q", errs)
	}
}
