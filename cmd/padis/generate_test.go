package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/models"
)

func TestGenerateHelpExplainsEveryFlag(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"generate", "-h"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	help := out.String() // help asked for goes to standard output
	for _, f := range []string{"province", "persons", "months", "seed", "as-of", "out", "counties", "scope", "format",
		"encoding", "no-sources", "force", "workers", "dup-rate", "invalid-id-rate", "missing-rate", "undead-rate",
		"unregistered-birth-rate", "late-rate", "unrecorded-rate", "heaping-counties", "nation", "scale", "provinces"} {
		if !strings.Contains(help, "  -"+f+" ") && !strings.Contains(help, "  -"+f+"\n") {
			t.Errorf("help does not explain -%s", f)
		}
	}
}

func TestGenerateBadFlags(t *testing.T) {
	out := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--province", "51"}, "--out is required"},
		{[]string{"--out", out, "--province", "99"}, `province "99"`},
		{[]string{"--out", out, "--counties", "110101"}, `not a 6-digit county code of province 51`},
		{[]string{"--out", out, "--months", "0"}, "months 0"},
		{[]string{"--out", out, "--dup-rate", "-0.5"}, "dup-rate -0.5"},
		{[]string{"--out", out, "--as-of", "2025-13-01"}, "--as-of"},
		{[]string{"--out", out, "--format", "csv", "--encoding", "big5"}, `encoding "big5"`},
		{[]string{"--out", out, "--persons", "many"}, "invalid value"},
		{[]string{"--out", out, "extra"}, `unexpected argument "extra"`},
		{[]string{"--out", out, "--nation", "--counties", "510104"}, "--nation cannot be combined"},
		{[]string{"--out", out, "--nation", "--scale", "2"}, "scale 2"},
		{[]string{"--out", out, "--nation", "--provinces", "11,99"}, `province "99"`},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"generate"}, c.args...), &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}

func TestGenerateWritesSnapshot(t *testing.T) {
	out := filepath.Join(t.TempDir(), "snap")
	var stdout, stderr bytes.Buffer
	args := []string{"generate", "--out", out, "--persons", "3000", "--months", "3", "--counties", "510104,510105", "--seed", "3"}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	m, err := models.ReadManifest(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Generator == nil || m.Generator.Seed != 3 || m.Generator.Persons != 3000 || len(m.Files) != 7 {
		t.Errorf("manifest %+v", m)
	}
	if m.PeriodStart.Format("2006-01-02") != "2025-10-01" {
		t.Errorf("period start %v", m.PeriodStart)
	}
	if _, err := os.Stat(filepath.Join(out, "truth.json")); err != nil {
		t.Error(err)
	}
	// a second run into the same directory needs --force
	stderr.Reset()
	if code := run(args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "not empty") {
		t.Errorf("second run: exit %d, %q", code, stderr.String())
	}
	if code := run(append(args, "--force"), &stdout, &stderr); code != 0 {
		t.Errorf("--force run: exit %d: %s", code, stderr.String())
	}
}

// TestGenerateNation: --nation writes one snapshot per province and the
// national truth.
func TestGenerateNation(t *testing.T) {
	out := filepath.Join(t.TempDir(), "nation")
	var stdout, stderr bytes.Buffer
	args := []string{"generate", "--nation", "--scale", "0.00002", "--provinces", "12,11", "--months", "3", "--out", out}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, p := range []string{"11", "12"} {
		m, err := models.ReadManifest(filepath.Join(out, p, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Scope.Province != p || m.Generator.Persons < 200 || len(m.Files) != 7 {
			t.Errorf("%s: manifest %+v", p, m)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "truth", "national.json")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(stdout.String(), "2 provinces") {
		t.Errorf("stdout %q", stdout.String())
	}
}
