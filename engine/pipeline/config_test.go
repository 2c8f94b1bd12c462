package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/cube/cubetest"
)

// TestConfigFromDir: without files the defaults; the data directory's
// rule file replaces the shipped rules and its notify file delivers the
// new red alerts of the pipeline's alerts step by webhook; a broken file
// is an error naming it.
func TestConfigFromDir(t *testing.T) {
	empty := t.TempDir()
	c, err := ConfigFromDir(empty)
	if err != nil || c.Alerts.Rules != nil || c.Alerts.Notify != nil {
		t.Fatalf("empty directory: %+v, %v", c, err)
	}

	var mu sync.Mutex
	var posted []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posted = append(posted, string(b))
		mu.Unlock()
	}))
	defer hook.Close()

	dir := t.TempDir()
	// The tiny fixture has 5 residents in 510104 and 8 in 510105 at the
	// end of 2024: population above 6 is red.
	rules := `[{"id":"pop_test","kind":"threshold","indicator":"population","levels":["county"],
		"period_type":"year","condition":"above","judge":"value","thresholds":{"blue":1,"red":6},
		"zh":"{unit}{period}{indicator}{value}","en":"{unit} {period}: {indicator} {value}"}]`
	nf, _ := json.Marshal(map[string]any{"webhook": map[string]any{"enabled": true, "url": hook.URL}})
	for name, body := range map[string]string{RulesFile: rules, NotifyFile: string(nf)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err = ConfigFromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Alerts.Rules) != 1 || !c.Alerts.Notify.Enabled() {
		t.Fatalf("config %+v", c)
	}
	st := cubetest.OpenStore(t)
	ctx := context.Background()
	v := cubetest.Load(t, st, filepath.Join("..", "cube", "testdata", "tiny"))
	if _, err := Run(ctx, st, v.ID, Options{Config: c}); err != nil {
		t.Fatal(err)
	}
	list, err := alerts.List(ctx, st, alerts.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	red := 0
	for _, a := range list {
		if a.Rule != "pop_test" {
			t.Errorf("alert of rule %s: the shipped rules were not replaced", a.Rule)
		}
		if a.Colour == "red" {
			red++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if red == 0 || len(posted) == 0 || !strings.Contains(strings.Join(posted, ""), "510105") {
		t.Errorf("%d red alerts, webhook received %q", red, posted)
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, NotifyFile), []byte(`{"webhook": {"enabled": true, "url": 3}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ConfigFromDir(bad); err == nil || !strings.Contains(err.Error(), NotifyFile) {
		t.Errorf("broken notify file: %v", err)
	}
}
