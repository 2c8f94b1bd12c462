package chart

import (
	"fmt"
	"image/color"
	"strconv"

	"github.com/padis/padis/dashboards/report/fonts"
	"github.com/padis/padis/models"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// Colours of the charts, chosen to stay distinct in grey print.
var (
	ColorBirths   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff} // blue
	ColorDeaths   = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff} // red
	ColorMale     = color.RGBA{R: 0x4e, G: 0x79, B: 0xa7, A: 0xff}
	ColorFemale   = color.RGBA{R: 0xe1, G: 0x57, B: 0x59, A: 0xff}
	ColorPrevious = color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
	ColorBand     = color.NRGBA{R: 0x59, G: 0xa1, B: 0x4f, A: 0x50} // translucent green
	ColorAccent   = color.RGBA{R: 0xf2, G: 0x8e, B: 0x2b, A: 0xff}  // orange
	ColorNeutral  = color.RGBA{R: 0x76, G: 0xb7, B: 0xb2, A: 0xff}
	ColorGrid     = color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
)

// tr picks the label in lang.
func tr(lang models.Lang, zh, en string) string {
	if lang == models.EN {
		return en
	}
	return zh
}

// newPlot returns a plot whose every text style uses the embedded font.
func newPlot(title string) (*plot.Plot, error) {
	cache, err := fonts.Cache()
	if err != nil {
		return nil, err
	}
	h := text.Plain{Fonts: cache}
	p := plot.New()
	p.TextHandler = h
	set := func(s *text.Style, size vg.Length) {
		s.Handler = h
		s.Font = font.From(fonts.Font(), size)
	}
	set(&p.Title.TextStyle, 13)
	set(&p.X.Label.TextStyle, 10)
	set(&p.Y.Label.TextStyle, 10)
	set(&p.X.Tick.Label, 9)
	set(&p.Y.Tick.Label, 9)
	set(&p.Legend.TextStyle, 9)
	p.Title.Text = title
	p.Title.Padding = vg.Points(6)
	return p, nil
}

// labelStyle is the text style of value labels drawn inside a chart.
func labelStyle(p *plot.Plot, size vg.Length) text.Style {
	s := p.X.Tick.Label
	s.Font = font.From(fonts.Font(), size)
	return s
}

// absTicks labels a numeric axis with absolute values (pyramid halves).
type absTicks struct{ format string }

// Ticks implements plot.Ticker.
func (a absTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label == "" {
			continue
		}
		v := ts[i].Value
		if v < 0 {
			v = -v
		}
		ts[i].Label = fmt.Sprintf(a.format, v)
	}
	return ts
}

// checkLen returns an error naming the field when a series' length differs
// from want.
func checkLen(chart, field string, got, want int) error {
	if got != want {
		return fmt.Errorf("chart %s: %s has %d values, want %d", chart, field, got, want)
	}
	return nil
}

// newGrid returns light grid lines that stay light in vector output.
func newGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = ColorGrid, ColorGrid
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.5), vg.Points(0.5)
	return g
}

// plainTicks are the default ticks labelled without trailing zeros
// ("125", not "125.00").
type plainTicks struct{}

// Ticks implements plot.Ticker.
func (plainTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', -1, 64)
		}
	}
	return ts
}
