package dashboards

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// AuditRecord is one audited action: who did what, when and why.
type AuditRecord struct {
	Time      time.Time `json:"time"`
	User      string    `json:"user"`
	Action    string    `json:"action"` // "login", "login_failed", "reveal", "export", "ack_alert"…
	Target    string    `json:"target,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
	IP        string    `json:"ip,omitempty"`
}

// AuditLog is an append-only log of audited actions.
type AuditLog interface {
	// Append writes r durably before returning.
	Append(ctx context.Context, r AuditRecord) error
	// Records returns the records, oldest first, optionally only those
	// whose user or action equals the non-empty filters.
	Records(ctx context.Context, user, action string) ([]AuditRecord, error)
}

// FileAuditLog is an AuditLog in a JSON-lines file; every Append is
// fsynced.
type FileAuditLog struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

// OpenAuditLog opens (or creates) the audit log at path for appending.
func OpenAuditLog(path string) (*FileAuditLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	return &FileAuditLog{path: path, f: f}, nil
}

// Close closes the file.
func (l *FileAuditLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}

// Append implements AuditLog.
func (l *FileAuditLog) Append(_ context.Context, r AuditRecord) error {
	if r.Time.IsZero() {
		r.Time = time.Now().UTC()
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	return nil
}

// Records implements AuditLog.
func (l *FileAuditLog) Records(_ context.Context, user, action string) ([]AuditRecord, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.Open(l.path)
	if err != nil {
		return nil, fmt.Errorf("read audit log %s: %w", l.path, err)
	}
	defer f.Close()
	var out []AuditRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var r AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("read audit log %s: line %d: %w", l.path, line, err)
		}
		if (user == "" || r.User == user) && (action == "" || r.Action == action) {
			out = append(out, r)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read audit log %s: %w", l.path, err)
	}
	return out, nil
}

// WriteAuditCSV writes records as CSV with a UTF-8 byte-order mark so that
// Excel opens it correctly.
func WriteAuditCSV(w io.Writer, rs []AuditRecord) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"time", "user", "action", "target", "unit", "reason", "request_id", "ip"})
	for _, r := range rs {
		cw.Write([]string{r.Time.UTC().Format(time.RFC3339), csvSafe(r.User), r.Action, csvSafe(r.Target), r.Unit, csvSafe(r.Reason), r.RequestID, r.IP})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formulas: a cell starting with = + - @ is
// prefixed with a quote.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
