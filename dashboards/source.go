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
	// AcknowledgeAlert records that user acknowledged alert id.
	AcknowledgeAlert(ctx context.Context, id, user, note string, at time.Time) (Alert, error)
	// Quality returns the data-quality measures of each unit in p.
	Quality(ctx context.Context, units []string, p Period) ([]Quality, error)
	// Worklist returns the personal records to check under unit (kind:
	// "duplicates", "unregistered", "dead_not_deregistered"…), masked.
	Worklist(ctx context.Context, unit, kind string) ([]WorkItem, error)
	// Reveal returns the full identity behind a worklist item.
	Reveal(ctx context.Context, itemID string) (Identity, error)
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
	Lineage     Lineage  `json:"lineage"`
}

// Lineage says which snapshot version a value was computed from.
type Lineage struct {
	Version  int64     `json:"version"`
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

// Alert is one early warning.
type Alert struct {
	ID          string       `json:"id"`
	Rule        string       `json:"rule"`
	Level       string       `json:"level"`
	Unit        string       `json:"unit"`
	Indicator   string       `json:"indicator"`
	Period      Period       `json:"period"`
	Value       Value        `json:"value"`
	Threshold   float64      `json:"threshold"`
	Explanation string       `json:"explanation"`
	Status      string       `json:"status"` // "active" or "acknowledged"
	History     []AlertEvent `json:"history,omitempty"`
}

// AlertEvent is one step of an alert's history.
type AlertEvent struct {
	Time   time.Time `json:"time"`
	Action string    `json:"action"` // "raised", "acknowledged", "cleared"
	User   string    `json:"user,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// AlertFilter selects alerts. Units limits them to those at or below any
// of the given codes (the server always sets it to the user's scope).
type AlertFilter struct {
	Units  []string
	Level  string
	Status string
}

// Quality is one unit's data-quality measures (percentages).
type Quality struct {
	Unit         string  `json:"unit"`
	Period       Period  `json:"period"`
	Records      int64   `json:"records"`
	Completeness float64 `json:"completeness"`
	Validity     float64 `json:"validity"`
	Duplicates   int64   `json:"duplicates"`
	Timeliness   float64 `json:"timeliness"`
	Score        float64 `json:"score"`
}

// WorkItem is one personal record on a worklist, masked.
type WorkItem struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Unit       string `json:"unit"`
	NameMasked string `json:"name"`
	IDMasked   string `json:"id_number"`
	Detail     string `json:"detail"`
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
}

// Reason is a quarantine reason and how many rows it caught.
type Reason struct {
	Table  string `json:"table"`
	Reason string `json:"reason"`
	Rows   int64  `json:"rows"`
}
