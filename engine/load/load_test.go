package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// quarantineLines returns the quarantine of a version as sorted
// "table row field reason action" lines.
func quarantineLines(t *testing.T, st *store.Store, version int64) []string {
	t.Helper()
	rows, err := st.Quarantine(context.Background(), version, store.QuarantineFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		f := r.Field
		if f == "" {
			f = "-"
		}
		out = append(out, fmt.Sprintf("%s %d %s %s %s", r.Table, r.Row, f, r.Reason, r.Action))
	}
	sort.Strings(out)
	return out
}

func TestIdempotentReload(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	defer st.Close()
	dir := badSnapshot(t)
	first, err := Load(ctx, st, dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Load(ctx, st, dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if !second.AlreadyLoaded || second.Version.ID != first.Version.ID {
		t.Fatalf("second load: already=%v version %d, first %d", second.AlreadyLoaded, second.Version.ID, first.Version.ID)
	}
	vs, _ := st.Versions(ctx, "")
	if len(vs) != 1 {
		t.Fatalf("%d versions after loading the same files twice", len(vs))
	}
	// The same files under another scope are another load.
	m, _ := models.ReadManifest(filepath.Join(dir, "manifest.json"))
	writeManifest(t, dir, models.Scope{Kind: "counties", Name: "monitoring", Counties: []string{"510104"}}, m.Files)
	third, err := Load(ctx, st, dir, testOptions(t))
	if err != nil || third.AlreadyLoaded {
		t.Fatalf("other scope: %v already=%v", err, third != nil && third.AlreadyLoaded)
	}
	if cur, _ := st.Current(ctx, "51"); cur.ID != first.Version.ID {
		t.Fatalf("scope 51 current changed to %d", cur.ID)
	}
	if cur, _ := st.Current(ctx, "monitoring"); cur.ID != third.Version.ID {
		t.Fatalf("monitoring current = %d", cur.ID)
	}
}

// duckdbSettings returns the DuckDB settings a load changes for its
// duration (loadSettings), as one string.
func duckdbSettings(t *testing.T, st *store.Store) string {
	t.Helper()
	var s string
	if err := st.DB().QueryRow(`SELECT concat_ws(' ', current_setting('preserve_insertion_order'), current_setting('checkpoint_threshold'))`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFileLevelErrors checks that a file-level problem stops the load with
// an error naming the file, leaves the previous version current and no
// trace of the failed one, and restores the DuckDB settings the load
// changed (as a successful load does).
func TestFileLevelErrors(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	defer st.Close()
	settings := duckdbSettings(t, st)
	good, err := Load(ctx, st, badSnapshot(t), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := duckdbSettings(t, st); got != settings {
		t.Fatalf("settings after a load: %q, before %q", got, settings)
	}
	files := fixtureFiles
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  []string
	}{
		{"checksum", func(t *testing.T, dir string) {
			writeManifest(t, dir, province51, files())
			appendFile(t, filepath.Join(dir, "events.csv"), "E99,birth,P30,2024-02-01,2024-02-03,510104001001,,,1,true,P2,,\n")
		}, []string{"events.csv", "SHA-256"}},
		{"row count", func(t *testing.T, dir string) {
			fs := files()
			fs[1].Rows = 99
			writeManifest(t, dir, province51, fs)
		}, []string{"households.csv", "manifest says 99"}},
		{"missing column", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "persons.csv")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte("person_id,id_number,name,sex,"), []byte("person_id,id_number,name,gender,"), 1), 0o644)
			writeManifest(t, dir, province51, files())
		}, []string{"persons.csv", "wrong schema", "sex"}},
		{"missing file", func(t *testing.T, dir string) {
			writeManifest(t, dir, province51, files())
			os.Remove(filepath.Join(dir, "households.csv"))
		}, []string{"households.csv"}},
		{"missing table", func(t *testing.T, dir string) {
			writeManifest(t, dir, province51, files()[:2])
		}, []string{"events", "missing"}},
		{"unknown table", func(t *testing.T, dir string) {
			fs := append(files(), models.FileEntry{Table: "sources/tax", Path: "persons.csv"})
			writeManifest(t, dir, province51, fs)
		}, []string{"persons.csv", "sources/tax"}},
		{"not parquet", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "persons.parquet"), []byte("PAR1 this is not parquet"), 0o644)
			fs := files()
			fs[0] = models.FileEntry{Table: models.TablePersons, Path: "persons.parquet", Format: "parquet", Rows: 3}
			writeManifest(t, dir, province51, fs)
		}, []string{"persons.parquet"}},
		{"path outside", func(t *testing.T, dir string) {
			fs := files()
			fs[0].Path = "../persons.csv"
			os.WriteFile(filepath.Join(filepath.Dir(dir), "persons.csv"), []byte("x\n"), 0o644)
			writeManifest(t, dir, province51, fs)
		}, []string{"../persons.csv", "inside"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, "testdata/bad")
			tc.setup(t, dir)
			_, err := Load(ctx, st, dir, testOptions(t))
			wantError(t, err, tc.want...)
			cur, cerr := st.Current(ctx, "51")
			if cerr != nil || cur.ID != good.Version.ID {
				t.Fatalf("current after a failed load: %v %v", cur, cerr)
			}
			var schemas int
			st.DB().QueryRow(`SELECT count(*) FROM duckdb_schemas() WHERE schema_name LIKE 'v%'`).Scan(&schemas)
			if schemas != 1 {
				t.Fatalf("%d version schemas after a failed load", schemas)
			}
			if got := duckdbSettings(t, st); got != settings {
				t.Fatalf("settings after a failed load: %q, before %q", got, settings)
			}
		})
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestGB18030 loads the fixture with persons in GB18030, detected and
// declared (as GBK, which GB18030 includes), including a name outside the
// BMP: the encoding is recorded, the names reveal intact and the
// quarantine is the UTF-8 file's.
func TestGB18030(t *testing.T) {
	for _, declared := range []string{"", "GBK"} {
		t.Run("declared="+declared, func(t *testing.T) { testGB18030(t, declared) })
	}
}

