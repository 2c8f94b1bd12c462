package dashboards

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/padis/padis/models"
)

// maxExplorerRows bounds one explorer table.
const maxExplorerRows = 100000

// Explorer is the indicator explorer's data: one indicator for the units
// of a level at or below a unit, with the catalog's lineage.
type Explorer struct {
	Indicator  IndicatorInfo   `json:"indicator"`
	Indicators []IndicatorInfo `json:"indicators"` // the catalog, for the picker
	Unit       UnitInfo        `json:"unit"`
	Level      string          `json:"level"`
	Levels     []string        `json:"levels"`
	Period     Period          `json:"period"`
	Rows       []Row           `json:"rows"`
	Lineage    Lineage         `json:"lineage"`
}

func (r *req) explorer() (*Explorer, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, err
	}
	ind, err := r.indicator("population")
	if err != nil {
		return nil, err
	}
	p, err := r.period()
	if err != nil {
		return nil, err
	}
	lvl := d.Level + 1
	if d.Level == models.LevelVillage {
		lvl = d.Level
	}
	if q := r.c.QueryParam("level"); q != "" {
		if lvl, err = models.ParseLevel(q); err != nil || lvl < d.Level {
			return nil, clientErr(http.StatusBadRequest, "err.explorer_level", q, d.Level)
		}
	}
	var ds []models.Division
	if lvl == d.Level {
		ds = []models.Division{d}
	} else if ds, err = r.s.tree.Descendants(d.Code, lvl); err != nil {
		return nil, err
	}
	if len(ds) > maxExplorerRows {
		return nil, clientErr(http.StatusBadRequest, "err.explorer_rows", len(ds), lvl, d.Code, maxExplorerRows)
	}
	ui, err := r.unitInfo(d)
	if err != nil {
		return nil, err
	}
	ex := &Explorer{Indicator: r.indicatorInfo(ind), Unit: ui, Level: lvl.String(), Period: p}
	for _, c := range r.s.cat.All() {
		ex.Indicators = append(ex.Indicators, r.indicatorInfo(c))
	}
	for l := d.Level; l <= models.LevelVillage; l++ {
		ex.Levels = append(ex.Levels, l.String())
	}
	if ex.Rows, err = r.rows(ind.ID, ds, p); err != nil {
		return nil, err
	}
	if len(ex.Rows) > 0 {
		ex.Lineage = ex.Rows[0].Value.Lineage
	}
	return ex, nil
}

// publicExport reports whether this request's export must suppress small
// cells: asked for (?public=1), or the user is a viewer only.
func (r *req) publicExport() bool {
	return r.c.QueryParam("public") == "1" || !(r.user.Has(RoleStatistician) || r.user.Has(RoleOperator))
}

func (s *Server) apiExplorer(r *req) error {
	ex, err := r.explorer()
	if err != nil {
		return err
	}
	format := r.c.QueryParam("format")
	if format == "" || format == "json" {
		if r.publicExport() {
			for i := range ex.Rows {
				suppressValue(&ex.Rows[i].Value, s.cfg.MinCell)
			}
		}
		return r.json(ex)
	}
	if format != "csv" && format != "parquet" {
		return clientErr(http.StatusBadRequest, "err.format_json_csv_parquet", format)
	}
	public := r.publicExport()
	rows := make([]exportRow, len(ex.Rows))
	for i, row := range ex.Rows {
		rows[i] = exportRow{Row: row}
		if public {
			rows[i].Suppressed = suppressValue(&rows[i].Value, s.cfg.MinCell)
		}
	}
	if err := r.audit("export", ex.Indicator.ID+" "+ex.Level+" "+string(ex.Period)+" "+format, ex.Unit.Code, fmt.Sprintf("public=%v rows=%d", public, len(rows))); err != nil {
		return err
	}
	name := fmt.Sprintf("padis-%s-%s-%s-%s.%s", ex.Indicator.ID, ex.Unit.Code, ex.Level, ex.Period, format)
	h := r.c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	note := syntheticLabel(r.lang, s.origin(r.ctx()))
	if format == "csv" {
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		r.c.Response().WriteHeader(http.StatusOK)
		return writeRowsCSV(r.c.Response(), rows, note)
	}
	h.Set(echo.HeaderContentType, mimeParquet)
	r.c.Response().WriteHeader(http.StatusOK)
	return writeRowsParquet(r.c.Response(), rows, note)
}
