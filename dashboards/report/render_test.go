package report

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

// renderPDF renders the sample report's PDF in lang.
func renderPDF(t testing.TB, r *Report, lang models.Lang) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderPDF(&buf, r, lang); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// needPoppler skips the test when poppler-utils are not installed on a
// developer's machine; under CI (CI=true, where .ci/run installs them) a
// missing tool fails the test instead of hiding the PDF checks.
func needPoppler(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not found under CI: .ci/run must install poppler-utils", tool)
			}
			t.Skipf("%s not found: install poppler-utils to run the PDF checks", tool)
		}
	}
}

// TestPDFStructure checks, without poppler, that the PDF is a complete
// PDF with A4 pages, a page count matching its page objects and the
// embedded font subset.
func TestPDFStructure(t *testing.T) {
	b := renderPDF(t, sampleReport(t), models.ZH)
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		t.Fatal("not a complete PDF (header or trailer missing)")
	}
	pages := regexp.MustCompile(`/Type /Page\b`).FindAll(b, -1)
	m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no page tree with a count")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(pages) || n < 4 {
		t.Errorf("page tree counts %d pages, %d page objects, want equal and ≥ 4", n, len(pages))
	}
	if !bytes.Contains(b, []byte("/MediaBox [0 0 595.28 841.89]")) {
		t.Error("pages are not A4")
	}
	if !bytes.Contains(b, []byte("/FontFile2")) || !bytes.Contains(b, []byte("/CIDFontType2")) {
		t.Error("the embedded TrueType font is not in the PDF")
	}
	if len(b) > 1<<20 {
		t.Errorf("PDF is %d bytes: the font is not subset", len(b))
	}
}

// TestPDFOpens parses the PDF with poppler: page count, A4 size, the unit
// name and the section titles in the text of the pages, the page numbers
// in the footer.
func TestPDFOpens(t *testing.T) {
	needPoppler(t, "pdfinfo", "pdftotext")
	dir := t.TempDir()
	for _, lang := range []models.Lang{models.ZH, models.EN} {
		path := filepath.Join(dir, "r.pdf")
		r := sampleReport(t)
		if err := os.WriteFile(path, renderPDF(t, r, lang), 0o644); err != nil {
			t.Fatal(err)
		}
		info, err := exec.Command("pdfinfo", path).CombinedOutput()
		if err != nil {
			t.Fatalf("pdfinfo: %v\n%s", err, info)
		}
		m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
		if m == nil {
			t.Fatalf("pdfinfo gives no page count:\n%s", info)
		}
		pages, _ := strconv.Atoi(string(m[1]))
		if pages < 4 {
			t.Errorf("%d pages, want ≥ 4", pages)
		}
		if !bytes.Contains(info, []byte("595.28 x 841.89 pts (A4)")) {
			t.Errorf("page size is not A4:\n%s", info)
		}
		text, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		d := newDocument(r, lang)
		charts, err := Charts(r, lang)
		if err != nil {
			t.Fatal(err)
		}
		// The charts are vector graphics: their titles are text of the pages.
		var titles []string
		for _, c := range charts {
			titles = append(titles, c.Chart.Plot.Title.Text)
		}
		for _, want := range append([]string{"四川省", "成都市", "自流井区", d.Sections.Headlines, d.Sections.Appendix, d.Narrative[0][:30]}, titles...) {
			if !strings.Contains(string(text), want) {
				t.Errorf("lang %v: PDF text lacks %q", lang, want)
			}
		}
		footer := "第 1 页 / 共 " + strconv.Itoa(pages) + " 页"
		if lang == models.EN {
			footer = "Page 1 of " + strconv.Itoa(pages)
		}
		if !strings.Contains(strings.ReplaceAll(string(text), " ", ""), strings.ReplaceAll(footer, " ", "")) {
			t.Errorf("lang %v: PDF text lacks the footer %q", lang, footer)
		}
		// The header with unit and month is on every page.
		if n := strings.Count(string(text), d.Header); n != pages {
			t.Errorf("lang %v: header on %d of %d pages", lang, n, pages)
		}
	}
}

// TestPDFPagesNotBlank renders the first pages with pdftoppm and checks
// each has ink and variation (not a blank or uniform page). Set
// REPORT_PAGES=dir to keep the PNGs for looking at.
func TestPDFPagesNotBlank(t *testing.T) {
	needPoppler(t, "pdftoppm")
	dir := t.TempDir()
	if d := os.Getenv("REPORT_PAGES"); d != "" {
		dir = d
	}
	path := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(path, renderPDF(t, sampleReport(t), models.ZH), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", path, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if len(files) != 4 {
		t.Fatalf("pdftoppm wrote %d pages, want 4", len(files))
	}
	for _, f := range files {
		img := readPNG(t, f)
		ink, sd := pageStats(img)
		if ink < 0.01 || sd < 10 {
			t.Errorf("%s looks blank: %.3f of pixels inked, grey standard deviation %.1f", filepath.Base(f), ink, sd)
		}
	}
}

