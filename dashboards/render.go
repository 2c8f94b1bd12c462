package dashboards

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/padis/padis/models"
)

// layoutData is what every page template receives.
type layoutData struct {
	Title  string
	Lang   models.Lang
	User   *User
	CSRF   string
	Active string
	Path   string
	Crumbs []Crumb
	Data   any // the page's own data (also the API's JSON)
	// Chart is the JSON the page's charts are drawn from, embedded as
	// <script type="application/json">; json.Marshal escapes <, > and &,
	// so it cannot close the script element.
	Chart template.JS
	// Content, when set, is the page's already rendered content (a cached
	// rendering of its "content" template).
	Content template.HTML
	// Synthetic is the notice shown on every page when the data are
	// synthetic ("" for real data; synthetic.go).
	Synthetic string
	// Picker is the period picker of a page with a period (picker.go).
	Picker *PeriodPicker
}

// T returns the interface message key in the page's language; templates
// call it as {{$.T "key"}}.
func (d layoutData) T(key string) string { return msg(d.Lang, key) }

var funcs = template.FuncMap{
	"num":  fmtNum,
	"nump": func(p *float64) string { return fmtPtrNum(p) },
	// count states a count, rounding an estimated one (a nowcast) to whole persons
	"count": func(p *float64) string {
		if p == nil {
			return fmtPtrNum(p)
		}
		return fmtNum(math.Round(*p))
	},
	"signed": fmtSigned,
	// dec and decSigned print a value with the catalog's decimals of its
	// indicator (a count as a whole number, an estimated one rounded),
	// thousands separators and a true minus sign.
	"dec":       fmtDec,
	"decSigned": func(d int, p *float64) string { return fmtDecSigned(d, p) },
	"lang":      func(l models.Lang) string { return map[models.Lang]string{models.ZH: "zh-CN", models.EN: "en"}[l] },
	"otherLang": func(l models.Lang) string {
		if l == models.EN {
			return "zh"
		}
		return "en"
	},
	"has":  func(u *User, r string) bool { return u != nil && u.Has(Role(r)) },
	"join": strings.Join,
	"int":  func(n int64) string { return groupThousands(strconv.FormatInt(n, 10)) },
}

