package pii

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// udfDB returns an in-memory DuckDB with the functions registered and a
// table of n ID-like strings, every third NULL.
func udfDB(t testing.TB, n int) (*sql.Conn, *Functions) {
	t.Helper()
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFunctions(keysFor(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Register(conn); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `CREATE TABLE ids AS SELECT CASE WHEN i % 3 = 2 THEN NULL ELSE lpad(CAST(510104000000000000 + i AS VARCHAR), 18, '0') END AS v, '名字' || i AS name FROM range(?) t(i)`, n); err != nil {
		t.Fatal(err)
	}
	return conn, f
}

// TestFunctionsInSQL checks padis_pseudonym against Keys.Pseudonym and that
// padis_seal locators reveal the sealed values.
func TestFunctionsInSQL(t *testing.T) {
	ctx := context.Background()
	conn, f := udfDB(t, 5000)
	k := keysFor(t)
	rows, err := conn.QueryContext(ctx, `SELECT v, CAST(padis_pseudonym(v) AS VARCHAR) FROM ids`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var v, p sql.NullString
		if err := rows.Scan(&v, &p); err != nil {
			t.Fatal(err)
		}
		if v.Valid != p.Valid || (v.Valid && p.String != k.Pseudonym(v.String)) {
			t.Fatalf("padis_pseudonym(%v) = %v", v, p)
		}
		n++
	}
	rows.Close()
	if n != 5000 {
		t.Fatalf("%d rows", n)
	}
	out := make(chan Batch, 100)
	var counter atomic.Int64
	f.SetSession(NewSealSession(1, "persons", &counter, out, nil))
	batches := map[int64]Batch{}
	done := make(chan struct{})
	go func() {
		for b := range out {
			batches[b.ID] = b
		}
		close(done)
	}()
	rows, err = conn.QueryContext(ctx, `SELECT v, name, padis_seal(v, name) FROM ids`)
	if err != nil {
		t.Fatal(err)
	}
	type rec struct {
		v    sql.NullString
		name string
		loc  int64
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.v, &r.name, &r.loc); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	rows.Close()
	close(out)
	<-done
	s, _ := k.Sealer()
	for _, r := range recs {
		batch, i := SplitLocator(r.loc)
		plain, err := s.Open(1, batches[batch])
		if err != nil {
			t.Fatal(err)
		}
		fields, err := DecodeRow(plain, i)
		if err != nil {
			t.Fatal(err)
		}
		if (fields[0] == nil) == r.v.Valid || (r.v.Valid && *fields[0] != r.v.String) || *fields[1] != r.name {
			t.Fatalf("locator %d reveals %v, want %v %s", r.loc, fields, r.v, r.name)
		}
	}
}

func BenchmarkPseudonymUDF(b *testing.B) {
	ctx := context.Background()
	conn, _ := udfDB(b, 1_000_000)
	for b.Loop() {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE o AS SELECT padis_pseudonym(v) AS p, padis_pseudonym(name) AS q FROM ids`); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMD5SQL(b *testing.B) {
	ctx := context.Background()
	conn, _ := udfDB(b, 1_000_000)
	for b.Loop() {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE o AS SELECT md5(v) AS p, md5(name) AS q FROM ids`); err != nil {
			b.Fatal(err)
		}
	}
}

func keysFor(t testing.TB) *Keys {
	k, err := NewKeys(make([]byte, MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func BenchmarkSealUDF(b *testing.B) {
	ctx := context.Background()
	conn, f := udfDB(b, 1_000_000)
	out := make(chan Batch, 100)
	go func() {
		for range out {
		}
	}()
	var counter atomic.Int64
	f.SetSession(NewSealSession(1, "persons", &counter, out, nil))
	for b.Loop() {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE o AS SELECT padis_seal(v, name) AS l FROM ids`); err != nil {
			b.Fatal(err)
		}
	}
}
