// Package divcsv reads the statistical division code list as published in
// CSV (provinces.csv, cities.csv, areas.csv, streets.csv, villages.csv.gz)
// and writes the compact form that package datasets embeds.
//
// The compact form is gzip'd UTF-8 text. The first line is
//
//	padis-divisions 1 <provinces> <cities> <counties> <townships> <villages>
//
// and every further line is one division in code order (a pre-order walk of
// the tree): the level digit 1–5, the code's own digits below its parent
// (2, 2, 2, 3 and 3 digits by level) and the name, e.g. "3001东城区".
package divcsv

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/padis/padis/models"
)

// Magic starts the header line of the compact form.
const Magic = "padis-divisions 1"

// file describes one CSV file of the code list: its columns and which of
// them hold the codes of ancestors.
type file struct {
	name    string
	level   models.Level
	columns []string // expected header
}

var files = []file{
	{"provinces.csv", models.LevelProvince, []string{"code", "name"}},
	{"cities.csv", models.LevelCity, []string{"code", "name", "provinceCode"}},
	{"areas.csv", models.LevelCounty, []string{"code", "name", "cityCode", "provinceCode"}},
	{"streets.csv", models.LevelTownship, []string{"code", "name", "areaCode", "provinceCode", "cityCode"}},
	{"villages.csv.gz", models.LevelVillage, []string{"code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"}},
}

// ancestorLevel maps an ancestor column to the level whose code it holds.
var ancestorLevel = map[string]models.Level{
	"provinceCode": models.LevelProvince,
	"cityCode":     models.LevelCity,
	"areaCode":     models.LevelCounty,
	"streetCode":   models.LevelTownship,
}

// Read reads the five CSV files in dir and returns every division with its
// short code and Level set, sorted by code. It checks each file's header,
// that every code has its level's length and only digits, that the ancestor
// columns agree with the code's prefix, that no code appears twice and that
// every parent is present. Errors name the file, row and field.
func Read(dir string) ([]models.Division, error) {
	var out []models.Division
	seen := map[string]bool{}
	for _, f := range files {
		divs, err := readFile(filepath.Join(dir, f.name), f)
		if err != nil {
			return nil, err
		}
		for _, d := range divs {
			if seen[d.Code] {
				return nil, fmt.Errorf("%s: code %s appears twice", f.name, d.Code)
			}
			if d.Parent != models.NationCode && !seen[d.Parent] {
				return nil, fmt.Errorf("%s: division %s %s: parent %s is missing", f.name, d.Code, d.Name, d.Parent)
			}
			seen[d.Code] = true // parents are in earlier files, so marking now is safe
		}
		out = append(out, divs...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func readFile(path string, f file) ([]models.Division, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read divisions: %w", err)
	}
	defer fh.Close()
	var r io.Reader = bufio.NewReaderSize(fh, 1<<20)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(f.columns)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	for i, c := range f.columns {
		if strings.TrimPrefix(head[i], "\ufeff") != c {
			return nil, fmt.Errorf("%s: header column %d is %q, want %q", path, i+1, head[i], c)
		}
	}
	want := f.level.CodeLen()
	var out []models.Division
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: row %d: %w", path, row, err)
		}
		code, name := rec[0], rec[1]
		if len(code) != want || !digits(code) || code[:2] == models.NationCode {
			return nil, fmt.Errorf("%s: row %d: field code: %q is not a %d-digit %s code", path, row, code, want, f.level)
		}
		if name == "" || strings.ContainsAny(name, "\n\r") {
			return nil, fmt.Errorf("%s: row %d: field name: empty or multi-line name %q", path, row, name)
		}
		for i := 2; i < len(rec); i++ {
			n := ancestorLevel[f.columns[i]].CodeLen()
			if rec[i] != code[:n] {
				return nil, fmt.Errorf("%s: row %d: field %s: %q does not match code %s", path, row, f.columns[i], rec[i], code)
			}
		}
		out = append(out, models.Division{Code: code, Name: name, Level: f.level, Parent: parentOf(code, f.level)})
	}
	return out, nil
}

func parentOf(code string, l models.Level) string {
	if l == models.LevelProvince {
		return models.NationCode
	}
	return code[:(l - 1).CodeLen()]
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Encode writes divs, which must be sorted by code with Level set and
// every parent before its children, in the compact form.
func Encode(w io.Writer, divs []models.Division) error {
	var counts [6]int
	for _, d := range divs {
		if d.Level < models.LevelProvince || d.Level > models.LevelVillage {
			return fmt.Errorf("encode divisions: %s %s: level %d", d.Code, d.Name, d.Level)
		}
		counts[d.Level]++
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("encode divisions: %w", err)
	}
	bw := bufio.NewWriterSize(zw, 1<<16)
	fmt.Fprintf(bw, "%s %d %d %d %d %d\n", Magic, counts[1], counts[2], counts[3], counts[4], counts[5])
	var path [6]string // path[l] is the current code at level l
	for i, d := range divs {
		l := d.Level
		if len(d.Code) != l.CodeLen() {
			return fmt.Errorf("encode divisions: %s %s: code length does not match level %s", d.Code, d.Name, l)
		}
		if i > 0 && divs[i-1].Code >= d.Code {
			return fmt.Errorf("encode divisions: %s after %s: not sorted", d.Code, divs[i-1].Code)
		}
		if l > models.LevelProvince && path[l-1] != d.Code[:(l-1).CodeLen()] {
			return fmt.Errorf("encode divisions: %s %s: parent not written before it", d.Code, d.Name)
		}
		if strings.ContainsAny(d.Name, "\n\r") || d.Name == "" {
			return fmt.Errorf("encode divisions: %s: bad name %q", d.Code, d.Name)
		}
		path[l] = d.Code
		bw.WriteString(strconv.Itoa(int(l)))
		if l == models.LevelProvince {
			bw.WriteString(d.Code)
		} else {
			bw.WriteString(d.Code[(l - 1).CodeLen():])
		}
		bw.WriteString(d.Name)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("encode divisions: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("encode divisions: %w", err)
	}
	return nil
}
