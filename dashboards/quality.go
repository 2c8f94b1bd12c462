package dashboards

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// qualityIndicators are the catalog indicators behind the columns of the
// data-quality table, in display order; a column whose indicator is not in
// the catalog takes its label from the interface messages.
var qualityIndicators = []struct{ ID, Msg string }{
	{"quality_completeness", "quality.complete"},
	{"quality_id_validity", "quality.valid"},
	{"quality_code_validity", "quality.codevalid"},
	{"quality_consistency", "quality.consistent"},
	{"quality_duplicates", "quality.dups"},
	{"timeliness", "quality.timely"},
	{"quality_score", "quality.score"},
}

// QualityData is the data-quality page: the unit and its children, the
// unit's score trend and its open worklist items by kind.
type QualityData struct {
	Unit     UnitInfo  `json:"unit"`
	Period   Period    `json:"period"`
	Columns  []string  `json:"columns"`  // labels of the measure columns
	Measures []Quality `json:"measures"` // the unit first, then its children
	Names    []string  `json:"names"`
	// Trend is the unit's quality score over the last 24 months.
	Trend []Value `json:"trend,omitempty"`
	// Worklists are the unit's open items by kind, labelled.
	Worklists []KindCount `json:"worklists,omitempty"`
}

// KindCount is the size of one worklist.
type KindCount struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Count int64  `json:"count"`
}

func (r *req) quality() (*QualityData, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, err
	}
	p, err := r.monthPeriod()
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
	q := &QualityData{Unit: ui, Period: p, Names: names}
	for _, m := range ms {
		if InScope(r.user.Jurisdiction, m.Unit) { // defence in depth
			q.Measures = append(q.Measures, m)
		}
	}
	if len(q.Measures) != len(codes) {
		return nil, errors.New("quality: the source returned other units than asked for")
	}
	for _, c := range qualityIndicators {
		q.Columns = append(q.Columns, r.qualityLabel(c.ID, c.Msg))
	}
	if _, ok := r.s.cat.Get("quality_score"); ok {
		if q.Trend, err = r.s.src.Series(r.ctx(), "quality_score", d.Code, p.Shift(-23), p); err != nil && !errors.Is(err, ErrNotAvailable) {
			return nil, err
		}
	}
	for _, k := range WorklistKinds {
		if n, ok := q.Measures[0].Worklists[k]; ok {
			q.Worklists = append(q.Worklists, KindCount{Kind: k, Label: msg(r.lang, "wl."+k), Count: n})
		}
	}
	return q, nil
}

// qualityLabel is the catalog label of indicator id, or the message key.
func (r *req) qualityLabel(id, key string) string {
	if ind, ok := r.s.cat.Get(id); ok {
		return ind.Label(r.lang)
	}
	return msg(r.lang, key)
}

// apiQuality answers the quality data as JSON, or with format=csv the
// table (UTF-8 BOM, CRLF); a public-facing CSV blanks record counts of
// 1–4 (and with them the unit's measures).
func (s *Server) apiQuality(r *req) error {
	q, err := r.quality()
	if err != nil {
		return err
	}
	switch f := r.c.QueryParam("format"); f {
	case "", "json":
		return r.json(q)
	case "csv":
		return r.csvAttachment("padis-quality-"+q.Unit.Code+".csv", func(cw *csv.Writer) {
			cw.Write([]string{"code", "name", "period", "records", "completeness", "id_validity", "code_validity", "consistency",
				"duplicates_per_1000", "timeliness", "score", "suppressed", "snapshot"})
			for i, m := range q.Measures {
				row := []string{m.Unit, csvSafe(q.Names[i]), string(m.Period), strconv.FormatInt(m.Records, 10),
					fmtPtr(m.Completeness), fmtPtr(m.Validity), fmtPtr(m.CodeValidity), fmtPtr(m.Consistency),
					fmtPtr(m.Duplicates), fmtPtr(m.Timeliness), fmtPtr(m.Score), "false", m.Lineage.Snapshot}
				if r.publicExport() && Suppressed(float64(m.Records), s.cfg.MinCell) {
					for j := 3; j <= 10; j++ {
						row[j] = ""
					}
					row[11] = "true"
				}
				cw.Write(row)
			}
		})
	default:
		return clientErr(http.StatusBadRequest, "err.format_json_csv", f)
	}
}

// csvAttachment answers a CSV download: UTF-8 byte-order mark and CRLF
// line ends, which Excel opens correctly (Chinese names included).
func (r *req) csvAttachment(filename string, write func(*csv.Writer)) error {
	h := r.c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	r.c.Response().WriteHeader(http.StatusOK)
	w := r.c.Response()
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	write(cw)
	cw.Flush()
	return cw.Error()
}
