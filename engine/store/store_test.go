package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

func TestConfigFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want Config
		err  bool
	}{
		{"defaults", nil, Config{Dir: "padis-data", Threads: runtime.GOMAXPROCS(0), MemoryLimit: "8GB", TempDir: filepath.Join("padis-data", "tmp")}, false},
		{"env", map[string]string{"PADIS_DATA": "/d", "PADIS_THREADS": "3", "PADIS_MEMORY_LIMIT": "2GB", "PADIS_TEMP_DIR": "/t"}, Config{Dir: "/d", Threads: 3, MemoryLimit: "2GB", TempDir: "/t"}, false},
		{"bad threads", map[string]string{"PADIS_THREADS": "many"}, Config{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if (err != nil) != tc.err {
				t.Fatalf("err = %v", err)
			}
			if !tc.err && got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		c  Config
		ok bool
	}{
		{Config{Dir: "x", MemoryLimit: "8GB"}, true},
		{Config{Dir: "x", MemoryLimit: "500 MB"}, true},
		{Config{Dir: "x", MemoryLimit: "8GB'; DROP TABLE x; --"}, false},
		{Config{Dir: "x", MemoryLimit: "lots"}, false},
		{Config{Dir: "x", TempDir: "/tmp/it's"}, false},
	} {
		if err := tc.c.withDefaults().validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: err = %v", tc.c, err)
		}
	}
}

