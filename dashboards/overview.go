package dashboards

import (
	"errors"

	"github.com/padis/padis/models"
)

// keyIndicators are the overview's key figures, in display order.
var keyIndicators = []string{"population", "births", "deaths", "cbr", "cdr", "rni", "tfr", "srb", "share_65plus", "migrant_population"}

// childIndicators are the columns of the overview's children table; the
// first colours the map.
var childIndicators = []string{"population", "cbr", "tfr", "srb", "share_65plus", "births"}

// KeyFigure is an indicator now, a month ago and a year ago.
type KeyFigure struct {
	Indicator IndicatorInfo `json:"indicator"`
	Now       Value         `json:"now"`
	PrevMonth *float64      `json:"prev_month"`
	PrevYear  *float64      `json:"prev_year"`
	// DeltaMonth and DeltaYear are differences (rates) or relative
	// changes in % (counts).
	DeltaMonth *float64 `json:"delta_month"`
	DeltaYear  *float64 `json:"delta_year"`
	Relative   bool     `json:"relative"`
	// Outside is true when the value's interval lies outside the normal range.
	Outside bool `json:"outside_range"`
}

// AlertCount is the number of active alerts of one level.
type AlertCount struct {
	Level string `json:"level"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// ChildTable is the children's values of several indicators.
type ChildTable struct {
	Indicators []IndicatorInfo `json:"indicators"`
	Rows       []ChildRow      `json:"rows"`
}

// ChildRow is one child unit in ChildTable.
type ChildRow struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Values []*float64 `json:"values"`
}

// Overview is the overview page's data.
type Overview struct {
	Unit       UnitInfo     `json:"unit"`
	Period     Period       `json:"period"`
	KeyFigures []KeyFigure  `json:"key_figures"`
	Alerts     []AlertCount `json:"alerts"`
	Children   ChildTable   `json:"children"`
	Map        string       `json:"map,omitempty"` // GeoJSON URL, "" when no map covers the children
	Trends     []TrendLine  `json:"trends"`
	Pyramid    *Pyramid     `json:"pyramid"`
	Quality    *Quality     `json:"quality"`
	// Provinces are the provinces' reporting states on a national node's
	// overview of the nation.
	Provinces []ProvinceReport `json:"provinces,omitempty"`
}

// TrendLine is a labelled monthly series.
type TrendLine struct {
	Indicator IndicatorInfo `json:"indicator"`
	Points    []Value       `json:"points"`
}

func (r *req) overview(d models.Division, p Period) (*Overview, error) {
	ui, err := r.unitInfo(d)
	if err != nil {
		return nil, err
	}
	o := &Overview{Unit: ui, Period: p}
	if o.Provinces, err = r.nationalStatus(d.Code); err != nil {
		return nil, err
	}
	for _, id := range keyIndicators {
		ind, ok := r.s.cat.Get(id)
		if !ok {
			continue
		}
		kf, err := r.keyFigure(ind, d.Code, p)
		if err != nil {
			return nil, err
		}
		o.KeyFigures = append(o.KeyFigures, kf)
	}
	alerts, err := r.s.src.Alerts(r.ctx(), AlertFilter{Units: []string{d.Code}, Status: "active"})
	if err != nil && !errors.Is(err, ErrNotAvailable) {
		return nil, err
	}
	for _, lv := range AlertLevels {
		n := 0
		for _, a := range alerts {
			if a.Level == lv && InScope(r.user.Jurisdiction, a.Unit) {
				n++
			}
		}
		o.Alerts = append(o.Alerts, AlertCount{Level: lv, Label: msg(r.lang, "alert."+lv), Count: n})
	}
	if o.Children, err = r.childTable(d, p); err != nil {
		return nil, err
	}
	if r.s.geo.has(d.Code) {
		o.Map = "/api/v1/geo/" + d.Code
	}
	from := p.Shift(-35)
	for _, id := range []string{"births", "deaths", "population"} {
		ind, _ := r.s.cat.Get(id)
		pts, err := r.s.src.Series(r.ctx(), id, d.Code, from, p)
		if err != nil {
			return nil, err
		}
		o.Trends = append(o.Trends, TrendLine{Indicator: r.indicatorInfo(ind), Points: pts})
	}
	if py, err := r.s.src.Pyramid(r.ctx(), d.Code, p); err == nil {
		o.Pyramid = &py
	} else if !errors.Is(err, ErrNotAvailable) {
		return nil, err
	}
	if qs, err := r.s.src.Quality(r.ctx(), []string{d.Code}, p); err == nil && len(qs) == 1 {
		o.Quality = &qs[0]
	} else if err != nil && !errors.Is(err, ErrNotAvailable) {
		return nil, err
	}
	return o, nil
}

func (r *req) keyFigure(ind models.Indicator, code string, p Period) (KeyFigure, error) {
	kf := KeyFigure{Indicator: r.indicatorInfo(ind), Relative: ind.Kind == models.KindCount}
	for i, q := range []Period{p, p.Shift(-1), p.YearAgo()} {
		vs, err := r.s.src.Values(r.ctx(), ind.ID, []string{code}, q)
		if err != nil {
			return kf, err
		}
		if len(vs) != 1 {
			return kf, errors.New("source returned no value for " + ind.ID)
		}
		switch i {
		case 0:
			kf.Now = vs[0]
		case 1:
			kf.PrevMonth = vs[0].Value
		case 2:
			kf.PrevYear = vs[0].Value
		}
	}
	kf.DeltaMonth = delta(kf.Now.Value, kf.PrevMonth, kf.Relative)
	kf.DeltaYear = delta(kf.Now.Value, kf.PrevYear, kf.Relative)
	if ind.Good == "range" && len(ind.Range) == 2 && kf.Now.Lo != nil && kf.Now.Hi != nil {
		kf.Outside = *kf.Now.Lo > ind.Range[1] || *kf.Now.Hi < ind.Range[0]
	}
	return kf, nil
}

func delta(now, before *float64, relative bool) *float64 {
	if now == nil || before == nil {
		return nil
	}
	d := *now - *before
	if relative {
		if *before == 0 {
			return nil
		}
		d = d / *before * 100
	}
	return &d
}

func (r *req) childTable(d models.Division, p Period) (ChildTable, error) {
	var t ChildTable
	ch, err := r.s.tree.Children(d.Code)
	if err != nil || len(ch) == 0 {
		return t, err
	}
	t.Rows = make([]ChildRow, len(ch))
	for i, c := range ch {
		t.Rows[i] = ChildRow{Code: c.Code, Name: c.Name, Values: make([]*float64, 0, len(childIndicators))}
	}
	for _, id := range childIndicators {
		ind, ok := r.s.cat.Get(id)
		if !ok {
			continue
		}
		t.Indicators = append(t.Indicators, r.indicatorInfo(ind))
		rows, err := r.rows(id, ch, p)
		if err != nil {
			return t, err
		}
		for i := range rows {
			t.Rows[i].Values = append(t.Rows[i].Values, rows[i].Value.Value)
		}
	}
	return t, nil
}
