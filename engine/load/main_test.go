package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/models"
)

// TestMain runs the child side of TestKillMidLoad when asked to, and keeps
// generated snapshots in one directory for the whole run.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childLoad())
	}
	dir, err := os.MkdirTemp("", "padis-load-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	genDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	genDir   string
	genMu    sync.Mutex
	treeOnce sync.Once
	tree     *models.DivisionTree
	treeErr  error
)

// realTree returns the embedded 2023 division list.
func realTree(t testing.TB) *models.DivisionTree {
	treeOnce.Do(func() { tree, treeErr = datasets.Divisions() })
	if treeErr != nil {
		panic(treeErr)
	}
	return tree
}

// synthSnapshot generates (once per run) a synthetic snapshot of the
// province 51 with the given size and format, and returns its directory.
func synthSnapshot(t testing.TB, persons int, format string, defects *synth.Defects) string {
	t.Helper()
	genMu.Lock()
	defer genMu.Unlock()
	name := fmt.Sprintf("snap-%d-%s-%v", persons, format, defects != nil)
	out := filepath.Join(genDir, name)
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		return out
	}
	cfg := synth.DefaultConfig()
	cfg.Persons, cfg.Months, cfg.Out, cfg.Format, cfg.Force = persons, 12, out, format, true
	cfg.Workers = 2
	if defects != nil {
		cfg.Defects = *defects
	}
	if _, err := synth.Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	return out
}
