package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"

	"github.com/padis/padis/dashboards/report/chart"
	"github.com/padis/padis/models"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// RenderHTML writes the report as one self-contained HTML page in lang:
// charts are inline SVG, no file or network access is needed to view it.
func RenderHTML(w io.Writer, r *Report, lang models.Lang) error {
	d := newDocument(r, lang)
	charts, err := Charts(r, lang)
	if err != nil {
		return err
	}
	d.Charts = charts
	tmpl, err := template.New("report.html.tmpl").Funcs(template.FuncMap{
		"numeric": numeric,
		"svg": func(c chart.Chart) (template.HTML, error) {
			b, err := c.Render(chart.SVG)
			if err != nil {
				return "", err
			}
			// Drop the XML prolog: the SVG is inlined in HTML.
			if i := bytes.Index(b, []byte("<svg")); i > 0 {
				b = b[i:]
			}
			return template.HTML(b), nil // #nosec: drawn by gonum/plot from escaped text
		},
	}).ParseFS(templateFS, "templates/report.html.tmpl")
	if err != nil {
		return fmt.Errorf("report html template: %w", err)
	}
	if err := tmpl.Execute(w, d); err != nil {
		return fmt.Errorf("report %s %s: render html: %w", r.Unit.Code, r.Month, err)
	}
	return nil
}
