package synth

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGoldenManifest pins the output of a tiny generation (rows and SHA-256
// of every file, via the manifest, and truth.json's hash) so that a change
// of the model or of the writers is noticed; run with -update after an
// intended change.
//
// Go may fuse multiply-adds on some architectures, so the bytes are pinned
// on amd64 only; determinism on any one machine is TestDeterministic's job.
func TestGoldenManifest(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("golden bytes are recorded on amd64")
	}
	cfg := DefaultConfig()
	cfg.Counties = []string{"510104", "513433"}
	cfg.Persons, cfg.Months, cfg.Seed = 600, 3, 1
	cfg.Out = t.TempDir()
	if _, err := Generate(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(cfg.Out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	truth, err := os.ReadFile(filepath.Join(cfg.Out, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, []byte("truth.json bytes: ")...)
	got = append(got, []byte(strconv.Itoa(len(truth)))...)
	got = append(got, '\n')
	golden := filepath.Join("testdata", "tiny_manifest.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGoldenManifest -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("manifest differs from %s:\n%s\nwant:\n%s", golden, got, want)
	}
}
