package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/store"
)

// auditKeyOf is the audit chain key of the store in data.
func auditKeyOf(t *testing.T, data string) []byte {
	t.Helper()
	key, err := existingAuditKey(data)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// testAuditTampering edits the dashboards' audit log, then the store's
// meta.reveal_audit, of the store in data: 'padis audit verify' names the
// broken record and fails, and padis serve refuses to start; both are
// restored in between.
func testAuditTampering(t *testing.T, data string) {
	path := filepath.Join(data, "audit.jsonl")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(orig), "\n")
	edited := strings.Join(lines[:2], "") + strings.Replace(lines[2], "home visit", "routine job", 1) + strings.Join(lines[3:], "")
	if edited == string(orig) {
		t.Fatal("the reveal record is not line 3 of the audit log")
	}
	os.WriteFile(path, []byte(edited), 0o600)
	if code, out, errs := runPadis("audit", "verify", "--data", data); code != 1 || !strings.Contains(out, "BROKEN at "+path+" line 3: edited") || !strings.Contains(out, "meta.reveal_audit: 2 records, chain intact") {
		t.Fatalf("verify after an edit of the log: exit %d\n%s%s", code, out, errs) // and serve would start
	}
	serve := []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--no-bootstrap", "--no-report-schedule"}
	if code, _, errs := runPadis(serve...); code != 1 || !strings.Contains(errs, "refusing to start") || !strings.Contains(errs, "line 3: edited") {
		t.Errorf("serve on a tampered log: exit %d %s", code, errs)
	}
	os.WriteFile(path, orig, 0o600)

	st, err := store.Open(context.Background(), store.Config{Dir: data, Threads: 1, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`DELETE FROM ` + store.AuditTable + ` WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, out, errs := runPadis("audit", "verify", "--data", data); code != 1 || !strings.Contains(out, "meta.reveal_audit: BROKEN at meta.reveal_audit row") || !strings.Contains(out, "(seq 2): deleted: record seq 1 is missing") {
		t.Errorf("verify after a deletion from the table: exit %d\n%s%s", code, out, errs)
	}

	// --allow-broken-audit: the start goes on with a loud warning.
	st, err = store.Open(context.Background(), store.Config{Dir: data, Threads: 1, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var stderr bytes.Buffer
	warning, err := checkAuditAtStart(context.Background(), st, auditKeyOf(t, data), true, &stderr)
	if err != nil || !strings.Contains(warning, "deleted") || !strings.Contains(stderr.String(), "WARNING: AUDIT TRAIL BROKEN") {
		t.Errorf("allowed start on a broken chain: %v %q %q", err, warning, stderr.String())
	}
	if _, err := checkAuditAtStart(context.Background(), st, auditKeyOf(t, data), false, &stderr); err == nil {
		t.Error("a start on a broken chain was not refused")
	}
}
