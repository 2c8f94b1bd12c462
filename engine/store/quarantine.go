package store

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// QuarantineTable is the name of a version's quarantine table (see Table).
const QuarantineTable = "quarantine"

// QuarantineDDL returns the statement creating a version's quarantine.
// Each row is one problem of one input row: file and 1-based data row
// number, field, reason code, action ("quarantined": the row is not in the
// version; "flagged": the row is in the version and the problem is noted),
// the offending value (never a PII value: those are NULL) and the whole
// input row as JSON with PII replaced by pseudonyms and the vault locator.
func (s *Store) QuarantineDDL(version int64) string {
	return `CREATE TABLE ` + s.Table(version, QuarantineTable) + ` (
	tbl VARCHAR NOT NULL, file VARCHAR NOT NULL, "row" BIGINT NOT NULL, field VARCHAR,
	reason VARCHAR NOT NULL, action VARCHAR NOT NULL, value VARCHAR,
	message_zh VARCHAR NOT NULL, message_en VARCHAR NOT NULL, raw VARCHAR)`
}

// Quarantine actions.
const (
	ActionQuarantined = "quarantined"
	ActionFlagged     = "flagged"
)

// QuarantineRow is one problem found in one input row.
type QuarantineRow struct {
	Table     string `json:"table"`
	File      string `json:"file"`
	Row       int64  `json:"row"`
	Field     string `json:"field"`
	Reason    string `json:"reason"`
	Action    string `json:"action"`
	Value     string `json:"value"`
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
	Raw       string `json:"raw"`
}

// QuarantineFilter selects quarantine rows; zero fields match everything.
type QuarantineFilter struct {
	Table  string
	Reason string
	Field  string
	Action string
	Limit  int // 0: no limit
}

func (f QuarantineFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = ?")
			args = append(args, v)
		}
	}
	add("tbl", f.Table)
	add("reason", f.Reason)
	add("field", f.Field)
	add("action", f.Action)
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// EachQuarantine calls fn for each quarantine row of version matching f,
// ordered by table, file and row.
func (s *Store) EachQuarantine(ctx context.Context, version int64, f QuarantineFilter, fn func(QuarantineRow) error) error {
	if _, err := s.Version(ctx, version); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	where, args := f.where()
	q := `SELECT tbl, file, "row", coalesce(field, ''), reason, action, coalesce(value, ''), message_zh, message_en, coalesce(raw, '') FROM ` +
		s.Table(version, QuarantineTable) + where + ` ORDER BY tbl, file, "row", field`
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("quarantine of version %d: %w", version, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r QuarantineRow
		if err := rows.Scan(&r.Table, &r.File, &r.Row, &r.Field, &r.Reason, &r.Action, &r.Value, &r.MessageZH, &r.MessageEN, &r.Raw); err != nil {
			return fmt.Errorf("quarantine of version %d: %w", version, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Quarantine returns the quarantine rows of version matching f.
func (s *Store) Quarantine(ctx context.Context, version int64, f QuarantineFilter) ([]QuarantineRow, error) {
	var out []QuarantineRow
	err := s.EachQuarantine(ctx, version, f, func(r QuarantineRow) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// ReasonCount is the number of problems of one reason in one table.
type ReasonCount struct {
	Table  string
	Reason string
	Action string
	Count  int64
}

// QuarantineSummary counts the quarantine rows of version by table,
// reason and action.
func (s *Store) QuarantineSummary(ctx context.Context, version int64) ([]ReasonCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT tbl, reason, action, count(*) FROM `+s.Table(version, QuarantineTable)+` GROUP BY ALL ORDER BY 1, 4 DESC, 2`)
	if err != nil {
		return nil, fmt.Errorf("quarantine summary of version %d: %w", version, err)
	}
	defer rows.Close()
	var out []ReasonCount
	for rows.Next() {
		var c ReasonCount
		if err := rows.Scan(&c.Table, &c.Reason, &c.Action, &c.Count); err != nil {
			return nil, fmt.Errorf("quarantine summary of version %d: %w", version, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// QuarantineCSVHeader is the header of ExportQuarantineCSV.
var QuarantineCSVHeader = []string{"table", "file", "row", "field", "reason", "action", "value", "message_zh", "message_en", "raw"}

// ExportQuarantineCSV writes the quarantine rows of version matching f to w
// as UTF-8 CSV with a header, for the people who must fix the rows.
func (s *Store) ExportQuarantineCSV(ctx context.Context, version int64, f QuarantineFilter, w io.Writer) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(QuarantineCSVHeader); err != nil {
		return 0, fmt.Errorf("export quarantine: %w", err)
	}
	n := 0
	err := s.EachQuarantine(ctx, version, f, func(r QuarantineRow) error {
		n++
		return cw.Write([]string{r.Table, r.File, strconv.FormatInt(r.Row, 10), r.Field, r.Reason, r.Action, r.Value, r.MessageZH, r.MessageEN, r.Raw})
	})
	if err != nil {
		return n, fmt.Errorf("export quarantine: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("export quarantine: %w", err)
	}
	return n, nil
}
