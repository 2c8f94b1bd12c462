package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/padis/padis/dashboards/report/fonts"
	"github.com/padis/padis/models"
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
	add(d.Title, d.Header, d.Generated, d.AlertsNote, d.OutlookNote, d.HeadlineNote, d.AlertsMore)
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
	tables := []table{d.Headlines, d.AlertSummary, d.Alerts, d.Defs, d.Outlook}
	for _, t := range append(append([]titledTable(nil), d.Tables...), d.Quality...) {
		add(t.Title)
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

// TestFontCoversDocument checks every character the report prints in
// either language (charts and pages) has a glyph: in Hei, the face of the
// charts and the fallback of body text (pdfWriter.setFont), and in Song for
// the ordinary text of the narrative.
func TestFontCoversDocument(t *testing.T) {
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
			if !fonts.Hei.Covers(string(ch)) {
				missing[ch] = true
				t.Errorf("lang %v: the Hei font has no glyph for %q (U+%04X)", lang, ch, ch)
			}
		}
		for _, para := range newDocument(r, lang).Narrative {
			if !fonts.Song.Covers(para) {
				t.Errorf("lang %v: the Song font does not cover the narrative paragraph %q", lang, para)
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

// TestAlertsListedAndCounted checks the alerts section of a province
// report with many town alerts: the summary counts every alert by colour
// and level, the list keeps red and orange down to counties and yellow
// and blue down to cities, at most MaxListedAlerts, and says how many it
// leaves out.
func TestAlertsListedAndCounted(t *testing.T) {
	r := sampleReport(t)
	base := r.Alerts // a blue city alert and an orange city alert
	var as []Alert
	for i := 0; i < 100; i++ {
		as = append(as, Alert{Level: AlertBlue, Division: fmt.Sprintf("510104%03d", i+1), UnitName: "镇", Indicator: "tfr", Figure: base[0].Figure, Threshold: 1.3})
	}
	for i := 0; i < 70; i++ {
		as = append(as, Alert{Level: AlertRed, Division: "510104", UnitName: "锦江区", Indicator: "tfr", Figure: base[0].Figure, Threshold: 1})
	}
	as = append(as, Alert{Level: AlertYellow, Division: "510105", UnitName: "青羊区", Indicator: "tfr", Figure: base[0].Figure, Threshold: 1.3})
	r.Alerts = sortAlerts(append(as, base...))
	d := newDocument(r, models.ZH)
	if n := len(d.Alerts.Rows); n != MaxListedAlerts {
		t.Errorf("%d alerts listed, want %d", n, MaxListedAlerts)
	}
	if d.Alerts.Rows[0][0].Tone != AlertRed {
		t.Errorf("first listed alert %v, want a red one", d.Alerts.Rows[0][0])
	}
	for _, row := range d.Alerts.Rows {
		if row[1].Text == "镇" || row[1].Text == "青羊区" {
			t.Errorf("listed %v: a town alert, or a yellow county alert", row)
		}
	}
	total := d.AlertSummary.Rows[len(d.AlertSummary.Rows)-1]
	if got := total[len(total)-1].Text; got != "173" {
		t.Errorf("summary total %s, want 173", got)
	}
	if want := fmt.Sprintf("其余%d条", 173-MaxListedAlerts); !strings.Contains(d.AlertsMore, want) {
		t.Errorf("note %q does not say %q", d.AlertsMore, want)
	}
}
