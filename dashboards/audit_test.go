package dashboards

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/engine/auditchain"
)

// testAuditKey chains the test servers' audit logs.
var testAuditKey = []byte("padis test audit chain key 0123456789")

// writeAuditLog writes n records to a new log in a temporary directory and
// returns its path.
func writeAuditLog(t *testing.T, n int, maxBytes int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := OpenAuditLog(path, testAuditKey)
	if err != nil {
		t.Fatal(err)
	}
	if maxBytes > 0 {
		l.MaxBytes = maxBytes
	}
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		if err := l.Append(context.Background(), AuditRecord{Time: t0.Add(time.Duration(i) * time.Minute), User: "op", Action: "reveal", Target: fmt.Sprintf("w-%d", i+1), Unit: "510104017", Purpose: "verification", Reason: "家访核实户口信息"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// editLines rewrites the lines of file with change.
func editLines(t *testing.T, file string, change func([]string) []string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	lines = change(lines)
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAuditLogChainDetectsTampering edits, deletes, reorders and inserts
// lines of an audit log file; verification names the first broken record
// by file and line and says what broke.
func TestAuditLogChainDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		change func([]string) []string
		kind   string
		line   int
	}{
		{"clean", func(l []string) []string { return l }, "", 0},
		{"edited", func(l []string) []string { l[2] = strings.Replace(l[2], "家访", "出差", 1); return l }, auditchain.Edited, 3},
		{"edited user", func(l []string) []string { l[3] = strings.Replace(l[3], `"user":"op"`, `"user":"admin"`, 1); return l }, auditchain.Edited, 4},
		{"deleted", func(l []string) []string { return append(l[:1:1], l[2:]...) }, auditchain.Deleted, 2},
		{"reordered", func(l []string) []string { l[1], l[2] = l[2], l[1]; return l }, auditchain.Reordered, 2},
		{"inserted copy", func(l []string) []string { return append(l[:4:4], append([]string{l[0]}, l[4:]...)...) }, auditchain.Inserted, 5},
		{"inserted forgery", func(l []string) []string {
			forged := `{"seq":3,"time":"2026-03-01T08:02:30Z","user":"op","action":"login","prev_hash":"x","hash":"y"}`
			return append(l[:2:2], append([]string{forged}, l[2:]...)...)
		}, auditchain.Inserted, 3},
		{"inserted unchained", func(l []string) []string {
			return append(l, `{"time":"2026-03-01T09:00:00Z","user":"op","action":"login"}`)
		}, auditchain.Inserted, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeAuditLog(t, 5, 0)
			editLines(t, path, tt.change)
			res, err := VerifyAuditLog(path, testAuditKey)
			if err != nil {
				t.Fatal(err)
			}
			if tt.kind == "" {
				if res.Break != nil || res.Seq != 5 {
					t.Fatalf("clean log: %+v", res)
				}
				return
			}
			want := fmt.Sprintf("%s line %d", path, tt.line)
			if res.Break == nil || res.Break.Kind != tt.kind || res.Break.Where != want {
				t.Fatalf("break %v, want %s at %s", res.Break, tt.kind, want)
			}
		})
	}
	// Another key (a forger's) does not verify a genuine log.
	path := writeAuditLog(t, 2, 0)
	if res, _ := VerifyAuditLog(path, []byte("another key, not the store's one")); res.Break == nil {
		t.Error("the log verified under another key")
	}
}

// TestAuditLogRotationKeepsChain rotates the log several times: the files
// chain into one another, Records reads them all, and removing or editing
// a rotated file is detected in that file.
func TestAuditLogRotationKeepsChain(t *testing.T) {
	path := writeAuditLog(t, 12, 700) // a record is ~300 bytes: 2 a file
	files, err := AuditFiles(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 || files[0] != strings.TrimSuffix(path, ".jsonl")+".000001.jsonl" || files[len(files)-1] != path {
		t.Fatalf("files after rotation: %v", files)
	}
	res, err := VerifyAuditLog(path, testAuditKey)
	if err != nil || res.Break != nil || res.Seq != 12 {
		t.Fatalf("rotated log: %+v %v", res, err)
	}
	// Reopening goes on with the chain.
	l, err := OpenAuditLog(path, testAuditKey)
	if err != nil {
		t.Fatal(err)
	}
	l.MaxBytes = 700
	if err := l.Append(context.Background(), AuditRecord{User: "admin", Action: "login", Unit: "00"}); err != nil {
		t.Fatal(err)
	}
	rs, err := l.Records(context.Background(), "", "")
	l.Close()
	if err != nil || len(rs) != 13 || rs[12].Seq != 13 || rs[12].PrevHash != rs[11].Hash {
		t.Fatalf("records after reopening: %d %v", len(rs), err)
	}
	if res, _ := VerifyAuditLog(path, testAuditKey); res.Break != nil || res.Seq != 13 {
		t.Fatalf("after reopening: %+v", res)
	}
	// The first record of a file chains from the last of the one before.
	second := files[1]
	if err := os.Remove(second); err != nil {
		t.Fatal(err)
	}
	res, _ = VerifyAuditLog(path, testAuditKey)
	if res.Break == nil || res.Break.Kind != auditchain.Deleted || res.Break.Where != files[2]+" line 1" {
		t.Errorf("a removed rotated file: %v, want deleted at %s line 1", res.Break, files[2])
	}
}

// TestAuditLogAdoptsUnchainedLog chains a log written before records were
// chained, so that the server can go on with it.
func TestAuditLogAdoptsUnchainedLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	old := `{"time":"2025-07-01T09:00:00Z","user":"op","action":"login","unit":"51"}` + "\n" + `{"time":"2025-07-01T09:01:00Z","user":"op","action":"reveal","target":"w-1","unit":"5101","reason":"x"}` + "\n"
	os.WriteFile(path, []byte(old), 0o600)
	l, err := OpenAuditLog(path, testAuditKey)
	if err != nil {
		t.Fatal(err)
	}
	l.Append(context.Background(), AuditRecord{User: "op", Action: "logout"})
	l.Close()
	if res, err := VerifyAuditLog(path, testAuditKey); err != nil || res.Break != nil || res.Seq != 3 {
		t.Fatalf("adopted log: %+v %v", res, err)
	}
}

// TestAuditLogTornLine: a record torn by a crash during its write is
// reported as unreadable at its line, and the records appended after it
// keep lines of their own.
func TestAuditLogTornLine(t *testing.T) {
	path := writeAuditLog(t, 2, 0)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	f.WriteString(`{"seq":3,"time":"2026-03-01T08:0`)
	f.Close()
	l, err := OpenAuditLog(path, testAuditKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(context.Background(), AuditRecord{User: "op", Action: "login", Unit: "51"}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	res, err := VerifyAuditLog(path, testAuditKey)
	if err != nil || res.Break == nil || res.Break.Kind != auditchain.Unreadable || res.Break.Where != path+" line 3" {
		t.Fatalf("torn line: %+v %v", res.Break, err)
	}
	b, _ := os.ReadFile(path)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[3], `{"seq":3,`) {
		t.Errorf("the record after the torn line: %q", lines)
	}
}
