package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// secret stands for the content of a file that is no data file: the
// store's key file, a password file.
const secret = "K3Y-7f1d0c9e2b-MASTER-SECRET"

// fixtureFiles are the manifest entries of the bad fixture's required
// tables.
func fixtureFiles() []models.FileEntry {
	return []models.FileEntry{
		{Table: models.TablePersons, Path: "persons.csv"},
		{Table: models.TableHouseholds, Path: "households.csv"},
		{Table: models.TableEvents, Path: "events.csv"},
	}
}

// published is what a test knows of the current version of scope 51,
// which a refused load must leave as it is.
type published struct {
	id             int64
	persons, sumID int64
}

// loadedStore opens a store with the bad fixture loaded as scope 51 (closed
// with the test) and returns its current version.
func loadedStore(t *testing.T) (*store.Store, published) {
	t.Helper()
	st := openStore(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	if _, err := Load(context.Background(), st, badSnapshot(t), testOptions(t)); err != nil {
		t.Fatal(err)
	}
	return st, currentOf(t, st)
}

// wantError fails the test unless err is an error mentioning every want.
func wantError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("load succeeded")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

func currentOf(t *testing.T, st *store.Store) published {
	t.Helper()
	cur, err := st.Current(context.Background(), "51")
	if err != nil {
		t.Fatal(err)
	}
	p := published{id: cur.ID}
	if err := st.DB().QueryRow(`SELECT count(*), sum(_row) FROM `+st.Table(cur.ID, models.TablePersons)).Scan(&p.persons, &p.sumID); err != nil {
		t.Fatal(err)
	}
	return p
}

// loadWatched loads dir, returning the error and everything the load
// told the outside: log lines, progress reports and the report.
func loadWatched(st *store.Store, dir string, opts Options) (*Report, error, string) {
	var out bytes.Buffer
	var mu sync.Mutex
	opts.Logger = slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts.Progress = func(p Progress) { mu.Lock(); fmt.Fprintf(&out, "%+v\n", p); mu.Unlock() }
	rep, err := Load(context.Background(), st, dir, opts)
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(&out, "%+v\n", rep)
	if rep != nil && rep.Version != nil {
		fmt.Fprintf(&out, "%+v\n", *rep.Version)
	}
	return rep, err, out.String()
}

// TestOnlyInsideFiles: a file of the manifest, or the manifest, that is a
// link or leads outside the snapshot directory is refused before it is
// read, nothing is published, and neither the error nor the log, progress
// or report quote the content of the file it pointed to — nor of a plain
// file that is no data file.
func TestOnlyInsideFiles(t *testing.T) {
	st, before := loadedStore(t)
	outside := t.TempDir()
	keyFile := filepath.Join(outside, "padis.key")
	if err := os.WriteFile(keyFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// manifestFor writes the manifest of the fixture's required tables,
	// with the checksums of the files as they are now.
	manifestFor := func(t *testing.T, dir string) { writeManifest(t, dir, province51, fixtureFiles()) }
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  []string
	}{
		{"symlink to a key file", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "persons.csv"))
			must(t, os.Symlink(keyFile, filepath.Join(dir, "persons.csv")))
			manifestFor(t, dir) // with the checksum of the key file
		}, []string{"persons.csv", "symbolic link", "inside the snapshot directory"}},
		{"symlink inside the directory", func(t *testing.T, dir string) {
			must(t, os.Rename(filepath.Join(dir, "persons.csv"), filepath.Join(dir, "p.csv")))
			must(t, os.Symlink("p.csv", filepath.Join(dir, "persons.csv")))
			manifestFor(t, dir)
		}, []string{"persons.csv", "symbolic link"}},
		{"hard link", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "persons.csv"))
			must(t, os.Link(keyFile, filepath.Join(dir, "persons.csv")))
			manifestFor(t, dir)
		}, []string{"persons.csv", "hard links"}},
		{"symlinked directory", func(t *testing.T, dir string) {
			sub := t.TempDir()
			must(t, os.Rename(filepath.Join(dir, "events.csv"), filepath.Join(sub, "events.csv")))
			must(t, os.Symlink(sub, filepath.Join(dir, "sub")))
			fs := fixtureFiles()
			fs[2].Path = "sub/events.csv"
			writeManifest(t, dir, province51, fs)
		}, []string{"sub/events.csv", "symbolic link"}},
		{"dot-dot", func(t *testing.T, dir string) {
			fs := fixtureFiles()
			writeManifest(t, dir, province51, fs)
			b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
			b = bytes.Replace(b, []byte(`"persons.csv"`), []byte(`"sources/../../`+filepath.Base(outside)+`/padis.key"`), 1)
			must(t, os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644))
		}, []string{"padis.key", "inside the snapshot directory"}},
		{"manifest is a symlink", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "manifest.json"))
			must(t, os.Symlink(keyFile, filepath.Join(dir, "manifest.json")))
		}, []string{"manifest", "symbolic link"}},
		{"manifest is a key file", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(keyFile)
			must(t, os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644))
		}, []string{"manifest", "not valid JSON"}},
		{"manifest with a bad date", func(t *testing.T, dir string) {
			manifestFor(t, dir)
			b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
			b = bytes.Replace(b, []byte(`"as_of": "2024-06-30"`), []byte(`"as_of": "`+secret+`"`), 1)
			must(t, os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644))
		}, []string{"manifest", "YYYY-MM-DD"}},
		{"a key file copied in as data", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(keyFile)
			must(t, os.WriteFile(filepath.Join(dir, "persons.csv"), b, 0o644))
			manifestFor(t, dir)
		}, []string{"persons.csv", "wrong schema", "1 columns, 0 of them"}},
		{"a key file with many columns", func(t *testing.T, dir string) {
			line := "person_id,name," + secret + "," + secret + "\n"
			must(t, os.WriteFile(filepath.Join(dir, "persons.csv"), []byte(line+line), 0o644))
			manifestFor(t, dir)
		}, []string{"persons.csv", "header: column 4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, "testdata/bad")
			tc.setup(t, dir)
			_, err, told := loadWatched(st, dir, testOptions(t))
			wantError(t, err, tc.want...)
			if strings.Contains(err.Error(), secret) || strings.Contains(told, secret) {
				t.Errorf("the secret leaked:\nerror: %v\nlog, progress and report:\n%s", err, told)
			}
			if after := currentOf(t, st); after != before {
				t.Errorf("current version changed: %+v, was %+v", after, before)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestNotCredible: a snapshot without rows in a required table, with more
// of a required table quarantined than the bound, or most of whose rows
// are outside its scope is not published, and the current version still
// answers the same; --force overrides the bound, and only the bound, and
// the override is kept with the version.
func TestNotCredible(t *testing.T) {
	ctx := context.Background()
	st, before := loadedStore(t)
	defaults := func(o *Options) { o.MaxQuarantine = 0 }
	// fresh adds a household, so that the files differ from the loaded
	// ones (the same files would be "already loaded").
	fresh := func(t *testing.T, dir string) {
		appendFile(t, filepath.Join(dir, "households.csv"), "H9,P1,510104001001,1,2000-01-01,\n")
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		opts  func(*Options)
		want  []string
	}{
		{"no events", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "events.csv"), []byte("event_id,event_type,person_id,event_date,recorded_date,place\n"), 0o644))
			writeManifest(t, dir, province51, fixtureFiles())
		}, nil, []string{"events.csv", "no data rows"}},
		{"over the default bound", func(t *testing.T, dir string) {
			fresh(t, dir)
			writeManifest(t, dir, province51, fixtureFiles())
		}, defaults, []string{"persons.csv", "more than the bound of 5.0 %", "most frequent reasons: ", "date_after_snapshot 2, id_format 2", "not published"}},
		{"over a bound given", func(t *testing.T, dir string) {
			fresh(t, dir)
			writeManifest(t, dir, province51, fixtureFiles())
		}, func(o *Options) { o.MaxQuarantine = 0.5 }, []string{"persons.csv", "bound of 50.0 %"}},
		{"another province's rows", func(t *testing.T, dir string) {
			for _, f := range []string{"persons.csv", "households.csv", "events.csv"} {
				b, _ := os.ReadFile(filepath.Join(dir, f))
				must(t, os.WriteFile(filepath.Join(dir, f), bytes.ReplaceAll(b, []byte("510104"), []byte("520102")), 0o644))
			}
			writeManifest(t, dir, province51, fixtureFiles())
		}, nil, []string{"persons.csv", "outside the manifest's scope 51 (province 51)"}},
		{"another province's rows, forced", func(t *testing.T, dir string) {
			for _, f := range []string{"persons.csv", "households.csv", "events.csv"} {
				b, _ := os.ReadFile(filepath.Join(dir, f))
				must(t, os.WriteFile(filepath.Join(dir, f), bytes.ReplaceAll(b, []byte("510104"), []byte("520102")), 0o644))
			}
			writeManifest(t, dir, province51, fixtureFiles())
		}, func(o *Options) { o.MaxQuarantine, o.Force = 0, true }, []string{"outside the manifest's scope"}},
		{"counties not in the scope", func(t *testing.T, dir string) {
			fresh(t, dir)
			writeManifest(t, dir, models.Scope{Kind: "counties", Name: "51", Province: "51", Counties: []string{"510105"}}, fixtureFiles())
		}, nil, []string{"outside the manifest's scope 51 (the 1 counties)"}},
		{"a scope other than the one allowed", func(t *testing.T, dir string) {
			fresh(t, dir)
			writeManifest(t, dir, province51, fixtureFiles())
		}, func(o *Options) { o.ExpectScope = "52" }, []string{"manifest.json: scope 51", "allowed for scope 52", "nothing loaded"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, "testdata/bad")
			tc.setup(t, dir)
			opts := testOptions(t)
			if tc.opts != nil {
				tc.opts(&opts)
			}
			_, err := Load(ctx, st, dir, opts)
			wantError(t, err, tc.want...)
			if after := currentOf(t, st); after != before {
				t.Errorf("current version changed: %+v, was %+v", after, before)
			}
		})
	}

	// Forced over the default bound: published, and the override is
	// recorded with the version in the store, and in the report.
	opts := testOptions(t)
	opts.MaxQuarantine, opts.Force, opts.Actor = 0, true, "cli:admin"
	dir := copyDir(t, "testdata/bad")
	fresh(t, dir)
	writeManifest(t, dir, province51, fixtureFiles())
	rep, err := Load(ctx, st, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Forced) != 3 || !strings.Contains(rep.Forced[0], "persons") || !strings.Contains(rep.Forced[0], "cli:admin") {
		t.Errorf("report of the override: %q", rep.Forced)
	}
	v, err := st.Current(ctx, "51")
	if err != nil || v.ID != rep.Version.ID {
		t.Fatalf("forced version is not current: %v %v", v, err)
	}
	for _, ts := range v.Tables {
		f := ts.Forced
		switch ts.Table {
		case models.TablePersons, models.TableHouseholds, models.TableEvents:
			if f == nil || f.By != "cli:admin" || f.Bound != DefaultMaxQuarantine || f.Share <= f.Bound || f.At.IsZero() {
				t.Errorf("%s: override recorded as %+v", ts.Table, f)
			}
		default:
			if f != nil {
				t.Errorf("%s: override recorded for a table not over the bound", ts.Table)
			}
		}
	}
}

