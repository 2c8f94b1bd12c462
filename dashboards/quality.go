package dashboards

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// WorklistKinds are the worklists the quality pages offer.
var WorklistKinds = []string{"duplicates", "unregistered", "dead_not_deregistered"}

// QualityData is the data-quality page: the unit and its children.
type QualityData struct {
	Unit     UnitInfo   `json:"unit"`
	Period   Period     `json:"period"`
	Measures []Quality  `json:"measures"` // the unit first, then its children
	Names    []string   `json:"names"`
	Worklist []WorkItem `json:"worklist,omitempty"`
	Kind     string     `json:"kind,omitempty"`
}

func (r *req) quality() (*QualityData, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, err
	}
	p, err := r.period()
	if err != nil {
		return nil, err
	}
	ui, err := r.unitInfo(d)
	if err != nil {
		return nil, err
	}
	codes, names := []string{d.Code}, []string{d.Name}
	for _, c := range ui.Children {
		codes = append(codes, c.Code)
		names = append(names, c.Name)
	}
	ms, err := r.s.src.Quality(r.ctx(), codes, p)
	if err != nil {
		return nil, err
	}
	return &QualityData{Unit: ui, Period: p, Measures: ms, Names: names}, nil
}

func (s *Server) apiQuality(r *req) error {
	q, err := r.quality()
	if err != nil {
		return err
	}
	return r.json(q)
}

// worklist returns the masked worklist of ?kind= under ?unit=.
func (r *req) worklist() ([]WorkItem, string, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, "", err
	}
	kind := r.c.QueryParam("kind")
	if kind == "" {
		kind = WorklistKinds[0]
	}
	if !slices.Contains(WorklistKinds, kind) {
		return nil, "", echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("kind %q: want one of %s", kind, strings.Join(WorklistKinds, ", ")))
	}
	items, err := r.s.src.Worklist(r.ctx(), d.Code, kind)
	if err != nil {
		return nil, "", err
	}
	out := items[:0:0]
	for _, it := range items {
		if InScope(r.user.Jurisdiction, it.Unit) {
			out = append(out, it)
		}
	}
	return out, kind, nil
}

func (s *Server) apiWorklist(r *req) error {
	items, _, err := r.worklist()
	if err != nil {
		return err
	}
	return r.c.JSON(http.StatusOK, items)
}

// apiReveal returns a worklist item's full identity. It needs the operator
// role and a reason, and is written to the audit log before the answer.
func (s *Server) apiReveal(r *req) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := json.NewDecoder(r.c.Request().Body).Decode(&in); err != nil || strings.TrimSpace(in.Reason) == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "reveal: a reason is required: {\"reason\":…}")
	}
	id := r.c.Param("id")
	idn, err := s.src.Reveal(r.ctx(), id)
	if err != nil {
		return err
	}
	if !InScope(r.user.Jurisdiction, idn.Unit) {
		return fmt.Errorf("worklist item %q: %w", id, ErrNotFound)
	}
	if err := r.audit("reveal", id, idn.Unit, in.Reason); err != nil {
		return fmt.Errorf("reveal %s: audit: %w", id, err)
	}
	return r.c.JSON(http.StatusOK, idn)
}
