package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/store"
)

// runStore runs padis with args and returns the exit code and outputs.
func runStore(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// smallSnapshot generates a 1,500-person synthetic snapshot.
func smallSnapshot(t *testing.T) string {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Persons, cfg.Months, cfg.Out, cfg.Workers = 1500, 6, filepath.Join(t.TempDir(), "snap"), 2
	if _, err := synth.Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.Out
}

// TestLoadSnapshotsQuarantine drives the three store commands end to end.
func TestLoadSnapshotsQuarantine(t *testing.T) {
	for _, k := range []string{"PADIS_KEY", "PADIS_KEY_FILE", "PADIS_DATA", "PADIS_TEMP_DIR", "PADIS_THREADS", "PADIS_MEMORY_LIMIT"} {
		t.Setenv(k, "")
	}
	snap := smallSnapshot(t)
	data := filepath.Join(t.TempDir(), "data")

	code, out, errs := runStore("load", "--data", data, "--memory-limit", "1GB", "--report", snap)
	if code != 0 {
		t.Fatalf("load: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "created the PII key "+filepath.Join(data, "padis.key")) {
		t.Errorf("the user is not told where the new key is: %q", errs)
	}
	if fi, err := os.Stat(filepath.Join(data, "padis.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	for _, want := range []string{"version 1 of scope 51", "rows read", "tables:", "persons", "households", "events", "timings:"} {
		if !strings.Contains(out, want) {
			t.Errorf("load report lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runStore("load", "--data", data, snap)
	if code != 0 || !strings.Contains(out, "already loaded") {
		t.Errorf("second load: exit %d %q", code, out)
	}
	code, out, errs = runStore("load", "--data", data, "--quiet", snap)
	if code != 0 || out != "" || errs != "" {
		t.Errorf("--quiet: exit %d stdout %q stderr %q", code, out, errs)
	}

	code, out, _ = runStore("snapshots", "--data", data)
	if code != 0 || !strings.Contains(out, "1 *") || !strings.Contains(out, "2025-12-31") {
		t.Errorf("snapshots: exit %d\n%s", code, out)
	}
	code, out, _ = runStore("snapshots", "--data", data, "--json")
	var vs []struct {
		ID      int64 `json:"id"`
		Current bool  `json:"current"`
		Tables  []store.TableStats
	}
	if code != 0 || json.Unmarshal([]byte(out), &vs) != nil || len(vs) != 1 || !vs[0].Current || len(vs[0].Tables) < 3 {
		t.Fatalf("snapshots --json: exit %d %q", code, out)
	}
	for _, ts := range vs[0].Tables {
		if ts.RowsIn != ts.Accepted+ts.Quarantined {
			t.Errorf("%s: %d in, %d + %d", ts.Table, ts.RowsIn, ts.Accepted, ts.Quarantined)
		}
	}

	// Headers follow --lang (default zh); no English header words under zh.
	for _, tc := range []struct {
		args    []string
		want    string
		wantNot string
	}{
		{[]string{"quarantine", "--scope", "51", "--summary"}, "原因", "reason"},
		{[]string{"quarantine", "--scope", "51", "--summary", "--lang", "en"}, "reason", "原因"},
		{[]string{"quarantine", "--scope", "51", "--limit", "3"}, "字段", "field"},
		{[]string{"snapshots"}, "输入行数", "rows in"},
		{[]string{"snapshots", "--lang", "en"}, "rows in", "输入行数"},
	} {
		code, out, _ = runStore(append(tc.args, "--data", data)...)
		if code != 0 || !strings.Contains(out, tc.want) || strings.Contains(out, tc.wantNot) {
			t.Errorf("%v: exit %d, want %q and not %q in\n%s", tc.args, code, tc.want, tc.wantNot, out)
		}
	}
	file := filepath.Join(t.TempDir(), "q.csv")
	code, out, errs = runStore("quarantine", "--data", data, "--snapshot", "1", "--action", "flagged", "--csv", file)
	if code != 0 {
		t.Fatalf("quarantine --csv: exit %d %s", code, errs)
	}
	f, _ := os.Open(file)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) < 2 || strings.Join(recs[0], ",") != strings.Join(store.QuarantineCSVHeader, ",") {
		t.Fatalf("exported csv: %v %v", recs, err)
	}
	for _, r := range recs[1:] {
		if r[5] != store.ActionFlagged {
			t.Errorf("--action flagged exported %v", r)
		}
	}
	if !strings.Contains(out, "已写出") {
		t.Errorf("quarantine --csv says %q", out)
	}

	code, out, _ = runStore("snapshots", "--data", data, "--drop", "1")
	if code != 0 || !strings.Contains(out, "已删除版本 1") || !strings.Contains(out, "已无任何版本") {
		t.Errorf("drop: exit %d %q", code, out)
	}
	code, out, _ = runStore("snapshots", "--data", data)
	if code != 0 || !strings.Contains(out, "尚未加载任何快照") {
		t.Errorf("after drop: %q", out)
	}
}

func TestStoreCommandErrors(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"load", "--data", data}, 2, "exactly one snapshot directory"},
		{[]string{"load", "--data", data, filepath.Join(data, "nowhere")}, 1, "snapshot directory"},
		{[]string{"load", "--data", data, "--max-quarantine", "0", "x"}, 2, "--max-quarantine"},
		{[]string{"load", "--data", data, "--max-quarantine", "1.5", "x"}, 2, "--max-quarantine"},
		{[]string{"load", "--data", data, "--memory-limit", "lots", "x"}, 1, "memory limit"},
		{[]string{"quarantine", "--data", data}, 2, "--snapshot"},
		{[]string{"quarantine", "--data", data, "--snapshot", "9"}, 1, "no such snapshot version"},
		{[]string{"quarantine", "--data", data, "--snapshot", "1", "--action", "maybe"}, 2, "--action"},
		{[]string{"snapshots", "--data", data, "--drop", "5"}, 1, "no such snapshot version"},
		{[]string{"bench"}, 2, "bench load"},
		{[]string{"bench", "load", "--format", "xml"}, 2, "--format"},
	} {
		code, _, errs := runStore(tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, want %d; stderr %q lacks %q", tc.args, code, tc.code, errs, tc.want)
		}
	}
}

// TestBenchLoad runs the benchmark command on a tiny generated snapshot.
func TestBenchLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a snapshot twice")
	}
	code, out, errs := runStore("bench", "load", "--persons", "1000", "--format", "csv", "--work", t.TempDir(), "--memory-limit", "1GB")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"duckdb CREATE TABLE AS", "padis load", "ratio", "peak RSS", "machine:"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
}
