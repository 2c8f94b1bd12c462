package dashboards

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/engine/auditchain"
	"github.com/padis/padis/models"
)

// AuditRecord is one audited action: who did what, when and why. Seq,
// PrevHash and Hash chain the records of the log (auditchain): Hash covers
// PrevHash and every other field.
type AuditRecord struct {
	Seq       int64     `json:"seq"`
	Time      time.Time `json:"time"`
	User      string    `json:"user"`
	Action    string    `json:"action"` // "login", "login_failed", "reveal", "export", "ack_alert"…
	Target    string    `json:"target,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	Purpose   string    `json:"purpose,omitempty"` // of a reveal: one of models.RevealPurposes
	Reason    string    `json:"reason,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
	IP        string    `json:"ip,omitempty"`
	PrevHash  string    `json:"prev_hash,omitempty"`
	Hash      string    `json:"hash,omitempty"`
}

// canonical is the encoding the record's hash covers: its JSON with Hash
// empty (encoding/json writes a struct's fields in a fixed order).
func (r AuditRecord) canonical() ([]byte, error) {
	r.Hash = ""
	return json.Marshal(r)
}

// AuditLog is an append-only log of audited actions.
type AuditLog interface {
	// Append writes r durably before returning.
	Append(ctx context.Context, r AuditRecord) error
	// Records returns the records, oldest first, optionally only those
	// whose user or action equals the non-empty filters.
	Records(ctx context.Context, user, action string) ([]AuditRecord, error)
}

// AuditChainName names the dashboards' audit chain (auditchain.New).
const AuditChainName = "dashboards audit log"

// DefaultAuditMaxBytes is the size at which the audit log file is rotated.
const DefaultAuditMaxBytes = 64 << 20

// FileAuditLog is an AuditLog in JSON-lines files; every Append is
// fsynced. Each record is chained to the one before (auditchain). When the
// file reaches MaxBytes it is renamed NAME.000001.jsonl (the next free
// number) and a new file started; the chain goes on across files, so the
// first record of the new file chains from the last of the old one.
type FileAuditLog struct {
	path  string
	chain *auditchain.Chain
	// MaxBytes is the size at which the file is rotated (default
	// DefaultAuditMaxBytes); set it before the first Append.
	MaxBytes int64

	mu   sync.Mutex
	f    *os.File
	size int64
	seq  int64  // of the last record
	last string // hash of the last record
}

