package dashboards

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
)

// alertList returns the alerts at or below the ?unit= (default the
// user's jurisdiction), filtered by ?level= and ?status=.
func (r *req) alertList() ([]Alert, UnitInfo, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, UnitInfo{}, err
	}
	f := AlertFilter{Units: []string{d.Code}, Level: r.c.QueryParam("level"), Status: r.c.QueryParam("status")}
	if f.Level != "" && !slices.Contains(AlertLevels, f.Level) {
		return nil, UnitInfo{}, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("level %q: want red, orange, yellow or blue", f.Level))
	}
	if f.Status != "" && f.Status != "active" && f.Status != "acknowledged" {
		return nil, UnitInfo{}, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("status %q: want active or acknowledged", f.Status))
	}
	as, err := r.s.src.Alerts(r.ctx(), f)
	if err != nil {
		return nil, UnitInfo{}, err
	}
	// Defence in depth: never trust the source to have filtered.
	out := as[:0:0]
	for _, a := range as {
		if InScope(r.user.Jurisdiction, a.Unit) && InScope(d.Code, a.Unit) {
			out = append(out, a)
		}
	}
	ui, err := r.unitInfo(d)
	return out, ui, err
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
	return a, nil
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
	if a.Status == "acknowledged" {
		return a, echo.NewHTTPError(http.StatusConflict, "alert "+id+" is already acknowledged")
	}
	a, err = r.s.src.AcknowledgeAlert(r.ctx(), id, r.user.Name, note, r.s.cfg.Now().UTC())
	r.s.resp.clear() // overview alert counts change
	if err != nil {
		return a, err
	}
	return a, r.audit("ack_alert", id, a.Unit, note)
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
