package pii

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/padis/padis/engine/vecmem"
)

// SQL names of the functions registered by RegisterFunctions.
const (
	// FuncPseudonym is padis_pseudonym(VARCHAR) → UUID: the pseudonym of a
	// value (Pseudonymizer.Sum), NULL for NULL.
	FuncPseudonym = "padis_pseudonym"
	// FuncSeal is padis_seal(VARCHAR, …) → BIGINT: seals the row's
	// arguments into the vault of the current SealSession and returns the
	// row's vault locator.
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
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{varcharType()}, ResultTypeInfo: uuid, SpecialNullHandling: true}
}

func (p pseudonymFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{ChunkContextExecutor: func(_ context.Context, st *duckdb.ChunkIteratorState) error {
		ps := p.f.keys.Pseudonymizer()
		// The input is read in place and the fixed-width UUID written
		// straight into the result vector: no allocation and no cgo call
		// per value (vecmem).
		view, err := vecmem.Strings(st, 0)
		if err != nil {
			return err
		}
		out, err := vecmem.Result(st)
		if err != nil {
			return err
		}
		for i := range out.Len() {
			v, ok, err := view.GetValueBorrowed(i)
			if err != nil {
				return err
			}
			if !ok {
				out.SetValid(i, false)
				continue
			}
			out.SetUUID(i, ps.Sum(v))
		}
		return nil
	}}
}

type sealFunc struct{ f *Functions }

// plainBuffers recycles the plaintext buffers of padis_seal (about 100 kB
// per 2,048 rows; Seal copies what it encrypts).
var plainBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 128<<10); return &b }}

func (s sealFunc) Config() duckdb.ScalarFuncConfig {
	bigint, err := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	if err != nil {
		panic(err) // a primitive type cannot fail
	}
	return duckdb.ScalarFuncConfig{
		VariadicTypeInfo:    varcharType(),
		ResultTypeInfo:      bigint,
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
		buf := plainBuffers.Get().(*[]byte)
		defer plainBuffers.Put(buf)
		plain := binary.AppendUvarint((*buf)[:0], uint64(n))
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
		*buf = plain // keep the grown buffer for the next call
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
		out, err := vecmem.Result(st)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			out.SetInt64(i, Locator(id, i))
		}
		sess.rows.Add(int64(n))
		return nil
	}}
}
