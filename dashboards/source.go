package dashboards

import (
	"context"
	"errors"
	"time"

	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// Source is the narrow read interface the dashboards need. cmd/padis
// adapts engine/query to it; tests use an in-memory fake. Every method
// takes division codes in short form ("51", "5101", "510104"…). A method a
// source cannot answer returns ErrNotAvailable (the API answers 501).
type Source interface {
	// Divisions is the division tree the data is keyed by.
	Divisions() *models.DivisionTree
	// Catalog is the indicator catalog: every label and formula shown.
	Catalog() *models.Catalog
	// LatestPeriod is the last complete month of the current version.
	LatestPeriod(ctx context.Context) (Period, error)
	// Values returns indicator ind for each unit in period p, in the
	// order of units. A unit without data has a nil Value.
	Values(ctx context.Context, ind string, units []string, p Period) ([]Value, error)
	// Series returns ind for unit over the periods from..to inclusive
	// (all of the same kind).
	Series(ctx context.Context, ind, unit string, from, to Period) ([]Value, error)
	// Pyramid returns the population of unit by sex and age at the end of p.
	Pyramid(ctx context.Context, unit string, p Period) (Pyramid, error)
	// Panel returns ind in p for the monitoring counties (one Value per
	// county, Unit the county code) and the national estimate from the
	// panel with its interval (Unit "00").
	Panel(ctx context.Context, ind string, p Period) (counties []Value, national Value, err error)
	// Alerts lists alerts matching f.
	Alerts(ctx context.Context, f AlertFilter) ([]Alert, error)
	// Alert returns one alert with its history; ErrNotFound if unknown.
	Alert(ctx context.Context, id string) (Alert, error)
	// AcknowledgeAlert records that user acknowledged alert id (a new
	// one) with a note.
	AcknowledgeAlert(ctx context.Context, id, user, note string, at time.Time) (Alert, error)
	// Quality returns the data-quality measures of each unit in p, in the
	// order of units (a unit without data has only Unit and Period set).
	Quality(ctx context.Context, units []string, p Period) ([]Quality, error)
	// Worklist returns the records matching f at or below f.Unit, masked,
	// and how many match in all (before Offset and Limit).
	Worklist(ctx context.Context, f WorklistFilter) ([]WorkItem, int, error)
	// WorkItem returns one worklist item, masked; ErrNotFound if unknown.
	WorkItem(ctx context.Context, id string) (WorkItem, error)
	// SetWorkItemStatus records user's verdict on a worklist item.
	SetWorkItemStatus(ctx context.Context, id, status, user, note string, at time.Time) (WorkItem, error)
	// Reveal returns the full identity behind a worklist item; user,
	// purpose and reason are passed on to the engine's own reveal audit.
	// The engine's refusals (its rate limit) are *models.RevealError.
	Reveal(ctx context.Context, itemID, user, purpose, reason string) (Identity, error)
	// Snapshots lists the loaded versions with their load reports.
	Snapshots(ctx context.Context) ([]Snapshot, error)
	// ProjectionInput is the base population and rates of unit for a
	// cohort-component projection.
	ProjectionInput(ctx context.Context, unit string) (*projections.Input, error)
}

// ErrNotAvailable is returned by a Source that cannot answer a request.
var ErrNotAvailable = errors.New("not available from this data source")

// ErrNotFound is returned for an unknown alert, worklist item or unit.
var ErrNotFound = errors.New("not found")

// Value is one indicator value for one unit and period, with the parts it
// was computed from and where it came from. Nil pointers mean undefined
// (e.g. a rate over zero exposure) or not applicable (no interval).
type Value struct {
	Indicator   string   `json:"indicator"`
	Unit        string   `json:"unit"`
	Period      Period   `json:"period"`
	Value       *float64 `json:"value"`
	Lo          *float64 `json:"lo,omitempty"`
	Hi          *float64 `json:"hi,omitempty"`
	Numerator   *float64 `json:"numerator,omitempty"`
	Denominator *float64 `json:"denominator,omitempty"`
	// Unreliable flags a value resting on too few events or with too wide
	// an interval (engine/cube.Reliability); ReliabilityReason says which.
	Unreliable        bool   `json:"unreliable"`
	ReliabilityReason string `json:"reliability_reason,omitempty"`
	// Provisional (初步数) marks a monthly event count of a month still
	// being registered (engine/nowcast): Value is the count registered by
	// as-of (= Registered), Nowcast the estimated eventual count with its
	// 95 % interval NowcastLower…NowcastUpper. Pages draw it dashed with a
	// 初步 badge.
	Provisional  bool     `json:"provisional,omitempty"`
	Registered   *float64 `json:"registered,omitempty"`
	Nowcast      *float64 `json:"nowcast,omitempty"`
	NowcastLower *float64 `json:"nowcast_lower,omitempty"`
	NowcastUpper *float64 `json:"nowcast_upper,omitempty"`
	Lineage      Lineage  `json:"lineage"`
}

// Shown is the number a page states for v: a provisional count's
// nowcast (its registered count would read as a collapse), else Value.
// Provisional rates already rest on the nowcast numerator.
func (v Value) Shown() *float64 {
	if v.Provisional && v.Nowcast != nil {
		return v.Nowcast
	}
	return v.Value
}

// Lineage says which snapshot version a value was computed from.
type Lineage struct {
	Version  int64     `json:"version"`
	Scope    string    `json:"scope"`    // the snapshot scope, e.g. "51" or "monitoring"
	Snapshot string    `json:"snapshot"` // e.g. "51 2024-06-30"
	Computed time.Time `json:"computed"`
}

// Pyramid is a population by sex and age group.
type Pyramid struct {
	Unit   string    `json:"unit"`
	Period Period    `json:"period"`
	Ages   []int     `json:"ages"` // start of each group; the last is open
	Male   []float64 `json:"male"`
	Female []float64 `json:"female"`
}

// Alert levels, the Chinese four-colour convention.
const (
	AlertBlue   = "blue"   // IV
	AlertYellow = "yellow" // III
	AlertOrange = "orange" // II
	AlertRed    = "red"    // I
)

// AlertLevels lists the levels from the most to the least severe.
var AlertLevels = []string{AlertRed, AlertOrange, AlertYellow, AlertBlue}

// Alert statuses (the lifecycle new → acknowledged → resolved; a new
// alert may also be resolved directly). An alert about a period that a
// newer evaluation no longer judges current is superseded, and the child
// of a grouped alert at its parent unit is grouped (engine/alerts,
// docs/alerts.md "Grading"): both leave the active list, history kept.
// AlertActive is a filter value only: new or acknowledged.
const (
	AlertNew          = "new"
	AlertAcknowledged = "acknowledged"
	AlertResolved     = "resolved"
	AlertSuperseded   = "superseded"
	AlertGrouped      = "grouped"
	AlertActive       = "active"
)

// AlertStatuses are the values of AlertFilter.Status ("" is all); the
// alerts page and API default to AlertActive.
var AlertStatuses = []string{AlertActive, AlertNew, AlertAcknowledged, AlertGrouped, AlertSuperseded, AlertResolved}

// Alert is one early warning. Value carries the value that fired the
// rule with its interval (threshold rules) or detection bounds
// (aberration rules, with Expected the baseline); Explanation and
// RuleLabel are in the request's language (the server fills them from
// ExplanationZH or ExplanationEN and the catalog's rule titles).
//
// A grouped alert (one rule firing for three or more children of a
// unit) lists its children's alert IDs in Children and its Value is the
// number of children alerting over the number of children; each child
// names it in GroupID.
type Alert struct {
	ID            string       `json:"id"`
	Rule          string       `json:"rule"`
	RuleLabel     string       `json:"rule_label,omitempty"`
	Kind          string       `json:"kind,omitempty"`      // threshold, aberration or projection
	Condition     string       `json:"condition,omitempty"` // above or below: the direction of the departure
	Expected      *float64     `json:"expected,omitempty"`  // aberration: the expected count; projection: the base amount
	GroupID       string       `json:"group_id,omitempty"`
	Children      []string     `json:"children,omitempty"`
	Level         string       `json:"level"`
	Unit          string       `json:"unit"`
	Indicator     string       `json:"indicator"`
	Period        Period       `json:"period"`
	Value         Value        `json:"value"`
	Threshold     *float64     `json:"threshold"` // the line of Level; nil when unknown (a grouped alert's is its children's)
	Explanation   string       `json:"explanation"`
	ExplanationZH string       `json:"explanation_zh,omitempty"`
	ExplanationEN string       `json:"explanation_en,omitempty"`
	Status        string       `json:"status"` // one of AlertStatuses except AlertActive
	FirstSeen     time.Time    `json:"first_seen"`
	LastSeen      time.Time    `json:"last_seen"`
	AckBy         string       `json:"acknowledged_by,omitempty"`
	AckNote       string       `json:"acknowledged_note,omitempty"`
	AckAt         *time.Time   `json:"acknowledged_at,omitempty"`
	ResolvedAt    *time.Time   `json:"resolved_at,omitempty"`
	History       []AlertEvent `json:"history,omitempty"`
}

// Active reports whether the alert is not resolved.
func (a Alert) Active() bool { return a.Status == AlertNew || a.Status == AlertAcknowledged }

// AlertEvent is one step of an alert's history.
type AlertEvent struct {
	Time    time.Time `json:"time"`
	Action  string    `json:"action"` // one of AlertActions
	User    string    `json:"user,omitempty"`
	Note    string    `json:"note,omitempty"`
	Version int64     `json:"version,omitempty"` // snapshot version evaluated
	Value   *float64  `json:"value,omitempty"`
}

// AlertActions are the actions of an alert's history.
var AlertActions = []string{"raised", "seen", "changed", "acknowledged", "reopened", AlertGrouped, AlertSuperseded, AlertResolved}

// AlertFilter selects alerts. Units limits them to those at or below any
// of the given codes (the server always sets it to the user's scope);
// Status is one of AlertStatuses or "" for all.
type AlertFilter struct {
	Units  []string
	Level  string
	Status string
}

// StatusMatches reports whether an alert status passes the filter value f.
func StatusMatches(f, status string) bool {
	return f == "" || f == status || (f == AlertActive && (status == AlertNew || status == AlertAcknowledged))
}

// Quality is one unit's data-quality measures (percentages unless
// noted). Pointers are nil where the source has no value.
type Quality struct {
	Unit         string   `json:"unit"`
	Period       Period   `json:"period"`
	Records      int64    `json:"records"`
	Completeness *float64 `json:"completeness"`
	Validity     *float64 `json:"validity"`      // ID-number validity
	CodeValidity *float64 `json:"code_validity"` // division-code validity
	Consistency  *float64 `json:"consistency"`
	Duplicates   *float64 `json:"duplicates"` // duplicate cards per 1,000 records
	Timeliness   *float64 `json:"timeliness"`
	Whipple      *float64 `json:"whipple,omitempty"`
	Myers        *float64 `json:"myers,omitempty"`
	Score        *float64 `json:"score"` // 0–100
	// Worklists is the number of open items of each worklist kind.
	Worklists map[string]int64 `json:"worklists,omitempty"`
	Lineage   Lineage          `json:"lineage"`
}

// Worklist item statuses.
const (
	ItemOpen       = "open"
	ItemVerified   = "verified"
	ItemCorrected  = "corrected"
	ItemFalseMatch = "false_match"
)

// ItemStatuses are the worklist item statuses.
var ItemStatuses = []string{ItemOpen, ItemVerified, ItemCorrected, ItemFalseMatch}

// WorklistFilter selects worklist items at or below Unit; empty Kind or
// Status means all; Limit 0 means no limit.
type WorklistFilter struct {
	Unit, Kind, Status string
	Offset, Limit      int
}

// WorkItem is one personal record on a worklist, masked.
type WorkItem struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"`
	Unit       string     `json:"unit"`
	NameMasked string     `json:"name"`
	IDMasked   string     `json:"id_number"`
	Detail     string     `json:"detail"`
	Score      *float64   `json:"score,omitempty"` // match score (probable duplicates)
	Status     string     `json:"status"`          // one of ItemStatuses
	StatusBy   string     `json:"status_by,omitempty"`
	StatusNote string     `json:"status_note,omitempty"`
	StatusAt   *time.Time `json:"status_at,omitempty"`
	Version    int64      `json:"version,omitempty"`
}

