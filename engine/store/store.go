package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/padis/padis/models"
)

// Store is an open PADIS database. It is safe for concurrent use; only one
// load runs at a time.
type Store struct {
	cfg       Config
	connector *duckdb.Connector
	db        *sql.DB
	loadMu    sync.Mutex
	recovered []int64
	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the store in cfg.Dir, applies the DuckDB
// settings, creates the catalog and drops the leftovers of loads that never
// completed.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	tuneAllocator()
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := os.MkdirAll(cfg.TempDir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: temp directory: %w", err)
	}
	// These run on every new connection. Settings a load changes for its
	// duration (engine/load: preserve_insertion_order,
	// checkpoint_threshold) are database-wide and must not be here, or the
	// next connection opened would undo them.
	settings := []string{
		fmt.Sprintf("SET threads = %d", cfg.Threads),
		fmt.Sprintf("SET memory_limit = '%s'", cfg.DuckDBMemoryLimit()),
		fmt.Sprintf("SET temp_directory = '%s'", cfg.TempDir),
	}
	connector, err := duckdb.NewConnector(cfg.DBPath(), func(ex driver.ExecerContext) error {
		for _, s := range settings {
			if _, err := ex.ExecContext(ctx, s, nil); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", cfg.DBPath(), err)
	}
	s := &Store{cfg: cfg, connector: connector, db: sql.OpenDB(connector)}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.collectGarbage(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := removeWorkDirs(cfg.TempDir); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// WorkDirPrefix starts the names of the work directories a load makes in
// the temp directory (transcoded or converted copies of input files, which
// may hold plaintext PII). Open removes any left by a killed load; only one
// process can have the store open, so none is in use then.
const WorkDirPrefix = "load-"

func removeWorkDirs(tmp string) error {
	ents, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), WorkDirPrefix) {
			if err := os.RemoveAll(filepath.Join(tmp, e.Name())); err != nil {
				return fmt.Errorf("open store: remove stale work directory: %w", err)
			}
		}
	}
	return nil
}

// Close closes the database (checkpointing it). Closing twice is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = s.db.Close()
		if cerr := s.connector.Close(); s.closeErr == nil {
			s.closeErr = cerr
		}
	})
	return s.closeErr
}

// Config returns the effective configuration.
func (s *Store) Config() Config { return s.cfg }

// DB returns the database handle. It is for engine packages only (load,
// cube, quality, alerts, query): dashboards must go through engine/query.
// Queries must name tables with Table so that they read one version.
func (s *Store) DB() *sql.DB { return s.db }

// Recovered returns the versions that were found half-written when the
// store was opened and were dropped.
func (s *Store) Recovered() []int64 { return append([]int64(nil), s.recovered...) }

// LockLoad serialises loads within the process; engine/load calls it.
func (s *Store) LockLoad() (unlock func()) {
	s.loadMu.Lock()
	return s.loadMu.Unlock
}

// SchemaName returns the DuckDB schema of a version, e.g. v7.
func SchemaName(version int64) string { return fmt.Sprintf("v%d", version) }

// TableName returns the name in the store of a snapshot table:
// sources/police → police; others unchanged.
func TableName(table string) string {
	return strings.TrimPrefix(table, "sources/")
}

// Table returns the qualified SQL name of a table of a version, e.g.
// Table(7, models.TablePersons) = "v7"."persons". It also names a
// version's internal tables: "quarantine" and "vault".
func (s *Store) Table(version int64, table string) string {
	return Ident(SchemaName(version)) + "." + Ident(TableName(table))
}

// Ident quotes an SQL identifier.
func Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Quote quotes an SQL string literal.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// SnapshotTable returns the schema of a snapshot table by name.
func SnapshotTable(name string) (models.Table, bool) {
	for _, t := range models.SnapshotTables {
		if t.Name == name || TableName(t.Name) == name {
			return t, true
		}
	}
	return models.Table{}, false
}
