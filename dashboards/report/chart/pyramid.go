package chart

import (
	"fmt"
	"image/color"

	"github.com/padis/padis/models"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PyramidData is a population by age group and sex now and a year earlier.
// Values are persons; the chart shows each group's share of the period's
// total population so that the two pyramids compare in structure.
type PyramidData struct {
	Groups     []string // age-group labels, youngest first ("0-4", …, "100+")
	Male       []float64
	Female     []float64
	MalePrev   []float64 // a year earlier; may be nil
	FemalePrev []float64
	Period     string // e.g. "2025-10"
	PrevPeriod string // e.g. "2024-10"
}

// Pyramid draws the population pyramid: males to the left, females to the
// right as bars for the period, the year-earlier pyramid as an outline.
func Pyramid(in PyramidData, lang models.Lang) (Chart, error) {
	n := len(in.Groups)
	if n == 0 {
		return Chart{}, fmt.Errorf("chart pyramid: no age groups")
	}
	if err := checkLen("pyramid", "male", len(in.Male), n); err != nil {
		return Chart{}, err
	}
	if err := checkLen("pyramid", "female", len(in.Female), n); err != nil {
		return Chart{}, err
	}
	hasPrev := in.MalePrev != nil || in.FemalePrev != nil
	if hasPrev {
		if err := checkLen("pyramid", "male_prev", len(in.MalePrev), n); err != nil {
			return Chart{}, err
		}
		if err := checkLen("pyramid", "female_prev", len(in.FemalePrev), n); err != nil {
			return Chart{}, err
		}
	}
	p, err := newPlot(tr(lang, "人口金字塔（与上年同期比较）", "Population pyramid, compared with a year earlier"))
	if err != nil {
		return Chart{}, err
	}
	p.X.Label.Text = tr(lang, "占总人口比重（%）　← 男　　女 →", "share of total population (%)   ← male   female →")
	p.X.Tick.Marker = absTicks{format: "%.1f"}
	p.NominalY(in.Groups...)
	p.Add(newGrid())

	shares := func(m, f []float64) (ms, fs plotter.Values) {
		total := 0.0
		for i := range m {
			total += m[i] + f[i]
		}
		ms, fs = make(plotter.Values, len(m)), make(plotter.Values, len(f))
		if total <= 0 {
			return ms, fs
		}
		for i := range m {
			ms[i] = -100 * m[i] / total
			fs[i] = 100 * f[i] / total
		}
		return ms, fs
	}
	ms, fs := shares(in.Male, in.Female)
	barW := vg.Points(150 / float64(n+1))
	if barW > vg.Points(12) {
		barW = vg.Points(12)
	}
	for _, b := range []struct {
		v    plotter.Values
		name string
		col  color.Color
	}{{ms, tr(lang, "男 ", "male ") + in.Period, ColorMale}, {fs, tr(lang, "女 ", "female ") + in.Period, ColorFemale}} {
		bc, err := plotter.NewBarChart(b.v, barW)
		if err != nil {
			return Chart{}, fmt.Errorf("chart pyramid: %w", err)
		}
		bc.Horizontal = true
		bc.Color = b.col
		bc.LineStyle.Width = 0
		p.Add(bc)
		p.Legend.Add(b.name, bc)
	}
	if hasPrev {
		mp, fp := shares(in.MalePrev, in.FemalePrev)
		for i, v := range []plotter.Values{mp, fp} {
			xys := make(plotter.XYs, n)
			for j := range v {
				xys[j] = plotter.XY{X: v[j], Y: float64(j)}
			}
			l, err := plotter.NewLine(xys)
			if err != nil {
				return Chart{}, fmt.Errorf("chart pyramid: %w", err)
			}
			l.Color = ColorPrevious
			l.Width = vg.Points(1.2)
			l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
			p.Add(l)
			if i == 0 {
				p.Legend.Add(in.PrevPeriod, l)
			}
		}
	}
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(1)
	p.Y.Min, p.Y.Max = -0.6, float64(n)+1.6 // room for the legend
	h := 4*vg.Centimeter + vg.Length(n)*0.36*vg.Centimeter
	return Chart{Plot: p, Width: 16 * vg.Centimeter, Height: h}, nil
}
