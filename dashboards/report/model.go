package report

import (
	"math"
	"time"

	"github.com/padis/padis/models"
)

// Figure is one number of the report with its source: the indicator (an id
// of the catalog), the unit and period it is for, the snapshot version it
// was computed from, and the parts it was computed from. Undefined numbers
// are NaN.
type Figure struct {
	Indicator   string  `json:"indicator"`
	Division    string  `json:"division"`
	Period      string  `json:"period"` // a period label of the read API, e.g. "2025-10", "YTD-2025-10", "R12-2025-10"
	Version     int64   `json:"version"`
	Value       float64 `json:"value"`
	Lower       float64 `json:"lower"` // 95 % interval; NaN when none
	Upper       float64 `json:"upper"`
	Numerator   float64 `json:"numerator"`
	Denominator float64 `json:"denominator"`
	Flag        string  `json:"flag,omitempty"` // "empty", "unreliable"… as the API says
	// Estimate marks a weighted estimate from the monitoring counties
	// (the national figures): Value is the estimate, Lower and Upper its
	// 95 % interval, SE its standard error; Numerator and Denominator
	// are NaN.
	Estimate bool    `json:"estimate,omitempty"`
	SE       float64 `json:"se,omitempty"`
	Counties int     `json:"counties,omitempty"` // monitoring counties with data in the estimate
	// Provisional (初步数) marks a figure whose period holds a month still
	// being registered (engine/nowcast): for a count Value is the count
	// registered so far and Nowcast the estimated eventual count; a rate
	// is already computed from the nowcast numerator and Registered is the
	// rate from the registered one. Both are 0 when not known.
	Provisional bool    `json:"provisional,omitempty"`
	Registered  float64 `json:"registered,omitempty"`
	Nowcast     float64 `json:"nowcast,omitempty"`
}

// FlagOmitted marks a figure the report leaves out on purpose (the
// previous-month comparison of a year-to-date count); it is not read and
// not printed.
const FlagOmitted = "omitted"

// Valid reports whether the figure has a value.
func (f Figure) Valid() bool { return !math.IsNaN(f.Value) && !math.IsInf(f.Value, 0) }

// HasInterval reports whether the figure has a finite 95 % interval. An
// interval of zero width around a non-zero value (an estimate whose
// linearised standard error is 0: one county, or one birth of one sex)
// says nothing of the uncertainty and does not count.
func (f Figure) HasInterval() bool {
	return f.Valid() && !math.IsNaN(f.Lower) && !math.IsNaN(f.Upper) && !math.IsInf(f.Lower, 0) && !math.IsInf(f.Upper, 0) &&
		(f.Upper > f.Lower || f.Value == 0)
}

// Missing returns a figure with no value for ind, division and period.
func Missing(ind, division, period string) Figure {
	nan := math.NaN()
	return Figure{Indicator: ind, Division: division, Period: period, Value: nan, Lower: nan, Upper: nan, Numerator: nan, Denominator: nan}
}

// Unit is an administrative unit of the report.
type Unit struct {
	Code     string       `json:"code"`
	Name     string       `json:"name"`
	FullName string       `json:"full_name"` // with its ancestors, e.g. "四川省成都市"
	Level    models.Level `json:"level"`
}

// Span is the time span a headline figure covers.
type Span string

// Spans of headline figures.
const (
	SpanMonth Span = "month" // the report month (stocks: at its end)
	SpanYTD   Span = "ytd"   // January to the report month
	SpanR12   Span = "r12"   // the 12 months ending with the report month
)

// Headline is one headline figure with the two comparisons the report
// shows: the previous month (for a year-to-date figure: year to date at
// the previous month) and the same month of the previous year.
type Headline struct {
	Key       string `json:"key"` // e.g. "births_ytd"
	Indicator string `json:"indicator"`
	Span      Span   `json:"span"`
	Current   Figure `json:"current"`
	Previous  Figure `json:"previous"`
	YearAgo   Figure `json:"year_ago"`
	// Variant is set when the figures are the indicator's variant
	// (models.Catalog.LeadVariant: adjusted, or a small-area estimate)
	// rather than its registered value; Registered is then the registered
	// figure of the current period and Completeness the registration
	// completeness behind an adjusted one (nil when unknown).
	Variant      string  `json:"variant,omitempty"`
	Registered   *Figure `json:"registered,omitempty"`
	Completeness *Figure `json:"completeness,omitempty"`
}

// Row is one unit of a table with its figures keyed by the table's column
// keys (TableColumns).
type Row struct {
	Unit    Unit              `json:"unit"`
	Figures map[string]Figure `json:"figures"`
}

// Column is one column of a unit table.
type Column struct {
	Key       string `json:"key"` // key in Row.Figures
	Indicator string `json:"indicator"`
	Span      Span   `json:"span"`
}

