package chart

import (
	"fmt"
	"image/color"
	"math"

	"github.com/padis/padis/models"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Monthly is births and deaths by calendar month, oldest first.
type Monthly struct {
	Months []string // "2024-01", one per value
	Births []float64
	Deaths []float64
}

// BirthsDeaths draws births and deaths by month as two lines with markers,
// labelling every third month on the time axis (every sixth beyond 24
// months), counted back from the last.
func BirthsDeaths(in Monthly, lang models.Lang) (Chart, error) {
	n := len(in.Months)
	if n < 2 {
		return Chart{}, fmt.Errorf("chart births-deaths: %d months, want at least 2", n)
	}
	if err := checkLen("births-deaths", "births", len(in.Births), n); err != nil {
		return Chart{}, err
	}
	if err := checkLen("births-deaths", "deaths", len(in.Deaths), n); err != nil {
		return Chart{}, err
	}
	p, err := newPlot(tr(lang, "逐月出生与死亡人数", "Births and deaths by month"))
	if err != nil {
		return Chart{}, err
	}
	p.Y.Label.Text = tr(lang, "人数", "persons")
	p.Y.Min = 0
	p.Add(newGrid())
	for _, s := range []struct {
		name   string
		values []float64
		col    color.Color
		shape  draw.GlyphDrawer
	}{
		{tr(lang, "出生", "births"), in.Births, ColorBirths, draw.CircleGlyph{}},
		{tr(lang, "死亡", "deaths"), in.Deaths, ColorDeaths, draw.SquareGlyph{}},
	} {
		// Months without a value are left out of the line.
		var xys plotter.XYs
		for i, v := range s.values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				xys = append(xys, plotter.XY{X: float64(i), Y: v})
			}
		}
		if len(xys) == 0 {
			return Chart{}, fmt.Errorf("chart births-deaths: no %s value", s.name)
		}
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return Chart{}, fmt.Errorf("chart births-deaths: %w", err)
		}
		l.Color = s.col
		l.Width = vg.Points(1.5)
		pts.Color = s.col
		pts.Shape = s.shape
		pts.Radius = vg.Points(1.8)
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	step := 3
	if n > 24 {
		step = 6
	}
	var ticks []plot.Tick
	for i, m := range in.Months {
		lab := ""
		if (n-1-i)%step == 0 {
			lab = m
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: lab})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Marker = plainTicks{}
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	// Head room for the legend above the highest point.
	top := 0.0
	for i := range in.Births {
		for _, v := range []float64{in.Births[i], in.Deaths[i]} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				top = max(top, v)
			}
		}
	}
	p.Y.Max = top * 1.2
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.Padding = vg.Points(2)
	return Chart{Plot: p, Width: 16 * vg.Centimeter, Height: 7.5 * vg.Centimeter}, nil
}