// Identity is the revealed name and ID number behind a work item.
type Identity struct {
	ItemID   string `json:"item"`
	Unit     string `json:"unit"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

// Snapshot is one loaded version with its load report.
type Snapshot struct {
	Version     int64     `json:"version"`
	Scope       string    `json:"scope"`
	AsOf        string    `json:"as_of"`
	Loaded      time.Time `json:"loaded"`
	Current     bool      `json:"current"`
	Rows        int64     `json:"rows"`
	Accepted    int64     `json:"accepted"`
	Quarantined int64     `json:"quarantined"`
	Reasons     []Reason  `json:"quarantine_reasons,omitempty"`
	// Load report: how long the load took, the snapshot directory and
	// the counts of every table.
	Duration time.Duration   `json:"duration_ns,omitempty"`
	Source   string          `json:"source_dir,omitempty"`
	Tables   []SnapshotTable `json:"tables,omitempty"`
	// Generator is the manifest's generator block of a synthetic
	// snapshot (padis generate); nil for real data.
	Generator *models.GenInfo `json:"generator,omitempty"`
	// Cube is when the version's indicator cube was built (nil: none).
	Cube *time.Time `json:"cube_built,omitempty"`
}

// SnapshotTable is the load report of one table of a snapshot.
type SnapshotTable struct {
	Table       string `json:"table"`
	Format      string `json:"format"`
	Rows        int64  `json:"rows"`
	Accepted    int64  `json:"accepted"`
	Quarantined int64  `json:"quarantined"`
	Flagged     int64  `json:"flagged"`
}

// Reason is a quarantine reason and how many rows it caught.
type Reason struct {
	Table  string `json:"table"`
	Reason string `json:"reason"`
	Action string `json:"action,omitempty"` // "quarantined" or "flagged"
	Rows   int64  `json:"rows"`
}
