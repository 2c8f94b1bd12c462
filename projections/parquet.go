package projections

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// The Parquet writer below is a small, dependency-free implementation of
// the Apache Parquet format (one row group, one PLAIN-encoded uncompressed
// data page per column, Thrift compact-protocol metadata). It avoids the
// arrow-go module, whose Parquet packages need modules not listed in this
// repository's go.mod. Columns are INT32, DOUBLE or UTF-8 BYTE_ARRAY,
// required or optional (optional columns carry RLE definition levels).

const (
	pqInt32     = 1
	pqDouble    = 5
	pqByteArray = 6
)

type pqColumn struct {
	name   string
	typ    int32
	ints   []int32
	floats []float64
	strs   []string
	valid  []bool // nil: required column
}

// thrift compact protocol encoder.
type thriftW struct {
	b    bytes.Buffer
	last []int16
}

func (t *thriftW) varint(v uint64) {
	var buf [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(buf[:], v)
	t.b.Write(buf[:n])
}

func zigzag(v int64) uint64 { return uint64((v << 1) ^ (v >> 63)) }

func (t *thriftW) field(id int16, typ byte) {
	last := t.last[len(t.last)-1]
	if d := id - last; d > 0 && d <= 15 {
		t.b.WriteByte(byte(d)<<4 | typ)
	} else {
		t.b.WriteByte(typ)
		t.varint(zigzag(int64(id)))
	}
	t.last[len(t.last)-1] = id
}

func (t *thriftW) begin()                { t.last = append(t.last, 0) }
func (t *thriftW) end()                  { t.b.WriteByte(0); t.last = t.last[:len(t.last)-1] }
func (t *thriftW) i32(id int16, v int32) { t.field(id, 5); t.varint(zigzag(int64(v))) }
func (t *thriftW) i64(id int16, v int64) { t.field(id, 6); t.varint(zigzag(v)) }
func (t *thriftW) str(id int16, s string) {
	t.field(id, 8)
	t.varint(uint64(len(s)))
	t.b.WriteString(s)
}
func (t *thriftW) structField(id int16) { t.field(id, 12); t.begin() }
func (t *thriftW) listField(id int16, et byte, n int) {
	t.field(id, 9)
	if n < 15 {
		t.b.WriteByte(byte(n)<<4 | et)
	} else {
		t.b.WriteByte(0xf0 | et)
		t.varint(uint64(n))
	}
}

// pageData returns the PLAIN-encoded values (and RLE definition levels for
// optional columns) of c.
func (c *pqColumn) pageData(n int) []byte {
	var b bytes.Buffer
	if c.valid != nil {
		// RLE/bit-packed hybrid, bit width 1, runs of equal levels, prefixed
		// by the byte length.
		var lv bytes.Buffer
		for i := 0; i < n; {
			j := i
			for j < n && c.valid[j] == c.valid[i] {
				j++
			}
			var hdr [binary.MaxVarintLen64]byte
			k := binary.PutUvarint(hdr[:], uint64(j-i)<<1)
			lv.Write(hdr[:k])
			if c.valid[i] {
				lv.WriteByte(1)
			} else {
				lv.WriteByte(0)
			}
			i = j
		}
		binary.Write(&b, binary.LittleEndian, uint32(lv.Len()))
		b.Write(lv.Bytes())
	}
	for i := 0; i < n; i++ {
		if c.valid != nil && !c.valid[i] {
			continue
		}
		switch c.typ {
		case pqInt32:
			binary.Write(&b, binary.LittleEndian, c.ints[i])
		case pqDouble:
			binary.Write(&b, binary.LittleEndian, math.Float64bits(c.floats[i]))
		case pqByteArray:
			binary.Write(&b, binary.LittleEndian, uint32(len(c.strs[i])))
			b.WriteString(c.strs[i])
		}
	}
	return b.Bytes()
}

// writeParquet writes the columns (all of length n) as a Parquet file.
func writeParquet(w io.Writer, cols []pqColumn, n int) error {
	var file bytes.Buffer
	file.WriteString("PAR1")
	type chunk struct {
		offset, size int64
	}
	chunks := make([]chunk, len(cols))
	for i := range cols {
		c := &cols[i]
		data := c.pageData(n)
		var h thriftW
		h.begin()
		h.i32(1, 0) // DATA_PAGE
		h.i32(2, int32(len(data)))
		h.i32(3, int32(len(data)))
		h.structField(5) // DataPageHeader
		h.i32(1, int32(n))
		h.i32(2, 0) // PLAIN
		h.i32(3, 3) // RLE definition levels
		h.i32(4, 3) // RLE repetition levels
		h.end()
		h.end()
		chunks[i] = chunk{offset: int64(file.Len()), size: int64(h.b.Len() + len(data))}
		file.Write(h.b.Bytes())
		file.Write(data)
	}
	var m thriftW
	m.begin()
	m.i32(1, 1) // version
	m.listField(2, 12, len(cols)+1)
	m.begin() // root
	m.str(4, "schema")
	m.i32(5, int32(len(cols)))
	m.end()
	for _, c := range cols {
		m.begin()
		m.i32(1, c.typ)
		rep := int32(0)
		if c.valid != nil {
			rep = 1
		}
		m.i32(3, rep)
		m.str(4, c.name)
		if c.typ == pqByteArray {
			m.i32(6, 0)       // ConvertedType UTF8
			m.structField(10) // LogicalType
			m.structField(1)  // STRING
			m.end()
			m.end()
		}
		m.end()
	}
	m.i64(3, int64(n))
	m.listField(4, 12, 1)
	m.begin() // RowGroup
	m.listField(1, 12, len(cols))
	var total int64
	for i, c := range cols {
		ch := chunks[i]
		total += ch.size
		m.begin() // ColumnChunk
		m.i64(2, ch.offset)
		m.structField(3) // ColumnMetaData
		m.i32(1, c.typ)
		m.listField(2, 5, 2)
		m.varint(zigzag(0)) // PLAIN
		m.varint(zigzag(3)) // RLE
		m.listField(3, 8, 1)
		m.varint(uint64(len(c.name)))
		m.b.WriteString(c.name)
		m.i32(4, 0) // UNCOMPRESSED
		m.i64(5, int64(n))
		m.i64(6, ch.size)
		m.i64(7, ch.size)
		m.i64(9, ch.offset)
		m.end()
		m.end()
	}
	m.i64(2, total)
	m.i64(3, int64(n))
	m.end()
	m.str(6, "padis projections")
	m.end()
	file.Write(m.b.Bytes())
	binary.Write(&file, binary.LittleEndian, uint32(m.b.Len()))
	file.WriteString("PAR1")
	_, err := w.Write(file.Bytes())
	return err
}

// WritePopulationParquet writes the population in long form with columns
// name, scenario (UTF-8), year, age (INT32), sex (UTF-8) and population
// (DOUBLE).
func WritePopulationParquet(w io.Writer, r *Result) error {
	if r.Pop[Male] == nil {
		return fmt.Errorf("write population: %q has no population arrays", r.Name)
	}
	n := len(r.Years) * 2 * len(r.Ages)
	cols := []pqColumn{
		{name: "name", typ: pqByteArray, strs: make([]string, 0, n)},
		{name: "scenario", typ: pqByteArray, strs: make([]string, 0, n)},
		{name: "year", typ: pqInt32, ints: make([]int32, 0, n)},
		{name: "sex", typ: pqByteArray, strs: make([]string, 0, n)},
		{name: "age", typ: pqInt32, ints: make([]int32, 0, n)},
		{name: "population", typ: pqDouble, floats: make([]float64, 0, n)},
	}
	for t, y := range r.Years {
		for s := Male; s <= Female; s++ {
			for g, a := range r.Ages {
				cols[0].strs = append(cols[0].strs, r.Name)
				cols[1].strs = append(cols[1].strs, r.Scenario)
				cols[2].ints = append(cols[2].ints, int32(y))
				cols[3].strs = append(cols[3].strs, s.String())
				cols[4].ints = append(cols[4].ints, int32(a))
				cols[5].floats = append(cols[5].floats, r.Pop[s][t][g])
			}
		}
	}
	return writeParquet(w, cols, n)
}

// WriteSummaryParquet writes one row per year with columns name,
// scenario, year and one DOUBLE column per SeriesNames entry; flow columns
// are optional and null on the last year.
func WriteSummaryParquet(w io.Writer, r *Result) error {
	n := len(r.Years)
	cols := []pqColumn{
		{name: "name", typ: pqByteArray, strs: make([]string, n)},
		{name: "scenario", typ: pqByteArray, strs: make([]string, n)},
		{name: "year", typ: pqInt32, ints: make([]int32, n)},
	}
	for t, y := range r.Years {
		cols[0].strs[t], cols[1].strs[t], cols[2].ints[t] = r.Name, r.Scenario, int32(y)
	}
	for _, name := range SeriesNames {
		_, v := r.Series(name)
		c := pqColumn{name: name, typ: pqDouble, floats: make([]float64, n)}
		copy(c.floats, v)
		if len(v) < n {
			c.valid = make([]bool, n)
			for i := range v {
				c.valid[i] = true
			}
		}
		cols = append(cols, c)
	}
	return writeParquet(w, cols, n)
}

// WriteBandsParquet writes a probabilistic projection in long form:
// series (UTF-8), year (INT32), median, lo80, hi80, lo95, hi95 (DOUBLE).
func WriteBandsParquet(w io.Writer, r *StochasticResult) error {
	cols := []pqColumn{{name: "series", typ: pqByteArray}, {name: "year", typ: pqInt32},
		{name: "median", typ: pqDouble}, {name: "lo80", typ: pqDouble}, {name: "hi80", typ: pqDouble},
		{name: "lo95", typ: pqDouble}, {name: "hi95", typ: pqDouble}}
	n := 0
	for _, b := range r.Bands {
		for j, y := range b.Years {
			cols[0].strs = append(cols[0].strs, b.Series)
			cols[1].ints = append(cols[1].ints, int32(y))
			for k, v := range [][]float64{b.Median, b.Lo80, b.Hi80, b.Lo95, b.Hi95} {
				cols[2+k].floats = append(cols[2+k].floats, v[j])
			}
			n++
		}
	}
	return writeParquet(w, cols, n)
}
