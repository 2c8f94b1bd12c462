package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// input is one data file of a snapshot, checked and ready to read.
type input struct {
	entry  models.FileEntry
	schema models.Table
	path   string // absolute path of the file as delivered

	// Filled by prepare.
	readPath  string   // the file DuckDB reads (a transcoded or converted copy, or path)
	readAs    string   // "parquet" or "csv"
	encoding  string   // csv: UTF-8 or GB18030
	columns   []string // column names in the file
	rowsIn    int64    // data rows in the file (malformed CSV records included)
	malformed []malformedRow
}

// Required snapshot tables.
var requiredTables = []string{models.TablePersons, models.TableHouseholds, models.TableEvents}

// readManifest reads dir/manifest.json and matches its files to the
// snapshot tables.
func readManifest(dir string) (*models.Manifest, []*input, error) {
	m, err := models.ReadManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, nil, err
	}
	byTable := map[string]*input{}
	var inputs []*input
	for _, f := range m.Files {
		t, ok := store.SnapshotTable(f.Table)
		if !ok || t.Name != f.Table {
			return nil, nil, fmt.Errorf("manifest: file %s: unknown table %q", f.Path, f.Table)
		}
		if byTable[f.Table] != nil {
			return nil, nil, fmt.Errorf("manifest: table %s is listed twice (%s and %s)", f.Table, byTable[f.Table].entry.Path, f.Path)
		}
		if !filepath.IsLocal(f.Path) {
			return nil, nil, fmt.Errorf("manifest: file %s: path must be inside the snapshot directory", f.Path)
		}
		if f.Rows < 0 {
			return nil, nil, fmt.Errorf("manifest: file %s: rows %d is negative", f.Path, f.Rows)
		}
		if len(f.SHA256) != 64 {
			return nil, nil, fmt.Errorf("manifest: file %s: sha256 %q is not 64 hex digits", f.Path, f.SHA256)
		}
		switch strings.ToUpper(f.Encoding) {
		case "", "UTF-8", "UTF8", "GB18030", "GBK", "GB2312":
		default:
			return nil, nil, fmt.Errorf("manifest: file %s: encoding %q is not UTF-8, GB18030 or GBK", f.Path, f.Encoding)
		}
		in := &input{entry: f, schema: t, path: filepath.Join(dir, f.Path)}
		byTable[f.Table] = in
		inputs = append(inputs, in)
	}
	for _, t := range requiredTables {
		if byTable[t] == nil {
			return nil, nil, fmt.Errorf("manifest: table %s is missing", t)
		}
	}
	// Load in the order of models.SnapshotTables.
	order := map[string]int{}
	for i, t := range models.SnapshotTables {
		order[t.Name] = i
	}
	sort.Slice(inputs, func(i, j int) bool { return order[inputs[i].entry.Table] < order[inputs[j].entry.Table] })
	return m, inputs, nil
}

// fingerprint identifies a load by its scope and its files' checksums.
func fingerprint(m *models.Manifest) string {
	var parts []string
	for _, f := range m.Files {
		parts = append(parts, f.Table+"="+strings.ToLower(f.SHA256))
	}
	sort.Strings(parts)
	h := sha256.Sum256([]byte(m.Scope.Key() + "\n" + strings.Join(parts, "\n")))
	return hex.EncodeToString(h[:])
}

// verify checks the checksums of all files in parallel, and for CSV files
// also scans the records and decides the encoding in the same pass.
func verify(ctx context.Context, inputs []*input, workers int, tmp string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, max(workers, 1))
	errs := make([]error, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if errs[i] = in.check(ctx, tmp); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// Report the first real failure rather than a cancellation it caused.
	var first error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

// check verifies one file's checksum (and scans it, for CSV).
func (in *input) check(ctx context.Context, tmp string) error {
	f, err := os.Open(in.path)
	if err != nil {
		return fmt.Errorf("%s: %w", in.entry.Path, err)
	}
	defer f.Close()
	h := sha256.New()
	var scan *csvScanner
	var u8 *utf8Checker
	declared := strings.ToUpper(in.entry.Encoding)
	if in.entry.Format == "csv" {
		scan = newCSVScanner()
		u8 = newUTF8Checker()
	}
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := f.Read(buf)
		b := buf[:n]
		h.Write(b)
		if scan != nil {
			u8.feed(b)
			scan.feed(b)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("%s: read: %w", in.entry.Path, rerr)
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, in.entry.SHA256) {
		return fmt.Errorf("%s: SHA-256 is %s but the manifest says %s; the file changed or is incomplete", in.entry.Path, got, in.entry.SHA256)
	}
	if in.entry.Format == "arrow" {
		p := filepath.Join(tmp, store.TableName(in.entry.Table)+".arrow.csv")
		if _, err := arrowToCSV(ctx, in.path, p); err != nil {
			return fmt.Errorf("%s: cannot read as Arrow IPC: %w", in.entry.Path, err)
		}
		in.encoding, in.readPath = "", p
		s, err := scanFile(p)
		if err != nil {
			return fmt.Errorf("%s: %w", in.entry.Path, err)
		}
		return in.useCSV(s, tmp)
	}
	if scan == nil {
		return nil
	}
	scan.finish()
	gb := declared == "GB18030" || declared == "GBK" || declared == "GB2312" || (declared == "" && !u8.ok())
	if !gb && !u8.ok() {
		return fmt.Errorf("%s: declared UTF-8 but is not valid UTF-8", in.entry.Path)
	}
	in.encoding = "UTF-8"
	in.readPath = in.path
	if gb {
		in.encoding = "GB18030"
		p := filepath.Join(tmp, store.TableName(in.entry.Table)+".utf8.csv")
		if err := transcodeGB18030(ctx, in.path, p); err != nil {
			return fmt.Errorf("%s: %w", in.entry.Path, err)
		}
		in.readPath = p
		// Scan the text DuckDB will read.
		if scan, err = scanFile(p); err != nil {
			return fmt.Errorf("%s: %w", in.entry.Path, err)
		}
	}
	return in.useCSV(scan, tmp)
}

// useCSV takes the header and record count from a scan of readPath, and
// makes the copy DuckDB reads: malformed records removed, every record
// numbered (writeCleanCSV).
func (in *input) useCSV(scan *csvScanner, tmp string) error {
	if scan.records == 0 {
		return fmt.Errorf("%s: empty file: a CSV needs a header", in.entry.Path)
	}
	names, err := scan.headerNames()
	if err != nil {
		return fmt.Errorf("%s: %w", in.entry.Path, err)
	}
	in.columns = names
	in.rowsIn = scan.dataRows()
	in.malformed = scan.malformed
	p := filepath.Join(tmp, store.TableName(in.entry.Table)+".clean.csv")
	if err := cleanFile(in.readPath, p); err != nil {
		return fmt.Errorf("%s: %w", in.entry.Path, err)
	}
	in.readPath = p
	in.readAs = "csv"
	return nil
}

func scanFile(path string) (*csvScanner, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := newCSVScanner()
	buf := make([]byte, 1<<20)
	for {
		n, err := f.Read(buf)
		s.feed(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	s.finish()
	return s, nil
}

func cleanFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	bw := newBufWriter(out)
	if err := writeCleanCSV(in, bw); err != nil {
		out.Close()
		return fmt.Errorf("remove malformed records: %w", err)
	}
	if err := bw.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
