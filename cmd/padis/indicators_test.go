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
	code, out, errs = indRun("indicators", "query", "-data", dir, "-indicator", "cbr", "-division", "51", "-period", "2024", "-lang", "en")
	if code != 0 || !strings.HasPrefix(out, "# version 1 scope 51 (province) as of 2024-12-31\n") || !strings.Contains(out, "unreliable (few_events)") {
		t.Fatalf("query table: code %d\n%s%s", code, out, errs)
	}
	// The default language is Chinese: header, flags and units.
	code, out, errs = indRun("indicators", "query", "-data", dir, "-indicator", "births", "-division", "51", "-period", "2024")
	if code != 0 || !strings.HasPrefix(out, "# 版本 1 范围 51（全省）截至 2024-12-31\n") || !strings.Contains(out, "数值") ||
		!strings.Contains(out, "出生人数") || !strings.Contains(out, "  人") || strings.Contains(out, "persons") || strings.Contains(out, "3.0000") {
		t.Fatalf("query table in Chinese: code %d\n%s%s", code, out, errs)
	}
	// A flag that another one overrides is reported, not silently dropped.
	code, out, errs = indRun("indicators", "query", "-data", dir, "-indicator", "population", "-division", "51", "-period", "2024", "-children", "-level", "county")
	if code != 0 || !strings.Contains(errs, "warning: --level is ignored with --children") || !strings.Contains(out, "5101") {
		t.Fatalf("query -children -level: code %d\nstdout %s\nstderr %s", code, out, errs)
	}
	if _, _, errs := indRun("indicators", "query", "-data", dir, "-indicator", "population", "-division", "51", "-period", "2024", "-children"); strings.Contains(errs, "warning") {
		t.Errorf("warning without an ignored flag: %s", errs)
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

// TestIndicatorsListAligned: columns line up in terminal columns with
// Chinese names (a CJK character takes two), units in the chosen language.
func TestIndicatorsListAligned(t *testing.T) {
	for _, tc := range []struct {
		lang, kindHeader, unit, noUnit string
	}{
		{"zh", "类别", "孩/妇女", "children per woman"},
		{"en", "kind", "children per woman", "孩/妇女"},
	} {
		code, out, errs := indRun("indicators", "list", "-lang", tc.lang)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.lang, code, errs)
		}
		if !strings.Contains(out, tc.unit) || strings.Contains(out, tc.noUnit) {
			t.Errorf("%s: units not in the language (want %q, not %q)", tc.lang, tc.unit, tc.noUnit)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		col := strings.Index(lines[0], tc.kindHeader)
		want := displayWidth(lines[0][:col])
		kinds := map[string]bool{"计数": true, "率": true, "比例": true, "比": true, "方法": true, "存储": true,
			"count": true, "rate": true, "proportion": true, "ratio": true, "method": true, "stored": true}
		for _, l := range lines[1:] {
			// The kind column starts where its header starts, in display columns.
			fields := strings.Fields(l)
			found := false
			for _, f := range fields {
				if i := strings.Index(l, "  "+f+"  "); kinds[f] && i >= 0 {
					if got := displayWidth(l[:i+2]); got != want {
						t.Errorf("%s: kind %q at column %d, header at %d:\n%s\n%s", tc.lang, f, got, want, lines[0], l)
					}
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: no kind in %q", tc.lang, l)
			}
		}
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