// TestMalformedParentFlagsChildren: the children of a person whose CSV
// record is malformed are flagged (mother_quarantined), not quarantined as
// referring to nobody (mother_unknown); the persons of a malformed
// household record likewise (household_quarantined, not
// household_unknown).
func TestMalformedParentFlagsChildren(t *testing.T) {
	ctx := context.Background()
	dir := copyDir(t, "testdata/bad")
	// P2 is the mother of P3 and P30: her record gets a field too many.
	// H2, P3's household, gets a stray quote.
	p := filepath.Join(dir, "persons.csv")
	b, _ := os.ReadFile(p)
	b = bytes.Replace(b, []byte(",2000-01-01,2020-01-01\nP3,"), []byte(",2000-01-01,2020-01-01,extra\nP3,"), 1)
	must(t, os.WriteFile(p, b, 0o644))
	h := filepath.Join(dir, "households.csv")
	b, _ = os.ReadFile(h)
	b = bytes.Replace(b, []byte("H2,P3,"), []byte("H2,P\"3,"), 1)
	must(t, os.WriteFile(h, b, 0o644))
	writeManifest(t, dir, province51, fixtureFiles())
	st := openStore(t, t.TempDir())
	defer st.Close()
	rep, err := Load(ctx, st, dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := quarantineLines(t, st, rep.Version.ID)
	for _, want := range []string{
		"persons 2 - csv_malformed quarantined",
		"households 2 - csv_malformed quarantined",
		"persons 30 mother_person_id mother_quarantined flagged",
		"persons 3 mother_person_id mother_quarantined flagged",
		"persons 3 household_id household_quarantined flagged",
	} {
		if !contains(lines, want) {
			t.Errorf("missing %q in\n%s", want, strings.Join(lines, "\n"))
		}
	}
	for _, l := range lines {
		if strings.Contains(l, "mother_unknown") && !strings.HasPrefix(l, "persons 16 ") ||
			strings.Contains(l, "household_unknown") && !strings.HasPrefix(l, "persons 15 ") {
			t.Errorf("a child of a malformed record was quarantined: %s", l)
		}
	}
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM ` + st.Table(rep.Version.ID, models.TablePersons) + ` WHERE person_id IN ('P3', 'P30')`).Scan(&n)
	if n != 2 {
		t.Errorf("P3 and P30 accepted: %d, want 2", n)
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

// TestHostileCSV: a 3 MB field, a record longer than DuckDB's line limit,
// a NUL byte and bytes that are not UTF-8 each quarantine their record as
// csv_malformed; the rest loads, and nothing the load tells quotes the
// records.
func TestHostileCSV(t *testing.T) {
	dir := copyDir(t, "testdata/bad")
	p := filepath.Join(dir, "persons.csv")
	row := "P%d,," + secret + "%s,1,1965-01-01,01,20,70,510104001001,1,510104001001,H1,99,1,,0,0,,false,,,,,2019-01-01,2020-01-01\n"
	hostile := []string{
		strings.Repeat("长", 1<<20), // a 3 MB field
		strings.Repeat("x", 5<<20), // a 5 MB record, past DuckDB's 2 MB max_line_size
		"\x00\x00\x00",             // NUL bytes
		"\xff\xfe\xd5\xc5",         // not UTF-8
		"\xef\xbf\xbd",             // U+FFFD
		"\"" + secret + "\"",       // a stray quote
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	must(t, err)
	for i, h := range hostile {
		fmt.Fprintf(f, row, 100+i, h)
	}
	fmt.Fprintf(f, row, 200, "")
	f.Close()
	writeManifest(t, dir, province51, fixtureFiles())
	st := openStore(t, t.TempDir())
	defer st.Close()
	rep, err, told := loadWatched(st, dir, testOptions(t))
	if err != nil {
		if strings.Contains(err.Error(), secret) {
			t.Fatal("the error quotes a record")
		}
		t.Fatal(err)
	}
	if strings.Contains(told, secret) || strings.Contains(told, "长长") {
		t.Errorf("the log, progress or report quote a record:\n%.2000s", told)
	}
	lines := quarantineLines(t, st, rep.Version.ID)
	for i := range hostile {
		if want := fmt.Sprintf("persons %d - csv_malformed quarantined", 34+i); !contains(lines, want) {
			t.Errorf("missing %q", want)
		}
	}
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM ` + st.Table(rep.Version.ID, models.TablePersons) + ` WHERE person_id = 'P200'`).Scan(&n)
	if n != 1 {
		var ids []string
		rows, _ := st.DB().Query(`SELECT person_id || ':' || _row FROM ` + st.Table(rep.Version.ID, models.TablePersons) + ` ORDER BY _row DESC LIMIT 3`)
		for rows.Next() {
			var s string
			rows.Scan(&s)
			ids = append(ids, s)
		}
		t.Errorf("the good record after the hostile ones: accepted %d times (%q)", n, ids)
	}
	var leaks int
	st.DB().QueryRow(`SELECT count(*) FROM `+st.Table(rep.Version.ID, store.QuarantineTable)+` WHERE contains(coalesce("value", '') || coalesce(raw, ''), ?)`, secret).Scan(&leaks)
	if leaks != 0 {
		t.Errorf("%d quarantine rows quote a malformed record", leaks)
	}
}

