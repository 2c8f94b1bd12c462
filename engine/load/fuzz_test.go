package load

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// fileLevel are the messages a fuzzed persons.csv may legitimately abort
// the load with; anything else is a bug.
var fileLevel = []string{"wrong schema", "header", "empty file", "reserved", "manifest says"}

// FuzzLoadCSV loads arbitrary bytes as persons.csv (with the fixture's
// households and events). The load must not panic, and either abort with a
// file-level error naming persons.csv or conserve rows: rows in the file =
// rows accepted + rows quarantined. Seeds are in testdata/fuzz/FuzzLoadCSV.
func FuzzLoadCSV(f *testing.F) {
	seed, err := os.ReadFile("testdata/bad/persons.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	st, err := store.Open(context.Background(), store.Config{Dir: f.TempDir(), Threads: 1, MemoryLimit: "512MB"})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	households, _ := os.ReadFile("testdata/bad/households.csv")
	events, _ := os.ReadFile("testdata/bad/events.csv")
	f.Fuzz(func(t *testing.T, persons []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "persons.csv"), persons, 0o644)
		os.WriteFile(filepath.Join(dir, "households.csv"), households, 0o644)
		os.WriteFile(filepath.Join(dir, "events.csv"), events, 0o644)
		var rows int64
		if s, err := scanFile(filepath.Join(dir, "persons.csv")); err == nil {
			rows = s.dataRows()
		}
		writeManifest(t, dir, province51, []models.FileEntry{
			{Table: models.TablePersons, Path: "persons.csv", Rows: rows},
			{Table: models.TableHouseholds, Path: "households.csv"},
			{Table: models.TableEvents, Path: "events.csv"},
		})
		rep, err := Load(context.Background(), st, dir, testOptions(t))
		if err != nil {
			msg := err.Error()
			ok := strings.Contains(msg, "persons.csv")
			known := false
			for _, s := range fileLevel {
				known = known || strings.Contains(msg, s)
			}
			if !ok || !known {
				t.Fatalf("load failed with an error that is not a file-level problem of persons.csv: %v", err)
			}
			return
		}
		for _, ts := range rep.Version.Tables {
			if ts.RowsIn != ts.Accepted+ts.Quarantined {
				t.Fatalf("%s: %d in, %d accepted + %d quarantined", ts.Table, ts.RowsIn, ts.Accepted, ts.Quarantined)
			}
		}
		var accepted, quarantined int64
		st.DB().QueryRow(`SELECT count(*) FROM ` + st.Table(rep.Version.ID, models.TablePersons)).Scan(&accepted)
		st.DB().QueryRow(`SELECT count(DISTINCT "row") FROM ` + st.Table(rep.Version.ID, store.QuarantineTable) + ` WHERE tbl = 'persons' AND action = 'quarantined'`).Scan(&quarantined)
		if accepted+quarantined != rows {
			t.Fatalf("persons: %d rows in the file, %d accepted + %d quarantined", rows, accepted, quarantined)
		}
	})
}
