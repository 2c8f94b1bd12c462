package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// dataFiles returns the contents of every file under dir by relative path.
func dataFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	gen := func(workers int, seed uint64) map[string][]byte {
		cfg := DefaultConfig()
		cfg.Persons, cfg.Months, cfg.Seed, cfg.Workers = 8000, 12, seed, workers
		cfg.Out = t.TempDir()
		if _, err := Generate(t.Context(), cfg); err != nil {
			t.Fatal(err)
		}
		return dataFiles(t, cfg.Out)
	}
	a, b := gen(1, 7), gen(3, 7)
	if len(a) != 11 {
		t.Errorf("%d files written, want 11 (7 tables, manifest, truth.json, truth/defects, truth/eventual_counts.csv)", len(a))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between runs with 1 and 3 workers", name)
		}
	}
	c := gen(2, 8)
	if bytes.Equal(a["persons.parquet"], c["persons.parquet"]) {
		t.Error("seeds 7 and 8 gave the same persons")
	}
}
