package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// SchemaVersion is the snapshot-format version this code writes and reads.
const SchemaVersion = 1

// Scope is what a snapshot covers: a province, or an explicit county list
// (e.g. the monitoring-county panel).
type Scope struct {
	Kind     string   `json:"kind"`               // "province" or "counties"
	Province string   `json:"province,omitempty"` // 2-digit code, for kind province
	Name     string   `json:"name,omitempty"`     // a stable scope name, e.g. "51" or "monitoring"
	Counties []string `json:"counties,omitempty"` // 6-digit codes, for kind counties
}

// Key returns the stable name under which versions of this scope are kept.
func (s Scope) Key() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Province
}

// Check reports whether the scope says which divisions it covers: a
// 2-digit province, or a list of 6-digit counties (which, when the scope
// also names a province, must lie in it). Loads check every row's
// divisions against it: a division is inside when its code starts with
// one of the counties or, without counties, with the province.
func (s Scope) Check() error {
	digits := func(c string, n int) bool {
		if len(c) != n {
			return false
		}
		for _, r := range c {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	if s.Province != "" && !digits(s.Province, 2) {
		return errors.New("scope: province must be a 2-digit code")
	}
	switch s.Kind {
	case "province", "":
		if len(s.Counties) == 0 && s.Province == "" {
			return errors.New("scope: names neither a province nor counties")
		}
	case "counties":
		if len(s.Counties) == 0 {
			return errors.New("scope: kind counties without counties")
		}
	default:
		return fmt.Errorf("scope: kind %q is not province or counties", s.Kind)
	}
	for i, c := range s.Counties {
		if !digits(c, 6) {
			return fmt.Errorf("scope: counties[%d] is not a 6-digit code", i)
		}
		if s.Province != "" && c[:2] != s.Province {
			return fmt.Errorf("scope: county %s is not in province %s", c, s.Province)
		}
	}
	return nil
}

// FileEntry describes one data file of a snapshot.
type FileEntry struct {
	Table    string `json:"table"`              // persons, households, events, sources/police, …
	Path     string `json:"path"`               // relative to the snapshot directory
	Format   string `json:"format"`             // parquet, csv, arrow
	Encoding string `json:"encoding,omitempty"` // csv only: UTF-8 or GB18030 ("" = detect)
	Rows     int64  `json:"rows"`
	SHA256   string `json:"sha256"`
}

// Date is a civil date that marshals as YYYY-MM-DD.
type Date struct{ time.Time }

// MarshalJSON writes the date as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.Format(time.DateOnly))
}

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		// The value is not quoted: a manifest that is not one may hold
		// anything.
		return errors.New("date: want YYYY-MM-DD")
	}
	d.Time = t
	return nil
}

// Manifest is a snapshot's manifest.json.
type Manifest struct {
	SchemaVersion int         `json:"schema_version"`
	Scope         Scope       `json:"scope"`
	PeriodStart   Date        `json:"period_start"` // first day covered by events
	AsOf          Date        `json:"as_of"`        // the snapshot's date; nothing after it
	Producer      string      `json:"producer"`
	Generator     *GenInfo    `json:"generator,omitempty"`
	Files         []FileEntry `json:"files"`
}

// GenInfo records how a synthetic snapshot was made.
type GenInfo struct {
	Seed    uint64 `json:"seed"`
	Persons int    `json:"persons"`
	Months  int    `json:"months"`
}

// ReadManifest reads and checks the shape of a manifest file.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return ParseManifest(b, path)
}

// ParseManifest parses and checks the shape of the manifest b read from
// path. Its errors name the position or the field of a problem but never
// quote the file's content: a file given as a manifest may be anything.
func ParseManifest(b []byte, path string) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("manifest %s: not valid JSON (at byte %d)", path, se.Offset)
		case errors.As(err, &te):
			return nil, fmt.Errorf("manifest %s: field %s: a JSON %s where %s is wanted", path, te.Field, strings.Fields(te.Value + " ?")[0], te.Type)
		}
		return nil, fmt.Errorf("manifest %s: not a valid manifest: %w", path, err)
	}
	if m.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("manifest %s: schema_version %d, this PADIS reads %d", path, m.SchemaVersion, SchemaVersion)
	}
	if m.AsOf.IsZero() {
		return nil, fmt.Errorf("manifest %s: as_of is missing", path)
	}
	if m.PeriodStart.IsZero() || m.PeriodStart.After(m.AsOf.Time) {
		return nil, fmt.Errorf("manifest %s: period_start must be set and not after as_of", path)
	}
	if m.Scope.Key() == "" {
		return nil, fmt.Errorf("manifest %s: scope has neither name nor province", path)
	}
	if err := m.Scope.Check(); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	for i, f := range m.Files {
		if f.Path == "" || f.Table == "" {
			return nil, fmt.Errorf("manifest %s: files[%d] needs table and path", path, i)
		}
		switch f.Format {
		case "parquet", "csv", "arrow":
		default:
			return nil, fmt.Errorf("manifest %s: files[%d] (%s): format %q is not parquet, csv or arrow", path, i, f.Path, f.Format)
		}
	}
	return &m, nil
}

// File returns the manifest entry of table.
func (m *Manifest) File(table string) (FileEntry, bool) {
	for _, f := range m.Files {
		if f.Table == table {
			return f, true
		}
	}
	return FileEntry{}, false
}
