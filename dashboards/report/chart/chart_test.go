package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/models"
)

// sampleCharts builds every chart from small fixed inputs.
func sampleCharts(t *testing.T, lang models.Lang) map[string]Chart {
	t.Helper()
	var m Monthly
	for i := 0; i < 30; i++ {
		y, mo := 2023+(i+4)/12, (i+4)%12+1
		m.Months = append(m.Months, time(y, mo))
		m.Births = append(m.Births, 5200+900*math.Sin(float64(i)/12*2*math.Pi)-25*float64(i))
		m.Deaths = append(m.Deaths, 6100+1200*math.Cos(float64(i)/12*2*math.Pi))
	}
	groups := []string{"0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
		"50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95-99", "100+"}
	var py PyramidData
	py.Groups, py.Period, py.PrevPeriod = groups, "2025-10", "2024-10"
	for i := range groups {
		base := 4e5 * math.Exp(-math.Pow(float64(i)-7, 2)/60)
		py.Male = append(py.Male, base*1.02)
		py.Female = append(py.Female, base*0.99+float64(i)*2000)
		py.MalePrev = append(py.MalePrev, base*1.05)
		py.FemalePrev = append(py.FemalePrev, base*1.01)
	}
	units := []UnitValue{
		{"成都市", 106.2, 104.1, 108.4}, {"自贡市", 109.8, 104.0, 115.9}, {"攀枝花市", 102.0, 95.1, 109.3},
		{"泸州市", 111.5, 107.6, 115.5}, {"德阳市", math.NaN(), math.NaN(), math.NaN()}, {"阿坝藏族羌族自治州", 104.4, 97.0, 112.3},
	}
	tfr := []UnitValue{
		{"成都市", 0.92, 0.89, 0.95}, {"自贡市", 1.21, 1.10, 1.32}, {"攀枝花市", 1.05, 0.96, 1.14},
		{"泸州市", 1.48, 1.40, 1.56}, {"凉山彝族自治州", 2.31, 2.20, 2.42}, {"德阳市", 1.02, math.NaN(), math.NaN()},
	}
	out := OutlookData{}
	for i := 0; i <= 10; i++ {
		out.Years = append(out.Years, 2025+i)
		out.Total = append(out.Total, 8.37e7*(1-0.004*float64(i)))
		out.Aged65 = append(out.Aged65, 1.6e7*(1+0.035*float64(i)))
		out.SchoolAge = append(out.SchoolAge, 9.1e6*(1-0.045*float64(i)))
	}
	charts := map[string]Chart{}
	add := func(name string, c Chart, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		charts[name] = c
	}
	c, err := BirthsDeaths(m, lang)
	add("births_deaths", c, err)
	c, err = Pyramid(py, lang)
	add("pyramid", c, err)
	c, err = SRBByUnit(units, [2]float64{103, 107}, "", lang)
	add("srb", c, err)
	c, err = RankedBars(tfr, []RefLine{{2.1, "2.1"}, {1.5, "1.5"}}, "TFR", "TFR", lang)
	add("tfr", c, err)
	c, err = Outlook(out, lang)
	add("outlook", c, err)
	return charts
}

