package linkage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
)

// The tests share one generated snapshot, loaded once into one store.
var (
	fixSnap  string
	fixStore *store.Store
	fixVer   *store.Version
	fixKeys  *pii.Keys
	fixErr   error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "padis-linkage-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixErr = setUp(dir)
	code := m.Run()
	if fixStore != nil {
		fixStore.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// setUp generates a small province-51 snapshot with raised defect rates
// (so that every worklist has enough true cases to measure) and loads it.
func setUp(dir string) error {
	cfg := synth.DefaultConfig()
	cfg.Persons, cfg.Months = 30000, 24
	d := synth.DefaultDefects()
	d.Duplicate, d.Unrecorded, d.Undead, d.UnregisteredBirth, d.InvalidID, d.Missing = 0.02, 0.02, 0.2, 0.15, 0.005, 0.03
	cfg.Defects = d
	var err error
	if fixKeys, err = pii.NewKeys(bytes.Repeat([]byte{7}, pii.MasterKeySize)); err != nil {
		return err
	}
	fixSnap = filepath.Join(dir, "snap")
	fixStore, fixVer, err = generateAndLoad(context.Background(), cfg, fixSnap, filepath.Join(dir, "store"), fixKeys)
	return err
}

// generateAndLoad generates cfg (two workers) into snap, opens a store in
// dir and loads the snapshot into it with keys. The store is returned
// whenever it was opened, for the caller to close.
func generateAndLoad(ctx context.Context, cfg synth.Config, snap, dir string, keys *pii.Keys) (*store.Store, *store.Version, error) {
	cfg.Out, cfg.Workers, cfg.Force = snap, 2, true
	if _, err := synth.Generate(ctx, cfg); err != nil {
		return nil, nil, fmt.Errorf("generate: %w", err)
	}
	st, err := store.Open(ctx, store.Config{Dir: dir, Threads: 2, MemoryLimit: "2GB"})
	if err != nil {
		return nil, nil, err
	}
	tree, err := datasets.Divisions()
	if err != nil {
		return st, nil, err
	}
	rep, err := load.Load(ctx, st, snap, load.Options{Keys: keys, Divisions: tree})
	if err != nil {
		return st, nil, fmt.Errorf("load: %w", err)
	}
	return st, rep.Version, nil
}

// fixture returns the shared store and version, failing the test when the
// set-up failed.
func fixture(t testing.TB) (*store.Store, *store.Version) {
	t.Helper()
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fixStore, fixVer
}