func openTest(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{Dir: dir, Threads: 1, MemoryLimit: "512MB"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func day(s string) time.Time {
	d, _ := time.Parse(time.DateOnly, s)
	return d
}

// addVersion creates and, when publish, publishes a version with one table.
func addVersion(t *testing.T, s *Store, scope, asOf string, publish bool) *Version {
	t.Helper()
	ctx := context.Background()
	v := &Version{Scope: scope, ScopeDef: models.Scope{Name: scope}, AsOf: day(asOf), PeriodStart: day(asOf).AddDate(-1, 0, 0),
		Fingerprint: scope + asOf, KeyID: "k", StartedAt: time.Now()}
	if err := s.Begin(ctx, v); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `CREATE TABLE `+s.Table(v.ID, models.TablePersons)+` AS SELECT 1 AS x`); err != nil {
		t.Fatal(err)
	}
	if publish {
		v.Tables = []TableStats{{Table: models.TablePersons, RowsIn: 1, Accepted: 1}}
		v.LoadedAt = time.Now()
		if err := s.Publish(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func schemaExists(t *testing.T, s *Store, id int64) bool {
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM duckdb_schemas() WHERE schema_name = ?`, SchemaName(id)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func TestVersionsCurrentDrop(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	v1 := addVersion(t, s, "51", "2024-06-30", true)
	v2 := addVersion(t, s, "51", "2024-12-31", true)
	v3 := addVersion(t, s, "51", "2024-03-31", true) // a late back-fill: not current
	m1 := addVersion(t, s, "monitoring", "2024-12-31", true)
	cur, err := s.Current(ctx, "51")
	if err != nil || cur.ID != v2.ID {
		t.Fatalf("current of 51 = %v, %v; want %d", cur, err, v2.ID)
	}
	if cur, _ := s.Current(ctx, "monitoring"); cur.ID != m1.ID {
		t.Fatalf("current of monitoring = %d", cur.ID)
	}
	vs, err := s.Versions(ctx, "51")
	if err != nil || len(vs) != 3 || vs[0].ID != v2.ID || vs[1].ID != v1.ID || vs[2].ID != v3.ID {
		t.Fatalf("versions of 51: %v %v", vs, err)
	}
	if vs[0].Tables[0].Accepted != 1 {
		t.Fatalf("tables not kept: %+v", vs[0].Tables)
	}
	if err := s.Drop(ctx, v2.ID); err != nil {
		t.Fatal(err)
	}
	if schemaExists(t, s, v2.ID) {
		t.Fatal("dropped schema still there")
	}
	if cur, _ := s.Current(ctx, "51"); cur.ID != v1.ID {
		t.Fatalf("after drop current = %d, want %d", cur.ID, v1.ID)
	}
	if err := s.Drop(ctx, v2.ID); !errors.Is(err, ErrNoVersion) {
		t.Fatalf("second drop: %v", err)
	}
	// Ids are not reused after a drop.
	v4 := addVersion(t, s, "51", "2023-12-31", true)
	if v4.ID <= m1.ID {
		t.Fatalf("id %d reused", v4.ID)
	}
	if _, err := s.Current(ctx, "52"); !errors.Is(err, ErrNoVersion) {
		t.Fatalf("unknown scope: %v", err)
	}
}

// TestOpenDropsUnfinished simulates a load killed before publishing.
func TestOpenDropsUnfinished(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, dir)
	good := addVersion(t, s, "51", "2024-06-30", true)
	half := addVersion(t, s, "51", "2024-12-31", false)
	if cur, _ := s.Current(ctx, "51"); cur.ID != good.ID {
		t.Fatalf("a loading version is current")
	}
	// An orphan schema without a catalog row, as a crash between steps
	// could leave.
	if _, err := s.DB().Exec(`CREATE SCHEMA v99; CREATE TABLE v99.persons AS SELECT 1 AS x`); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "tmp", "load-123"), 0o700)
	s.Close()

	s = openTest(t, dir)
	defer s.Close()
	if got := s.Recovered(); len(got) != 2 {
		t.Fatalf("recovered %v, want %d and 99", got, half.ID)
	}
	for _, id := range []int64{half.ID, 99} {
		if schemaExists(t, s, id) {
			t.Errorf("schema of version %d left behind", id)
		}
	}
	if !schemaExists(t, s, good.ID) {
		t.Fatal("published version dropped")
	}
	if cur, _ := s.Current(ctx, "51"); cur.ID != good.ID {
		t.Fatalf("current = %d", cur.ID)
	}
	if _, err := os.Stat(filepath.Join(dir, "tmp", "load-123")); !os.IsNotExist(err) {
		t.Fatalf("load work directory left behind: %v", err)
	}
}

// TestDuckDBGetsItsShareOfTheBudget checks the memory_limit DuckDB runs
// with: DuckDBShare of the configured budget, whatever its unit.
func TestDuckDBGetsItsShareOfTheBudget(t *testing.T) {
	for _, tc := range []struct{ budget, want string }{
		{"8GB", "6.4GB"}, {"500MB", "400MB"}, {"2GiB", "1.6GIB"}, {" 10gb ", "8GB"}, {"50%", "40%"},
	} {
		if got := (Config{MemoryLimit: tc.budget}).DuckDBMemoryLimit(); got != tc.want {
			t.Errorf("DuckDBMemoryLimit(%q) = %q, want %q", tc.budget, got, tc.want)
		}
	}
	s, err := Open(context.Background(), Config{Dir: t.TempDir(), Threads: 1, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var shown string
	if err := s.DB().QueryRow(`SELECT current_setting('memory_limit')`).Scan(&shown); err != nil {
		t.Fatal(err)
	}
	// 1GB × 0.8 = 800,000,000 bytes, which DuckDB prints in MiB.
	if shown != "762.9 MiB" {
		t.Errorf("memory_limit = %s, want 762.9 MiB (800 MB)", shown)
	}
}

// TestVersionGenerator: a synthetic snapshot's generator block is kept
// with its version (the dashboards label synthetic data by it); a real
// snapshot has none.
func TestVersionGenerator(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	addVersion(t, s, "52", "2024-12-31", true)
	v := &Version{Scope: "51", ScopeDef: models.Scope{Province: "51"}, AsOf: day("2024-12-31"), PeriodStart: day("2023-12-31"),
		Fingerprint: "g", KeyID: "k", StartedAt: time.Now(), Generator: &models.GenInfo{Seed: 7, Persons: 300000, Months: 24}}
	if err := s.Begin(ctx, v); err != nil {
		t.Fatal(err)
	}
	v.LoadedAt = time.Now()
	if err := s.Publish(ctx, v); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		scope string
		want  *models.GenInfo
	}{{"51", v.Generator}, {"52", nil}} {
		cur, err := s.Current(ctx, tt.scope)
		if err != nil {
			t.Fatal(err)
		}
		if (cur.Generator == nil) != (tt.want == nil) || tt.want != nil && *cur.Generator != *tt.want {
			t.Errorf("scope %s: generator %+v, want %+v", tt.scope, cur.Generator, tt.want)
		}
	}
}
