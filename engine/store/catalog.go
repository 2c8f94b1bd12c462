package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/padis/padis/models"
)

// Version states.
const (
	StateLoading   = "loading"   // being filled; invisible; dropped at the next Open if left behind
	StatePublished = "published" // complete and queryable
)

// TableStats are the counts of one table of a version.
type TableStats struct {
	Table       string   `json:"table"`
	File        string   `json:"file"`
	Format      string   `json:"format"`
	Encoding    string   `json:"encoding,omitempty"`
	SHA256      string   `json:"sha256"`
	RowsIn      int64    `json:"rows_in"`
	Accepted    int64    `json:"accepted"`
	Quarantined int64    `json:"quarantined"`
	Flagged     int64    `json:"flagged"`
	Extra       []string `json:"extra_columns,omitempty"`   // unknown columns kept in _extra
	Missing     []string `json:"missing_columns,omitempty"` // optional columns absent from the file
	// Forced records that the table's quarantined share was above the
	// load's bound and the version was published anyway (padis load
	// --force): the bound, and who overrode it. It is kept with the
	// version in meta.versions, the store's record of loads.
	Forced *QuarantineOverride `json:"forced,omitempty"`
}

// QuarantineOverride is an administrator's override of the quarantine
// bound of a load.
type QuarantineOverride struct {
	Bound float64   `json:"bound"` // the bound (share, 0–1) that was exceeded
	Share float64   `json:"share"` // the table's quarantined share
	By    string    `json:"by"`    // who forced it
	At    time.Time `json:"at"`
}

// Version is one loaded snapshot.
type Version struct {
	ID          int64         `json:"id"`
	Scope       string        `json:"scope"` // models.Scope.Key()
	ScopeDef    models.Scope  `json:"scope_def"`
	AsOf        time.Time     `json:"as_of"`
	PeriodStart time.Time     `json:"period_start"`
	Producer    string        `json:"producer"`
	Fingerprint string        `json:"fingerprint"` // identifies the input files; a reload with the same is a no-op
	KeyID       string        `json:"key_id"`      // fingerprint of the PII key the version was written under
	State       string        `json:"state"`
	StartedAt   time.Time     `json:"started_at"`
	LoadedAt    time.Time     `json:"loaded_at"` // when it was published
	Duration    time.Duration `json:"duration"`
	SourceDir   string        `json:"source_dir"`
	Tables      []TableStats  `json:"tables"`
	// Generator is the manifest's generator block: set when the snapshot
	// is synthetic (padis generate), nil for real data.
	Generator *models.GenInfo `json:"generator,omitempty"`
}

// Totals returns the sums over the tables.
func (v *Version) Totals() (in, accepted, quarantined int64) {
	for _, t := range v.Tables {
		in += t.RowsIn
		accepted += t.Accepted
		quarantined += t.Quarantined
	}
	return
}

const catalogDDL = `
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.versions (
	id BIGINT NOT NULL,
	scope VARCHAR NOT NULL,
	scope_def VARCHAR NOT NULL,
	as_of DATE NOT NULL,
	period_start DATE NOT NULL,
	producer VARCHAR,
	fingerprint VARCHAR NOT NULL,
	key_id VARCHAR NOT NULL,
	state VARCHAR NOT NULL,
	started_at TIMESTAMP NOT NULL,
	loaded_at TIMESTAMP,
	duration_ms BIGINT,
	source_dir VARCHAR,
	tables VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.settings (key VARCHAR NOT NULL, value VARCHAR);
CREATE TABLE IF NOT EXISTS meta.divisions (code VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS meta.reveal_audit (
	revealed_at TIMESTAMP NOT NULL, who VARCHAR NOT NULL, why VARCHAR NOT NULL,
	version BIGINT, tbl VARCHAR, record_key VARCHAR, field VARCHAR, outcome VARCHAR NOT NULL
);
ALTER TABLE meta.reveal_audit ADD COLUMN IF NOT EXISTS purpose VARCHAR;
ALTER TABLE meta.reveal_audit ADD COLUMN IF NOT EXISTS seq BIGINT;
ALTER TABLE meta.reveal_audit ADD COLUMN IF NOT EXISTS prev_hash VARCHAR;
ALTER TABLE meta.reveal_audit ADD COLUMN IF NOT EXISTS hash VARCHAR;
ALTER TABLE meta.versions ADD COLUMN IF NOT EXISTS generator VARCHAR;
`

