package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/store"
)

func TestReportBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "--division and --month are required"},
		{[]string{"report", "--division", "51"}, "--division and --month are required"},
		{[]string{"report", "--division", "5x", "--month", "2025-10"}, "--division"},
		{[]string{"report", "--division", "51", "--month", "2025-13"}, "--month"},
		{[]string{"report", "--division", "51", "--month", "2025-10", "--format", "docx"}, `format "docx"`},
		{[]string{"report", "--division", "51", "--month", "2025-10", "--lang", "fr"}, `language "fr"`},
		{[]string{"report", "--division", "51", "--month", "2025-10", "--series-months", "12"}, "want 24 to 36"},
		{[]string{"report", "--division", "51", "--month", "2025-10", "extra"}, `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, stderr.String(), tc.want)
		}
	}
}

// TestReportEndToEnd loads engine/cube's tiny snapshot, builds its cube and
// runs padis report over the store: HTML and PDF in both languages, and
// the archive layout.
func TestReportEndToEnd(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Dir: dir, Threads: 2, MemoryLimit: "2GB"})
	if err != nil {
		t.Fatal(err)
	}
	v := cubetest.Load(t, st, filepath.Join("..", "..", "engine", "cube", "testdata", "tiny"))
	if _, err := cube.Build(ctx, st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "reports")
	var stdout, stderr bytes.Buffer
	code := run([]string{"report", "--data", dir, "--threads", "2", "--division", "51", "--month", "2024-12",
		"--format", "html,pdf", "--lang", "zh,en", "--series-months", "24", "--out", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, name := range []string{"51-2024-12.zh.html", "51-2024-12.zh.pdf", "51-2024-12.en.html", "51-2024-12.en.pdf"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), name) {
			t.Errorf("stdout does not list %s:\n%s", name, stdout.String())
		}
		if strings.HasSuffix(name, ".html") && !bytes.Contains(b, []byte("四川省")) {
			t.Errorf("%s lacks the unit name", name)
		}
		if strings.HasSuffix(name, ".pdf") {
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Errorf("%s is not a PDF", name)
			}
			if _, err := exec.LookPath("pdftotext"); err == nil {
				txt, err := exec.Command("pdftotext", filepath.Join(out, name), "-").Output()
				if err != nil || !bytes.Contains(txt, []byte("四川省")) {
					t.Errorf("%s: pdftotext %v, unit name missing", name, err)
				}
			}
		}
	}
	// The fixture's version was never evaluated by engine/alerts: the
	// report says the alerts are not available, not that there were none.
	if !strings.Contains(stderr.String(), "note: no alerts") {
		t.Errorf("stderr does not note that the alerts are not available: %s", stderr.String())
	}
	if b, _ := os.ReadFile(filepath.Join(out, "51-2024-12.zh.html")); bytes.Contains(b, []byte("本月无预警")) || !bytes.Contains(b, []byte("本报告不含本月预警")) {
		t.Error("the Chinese report of a version never evaluated does not say the alerts are not available")
	}
	// Evaluated with a rule that cannot fire: now there were no alerts.
	st, err = store.Open(ctx, store.Config{Dir: dir, Threads: 2, MemoryLimit: "2GB"})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := alerts.ReadRules(strings.NewReader(`[{"id": "srb_never", "kind": "threshold", "indicator": "srb", "levels": ["province", "city", "county"],
		"period_type": "year", "condition": "above", "thresholds": {"red": 1000000}, "min_denominator": 1, "zh": "{unit}", "en": "{unit}"}]`), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alerts.Evaluate(ctx, st, v.ID, alerts.Options{Rules: rules}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := run([]string{"report", "--data", dir, "--threads", "2", "--division", "51", "--month", "2024-12",
		"--format", "html", "--lang", "zh", "--series-months", "24", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d after alerts evaluate: %s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "note: no alerts") {
		t.Errorf("stderr says alerts are not available after alerts evaluate: %s", stderr.String())
	}
	if b, _ := os.ReadFile(filepath.Join(out, "51-2024-12.zh.html")); !bytes.Contains(b, []byte("本月无预警")) {
		t.Error("the Chinese report of an evaluated version without alerts does not say there were no alerts")
	}
	code = run([]string{"report", "--data", dir, "--threads", "2", "--division", "5101", "--month", "2024-12",
		"--format", "pdf", "--archive", "--out", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("archive run: exit %d: %s", code, stderr.String())
	}
	for _, name := range []string{"manifest.json", "5101-2024-12.zh.pdf"} {
		if _, err := os.Stat(filepath.Join(out, "5101", "2024-12", name)); err != nil {
			t.Error(err)
		}
	}
}