func testGB18030(t *testing.T, declared string) {
	ctx := context.Background()
	dir := copyDir(t, "testdata/bad")
	p := filepath.Join(dir, "persons.csv")
	b, _ := os.ReadFile(p)
	b = bytes.Replace(b, []byte("欧阳娜娜"), []byte("欧阳𠀀娜"), 1)
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(gb, []byte("张伟")) {
		t.Fatal("encoding did not change the bytes")
	}
	os.WriteFile(p, gb, 0o644)
	utf8Rows := csvRows(t, filepath.Join("testdata/bad", "persons.csv"))
	writeManifest(t, dir, province51, []models.FileEntry{
		{Table: models.TablePersons, Path: "persons.csv", Rows: utf8Rows, Encoding: declared},
		{Table: models.TableHouseholds, Path: "households.csv"},
		{Table: models.TableEvents, Path: "events.csv"},
	})
	st := openStore(t, t.TempDir())
	defer st.Close()
	rep, err := Load(ctx, st, dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if enc := rep.Version.Tables[0].Encoding; enc != "GB18030" {
		t.Fatalf("persons encoding %q, want GB18030", enc)
	}
	rv := revealer(st, t)
	for person, want := range map[string]string{"P1": "张伟", "P31": "欧阳𠀀娜", "P30": "张小宝"} {
		got, ok, err := rv.Reveal(ctx, pii.RevealRequest{Version: rep.Version.ID, Table: models.TablePersons, Key: person, Field: "name", Who: "test", Why: "round trip"})
		if err != nil || !ok || got != want {
			t.Errorf("name of %s = %q %v %v, want %q", person, got, ok, err, want)
		}
	}
	// Same problems as the UTF-8 load of the same persons.
	var gotPersons []string
	for _, l := range quarantineLines(t, st, rep.Version.ID) {
		if strings.HasPrefix(l, "persons ") {
			gotPersons = append(gotPersons, l)
		}
	}
	var want []string
	for _, l := range readExpected(t, "testdata/bad/expected.txt") {
		if strings.HasPrefix(l, "persons ") {
			want = append(want, l)
		}
	}
	sort.Strings(want)
	if strings.Join(gotPersons, "\n") != strings.Join(want, "\n") {
		t.Errorf("GB18030 quarantine differs:\n%s\nwant\n%s", strings.Join(gotPersons, "\n"), strings.Join(want, "\n"))
	}
}

func revealer(st *store.Store, t *testing.T) *pii.Revealer {
	return &pii.Revealer{DB: st.DB(), Keys: testKeys(t), Tables: st.Table, Audit: pii.TableAudit(st.DB(), store.AuditTable, testKeys(t).AuditKey())}
}

func TestReveal(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	defer st.Close()
	rep, err := Load(ctx, st, badSnapshot(t), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	v := rep.Version.ID
	rv := revealer(st, t)
	for _, tc := range []struct {
		table, key, field, want string
		ok                      bool
		err                     error
	}{
		{models.TablePersons, "P3", "id_number", "510104200001050315", true, nil},
		{models.TablePersons, "P3", "name", "张强", true, nil},
		{models.TablePersons, "P3", "mother_id_number", "510104197207080224", true, nil},
		{models.TablePersons, "P3", "father_id_number", "510104197003150112", true, nil},
		{models.TablePersons, "P31", "id_number", "", false, nil},
		{models.TablePersons, "P24", "id_number", "51010419790909222X", true, nil},
		{models.TablePolice, "R1", "name", "张伟", true, nil},
		{models.TableBirthCertificates, "B1", "mother_name", "李娜", true, nil},
		{models.TablePersons, "P404", "name", "", false, pii.ErrNotFound},
		{models.TablePersons, "P4", "name", "", false, pii.ErrNotFound}, // quarantined: not in the version
	} {
		got, ok, err := rv.Reveal(ctx, pii.RevealRequest{Version: v, Table: tc.table, Key: tc.key, Field: tc.field, Who: "analyst", Why: "test"})
		if !errors.Is(err, tc.err) || ok != tc.ok || got != tc.want {
			t.Errorf("reveal %s %s %s = %q %v %v, want %q %v %v", tc.table, tc.key, tc.field, got, ok, err, tc.want, tc.ok, tc.err)
		}
	}
	if got, ok, err := rv.RevealPerson(ctx, v, "P2", "name", "analyst", "test"); err != nil || !ok || got != "李娜" {
		t.Errorf("RevealPerson P2 name = %q %v %v", got, ok, err)
	}
	if _, _, err := rv.Reveal(ctx, pii.RevealRequest{Version: v, Table: models.TablePersons, Key: "P3", Field: "sex", Who: "a", Why: "b"}); err == nil {
		t.Error("revealed a non-PII column")
	}
	if _, _, err := rv.Reveal(ctx, pii.RevealRequest{Version: v, Table: models.TablePersons, Key: "P3", Field: "name"}); err == nil {
		t.Error("revealed without who and why")
	}
	var n int
	var outcomes string
	st.DB().QueryRow(`SELECT count(*), string_agg(outcome, ',' ORDER BY revealed_at, outcome) FROM `+store.AuditTable).Scan(&n, &outcomes)
	if n != 13 {
		t.Errorf("%d audit records, want 13 (%s)", n, outcomes)
	}
	for _, o := range []string{"revealed", "null", "not_found", "error", "denied"} {
		if !strings.Contains(outcomes, o) {
			t.Errorf("no audit outcome %s in %s", o, outcomes)
		}
	}
	// A wrong key cannot open the vault.
	other, _ := pii.NewKeys(bytes.Repeat([]byte{8}, 32))
	rv.Keys = other
	if _, _, err := rv.Reveal(ctx, pii.RevealRequest{Version: v, Table: models.TablePersons, Key: "P3", Field: "name", Who: "a", Why: "b"}); err == nil {
		t.Error("revealed under another key")
	}
}

// TestNoPlaintextInFile scans the bytes of the DuckDB file for every ID
// number and name of the input.
func TestNoPlaintextInFile(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	st := openStore(t, data)
	// Uncompressed storage, so that a plaintext would show as plain bytes.
	if _, err := st.DB().Exec(`SET GLOBAL force_compression = 'uncompressed'`); err != nil {
		t.Fatal(err)
	}
	dir := badSnapshot(t)
	if _, err := Load(ctx, st, dir, testOptions(t)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, f := range []struct {
		path string
		cols []string
	}{
		{"persons.csv", []string{"id_number", "name", "mother_id_number", "father_id_number"}},
		{"sources/police.csv", []string{"id_number", "name"}},
		{"sources/deaths.csv", []string{"id_number", "name"}},
		{"sources/birth_certificates.csv", []string{"child_name", "mother_id_number", "mother_name"}},
	} {
		recs := readCSVFile(t, filepath.Join(dir, f.path))
		idx := map[string]int{}
		for i, h := range recs[0] {
			idx[h] = i
		}
		for _, r := range recs[1:] {
			for _, c := range f.cols {
				if v := r[idx[c]]; len(v) >= 6 {
					secrets = append(secrets, v)
				}
			}
		}
	}
	if len(secrets) < 60 {
		t.Fatalf("only %d secrets collected", len(secrets))
	}
	var blob []byte
	for _, name := range []string{store.DBFileName, store.DBFileName + ".wal"} {
		b, err := os.ReadFile(filepath.Join(data, name))
		if err == nil {
			blob = append(blob, b...)
		}
	}
	// The scan sees stored strings: the non-PII household note is there.
	for _, canary := range []string{"main family", "head moved away"} {
		if !bytes.Contains(blob, []byte(canary)) {
			t.Fatalf("canary %q not found: the scan would miss plaintext", canary)
		}
	}
	for _, s := range secrets {
		if bytes.Contains(blob, []byte(s)) {
			t.Errorf("plaintext %q found in the DuckDB file", s)
		}
	}
}

// TestParquetAndArrow loads the fixture as Parquet and as Arrow IPC and
// expects the same problems as from CSV (less the malformed CSV record).
func TestParquetAndArrow(t *testing.T) {
	ctx := context.Background()
	var want []string
	for _, l := range readExpected(t, "testdata/bad/expected.txt") {
		if !strings.Contains(l, ReasonCSVMalformed) && !strings.HasPrefix(l, "sources/") {
			want = append(want, l)
		}
	}
	sort.Strings(want)
	for _, format := range []string{"parquet", "arrow"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			st := openStore(t, t.TempDir())
			defer st.Close()
			var files []models.FileEntry
			for _, tb := range []string{"persons", "households", "events"} {
				src, _ := filepath.Abs(filepath.Join("testdata/bad", tb+".csv"))
				dst := filepath.Join(dir, tb+"."+format)
				var n int64
				if format == "parquet" {
					if _, err := st.DB().Exec(`COPY (SELECT * FROM read_csv(` + q(src) + `, all_varchar = true, ignore_errors = true)) TO ` + q(dst) + ` (FORMAT parquet)`); err != nil {
						t.Fatal(err)
					}
					st.DB().QueryRow(`SELECT count(*) FROM read_parquet(` + q(dst) + `)`).Scan(&n)
				} else {
					n = writeArrow(t, src, dst)
				}
				files = append(files, models.FileEntry{Table: tb, Path: tb + "." + format, Format: format, Rows: n})
			}
			writeManifest(t, dir, province51, files)
			rep, err := Load(ctx, st, dir, testOptions(t))
			if err != nil {
				t.Fatal(err)
			}
			got := quarantineLines(t, st, rep.Version.ID)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("quarantine differs\n--- got\n%s\n--- want\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// writeArrow writes the well-formed records of a CSV as an Arrow IPC file
// of string columns and returns the number of rows.
func writeArrow(t *testing.T, src, dst string) int64 {
	t.Helper()
	recs := readCSVFile(t, src)
	var fields []arrow.Field
	for _, h := range recs[0] {
		fields = append(fields, arrow.Field{Name: h, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	var n int64
	for _, r := range recs[1:] {
		if len(r) != len(fields) {
			continue
		}
		for i, v := range r {
			sb := b.Field(i).(*array.StringBuilder)
			if v == "" {
				sb.AppendNull()
			} else {
				sb.Append(v)
			}
		}
		n++
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return n
}
