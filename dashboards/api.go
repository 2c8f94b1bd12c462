package dashboards

import (
	"net/http"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

func (s *Server) apiMe(r *req) error { return r.c.JSON(http.StatusOK, meOf(r.user)) }

func (s *Server) apiCatalog(r *req) error {
	var out []IndicatorInfo
	for _, ind := range s.cat.All() {
		out = append(out, r.indicatorInfo(ind))
	}
	return r.json(out)
}

func (s *Server) apiUnit(r *req) error {
	d, err := r.unit(r.c.Param("code"))
	if err != nil {
		return err
	}
	ui, err := r.unitInfo(d)
	if err != nil {
		return err
	}
	return r.json(ui)
}

func (s *Server) apiOverview(r *req) error {
	d, err := r.unit(r.c.Param("code"))
	if err != nil {
		return err
	}
	p, err := r.period()
	if err != nil {
		return err
	}
	o, err := r.overview(d, p)
	if err != nil {
		return err
	}
	return r.json(o)
}

// ChildrenData is one indicator for every child of a unit.
type ChildrenData struct {
	Unit      string        `json:"unit"`
	Period    Period        `json:"period"`
	Indicator IndicatorInfo `json:"indicator"`
	Rows      []Row         `json:"rows"`
}

func (s *Server) apiChildren(r *req) error {
	d, err := r.unit(r.c.Param("code"))
	if err != nil {
		return err
	}
	ind, err := r.indicator("population")
	if err != nil {
		return err
	}
	p, err := r.period()
	if err != nil {
		return err
	}
	ch, err := s.tree.Children(d.Code)
	if err != nil {
		return err
	}
	rows, err := r.rows(ind.ID, ch, p)
	if err != nil {
		return err
	}
	return r.json(ChildrenData{Unit: d.Code, Period: p, Indicator: r.indicatorInfo(ind), Rows: rows})
}

func (s *Server) apiSeries(r *req) error {
	d, err := r.unit(r.c.Param("code"))
	if err != nil {
		return err
	}
	ind, err := r.indicator("population")
	if err != nil {
		return err
	}
	p, err := r.monthPeriod()
	if err != nil {
		return err
	}
	n, err := atoiDefault(r.c.QueryParam("months"), 36, 1, 120)
	if err != nil {
		return err
	}
	pts, err := s.src.Series(r.ctx(), ind.ID, d.Code, p.Shift(1-n), p)
	if err != nil {
		return err
	}
	return r.json(TrendLine{Indicator: r.indicatorInfo(ind), Points: pts})
}

func (s *Server) apiPyramid(r *req) error {
	d, err := r.unit(r.c.Param("code"))
	if err != nil {
		return err
	}
	p, err := r.period()
	if err != nil {
		return err
	}
	py, err := s.src.Pyramid(r.ctx(), d.Code, p)
	if err != nil {
		return err
	}
	return r.json(py)
}

func (s *Server) apiGeo(r *req) error {
	d, err := r.unit(r.c.Param("code"))
	if err != nil {
		return err
	}
	b, ok := s.geo.get(d.Code)
	if !ok {
		return ErrNotFound
	}
	r.c.Response().Header().Set("Cache-Control", "private, max-age=3600")
	return r.c.Blob(http.StatusOK, "application/geo+json", b)
}

// PanelData is the monitoring counties in the user's scope and, for
// nation-level users, the national estimate.
type PanelData struct {
	Period    Period        `json:"period"`
	Indicator IndicatorInfo `json:"indicator"`
	Counties  []PanelRow    `json:"counties"`
	Estimate  *Value        `json:"national_estimate"`
}

// PanelRow is one monitoring county.
type PanelRow struct {
	Row
	Province string  `json:"province"`
	Stratum  string  `json:"stratum"`
	Weight   float64 `json:"weight"`
}

func (r *req) panel() (*PanelData, error) {
	ind, err := r.indicator("cbr")
	if err != nil {
		return nil, err
	}
	p, err := r.period()
	if err != nil {
		return nil, err
	}
	pd := &PanelData{Period: p, Indicator: r.indicatorInfo(ind)}
	vals, nat, err := r.s.src.Panel(r.ctx(), ind.ID, p)
	if err != nil {
		return nil, err
	}
	byCode := map[string]Value{}
	for _, v := range vals {
		byCode[v.Unit] = v
	}
	for _, mc := range datasets.MonitoringCounties() {
		if !InScope(r.user.Jurisdiction, mc.Code) {
			continue
		}
		v, ok := byCode[mc.Code]
		if !ok {
			v = Value{Indicator: ind.ID, Unit: mc.Code, Period: p}
		}
		pd.Counties = append(pd.Counties, PanelRow{Row: Row{Code: mc.Code, Name: mc.Name, Value: v}, Province: mc.Province, Stratum: mc.Stratum, Weight: mc.Weight})
	}
	if r.user.Jurisdiction == models.NationCode {
		pd.Estimate = &nat
	}
	return pd, nil
}

func (s *Server) apiPanel(r *req) error {
	pd, err := r.panel()
	if err != nil {
		return err
	}
	return r.json(pd)
}