// TableColumns are the columns of the child-unit and monitoring-county
// tables of a report whose flows are year to date, in order
// (Report.Columns gives those of a report).
var TableColumns = []Column{
	{"population", "population", SpanMonth},
	{"births_ytd", "births", SpanYTD},
	{"cbr_ytd", "cbr", SpanYTD},
	{"cdr_ytd", "cdr", SpanYTD},
	{"rni_ytd", "rni", SpanYTD},
	{"tfr_r12", "tfr", SpanR12},
	{"srb_ytd", "srb", SpanYTD},
	{"share_65plus", "share_65plus", SpanMonth},
}

// ColumnsFor returns TableColumns with the flow span (year to date or
// the 12 months to the month) of a report; the keys follow the span
// ("births_ytd", "births_r12"…).
func ColumnsFor(flow Span) []Column {
	out := make([]Column, len(TableColumns))
	for i, c := range TableColumns {
		if c.Span == SpanYTD && flow != SpanYTD {
			c.Span, c.Key = flow, c.Indicator+"_"+string(flow)
		}
		out[i] = c
	}
	return out
}

// MonthPoint is one month of the births and deaths series.
type MonthPoint struct {
	Month  string `json:"month"`
	Births Figure `json:"births"`
	Deaths Figure `json:"deaths"`
}

// Pyramid is a population by sex and age group at the end of a month.
type Pyramid struct {
	Period string    `json:"period"`
	Ages   []int     `json:"ages"` // start of each group; the last group is open
	Male   []float64 `json:"male"`
	Female []float64 `json:"female"`
}

// Outlook is a projection's outlook for the unit: total population,
// population 65+ and school-age population (6–14) by year.
type Outlook struct {
	Scenario  string    `json:"scenario"`
	Years     []int     `json:"years"`
	Total     []float64 `json:"total"`
	Aged65    []float64 `json:"aged_65plus"`
	SchoolAge []float64 `json:"school_age"`
}

// Alert levels, the Chinese four-colour convention, most severe first.
const (
	AlertRed    = "red"    // I
	AlertOrange = "orange" // II
	AlertYellow = "yellow" // III
	AlertBlue   = "blue"   // IV
)

// AlertLevels lists the levels from the most to the least severe.
var AlertLevels = []string{AlertRed, AlertOrange, AlertYellow, AlertBlue}

// Alert is one early warning of the month.
type Alert struct {
	Level       string  `json:"level"`
	Rule        string  `json:"rule"`
	Division    string  `json:"division"`
	UnitName    string  `json:"unit_name"`
	Indicator   string  `json:"indicator"`
	Figure      Figure  `json:"figure"`
	Threshold   float64 `json:"threshold"`
	Explanation string  `json:"explanation"` // as the alert engine wrote it (Chinese, or the only text)
	// ExplanationEN is the English explanation, when the engine wrote one.
	ExplanationEN string `json:"explanation_en,omitempty"`
	Status        string `json:"status,omitempty"` // "new", "acknowledged", "resolved"
}

// Text returns the explanation in lang (Chinese when no English exists).
func (a Alert) Text(lang models.Lang) string {
	if lang == models.EN && a.ExplanationEN != "" {
		return a.ExplanationEN
	}
	return a.Explanation
}

// QualityIndicators are the catalog's data-quality indicators the report
// prints when the reader has them (engine/quality stores them in the cube
// for every level and month), in display order; TimelinessIndicator is
// the cube's own.
var QualityIndicators = []string{
	"quality_score", "quality_completeness", "quality_id_validity", "quality_code_validity",
	"quality_consistency", "quality_duplicates", "quality_whipple", "quality_myers",
}

// TimelinessIndicator is the registration timeliness indicator.
const TimelinessIndicator = "timeliness"

// WorklistKinds are the worklist kinds of engine/linkage, whose sizes are
// the catalog indicators "worklist_<kind>".
var WorklistKinds = []string{
	"duplicate", "probable_duplicate", "unregistered", "unregistered_birth", "undead",
	"mismatch_sex", "mismatch_birth_date", "mismatch_residence", "over_coverage",
}

// LoadTable is one table of the month's snapshot load: rows read,
// accepted, quarantined (rejected) and flagged (accepted with a warning).
type LoadTable struct {
	Table       string `json:"table"`
	RowsIn      int64  `json:"rows_in"`
	Accepted    int64  `json:"accepted"`
	Quarantined int64  `json:"quarantined"`
	Flagged     int64  `json:"flagged"`
}

// QuarantineReason is the number of rows of one table quarantined or
// flagged for one reason.
type QuarantineReason struct {
	Table  string `json:"table"`
	Reason string `json:"reason"`
	Action string `json:"action"` // "quarantined" or "flagged"
	Count  int64  `json:"count"`
	// ZH and EN describe the reason (engine/load's messages); empty
	// when unknown, and the code is printed.
	ZH string `json:"zh,omitempty"`
	EN string `json:"en,omitempty"`
}

// Quality is the data quality of the month's load for the unit. The
// figures are API values: Measures those of QualityIndicators the
// catalog has, Worklists the open worklist sizes (indicator
// "worklist_<kind>"); a measure the reader has no value for is Missing.
// The load counts are the snapshot's (the whole load, not only the unit).
type Quality struct {
	Measures   []Figure           `json:"measures"`
	Timeliness Figure             `json:"timeliness"`
	Worklists  []Figure           `json:"worklists"`
	Snapshot   int64              `json:"snapshot"` // the loaded version the counts are of
	Load       []LoadTable        `json:"load"`
	Reasons    []QuarantineReason `json:"reasons"`
}

