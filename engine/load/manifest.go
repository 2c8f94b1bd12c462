package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
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
	dir    *snapshotDir

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

// readManifest reads the manifest of the snapshot directory d and matches
// its files to the snapshot tables. Every file is checked to be a plain
// file of the directory (snapshotDir.path) before anything is read from
// any of them.
func readManifest(d *snapshotDir) (*models.Manifest, []*input, error) {
	b, err := d.readManifestFile()
	if err != nil {
		return nil, nil, err
	}
	m, err := models.ParseManifest(b, manifestName)
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
		p, err := d.path(f.Path)
		if err != nil {
			return nil, nil, fmt.Errorf("manifest: file %w", err)
		}
		in := &input{entry: f, schema: t, path: p, dir: d}
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
	f, err := in.dir.open(in.entry.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	declared := strings.ToUpper(in.entry.Encoding)
	gbDeclared := declared == "GB18030" || declared == "GBK" || declared == "GB2312"
	h := sha256.New()
	r := io.TeeReader(ctxReader{ctx, f}, h)
	switch {
	case in.entry.Format == "csv" && !gbDeclared:
		// Checksum, UTF-8 check, record scan and the numbered copy DuckDB
		// reads, in one pass over the file.
		return in.checkCSV(ctx, r, h, declared, tmp)
	case in.entry.Format == "csv":
		// Declared GB18030: checksum and a scan of the bytes as they are,
		// to catch a UTF-8 file declared GB18030, then the transcoded copy.
		raw, err := writeCleanCSV(r, io.Discard, "")
		if err != nil {
			return fmt.Errorf("%s: read: %w", in.entry.Path, err)
		}
		if err := in.checkSum(h); err != nil {
			return err
		}
		if raw.invalidUTF8 == 0 && raw.textRecords > 0 {
			return fmt.Errorf("%s: declared %s but is valid UTF-8: the %d records with non-ASCII text (names, addresses) would be misread as %s; declare encoding UTF-8 if it is",
				in.entry.Path, declared, raw.textRecords, declared)
		}
		return in.transcode(ctx, tmp)
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return fmt.Errorf("%s: read: %w", in.entry.Path, err)
	}
	if err := in.checkSum(h); err != nil {
		return err
	}
	if in.entry.Format != "arrow" {
		return nil
	}
	p := filepath.Join(tmp, store.TableName(in.entry.Table)+".arrow.csv")
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("%s: %w", in.entry.Path, err)
	}
	defer os.Remove(p)
	if _, err := arrowToCSV(ctx, f, p); err != nil {
		return fmt.Errorf("%s: cannot read as Arrow IPC: %s", in.entry.Path, redact(err))
	}
	conv, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("%s: %w", in.entry.Path, err)
	}
	defer conv.Close()
	in.encoding = ""
	return in.cleanCSV(conv, tmp)
}

// checkSum compares the SHA-256 of the file, h, with the manifest's.
func (in *input) checkSum(h hash.Hash) error {
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, in.entry.SHA256) {
		return fmt.Errorf("%s: SHA-256 is %s but the manifest says %s; the file changed or is incomplete", in.entry.Path, got, in.entry.SHA256)
	}
	return nil
}

// cleanPath is where the numbered copy of the input's CSV goes
// (writeCleanCSV).
func (in *input) cleanPath(tmp string) string {
	return filepath.Join(tmp, store.TableName(in.entry.Table)+".clean.csv")
}

// checkCSV reads a CSV file not declared GB18030 from r (which feeds h),
// writing the numbered copy DuckDB reads as it goes, and checks its
// checksum and UTF-8. Records that are not valid UTF-8 are malformed, but
// when they are most of the records with non-ASCII text (wrongEncoding),
// the file is not UTF-8: declared UTF-8, that is a file-level error;
// without a declared encoding, the file is read again as GB18030.
func (in *input) checkCSV(ctx context.Context, r io.Reader, h hash.Hash, declared, tmp string) error {
	p := in.cleanPath(tmp)
	scan, err := cleanCopy(r, p, in.schema.Key)
	if err != nil {
		return fmt.Errorf("%s: %w", in.entry.Path, err)
	}
	if err := in.checkSum(h); err != nil {
		return err
	}
	if wrongEncoding(scan) {
		os.Remove(p)
		if declared != "" {
			return fmt.Errorf("%s: declared %s but %d of its %d records with non-ASCII text are not valid UTF-8: is it GB18030? Declare its real encoding",
				in.entry.Path, declared, scan.invalidUTF8, scan.textRecords)
		}
		return in.transcode(ctx, tmp)
	}
	in.encoding = "UTF-8"
	return in.useCSV(scan, p)
}

// wrongEncoding reports whether a file read as UTF-8 is not: more than
// half of its records with non-ASCII text, and at least 3, are not valid
// UTF-8. Fewer are malformed records of a UTF-8 file (binary garbage, a
// truncated character), quarantined one by one.
func wrongEncoding(scan *csvScanner) bool {
	return scan.invalidUTF8 >= 3 && 2*scan.invalidUTF8 > scan.textRecords
}

// transcode makes the numbered copy of a GB18030 file, in UTF-8, in one
// pass.
func (in *input) transcode(ctx context.Context, tmp string) error {
	f, err := in.dir.open(in.entry.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	in.encoding = "GB18030"
	return in.cleanCSV(gb18030Reader(ctx, f), tmp)
}

// cleanCSV makes the numbered copy of the UTF-8 CSV read from r and reads
// from it.
func (in *input) cleanCSV(r io.Reader, tmp string) error {
	p := in.cleanPath(tmp)
	scan, err := cleanCopy(r, p, in.schema.Key)
	if err != nil {
		return fmt.Errorf("%s: %w", in.entry.Path, err)
	}
	return in.useCSV(scan, p)
}

// useCSV reads from the numbered copy at path, taking the header and the
// record count from its scan.
func (in *input) useCSV(scan *csvScanner, path string) error {
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
	in.readAs, in.readPath = "csv", path
	return nil
}

// createWorkFile creates a work file of a load, readable by the owner
// only: work files hold plaintext personal data (docs/store.md).
func createWorkFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_EXCL, 0o600)
}

// cleanCopy writes the numbered copy of the CSV read from r to dst
// (writeCleanCSV) and returns the scan of its records.
func cleanCopy(r io.Reader, dst, key string) (*csvScanner, error) {
	out, err := createWorkFile(dst)
	if err != nil {
		return nil, err
	}
	bw := newBufWriter(out)
	scan, err := writeCleanCSV(r, bw, key)
	if err != nil {
		out.Close()
		return nil, fmt.Errorf("remove malformed records: %w", err)
	}
	if err := bw.Flush(); err != nil {
		out.Close()
		return nil, err
	}
	return scan, out.Close()
}
