package load

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// arrowToCSV converts an Arrow IPC file (file or stream format) to a UTF-8
// CSV with a header, batch by batch and in row order, which is then read
// like any CSV snapshot (all values as text, validated in SQL). duckdb-go's
// Arrow scan needs the duckdb_arrow build tag and arrow-go's Parquet writer
// needs modules padis does not otherwise use, so text is the common ground;
// Arrow snapshots are rare and the conversion is streaming.
func arrowToCSV(ctx context.Context, f *os.File, dst string) (rows int64, err error) {
	var schema *arrow.Schema
	var next func() (arrow.RecordBatch, error) // nil batch at the end
	if fr, ferr := ipc.NewFileReader(f); ferr == nil {
		defer fr.Close()
		schema = fr.Schema()
		i := 0
		next = func() (arrow.RecordBatch, error) {
			if i >= fr.NumRecords() {
				return nil, nil
			}
			i++
			return fr.RecordBatch(i - 1)
		}
	} else {
		if _, err := f.Seek(0, 0); err != nil {
			return 0, err
		}
		sr, serr := ipc.NewReader(f)
		if serr != nil {
			return 0, fmt.Errorf("not an Arrow IPC file or stream: %v; %w", ferr, serr)
		}
		defer sr.Release()
		schema = sr.Schema()
		next = func() (arrow.RecordBatch, error) {
			if !sr.Next() {
				return nil, sr.Err()
			}
			return sr.RecordBatch(), nil
		}
	}
	out, err := createWorkFile(dst)
	if err != nil {
		return 0, err
	}
	defer out.Close()
	bw := newBufWriter(out)
	w := csv.NewWriter(bw)
	header := make([]string, schema.NumFields())
	for i, fd := range schema.Fields() {
		header[i] = fd.Name
	}
	if err := w.Write(header); err != nil {
		return 0, err
	}
	rec := make([]string, len(header))
	for {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		b, err := next()
		if err != nil {
			return rows, fmt.Errorf("read arrow batch: %w", err)
		}
		if b == nil {
			break
		}
		cols := b.Columns()
		for r := 0; r < int(b.NumRows()); r++ {
			for c, col := range cols {
				rec[c] = arrowValue(col, r)
			}
			if err := w.Write(rec); err != nil {
				return rows, err
			}
		}
		rows += b.NumRows()
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return rows, err
	}
	if err := bw.Flush(); err != nil {
		return rows, err
	}
	return rows, out.Close()
}

// arrowValue renders one value as CSV text; NULL is the empty field.
func arrowValue(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	case *array.Date64:
		return a.Value(i).ToTime().Format("2006-01-02")
	}
	return col.ValueStr(i)
}