// AuditTable is the table of reveal audit records, hash-chained by
// engine/pii (seq, prev_hash, hash: see auditchain).
const AuditTable = "meta.reveal_audit"

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, catalogDDL); err != nil {
		return fmt.Errorf("open store: create catalog: %w", err)
	}
	return nil
}

var versionSchema = regexp.MustCompile(`^v([0-9]+)$`)

// collectGarbage drops versions left "loading" by a killed or failed load
// and any version schema without a catalog row.
func (s *Store) collectGarbage(ctx context.Context) error {
	published := map[int64]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT id, state FROM meta.versions`)
	if err != nil {
		return fmt.Errorf("open store: read versions: %w", err)
	}
	var stale []int64
	for rows.Next() {
		var id int64
		var state string
		if err := rows.Scan(&id, &state); err != nil {
			rows.Close()
			return fmt.Errorf("open store: read versions: %w", err)
		}
		if state == StatePublished {
			published[id] = true
		} else {
			stale = append(stale, id)
		}
	}
	rows.Close()
	schemas, err := s.db.QueryContext(ctx, `SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database()`)
	if err != nil {
		return fmt.Errorf("open store: list schemas: %w", err)
	}
	for schemas.Next() {
		var name string
		if err := schemas.Scan(&name); err != nil {
			schemas.Close()
			return fmt.Errorf("open store: list schemas: %w", err)
		}
		if m := versionSchema.FindStringSubmatch(name); m != nil {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			if !published[id] && !contains(stale, id) {
				stale = append(stale, id)
			}
		}
	}
	schemas.Close()
	for _, id := range stale {
		if err := s.dropSchema(ctx, id); err != nil {
			return fmt.Errorf("open store: drop unfinished version %d: %w", id, err)
		}
		s.recovered = append(s.recovered, id)
	}
	return nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (s *Store) dropSchema(ctx context.Context, id int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+Ident(SchemaName(id))+` CASCADE`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM meta.versions WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Commit()
}

const versionCols = `id, scope, scope_def, as_of, period_start, coalesce(producer, ''), fingerprint, key_id, state, started_at, loaded_at, coalesce(duration_ms, 0), coalesce(source_dir, ''), coalesce(tables, '[]'), coalesce(generator, '')`

func scanVersion(sc interface{ Scan(...any) error }) (*Version, error) {
	var v Version
	var scopeDef, tables, gen string
	var loaded sql.NullTime
	var ms int64
	if err := sc.Scan(&v.ID, &v.Scope, &scopeDef, &v.AsOf, &v.PeriodStart, &v.Producer, &v.Fingerprint, &v.KeyID, &v.State, &v.StartedAt, &loaded, &ms, &v.SourceDir, &tables, &gen); err != nil {
		return nil, err
	}
	if gen != "" {
		v.Generator = new(models.GenInfo)
		if err := json.Unmarshal([]byte(gen), v.Generator); err != nil {
			return nil, fmt.Errorf("version %d: generator: %w", v.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(scopeDef), &v.ScopeDef); err != nil {
		return nil, fmt.Errorf("version %d: scope: %w", v.ID, err)
	}
	if err := json.Unmarshal([]byte(tables), &v.Tables); err != nil {
		return nil, fmt.Errorf("version %d: tables: %w", v.ID, err)
	}
	v.LoadedAt = loaded.Time
	v.Duration = time.Duration(ms) * time.Millisecond
	return &v, nil
}

// ErrNoVersion is returned when a scope has no published version or a
// version does not exist.
var ErrNoVersion = errors.New("no such snapshot version")

// Versions returns the published versions of scope (all scopes when scope
// is ""), newest as-of date first.
func (s *Store) Versions(ctx context.Context, scope string) ([]*Version, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+versionCols+` FROM meta.versions WHERE state = ? AND (? = '' OR scope = ?) ORDER BY scope, as_of DESC, id DESC`, StatePublished, scope, scope)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	var out []*Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("list versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Current returns the current version of scope: the published version with
// the latest as-of date (the latest loaded among equal dates).
func (s *Store) Current(ctx context.Context, scope string) (*Version, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+versionCols+` FROM meta.versions WHERE state = ? AND scope = ? ORDER BY as_of DESC, id DESC LIMIT 1`, StatePublished, scope)
	v, err := scanVersion(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("scope %q: %w", scope, ErrNoVersion)
	}
	if err != nil {
		return nil, fmt.Errorf("current version of %q: %w", scope, err)
	}
	return v, nil
}

// Version returns a published version by id.
func (s *Store) Version(ctx context.Context, id int64) (*Version, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+versionCols+` FROM meta.versions WHERE state = ? AND id = ?`, StatePublished, id)
	v, err := scanVersion(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("version %d: %w", id, ErrNoVersion)
	}
	if err != nil {
		return nil, fmt.Errorf("version %d: %w", id, err)
	}
	return v, nil
}

// FindLoaded returns the published version of scope whose input files have
// fingerprint, or nil.
func (s *Store) FindLoaded(ctx context.Context, scope, fingerprint string) (*Version, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+versionCols+` FROM meta.versions WHERE state = ? AND scope = ? AND fingerprint = ? ORDER BY id DESC LIMIT 1`, StatePublished, scope, fingerprint)
	v, err := scanVersion(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find loaded version: %w", err)
	}
	return v, nil
}

// Drop deletes a version and all its tables, quarantine and vault. When it
// was current, the previous version of its scope becomes current.
func (s *Store) Drop(ctx context.Context, id int64) error {
	if _, err := s.Version(ctx, id); err != nil {
		return fmt.Errorf("drop: %w", err)
	}
	if err := s.dropSchema(ctx, id); err != nil {
		return fmt.Errorf("drop version %d: %w", id, err)
	}
	return nil
}

// Begin creates a version in state loading and its empty schema. It is for
// engine/load: the version stays invisible until Publish, and Abandon (or
// the next Open) removes it.
func (s *Store) Begin(ctx context.Context, v *Version) error {
	scopeDef, err := json.Marshal(v.ScopeDef)
	if err != nil {
		return fmt.Errorf("begin version: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin version: %w", err)
	}
	defer tx.Rollback()
	// Ids are never reused, even after a drop, so a version id names one
	// load for ever (schemas left behind are keyed by id too).
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(CAST(value AS BIGINT)), 0) + 1 FROM meta.settings WHERE key = 'last_version'`).Scan(&v.ID); err != nil {
		return fmt.Errorf("begin version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM meta.settings WHERE key = 'last_version'`); err != nil {
		return fmt.Errorf("begin version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta.settings VALUES ('last_version', ?)`, strconv.FormatInt(v.ID, 10)); err != nil {
		return fmt.Errorf("begin version: %w", err)
	}
	v.State = StateLoading
	var gen sql.NullString
	if v.Generator != nil {
		b, err := json.Marshal(v.Generator)
		if err != nil {
			return fmt.Errorf("begin version: %w", err)
		}
		gen = sql.NullString{String: string(b), Valid: true}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta.versions (id, scope, scope_def, as_of, period_start, producer, fingerprint, key_id, state, started_at, source_dir, generator)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.Scope, string(scopeDef), v.AsOf, v.PeriodStart, v.Producer, v.Fingerprint, v.KeyID, v.State, v.StartedAt, v.SourceDir, gen); err != nil {
		return fmt.Errorf("begin version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE SCHEMA `+Ident(SchemaName(v.ID))); err != nil {
		return fmt.Errorf("begin version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("begin version: %w", err)
	}
	return nil
}

// Publish makes a loading version visible, recording its statistics, in
// one small transaction.
func (s *Store) Publish(ctx context.Context, v *Version) error {
	tables, err := json.Marshal(v.Tables)
	if err != nil {
		return fmt.Errorf("publish version %d: %w", v.ID, err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE meta.versions SET state = ?, loaded_at = ?, duration_ms = ?, tables = ? WHERE id = ? AND state = ?`,
		StatePublished, v.LoadedAt, v.Duration.Milliseconds(), string(tables), v.ID, StateLoading)
	if err != nil {
		return fmt.Errorf("publish version %d: %w", v.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("publish version %d: it is not loading", v.ID)
	}
	v.State = StatePublished
	return nil
}

// Abandon removes a version that is still loading. It uses its own
// context so that a cancelled load is still cleaned up.
func (s *Store) Abandon(v *Version) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var state string
	err := s.db.QueryRowContext(ctx, `SELECT state FROM meta.versions WHERE id = ?`, v.ID).Scan(&state)
	if err == nil && state == StatePublished {
		return nil
	}
	if err := s.dropSchema(ctx, v.ID); err != nil {
		return fmt.Errorf("abandon version %d: %w", v.ID, err)
	}
	return nil
}
