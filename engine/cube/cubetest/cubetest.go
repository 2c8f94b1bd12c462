// Package cubetest loads small hand-written snapshots through the real
// loader for the tests of engine/cube and engine/query.
package cubetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// OpenStore opens a store in a temporary directory with 2 threads.
func OpenStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Dir: t.TempDir(), Threads: 2, MemoryLimit: "2GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Keys returns fixed PII keys for tests.
func Keys(t testing.TB) *pii.Keys {
	t.Helper()
	k, err := pii.NewKeys(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Load copies the snapshot in dir (manifest.json and CSV files) to a
// temporary directory, fills in each file's sha256 and row count, and
// loads it with engine/load, validating division codes against a tree
// made of every 12-digit code found in the files. It fails the test when
// any row is quarantined, so that a fixture means what it says.
func Load(t testing.TB, st *store.Store, dir string) *store.Version {
	t.Helper()
	return LoadWithDivisions(t, st, dir)
}

// LoadWithDivisions is Load with more 12-digit village codes in the
// division list than the files name (a county with no rows, so that a
// scope of the fixture's counties is not the whole city or province).
func LoadWithDivisions(t testing.TB, st *store.Store, dir string, villages ...string) *store.Version {
	t.Helper()
	m, err := models.ReadManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	codes := map[string]bool{}
	for _, v := range villages {
		codes[v] = true
	}
	for i, f := range m.Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		for _, r := range recs[1:] {
			for _, v := range r {
				if len(v) == 12 && allDigits(v) {
					codes[v] = true
				}
			}
		}
		sum := sha256.Sum256(b)
		m.Files[i].SHA256 = hex.EncodeToString(sum[:])
		m.Files[i].Rows = int64(len(recs) - 1)
		if err := os.WriteFile(filepath.Join(tmp, f.Path), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "manifest.json"), mb, 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := load.Load(context.Background(), st, tmp, load.Options{Keys: Keys(t), Divisions: Tree(t, codes)})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range rep.Quarantine {
		if q.Action == store.ActionQuarantined {
			rows, _ := st.Quarantine(context.Background(), rep.Version.ID, store.QuarantineFilter{Table: q.Table, Reason: q.Reason})
			t.Fatalf("fixture %s: %d rows of %s quarantined (%s): %+v", dir, q.Count, q.Table, q.Reason, rows)
		}
	}
	return rep.Version
}

// Tree returns a division tree holding the given 12-digit village codes
// and all their ancestors (named by their codes).
func Tree(t testing.TB, villages map[string]bool) *models.DivisionTree {
	t.Helper()
	all := map[string]bool{}
	for v := range villages {
		for _, n := range []int{2, 4, 6, 9, 12} {
			all[v[:n]] = true
		}
	}
	codes := make([]string, 0, len(all))
	for c := range all {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		if len(codes[i]) != len(codes[j]) {
			return len(codes[i]) < len(codes[j])
		}
		return codes[i] < codes[j]
	})
	divs := make([]models.Division, len(codes))
	for i, c := range codes {
		divs[i] = models.Division{Code: c, Name: c}
	}
	tree, err := models.NewDivisionTree(divs)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
