package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/store"
)

// TestDemoBootstrap runs the default set-up twice on small sizes: the first
// run generates, loads and cubes both scopes; the second finds everything
// done and does nothing.
func TestDemoBootstrap(t *testing.T) {
	for _, k := range []string{"PADIS_KEY", "PADIS_KEY_FILE", "PADIS_DATA", "PADIS_TEMP_DIR", "PADIS_THREADS", "PADIS_MEMORY_LIMIT"} {
		t.Setenv(k, "")
	}
	data := filepath.Join(t.TempDir(), "data")
	args := []string{"demo", "--data", data, "--memory-limit", "2GB", "--persons", "3000", "--panel-persons", "2000"}

	code, out, errs := runStore(args...)
	if code != 0 {
		t.Fatalf("demo: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{
		"[1/2] province 51 (四川省): generating 3000 persons",
		"version 1 of scope 51",
		"[1/2] province 51 (四川省): cube built",
		// The cube's phases are shown as it runs (progress during the
		// longest step of a first start).
		"[1/2] province 51 (四川省): [1/7] cube: person-months and events …",
		"[1/2] province 51 (四川省): [1/7] cube: roll-up …",
		"[1/2] province 51 (四川省): [1/7] cube: indicator values …",
		"[2/2] 120 monitoring counties (监测县): generating 2000 persons",
		"version 2 of scope monitoring",
		"[2/2] 120 monitoring counties (监测县): cube built",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("first run lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(out, demoNext+"\n") {
		t.Errorf("demo does not end with what to do next:\n%s", out)
	}
	if !strings.Contains(errs, "created the PII key") {
		t.Errorf("the user is not told about the new key: %q", errs)
	}

	code, out, errs = runStore(args...)
	if code != 0 {
		t.Fatalf("second demo: exit %d: %s", code, errs)
	}
	for _, want := range []string{"version 1 already loaded", "cube of version 1: already done", "version 2 already loaded", "cube of version 2: already done"} {
		if !strings.Contains(out, want) {
			t.Errorf("second run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "generating") {
		t.Errorf("second run generated again:\n%s", out)
	}

	// padis serve sets up through bootstrap while it is about to serve: it
	// must not tell the user to start 'padis serve'.
	st, err := store.Open(context.Background(), store.Config{Dir: data, MemoryLimit: "2GB"})
	if err != nil {
		t.Fatal(err)
	}
	var bout, berr bytes.Buffer
	err = bootstrap(context.Background(), st, bootstrapOptions{Persons: 3000, PanelPersons: 2000, Seed: 7}, &bout, &berr)
	// The set-up's data are synthetic and the store knows it from the
	// manifests (the dashboards and reports label them by it).
	for scope, persons := range map[string]int{"51": 3000, "monitoring": 2000} {
		if v, err := st.Current(context.Background(), scope); err != nil || v.Generator == nil || v.Generator.Persons != persons {
			t.Errorf("scope %s: version %+v (%v) does not keep the generator block", scope, v, err)
		}
	}
	st.Close()
	if err != nil || strings.Contains(bout.String(), "Next:") || !strings.Contains(bout.String(), "ready in") {
		t.Errorf("bootstrap as padis serve runs it: %v\n%s", err, bout.String())
	}

	if code, _, errs := runStore("demo", "--persons", "5"); code != 2 || !strings.Contains(errs, "at least 1000") {
		t.Errorf("demo --persons 5: exit %d, %q; want a usage error", code, errs)
	}
}
