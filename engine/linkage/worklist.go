package linkage

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// ErrNotFound is returned for an unknown item.
var ErrNotFound = errors.New("linkage: worklist item not found")

// Item is one worklist item. Its identity is masked (NameMasked,
// IDMasked); Evidence holds record keys, dates, places and codes only.
type Item struct {
	ID            string          `json:"id"`
	Scope         string          `json:"scope"`
	Version       int64           `json:"version"`
	Kind          string          `json:"kind"`
	Reason        string          `json:"reason"`
	Village       string          `json:"village"` // 12-digit village code the item belongs to
	PersonID      string          `json:"person_id,omitempty"`
	OtherPersonID string          `json:"other_person_id,omitempty"` // the kept card of a duplicate
	Source        string          `json:"source,omitempty"`
	RecordID      string          `json:"record_id,omitempty"` // the source record
	Score         *float64        `json:"score,omitempty"`
	EventDate     *time.Time      `json:"event_date,omitempty"`
	Evidence      json.RawMessage `json:"evidence"`
	NameMasked    string          `json:"name"`
	IDMasked      string          `json:"id_number"`
	Status        string          `json:"status"`
	Reopened      bool            `json:"reopened,omitempty"` // corrected earlier, present again in a later snapshot
	StatusBy      string          `json:"status_by,omitempty"`
	StatusNote    string          `json:"status_note,omitempty"`
	StatusAt      *time.Time      `json:"status_at,omitempty"`
}

// Identity is the revealed identity behind an item.
type Identity struct {
	ItemID   string `json:"item"`
	Village  string `json:"village"`
	Table    string `json:"table"`  // the record revealed: persons or a source
	Record   string `json:"record"` // its key
	Name     string `json:"name"`
	IDNumber string `json:"id_number"` // for a birth certificate: the mother's
}

// Filter selects items. Version 0 means the current version of Scope, or
// of every scope when Scope is empty. Unit is a division code (any level);
// empty Kind or Status mean all; Limit 0 means no limit.
type Filter struct {
	Scope         string
	Version       int64
	Unit          string
	Kind, Status  string
	Offset, Limit int
}

