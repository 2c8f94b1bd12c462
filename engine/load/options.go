package load

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Options configure a load.
type Options struct {
	// Keys pseudonymise and seal the PII (required).
	Keys *pii.Keys
	// Divisions is the division list; its villages replace the store's
	// list when they differ. Nil keeps the stored list, which must exist.
	Divisions *models.DivisionTree
	// Progress, when set, is called about every ProgressEvery while rows
	// are read, and once per phase.
	Progress      func(Progress)
	ProgressEvery time.Duration // default 500 ms
	// Logger receives structured lines about each phase (nil: discard).
	Logger *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// CPUTime, when set, returns the process's CPU time so far (user +
	// system, all threads); each phase then records the CPU it used.
	CPUTime func() time.Duration

	// MaxQuarantine is the largest share (0–1) of a required table's rows
	// that may be quarantined for the snapshot to be published; above it
	// the load fails and nothing is published (0: DefaultMaxQuarantine).
	MaxQuarantine float64
	// Force publishes a snapshot over the MaxQuarantine bound, and only
	// over that bound. The override is recorded in the version's table
	// statistics (store.TableStats.Forced, kept in meta.versions) and in
	// the report, with Actor.
	Force bool
	// Actor names who started the load (an account, "cli:" and the
	// operating-system user), recorded with an override.
	Actor string
	// ExpectScope, when set, is the scope key (models.Scope.Key) the
	// caller checked the snapshot against before the load, e.g. against a
	// user's jurisdiction. The loader reads the manifest once; a manifest
	// whose scope is another is refused before anything is read, so a
	// manifest swapped between the caller's check and the load cannot
	// publish a scope the caller did not allow.
	ExpectScope string
}

// DefaultMaxQuarantine is the default bound on the quarantined share of a
// required table: 5 %. The generated snapshots quarantine about 0.7 % of
// persons and nothing of households and events.
const DefaultMaxQuarantine = 0.05

// maxQuarantine returns the bound in force.
func (o Options) maxQuarantine() (float64, error) {
	switch {
	case o.MaxQuarantine == 0:
		return DefaultMaxQuarantine, nil
	case o.MaxQuarantine < 0 || o.MaxQuarantine > 1:
		return 0, fmt.Errorf("load: quarantine bound %g is not a share between 0 and 1", o.MaxQuarantine)
	}
	return o.MaxQuarantine, nil
}

// Progress reports how far a load is.
type Progress struct {
	Phase   string        // "verify", "read", "check", "publish"
	Table   string        // the table being read
	Rows    int64         // rows read so far, all tables
	Total   int64         // rows in the manifest, all tables
	Elapsed time.Duration // since the load started
}

// Fraction returns the share of rows read, 0–1.
func (p Progress) Fraction() float64 {
	if p.Total <= 0 {
		return 0
	}
	return min(float64(p.Rows)/float64(p.Total), 1)
}

// RowsPerSecond returns the reading rate so far.
func (p Progress) RowsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Rows) / p.Elapsed.Seconds()
}

// ETA estimates the time left for reading at the current rate.
func (p Progress) ETA() time.Duration {
	r := p.RowsPerSecond()
	if r <= 0 || p.Rows >= p.Total {
		return 0
	}
	return time.Duration(float64(p.Total-p.Rows) / r * float64(time.Second))
}

// Report is the outcome of a load.
type Report struct {
	Version       *store.Version      // the version loaded, or the existing one
	AlreadyLoaded bool                // the same files were loaded before; nothing was done
	Quarantine    []store.ReasonCount // problems by table and reason
	Phases        []PhaseTime         // where the time went
	Malformed     map[string]int      // csv: malformed records per table
	// Forced lists the tables published over the quarantine bound by
	// Options.Force, each as "table: share > bound (by actor)".
	Forced []string `json:",omitempty"`
}

// PhaseTime is the duration of one step of a load.
type PhaseTime struct {
	Phase    string
	Duration time.Duration
	CPU      time.Duration // process CPU time of the step, with Options.CPUTime
	Rows     int64         // rows written by the step, when it writes
}
