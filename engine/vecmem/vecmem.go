// Package vecmem gives DuckDB scalar functions written in Go direct access
// to their vectors: VARCHAR inputs as borrowed views, and results written
// straight into the memory of the result vector.
//
// duckdb-go writes a fixed-width result only through
// ChunkIteratorState.Rows and SetResult, which box every input and result
// value in an interface (two or three allocations per value), and it sets
// each row's validity through a cgo call. The load's functions run on every
// row of tens of millions (the pseudonyms four times per person), where
// that costs more than the functions' own work. duckdb-go's Vector keeps
// the data and validity pointers DuckDB gives it
// (duckdb_vector_get_data, duckdb_vector_get_validity, the latter made
// writable for a result) in unexported fields. Of finds them by name
// through reflect, once: a driver that renames or retypes them makes Of
// return an error, never a write to the wrong place. The tests write every
// supported type through this package and read it back with SQL.
package vecmem

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Vector is the memory of a flat DuckDB vector of n rows: its data array
// and its validity mask (one bit per row, 1 = valid).
type Vector struct {
	data, mask unsafe.Pointer
	n          int
}

// layout holds the offsets of the driver's fields, read once.
type layout struct {
	vec, data, mask uintptr
	err             error
}

var driverLayout = sync.OnceValue(func() layout {
	var l layout
	unsafePtr := reflect.TypeFor[unsafe.Pointer]()
	outer := reflect.TypeFor[duckdb.Vector]()
	f, ok := outer.FieldByName("v")
	if !ok || f.Type.Kind() != reflect.Pointer || f.Type.Elem().Kind() != reflect.Struct {
		l.err = errors.New("vecmem: duckdb.Vector has no field v pointing to the driver's vector")
		return l
	}
	l.vec = f.Offset
	inner := f.Type.Elem()
	for _, x := range []struct {
		name string
		off  *uintptr
	}{{"dataPtr", &l.data}, {"maskPtr", &l.mask}} {
		g, ok := inner.FieldByName(x.name)
		if !ok || g.Type != unsafePtr || len(g.Index) != 1 {
			l.err = fmt.Errorf("vecmem: the driver's vector has no field %s of type unsafe.Pointer", x.name)
			return l
		}
		*x.off = g.Offset
	}
	return l
})

// Of returns the memory of v, a vector of n rows handed to a scalar
// function (an input chunk's vector or the result vector). It fails when
// the driver's layout is not the one this package reads, or when v has no
// data or, for a result, no writable validity mask.
func Of(v duckdb.Vector, n int) (Vector, error) {
	l := driverLayout()
	if l.err != nil {
		return Vector{}, l.err
	}
	p := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(&v), l.vec))
	if p == nil {
		return Vector{}, errors.New("vecmem: uninitialised vector")
	}
	out := Vector{data: *(*unsafe.Pointer)(unsafe.Add(p, l.data)), mask: *(*unsafe.Pointer)(unsafe.Add(p, l.mask)), n: n}
	if out.data == nil {
		return Vector{}, errors.New("vecmem: vector without data")
	}
	return out, nil
}

// Result returns the memory of the result vector of a scalar function
// call, whose validity mask duckdb-go makes writable.
func Result(st *duckdb.ChunkIteratorState) (Vector, error) {
	v, err := Of(st.GetResultVector(), st.GetInputChunk().GetSize())
	if err != nil {
		return Vector{}, err
	}
	if v.mask == nil {
		return Vector{}, errors.New("vecmem: result vector without a writable validity mask")
	}
	return v, nil
}

// Strings returns a read-only view of input column col of a scalar
// function call, a VARCHAR: its values are borrowed, not copied.
func Strings(st *duckdb.ChunkIteratorState, col int) (duckdb.VectorView[string], error) {
	in, err := st.GetInputChunk().GetVector(col)
	if err != nil {
		return duckdb.VectorView[string]{}, err
	}
	return duckdb.GetVectorView[string](in)
}

// Len returns the number of rows.
func (v Vector) Len() int { return v.n }

func (v Vector) check(i int) {
	if i < 0 || i >= v.n {
		panic(fmt.Sprintf("vecmem: row %d out of range [0, %d)", i, v.n))
	}
}

// SetValid marks row i valid (true) or NULL (false).
func (v Vector) SetValid(i int, valid bool) {
	v.check(i)
	w := (*uint64)(unsafe.Add(v.mask, (i/64)*8))
	if valid {
		*w |= 1 << (i % 64)
	} else {
		*w &^= 1 << (i % 64)
	}
}

// SetInt64 writes a BIGINT to row i and marks it valid.
func (v Vector) SetInt64(i int, x int64) {
	v.SetValid(i, true)
	*(*int64)(unsafe.Add(v.data, i*8)) = x
}

// SetUUID writes a UUID to row i and marks it valid. DuckDB keeps a UUID
// as a 128-bit integer (lower, upper half, little-endian) whose top bit is
// flipped, so that the integers sort as the UUIDs' bytes do.
func (v Vector) SetUUID(i int, u [16]byte) {
	v.SetValid(i, true)
	p := unsafe.Add(v.data, i*16)
	*(*uint64)(p) = binary.BigEndian.Uint64(u[8:])
	*(*uint64)(unsafe.Add(p, 8)) = binary.BigEndian.Uint64(u[:8]) ^ 1<<63
}