// TestWrongEncoding: a UTF-8 file declared GB18030, and a GB18030 file
// declared UTF-8, are file-level errors naming the file and the count of
// suspicious records, never silently misread.
func TestWrongEncoding(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	defer st.Close()
	for _, tc := range []struct {
		name, declared string
		gb             bool
		want           []string
	}{
		{"UTF-8 declared GB18030", "GB18030", false, []string{"persons.csv", "declared GB18030 but is valid UTF-8", "the 32 records with non-ASCII text"}},
		{"UTF-8 declared GBK", "GBK", false, []string{"persons.csv", "declared GBK but is valid UTF-8"}},
		{"GB18030 declared UTF-8", "UTF-8", true, []string{"persons.csv", "declared UTF-8 but 32 of its 32 records with non-ASCII text are not valid UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, "testdata/bad")
			p := filepath.Join(dir, "persons.csv")
			rows := csvRows(t, p)
			if tc.gb {
				b, _ := os.ReadFile(p)
				gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
				must(t, err)
				must(t, os.WriteFile(p, gb, 0o644))
			}
			fs := fixtureFiles()
			fs[0].Encoding, fs[0].Rows = tc.declared, rows
			writeManifest(t, dir, province51, fs)
			_, err := Load(ctx, st, dir, testOptions(t))
			wantError(t, err, tc.want...)
			if _, err := st.Current(ctx, "51"); !errors.Is(err, store.ErrNoVersion) {
				t.Errorf("something was published: %v", err)
			}
		})
	}
}