// OpenAuditLog opens (or creates) the audit log at path for appending;
// key is the chain key (engine/pii.Keys.AuditKey). A log written before
// records were chained is chained as it stands (rewritten in place), so
// that its tamper evidence starts at this open.
func OpenAuditLog(path string, key []byte) (*FileAuditLog, error) {
	chain, err := auditchain.New(key, AuditChainName)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	l := &FileAuditLog{path: path, chain: chain, MaxBytes: DefaultAuditMaxBytes, last: chain.Genesis()}
	files, err := AuditFiles(path)
	if err != nil {
		return nil, err
	}
	for _, name := range files {
		rs, _, err := readAuditFile(name)
		if err != nil {
			return nil, err
		}
		if len(files) == 1 && len(rs) > 0 && !slices.ContainsFunc(rs, func(r AuditRecord) bool { return r.Hash != "" }) {
			if err := l.adopt(name, rs); err != nil {
				return nil, err
			}
			continue
		}
		// The chain goes on from the last chained record; anything else
		// is for 'padis audit verify' to report.
		for _, r := range slices.Backward(rs) {
			if r.Hash != "" {
				l.seq, l.last = r.Seq, r.Hash
				break
			}
		}
	}
	l.f, err = os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	fi, err := l.f.Stat()
	if err != nil {
		l.f.Close()
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	l.size = fi.Size()
	if err := l.endLine(); err != nil {
		l.f.Close()
		return nil, err
	}
	return l, nil
}

// endLine ends a last line torn by a crash during a write with a newline,
// so that the next record starts a line of its own; verification reports
// the torn line as unreadable.
func (l *FileAuditLog) endLine() error {
	if l.size == 0 {
		return nil
	}
	f, err := os.Open(l.path)
	if err != nil {
		return fmt.Errorf("open audit log %s: %w", l.path, err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, l.size-1); err != nil {
		return fmt.Errorf("open audit log %s: %w", l.path, err)
	}
	if b[0] == '\n' {
		return nil
	}
	if _, err := l.f.Write([]byte{'\n'}); err != nil {
		return fmt.Errorf("open audit log %s: %w", l.path, err)
	}
	l.size++
	return nil
}

// adopt chains a log written before records were chained (none of its
// records carries a hash): they are chained in their order and the file is
// replaced atomically.
func (l *FileAuditLog) adopt(name string, rs []AuditRecord) error {
	var buf bytes.Buffer
	for _, r := range rs {
		b, err := l.link(r)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("chain audit log %s: %w", name, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("chain audit log %s: %w", name, err)
	}
	return nil
}

// link chains r after the last record and returns its line.
func (l *FileAuditLog) link(r AuditRecord) ([]byte, error) {
	r.Seq, r.PrevHash = l.seq+1, l.last
	c, err := r.canonical()
	if err != nil {
		return nil, err
	}
	r.Hash = l.chain.Sum(r.PrevHash, c)
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	l.seq, l.last = r.Seq, r.Hash
	return append(b, '\n'), nil
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
	l.mu.Lock()
	defer l.mu.Unlock()
	seq, last := l.seq, l.last
	b, err := l.link(r)
	if err != nil {
		return err
	}
	if l.size > 0 && l.size+int64(len(b)) > l.MaxBytes {
		if err := l.rotate(); err != nil {
			l.seq, l.last = seq, last
			return err
		}
	}
	if _, err := l.f.Write(b); err != nil {
		l.seq, l.last = seq, last
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	l.size += int64(len(b))
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	return nil
}

// rotate renames the full file to the next numbered name and starts a
// new one.
func (l *FileAuditLog) rotate() error {
	files, err := AuditFiles(l.path)
	if err != nil {
		return err
	}
	n := len(files) // the rotated files are numbered 1…len-1
	if len(files) > 1 {
		if n, err = rotationNumber(l.path, files[len(files)-2]); err != nil {
			return err
		}
		n++
	}
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("rotate audit log %s: %w", l.path, err)
	}
	if err := os.Rename(l.path, rotatedName(l.path, n)); err != nil {
		return fmt.Errorf("rotate audit log %s: %w", l.path, err)
	}
	if l.f, err = os.OpenFile(l.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY|os.O_EXCL, 0o600); err != nil {
		return fmt.Errorf("rotate audit log %s: %w", l.path, err)
	}
	l.size = 0
	return nil
}

// rotatedName is the name of the n-th rotated file of the log at path:
// audit.jsonl → audit.000001.jsonl.
func rotatedName(path string, n int) string {
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s.%06d%s", strings.TrimSuffix(path, ext), n, ext)
}

// rotationNumber is the number of the rotated file name of the log at path.
func rotationNumber(path, name string) (int, error) {
	ext := filepath.Ext(path)
	num := strings.TrimSuffix(strings.TrimPrefix(name, strings.TrimSuffix(path, ext)+"."), ext)
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || len(num) < 6 {
		return 0, fmt.Errorf("audit log %s: %s is not a rotated file of it", path, name)
	}
	return n, nil
}

// AuditFiles returns the files of the audit log at path, oldest first:
// the rotated files by number, then path itself when it exists.
func AuditFiles(path string) ([]string, error) {
	ext := filepath.Ext(path)
	matches, err := filepath.Glob(strings.TrimSuffix(path, ext) + ".[0-9]*" + ext)
	if err != nil {
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	type numbered struct {
		n    int
		name string
	}
	var rot []numbered
	for _, m := range matches {
		if n, err := rotationNumber(path, m); err == nil {
			rot = append(rot, numbered{n, m})
		}
	}
	slices.SortFunc(rot, func(a, b numbered) int { return a.n - b.n })
	var out []string
	for _, r := range rot {
		out = append(out, r.name)
	}
	if _, err := os.Stat(path); err == nil {
		out = append(out, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	return out, nil
}

// readAuditFile reads one file of the log: its records and, for the
// verification, one chain entry per line.
func readAuditFile(name string) ([]AuditRecord, []auditchain.Entry, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("read audit log %s: %w", name, err)
	}
	defer f.Close()
	var rs []AuditRecord
	var es []auditchain.Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		e := auditchain.Entry{Where: fmt.Sprintf("%s line %d", name, line)}
		var r AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			e.Unreadable = fmt.Errorf("not a JSON record: %w", err)
		} else if e.Canonical, err = r.canonical(); err != nil {
			e.Unreadable = err
		}
		e.Seq, e.Prev, e.Hash = r.Seq, r.PrevHash, r.Hash
		rs, es = append(rs, r), append(es, e)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read audit log %s: %w", name, err)
	}
	return rs, es, nil
}

// Records implements AuditLog: the records of every file of the log.
func (l *FileAuditLog) Records(_ context.Context, user, action string) ([]AuditRecord, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	files, err := AuditFiles(l.path)
	if err != nil {
		return nil, err
	}
	var out []AuditRecord
	for _, name := range files {
		rs, es, err := readAuditFile(name)
		if err != nil {
			return nil, err
		}
		for i, r := range rs {
			if es[i].Unreadable != nil {
				return nil, fmt.Errorf("%s: %w", es[i].Where, es[i].Unreadable)
			}
			if (user == "" || r.User == user) && (action == "" || r.Action == action) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// VerifyAuditLog checks the chain of the audit log at path across all its
// files, oldest first, and names the first broken record (file and line).
func VerifyAuditLog(path string, key []byte) (auditchain.Result, error) {
	chain, err := auditchain.New(key, AuditChainName)
	if err != nil {
		return auditchain.Result{}, err
	}
	files, err := AuditFiles(path)
	if err != nil {
		return auditchain.Result{}, err
	}
	var all []auditchain.Entry
	for _, name := range files {
		_, es, err := readAuditFile(name)
		if err != nil {
			return auditchain.Result{}, err
		}
		all = append(all, es...)
	}
	return chain.Verify(all), nil
}

// visibleAudit keeps the records an admin of jurisdiction may see: those
// about a unit in it (a login's unit is the user's jurisdiction); records
// without a unit (a failed login, an action of the whole system) only for
// the nation.
func visibleAudit(jurisdiction string, rs []AuditRecord) []AuditRecord {
	out := rs[:0:0]
	for _, r := range rs {
		if r.Unit != "" && InScope(jurisdiction, r.Unit) || r.Unit == "" && jurisdiction == models.NationCode {
			out = append(out, r)
		}
	}
	return out
}

// auditRecords lists the audit log for the request's user, filtered by
// ?user= and ?action= and by the user's jurisdiction.
func (r *req) auditRecords() ([]AuditRecord, error) {
	rs, err := r.s.cfg.Audit.Records(r.ctx(), r.c.QueryParam("user"), r.c.QueryParam("action"))
	if err != nil {
		return nil, err
	}
	return visibleAudit(r.user.Jurisdiction, rs), nil
}

// WriteAuditCSV writes records as CSV with a UTF-8 byte-order mark so that
// Excel opens it correctly.
func WriteAuditCSV(w io.Writer, rs []AuditRecord) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "time", "user", "action", "target", "unit", "purpose", "reason", "request_id", "ip", "hash"})
	for _, r := range rs {
		cw.Write([]string{strconv.FormatInt(r.Seq, 10), r.Time.UTC().Format(time.RFC3339), csvSafe(r.User), r.Action, csvSafe(r.Target), r.Unit, r.Purpose, csvSafe(r.Reason), r.RequestID, r.IP, r.Hash})
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
