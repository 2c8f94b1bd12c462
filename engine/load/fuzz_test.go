package load

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// fileLevel are the messages a fuzzed persons.csv may legitimately abort
// the load with; anything else is a bug.
var fileLevel = []string{"wrong schema", "header", "empty file", "reserved", "manifest says", "no data rows", "outside the manifest's scope"}

// quotes reports a line of input, or a field of it, of at least 16
// bytes that the message contains: no message may quote a record.
func quotes(msg string, input []byte) string {
	for _, line := range bytes.Split(input, []byte("\n")) {
		for _, part := range append(bytes.Split(line, []byte(",")), line) {
			if p := strings.TrimSpace(string(part)); len(p) >= 16 && strings.Contains(msg, p) {
				return p
			}
		}
	}
	return ""
}

// FuzzLoadCSV loads arbitrary bytes as persons.csv (with the fixture's
// households and events). The load must not panic, and either abort with a
// file-level error naming persons.csv or conserve rows: rows in the file =
// rows accepted + rows quarantined. Seeds are in testdata/fuzz/FuzzLoadCSV.
func FuzzLoadCSV(f *testing.F) {
	seed, err := os.ReadFile("testdata/bad/persons.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	st, err := store.Open(context.Background(), store.Config{Dir: f.TempDir(), Threads: 1, MemoryLimit: "512MB"})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	households, _ := os.ReadFile("testdata/bad/households.csv")
	events, _ := os.ReadFile("testdata/bad/events.csv")
	f.Fuzz(func(t *testing.T, persons []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "persons.csv"), persons, 0o644)
		os.WriteFile(filepath.Join(dir, "households.csv"), households, 0o644)
		os.WriteFile(filepath.Join(dir, "events.csv"), events, 0o644)
		var rows int64
		if s, err := scanFile(filepath.Join(dir, "persons.csv")); err == nil {
			rows = s.dataRows()
		}
		writeManifest(t, dir, province51, []models.FileEntry{
			{Table: models.TablePersons, Path: "persons.csv", Rows: rows},
			{Table: models.TableHouseholds, Path: "households.csv"},
			{Table: models.TableEvents, Path: "events.csv"},
		})
		rep, err := Load(context.Background(), st, dir, testOptions(t))
		if err != nil {
			msg := err.Error()
			ok := strings.Contains(msg, "persons.csv")
			known := false
			for _, s := range fileLevel {
				known = known || strings.Contains(msg, s)
			}
			if !ok || !known {
				t.Fatalf("load failed with an error that is not a file-level problem of persons.csv: %v", err)
			}
			if q := quotes(msg, persons); q != "" {
				t.Fatalf("the error quotes the input (%q): %v", q, err)
			}
			return
		}
		for _, ts := range rep.Version.Tables {
			if ts.RowsIn != ts.Accepted+ts.Quarantined {
				t.Fatalf("%s: %d in, %d accepted + %d quarantined", ts.Table, ts.RowsIn, ts.Accepted, ts.Quarantined)
			}
		}
		var accepted, quarantined int64
		st.DB().QueryRow(`SELECT count(*) FROM ` + st.Table(rep.Version.ID, models.TablePersons)).Scan(&accepted)
		st.DB().QueryRow(`SELECT count(DISTINCT "row") FROM ` + st.Table(rep.Version.ID, store.QuarantineTable) + ` WHERE tbl = 'persons' AND action = 'quarantined'`).Scan(&quarantined)
		if accepted+quarantined != rows {
			t.Fatalf("persons: %d rows in the file, %d accepted + %d quarantined", rows, accepted, quarantined)
		}
	})
}

