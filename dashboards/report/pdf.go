package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/padis/padis/dashboards/report/fonts"
	"github.com/padis/padis/models"
	"gonum.org/v1/plot/vg/draw"
)

// Page geometry of the PDF, in millimetres (A4 portrait).
const (
	pageW, pageH   = 210.0, 297.0
	marginL        = 18.0
	marginR        = 18.0
	marginT        = 20.0
	marginB        = 18.0
	contentW       = pageW - marginL - marginR
	fontSong       = "PADISReportSong" // body text and table cells (fonts.Song)
	fontHei        = "PADISReportHei"  // title, headings, table headers, captions, charts (fonts.Hei)
	bodySize       = 10.5
	tableSize      = 8.5
	tableLineH     = 4.6
	pageNumberText = "{nb}"
)

// RenderPDF writes the report as an A4 PDF in lang, with the embedded font
// subset into the file, the unit and month in every page's header, page
// numbers in the footer, charts as vector graphics and tables whose header row repeats
// on every page they run onto. The output is deterministic: the document's
// creation and modification dates are the report's GeneratedAt (the only
// varying field; the pages do not print it) and there are no random IDs.
func RenderPDF(w io.Writer, r *Report, lang models.Lang) error {
	d := newDocument(r, lang)
	charts, err := Charts(r, lang)
	if err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(r.GeneratedAt.UTC())
	pdf.SetModificationDate(r.GeneratedAt.UTC())
	pdf.SetCompression(true)
	pdf.SetMargins(marginL, marginT, marginR)
	pdf.SetAutoPageBreak(true, marginB)
	pdf.SetTitle(d.Title+" "+d.Meta[1][1], true)
	pdf.SetAuthor("PADIS", true)
	pdf.SetCreator("PADIS report", true)
	pdf.SetProducer("PADIS (go-pdf/fpdf)", true)
	pdf.SetSubject(d.Meta[2][0]+" "+d.Meta[2][1], true)
	pdf.SetLang(d.HTMLLang)
	pdf.AddUTF8FontFromBytes(fontSong, "", fonts.Song.TTF())
	pdf.AddUTF8FontFromBytes(fontHei, "", fonts.Hei.TTF())
	pdf.AliasNbPages(pageNumberText)
	p := &pdfWriter{pdf: pdf}
	pdf.SetHeaderFunc(func() {
		p.setFont(fontSong, 8, d.Header)
		pdf.SetTextColor(90, 90, 90)
		pdf.SetXY(marginL, 9)
		pdf.CellFormat(contentW, 5, d.Header, "", 0, "L", false, 0, "")
		pdf.SetDrawColor(31, 119, 180)
		pdf.SetLineWidth(0.3)
		pdf.Line(marginL, 14.5, pageW-marginR, 14.5)
		pdf.SetXY(marginL, marginT)
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.SetFooterFunc(func() {
		p.setFont(fontSong, 8, "")
		pdf.SetTextColor(90, 90, 90)
		pdf.SetXY(marginL, pageH-12)
		text := fmt.Sprintf("第 %d 页 / 共 %s 页", pdf.PageNo(), pageNumberText)
		if lang == models.EN {
			text = fmt.Sprintf("Page %d of %s", pdf.PageNo(), pageNumberText)
		}
		pdf.CellFormat(contentW, 5, text, "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	// Title block.
	p.setFont(fontHei, 18, d.Title)
	for _, line := range p.wrap(d.Title, contentW) {
		pdf.CellFormat(contentW, 9, line, "", 1, "C", false, 0, "")
	}
	pdf.Ln(2)
	for _, kv := range d.Meta {
		p.setFont(fontSong, bodySize, kv[0]+kv[1])
		pdf.CellFormat(contentW, 6, kv[0]+"："+kv[1], "", 1, "C", false, 0, "")
	}
	pdf.Ln(3)

	p.heading(d.Sections.Headlines)
	p.table(d.Headlines)
	if d.HeadlineNote != "" {
		p.paragraph(d.HeadlineNote, 9, 5)
	}
	p.heading(d.Sections.Narrative)
	for _, para := range d.Narrative {
		p.paragraph(para, bodySize, 6)
		pdf.Ln(1.5)
	}
	p.heading(d.Sections.Charts)
	for _, c := range charts {
		if err := p.chart(c, d.ChartNames[c.Key]); err != nil {
			return fmt.Errorf("report %s %s: pdf: %w", r.Unit.Code, r.Month, err)
		}
	}
	if len(d.Outlook.Rows) > 0 {
		p.table(d.Outlook)
		p.paragraph(d.OutlookNote, 9, 5)
	}
	p.heading(d.Sections.Alerts)
	if d.AlertsNote != "" {
		p.paragraph(d.AlertsNote, bodySize, 6)
	} else {
		p.table(d.AlertSummary)
		p.table(d.Alerts)
		if d.AlertsMore != "" {
			p.paragraph(d.AlertsMore, 9, 5)
		}
	}
	p.heading(d.Sections.Tables)
	for _, t := range d.Tables {
		p.subheading(t.Title)
		p.table(t.Table)
	}
	p.heading(d.Sections.Quality)
	for _, t := range d.Quality {
		p.subheading(t.Title)
		p.table(t.Table)
	}
	for _, n := range d.Notes {
		pdf.SetTextColor(138, 109, 59)
		p.paragraph(n, bodySize, 6)
	}
	pdf.SetTextColor(0, 0, 0)
	p.heading(d.Sections.Appendix)
	p.table(d.Defs)
	for _, kv := range d.Meta {
		p.setFont(fontSong, bodySize, kv[0]+kv[1])
		pdf.CellFormat(contentW, 6, kv[0]+"："+kv[1], "", 1, "L", false, 0, "")
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report %s %s: pdf: %w", r.Unit.Code, r.Month, err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report %s %s: write pdf: %w", r.Unit.Code, r.Month, err)
	}
	return nil
}

type pdfWriter struct {
	pdf    *fpdf.Fpdf
	font   string             // the current font: fontSong or fontHei
	widths map[string]float64 // rune width in mm at 1 pt, by font and rune
}

// setFont selects font at size pt for writing s: Song text that has a
// character Song lacks (a rare place-name character) is set in Hei, which
// has it, so that no character prints as an empty box.
func (p *pdfWriter) setFont(font string, size float64, s string) {
	if font == fontSong && !fonts.Song.Covers(s) {
		font = fontHei
	}
	p.font = font
	p.pdf.SetFont(font, "", size)
}

// wrap breaks s into lines of at most w mm in the current font.
func (p *pdfWriter) wrap(s string, w float64) []string {
	if p.widths == nil {
		p.widths = map[string]float64{}
	}
	size, _ := p.pdf.GetFontSize()
	cm := p.pdf.GetCellMargin()
	return wrapText(s, w-2*cm, func(r string) float64 {
		key := p.font + r
		cw, ok := p.widths[key]
		if !ok {
			p.pdf.SetFontSize(1)
			cw = p.pdf.GetStringWidth(r)
			p.pdf.SetFontSize(size)
			p.widths[key] = cw
		}
		return cw * size
	})
}

// paragraph writes s in the body face at size pt, wrapped to the content
// width, lineH mm per line.
func (p *pdfWriter) paragraph(s string, size, lineH float64) {
	p.setFont(fontSong, size, s)
	for _, line := range p.wrap(s, contentW) {
		p.pdf.CellFormat(contentW, lineH, line, "", 1, "L", false, 0, "")
	}
}

// room starts a new page unless h millimetres fit below the cursor.
func (p *pdfWriter) room(h float64) {
	if p.pdf.GetY()+h > pageH-marginB {
		p.pdf.AddPage()
	}
}

func (p *pdfWriter) heading(s string) {
	p.room(30) // keep a heading with what follows
	p.pdf.Ln(3)
	p.setFont(fontHei, 13.5, s)
	p.pdf.SetTextColor(31, 80, 140)
	p.pdf.CellFormat(contentW, 8, s, "B", 1, "L", false, 0, "")
	p.pdf.SetTextColor(0, 0, 0)
	p.pdf.Ln(2)
}

func (p *pdfWriter) subheading(s string) {
	p.room(20)
	p.setFont(fontHei, 11.5, s)
	p.pdf.CellFormat(contentW, 7, s, "", 1, "L", false, 0, "")
}

// chart draws a chart as vector graphics at the full content width (or
// smaller, to fit a page), with its caption below.
func (p *pdfWriter) chart(c NamedChart, caption string) error {
	w := contentW
	h := w * float64(c.Chart.Height) / float64(c.Chart.Width)
	if max := pageH - marginT - marginB - 12; h > max {
		w, h = w*max/h, max
	}
	p.room(h + 8)
	x, y := marginL+(contentW-w)/2, p.pdf.GetY()
	c.Chart.Plot.Draw(draw.New(newPDFCanvas(p.pdf, c.Key, c.Chart.Width, c.Chart.Height, x, y, w)))
	if err := p.pdf.Error(); err != nil {
		return fmt.Errorf("chart %s: %w", c.Key, err)
	}
	// Back to the document's drawing state.
	p.pdf.SetDashPattern(nil, 0)
	p.pdf.SetLineWidth(0.2)
	p.pdf.SetDrawColor(0, 0, 0)
	p.pdf.SetFillColor(255, 255, 255)
	p.pdf.SetTextColor(0, 0, 0)
	p.pdf.SetXY(marginL, y+h+1)
	p.setFont(fontHei, 9, caption)
	p.pdf.CellFormat(contentW, 5, caption, "", 1, "C", false, 0, "")
	p.pdf.Ln(3)
	return nil
}

// table draws t across the content width. A row never splits across pages;
// when a row does not fit, a new page starts and the header row repeats.
func (p *pdfWriter) table(t table) {
	pdf := p.pdf
	total := 0.0
	for _, w := range t.Widths {
		total += w
	}
	widths := make([]float64, len(t.Head))
	for i := range widths {
		rel := 1.0
		if i < len(t.Widths) {
			rel = t.Widths[i]
		}
		if total == 0 {
			widths[i] = contentW / float64(len(widths))
		} else {
			widths[i] = contentW * rel / total
		}
	}
	header := func() {
		pdf.SetFillColor(238, 243, 248)
		p.row(t.Head, nil, widths, true)
	}
	p.room(2*tableLineH + 4)
	header()
	for _, r := range t.Rows {
		texts := make([]string, len(r))
		for i, c := range r {
			texts[i] = c.Text
		}
		h := p.rowHeight(texts, widths, false)
		if pdf.GetY()+h > pageH-marginB {
			pdf.AddPage()
			header()
		}
		p.row(texts, r, widths, false)
	}
	pdf.Ln(3)
}

// rowHeight is the height of a row whose cells wrap within their widths.
func (p *pdfWriter) rowHeight(texts []string, widths []float64, head bool) float64 {
	n := 1
	for i, s := range texts {
		p.cellFont(s, head)
		if l := len(p.wrap(s, widths[i])); l > n {
			n = l
		}
	}
	return float64(n)*tableLineH + 1.2
}

// cellFont selects the face of a table cell: Hei in the header row, Song
// (or Hei for a character Song lacks) in the body.
func (p *pdfWriter) cellFont(s string, head bool) {
	if head {
		p.setFont(fontHei, tableSize, s)
		return
	}
	p.setFont(fontSong, tableSize, s)
}

// row draws one table row; cells supplies tones (nil for the header).
func (p *pdfWriter) row(texts []string, cells []cell, widths []float64, head bool) {
	pdf := p.pdf
	h := p.rowHeight(texts, widths, head)
	x0, y0 := marginL, pdf.GetY()
	x := x0
	pdf.SetDrawColor(190, 190, 190)
	pdf.SetLineWidth(0.2)
	for i, s := range texts {
		w := widths[i]
		style := "D"
		tone := ""
		if cells != nil && i < len(cells) {
			tone = cells[i].Tone
		}
		fill, textCol := toneColours(tone)
		if head {
			pdf.SetFillColor(238, 243, 248)
			style = "FD"
		} else if fill != nil {
			pdf.SetFillColor(fill[0], fill[1], fill[2])
			style = "FD"
		}
		pdf.Rect(x, y0, w, h, style)
		pdf.SetTextColor(textCol[0], textCol[1], textCol[2])
		p.cellFont(s, head)
		lines := p.wrap(s, w)
		align := "L"
		if i > 0 && !head && numeric(s) && (cells == nil || i >= len(cells) || !cells[i].Label) {
			align = "R"
		}
		pdf.SetXY(x, y0+0.6)
		for _, line := range lines {
			pdf.CellFormat(w, tableLineH, line, "", 2, align, false, 0, "")
		}
		x += w
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetXY(x0, y0+h)
}

// toneColours returns the fill (nil for none) and text colour of a tone.
func toneColours(tone string) (fill []int, text [3]int) {
	switch tone {
	case "good":
		return nil, [3]int{42, 125, 42}
	case "bad":
		return nil, [3]int{198, 40, 40}
	case AlertRed:
		return []int{198, 40, 40}, [3]int{255, 255, 255}
	case AlertOrange:
		return []int{239, 108, 0}, [3]int{255, 255, 255}
	case AlertYellow:
		return []int{251, 192, 45}, [3]int{0, 0, 0}
	case AlertBlue:
		return []int{21, 101, 192}, [3]int{255, 255, 255}
	}
	return nil, [3]int{0, 0, 0}
}

// pdfTimestamp is the form of the PDF's creation date for r, used by tests
// to mask it.
func pdfTimestamp(t time.Time) string { return "D:" + t.UTC().Format("20060102150405") }

// numeric reports whether a cell holds a number (right-aligned): it
// starts with a digit, a sign, a direction arrow or the dash for none.
func numeric(s string) bool {
	for _, r := range s {
		return (r >= '0' && r <= '9') || strings.ContainsRune("−-+↑↓→—", r)
	}
	return false
}