// Measure returns the quality figure of indicator id.
func (q *Quality) Measure(id string) (Figure, bool) {
	for _, f := range q.Measures {
		if f.Indicator == id {
			return f, true
		}
	}
	return Figure{}, false
}

// LoadTotals sums the load's tables.
func (q *Quality) LoadTotals() (in, quarantined, flagged int64) {
	for _, t := range q.Load {
		in, quarantined, flagged = in+t.RowsIn, quarantined+t.Quarantined, flagged+t.Flagged
	}
	return
}

// Definition is one appendix entry, from the indicator catalog.
type Definition struct {
	Indicator models.Indicator `json:"indicator"`
}

// Report is the monthly situation report of one unit and month: every
// figure it prints, with sources. It holds no text; Narrative and the
// renderers produce the text in either language.
type Report struct {
	Unit        Unit         `json:"unit"`
	Month       string       `json:"month"` // "2025-10"
	Version     int64        `json:"version"`
	Snapshot    string       `json:"snapshot"` // the snapshot's description, e.g. "51 2025-10-31"
	GeneratedAt time.Time    `json:"generated_at"`
	Headlines   []Headline   `json:"headlines"`
	Monthly     []MonthPoint `json:"monthly"`
	Pyramid     *Pyramid     `json:"pyramid,omitempty"`
	PyramidPrev *Pyramid     `json:"pyramid_prev,omitempty"`
	// Flow is the span of the flow figures (births, rates, SRB):
	// year to date, or for the national report, whose panel estimates
	// the API gives for months, quarters, years and 12-month periods
	// only, the 12 months to the month. "" means year to date.
	Flow       Span         `json:"flow"`
	Children   []Row        `json:"children"`
	ChildLevel models.Level `json:"child_level"`
	Counties   []Row        `json:"counties,omitempty"`   // province report: every county, by city
	Monitoring []Row        `json:"monitoring,omitempty"` // national report only
	// PanelDomains are the monitoring panel's estimates by province
	// (national report only): Figures keyed "tfr_r12", "srb_r12".
	PanelDomains []Row           `json:"panel_domains,omitempty"`
	Outlook      *Outlook        `json:"outlook,omitempty"`
	Alerts       []Alert         `json:"alerts"`
	AlertsKnown  bool            `json:"alerts_known"` // false: no alert source
	Quality      *Quality        `json:"quality,omitempty"`
	Catalog      *models.Catalog `json:"-"`
	Notes        []string        `json:"notes,omitempty"` // what could not be read, shown in the report
	// SyntheticScale is set when the report is built from synthetic data
	// (OriginReader): how many real residents one generated person
	// stands for (datasets.SyntheticScale). 0 means real data.
	SyntheticScale float64 `json:"synthetic_scale,omitempty"`
}

// FlowSpan returns the span of the report's flow figures.
func (r *Report) FlowSpan() Span {
	if r.Flow == "" {
		return SpanYTD
	}
	return r.Flow
}

// Columns returns the unit tables' columns of the report.
func (r *Report) Columns() []Column { return ColumnsFor(r.FlowSpan()) }

// National reports whether the report is the national one, whose
// headline figures are estimates from the monitoring counties.
func (r *Report) National() bool { return r.Unit.Level == models.LevelNation }

// Headline returns the headline with the given key.
func (r *Report) Headline(key string) (Headline, bool) {
	for _, h := range r.Headlines {
		if h.Key == key {
			return h, true
		}
	}
	return Headline{}, false
}

// Figures returns every figure the report prints, in report order (the
// omitted ones left out): the
// headlines with their comparisons, the monthly series, the child and
// monitoring tables, the alerts' figures and the timeliness figure.
func (r *Report) Figures() []Figure {
	var out []Figure
	for _, h := range r.Headlines {
		for _, f := range []Figure{h.Current, h.Previous, h.YearAgo} {
			if f.Flag != FlagOmitted {
				out = append(out, f)
			}
		}
	}
	for _, m := range r.Monthly {
		out = append(out, m.Births, m.Deaths)
	}
	for _, rows := range [][]Row{r.Children, r.Counties, r.Monitoring} {
		for _, row := range rows {
			for _, c := range r.Columns() {
				if f, ok := row.Figures[c.Key]; ok {
					out = append(out, f)
				}
			}
		}
	}
	for _, row := range r.PanelDomains {
		for _, k := range sortedFigureKeys(row.Figures) {
			out = append(out, row.Figures[k])
		}
	}
	for _, a := range r.Alerts {
		out = append(out, a.Figure)
	}
	if q := r.Quality; q != nil {
		out = append(out, q.Measures...)
		if q.Timeliness.Indicator != "" {
			out = append(out, q.Timeliness)
		}
		out = append(out, q.Worklists...)
	}
	return out
}
