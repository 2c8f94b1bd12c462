package dashboards

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/padis/padis/models"
)

// Crumb is one link of the breadcrumb or a child unit.
type Crumb struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
	Link  bool   `json:"link"` // inside the user's jurisdiction
}

// UnitInfo is a unit with its breadcrumb (from the nation, links only
// from the user's jurisdiction down) and its children.
type UnitInfo struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Level      string  `json:"level"`
	LevelLabel string  `json:"level_label"`
	Breadcrumb []Crumb `json:"breadcrumb"`
	Children   []Crumb `json:"children"`
}

func (r *req) unitInfo(d models.Division) (UnitInfo, error) {
	ui := UnitInfo{Code: d.Code, Name: d.Name, Level: d.Level.String(), LevelLabel: d.Level.Label(r.lang)}
	anc, err := r.s.tree.Ancestors(d.Code)
	if err != nil {
		return ui, err
	}
	for _, a := range anc {
		ui.Breadcrumb = append(ui.Breadcrumb, Crumb{Code: a.Code, Name: a.Name, Level: a.Level.String(), Link: InScope(r.user.Jurisdiction, a.Code)})
	}
	ui.Breadcrumb = append(ui.Breadcrumb, Crumb{Code: d.Code, Name: d.Name, Level: d.Level.String(), Link: true})
	ch, err := r.s.tree.Children(d.Code)
	if err != nil {
		return ui, err
	}
	for _, c := range ch {
		ui.Children = append(ui.Children, Crumb{Code: c.Code, Name: c.Name, Level: c.Level.String(), Link: true})
	}
	return ui, nil
}

// period returns the ?period= parameter or the default for rates and
// ratios, the latest complete year or rolling 12 months (DefaultPeriod).
func (r *req) period() (Period, error) {
	return r.periodOr(false)
}

// monthPeriod returns the ?period= parameter or the latest month: for the
// monthly series and the data-quality measures of the latest snapshot.
func (r *req) monthPeriod() (Period, error) {
	return r.periodOr(true)
}

func (r *req) periodOr(month bool) (Period, error) {
	if q := r.c.QueryParam("period"); q != "" {
		p, err := ParsePeriod(q)
		if err != nil {
			return "", clientErr(http.StatusBadRequest, "err.period", q)
		}
		return p, nil
	}
	latest, err := r.s.src.LatestPeriod(r.ctx())
	if err != nil || month {
		return latest, err
	}
	return DefaultPeriod(latest), nil
}

// indicator returns the ?indicator= parameter (default def) from the catalog.
func (r *req) indicator(def string) (models.Indicator, error) {
	id := r.c.QueryParam("indicator")
	if id == "" {
		id = def
	}
	ind, ok := r.s.cat.Get(id)
	if !ok {
		return ind, clientErr(http.StatusBadRequest, "err.indicator", id)
	}
	return ind, nil
}

// IndicatorInfo is a catalog entry with labels in the request's language.
type IndicatorInfo struct {
	ID       string    `json:"id"`
	Label    string    `json:"label"`
	Unit     string    `json:"unit"`
	Kind     string    `json:"kind"`
	Formula  string    `json:"formula"`
	Num      string    `json:"numerator,omitempty"`
	Den      string    `json:"denominator,omitempty"`
	Interval string    `json:"interval"`
	Good     string    `json:"good"`
	Range    []float64 `json:"range,omitempty"`
	// Decimals is the catalog's number of decimals of the indicator's
	// values (models.Indicator.Decimals).
	Decimals int `json:"decimals"`
}

func (r *req) indicatorInfo(ind models.Indicator) IndicatorInfo {
	ii := IndicatorInfo{ID: ind.ID, Label: ind.Label(r.lang), Unit: unitLabel(r.lang, ind.Unit), Kind: string(ind.Kind), Formula: ind.Formula(r.lang),
		Interval: ind.Interval, Good: ind.Good, Range: ind.Range, Decimals: ind.Decimals}
	if m, ok := models.MeasureByID(ind.Numerator); ok && ind.Kind != models.KindCount {
		ii.Num = pick(r.lang, m.ZH, m.EN)
	}
	if m, ok := models.MeasureByID(ind.Denominator); ok {
		ii.Den = pick(r.lang, m.ZH, m.EN)
	}
	return ii
}

func pick(l models.Lang, zh, en string) string {
	if l == models.EN {
		return en
	}
	return zh
}

// Row is one unit's value in a table.
type Row struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Value Value  `json:"value"`
}

// rows returns ind for the divisions ds.
func (r *req) rows(ind string, ds []models.Division, p Period) ([]Row, error) {
	codes := make([]string, len(ds))
	for i, d := range ds {
		codes[i] = d.Code
	}
	vs, err := r.s.src.Values(r.ctx(), ind, codes, p)
	if err != nil {
		return nil, fmt.Errorf("values of %s: %w", ind, err)
	}
	if len(vs) != len(ds) {
		return nil, fmt.Errorf("values of %s: source returned %d values for %d units", ind, len(vs), len(ds))
	}
	out := make([]Row, len(ds))
	for i, d := range ds {
		out[i] = Row{Code: d.Code, Name: d.Name, Value: vs[i]}
	}
	return out, nil
}

func atoiDefault(s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, clientErr(http.StatusBadRequest, "err.whole_number", s, lo, hi)
	}
	return n, nil
}
