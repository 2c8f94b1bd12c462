package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/padis/padis/models"
)

// Archive keeps generated reports on disk, one folder per unit and month:
// DIR/<division>/<YYYY-MM>/<division>-<YYYY-MM>.<lang>.<format>, with a
// manifest.json describing them. Files are written atomically (temporary
// file and rename); a later generation of the same unit and month replaces
// the earlier one.
type Archive struct {
	Dir string
}

// Entry is one archived document.
type Entry struct {
	Division  string    `json:"division"`
	UnitName  string    `json:"unit_name"`
	Month     string    `json:"month"`
	Lang      string    `json:"lang"`
	Format    string    `json:"format"`
	Name      string    `json:"name"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	Version   int64     `json:"version"`
	Generated time.Time `json:"generated"`
}

// manifest is the manifest.json of one unit and month.
type manifest struct {
	Entries []Entry `json:"entries"`
}

// ErrOutOfScope is returned when a user asks for a report outside their
// jurisdiction.
var ErrOutOfScope = errors.New("report is outside the user's jurisdiction")

// Store writes the outputs of r and their manifest.
func (a Archive) Store(r *Report, outs []Output) ([]Entry, error) {
	if !validCode(r.Unit.Code) {
		return nil, fmt.Errorf("archive: bad division code %q", r.Unit.Code)
	}
	if _, err := ParseMonth(r.Month); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	dir := filepath.Join(a.Dir, r.Unit.Code, r.Month)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	var entries []Entry
	for _, o := range outs {
		if err := writeAtomic(filepath.Join(dir, o.Name), o.Data); err != nil {
			return nil, fmt.Errorf("archive %s: %w", o.Name, err)
		}
		sum := sha256.Sum256(o.Data)
		entries = append(entries, Entry{Division: r.Unit.Code, UnitName: r.Unit.Name, Month: r.Month, Lang: LangCode(o.Lang), Format: o.Format,
			Name: o.Name, Size: int64(len(o.Data)), SHA256: hex.EncodeToString(sum[:]), Version: r.Version, Generated: r.GeneratedAt})
	}
	b, err := json.MarshalIndent(manifest{entries}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("archive manifest: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, "manifest.json"), append(b, '\n')); err != nil {
		return nil, fmt.Errorf("archive manifest: %w", err)
	}
	return entries, nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// InScope reports whether division is at or below one of the scope codes
// (short codes; "00" is the nation and covers everything).
func InScope(division string, scope []string) bool {
	for _, s := range scope {
		if s == models.NationCode || strings.HasPrefix(division, s) {
			return true
		}
	}
	return false
}

// List returns the archived documents of units within scope, newest month
// first, then by division, language and format.
func (a Archive) List(scope []string) ([]Entry, error) {
	paths, err := filepath.Glob(filepath.Join(a.Dir, "*", "*", "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("archive list: %w", err)
	}
	var out []Entry
	for _, p := range paths {
		div := filepath.Base(filepath.Dir(filepath.Dir(p)))
		if !InScope(div, scope) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("archive list: %w", err)
		}
		var m manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("archive list: %s: %w", p, err)
		}
		out = append(out, m.Entries...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Month != y.Month {
			return x.Month > y.Month
		}
		if x.Division != y.Division {
			return x.Division < y.Division
		}
		if x.Lang != y.Lang {
			return x.Lang < y.Lang
		}
		return x.Format < y.Format
	})
	return out, nil
}

// Path returns the file of an archived document for a user with scope. It
// refuses names that are not archive file names and units outside scope
// (ErrOutOfScope), and returns an error wrapping os.ErrNotExist for a
// document that is not archived.
func (a Archive) Path(scope []string, division, month, name string) (string, error) {
	if !validCode(division) {
		return "", fmt.Errorf("archive: bad division code %q", division)
	}
	if _, err := ParseMonth(month); err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	if !InScope(division, scope) {
		return "", fmt.Errorf("archive %s: %w", division, ErrOutOfScope)
	}
	if !strings.HasPrefix(name, division+"-"+month+".") || strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") {
		return "", fmt.Errorf("archive: bad file name %q", name)
	}
	p := filepath.Join(a.Dir, division, month, name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("archive %s: %w", name, err)
	}
	return p, nil
}

// validCode reports whether s is a short division code (digits, 2–12).
func validCode(s string) bool {
	if len(s) < 2 || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
