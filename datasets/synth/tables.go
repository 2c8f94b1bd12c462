package synth

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/padis/padis/models"
)

// rowGroupRows is the number of rows per Parquet row group (and per record
// batch handed to a writer).
const rowGroupRows = 128 * 1024

// arrowSchema returns the Arrow schema of a snapshot table.
func arrowSchema(t models.Table) *arrow.Schema {
	fields := make([]arrow.Field, len(t.Columns))
	for i, c := range t.Columns {
		var dt arrow.DataType
		switch c.Type {
		case models.TypeDate:
			dt = arrow.FixedWidthTypes.Date32
		case models.TypeInt:
			dt = arrow.PrimitiveTypes.Int32
		case models.TypeBool:
			dt = arrow.FixedWidthTypes.Boolean
		default:
			dt = arrow.BinaryTypes.String
		}
		fields[i] = arrow.Field{Name: c.Name, Type: dt, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// tableWriter streams the rows of one table to a file through a goroutine
// that encodes record batches while rows of the next batch are built.
type tableWriter struct {
	table  models.Table
	path   string // relative to the output directory
	format string
	enc    string
	b      *array.RecordBuilder
	strs   []*array.StringBuilder
	dates  []*array.Date32Builder
	ints   []*array.Int32Builder
	bools  []*array.BooleanBuilder
	n      int // rows in the current batch
	rows   int64
	ch     chan arrow.RecordBatch
	done   chan error
	file   *os.File
	sum    hash.Hash
}

// newTableWriter creates dir/<table>.<format> and starts its encoder.
func newTableWriter(dir string, t models.Table, format, encoding string) (*tableWriter, error) {
	rel := t.Name + "." + format
	full := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(full), err)
	}
	f, err := os.Create(full)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", full, err)
	}
	sc := arrowSchema(t)
	tw := &tableWriter{table: t, path: rel, format: format, enc: encoding, file: f, sum: sha256.New(),
		b: array.NewRecordBuilder(memory.DefaultAllocator, sc), ch: make(chan arrow.RecordBatch, 2), done: make(chan error, 1)}
	n := len(t.Columns)
	tw.strs, tw.dates, tw.ints, tw.bools = make([]*array.StringBuilder, n), make([]*array.Date32Builder, n), make([]*array.Int32Builder, n), make([]*array.BooleanBuilder, n)
	for i := 0; i < n; i++ {
		switch fb := tw.b.Field(i).(type) {
		case *array.StringBuilder:
			tw.strs[i] = fb
		case *array.Date32Builder:
			tw.dates[i] = fb
		case *array.Int32Builder:
			tw.ints[i] = fb
		case *array.BooleanBuilder:
			tw.bools[i] = fb
		}
	}
	out := io.MultiWriter(f, tw.sum)
	go func() { tw.done <- tw.encode(out, sc) }()
	return tw, nil
}

// encode writes every batch received to out.
func (tw *tableWriter) encode(out io.Writer, sc *arrow.Schema) error {
	var err error
	switch tw.format {
	case FormatParquet:
		err = encodeParquet(out, sc, tw.table, tw.ch)
	default:
		err = encodeCSV(out, sc, tw.enc, tw.ch)
	}
	for rec := range tw.ch { // drain after an error
		rec.Release()
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", tw.path, err)
	}
	return nil
}

// encodeParquet writes Snappy-compressed Parquet, dictionary-encoding only
// the code and place columns (keys, names and ID numbers are unique).
func encodeParquet(out io.Writer, sc *arrow.Schema, t models.Table, ch <-chan arrow.RecordBatch) error {
	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(rowGroupRows),
		parquet.WithCreatedBy("padis generate"),
		parquet.WithDictionaryDefault(false),
	}
	for _, c := range t.Columns {
		if c.CodeList != "" || c.Division || c.Type != models.TypeString || c.Name == "kind" || c.Name == "source" {
			opts = append(opts, parquet.WithDictionaryFor(c.Name, true))
		}
	}
	props := parquet.NewWriterProperties(opts...)
	fw, err := pqarrow.NewFileWriter(sc, out, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	for rec := range ch {
		if err == nil {
			err = fw.Write(rec)
		}
		rec.Release()
	}
	if cerr := fw.Close(); err == nil {
		err = cerr
	}
	return err
}

