package load

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
)

// Files are read only from inside the snapshot directory. A snapshot
// directory is written by a province, and a load may be started by an
// administrator who did not write it, so a file of the manifest (or the
// manifest itself) must not lead the loader to read anything else — the
// store's key file, another province's snapshot, /etc/shadow — and echo it
// back in an error. Every file is therefore checked before anything is
// read from it:
//
//   - its path, relative to the directory, is local (no "..", not
//     absolute);
//   - no component of the path below the directory is a symbolic link
//     (the path resolves, symlinks followed, to itself);
//   - it is a regular file, not a symbolic link, device or FIFO, and has
//     a single link: a hard link to a file elsewhere cannot be told apart
//     from the original, so any regular file with more than one link is
//     refused (copy the file instead of linking it);
//   - it is opened with O_NOFOLLOW, and the opened file is the one checked.
//
// The snapshot directory itself may be reached through a symbolic link
// (e.g. DATA/snapshots/51 pointing to a mounted delivery area): it is
// resolved once and everything is compared with the resolved path.

// snapshotDir is a snapshot directory, resolved.
type snapshotDir struct {
	root string // absolute, symbolic links resolved
}

// openSnapshotDir resolves dir.
func openSnapshotDir(dir string) (*snapshotDir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("snapshot directory: %w", err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("snapshot directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("snapshot directory %s is not a directory", dir)
	}
	return &snapshotDir{root: root}, nil
}

// errOutside is wrapped by every refusal of a file that is not plainly
// inside the snapshot directory.
var errOutside = errors.New("refused: files are read only from inside the snapshot directory, not through links")

// path returns the absolute path of the snapshot file rel after checking
// it (see above) without reading it.
func (d *snapshotDir) path(rel string) (string, error) {
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%s: path must be relative and inside the snapshot directory: %w", rel, errOutside)
	}
	p := filepath.Join(d.root, rel)
	fi, err := os.Lstat(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", rel, err)
	}
	if err := regularSingle(rel, fi); err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", rel, err)
	}
	if real != p {
		return "", fmt.Errorf("%s: a directory on its path is a symbolic link: %w", rel, errOutside)
	}
	return p, nil
}

// regularSingle refuses anything but a regular file with one link.
func regularSingle(rel string, fi os.FileInfo) error {
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("%s: is a symbolic link: %w", rel, errOutside)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: is not a regular file (%s): %w", rel, fi.Mode().Type(), errOutside)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
		return fmt.Errorf("%s: has %d hard links (copy the file into the snapshot directory instead of linking it): %w", rel, st.Nlink, errOutside)
	}
	return nil
}

// open checks and opens the snapshot file rel, refusing to follow a
// symbolic link in its last component even if one replaced the file after
// the check, and making sure the file opened is the one checked.
func (d *snapshotDir) open(rel string) (*os.File, error) {
	p, err := d.path(rel)
	if err != nil {
		return nil, err
	}
	before, err := os.Lstat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = regularSingle(rel, fi)
	}
	if err == nil && !os.SameFile(before, fi) {
		err = fmt.Errorf("%s: the file changed while it was being opened: %w", rel, errOutside)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// manifestName is the manifest's file name in a snapshot directory.
const manifestName = "manifest.json"

// readManifestFile reads the manifest through open, so that it too is a
// plain file of the directory, and turns JSON errors into messages that
// name the position and the field but never quote the file's content.
func (d *snapshotDir) readManifestFile() ([]byte, error) {
	f, err := d.open(manifestName)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	defer f.Close()
	const maxManifest = 16 << 20
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if fi.Size() > maxManifest {
		return nil, fmt.Errorf("manifest: %s is %d bytes, more than a manifest can be (%d)", manifestName, fi.Size(), maxManifest)
	}
	b := make([]byte, fi.Size())
	if _, err := f.ReadAt(b, 0); err != nil && fi.Size() > 0 {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return b, nil
}

// quoted matches quoted text in a message: JSON strings, DuckDB's quoted
// values.
var quoted = regexp.MustCompile(`'[^']*'|"[^"]*"|` + "`[^`]*`")

// redact returns err's message with every quoted part replaced by …, and
// cut at its first line: what a parser or DuckDB says about bad input can
// quote the input (DuckDB's CSV errors add the whole "Original Line"), and
// the input may hold personal data or be a file that is no data file at
// all. The error's kind, and the line or offset it names, are kept.
func redact(err error) string {
	if err == nil {
		return ""
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON (at byte %d)", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s: wrong JSON type (%s, want %s)", te.Field, te.Value, te.Type)
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return quoted.ReplaceAllString(msg, "'…'")
}
