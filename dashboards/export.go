package dashboards

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// exportColumns are the columns of an indicator export: the value with
// its parts and lineage, its reliability flag, and for a provisional value
// (初步数) the registered figure and the nowcast with its interval.
var exportColumns = []string{"code", "name", "indicator", "period", "value", "lo", "hi", "numerator", "denominator", "suppressed", "snapshot_version", "snapshot",
	"unreliable", "provisional", "registered", "nowcast", "nowcast_lower", "nowcast_upper"}

// exportRow is a Row flattened for CSV and Parquet.
type exportRow struct {
	Row
	Suppressed bool
}

func fmtPtr(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// WriteRowsCSV writes rows as CSV with a UTF-8 byte-order mark and CRLF
// line ends, which Excel opens correctly (Chinese names included). A
// non-empty note (the synthetic-data notice) is written first as a
// comment line, "# note".
func writeRowsCSV(w io.Writer, rows []exportRow, note string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	if note != "" {
		if _, err := io.WriteString(w, "# "+note+"\r\n"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(exportColumns)
	for _, r := range rows {
		v := r.Value
		cw.Write([]string{r.Code, csvSafe(r.Name), v.Indicator, string(v.Period), fmtPtr(v.Value), fmtPtr(v.Lo), fmtPtr(v.Hi),
			fmtPtr(v.Numerator), fmtPtr(v.Denominator), strconv.FormatBool(r.Suppressed), strconv.FormatInt(v.Lineage.Version, 10), v.Lineage.Snapshot,
			strconv.FormatBool(v.Unreliable), strconv.FormatBool(v.Provisional), fmtPtr(v.Registered), fmtPtr(v.Nowcast), fmtPtr(v.NowcastLower), fmtPtr(v.NowcastUpper)})
	}
	cw.Flush()
	return cw.Error()
}

// writeRowsParquet writes rows as a Parquet file (Snappy-compressed). A
// non-empty note (the synthetic-data notice) is kept in the file's
// key-value metadata as "padis.data".
func writeRowsParquet(w io.Writer, rows []exportRow, note string) error {
	str, f64 := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Float64
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "code", Type: str}, {Name: "name", Type: str}, {Name: "indicator", Type: str}, {Name: "period", Type: str},
		{Name: "value", Type: f64, Nullable: true}, {Name: "lo", Type: f64, Nullable: true}, {Name: "hi", Type: f64, Nullable: true},
		{Name: "numerator", Type: f64, Nullable: true}, {Name: "denominator", Type: f64, Nullable: true},
		{Name: "suppressed", Type: arrow.FixedWidthTypes.Boolean}, {Name: "snapshot_version", Type: arrow.PrimitiveTypes.Int64},
		{Name: "snapshot", Type: str},
		{Name: "unreliable", Type: arrow.FixedWidthTypes.Boolean}, {Name: "provisional", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "registered", Type: f64, Nullable: true}, {Name: "nowcast", Type: f64, Nullable: true},
		{Name: "nowcast_lower", Type: f64, Nullable: true}, {Name: "nowcast_upper", Type: f64, Nullable: true},
	}, parquetNote(note))
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	strs := func(i int) *array.StringBuilder { return b.Field(i).(*array.StringBuilder) }
	num := func(i int, p *float64) {
		fb := b.Field(i).(*array.Float64Builder)
		if p == nil {
			fb.AppendNull()
		} else {
			fb.Append(*p)
		}
	}
	for _, r := range rows {
		v := r.Value
		strs(0).Append(r.Code)
		strs(1).Append(r.Name)
		strs(2).Append(v.Indicator)
		strs(3).Append(string(v.Period))
		num(4, v.Value)
		num(5, v.Lo)
		num(6, v.Hi)
		num(7, v.Numerator)
		num(8, v.Denominator)
		b.Field(9).(*array.BooleanBuilder).Append(r.Suppressed)
		b.Field(10).(*array.Int64Builder).Append(v.Lineage.Version)
		strs(11).Append(v.Lineage.Snapshot)
		b.Field(12).(*array.BooleanBuilder).Append(v.Unreliable)
		b.Field(13).(*array.BooleanBuilder).Append(v.Provisional)
		num(14, v.Registered)
		num(15, v.Nowcast)
		num(16, v.NowcastLower)
		num(17, v.NowcastUpper)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return fmt.Errorf("parquet export: %w", err)
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return fmt.Errorf("parquet export: %w", err)
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("parquet export: %w", err)
	}
	return nil
}

// parquetNote is the schema metadata carrying note.
func parquetNote(note string) *arrow.Metadata {
	if note == "" {
		return nil
	}
	md := arrow.NewMetadata([]string{"padis.data"}, []string{note})
	return &md
}
