package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	if !strings.Contains(stderr.String(), "note: no alerts") {
		t.Errorf("stderr does not say alerts are missing: %s", stderr.String())
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