// TestPDFFonts lists the PDF's fonts with pdffonts: exactly the two
// embedded faces, the 宋体 of the text and the 黑体 of the headings and
// charts, both embedded and with Unicode maps (so the text can be searched
// and copied), and no other font. The PDF writer embeds only the glyphs
// used (without the subset tag pdffonts looks for): the file stays small.
func TestPDFFonts(t *testing.T) {
	needPoppler(t, "pdffonts")
	path := filepath.Join(t.TempDir(), "report.pdf")
	pdf := renderPDF(t, sampleReport(t), models.ZH)
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(pdf) > 1<<20 {
		t.Errorf("PDF of %d bytes: the fonts are not subset (the two faces hold 7.5 MB)", len(pdf))
	}
	out, err := exec.Command("pdffonts", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", out)
	}
	found := map[string]bool{}
	for _, l := range lines[2:] { // after the header and the rule
		f := strings.Fields(l)
		// name type... emb sub uni object ID: the last five fields are emb, sub, uni, object, generation.
		if len(f) < 6 {
			t.Fatalf("pdffonts line %q", l)
		}
		name := f[0]
		emb, sub, uni := f[len(f)-5], f[len(f)-4], f[len(f)-3]
		fam := ""
		for _, want := range []string{"PADISReportSong", "PADISReportHei"} {
			if strings.Contains(strings.ToLower(name), strings.ToLower(want)) {
				fam = want
			}
		}
		if fam == "" {
			t.Errorf("unexpected font %s in the PDF", name)
			continue
		}
		found[fam] = true
		if emb != "yes" || uni != "yes" {
			t.Errorf("font %s: embedded %s (subset %s), unicode map %s; want embedded with a unicode map", name, emb, sub, uni)
		}
	}
	if !found["PADISReportSong"] || !found["PADISReportHei"] {
		t.Errorf("fonts found %v, want both PADIS Report Song and Hei:\n%s", found, out)
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// pageStats returns the share of non-white pixels and the standard
// deviation of the grey level.
func pageStats(img image.Image) (ink, sd float64) {
	b := img.Bounds()
	var n, inked float64
	var sum, sum2 float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			grey := float64(r+g+bl) / 3 / 257
			sum += grey
			sum2 += grey * grey
			n++
			if grey < 240 {
				inked++
			}
		}
	}
	mean := sum / n
	return inked / n, math.Sqrt(sum2/n - mean*mean)
}

// TestReproducible checks two renders of the same report give the same
// bytes, and that a different generation time changes only the timestamp.
func TestReproducible(t *testing.T) {
	r1, r2 := sampleReport(t), sampleReport(t)
	r2.GeneratedAt = r1.GeneratedAt.Add(36*time.Hour + 7*time.Minute)
	for _, lang := range []models.Lang{models.ZH, models.EN} {
		a, b := renderPDF(t, r1, lang), renderPDF(t, r1, lang)
		if !bytes.Equal(a, b) {
			t.Fatalf("lang %v: two PDF renders of one report differ", lang)
		}
		c := renderPDF(t, r2, lang)
		masked := bytes.ReplaceAll(c, []byte(pdfTimestamp(r2.GeneratedAt)), []byte(pdfTimestamp(r1.GeneratedAt)))
		if bytes.Equal(a, c) || !bytes.Equal(a, masked) {
			t.Errorf("lang %v: PDFs of different generation times differ beyond the timestamp", lang)
		}
		var h1, h2, h3 bytes.Buffer
		if err := RenderHTML(&h1, r1, lang); err != nil {
			t.Fatal(err)
		}
		_ = RenderHTML(&h2, r1, lang)
		_ = RenderHTML(&h3, r2, lang)
		if !bytes.Equal(h1.Bytes(), h2.Bytes()) {
			t.Errorf("lang %v: two HTML renders differ", lang)
		}
		ts := func(tm time.Time) string { return tm.UTC().Format("2006-01-02 15:04:05 UTC") }
		if !bytes.Equal(h1.Bytes(), bytes.ReplaceAll(h3.Bytes(), []byte(ts(r2.GeneratedAt)), []byte(ts(r1.GeneratedAt)))) {
			t.Errorf("lang %v: HTML of different generation times differ beyond the timestamp", lang)
		}
	}
}

// TestPDFTablesBreakCleanly renders the Sichuan report (183 counties, a
// table of several pages) and checks with pdftotext that every page
// holding county rows starts the table with its header row, and that each
// county's row is whole: its name and population on one line of one page.
func TestPDFTablesBreakCleanly(t *testing.T) {
	needPoppler(t, "pdfinfo", "pdftotext")
	f := provinceReader(t)
	r, err := (&Builder{Reader: f, Now: func() time.Time { return fixedTime }}).Build(t.Context(), "51", Month{2025, 10})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, renderPDF(t, r, models.ZH), 0o644); err != nil {
		t.Fatal(err)
	}
	info, _ := exec.Command("pdfinfo", path).Output()
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatal("no page count")
	}
	pages, _ := strconv.Atoi(string(m[1]))
	head := newDocument(r, models.ZH).Tables[1].Table.Head[1] // "常住人口"
	found := map[string]int{}
	tablePages := 0
	for p := 1; p <= pages; p++ {
		out, err := exec.Command("pdftotext", "-layout", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(out), "\n")
		rowsHere, firstRow := 0, len(lines)
		for _, row := range r.Counties {
			pop := FormatValue(r.Catalog, row.Figures["population"], models.ZH)
			for i, l := range lines {
				if strings.HasPrefix(strings.TrimSpace(l), row.Unit.Name+" ") && strings.Contains(l, pop) {
					found[row.Unit.Code]++
					rowsHere++
					firstRow = min(firstRow, i)
				}
			}
		}
		if rowsHere == 0 {
			continue
		}
		tablePages++
		// The header row comes before the first county row of the page.
		first := -1
		for i, l := range lines {
			if strings.Contains(l, head) {
				first = i
				break
			}
		}
		if first < 0 || first > firstRow {
			t.Errorf("page %d has %d county rows but no table header above them", p, rowsHere)
		}
	}
	if tablePages < 4 {
		t.Errorf("the county table spans %d pages, want ≥ 4", tablePages)
	}
	for _, row := range r.Counties {
		// Names repeat across cities (e.g. 东区); count by code once per
		// row found, allowing duplicates of the same name.
		if found[row.Unit.Code] == 0 {
			t.Errorf("county %s %s: no whole row found", row.Unit.Code, row.Unit.Name)
		}
	}
}
