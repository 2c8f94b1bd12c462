package dashboards

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/padis/padis/models"
)

// WorklistKinds are the worklists engine/linkage keeps (fixed ids).
var WorklistKinds = []string{"duplicate", "probable_duplicate", "unregistered", "unregistered_birth", "undead",
	"mismatch_sex", "mismatch_birth_date", "mismatch_residence", "over_coverage"}

// Page sizes of the worklist page and API.
const (
	worklistPage   = 100
	worklistMaxAPI = 1000
	worklistMaxCSV = 100_000
)

// WorklistData is one page of a masked worklist.
type WorklistData struct {
	Unit   UnitInfo   `json:"unit"`
	Kind   string     `json:"kind,omitempty"`
	Status string     `json:"status,omitempty"`
	Total  int        `json:"total"`
	Offset int        `json:"offset"`
	Items  []WorkItem `json:"items"`
}

// worklistFilter reads ?unit= ?kind= ?status= ?offset= ?limit=.
func (r *req) worklistFilter(maxLimit int) (WorklistFilter, models.Division, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return WorklistFilter{}, d, err
	}
	f := WorklistFilter{Unit: d.Code, Kind: r.c.QueryParam("kind"), Status: r.c.QueryParam("status")}
	if f.Kind != "" && !slices.Contains(WorklistKinds, f.Kind) {
		return f, d, clientErr(http.StatusBadRequest, "err.kind_one_of", f.Kind, strings.Join(WorklistKinds, ", "))
	}
	if f.Status != "" && !slices.Contains(ItemStatuses, f.Status) {
		return f, d, clientErr(http.StatusBadRequest, "err.status_one_of", f.Status, strings.Join(ItemStatuses, ", "))
	}
	if f.Offset, err = atoiDefault(r.c.QueryParam("offset"), 0, 0, 1<<30); err != nil {
		return f, d, err
	}
	if f.Limit, err = atoiDefault(r.c.QueryParam("limit"), min(worklistPage, maxLimit), 1, maxLimit); err != nil {
		return f, d, err
	}
	return f, d, nil
}

// worklist returns the masked items matching the request's filter.
func (r *req) worklist(maxLimit int) (*WorklistData, error) {
	f, d, err := r.worklistFilter(maxLimit)
	if err != nil {
		return nil, err
	}
	items, total, err := r.s.src.Worklist(r.ctx(), f)
	if err != nil {
		return nil, err
	}
	ui, err := r.unitInfo(d)
	if err != nil {
		return nil, err
	}
	out := &WorklistData{Unit: ui, Kind: f.Kind, Status: f.Status, Total: total, Offset: f.Offset, Items: make([]WorkItem, 0, len(items))}
	for _, it := range items {
		if InScope(r.user.Jurisdiction, it.Unit) && InScope(d.Code, it.Unit) { // defence in depth
			out.Items = append(out.Items, masked(it))
		}
	}
	return out, nil
}

// masked masks an item again: masking is idempotent, and a source that
// forgot to mask must not leak a name or an ID number.
func masked(it WorkItem) WorkItem {
	it.NameMasked, it.IDMasked = models.MaskName(it.NameMasked), models.MaskIDNumber(it.IDMasked)
	return it
}

// apiWorklist answers a worklist as JSON or (format=csv, every matching
// item up to 100,000) as a CSV download; exports are audited.
func (s *Server) apiWorklist(r *req) error {
	format := r.c.QueryParam("format")
	if format != "" && format != "json" && format != "csv" {
		return clientErr(http.StatusBadRequest, "err.format_json_csv", format)
	}
	max := worklistMaxAPI
	if format == "csv" {
		max = worklistMaxCSV
		if r.c.QueryParam("limit") == "" {
			r.c.QueryParams().Set("limit", fmt.Sprint(worklistMaxCSV))
		}
	}
	wl, err := r.worklist(max)
	if err != nil {
		return err
	}
	if format != "csv" {
		return r.c.JSON(http.StatusOK, wl)
	}
	if err := r.audit("export_worklist", "worklist "+wl.Kind, wl.Unit.Code, fmt.Sprintf("%d items", len(wl.Items))); err != nil {
		return err
	}
	name := "padis-worklist-" + wl.Unit.Code
	if wl.Kind != "" {
		name += "-" + wl.Kind
	}
	return r.csvAttachment(name+".csv", func(cw *csv.Writer) {
		cw.Write([]string{"id", "kind", "unit", "name", "id_number", "detail", "score", "status", "status_by", "status_note", "version"})
		for _, it := range wl.Items {
			cw.Write([]string{it.ID, it.Kind, it.Unit, csvSafe(it.NameMasked), it.IDMasked, csvSafe(it.Detail), fmtPtr(it.Score),
				it.Status, csvSafe(it.StatusBy), csvSafe(it.StatusNote), fmt.Sprint(it.Version)})
		}
	})
}