func fmtNum(v float64) string {
	switch {
	case v == float64(int64(v)):
		return groupThousands(strconv.FormatInt(int64(v), 10))
	case v >= 100000 || v <= -100000:
		return groupThousands(strconv.FormatInt(int64(v+0.5), 10))
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func fmtDec(d int, p *float64) string {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return "—"
	}
	s := strconv.FormatFloat(math.Abs(*p), 'f', d, 64)
	ip, fp, ok := strings.Cut(s, ".")
	s = groupThousands(ip)
	if ok {
		s += "." + fp
	}
	if *p < 0 && strings.Trim(s, "0.,") != "" {
		return "−" + s
	}
	return s
}

func fmtDecSigned(d int, p *float64) string {
	s := fmtDec(d, p)
	if p != nil && *p > 0 && strings.Trim(s, "0.,") != "" {
		return "+" + s
	}
	return s
}

func fmtPtrNum(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmtNum(*p)
}

func fmtSigned(p *float64) string {
	if p == nil {
		return "—"
	}
	s := strconv.FormatFloat(*p, 'f', 2, 64)
	if *p > 0 {
		s = "+" + s
	}
	return s
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// parsePages parses each page template together with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t := template.New("layout.html").Funcs(funcs)
		t, err := t.ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render executes page with data inside the layout.
func (r *req) render(status int, page, titleKey string, crumbs []Crumb, data any) error {
	return r.renderChart(status, page, titleKey, crumbs, data, nil)
}

// renderCachedPage renders a page whose content depends only on the URI,
// the jurisdiction and the language: the content is rendered (and
// deflated) once per cache period and only the small layout around it
// (user name, CSRF token) on every request; the gzip answer is stitched
// from the parts (gzpage.go), so the route is skipped by the gzip
// middleware (route.SelfGzip). build returns the page data, chart data
// and breadcrumb.
func (r *req) renderCachedPage(page, titleKey string, build func() (data, chart any, crumbs []Crumb, err error)) error {
	key := "page|" + r.responseKey()
	gzip := strings.Contains(r.c.Request().Header.Get("Accept-Encoding"), "gzip")
	csrf, _ := r.c.Get(ctxCSRF).(string)
	// The whole gzip answer of this user's session (name, CSRF token),
	// kept only when the token is the client's own (a client without the
	// CSRF cookie gets a new token on every request).
	full := ""
	if ck, err := r.c.Cookie("padis_csrf"); err == nil && ck.Value == csrf {
		full = key + "|" + r.user.Name + "|" + csrf
	}
	if gzip && full != "" {
		if f, ok := r.s.resp.get(full); ok {
			return r.writeGzipPage(f.gz)
		}
	}
	e, ok := r.s.resp.get(key)
	if !ok {
		data, chart, crumbs, err := build()
		if err != nil {
			return err
		}
		ld, err := r.layout(page, titleKey, crumbs, data, chart)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := r.s.pages[page].ExecuteTemplate(&buf, "content", ld); err != nil {
			return fmt.Errorf("render %s: %w", page, err)
		}
		e = respEntry{b: buf.Bytes(), crumbs: crumbs}
		e.gz = deflateFlushed(e.b, flate.DefaultCompression)
		r.s.resp.put(key, e)
	}
	ld, err := r.layout(page, titleKey, e.crumbs, nil, nil)
	if err != nil {
		return err
	}
	ld.Content = contentMarker
	var buf bytes.Buffer
	if err := r.s.pages[page].Execute(&buf, ld); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	pre, post, ok := bytes.Cut(buf.Bytes(), []byte(contentMarker))
	if !ok {
		return fmt.Errorf("render %s: the layout does not place the content", page)
	}
	if gzip {
		gz := stitchGzip(pre, e.b, e.gz, post)
		if full != "" {
			r.s.resp.put(full, respEntry{gz: gz})
		}
		return r.writeGzipPage(gz)
	}
	r.c.Response().Header().Add("Vary", "Accept-Encoding")
	out := make([]byte, 0, len(pre)+len(e.b)+len(post))
	return r.c.HTMLBlob(http.StatusOK, append(append(append(out, pre...), e.b...), post...))
}

func (r *req) writeGzipPage(gz []byte) error {
	h := r.c.Response().Header()
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Encoding", "gzip")
	return r.c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, gz)
}

// contentMarker stands for a cached page content in its layout.
const contentMarker = template.HTML("<!--padis:content-->")

// layout builds the template data of a page.
func (r *req) layout(page, titleKey string, crumbs []Crumb, data, chart any) (layoutData, error) {
	csrf, _ := r.c.Get(ctxCSRF).(string)
	ld := layoutData{Title: msg(r.lang, titleKey), Lang: r.lang, User: r.user, CSRF: csrf, Active: page, Path: r.c.Request().URL.Path, Crumbs: crumbs, Data: data}
	ld.Synthetic = syntheticLabel(r.lang, r.s.origin(r.ctx()))
	if r.user != nil {
		ld.Picker = r.periodPicker(page)
	}
	if chart != nil {
		b, err := json.Marshal(chart)
		if err != nil {
			return ld, fmt.Errorf("render %s: chart data: %w", page, err)
		}
		ld.Chart = template.JS(b)
	}
	return ld, nil
}

// renderChart is render with chart data for app.js.
func (r *req) renderChart(status int, page, titleKey string, crumbs []Crumb, data, chart any) error {
	t, ok := r.s.pages[page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	ld, err := r.layout(page, titleKey, crumbs, data, chart)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, ld); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return r.c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) renderError(c echo.Context, code int, message string) {
	lang, _ := c.Get(ctxLang).(models.Lang)
	r := &req{c: c, s: s, lang: lang}
	if u, ok := c.Get(ctxUser).(*User); ok {
		r.user = u
	}
	if err := r.render(code, "error", "error.title", nil, map[string]any{"Code": code, "Message": message}); err != nil {
		c.String(code, message)
	}
}

func (s *Server) renderLogin(r *req, status int, errMsg, next string) error {
	return r.render(status, "login", "login.title", nil, map[string]string{"Error": errMsg, "Next": safeNext(next)})
}
