package report

import (
	"image/color"
	"math"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"gonum.org/v1/plot/vg"
)

// TestPDFCanvasMapping checks chart points land where they should in the
// box on the page, under the transforms gonum/plot uses.
func TestPDFCanvasMapping(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	// A 72×36 pt chart (1 pt = 25.4/72 mm) in a box of 50.8 mm at (10, 20):
	// scale 2, box 50.8 × 25.4 mm.
	c := newPDFCanvas(pdf, "t", 72, 36, 10, 20, 50.8)
	near := func(name string, gx, gy, wx, wy float64) {
		t.Helper()
		if math.Abs(gx-wx) > 1e-9 || math.Abs(gy-wy) > 1e-9 {
			t.Errorf("%s: (%g, %g), want (%g, %g)", name, gx, gy, wx, wy)
		}
	}
	x, y := c.page(0, 0)
	near("bottom left", x, y, 10, 45.4)
	x, y = c.page(72, 36)
	near("top right", x, y, 60.8, 20)
	c.Push()
	c.Translate(vg.Point{X: 36, Y: 18})
	c.Rotate(math.Pi / 2)
	x, y = c.page(9, 0) // 9 pt along the rotated x axis: straight up the page
	near("rotated", x, y, 35.4, 32.7-6.35)
	c.Scale(2, 1)
	x, y = c.page(9, 0)
	near("rotated and scaled", x, y, 35.4, 32.7-12.7)
	c.Pop()
	x, y = c.page(36, 18)
	near("after pop", x, y, 35.4, 32.7)
}

func TestOpaque(t *testing.T) {
	for _, tc := range []struct {
		col     color.Color
		r, g, b int
	}{
		{color.Black, 0, 0, 0},
		{color.White, 255, 255, 255},
		{color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, 0xd6, 0x27, 0x28},
		{color.NRGBA{R: 0, G: 0, B: 0, A: 0x80}, 127, 127, 127}, // half black on white
		{nil, 0, 0, 0},
	} {
		r, g, b := opaque(tc.col)
		if r != tc.r || g != tc.g || b != tc.b {
			t.Errorf("opaque(%v) = %d %d %d, want %d %d %d", tc.col, r, g, b, tc.r, tc.g, tc.b)
		}
	}
}