// workItem returns one item if it is in the user's scope; an item outside
// it is reported as not found, like a missing one.
func (r *req) workItem(id string) (WorkItem, error) {
	it, err := r.s.src.WorkItem(r.ctx(), id)
	if err != nil {
		return it, err
	}
	if !InScope(r.user.Jurisdiction, it.Unit) {
		return WorkItem{}, fmt.Errorf("worklist item %q: %w", id, ErrNotFound)
	}
	return masked(it), nil
}

// setStatus records the user's verdict on an item (audited). The item's
// scope is checked first: an item outside it is not found, whatever the
// request asks.
func (r *req) setStatus(id, status, note string) (WorkItem, error) {
	it, err := r.workItem(id)
	if err != nil {
		return it, err
	}
	if !slices.Contains(ItemStatuses, status) {
		return WorkItem{}, clientErr(http.StatusBadRequest, "err.status_one_of", status, strings.Join(ItemStatuses, ", "))
	}
	it, err = r.s.src.SetWorkItemStatus(r.ctx(), id, status, r.user.Name, strings.TrimSpace(note), r.s.cfg.Now().UTC())
	if err != nil {
		return it, err
	}
	r.s.resp.clear() // worklist sizes change
	return masked(it), r.audit("worklist_status", id, it.Unit, status+" "+strings.TrimSpace(note))
}

func (s *Server) apiWorkItemStatus(r *req) error {
	var in struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	}
	if _, err := r.workItem(r.c.Param("id")); err != nil {
		return err
	}
	if err := json.NewDecoder(r.c.Request().Body).Decode(&in); err != nil {
		return clientErr(http.StatusBadRequest, "err.status_body")
	}
	it, err := r.setStatus(r.c.Param("id"), in.Status, in.Note)
	if err != nil {
		return err
	}
	return r.c.JSON(http.StatusOK, it)
}

// apiReveal returns a worklist item's full identity. It needs the operator
// role, the item in the user's jurisdiction, a purpose and a reason that
// satisfy the reveal policy (Config.Reveal), and the user under the
// policy's rate; the audit record (who, what, when, purpose, why) is
// written before the identity is read, so a reveal is never unrecorded,
// and a refusal by the engine (the rate) is recorded after it. Errors are
// translated; the response is never cached.
func (s *Server) apiReveal(r *req) error {
	r.c.Response().Header().Set("Cache-Control", "no-store")
	id := r.c.Param("id")
	it, err := r.workItem(id)
	if err != nil {
		return err
	}
	var in RevealRequest
	if err := json.NewDecoder(r.c.Request().Body).Decode(&in); err != nil {
		return clientErr(http.StatusBadRequest, "reveal.err.body")
	}
	in.Reason = strings.Join(strings.Fields(in.Reason), " ")
	if err := s.cfg.Reveal.Check(in.Purpose, in.Reason); err != nil {
		return r.revealError(err)
	}
	rec := AuditRecord{Time: s.cfg.Now().UTC(), User: r.user.Name, Action: "reveal", Target: id, Unit: it.Unit, Purpose: in.Purpose, Reason: in.Reason,
		RequestID: r.c.Response().Header().Get(echo.HeaderXRequestID), IP: r.c.RealIP()}
	if err := s.cfg.Audit.Append(r.ctx(), rec); err != nil {
		return fmt.Errorf("reveal %s: audit: %w", id, err)
	}
	idn, err := s.src.Reveal(r.ctx(), id, r.user.Name, in.Purpose, in.Reason)
	if err != nil {
		rec.Time, rec.Action, rec.Reason = s.cfg.Now().UTC(), "reveal_refused", err.Error()
		if aerr := s.cfg.Audit.Append(r.ctx(), rec); aerr != nil {
			return fmt.Errorf("reveal %s: audit: %w", id, aerr)
		}
		return r.revealError(err)
	}
	if idn.Unit != it.Unit {
		return fmt.Errorf("reveal %s: the source answered for unit %s, the item is in %s", id, idn.Unit, it.Unit)
	}
	return r.c.JSON(http.StatusOK, idn)
}

