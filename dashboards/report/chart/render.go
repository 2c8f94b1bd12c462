package chart

import (
	"bytes"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is an output format of a chart.
type Format string

// Chart output formats.
const (
	PNG Format = "png"
	SVG Format = "svg"
)

// PNGDPI is the resolution of PNG charts: sharp when the PDF prints a
// 16 cm wide chart.
const PNGDPI = 192

// Chart is a drawn plot with its size.
type Chart struct {
	Plot          *plot.Plot
	Width, Height vg.Length
}

// Render draws c in format f. The output is deterministic: the same chart
// gives the same bytes.
func (c Chart) Render(f Format) ([]byte, error) {
	var buf bytes.Buffer
	switch f {
	case PNG:
		cv := vgimg.NewWith(vgimg.UseWH(c.Width, c.Height), vgimg.UseDPI(PNGDPI))
		c.Plot.Draw(draw.New(cv))
		if _, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(&buf); err != nil {
			return nil, fmt.Errorf("render chart png: %w", err)
		}
	case SVG:
		cv := vgsvg.New(c.Width, c.Height)
		c.Plot.Draw(draw.New(cv))
		if _, err := cv.WriteTo(&buf); err != nil {
			return nil, fmt.Errorf("render chart svg: %w", err)
		}
	default:
		return nil, fmt.Errorf("render chart: unknown format %q (want png or svg)", f)
	}
	return buf.Bytes(), nil
}
