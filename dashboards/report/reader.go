package report

import (
	"context"
	"errors"

	"github.com/padis/padis/models"
)

// Reader is the narrow read interface the report is built from. An adapter
// implements it over engine/query (package querysource); tests use an
// in-memory fake. Division codes are short codes ("51", "5101"…); periods
// are labels "YYYY-MM", "YTD-YYYY-MM" (January to that month) and
// "R12-YYYY-MM" (the 12 months ending with it).
type Reader interface {
	// Snapshot returns the snapshot version the reader answers from for
	// division and its description (e.g. "51 2025-10-31").
	Snapshot(ctx context.Context, division string) (version int64, description string, err error)
	// Unit returns one unit with its names.
	Unit(ctx context.Context, code string) (Unit, error)
	// Children returns the unit's children, in code order.
	Children(ctx context.Context, code string) ([]Unit, error)
	// Values returns indicator ind in period for each division, in the
	// order given; a division without data gets a figure whose Value is
	// NaN (see Missing).
	Values(ctx context.Context, ind, period string, divisions []string) ([]Figure, error)
	// Series returns ind for division for each month from..to inclusive.
	Series(ctx context.Context, ind, division string, from, to Month) ([]Figure, error)
	// Pyramid returns the population of division by sex and age group at
	// the end of month.
	Pyramid(ctx context.Context, division string, month Month) (*Pyramid, error)
}

// OriginReader is implemented by readers that know how the snapshot
// behind a division was made: gen is the manifest's generator block of a
// synthetic snapshot (nil for real data) and scope the snapshot's scope.
// A report built from synthetic data says so (Report.SyntheticScale).
type OriginReader interface {
	Origin(ctx context.Context, division string) (gen *models.GenInfo, scope models.Scope, err error)
}

// MonitoringReader is implemented by readers that know the national panel
// of monitoring counties (监测县). The national report is built from it:
// Values for the nation code ("00") returns the panel's national
// estimates (Figure.Estimate set), Children of the nation the provinces
// whose full data the reader has, and Snapshot of the nation the panel's
// snapshot.
type MonitoringReader interface {
	// MonitoringCounties returns the panel's counties, in code order.
	MonitoringCounties(ctx context.Context) ([]Unit, error)
	// MonitoringValues returns ind in period for each of counties, from
	// the panel's snapshot (a county of a province with full data has
	// its own values there), in the order given.
	MonitoringValues(ctx context.Context, ind, period string, counties []string) ([]Figure, error)
	// PanelDomains returns the panel's estimates of ind in period for
	// each province with monitoring counties, in code order (Figure.
	// Division is the province code).
	PanelDomains(ctx context.Context, ind, period string) ([]Figure, error)
}

// AlertReader is implemented by readers that can list the alerts of a
// month for a unit and the units below it: the alerts raised or still
// active (not resolved) for the month's period, whatever their
// acknowledgement, each with the figure that fired it and its
// explanation in the report's language (Alert.ExplanationZH/EN).
type AlertReader interface {
	Alerts(ctx context.Context, division string, month Month) ([]Alert, error)
}

// QualityReader is implemented by readers that know the data quality of
// the month's load: the catalog's quality indicators (QualityIndicators),
// registration timeliness and worklist sizes ("worklist_<kind>") for the
// unit and month, and the load's per-table and per-reason counts.
type QualityReader interface {
	Quality(ctx context.Context, division string, month Month) (*Quality, error)
}

// OutlookReader is implemented by readers that can project the unit's
// population years ahead from the month's snapshot.
type OutlookReader interface {
	Outlook(ctx context.Context, division string, month Month, years int) (*Outlook, error)
}

// ErrNotAvailable is returned by a reader that cannot answer a request;
// the builder then leaves that part out and notes it in the report.
var ErrNotAvailable = errors.New("not available from this reader")