// FuzzCleanCSV feeds arbitrary bytes to the CSV pre-scan, whole and in
// small reads: it must not panic, give the same result either way, keep
// exactly the records it does not report malformed, and write a copy that
// is clean text (valid UTF-8, no NUL) whose records all scan as well formed
// and which no record longer than maxRecordBytes reaches.
func FuzzCleanCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\n\"x\ny\",2\n", "a,b\n1\n\x00,2\n\xff,3\n", "\xef\xbb\xbfa\r\n\"q\"\"\"\r\n",
		"person_id,name\np1,张伟\np2,\xd5\xc5\n", "a,b\n1,\"2", "a\n\n\n",
	} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/bad/persons.csv"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var whole, small bytes.Buffer
		s, err := writeCleanCSV(bytes.NewReader(in), &whole, "person_id")
		if err != nil {
			t.Fatal(err)
		}
		s2, err := writeCleanCSV(iotest.HalfReader(bytes.NewReader(in)), &small, "person_id")
		if err != nil {
			t.Fatal(err)
		}
		if whole.String() != small.String() || s.dataRows() != s2.dataRows() || len(s.malformed) != len(s2.malformed) {
			t.Fatalf("depends on read sizes: %d/%d rows, %d/%d malformed", s.dataRows(), s2.dataRows(), len(s.malformed), len(s2.malformed))
		}
		out := whole.Bytes()
		if s.records == 0 {
			return
		}
		if bytes.IndexByte(out, 0) >= 0 && bytes.IndexByte(s.header, 0) < 0 {
			t.Fatal("a NUL byte passed into the copy")
		}
		if _, err := s.headerNames(); err != nil {
			return // a file-level error: nothing is read
		}
		if !utf8.Valid(out) {
			t.Fatal("the copy is not valid UTF-8")
		}
		again, err := writeCleanCSV(bytes.NewReader(out), io.Discard, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(again.malformed) != 0 {
			t.Fatalf("the copy has malformed records: %+v", again.malformed)
		}
		if kept := again.dataRows(); kept+int64(len(s.malformed)) != s.dataRows() {
			t.Fatalf("%d rows, %d malformed, %d kept", s.dataRows(), len(s.malformed), kept)
		}
		for _, line := range bytes.Split(out, []byte("\n")) {
			if len(line) > maxRecordBytes+32 {
				t.Fatalf("a line of %d bytes passed", len(line))
			}
		}
	})
}

// FuzzManifest reads arbitrary bytes as a snapshot's manifest.json, in a
// directory holding the bad fixture and a symbolic link: it must not
// panic, and every file it accepts must be a plain file inside the
// directory.
func FuzzManifest(f *testing.F) {
	dir := copyDir(f, "testdata/bad")
	writeManifest(f, dir, province51, []models.FileEntry{
		{Table: models.TablePersons, Path: "persons.csv"},
		{Table: models.TableHouseholds, Path: "households.csv"},
		{Table: models.TableEvents, Path: "events.csv"},
	})
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	f.Add(b)
	if err := os.Symlink("persons.csv", filepath.Join(dir, "link.csv")); err != nil {
		f.Fatal(err)
	}
	for _, p := range []string{"link.csv", "../bad/persons.csv", "/etc/passwd", "sources/../persons.csv", "./persons.csv", "sources"} {
		f.Add(bytes.Replace(b, []byte(`"persons.csv"`), []byte(strconv.Quote(p)), 1))
	}
	f.Add([]byte(`{"schema_version":1,"as_of":"x"}`))
	f.Add([]byte(`{"schema_version":1,"scope":{"kind":"counties","counties":["5101"]}}`))

	sd, err := openSnapshotDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, manifest []byte) {
		if err := os.WriteFile(filepath.Join(sd.root, manifestName), manifest, 0o644); err != nil {
			t.Fatal(err)
		}
		m, inputs, err := readManifest(sd)
		if err != nil {
			return
		}
		if m.Scope.Check() != nil {
			t.Fatalf("accepted a scope that does not check: %+v", m.Scope)
		}
		for _, in := range inputs {
			rel, err := filepath.Rel(sd.root, in.path)
			if err != nil || !filepath.IsLocal(rel) {
				t.Fatalf("accepted %s outside the directory", in.path)
			}
			fi, err := os.Lstat(in.path)
			if err != nil || !fi.Mode().IsRegular() {
				t.Fatalf("accepted %s, not a regular file (%v)", in.path, err)
			}
		}
	})
}
