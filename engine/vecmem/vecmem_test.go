package vecmem

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// testFunc is a scalar function of one BIGINT written with vecmem: for x,
// NULL when x is divisible by 3, else f(x).
type testFunc struct {
	result duckdb.Type
	set    func(out Vector, i int, x int64)
}

func (f testFunc) Config() duckdb.ScalarFuncConfig {
	in, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	out, _ := duckdb.NewTypeInfo(f.result)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{in}, ResultTypeInfo: out, SpecialNullHandling: true}
}

func (f testFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{ChunkContextExecutor: func(_ context.Context, st *duckdb.ChunkIteratorState) error {
		view, err := Strings(st, 0)
		if err != nil {
			return err
		}
		out, err := Result(st)
		if err != nil {
			return err
		}
		for i := range out.Len() {
			s, ok, err := view.GetValueBorrowed(i)
			if err != nil {
				return err
			}
			x, _ := strconv.ParseInt(s, 10, 64)
			if !ok || x%3 == 0 {
				out.SetValid(i, false)
				continue
			}
			f.set(out, i, x)
		}
		return nil
	}}
}

func open(t *testing.T) *sql.Conn {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// uuidOf is a UUID whose bytes spread x over both halves and set the top
// bit for odd x, so that the sign flip DuckDB applies is exercised.
func uuidOf(x int64) [16]byte {
	var u [16]byte
	for k := range 8 {
		u[k] = byte(x >> (8 * k))
		u[15-k] = byte(x*7 + int64(k))
	}
	if x%2 == 1 {
		u[0] |= 0x80
	}
	return u
}

// TestWritesMatchSQL writes BIGINT and UUID results and NULLs over several
// chunks (5,000 rows, a NULL input among them) and compares every row with
// the same values computed by DuckDB.
func TestWritesMatchSQL(t *testing.T) {
	conn := open(t)
	ctx := context.Background()
	if err := duckdb.RegisterScalarUDF(conn, "t_bigint", testFunc{duckdb.TYPE_BIGINT, func(out Vector, i int, x int64) { out.SetInt64(i, x*-1000003) }}); err != nil {
		t.Fatal(err)
	}
	if err := duckdb.RegisterScalarUDF(conn, "t_uuid", testFunc{duckdb.TYPE_UUID, func(out Vector, i int, x int64) { out.SetUUID(i, uuidOf(x)) }}); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE n AS SELECT CASE WHEN i = 4242 THEN NULL ELSE CAST(i AS VARCHAR) END AS s, i FROM range(5000) r(i)`); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT i, t_bigint(s), CAST(t_uuid(s) AS VARCHAR) FROM n ORDER BY i`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var i int64
		var b sql.NullInt64
		var u sql.NullString
		if err := rows.Scan(&i, &b, &u); err != nil {
			t.Fatal(err)
		}
		seen++
		null := i%3 == 0 || i == 4242
		if null {
			if b.Valid || u.Valid {
				t.Fatalf("row %d: got %v %v, want NULL", i, b, u)
			}
			continue
		}
		if !b.Valid || b.Int64 != i*-1000003 {
			t.Fatalf("row %d: BIGINT %v, want %d", i, b, i*-1000003)
		}
		if want := duckdb.UUID(uuidOf(i)); !u.Valid || u.String != want.String() {
			t.Fatalf("row %d: UUID %v, want %s", i, u, want.String())
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != 5000 {
		t.Fatalf("%d rows, want 5000", seen)
	}
}

func TestOfRejectsUninitialisedVector(t *testing.T) {
	if _, err := Of(duckdb.Vector{}, 1); err == nil {
		t.Fatal("no error for an uninitialised vector")
	}
}

func TestLayoutFound(t *testing.T) {
	if l := driverLayout(); l.err != nil {
		t.Fatal(l.err)
	}
}
