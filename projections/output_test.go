package projections

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func tinyResult(t *testing.T) *Result {
	t.Helper()
	in := &Input{Name: "tiny", BaseYear: 2000, Step: 1, OpenAge: 3, ASFR: make([]float64, 35), SRB: 105}
	for s := Male; s <= Female; s++ {
		in.Pop[s] = []float64{100, 80, 60, 40}
		in.Mortality[s] = Mortality{Ages: []int{0, 1, 2, 3}, NLx: []float64{0.9, 0.8, 0.6, 1.2}, Radix: 1}
		in.Migration.Net[s] = []float64{10, -20, 0, 6}
	}
	r, err := Project(in, &Scenario{Name: "base"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n%s", name, got)
	}
}

func TestWriteCSVGolden(t *testing.T) {
	r := tinyResult(t)
	var b bytes.Buffer
	if err := WritePopulationCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "tiny_population.golden.csv", b.Bytes())
	b.Reset()
	if err := WriteSummaryCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || len(recs[0]) != 3+len(SeriesNames) {
		t.Fatalf("summary shape %d×%d", len(recs), len(recs[0]))
	}
	// The flow columns are empty on the last year.
	births := 3 + indexOf(SeriesNames, "births")
	if recs[3][births] != "" || recs[1][births] == "" {
		t.Errorf("births column %q / %q", recs[1][births], recs[3][births])
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func TestWriteJSONRoundTrip(t *testing.T) {
	r := tinyResult(t)
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Pop[Female][2][3] != r.Pop[Female][2][3] || back.Flows[1].Deaths != r.Flows[1].Deaths || back.Indicators[2].Total != r.Indicators[2].Total {
		t.Error("JSON round trip changed values")
	}
}

// parquetFooter checks the framing of a Parquet file and returns the
// footer (Thrift FileMetaData).
func parquetFooter(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) < 12 || string(b[:4]) != "PAR1" || string(b[len(b)-4:]) != "PAR1" {
		t.Fatal("missing PAR1 magic")
	}
	n := binary.LittleEndian.Uint32(b[len(b)-8:])
	if int(n) > len(b)-12 {
		t.Fatalf("footer length %d", n)
	}
	return b[len(b)-8-int(n) : len(b)-8]
}

func TestWriteParquet(t *testing.T) {
	r := tinyResult(t)
	var b bytes.Buffer
	if err := WritePopulationParquet(&b, r); err != nil {
		t.Fatal(err)
	}
	footer := parquetFooter(t, b.Bytes())
	for _, col := range []string{"name", "scenario", "year", "sex", "age", "population"} {
		if !bytes.Contains(footer, []byte(col)) {
			t.Errorf("footer lacks column %s", col)
		}
	}
	// The first data page follows the magic: its PLAIN values for the
	// "name" column are length-prefixed strings.
	if !bytes.Contains(b.Bytes()[:200], append([]byte{4, 0, 0, 0}, "tiny"...)) {
		t.Error("first page does not hold the name values")
	}
	golden(t, "tiny_population.golden.parquet", b.Bytes())
	b.Reset()
	if err := WriteSummaryParquet(&b, r); err != nil {
		t.Fatal(err)
	}
	footer = parquetFooter(t, b.Bytes())
	if !bytes.Contains(footer, []byte("dependency_old_age")) || !strings.Contains(string(footer), "padis projections") {
		t.Error("summary footer incomplete")
	}
}

func TestThriftFieldHeaders(t *testing.T) {
	var w thriftW
	w.begin()
	w.i32(1, 3)   // delta 1, type 5: 0x15, zigzag(3) = 6
	w.i32(20, -1) // delta 19 > 15: long form 0x05, zigzag(20)=40, zigzag(-1)=1
	w.listField(2, 12, 16)
	w.end()
	want := []byte{0x15, 6, 0x05, 40, 1, 0x09, 4, 0xfc, 16, 0}
	// Field 2 after 20: negative delta → long form 0x09, zigzag(2)=4; list of 16 structs: 0xfc, 16.
	if !bytes.Equal(w.b.Bytes(), want) {
		t.Errorf("thrift bytes % x, want % x", w.b.Bytes(), want)
	}
}

// TestWriteBirthsCSV checks the long births-by-mother's-age table: one
// row per interval and mother's age, adding up to the interval's births.
func TestWriteBirthsCSV(t *testing.T) {
	r, err := Project(testInput(5, 100), nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteBirthsCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "name,scenario,year,mother_age,births" {
		t.Fatalf("header %s", got)
	}
	if len(rows) != 1+2*7 {
		t.Fatalf("%d rows, want 1 + 2 intervals × 7 age groups", len(rows))
	}
	sum := map[string]float64{}
	for _, row := range rows[1:] {
		v, err := strconv.ParseFloat(row[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		sum[row[2]] += v
	}
	for _, f := range r.Flows {
		if got := sum[strconv.Itoa(f.Year)]; math.Abs(got-f.Births) > 1e-5 {
			t.Errorf("%d: births by mother's age add up to %v, births %v", f.Year, got, f.Births)
		}
	}
	if err := WriteBirthsCSV(&b, &Result{Name: "x"}); err == nil {
		t.Error("a result without births by mother's age was written")
	}
}
