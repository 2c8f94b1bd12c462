package dashboards

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// RotatingFile is an io.Writer appending to a file (mode 0600: an access
// log names users and addresses) that is rotated by size: when a write
// would take it past MaxBytes, path becomes path.1, path.1 becomes
// path.2 and so on, the oldest beyond Keep is removed, and a new path is
// started. Writes are serialised; each write goes whole into one file.
type RotatingFile struct {
	mu       sync.Mutex
	path     string
	maxBytes int64
	keep     int
	f        *os.File
	size     int64
}

// OpenRotatingFile opens (appending) or creates path and its directory.
// maxBytes is the size at which it is rotated; keep is how many rotated
// files are kept besides it.
func OpenRotatingFile(path string, maxBytes int64, keep int) (*RotatingFile, error) {
	if maxBytes <= 0 || keep < 0 {
		return nil, fmt.Errorf("log %s: want a positive size and a non-negative number of files", path)
	}
	w := &RotatingFile{path: path, maxBytes: maxBytes, keep: keep}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *RotatingFile) open() error {
	if err := os.MkdirAll(filepath.Dir(w.path), 0o700); err != nil {
		return fmt.Errorf("log %s: %w", w.path, err)
	}
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("log %s: %w", w.path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log %s: %w", w.path, err)
	}
	w.f, w.size = f, fi.Size()
	return nil
}

// Write implements io.Writer.
func (w *RotatingFile) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return 0, fmt.Errorf("log %s: closed", w.path)
	}
	if w.size > 0 && w.size+int64(len(p)) > w.maxBytes {
		if err := w.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	return n, err
}

// rotate shifts the files by one and starts a new one; the caller holds mu.
func (w *RotatingFile) rotate() error {
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("log %s: %w", w.path, err)
	}
	w.f = nil
	name := func(i int) string { return fmt.Sprintf("%s.%d", w.path, i) }
	os.Remove(name(w.keep)) // the oldest, or the file itself when keep is 0
	for i := w.keep - 1; i >= 1; i-- {
		if err := os.Rename(name(i), name(i+1)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("log %s: %w", w.path, err)
		}
	}
	if w.keep > 0 {
		if err := os.Rename(w.path, name(1)); err != nil {
			return fmt.Errorf("log %s: %w", w.path, err)
		}
	} else if err := os.Remove(w.path); err != nil {
		return fmt.Errorf("log %s: %w", w.path, err)
	}
	return w.open()
}

// Close closes the file.
func (w *RotatingFile) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