// Service is the Go API of the worklists for the command line and the
// dashboards: list (masked), export, set status, reveal (audited).
type Service struct {
	Store *store.Store
	Keys  *pii.Keys
	Now   func() time.Time // time.Now when nil
	// Policy is what a reveal needs: purpose, reason, rate (zero fields
	// take the defaults of models.RevealPolicy).
	Policy models.RevealPolicy
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// versions returns the versions f reads.
func (s *Service) versions(ctx context.Context, f Filter) ([]int64, error) {
	if f.Version != 0 {
		return []int64{f.Version}, nil
	}
	vs, err := s.Store.Versions(ctx, f.Scope)
	if err != nil {
		return nil, fmt.Errorf("worklist: %w", err)
	}
	seen := map[string]bool{}
	var out []int64
	for _, v := range vs {
		if !seen[v.Scope] {
			cur, err := s.Store.Current(ctx, v.Scope)
			if err != nil {
				return nil, fmt.Errorf("worklist: %w", err)
			}
			seen[v.Scope] = true
			out = append(out, cur.ID)
		}
	}
	return out, nil
}

const itemColumns = `item_id, scope, version, kind, reason, coalesce(village, ''), coalesce(person_id, ''),
	coalesce(other_person_id, ''), coalesce(source, ''), coalesce(record_id, ''), score, event_date, evidence,
	status, reopened, coalesce(status_by, ''), coalesce(status_note, ''), status_at`

// where returns the conditions and arguments of f.
func (f Filter) where(versions []int64) (string, []any, error) {
	if len(versions) == 0 {
		return "", nil, nil
	}
	var vs []string
	for _, v := range versions {
		vs = append(vs, fmt.Sprint(v))
	}
	conds := []string{"version IN (" + strings.Join(vs, ", ") + ")"}
	var args []any
	if f.Unit != "" && f.Unit != models.NationCode {
		u, err := models.NormalizeCode(f.Unit)
		if err != nil {
			return "", nil, fmt.Errorf("worklist: %w", err)
		}
		conds, args = append(conds, "starts_with(village, ?)"), append(args, u)
	}
	if f.Kind != "" {
		if !slices.Contains(Kinds, f.Kind) {
			return "", nil, fmt.Errorf("worklist: unknown kind %q (want one of %s)", f.Kind, strings.Join(Kinds, ", "))
		}
		conds, args = append(conds, "kind = ?"), append(args, f.Kind)
	}
	if f.Status != "" {
		if !slices.Contains(Statuses, f.Status) {
			return "", nil, fmt.Errorf("worklist: unknown status %q (want one of %s)", f.Status, strings.Join(Statuses, ", "))
		}
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// List returns the items matching f, masked, ordered by village, kind and
// id, and how many match in all (before Offset and Limit).
func (s *Service) List(ctx context.Context, f Filter) ([]Item, int, error) {
	vs, err := s.versions(ctx, f)
	if err != nil || len(vs) == 0 {
		return nil, 0, err
	}
	where, args, err := f.where(vs)
	if err != nil {
		return nil, 0, err
	}
	db := s.Store.DB()
	if err := migrate(ctx, func(ctx context.Context, q string) error { _, err := db.ExecContext(ctx, q); return err }); err != nil {
		return nil, 0, err
	}
	base := `SELECT * FROM (` + effectiveItems + `)` + where
	var total int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (`+base+`)`, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("worklist: count: %w", err)
	}
	q := `SELECT ` + itemColumns + ` FROM (` + base + `) ORDER BY village, kind, item_id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	if f.Offset > 0 {
		q += fmt.Sprintf(" OFFSET %d", f.Offset)
	}
	items, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	if err := s.mask(ctx, items); err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// query scans items.
func (s *Service) query(ctx context.Context, q string, args ...any) ([]Item, error) {
	rows, err := s.Store.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("worklist: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var score sql.NullFloat64
		var ev, at sql.NullTime
		var evidence string
		if err := rows.Scan(&it.ID, &it.Scope, &it.Version, &it.Kind, &it.Reason, &it.Village, &it.PersonID, &it.OtherPersonID,
			&it.Source, &it.RecordID, &score, &ev, &evidence, &it.Status, &it.Reopened, &it.StatusBy, &it.StatusNote, &at); err != nil {
			return nil, fmt.Errorf("worklist: %w", err)
		}
		if score.Valid {
			it.Score = &score.Float64
		}
		if ev.Valid {
			it.EventDate = &ev.Time
		}
		if at.Valid {
			it.StatusAt = &at.Time
		}
		it.Evidence = json.RawMessage(evidence)
		out = append(out, it)
	}
	return out, rows.Err()
}

// Item returns one item of the current versions (or of the newest version
// holding it), masked.
func (s *Service) Item(ctx context.Context, id string) (Item, error) {
	vs, err := s.versions(ctx, Filter{})
	if err != nil {
		return Item{}, err
	}
	var in []string
	for _, v := range vs {
		in = append(in, fmt.Sprint(v))
	}
	cur := "false"
	if len(in) > 0 {
		cur = "version IN (" + strings.Join(in, ", ") + ")"
	}
	items, err := s.query(ctx, `SELECT `+itemColumns+` FROM (`+effectiveItems+`) WHERE item_id = ? ORDER BY `+cur+` DESC, version DESC LIMIT 1`, id)
	if err != nil {
		return Item{}, err
	}
	if len(items) == 0 {
		return Item{}, fmt.Errorf("item %q: %w", id, ErrNotFound)
	}
	if err := s.mask(ctx, items); err != nil {
		return Item{}, err
	}
	return items[0], nil
}

// SetStatus records who's verdict on item id (status one of Statuses) with
// a note, and rewrites the worklist indicators of the item's version so
// that the quality score sees it. The verdict applies to the real case in
// every version of the scope.
func (s *Service) SetStatus(ctx context.Context, id, status, who, note string, at time.Time) (Item, error) {
	if !slices.Contains(Statuses, status) {
		return Item{}, fmt.Errorf("worklist: unknown status %q (want one of %s)", status, strings.Join(Statuses, ", "))
	}
	if strings.TrimSpace(who) == "" {
		return Item{}, errors.New("worklist: a status needs who")
	}
	it, err := s.Item(ctx, id)
	if err != nil {
		return Item{}, err
	}
	if at.IsZero() {
		at = s.now()
	}
	conn, err := s.Store.DB().Conn(ctx)
	if err != nil {
		return Item{}, fmt.Errorf("worklist: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `INSERT INTO linkage.status VALUES (nextval('linkage.status_seq'), ?, ?, ?, ?, ?, ?, ?)`,
		it.Scope, it.ID, status, who, at.UTC(), note, it.Version); err != nil {
		return Item{}, fmt.Errorf("worklist: set status of %s: %w", id, err)
	}
	v, err := s.Store.Version(ctx, it.Version)
	if err != nil {
		return Item{}, fmt.Errorf("worklist: %w", err)
	}
	if err := writeIndicators(ctx, conn, v); err != nil {
		return Item{}, err
	}
	return s.Item(ctx, id)
}

// identityRecord returns the table, key and PII fields (name, ID number)
// of the record behind an item: the database card when there is one, else
// the source record.
func identityRecord(it Item) (table, key, nameField, idField string) {
	switch {
	case it.PersonID != "" && it.Kind != KindUnregisteredBirth:
		return models.TablePersons, it.PersonID, "name", "id_number"
	case it.Source == "police":
		return models.TablePolice, it.RecordID, "name", "id_number"
	case it.Source == "deaths":
		return models.TableDeaths, it.RecordID, "name", "id_number"
	case it.Source == "birth_certificates":
		return models.TableBirthCertificates, it.RecordID, "child_name", "mother_id_number"
	}
	return "", "", "", ""
}

// mask fills NameMasked and IDMasked from the vault originals: masking
// needs the key but no audit (nothing identifying leaves).
func (s *Service) mask(ctx context.Context, items []Item) error {
	if s.Keys == nil {
		return nil
	}
	o := &opener{db: s.Store.DB(), st: s.Store, keys: s.Keys, cache: map[batchKey][]byte{}}
	for i := range items {
		tbl, key, nf, idf := identityRecord(items[i])
		if tbl == "" {
			continue
		}
		vals, err := o.fields(ctx, items[i].Version, tbl, key, nf, idf)
		if err != nil {
			return err
		}
		items[i].NameMasked, items[i].IDMasked = models.MaskName(vals[0]), models.MaskIDNumber(vals[1])
	}
	return nil
}

// Reveal returns the identity behind item id through pii.Revealer: each
// field revealed is recorded in meta.reveal_audit (chained) with who, the
// purpose and the reason. The policy s.Policy is checked first: a purpose
// from models.RevealPurposes, a reason long enough, and at most Limit
// records revealed by who in the last Window (counted in meta.reveal_audit,
// so the web and the CLI share it and a restart does not reset it).
// Refusals are *models.RevealError.
func (s *Service) Reveal(ctx context.Context, id, who, purpose, why string) (Identity, error) {
	p := s.Policy.WithDefaults()
	if err := p.Check(purpose, why); err != nil {
		return Identity{}, err
	}
	it, err := s.Item(ctx, id)
	if err != nil {
		return Identity{}, err
	}
	tbl, key, nf, idf := identityRecord(it)
	if tbl == "" {
		return Identity{}, fmt.Errorf("item %s: no record to reveal", id)
	}
	n, err := s.revealedBy(ctx, who, s.now().Add(-p.Window))
	if err != nil {
		return Identity{}, err
	}
	if n >= p.Limit {
		return Identity{}, &models.RevealError{Code: models.RevealRateLimited, Policy: p}
	}
	rv := &pii.Revealer{DB: s.Store.DB(), Keys: s.Keys, Tables: s.Store.Table, Audit: pii.TableAudit(s.Store.DB(), store.AuditTable, s.Keys.AuditKey()), Now: s.Now}
	out := Identity{ItemID: it.ID, Village: it.Village, Table: tbl, Record: key}
	why = strings.TrimSpace(why) + " (worklist item " + it.ID + ")"
	for _, f := range []struct {
		field string
		dst   *string
	}{{nf, &out.Name}, {idf, &out.IDNumber}} {
		v, _, err := rv.Reveal(ctx, pii.RevealRequest{Version: it.Version, Table: tbl, Key: key, Field: f.field, Who: who, Purpose: purpose, Why: why})
		if err != nil {
			return Identity{}, fmt.Errorf("reveal item %s: %w", id, err)
		}
		*f.dst = v
	}
	return out, nil
}

// revealedBy counts the records (version, table, key) whose fields who
// revealed since.
func (s *Service) revealedBy(ctx context.Context, who string, since time.Time) (int, error) {
	var n int
	q := `SELECT count(DISTINCT (version, tbl, record_key)) FROM ` + store.AuditTable + ` WHERE who = ? AND revealed_at >= ? AND outcome IN ('revealed', 'null')`
	if err := s.Store.DB().QueryRowContext(ctx, q, who, since.UTC()).Scan(&n); err != nil {
		return 0, fmt.Errorf("reveal: count the reveals of %s: %w", who, err)
	}
	return n, nil
}

// ExportCSV writes the items matching f, masked, as CSV with a UTF-8 BOM
// and CRLF line ends (Excel opens it as UTF-8), and returns the number of
// items written.
func (s *Service) ExportCSV(ctx context.Context, f Filter, w io.Writer) (int, error) {
	items, _, err := s.List(ctx, f)
	if err != nil {
		return 0, err
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write([]string{"item", "kind", "reason", "village", "township", "name", "id_number", "person_id", "other_person_id",
		"source", "record_id", "event_date", "score", "status", "status_by", "status_at", "status_note", "evidence"})
	for _, it := range items {
		ev, sc, at := "", "", ""
		if it.EventDate != nil {
			ev = it.EventDate.Format("2006-01-02")
		}
		if it.Score != nil {
			sc = fmt.Sprintf("%.2f", *it.Score)
		}
		if it.StatusAt != nil {
			at = it.StatusAt.UTC().Format(time.RFC3339)
		}
		cw.Write([]string{it.ID, it.Kind, it.Reason, it.Village, models.AncestorCode(it.Village, models.LevelTownship),
			it.NameMasked, it.IDMasked, it.PersonID, it.OtherPersonID, it.Source, it.RecordID, ev, sc,
			it.Status, it.StatusBy, at, it.StatusNote, string(it.Evidence)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return len(items), nil
}

// batchKey names one vault batch.
type batchKey struct {
	version int64
	table   string
	batch   int64
}

// opener decrypts vault rows for masking, one batch at a time (cached).
type opener struct {
	db    *sql.DB
	st    *store.Store
	keys  *pii.Keys
	cache map[batchKey][]byte
}

// fields returns the original values (empty when NULL) of the named PII
// fields of the record key of table in version.
func (o *opener) fields(ctx context.Context, version int64, table, key string, names ...string) ([]string, error) {
	schema, ok := store.SnapshotTable(table)
	if !ok {
		return nil, fmt.Errorf("mask: unknown table %s", table)
	}
	cols := pii.PIIColumns(schema)
	var loc int64
	err := o.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s = ? LIMIT 1`, pii.LocatorColumn, o.st.Table(version, table), store.Ident(schema.Key)), key).Scan(&loc)
	if errors.Is(err, sql.ErrNoRows) {
		return make([]string, len(names)), nil
	}
	if err != nil {
		return nil, fmt.Errorf("mask %s %s: %w", table, key, err)
	}
	batch, idx := pii.SplitLocator(loc)
	bk := batchKey{version, table, batch}
	plain, ok := o.cache[bk]
	if !ok {
		b := pii.Batch{Table: table, ID: batch}
		if err := o.db.QueryRowContext(ctx, `SELECT nonce, data FROM `+o.st.Table(version, pii.VaultTable)+` WHERE tbl = ? AND batch = ?`, table, batch).Scan(&b.Nonce, &b.Data); err != nil {
			return nil, fmt.Errorf("mask %s %s: vault batch %d: %w", table, key, batch, err)
		}
		sealer, err := o.keys.Sealer()
		if err != nil {
			return nil, err
		}
		if plain, err = sealer.Open(version, b); err != nil {
			return nil, err
		}
		o.cache[bk] = plain
	}
	row, err := pii.DecodeRow(plain, idx)
	if err != nil {
		return nil, fmt.Errorf("mask %s %s: %w", table, key, err)
	}
	out := make([]string, len(names))
	for i, n := range names {
		for j, c := range cols {
			if c == n && j < len(row) && row[j] != nil {
				out[i] = *row[j]
			}
		}
	}
	return out, nil
}