// RevealRequest is the body of a reveal: a purpose (models.RevealPurposes)
// and a reason.
type RevealRequest struct {
	Purpose string `json:"purpose"`
	Reason  string `json:"reason"`
}

// revealError translates a refusal of the reveal policy (400, or 429 for
// the rate); other errors pass unchanged.
func (r *req) revealError(err error) error {
	var re *models.RevealError
	if !errors.As(err, &re) {
		return err
	}
	p := re.Policy.WithDefaults()
	switch re.Code {
	case models.RevealBadPurpose:
		return clientErr(http.StatusBadRequest, "reveal.err.purpose")
	case models.RevealShortReason:
		return clientErr(http.StatusBadRequest, "reveal.err.reason", p.MinReason)
	default:
		return clientErr(http.StatusTooManyRequests, "reveal.err.rate", p.Limit, durationLabel(r.lang, p.Window))
	}
}

// durationLabel writes a rate window in lang: "1小时", "1 hour", "30分钟".
func durationLabel(lang models.Lang, d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf(msg(lang, "unit.hours"), int(d/time.Hour))
	}
	return fmt.Sprintf(msg(lang, "unit.minutes"), int(d.Round(time.Minute)/time.Minute))
}

// revealPurposes are the purposes with their labels in lang, for the
// reveal dialog.
func revealPurposes(lang models.Lang) []KindCount {
	var out []KindCount
	for _, p := range models.RevealPurposes {
		out = append(out, KindCount{Kind: p, Label: msg(lang, "purpose."+p)})
	}
	return out
}

func (s *Server) worklistPage(r *req) error {
	wl, err := r.worklist(worklistPage)
	if err != nil {
		return err
	}
	var kinds []KindCount
	for _, k := range WorklistKinds {
		kinds = append(kinds, KindCount{Kind: k, Label: msg(r.lang, "wl."+k)})
	}
	q := maps.Clone(r.c.QueryParams())
	q.Del("lang")
	here := q.Encode()
	q.Del("offset")
	q.Set("format", "csv")
	return r.render(http.StatusOK, "worklists", "nav.worklists", wl.Unit.Breadcrumb, map[string]any{
		"WL": wl, "Kinds": kinds, "Statuses": ItemStatuses, "Purposes": revealPurposes(r.lang), "MinReason": s.cfg.Reveal.WithDefaults().MinReason, "Query": here, "CSV": "/api/v1/quality/worklist?" + q.Encode(),
		"Next": r.nextPage("/worklists", wl.Offset+len(wl.Items), wl.Total)})
}

// nextPage returns the link to the rows from shown on of a paged list at
// path, with the request's other query parameters, or "" when shown
// reaches total.
func (r *req) nextPage(path string, shown, total int) string {
	if shown >= total {
		return ""
	}
	q := maps.Clone(r.c.QueryParams())
	q.Del("lang")
	q.Set("offset", fmt.Sprint(shown))
	return path + "?" + q.Encode()
}

func (s *Server) workItemStatusForm(r *req) error {
	if _, err := r.setStatus(r.c.Param("id"), r.c.FormValue("status"), r.c.FormValue("note")); err != nil {
		return err
	}
	back := r.c.FormValue("back")
	if !strings.HasPrefix(back, "/worklists") {
		back = "/worklists"
	}
	return r.c.Redirect(http.StatusSeeOther, back)
}
