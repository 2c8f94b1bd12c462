package load

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// testTree is a small division tree: two townships of 510104 and their
// villages, and one village of province 52.
func testTree(t testing.TB) *models.DivisionTree {
	t.Helper()
	tree, err := models.NewDivisionTree([]models.Division{
		{Code: "51", Name: "四川省"}, {Code: "5101", Name: "成都市"}, {Code: "510104", Name: "锦江区"},
		{Code: "510104001", Name: "督院街街道"}, {Code: "510104002", Name: "盐市口街道"},
		{Code: "510104001001", Name: "一社区"}, {Code: "510104001002", Name: "二社区"}, {Code: "510104002001", Name: "三社区"},
		// A village of another province: a row there is out of the
		// fixture's scope (province 51).
		{Code: "52", Name: "贵州省"}, {Code: "5201", Name: "贵阳市"}, {Code: "520102", Name: "南明区"},
		{Code: "520102001", Name: "新华路街道"}, {Code: "520102001001", Name: "一社区"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func testKeys(t testing.TB) *pii.Keys {
	k, err := pii.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Dir: dir, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// testOptions are the options of a load of the bad fixture, which
// quarantines most of its rows on purpose: the quarantine bound is off
// (1); the tests of the bound set it.
func testOptions(t testing.TB) Options {
	return Options{Keys: testKeys(t), Divisions: testTree(t), MaxQuarantine: 1}
}

// fileSHA returns the hex SHA-256 of a file.
func fileSHA(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// scanFile scans the records of a UTF-8 CSV file as the loader does.
func scanFile(path string) (*csvScanner, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return writeCleanCSV(f, io.Discard, "")
}

// csvRows counts the data records of a UTF-8 CSV, tolerating malformed
// ones the way the loader counts them.
func csvRows(t testing.TB, path string) int64 {
	t.Helper()
	s, err := scanFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s.dataRows()
}

// writeManifest writes dir/manifest.json for the given table → file
// entries, computing checksums; rows are counted for CSV and must be
// given for other formats.
func writeManifest(t testing.TB, dir string, scope models.Scope, files []models.FileEntry) *models.Manifest {
	t.Helper()
	for i := range files {
		f := &files[i]
		p := filepath.Join(dir, f.Path)
		f.SHA256 = fileSHA(t, p)
		if f.Format == "" {
			f.Format = strings.TrimPrefix(filepath.Ext(f.Path), ".")
		}
		if f.Format == "csv" && f.Rows == 0 && f.Encoding == "" {
			f.Rows = csvRows(t, p)
		}
	}
	m := &models.Manifest{
		SchemaVersion: models.SchemaVersion, Scope: scope,
		PeriodStart: models.Date{Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		AsOf:        models.Date{Time: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)},
		Producer:    "padis tests", Files: files,
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return m
}

// copyDir copies the files of src (recursively) into a new temp dir.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(filepath.Join(dst, rel))
		if err != nil {
			return err
		}
		defer out.Close()
		_, err = io.Copy(out, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

var province51 = models.Scope{Kind: "province", Province: "51", Name: "51"}

// badSnapshot copies testdata/bad and writes its manifest.
func badSnapshot(t testing.TB) string {
	dir := copyDir(t, "testdata/bad")
	writeManifest(t, dir, province51, []models.FileEntry{
		{Table: models.TablePersons, Path: "persons.csv"},
		{Table: models.TableHouseholds, Path: "households.csv"},
		{Table: models.TableEvents, Path: "events.csv"},
		{Table: models.TablePolice, Path: "sources/police.csv"},
		{Table: models.TableDeaths, Path: "sources/deaths.csv"},
		{Table: models.TableBirthCertificates, Path: "sources/birth_certificates.csv"},
	})
	return dir
}

// readCSVFile reads all records of a CSV file.
func readCSVFile(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
