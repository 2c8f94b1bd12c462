package pii

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/engine/auditchain"
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
	Purpose string // the purpose category (models.RevealPurposes)
	Why     string // the stated reason
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

// tableAuditMu serialises the appends to reveal audit tables, so that two
// reveals of one process never chain from the same record.
var tableAuditMu sync.Mutex

// TableAudit returns an AuditFunc that appends each record to a table
// created by the store (meta.reveal_audit), chained to the record before
// it by key (Keys.AuditKey; see auditchain). Rows written before the
// table was chained are chained as they stand by the first append.
func TableAudit(db *sql.DB, table string, key []byte) AuditFunc {
	return func(ctx context.Context, rec AuditRecord) error {
		chain, err := auditchain.New(key, table)
		if err != nil {
			return err
		}
		tableAuditMu.Lock()
		defer tableAuditMu.Unlock()
		if err := adoptAuditRows(ctx, db, table, chain); err != nil {
			return err
		}
		seq, prev := int64(0), chain.Genesis()
		err = db.QueryRowContext(ctx, fmt.Sprintf(`SELECT seq, hash FROM %s WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`, table)).Scan(&seq, &prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("audit reveal: %w", err)
		}
		rec.When = rec.When.UTC().Truncate(time.Microsecond) // what a TIMESTAMP keeps
		row := auditRow{Seq: seq + 1, When: rec.When, Who: rec.Who, Purpose: rec.Purpose, Why: rec.Why, Version: rec.Version, Table: rec.Table, Key: rec.Key, Field: rec.Field, Outcome: rec.Outcome}
		if _, err := insertAuditRow(ctx, db, table, chain, prev, row); err != nil {
			return fmt.Errorf("audit reveal: %w", err)
		}
		return nil
	}
}

// auditRow is a row of the reveal audit table; its JSON encoding is the
// canonical encoding the chain covers.
type auditRow struct {
	Seq     int64     `json:"seq"`
	When    time.Time `json:"revealed_at"`
	Who     string    `json:"who"`
	Purpose string    `json:"purpose"`
	Why     string    `json:"why"`
	Version int64     `json:"version"`
	Table   string    `json:"tbl"`
	Key     string    `json:"record_key"`
	Field   string    `json:"field"`
	Outcome string    `json:"outcome"`
}

// insertAuditRow appends r chained after prev and returns its hash.
func insertAuditRow(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, table string, chain *auditchain.Chain, prev string, r auditRow) (string, error) {
	c, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	h := chain.Sum(prev, c)
	_, err = db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (revealed_at, who, purpose, why, version, tbl, record_key, field, outcome, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, table),
		r.When, r.Who, r.Purpose, r.Why, r.Version, r.Table, r.Key, r.Field, r.Outcome, r.Seq, prev, h)
	return h, err
}

const auditColumns = `rowid, seq, revealed_at, who, coalesce(purpose, ''), why, coalesce(version, 0), coalesce(tbl, ''), coalesce(record_key, ''), coalesce(field, ''), outcome, coalesce(prev_hash, ''), coalesce(hash, '')`

// readAuditRows reads the table in storage order.
func readAuditRows(ctx context.Context, db *sql.DB, table string) ([]auditchain.Entry, []auditRow, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s ORDER BY rowid`, auditColumns, table))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	var es []auditchain.Entry
	var rs []auditRow
	for rows.Next() {
		var rowid int64
		var seq sql.NullInt64
		var r auditRow
		var e auditchain.Entry
		if err := rows.Scan(&rowid, &seq, &r.When, &r.Who, &r.Purpose, &r.Why, &r.Version, &r.Table, &r.Key, &r.Field, &r.Outcome, &e.Prev, &e.Hash); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", table, err)
		}
		r.Seq, r.When = seq.Int64, r.When.UTC()
		e.Where, e.Seq = fmt.Sprintf("%s row %d (seq %d)", table, rowid, r.Seq), r.Seq
		if e.Canonical, err = json.Marshal(r); err != nil {
			return nil, nil, err
		}
		es, rs = append(es, e), append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", table, err)
	}
	return es, rs, nil
}

// adoptAuditRows chains the rows of a table written before it was
// chained: when no row has a sequence number, every row is rewritten,
// chained in storage order.
func adoptAuditRows(ctx context.Context, db *sql.DB, table string, chain *auditchain.Chain) error {
	var chained, all int64
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(seq), count(*) FROM %s`, table)).Scan(&chained, &all); err != nil {
		return fmt.Errorf("audit reveal: %w", err)
	}
	if chained > 0 || all == 0 {
		return nil
	}
	_, rs, err := readAuditRows(ctx, db, table)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("chain %s: %w", table, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s`, table)); err != nil {
		return fmt.Errorf("chain %s: %w", table, err)
	}
	prev := chain.Genesis()
	for i, r := range rs {
		r.Seq = int64(i + 1)
		if prev, err = insertAuditRow(ctx, tx, table, chain, prev, r); err != nil {
			return fmt.Errorf("chain %s: %w", table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("chain %s: %w", table, err)
	}
	return nil
}

// ChainTableAudit chains the rows of a reveal audit table written before
// it was chained (padis serve calls it at start, before verifying).
func ChainTableAudit(ctx context.Context, db *sql.DB, table string, key []byte) error {
	chain, err := auditchain.New(key, table)
	if err != nil {
		return err
	}
	tableAuditMu.Lock()
	defer tableAuditMu.Unlock()
	return adoptAuditRows(ctx, db, table, chain)
}

// VerifyTableAudit checks the chain of a reveal audit table in storage
// order and names the first broken row (its rowid and seq).
func VerifyTableAudit(ctx context.Context, db *sql.DB, table string, key []byte) (auditchain.Result, error) {
	chain, err := auditchain.New(key, table)
	if err != nil {
		return auditchain.Result{}, err
	}
	es, _, err := readAuditRows(ctx, db, table)
	if err != nil {
		return auditchain.Result{}, err
	}
	return chain.Verify(es), nil
}

// RevealPerson reveals field (id_number, name, mother_id_number or
// father_id_number) of the person with person_id personKey in version.
func (r *Revealer) RevealPerson(ctx context.Context, version int64, personKey, field, who, why string) (string, bool, error) {
	return r.Reveal(ctx, RevealRequest{Version: version, Table: models.TablePersons, Key: personKey, Field: field, Who: who, Why: why})
}
