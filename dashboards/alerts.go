package dashboards

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// alertList returns the alerts at or below the ?unit= (default the
// user's jurisdiction), filtered by ?level= (colour), ?status= and
// ?indicator=, most severe first.
func (r *req) alertList() ([]Alert, UnitInfo, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, UnitInfo{}, err
	}
	f := AlertFilter{Units: []string{d.Code}, Level: r.c.QueryParam("level"), Status: r.c.QueryParam("status")}
	if f.Level != "" && !slices.Contains(AlertLevels, f.Level) {
		return nil, UnitInfo{}, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("level %q: want red, orange, yellow or blue", f.Level))
	}
	if f.Status != "" && !slices.Contains(AlertStatuses, f.Status) {
		return nil, UnitInfo{}, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("status %q: want one of %s", f.Status, strings.Join(AlertStatuses, ", ")))
	}
	ind := r.c.QueryParam("indicator")
	if _, ok := r.s.cat.Get(ind); ind != "" && !ok {
		return nil, UnitInfo{}, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("indicator %q is not in the catalog", ind))
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
	slices.SortStableFunc(out, func(a, b Alert) int {
		if c := slices.Index(AlertLevels, a.Level) - slices.Index(AlertLevels, b.Level); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	ui, err := r.unitInfo(d)
	return out, ui, err
}

// localize sets the alert's explanation in the request's language.
func (r *req) localize(a Alert) Alert {
	if e := pick(r.lang, a.ExplanationZH, a.ExplanationEN); e != "" {
		a.Explanation = e
	}
	return a
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
		return a, echo.NewHTTPError(http.StatusConflict, "alert "+id+" is "+a.Status+": only a new alert can be acknowledged")
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
			return echo.NewHTTPError(http.StatusBadRequest, "ack: body must be {\"note\":…}")
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
