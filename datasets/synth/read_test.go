package synth

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// table is a snapshot table read back for the tests: strings ("" = null),
// dates (noDate = null), integers (−1 = null) and booleans (−1 = null).
type table struct {
	n      int
	schema *arrow.Schema
	str    map[string][]string
	date   map[string][]int32
	num    map[string][]int
	flag   map[string][]int8
}

// readParquet reads a Parquet file with arrow-go (independently of the store).
func readParquet(t testing.TB, path string) *table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rdr, err := file.NewParquetReader(f, file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	at, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer at.Release()
	out := &table{n: int(at.NumRows()), schema: at.Schema(), str: map[string][]string{}, date: map[string][]int32{}, num: map[string][]int{}, flag: map[string][]int8{}}
	for c := 0; c < int(at.NumCols()); c++ {
		col := at.Column(c)
		name := col.Name()
		for _, chunk := range col.Data().Chunks() {
			for r := 0; r < chunk.Len(); r++ {
				null := chunk.IsNull(r)
				switch a := chunk.(type) {
				case *array.String:
					v := ""
					if !null {
						v = a.Value(r)
					}
					out.str[name] = append(out.str[name], v)
				case *array.Date32:
					v := noDate
					if !null {
						v = int32(a.Value(r))
					}
					out.date[name] = append(out.date[name], v)
				case *array.Int32:
					v := -1
					if !null {
						v = int(a.Value(r))
					}
					out.num[name] = append(out.num[name], v)
				case *array.Boolean:
					v := int8(-1)
					if !null {
						v = 0
						if a.Value(r) {
							v = 1
						}
					}
					out.flag[name] = append(out.flag[name], v)
				default:
					t.Fatalf("%s: column %s has unexpected type %s", path, name, chunk.DataType())
				}
			}
		}
	}
	return out
}

// snapshot is a generated snapshot read back.
type snapshot struct {
	dir                                  string
	res                                  *Result
	persons, households, events, defects *table
	police, certs, deaths, roll          *table
}

// generateSmall generates into a temporary directory and reads it back.
func generateSmall(t testing.TB, cfg Config) *snapshot {
	t.Helper()
	if cfg.Out == "" {
		cfg.Out = t.TempDir()
	}
	res, err := Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &snapshot{dir: cfg.Out, res: res}
	rd := func(rel string) *table { return readParquet(t, filepath.Join(cfg.Out, filepath.FromSlash(rel))) }
	s.persons, s.households, s.events = rd("persons.parquet"), rd("households.parquet"), rd("events.parquet")
	s.defects = rd("truth/defects.parquet")
	if !cfg.NoSources {
		s.police, s.certs, s.deaths = rd("sources/police.parquet"), rd("sources/birth_certificates.parquet"), rd("sources/deaths.parquet")
		s.roll = rd("sources/benefit_roll.parquet")
	}
	return s
}

// osMkdirTemp makes a directory for snapshots shared between tests.
func osMkdirTemp() (string, error) { return os.MkdirTemp("", "padis-synth-test-*") }

// TestMain removes the shared snapshots after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if smallSnap != nil {
		os.RemoveAll(smallSnap.dir)
	}
	os.Exit(code)
}