// TestWorkFiles: the plaintext work copies of a load are readable by the
// owner only while the load runs, gone after it, and a work directory
// left by a killed process is gone after the store is opened again.
func TestWorkFiles(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	tmp := st.Config().TempDir
	var seen []string
	var mu sync.Mutex
	opts := testOptions(t)
	opts.Progress = func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Phase != "read" {
			return
		}
		filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
			if err != nil || path == tmp {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return nil
			}
			want := fs.FileMode(0o600)
			if d.IsDir() {
				want = 0o700 | fs.ModeDir
			}
			if rel, _ := filepath.Rel(tmp, path); strings.HasPrefix(rel, store.WorkDirPrefix) {
				seen = append(seen, rel)
				if fi.Mode() != want {
					t.Errorf("%s: mode %v, want %v", rel, fi.Mode(), want)
				}
			}
			return nil
		})
	}
	if _, err := Load(context.Background(), st, badSnapshot(t), opts); err != nil {
		t.Fatal(err)
	}
	if !slicesContainsSuffix(seen, ".clean.csv") {
		t.Fatalf("no work copy seen during the load (%v)", seen)
	}
	assertNoWork := func(when string) {
		ents, _ := os.ReadDir(tmp)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), store.WorkDirPrefix) {
				t.Errorf("%s: work directory %s left", when, e.Name())
			}
		}
	}
	assertNoWork("after the load")
	st.Close()
	// What a kill -9 in the middle of a load leaves.
	left := filepath.Join(tmp, store.WorkDirPrefix+"123456")
	must(t, os.Mkdir(left, 0o700))
	must(t, os.WriteFile(filepath.Join(left, "persons.clean.csv"), []byte("_row,name\n1,张伟\n"), 0o600))
	st = openStore(t, dir)
	defer st.Close()
	assertNoWork("after the next open")
}

func slicesContainsSuffix(ss []string, suffix string) bool {
	for _, s := range ss {
		if strings.HasSuffix(s, suffix) {
			return true
		}
	}
	return false
}
