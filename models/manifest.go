package models

import (
	"encoding/json"
	"fmt"
	"os"
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
		return fmt.Errorf("date %q: want YYYY-MM-DD", s)
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
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
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
