package query

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
)

// Formats accepted by Write.
const (
	FormatJSON    = "json"
	FormatCSV     = "csv"
	FormatArrow   = "arrow"
	FormatParquet = "parquet"
)

// Write writes values to w in format (json, csv, arrow or parquet), with
// the indicator names of cat in lang for csv.
func Write(w io.Writer, format string, values []cube.Value, cat *models.Catalog, lang models.Lang) error {
	switch format {
	case FormatJSON:
		return WriteJSON(w, values)
	case FormatCSV:
		return WriteCSV(w, values, cat, lang)
	case FormatArrow:
		return WriteArrow(w, values)
	case FormatParquet:
		return WriteParquet(w, values)
	}
	return fmt.Errorf("format %q: want json, csv, arrow or parquet", format)
}

// WriteJSON writes values as a JSON array (NaN as null).
func WriteJSON(w io.Writer, values []cube.Value) error {
	if values == nil {
		values = []cube.Value{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(values); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// CSVHeader is the header row of WriteCSV.
var CSVHeader = []string{"version", "scope", "indicator", "name", "unit", "division", "level", "period_type", "period", "breakdown",
	"value", "lower", "upper", "numerator", "denominator", "flag", "unreliable", "reliability_reason",
	"provisional", "registered", "nowcast", "nowcast_lower", "nowcast_upper"}

// WriteCSV writes values as UTF-8 CSV with a byte-order mark, so that
// Excel opens the Chinese names correctly. Missing numbers are empty.
func WriteCSV(w io.Writer, values []cube.Value, cat *models.Catalog, lang models.Lang) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, v := range values {
		name, unit := v.Indicator, ""
		if cat != nil {
			if ind, ok := cat.Get(v.Indicator); ok {
				name, unit = ind.Label(lang), ind.Unit
			}
		}
		rec := []string{strconv.FormatInt(v.Version, 10), v.Scope, v.Indicator, name, unit, v.Division, v.Level.String(), v.PeriodType, v.Period, v.Breakdown,
			num(v.Value), num(v.Lower), num(v.Upper), num(v.Numerator), num(v.Denominator), v.Flag, strconv.FormatBool(v.Unreliable), v.ReliabilityReason,
			strconv.FormatBool(v.Provisional), "", "", "", ""}
		if v.Provisional {
			rec[19], rec[20], rec[21], rec[22] = num(v.Registered), num(v.Nowcast), num(v.NowcastLower), num(v.NowcastUpper)
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// ArrowSchema is the schema of the Arrow and Parquet exports.
var ArrowSchema = arrow.NewSchema([]arrow.Field{
	{Name: "version", Type: arrow.PrimitiveTypes.Int64},
	{Name: "scope", Type: arrow.BinaryTypes.String},
	{Name: "indicator", Type: arrow.BinaryTypes.String},
	{Name: "division", Type: arrow.BinaryTypes.String},
	{Name: "level", Type: arrow.BinaryTypes.String},
	{Name: "period_type", Type: arrow.BinaryTypes.String},
	{Name: "period", Type: arrow.BinaryTypes.String},
	{Name: "breakdown", Type: arrow.BinaryTypes.String},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "lower", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "upper", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "numerator", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "denominator", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "flag", Type: arrow.BinaryTypes.String},
	{Name: "unreliable", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "reliability_reason", Type: arrow.BinaryTypes.String},
	{Name: "provisional", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "registered", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "nowcast", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "nowcast_lower", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "nowcast_upper", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

// Record returns values as one Arrow record (the caller releases it).
func Record(values []cube.Value) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, ArrowSchema)
	defer b.Release()
	f := func(i int, x float64) {
		fb := b.Field(i).(*array.Float64Builder)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			fb.AppendNull()
		} else {
			fb.Append(x)
		}
	}
	for _, v := range values {
		b.Field(0).(*array.Int64Builder).Append(v.Version)
		b.Field(1).(*array.StringBuilder).Append(v.Scope)
		b.Field(2).(*array.StringBuilder).Append(v.Indicator)
		b.Field(3).(*array.StringBuilder).Append(v.Division)
		b.Field(4).(*array.StringBuilder).Append(v.Level.String())
		b.Field(5).(*array.StringBuilder).Append(v.PeriodType)
		b.Field(6).(*array.StringBuilder).Append(v.Period)
		b.Field(7).(*array.StringBuilder).Append(v.Breakdown)
		f(8, v.Value)
		f(9, v.Lower)
		f(10, v.Upper)
		f(11, v.Numerator)
		f(12, v.Denominator)
		b.Field(13).(*array.StringBuilder).Append(v.Flag)
		b.Field(14).(*array.BooleanBuilder).Append(v.Unreliable)
		b.Field(15).(*array.StringBuilder).Append(v.ReliabilityReason)
		b.Field(16).(*array.BooleanBuilder).Append(v.Provisional)
		for i, x := range []float64{v.Registered, v.Nowcast, v.NowcastLower, v.NowcastUpper} {
			if !v.Provisional {
				x = math.NaN()
			}
			f(17+i, x)
		}
	}
	return b.NewRecordBatch()
}

// WriteArrow writes values as an Arrow IPC stream.
func WriteArrow(w io.Writer, values []cube.Value) error {
	rec := Record(values)
	defer rec.Release()
	iw := ipc.NewWriter(w, ipc.WithSchema(ArrowSchema))
	if err := iw.Write(rec); err != nil {
		return fmt.Errorf("write arrow: %w", err)
	}
	if err := iw.Close(); err != nil {
		return fmt.Errorf("write arrow: %w", err)
	}
	return nil
}

// WriteParquet writes values as a Parquet file (zstd-compressed).
func WriteParquet(w io.Writer, values []cube.Value) error {
	rec := Record(values)
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	fw, err := pqarrow.NewFileWriter(ArrowSchema, w, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return fmt.Errorf("write parquet: %w", err)
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	return nil
}
