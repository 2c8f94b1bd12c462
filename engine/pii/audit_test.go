package pii

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/engine/auditchain"
	"github.com/padis/padis/engine/store"
)

// auditStore returns a store whose meta.reveal_audit holds n chained
// records of reveals by "op".
func auditStore(t *testing.T, n int) (*sql.DB, []byte) {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Dir: t.TempDir(), Threads: 1, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := keysFor(t).AuditKey()
	audit := TableAudit(st.DB(), store.AuditTable, key)
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 123456789, time.UTC)
	for i := range n {
		rec := AuditRecord{RevealRequest: RevealRequest{Version: 1, Table: "persons", Key: fmt.Sprintf("P%d", i+1), Field: "name", Who: "op", Purpose: "verification", Why: "家访核实户口信息"},
			When: t0.Add(time.Duration(i) * time.Second), Outcome: "revealed"}
		if err := audit(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
	}
	return st.DB(), key
}

// exec runs SQL statements on the audit table ({T} stands for its name).
func exec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(strings.ReplaceAll(s, "{T}", store.AuditTable)); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestTableAuditChainDetectsTampering edits, deletes, reorders and inserts
// rows of meta.reveal_audit with SQL, as someone with write access to the
// store but not the key would; verification names the first broken row.
func TestTableAuditChainDetectsTampering(t *testing.T) {
	tests := []struct {
		name  string
		sql   []string
		kind  string
		where string // the seq the broken row's Where names
	}{
		{"clean", nil, "", ""},
		{"edited reason", []string{`UPDATE {T} SET why = 'routine' WHERE seq = 3`}, auditchain.Edited, "(seq 3)"},
		{"edited who", []string{`UPDATE {T} SET who = 'admin' WHERE seq = 4`}, auditchain.Edited, "(seq 4)"},
		{"edited time", []string{`UPDATE {T} SET revealed_at = revealed_at + INTERVAL 1 DAY WHERE seq = 2`}, auditchain.Edited, "(seq 2)"},
		{"deleted", []string{`DELETE FROM {T} WHERE seq = 2`}, auditchain.Deleted, "(seq 3)"},
		{"reordered", []string{
			`CREATE TEMP TABLE moved AS SELECT * FROM {T} WHERE seq IN (2, 3, 4, 5)`, `DELETE FROM {T} WHERE seq >= 2`,
			`INSERT INTO {T} SELECT * FROM moved WHERE seq = 3`, `INSERT INTO {T} SELECT * FROM moved WHERE seq = 2`,
			`INSERT INTO {T} SELECT * FROM moved WHERE seq >= 4 ORDER BY seq`}, auditchain.Reordered, "(seq 3)"},
		{"inserted copy", []string{`INSERT INTO {T} SELECT * FROM {T} WHERE seq = 2`}, auditchain.Inserted, "(seq 2)"},
		{"inserted unchained", []string{`INSERT INTO {T} (revealed_at, who, why, outcome) VALUES (now(), 'op', 'x', 'revealed')`}, auditchain.Inserted, "(seq 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, key := auditStore(t, 5)
			exec(t, db, tt.sql...)
			res, err := VerifyTableAudit(context.Background(), db, store.AuditTable, key)
			if err != nil {
				t.Fatal(err)
			}
			if tt.kind == "" {
				if res.Break != nil || res.Seq != 5 {
					t.Fatalf("clean table: %+v", res)
				}
				return
			}
			if res.Break == nil || res.Break.Kind != tt.kind || !strings.HasPrefix(res.Break.Where, store.AuditTable+" row ") || !strings.HasSuffix(res.Break.Where, tt.where) {
				t.Fatalf("break %v, want %s at the row %s", res.Break, tt.kind, tt.where)
			}
		})
	}
	// The dashboards' key or any other does not verify the table.
	db, _ := auditStore(t, 2)
	if res, _ := VerifyTableAudit(context.Background(), db, store.AuditTable, []byte("another key of thirty-two bytes.")); res.Break == nil {
		t.Error("the table verified under another key")
	}
}

// TestTableAuditAdoptsUnchainedRows: rows written before the table was
// chained are chained by the next append (or ChainTableAudit), in order.
func TestTableAuditAdoptsUnchainedRows(t *testing.T) {
	db, key := auditStore(t, 0)
	exec(t, db, `INSERT INTO {T} (revealed_at, who, why, version, tbl, record_key, field, outcome) VALUES ('2025-01-01 10:00:00', 'op', 'old reveal', 1, 'persons', 'P1', 'name', 'revealed'), ('2025-01-01 10:00:01', 'op', 'old reveal', 1, 'persons', 'P1', 'id_number', 'revealed')`)
	if err := ChainTableAudit(context.Background(), db, store.AuditTable, key); err != nil {
		t.Fatal(err)
	}
	audit := TableAudit(db, store.AuditTable, key)
	if err := audit(context.Background(), AuditRecord{RevealRequest: RevealRequest{Who: "op", Purpose: "service", Why: "new reveal"}, When: time.Now(), Outcome: "denied"}); err != nil {
		t.Fatal(err)
	}
	res, err := VerifyTableAudit(context.Background(), db, store.AuditTable, key)
	if err != nil || res.Break != nil || res.Seq != 3 {
		t.Fatalf("adopted table: %+v %v", res, err)
	}
}
