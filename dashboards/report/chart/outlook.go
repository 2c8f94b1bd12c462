package chart

import (
	"fmt"
	"image/color"
	"strconv"

	"github.com/padis/padis/models"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// OutlookData is a projection's outlook: total population, population 65+
// and school-age population (6–14) by year, the first year the base.
type OutlookData struct {
	Years     []int
	Total     []float64
	Aged65    []float64
	SchoolAge []float64
}

// Outlook draws the three projected series as indices (base year = 100) so
// that series of very different size share one axis; the report's table
// gives the levels.
func Outlook(in OutlookData, lang models.Lang) (Chart, error) {
	n := len(in.Years)
	if n < 2 {
		return Chart{}, fmt.Errorf("chart outlook: %d years, want at least 2", n)
	}
	series := []struct {
		field  string
		name   string
		values []float64
		col    color.Color
		shape  draw.GlyphDrawer
	}{
		{"total", tr(lang, "总人口", "total population"), in.Total, ColorPrevious, draw.CircleGlyph{}},
		{"aged65", tr(lang, "65岁及以上人口", "population 65+"), in.Aged65, ColorDeaths, draw.TriangleGlyph{}},
		{"school_age", tr(lang, "学龄人口（6–14岁）", "school-age population (6–14)"), in.SchoolAge, ColorBirths, draw.SquareGlyph{}},
	}
	p, err := newPlot(tr(lang, "人口预测展望（"+strconv.Itoa(in.Years[0])+"年=100）", "Projection outlook ("+strconv.Itoa(in.Years[0])+" = 100)"))
	if err != nil {
		return Chart{}, err
	}
	p.Y.Label.Text = tr(lang, "指数", "index")
	p.Y.Tick.Marker = plainTicks{}
	p.Add(newGrid())
	for _, s := range series {
		if err := checkLen("outlook", s.field, len(s.values), n); err != nil {
			return Chart{}, err
		}
		if s.values[0] <= 0 {
			return Chart{}, fmt.Errorf("chart outlook: %s base value %g, want > 0", s.field, s.values[0])
		}
		xys := make(plotter.XYs, n)
		for i, v := range s.values {
			xys[i] = plotter.XY{X: float64(in.Years[i]), Y: 100 * v / s.values[0]}
		}
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return Chart{}, fmt.Errorf("chart outlook: %w", err)
		}
		l.Color, l.Width = s.col, vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = s.col, s.shape, vg.Points(2)
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	var ticks []plot.Tick
	for _, y := range in.Years {
		ticks = append(ticks, plot.Tick{Value: float64(y), Label: strconv.Itoa(y)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.Padding = vg.Points(2)
	return Chart{Plot: p, Width: 16 * vg.Centimeter, Height: 7.5 * vg.Centimeter}, nil
}
