package pii

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync/atomic"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// SQL names of the functions registered by RegisterFunctions.
const (
	// FuncPseudonym is padis_pseudonym(VARCHAR) → UUID: the pseudonym of a
	// value (Pseudonymizer.Sum), NULL for NULL.
	FuncPseudonym = "padis_pseudonym"
	// FuncSeal is padis_seal(VARCHAR, …) → VARCHAR: seals the row's
	// arguments into the vault of the current SealSession and returns the
	// row's vault locator in decimal (cast it to BIGINT; duckdb-go writes
	// only VARCHAR vectors directly, and short strings are inlined).
	FuncSeal = "padis_seal"
)

// SealSession collects the vault batches of one table load. Batches go to
// Out in the order they are sealed; the receiver stores them.
type SealSession struct {
	Version int64
	Table   string
	Out     chan<- Batch
	Done    <-chan struct{} // closed when the load is abandoned
	rows    atomic.Int64
	next    *atomic.Int64 // batch counter, shared by the tables of a version
}

// NewSealSession returns a session for table of version. Batch numbers
// continue from counter, which the tables of one version share.
func NewSealSession(version int64, table string, counter *atomic.Int64, out chan<- Batch, done <-chan struct{}) *SealSession {
	return &SealSession{Version: version, Table: table, Out: out, Done: done, next: counter}
}

// Rows returns the number of rows sealed so far; the loader reads it for
// progress.
func (s *SealSession) Rows() int64 { return s.rows.Load() }

// Functions are the DuckDB scalar functions of this package bound to keys.
type Functions struct {
	keys    *Keys
	sealer  *Sealer
	session atomic.Pointer[SealSession]
}

// NewFunctions returns the functions under k.
func NewFunctions(k *Keys) (*Functions, error) {
	s, err := k.Sealer()
	if err != nil {
		return nil, err
	}
	return &Functions{keys: k, sealer: s}, nil
}

// SetSession makes s the session padis_seal writes to (nil to stop).
func (f *Functions) SetSession(s *SealSession) { f.session.Store(s) }

// Register registers padis_pseudonym and padis_seal on the database of
// conn (DuckDB functions are database-wide; registering again replaces).
func (f *Functions) Register(conn *sql.Conn) error {
	if err := duckdb.RegisterScalarUDF(conn, FuncPseudonym, pseudonymFunc{f}); err != nil {
		return fmt.Errorf("register %s: %w", FuncPseudonym, err)
	}
	if err := duckdb.RegisterScalarUDF(conn, FuncSeal, sealFunc{f}); err != nil {
		return fmt.Errorf("register %s: %w", FuncSeal, err)
	}
	return nil
}

func varcharType() duckdb.TypeInfo {
	t, err := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	if err != nil {
		panic(err) // a primitive type cannot fail
	}
	return t
}

type pseudonymFunc struct{ f *Functions }

func (p pseudonymFunc) Config() duckdb.ScalarFuncConfig {
	uuid, err := duckdb.NewTypeInfo(duckdb.TYPE_UUID)
	if err != nil {
		panic(err) // a primitive type cannot fail
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{varcharType()}, ResultTypeInfo: uuid}
}

func (p pseudonymFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{ChunkContextExecutor: func(_ context.Context, st *duckdb.ChunkIteratorState) error {
		ps := p.f.keys.Pseudonymizer()
		// Rows skips NULL inputs (their result is NULL) and SetResult writes
		// the fixed-width UUID straight into the result vector, without the
		// cgo call and DuckDB heap string a VARCHAR result costs per value.
		for r, err := range st.Rows() {
			if err != nil {
				return err
			}
			v, ok := (*r.GetValuePtr(0)).(string)
			if !ok {
				return fmt.Errorf("%s: argument is %T, not a string", FuncPseudonym, *r.GetValuePtr(0))
			}
			if err := r.SetResult(duckdb.UUID(ps.Sum(v))); err != nil {
				return err
			}
		}
		return nil
	}}
}

type sealFunc struct{ f *Functions }

func (s sealFunc) Config() duckdb.ScalarFuncConfig {
	return duckdb.ScalarFuncConfig{
		VariadicTypeInfo:    varcharType(),
		ResultTypeInfo:      varcharType(),
		Volatile:            true, // it has a side effect: never fold or dedupe calls
		SpecialNullHandling: true,
	}
}

func (s sealFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{ChunkContextExecutor: func(_ context.Context, st *duckdb.ChunkIteratorState) error {
		sess := s.f.session.Load()
		if sess == nil {
			return fmt.Errorf("%s: no load in progress", FuncSeal)
		}
		chunk := st.GetInputChunk()
		n := chunk.GetSize()
		views := make([]duckdb.VectorView[string], chunk.ColumnCount())
		for c := range views {
			v, err := chunk.GetVector(c)
			if err != nil {
				return err
			}
			if views[c], err = duckdb.GetVectorView[string](v); err != nil {
				return err
			}
		}
		// Encode as EncodeRows does, straight from DuckDB's vectors: no
		// per-value allocation.
		plain := binary.AppendUvarint(make([]byte, 0, 64*n), uint64(n))
		for i := 0; i < n; i++ {
			plain = binary.AppendUvarint(plain, uint64(len(views)))
			for _, view := range views {
				v, ok, err := view.GetValueBorrowed(i)
				if err != nil {
					return err
				}
				plain = appendField(plain, v, ok)
			}
		}
		id := sess.next.Add(1)
		b, err := s.f.sealer.Seal(sess.Version, sess.Table, id, plain)
		if err != nil {
			return err
		}
		select {
		case sess.Out <- b:
		case <-sess.Done:
			return fmt.Errorf("%s: load abandoned", FuncSeal)
		}
		w, err := duckdb.GetVectorWriter[string](st.GetResultVector())
		if err != nil {
			return err
		}
		var buf []byte
		for i := 0; i < n; i++ {
			buf = strconv.AppendInt(buf[:0], Locator(id, i), 10)
			if err := w.Set(i, unsafe.String(&buf[0], len(buf))); err != nil { // DuckDB copies it
				return err
			}
		}
		sess.rows.Add(int64(n))
		return nil
	}}
}
