package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/padis/padis/dashboards/report/fonts"
	"github.com/padis/padis/models"
	"golang.org/x/image/font/sfnt"
)

// documentText is every string the renderers print for r in lang.
func documentText(r *Report, lang models.Lang) string {
	d := newDocument(r, lang)
	var b strings.Builder
	add := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
			b.WriteByte('\n')
		}
	}
	add(d.Title, d.Header, d.Generated, d.AlertsNote, d.OutlookNote)
	for _, kv := range d.Meta {
		add(kv[0], kv[1])
	}
	s := d.Sections
	add(s.Headlines, s.Narrative, s.Charts, s.Alerts, s.Tables, s.Quality, s.Appendix)
	add(d.Narrative...)
	add(d.Notes...)
	for _, n := range d.ChartNames {
		add(n)
	}
	tables := []table{d.Headlines, d.Alerts, d.Quality, d.Defs, d.Outlook}
	for _, t := range d.Tables {
		tables = append(tables, t.Table)
	}
	for _, t := range tables {
		add(t.Head...)
		for _, row := range t.Rows {
			for _, c := range row {
				add(c.Text)
			}
		}
	}
	return b.String()
}

// TestFontCoversDocument checks the embedded font has a glyph for every
// character the report prints in either language (charts and pages).
func TestFontCoversDocument(t *testing.T) {
	f, err := fonts.Parsed()
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	r := sampleReport(t)
	for _, lang := range []models.Lang{models.ZH, models.EN} {
		text := documentText(r, lang)
		charts, err := Charts(r, lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range charts {
			text += c.Chart.Plot.Title.Text + c.Chart.Plot.X.Label.Text + c.Chart.Plot.Y.Label.Text
		}
		missing := map[rune]bool{}
		for _, ch := range text {
			if ch == '\n' || missing[ch] {
				continue
			}
			if gi, err := f.GlyphIndex(&buf, ch); err != nil || gi == 0 {
				missing[ch] = true
				t.Errorf("lang %v: the font has no glyph for %q (U+%04X)", lang, ch, ch)
			}
		}
	}
}

// TestHTMLSelfContained checks the page has every section, the charts
// inline as SVG, the figures as printed, and no external resource.
func TestHTMLSelfContained(t *testing.T) {
	r := sampleReport(t)
	var buf bytes.Buffer
	if err := RenderHTML(&buf, r, models.ZH); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	d := newDocument(r, models.ZH)
	for _, want := range []string{d.Title, d.Sections.Headlines, d.Sections.Appendix, d.Narrative[0], "自流井区", "橙色预警（II级）", `lang="zh-CN"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, "<svg"); n != 5 {
		t.Errorf("%d inline SVG charts, want 5", n)
	}
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:|//|[^"#])`).FindString(page); m != "" {
		t.Errorf("page refers to an external resource: %s", m)
	}
	// The population headline as printed.
	h, _ := r.Headline("population")
	if v := FormatValue(r.Catalog, h.Current, models.ZH); !strings.Contains(page, v) {
		t.Errorf("page lacks the population %s", v)
	}
}
