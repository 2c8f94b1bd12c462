package pii

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/padis/padis/models"
)

// VaultTable is the name of a version's vault table (see Revealer.Tables).
const VaultTable = "vault"

// LocatorColumn is the column of a loaded table holding the row's vault
// locator.
const LocatorColumn = "_vault"

// KeyColumn returns the name of the pseudonym column that replaces PII
// column col in the store: id_number → id_number_key.
func KeyColumn(col string) string { return col + "_key" }

// KeyType is the SQL type of a pseudonym column (padis_pseudonym's result).
const KeyType = "UUID"

// PIIColumns returns the PII columns of t in schema order, which is the
// order of the fields in its vault rows.
func PIIColumns(t models.Table) []string {
	var out []string
	for _, c := range t.Columns {
		if c.PII != "" {
			out = append(out, c.Name)
		}
	}
	return out
}

// RevealRequest asks for the original value of one field of one record.
type RevealRequest struct {
	Version int64  // snapshot version
	Table   string // snapshot table, e.g. models.TablePersons
	Key     string // the record's key (person_id for persons)
	Field   string // a PII column of the table, e.g. id_number
	Who     string // the user asking
	Why     string // the stated purpose
}

// AuditRecord is what is recorded of every reveal, granted or not.
type AuditRecord struct {
	RevealRequest
	When    time.Time
	Outcome string // "revealed", "null", "not_found", "denied", "error"
}

// AuditFunc records a reveal. It is called before the value is returned;
// an error denies the reveal. Authorisation (later, in the dashboards)
// plugs in here too.
type AuditFunc func(ctx context.Context, rec AuditRecord) error

// Revealer decrypts single values from the vault.
type Revealer struct {
	DB     *sql.DB
	Keys   *Keys
	Tables func(version int64, table string) string // qualified SQL table name, e.g. store.Table
	Audit  AuditFunc                                // required: no reveal without a record
	Now    func() time.Time                         // time.Now when nil
}

// ErrNotFound is returned when the record does not exist in the version.
var ErrNotFound = errors.New("pii: record not found")

// Reveal returns the original value of req.Field of the record req.Key,
// and false when the original was NULL. Every call is audited, and the
// audit must succeed for the value to be returned.
func (r *Revealer) Reveal(ctx context.Context, req RevealRequest) (string, bool, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	rec := AuditRecord{RevealRequest: req, When: now().UTC()}
	if r.Audit == nil {
		return "", false, errors.New("pii: reveal without an audit hook is not allowed")
	}
	if strings.TrimSpace(req.Who) == "" || strings.TrimSpace(req.Why) == "" {
		rec.Outcome = "denied"
		_ = r.Audit(ctx, rec)
		return "", false, errors.New("pii: reveal needs who and why")
	}
	v, ok, err := r.reveal(ctx, req)
	switch {
	case errors.Is(err, ErrNotFound):
		rec.Outcome = "not_found"
	case err != nil:
		rec.Outcome = "error"
	case !ok:
		rec.Outcome = "null"
	default:
		rec.Outcome = "revealed"
	}
	if aerr := r.Audit(ctx, rec); aerr != nil {
		return "", false, fmt.Errorf("pii: reveal denied by audit: %w", aerr)
	}
	return v, ok, err
}

func (r *Revealer) reveal(ctx context.Context, req RevealRequest) (string, bool, error) {
	var schema models.Table
	found := false
	for _, t := range models.SnapshotTables {
		if t.Name == req.Table {
			schema, found = t, true
		}
	}
	if !found {
		return "", false, fmt.Errorf("pii: reveal: unknown table %q", req.Table)
	}
	field := -1
	for i, c := range PIIColumns(schema) {
		if c == req.Field {
			field = i
		}
	}
	if field < 0 {
		return "", false, fmt.Errorf("pii: reveal: %s.%s is not a PII column", req.Table, req.Field)
	}
	var loc int64
	q := fmt.Sprintf(`SELECT %s FROM %s WHERE %s = ? LIMIT 1`, LocatorColumn, r.Tables(req.Version, req.Table), schema.Key)
	if err := r.DB.QueryRowContext(ctx, q, req.Key).Scan(&loc); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", false, fmt.Errorf("reveal %s %s in version %d: %w", req.Table, req.Key, req.Version, ErrNotFound)
		}
		return "", false, fmt.Errorf("reveal %s %s: %w", req.Table, req.Key, err)
	}
	batch, idx := SplitLocator(loc)
	b := Batch{Table: req.Table, ID: batch}
	q = fmt.Sprintf(`SELECT nonce, data FROM %s WHERE tbl = ? AND batch = ?`, r.Tables(req.Version, VaultTable))
	if err := r.DB.QueryRowContext(ctx, q, req.Table, batch).Scan(&b.Nonce, &b.Data); err != nil {
		return "", false, fmt.Errorf("reveal %s %s: vault batch %d: %w", req.Table, req.Key, batch, err)
	}
	s, err := r.Keys.Sealer()
	if err != nil {
		return "", false, err
	}
	plain, err := s.Open(req.Version, b)
	if err != nil {
		return "", false, err
	}
	row, err := DecodeRow(plain, idx)
	if err != nil {
		return "", false, fmt.Errorf("reveal %s %s: %w", req.Table, req.Key, err)
	}
	if field >= len(row) || row[field] == nil {
		return "", false, nil
	}
	return *row[field], true, nil
}

// TableAudit returns an AuditFunc that appends each record to a table
// created by the store (meta.reveal_audit).
func TableAudit(db *sql.DB, table string) AuditFunc {
	return func(ctx context.Context, rec AuditRecord) error {
		_, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (revealed_at, who, why, version, tbl, record_key, field, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, table),
			rec.When, rec.Who, rec.Why, rec.Version, rec.Table, rec.Key, rec.Field, rec.Outcome)
		if err != nil {
			return fmt.Errorf("audit reveal: %w", err)
		}
		return nil
	}
}

// RevealPerson reveals field (id_number, name, mother_id_number or
// father_id_number) of the person with person_id personKey in version.
func (r *Revealer) RevealPerson(ctx context.Context, version int64, personKey, field, who, why string) (string, bool, error) {
	return r.Reveal(ctx, RevealRequest{Version: version, Table: models.TablePersons, Key: personKey, Field: field, Who: who, Why: why})
}