func encodeCSV(out io.Writer, sc *arrow.Schema, encoding string, ch <-chan arrow.RecordBatch) error {
	var tw io.WriteCloser
	if encoding == EncodingGB18030 {
		tw = transform.NewWriter(out, simplifiedchinese.GB18030.NewEncoder())
		out = tw
	}
	w := csv.NewWriter(out)
	head := make([]string, sc.NumFields())
	for i, f := range sc.Fields() {
		head[i] = f.Name
	}
	err := w.Write(head)
	row := make([]string, sc.NumFields())
	for rec := range ch {
		for r := 0; r < int(rec.NumRows()) && err == nil; r++ {
			for c := 0; c < int(rec.NumCols()); c++ {
				row[c] = cellString(rec.Column(c), r)
			}
			err = w.Write(row)
		}
		rec.Release()
	}
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if tw != nil {
		if cerr := tw.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// cellString formats one cell for CSV: empty for null, dates YYYY-MM-DD.
func cellString(col arrow.Array, r int) string {
	if col.IsNull(r) {
		return ""
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(r)
	case *array.Date32:
		return timeOf(int32(a.Value(r))).Format(time.DateOnly)
	case *array.Int32:
		return strconv.Itoa(int(a.Value(r)))
	case *array.Boolean:
		return strconv.FormatBool(a.Value(r))
	}
	return ""
}

// str appends a string; "" is null.
func (tw *tableWriter) str(i int, s string) {
	if s == "" {
		tw.strs[i].AppendNull()
	} else {
		tw.strs[i].Append(s)
	}
}

// date appends a date; noDate is null.
func (tw *tableWriter) date(i int, d int32) {
	if d == noDate {
		tw.dates[i].AppendNull()
	} else {
		tw.dates[i].Append(arrow.Date32(d))
	}
}

// int appends an integer or a null.
func (tw *tableWriter) int(i int, v int, ok bool) {
	if ok {
		tw.ints[i].Append(int32(v))
	} else {
		tw.ints[i].AppendNull()
	}
}

// bool appends a boolean or a null.
func (tw *tableWriter) bool(i int, v bool, ok bool) {
	if ok {
		tw.bools[i].Append(v)
	} else {
		tw.bools[i].AppendNull()
	}
}

// endRow completes a row and hands a full batch to the encoder.
func (tw *tableWriter) endRow() {
	tw.n++
	tw.rows++
	if tw.n == rowGroupRows {
		tw.flush()
	}
}

func (tw *tableWriter) flush() {
	if tw.n == 0 {
		return
	}
	tw.ch <- tw.b.NewRecordBatch()
	tw.n = 0
}

// close flushes the last batch, waits for the encoder and returns the
// manifest entry.
func (tw *tableWriter) close() (models.FileEntry, error) {
	tw.flush()
	close(tw.ch)
	err := <-tw.done
	tw.b.Release()
	if cerr := tw.file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", tw.path, cerr)
	}
	e := models.FileEntry{Table: tw.table.Name, Path: tw.path, Format: tw.format, Rows: tw.rows, SHA256: hex.EncodeToString(tw.sum.Sum(nil))}
	if tw.format == FormatCSV {
		e.Encoding = "UTF-8"
		if tw.enc == EncodingGB18030 {
			e.Encoding = "GB18030"
		}
	}
	return e, err
}

// abort stops the encoder after an error elsewhere.
func (tw *tableWriter) abort() {
	close(tw.ch)
	<-tw.done
	tw.b.Release()
	tw.file.Close()
}

// DefectsTable is the schema of truth/defects: the exact list of injected
// defects.
var DefectsTable = models.Table{Name: "truth/defects", Key: "key", Columns: []models.Column{
	{Name: "kind", Type: models.TypeString, Required: true, EN: "defect kind"},
	{Name: "table", Type: models.TypeString, Required: true, EN: "table holding the defective row (or missing it)"},
	{Name: "key", Type: models.TypeString, EN: "key of the defective row"},
	{Name: "related_key", Type: models.TypeString, EN: "related key: the original of a duplicate, the mother of an unregistered child"},
	{Name: "detail", Type: models.TypeString, EN: "what was done"},
}}
