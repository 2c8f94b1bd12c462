package dashboards

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// wd is a minimal W3C WebDriver client for chromedriver, over net/http.
type wd struct {
	t    *testing.T
	base string // http://127.0.0.1:PORT/session/ID
}

const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// startChromium starts chromedriver and a headless Chromium session, or
// skips the test when they are not installed.
func startChromium(t *testing.T) *wd {
	t.Helper()
	browser, err1 := exec.LookPath("chromium")
	driver, err2 := exec.LookPath("chromedriver")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("browser tests under CI need chromium and chromedriver: .ci/run installs them")
		}
		t.Skip("browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		if r, err := http.Get(root + "/status"); err == nil {
			r.Body.Close()
			break
		}
		if i > 100 {
			t.Fatal("chromedriver did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":       "chrome",
		"goog:loggingPrefs": map[string]string{"browser": "ALL"},
		"goog:chromeOptions": map[string]any{"binary": browser, "args": []string{
			"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
			"--no-first-run", "--disable-dev-shm-usage", "--window-size=1440,1000", "--user-data-dir=" + t.TempDir(),
		}},
	}}}
	w := &wd{t: t, base: root}
	var sess struct {
		SessionID string `json:"sessionId"`
	}
	w.call("POST", "/session", caps, &sess)
	w.base = root + "/session/" + sess.SessionID
	t.Cleanup(func() { w.callErr("DELETE", "", nil, nil) })
	return w
}

func (w *wd) callErr(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("webdriver %s %s: %v: %s", method, path, err, b)
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("webdriver %s %s: %d %s", method, path, resp.StatusCode, env.Value)
	}
	if out != nil {
		return json.Unmarshal(env.Value, out)
	}
	return nil
}

func (w *wd) call(method, path string, body, out any) {
	w.t.Helper()
	if err := w.callErr(method, path, body, out); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wd) open(url string) {
	w.t.Helper()
	w.call("POST", "/url", map[string]string{"url": url}, nil)
}

func (w *wd) find(css string) string {
	w.t.Helper()
	var el map[string]string
	w.call("POST", "/element", map[string]string{"using": "css selector", "value": css}, &el)
	return el[elementKey]
}

func (w *wd) click(css string) {
	w.t.Helper()
	w.call("POST", "/element/"+w.find(css)+"/click", map[string]any{}, nil)
}

func (w *wd) typeInto(css, text string) {
	w.t.Helper()
	w.call("POST", "/element/"+w.find(css)+"/value", map[string]string{"text": text}, nil)
}

func (w *wd) exec(script string, args ...any) any {
	w.t.Helper()
	if args == nil {
		args = []any{}
	}
	var out any
	w.call("POST", "/execute/sync", map[string]any{"script": script, "args": args}, &out)
	return out
}

// waitFor polls the JavaScript expression until it is truthy.
func (w *wd) waitFor(expr string, timeout time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if v := w.exec("return !!(" + expr + ");"); v == true {
			return
		}
		if time.Now().After(deadline) {
			url := w.exec("return location.href + ' ' + document.title;")
			w.t.Fatalf("timed out waiting for %s (at %v)", expr, url)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot saves a PNG of the page (css "") or of one element under
// the artefact directory and returns it.
func (w *wd) screenshot(dir, name, css string) []byte {
	w.t.Helper()
	path := "/screenshot"
	if css != "" {
		el := w.find(css)
		w.exec(`arguments[0].scrollIntoView({block: 'center'});`, map[string]string{elementKey: el})
		path = "/element/" + el + "/screenshot"
	}
	var b64 string
	w.call("GET", path, nil, &b64)
	png, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/"+name, png, 0o644); err != nil {
		w.t.Fatal(err)
	}
	return png
}

// clickAt clicks at pixel (x, y) of the element, from its top-left corner.
func (w *wd) clickAt(css string, x, y float64) {
	w.t.Helper()
	el := w.find(css)
	// WebDriver offsets are from the element's in-view centre: bring it
	// fully into view first.
	w.exec(`arguments[0].scrollIntoView({block: 'center'});`, map[string]string{elementKey: el})
	var rect struct{ Width, Height float64 }
	w.call("GET", "/element/"+el+"/rect", nil, &rect)
	origin := map[string]string{elementKey: el}
	w.call("POST", "/actions", map[string]any{"actions": []any{map[string]any{
		"type": "pointer", "id": "mouse", "parameters": map[string]string{"pointerType": "mouse"},
		"actions": []any{
			map[string]any{"type": "pointerMove", "origin": origin, "x": int(x - rect.Width/2), "y": int(y - rect.Height/2), "duration": 0},
			map[string]any{"type": "pointerDown", "button": 0},
			map[string]any{"type": "pointerUp", "button": 0},
		},
	}}}, nil)
}

// consoleErrors returns the browser console's errors (level SEVERE:
// uncaught exceptions, failed loads, console.error) logged since the
// last call.
func (w *wd) consoleErrors() []string {
	w.t.Helper()
	var entries []struct {
		Level   string `json:"level"`
		Message string `json:"message"`
	}
	w.call("POST", "/se/log", map[string]string{"type": "browser"}, &entries)
	var out []string
	for _, e := range entries {
		if e.Level == "SEVERE" {
			out = append(out, e.Message)
		}
	}
	return out
}

// resize sets the browser window's outer size in CSS pixels.
func (w *wd) resize(width, height int) {
	w.t.Helper()
	w.call("POST", "/window/rect", map[string]int{"width": width, "height": height}, nil)
}

func artefactDir(t *testing.T) string {
	dir := os.Getenv("PADIS_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	dir = strings.TrimRight(dir, "/") + "/browser"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}
