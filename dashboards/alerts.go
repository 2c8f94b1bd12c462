package dashboards

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/padis/padis/models"
)

// bySeverity orders alerts most severe first, then by unit code (a
// parent before its children, siblings in code order).
func bySeverity(a, b Alert) int {
	if c := slices.Index(AlertLevels, a.Level) - slices.Index(AlertLevels, b.Level); c != 0 {
		return c
	}
	return strings.Compare(a.Unit, b.Unit)
}

// alertStatus is the ?status= filter: without the parameter the active
// alerts (new or acknowledged, what a leader has to read); with it empty
// every status (the history view: grouped, superseded and resolved too).
func (r *req) alertStatus() string {
	if !r.c.QueryParams().Has("status") {
		return AlertActive
	}
	return r.c.QueryParam("status")
}

// alertList returns the alerts at or below the ?unit= (default the
// user's jurisdiction), filtered by ?level= (colour), ?status= (default
// active) and ?indicator=, most severe first.
func (r *req) alertList() ([]Alert, UnitInfo, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, UnitInfo{}, err
	}
	f := AlertFilter{Units: []string{d.Code}, Level: r.c.QueryParam("level"), Status: r.alertStatus()}
	if f.Level != "" && !slices.Contains(AlertLevels, f.Level) {
		return nil, UnitInfo{}, clientErr(http.StatusBadRequest, "err.alert_level", f.Level)
	}
	if f.Status != "" && !slices.Contains(AlertStatuses, f.Status) {
		return nil, UnitInfo{}, clientErr(http.StatusBadRequest, "err.status_one_of", f.Status, strings.Join(AlertStatuses, ", "))
	}
	ind := r.c.QueryParam("indicator")
	if _, ok := r.s.cat.Get(ind); ind != "" && !ok {
		return nil, UnitInfo{}, clientErr(http.StatusBadRequest, "err.indicator", ind)
	}
	as, err := r.s.src.Alerts(r.ctx(), f)
	if err != nil {
		return nil, UnitInfo{}, err
	}
	// Defence in depth: never trust the source to have filtered.
	out := make([]Alert, 0, len(as))
	for _, a := range as {
		if InScope(r.user.Jurisdiction, a.Unit) && InScope(d.Code, a.Unit) && (ind == "" || a.Indicator == ind) &&
			(f.Level == "" || a.Level == f.Level) && StatusMatches(f.Status, a.Status) {
			out = append(out, r.localize(a))
		}
	}
	// Most severe first; within a colour by unit (a parent before its
	// children, siblings in code order), the latest period first.
	slices.SortStableFunc(out, func(a, b Alert) int {
		if c := bySeverity(a, b); c != 0 {
			return c
		}
		if c := strings.Compare(string(b.Period), string(a.Period)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	ui, err := r.unitInfo(d)
	return out, ui, err
}

// localize sets the alert's explanation and rule title in the request's
// language.
func (r *req) localize(a Alert) Alert {
	if e := pick(r.lang, a.ExplanationZH, a.ExplanationEN); e != "" {
		a.Explanation = e
	}
	a.RuleLabel = r.ruleTitle(a)
	return a
}

// ruleTitle is the title of the alert's rule in the request's language:
// the catalog's "rule."+ID for the default rules, else "<indicator>
// alert" (a site's own rule); never the raw rule id.
func (r *req) ruleTitle(a Alert) string {
	if _, ok := messages["rule."+a.Rule]; ok {
		return msg(r.lang, "rule."+a.Rule)
	}
	t := fmt.Sprintf(msg(r.lang, "alert.ruleOf"), r.alertIndicator(a.Indicator).Label)
	if r.lang == models.EN { // a title: "Share aged 65+ alert"
		c, n := utf8.DecodeRuneInString(t)
		t = string(unicode.ToUpper(c)) + t[n:]
	}
	return t
}

// alertIndicator describes an alert's indicator: a catalog indicator, a
// cube measure (aberration rules on counts without a catalog entry, e.g.
// infant deaths) or a projected quantity (projection rules) by its
// translated name.
func (r *req) alertIndicator(id string) IndicatorInfo {
	if ind, ok := r.s.cat.Get(id); ok {
		return r.indicatorInfo(ind)
	}
	if m, ok := models.MeasureByID(id); ok {
		return IndicatorInfo{ID: id, Label: pick(r.lang, m.ZH, m.EN), Unit: unitLabel(r.lang, "persons")}
	}
	if _, ok := messages["quantity."+id]; ok {
		return IndicatorInfo{ID: id, Label: msg(r.lang, "quantity."+id)}
	}
	return IndicatorInfo{ID: id, Label: id}
}

// groupSummary says how many children a grouped alert stands for: "3
// of 4 units below alerting" ("" for an alert that is not grouped).
func (r *req) groupSummary(a Alert) string {
	if len(a.Children) == 0 {
		return ""
	}
	if d := a.Value.Denominator; d != nil && *d >= float64(len(a.Children)) {
		return fmt.Sprintf(msg(r.lang, "alert.groupOfTotal"), len(a.Children), int(*d))
	}
	return fmt.Sprintf(msg(r.lang, "alert.groupOf"), len(a.Children))
}

// alertChild is one row of a grouped alert's children table.
type alertChild struct {
	Alert
	Name string
}

// AlertChart is what the alert page's chart is drawn from (app.js
// alertChart): the indicator's series up to the alert's period with its
// 95 % intervals, the alert's value with its interval or detection
// bounds, the expected value (aberration rules), the warning line of the
// alert's colour with its unit, and for a grouped alert its children's
// values instead of the series.
type AlertChart struct {
	Indicator string    `json:"indicator"` // label
	Unit      string    `json:"unit"`      // translated unit
	Kind      string    `json:"kind"`
	Level     string    `json:"level"`
	Period    Period    `json:"period"`
	Series    []Value   `json:"series,omitempty"`
	Value     *float64  `json:"value"`
	Lo        *float64  `json:"lo,omitempty"`
	Hi        *float64  `json:"hi,omitempty"`
	Expected  *float64  `json:"expected,omitempty"`
	Line      *float64  `json:"line,omitempty"` // the warning line, in the indicator's unit
	Children  []ChildPt `json:"children,omitempty"`
	// Labels are the chart's legend entries and LineLabels the names of
	// the warning lines by colour, in the request's language.
	Labels     map[string]string `json:"labels"`
	LineLabels map[string]string `json:"lineLabels"`
}

// ChildPt is one child of a grouped alert on its chart.
type ChildPt struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Level string   `json:"level"`
	Value *float64 `json:"value"`
	Lo    *float64 `json:"lo,omitempty"`
	Hi    *float64 `json:"hi,omitempty"`
	Line  *float64 `json:"line,omitempty"` // the child's warning line (threshold rules)
}

// seriesSpan is how many periods of the series the alert chart shows.
var seriesSpan = map[PeriodKind]int{Month: 24, Quarter: 12, Year: 10}

// alertDetail gathers the alert page: the children of a grouped alert
// (those in the user's scope, most severe first as the engine lists
// them) and the chart.
//
// A grouped alert without a threshold of its own takes that of its
// children of its colour.
func (r *req) alertDetail(a *Alert, ind IndicatorInfo) ([]alertChild, AlertChart, error) {
	ch := AlertChart{Indicator: ind.Label, Unit: ind.Unit, Kind: a.Kind, Level: a.Level, Period: a.Period,
		Value: a.Value.Value, Lo: a.Value.Lo, Hi: a.Value.Hi, Expected: a.Expected,
		Labels: map[string]string{
			"observed": msg(r.lang, "alert.observed"), "expected": msg(r.lang, "alert.expected"),
			"bounds": msg(r.lang, "alert.bounds"), "interval": msg(r.lang, "alert.interval95"),
		},
		LineLabels: map[string]string{}}
	for _, l := range AlertLevels {
		ch.LineLabels[l] = fmt.Sprintf(msg(r.lang, "alert.line"), msg(r.lang, "alert."+l))
	}
	var kids []alertChild
	children := make([]Alert, 0, len(a.Children))
	for _, id := range a.Children {
		c, err := r.alert(id)
		if errors.Is(err, ErrNotFound) {
			continue // outside the user's scope, or gone
		}
		if err != nil {
			return nil, ch, err
		}
		children = append(children, c)
	}
	slices.SortStableFunc(children, bySeverity) // as the engine's explanation lists them
	for _, c := range children {
		kc := alertChild{Alert: c, Name: c.Unit}
		if d, ok := r.s.tree.Lookup(c.Unit); ok {
			kc.Name = d.Name
		}
		kids = append(kids, kc)
		pt := ChildPt{ID: c.ID, Name: kc.Name, Level: c.Level, Value: c.Value.Value, Lo: c.Value.Lo, Hi: c.Value.Hi}
		if c.Kind != "aberration" && c.Kind != "projection" { // an aberration line is a % of each child's own expected count, a projection's a % change either way
			pt.Line = c.Threshold
		}
		if a.Threshold == nil && c.Level == a.Level {
			a.Threshold = c.Threshold
		}
		ch.Children = append(ch.Children, pt)
	}
	switch {
	case a.Threshold == nil || a.Kind == "projection":
	case a.Kind != "aberration":
		ch.Line = a.Threshold // in the indicator's unit
	case a.Expected != nil && len(kids) == 0:
		// An aberration threshold is a deviation in % from the expected count.
		f := 1 + *a.Threshold/100
		if a.Condition == "below" {
			f = 1 - *a.Threshold/100
		}
		line := *a.Expected * f
		ch.Line = &line
	}
	if len(kids) > 0 {
		ch.Value, ch.Lo, ch.Hi = nil, nil, nil
		return kids, ch, nil
	}
	n, ok := seriesSpan[a.Period.Kind()]
	if _, err := ParsePeriod(string(a.Period)); err != nil || !ok {
		return kids, ch, nil // a projection alert: no past series
	}
	s, err := r.s.src.Series(r.ctx(), a.Indicator, a.Unit, a.Period.Shift(1-n), a.Period)
	if err != nil && !errors.Is(err, ErrNotAvailable) && !errors.Is(err, ErrNotFound) {
		return nil, ch, fmt.Errorf("alert %s: series of %s in %s: %w", a.ID, a.Indicator, a.Unit, err)
	}
	for len(s) > 0 && s[0].Value == nil { // a store with fewer periods: no empty years before the data
		s = s[1:]
	}
	ch.Series = s
	return kids, ch, nil
}

// alert returns one alert if it is in the user's scope; an alert outside
// it is reported as not found, like a missing one.
func (r *req) alert(id string) (Alert, error) {
	a, err := r.s.src.Alert(r.ctx(), id)
	if err != nil {
		return a, err
	}
	if !InScope(r.user.Jurisdiction, a.Unit) {
		return Alert{}, fmt.Errorf("alert %q: %w", id, ErrNotFound)
	}
	return r.localize(a), nil
}

func (s *Server) apiAlerts(r *req) error {
	as, _, err := r.alertList()
	if err != nil {
		return err
	}
	return r.c.JSON(http.StatusOK, as)
}

func (s *Server) apiAlert(r *req) error {
	a, err := r.alert(r.c.Param("id"))
	if err != nil {
		return err
	}
	return r.c.JSON(http.StatusOK, a)
}

func (r *req) ack(id, note string) (Alert, error) {
	a, err := r.alert(id)
	if err != nil {
		return a, err
	}
	if a.Status != AlertNew {
		return a, clientErr(http.StatusConflict, "err.ack_state", id, a.Status)
	}
	note = strings.TrimSpace(note)
	a, err = r.s.src.AcknowledgeAlert(r.ctx(), id, r.user.Name, note, r.s.cfg.Now().UTC())
	r.s.resp.clear() // overview alert counts change
	if err != nil {
		return a, err
	}
	return r.localize(a), r.audit("ack_alert", id, a.Unit, note)
}

func (s *Server) apiAckAlert(r *req) error {
	var in struct {
		Note string `json:"note"`
	}
	if r.c.Request().ContentLength != 0 {
		if err := json.NewDecoder(r.c.Request().Body).Decode(&in); err != nil {
			return clientErr(http.StatusBadRequest, "err.ack_body")
		}
	}
	a, err := r.ack(r.c.Param("id"), in.Note)
	if err != nil {
		return err
	}
	return r.c.JSON(http.StatusOK, a)
}

func (s *Server) alertAckForm(r *req) error {
	id := r.c.Param("id")
	if _, err := r.ack(id, r.c.FormValue("note")); err != nil {
		var he *echo.HTTPError
		if !errors.As(err, &he) || he.Code != http.StatusConflict {
			return err
		}
	}
	return r.c.Redirect(http.StatusSeeOther, "/alerts/"+id)
}
