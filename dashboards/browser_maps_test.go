package dashboards

import (
	"net"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(e.srv.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	return w, e, ts.URL
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
		}
		w.open(base + "/units/510104")
		w.waitFor(`document.querySelector('#children-chart').dataset.ready === 'bar'`, wait)
	}
	if errs := w.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors on the map pages: %q", errs)
	}
}
