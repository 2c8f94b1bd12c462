package projinput

import (
	"time"

	"github.com/padis/padis/projections"
)

// DefaultWindowYears is the default length of the window of events the
// rates are estimated from.
const DefaultWindowYears = 3

// Options tune FromStore. Zero values take the documented defaults.
type Options struct {
	// BaseDate is the date of the base population (residents at the end
	// of that day); default the version's as-of date. It must lie inside
	// the version's period.
	BaseDate time.Time
	// WindowYears is the length in years of the window of events ending
	// at the base date (default 3); the window is cut at the period start
	// when the snapshot is shorter.
	WindowYears int
	// WindowStart, when set, is the first day of the window instead
	// (Backtest uses the period start).
	WindowStart time.Time
	// Name names the input; default "division CODE".
	Name string
	// Estimate sets the standards and prior strengths of the smoothing.
	Estimate projections.EstimateOptions
}

// Provenance records where a projection input came from and the totals of
// the counts behind its rates.
type Provenance struct {
	Version     int64     `json:"version"`
	Scope       string    `json:"scope"`
	Division    string    `json:"division"`
	BaseDate    time.Time `json:"base_date"`
	WindowStart time.Time `json:"window_start"` // first day of the window
	WindowEnd   time.Time `json:"window_end"`   // last day of the window (the base date)
	WindowYears float64   `json:"window_years"` // length in years (days / 365.25)
	// Totals of the counts over the window.
	Population  float64               `json:"population"` // base population
	PersonYears [2]float64            `json:"person_years"`
	Deaths      [2]float64            `json:"deaths"`
	Births      float64               `json:"births"`        // all births registered in the division
	BirthsASFR  float64               `json:"births_asfr"`   // births to mothers 15–49 in the snapshot
	BirthsBySex [2]float64            `json:"births_by_sex"` // births of known sex
	InMigrants  [2]float64            `json:"in_migrants"`   // arrivals from outside the division
	OutMigrants [2]float64            `json:"out_migrants"`  // departures to outside the division
	NetMigrants float64               `json:"net_migrants"`  // in − out over the window
	NetPerYear  float64               `json:"net_per_year"`  // annualised net migrants
	Estimate    *projections.Estimate `json:"estimate"`
}