func time(y, m int) string {
	return string([]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-', byte('0' + m/10), byte('0' + m%10)})
}

// TestChartsRender renders every chart in both languages to PNG and SVG
// and checks the images are the declared size, not blank, contain the
// series' colours, and that the SVG carries the labels in the embedded
// font. Set CHART_OUT=dir to keep the PNGs for looking at.
func TestChartsRender(t *testing.T) {
	outDir := os.Getenv("CHART_OUT")
	for _, lang := range []models.Lang{models.ZH, models.EN} {
		for name, c := range sampleCharts(t, lang) {
			pngBytes, err := c.Render(PNG)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			img, err := png.Decode(bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatalf("%s: decode png: %v", name, err)
			}
			wantW := int(math.Round(c.Width.Dots(PNGDPI)))
			if got := img.Bounds().Dx(); got < wantW-1 || got > wantW+1 {
				t.Errorf("%s: png width %d, want %d", name, got, wantW)
			}
			if v := inkShare(img); v < 0.02 {
				t.Errorf("%s: png has only %.3f non-white pixels", name, v)
			}
			svg, err := c.Render(SVG)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !bytes.Contains(svg, []byte("font-family:PADIS Report Hei")) {
				t.Errorf("%s: svg does not use the embedded font", name)
			}
			if !strings.Contains(string(svg), c.Plot.Title.Text) {
				t.Errorf("%s: svg lacks its title %q", name, c.Plot.Title.Text)
			}
			if outDir != "" {
				suffix := "_zh"
				if lang == models.EN {
					suffix = "_en"
				}
				if err := os.WriteFile(filepath.Join(outDir, name+suffix+".png"), pngBytes, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestChartColours checks series are drawn in their colours.
func TestChartColours(t *testing.T) {
	charts := sampleCharts(t, models.ZH)
	for _, tc := range []struct {
		chart string
		want  []color.RGBA
	}{
		{"births_deaths", []color.RGBA{ColorBirths, ColorDeaths}},
		{"pyramid", []color.RGBA{ColorMale, ColorFemale}},
		{"tfr", []color.RGBA{ColorNeutral}},
	} {
		b, err := charts[tc.chart].Render(PNG)
		if err != nil {
			t.Fatal(err)
		}
		img, _ := png.Decode(bytes.NewReader(b))
		for _, col := range tc.want {
			if n := countColour(img, col); n < 50 {
				t.Errorf("%s: colour %v on %d pixels, want ≥ 50", tc.chart, col, n)
			}
		}
	}
}

// TestChartsDeterministic checks two renders give the same bytes.
func TestChartsDeterministic(t *testing.T) {
	a, b := sampleCharts(t, models.ZH), sampleCharts(t, models.ZH)
	for name := range a {
		for _, f := range []Format{PNG, SVG} {
			x, _ := a[name].Render(f)
			y, _ := b[name].Render(f)
			if !bytes.Equal(x, y) {
				t.Errorf("%s %s: two renders differ", name, f)
			}
		}
	}
}

func TestChartErrors(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"monthly short", func() error { _, err := BirthsDeaths(Monthly{Months: []string{"2025-01"}}, models.ZH); return err }, "at least 2"},
		{"monthly length", func() error {
			_, err := BirthsDeaths(Monthly{Months: []string{"a", "b"}, Births: []float64{1, 2}, Deaths: []float64{1}}, models.ZH)
			return err
		}, "deaths has 1 values, want 2"},
		{"pyramid prev", func() error {
			_, err := Pyramid(PyramidData{Groups: []string{"0-4"}, Male: []float64{1}, Female: []float64{1}, MalePrev: []float64{}}, models.ZH)
			return err
		}, "male_prev has 0 values"},
		{"srb empty", func() error {
			_, err := SRBByUnit([]UnitValue{{"a", nan, nan, nan}}, [2]float64{103, 107}, "", models.ZH)
			return err
		}, "no unit"},
		{"outlook zero base", func() error {
			_, err := Outlook(OutlookData{Years: []int{1, 2}, Total: []float64{0, 1}, Aged65: []float64{1, 1}, SchoolAge: []float64{1, 1}}, models.ZH)
			return err
		}, "total base value 0"},
		{"format", func() error { _, err := (Chart{}).Render("gif"); return err }, "unknown format"},
	} {
		err := tc.err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// inkShare is the share of pixels that are not white.
func inkShare(img image.Image) float64 {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}

// countColour counts pixels within a small distance of col.
func countColour(img image.Image, col color.RGBA) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			d := math.Abs(float64(r>>8)-float64(col.R)) + math.Abs(float64(g>>8)-float64(col.G)) + math.Abs(float64(bl>>8)-float64(col.B))
			if d < 12 {
				n++
			}
		}
	}
	return n
}

// TestSRBAxisClipsWideIntervals checks small units' very wide intervals
// are cut at the axis limits and the axis label says so.
func TestSRBAxisClipsWideIntervals(t *testing.T) {
	c, err := SRBByUnit([]UnitValue{{"甲", 100, 20, 433}, {"乙", 106, 104, 108}}, [2]float64{103, 107}, "", models.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if c.Plot.X.Min < SRBAxis[0]-5 || c.Plot.X.Max > SRBAxis[1]+5 {
		t.Errorf("axis %g–%g, want within %v plus padding", c.Plot.X.Min, c.Plot.X.Max, SRBAxis)
	}
	if !strings.Contains(c.Plot.X.Label.Text, "截断") {
		t.Errorf("axis label %q does not say intervals are cut", c.Plot.X.Label.Text)
	}
	c, err = SRBByUnit([]UnitValue{{"乙", 106, 104, 108}}, [2]float64{103, 107}, "", models.ZH)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.Plot.X.Label.Text, "截断") || c.Plot.X.Max > 110 {
		t.Errorf("narrow intervals: axis %g–%g, label %q", c.Plot.X.Min, c.Plot.X.Max, c.Plot.X.Label.Text)
	}
}

// TestBirthsDeathsGaps checks months without a value are left out of the
// lines instead of failing the chart.
func TestBirthsDeathsGaps(t *testing.T) {
	nan := math.NaN()
	c, err := BirthsDeaths(Monthly{Months: []string{"2025-01", "2025-02", "2025-03"}, Births: []float64{10, nan, 12}, Deaths: []float64{nan, 9, 8}}, models.EN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Render(PNG); err != nil {
		t.Fatal(err)
	}
	if _, err := BirthsDeaths(Monthly{Months: []string{"a", "b"}, Births: []float64{nan, nan}, Deaths: []float64{1, 2}}, models.EN); err == nil {
		t.Error("no births at all: no error")
	}
}
