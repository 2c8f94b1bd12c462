package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/store"
)

// indTinyStore loads engine/cube/testdata/tiny into a store in a temporary
// directory and returns the directory.
func indTinyStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), store.Config{Dir: dir, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	cubetest.Load(t, st, filepath.Join("..", "..", "engine", "cube", "testdata", "tiny"))
	st.Close()
	return dir
}

func indRun(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestIndicatorsList(t *testing.T) {
	code, out, errs := indRun("indicators", "list", "-lang", "en")
	if code != 0 || !strings.Contains(out, "total fertility rate") || !strings.Contains(out, "Σ ASFR(x)") {
		t.Fatalf("list: code %d\n%s%s", code, out, errs)
	}
	code, out, _ = indRun("indicators", "list", "-format", "json")
	var inds []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &inds) != nil || len(inds) < 40 {
		t.Fatalf("list json: code %d, %d indicators", code, len(inds))
	}
	user := filepath.Join(t.TempDir(), "user.json")
	os.WriteFile(user, []byte(`[{"id": "x", "zh": "甲", "en": "x", "kind": "rate", "numerator": "births", "denominator": "nope", "scale": 1}]`), 0o600)
	if code, _, errs := indRun("indicators", "list", "-catalog", user); code != 1 || !strings.Contains(errs, `unknown measure "nope"`) || !strings.Contains(errs, "user.json") {
		t.Errorf("bad catalog: code %d, %s", code, errs)
	}
}

func TestIndicatorsComputeQuery(t *testing.T) {
	dir := indTinyStore(t)
	code, out, errs := indRun("indicators", "compute", "-data", dir, "-scope", "51")
	if code != 0 || !strings.Contains(out, "full build") {
		t.Fatalf("compute: code %d\n%s%s", code, out, errs)
	}
	code, out, errs = indRun("indicators", "query", "-data", dir, "-indicator", "births", "-division", "51", "-period", "2024", "-format", "csv")
	if code != 0 || !strings.HasPrefix(out, "\uFEFFversion,scope,indicator") || !strings.Contains(out, ",51,province,year,2024,,3,") {
		t.Fatalf("query csv: code %d\n%s%s", code, out, errs)
	}
	// The table names the version and scope it came from, and flags the
	// rate from 3 births as unreliable.
	code, out, errs = indRun("indicators", "query", "-data", dir, "-indicator", "cbr", "-division", "51", "-period", "2024")
	if code != 0 || !strings.HasPrefix(out, "# version 1 scope 51 (province) as of 2024-12-31\n") || !strings.Contains(out, "unreliable (few_events)") {
		t.Fatalf("query table: code %d\n%s%s", code, out, errs)
	}
	code, out, errs = indRun("indicators", "query", "-data", dir, "-indicator", "population", "-division", "5101", "-period", "2024", "-children", "-format", "json")
	var vs []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &vs) != nil || len(vs) != 2 || vs[0]["division"] != "510104" || vs[0]["scope"] != "51" || vs[0]["version"] != 1.0 {
		t.Fatalf("query children: code %d\n%s%s", code, out, errs)
	}
	pq := filepath.Join(t.TempDir(), "tfr.parquet")
	if code, _, errs := indRun("indicators", "query", "-data", dir, "-indicator", "tfr", "-division", "51", "-series", "quarter", "-format", "parquet", "-out", pq); code != 0 {
		t.Fatalf("query parquet: %s", errs)
	}
	if fi, err := os.Stat(pq); err != nil || fi.Size() < 100 {
		t.Errorf("parquet file: %v", err)
	}
	code, out, _ = indRun("indicators", "query", "-data", dir, "-indicator", "cbr", "-division", "510104", "-period", "2024", "-lineage")
	if code != 0 || !strings.Contains(out, `"fingerprint"`) || !strings.Contains(out, `"births": 2`) {
		t.Errorf("lineage: code %d\n%s", code, out)
	}
	// -full rebuilds the version from scratch.
	if code, out, _ := indRun("indicators", "compute", "-data", dir, "-version", "1", "-full"); code != 0 || !strings.Contains(out, "full build") {
		t.Errorf("recompute: %d %s", code, out)
	}
}

func TestIndicatorsUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"indicators"}, "missing subcommand"},
		{[]string{"indicators", "frob"}, `unknown subcommand "frob"`},
		{[]string{"indicators", "compute"}, "exactly one of -version and -scope"},
		{[]string{"indicators", "query", "-indicator", "tfr"}, "-indicator and -division are required"},
		{[]string{"indicators", "query", "-indicator", "tfr", "-division", "51"}, "-period is required"},
		{[]string{"indicators", "query", "-indicator", "tfr", "-division", "51", "-period", "2024", "-format", "xml"}, `-format "xml"`},
		{[]string{"indicators", "query", "-indicator", "tfr", "-division", "51", "-period", "2024", "-format", "arrow"}, "give -out file"},
		{[]string{"indicators", "compute", "-scope", "51", "-age-level", "street"}, `-age-level "street"`},
	}
	for _, tt := range tests {
		code, _, errs := indRun(tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: code %d, stderr %q, want %q", tt.args, code, errs, tt.want)
		}
	}
	dir := indTinyStore(t)
	indRun("indicators", "compute", "-data", dir, "-scope", "51")
	if code, _, errs := indRun("indicators", "query", "-data", dir, "-indicator", "nope", "-division", "51", "-period", "2024"); code != 2 || !strings.Contains(errs, "unknown indicator") {
		t.Errorf("unknown indicator: %d %s", code, errs)
	}
	if code, _, errs := indRun("indicators", "query", "-data", dir, "-indicator", "cbr", "-division", "51", "-period", "2024-Q9"); code != 2 || !strings.Contains(errs, "2024-Q9") {
		t.Errorf("bad period: %d %s", code, errs)
	}
}
