package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"codeberg.org/go-pdf/fpdf"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

// pdfCanvas is a vg.Canvas that draws a chart as vector graphics into a
// box of the report's own PDF document: text is set in the document's
// embedded font (so it is subset once with the rest of the report and
// stays searchable), paths become PDF paths. The chart's coordinates
// (points, origin bottom left) are mapped into the box by an affine matrix
// that Translate, Rotate and Scale compose onto.
type pdfCanvas struct {
	pdf   *fpdf.Fpdf
	w, h  vg.Length // chart size
	scale float64   // box width / chart width
	stack []canvasState
	image int // images drawn, for unique names
	name  string
}

type canvasState struct {
	m      [6]float64 // x' = m0·x + m2·y + m4, y' = m1·x + m3·y + m5 (page mm, y down)
	col    color.Color
	width  vg.Length
	dashes []vg.Length
	offset vg.Length
}

// newPDFCanvas maps a chart of size w×h to the box at (x, y) mm of width
// boxW mm (the height follows the chart's aspect).
func newPDFCanvas(pdf *fpdf.Fpdf, name string, w, h vg.Length, x, y, boxW float64) *pdfCanvas {
	s := boxW / (float64(w) * ptMM)
	k := s * ptMM
	hmm := float64(h) * k
	c := &pdfCanvas{pdf: pdf, w: w, h: h, scale: s, name: name}
	c.stack = []canvasState{{m: [6]float64{k, 0, 0, -k, x, y + hmm}, col: color.Black, width: 1}}
	c.apply()
	return c
}

func (c *pdfCanvas) top() *canvasState { return &c.stack[len(c.stack)-1] }

// apply sets the document's colours, line width and dashes from the state.
func (c *pdfCanvas) apply() {
	st := c.top()
	r, g, b := opaque(st.col)
	c.pdf.SetDrawColor(r, g, b)
	c.pdf.SetFillColor(r, g, b)
	c.pdf.SetTextColor(r, g, b)
	c.pdf.SetLineWidth(float64(st.width) * c.scale * ptMM)
	ds := make([]float64, len(st.dashes))
	for i, d := range st.dashes {
		ds[i] = float64(d) * c.scale * ptMM
	}
	c.pdf.SetDashPattern(ds, float64(st.offset)*c.scale*ptMM)
}

// opaque blends a translucent colour with the white page: the charts draw
// translucent fills (the SRB band) only over the white background, and
// opaque colours keep the PDF free of transparency groups.
func opaque(col color.Color) (r, g, b int) {
	if col == nil {
		return 0, 0, 0
	}
	cr, cg, cb, ca := col.RGBA() // premultiplied, 0…0xffff
	white := 0xffff - ca
	return int((cr + white) >> 8), int((cg + white) >> 8), int((cb + white) >> 8)
}

// Size returns the chart's size.
func (c *pdfCanvas) Size() (vg.Length, vg.Length) { return c.w, c.h }

// SetLineWidth sets the width of stroked paths.
func (c *pdfCanvas) SetLineWidth(w vg.Length) { c.top().width = w; c.apply() }

// SetLineDash sets the dash pattern.
func (c *pdfCanvas) SetLineDash(pattern []vg.Length, offset vg.Length) {
	c.top().dashes, c.top().offset = append([]vg.Length(nil), pattern...), offset
	c.apply()
}

// SetColor sets the stroke, fill and text colour.
func (c *pdfCanvas) SetColor(col color.Color) {
	if col == nil {
		col = color.Black
	}
	c.top().col = col
	c.apply()
}

// Rotate rotates the coordinate system by rad (counter-clockwise).
func (c *pdfCanvas) Rotate(rad float64) {
	m := &c.top().m
	cos, sin := math.Cos(rad), math.Sin(rad)
	m[0], m[1], m[2], m[3] = m[0]*cos+m[2]*sin, m[1]*cos+m[3]*sin, -m[0]*sin+m[2]*cos, -m[1]*sin+m[3]*cos
}

// Translate moves the origin to pt.
func (c *pdfCanvas) Translate(pt vg.Point) {
	m := &c.top().m
	x, y := float64(pt.X), float64(pt.Y)
	m[4], m[5] = m[0]*x+m[2]*y+m[4], m[1]*x+m[3]*y+m[5]
}

// Scale scales the coordinate system.
func (c *pdfCanvas) Scale(x, y float64) {
	m := &c.top().m
	m[0], m[1], m[2], m[3] = m[0]*x, m[1]*x, m[2]*y, m[3]*y
}

// Push saves the state.
func (c *pdfCanvas) Push() {
	st := *c.top()
	st.dashes = append([]vg.Length(nil), st.dashes...)
	c.stack = append(c.stack, st)
}

// Pop restores the state saved by Push.
func (c *pdfCanvas) Pop() {
	if len(c.stack) > 1 {
		c.stack = c.stack[:len(c.stack)-1]
	}
	c.apply()
}

// page maps a chart point to page millimetres.
func (c *pdfCanvas) page(x, y vg.Length) (float64, float64) {
	m := c.top().m
	return m[0]*float64(x) + m[2]*float64(y) + m[4], m[1]*float64(x) + m[3]*float64(y) + m[5]
}

// Stroke strokes a path.
func (c *pdfCanvas) Stroke(p vg.Path) {
	if c.top().width > 0 {
		c.path(p, "D")
	}
}

// Fill fills a path.
func (c *pdfCanvas) Fill(p vg.Path) { c.path(p, "F") }

// path emits p, with arcs and curves flattened to short line segments.
func (c *pdfCanvas) path(p vg.Path, style string) {
	if len(p) == 0 {
		return
	}
	var cur, start vg.Point
	started := false
	lineTo := func(pt vg.Point) {
		x, y := c.page(pt.X, pt.Y)
		if !started {
			c.pdf.MoveTo(x, y)
			start, started = pt, true
		} else {
			c.pdf.LineTo(x, y)
		}
		cur = pt
	}
	for _, comp := range p {
		switch comp.Type {
		case vg.MoveComp:
			x, y := c.page(comp.Pos.X, comp.Pos.Y)
			c.pdf.MoveTo(x, y)
			cur, start, started = comp.Pos, comp.Pos, true
		case vg.LineComp:
			lineTo(comp.Pos)
		case vg.ArcComp:
			n := int(math.Ceil(math.Abs(comp.Angle) / (math.Pi / 18)))
			if n < 2 {
				n = 2
			}
			for i := 0; i <= n; i++ {
				a := comp.Start + comp.Angle*float64(i)/float64(n)
				lineTo(vg.Point{X: comp.Pos.X + comp.Radius*vg.Length(math.Cos(a)), Y: comp.Pos.Y + comp.Radius*vg.Length(math.Sin(a))})
			}
		case vg.CurveComp:
			p0 := cur
			ctrl := comp.Control
			for i := 1; i <= 16; i++ {
				t := float64(i) / 16
				lineTo(bezier(p0, ctrl, comp.Pos, t))
			}
		case vg.CloseComp:
			if started {
				x, y := c.page(start.X, start.Y)
				c.pdf.LineTo(x, y)
				c.pdf.ClosePath()
				cur = start
			}
		}
	}
	c.pdf.DrawPath(style)
}

// bezier evaluates a quadratic (one control point) or cubic (two) Bézier
// curve from p0 to p1 at t.
func bezier(p0 vg.Point, ctrl []vg.Point, p1 vg.Point, t float64) vg.Point {
	u := 1 - t
	switch len(ctrl) {
	case 1:
		a, b, d := u*u, 2*u*t, t*t
		return vg.Point{X: vg.Length(a)*p0.X + vg.Length(b)*ctrl[0].X + vg.Length(d)*p1.X, Y: vg.Length(a)*p0.Y + vg.Length(b)*ctrl[0].Y + vg.Length(d)*p1.Y}
	case 2:
		a, b, d, e := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
		return vg.Point{X: vg.Length(a)*p0.X + vg.Length(b)*ctrl[0].X + vg.Length(d)*ctrl[1].X + vg.Length(e)*p1.X,
			Y: vg.Length(a)*p0.Y + vg.Length(b)*ctrl[0].Y + vg.Length(d)*ctrl[1].Y + vg.Length(e)*p1.Y}
	}
	return p1
}

// FillString draws str with its baseline starting at pt, in the report's
// font at the face's size, rotated with the coordinate system.
func (c *pdfCanvas) FillString(f font.Face, pt vg.Point, str string) {
	if f.Font.Size == 0 || str == "" {
		return
	}
	m := c.top().m
	x, y := c.page(pt.X, pt.Y)
	unit := math.Hypot(m[0], m[1]) // mm per chart point along the baseline
	c.pdf.SetFont(fontHei, "", float64(f.Font.Size)*unit/ptMM)
	angle := math.Atan2(-m[1], m[0]) * 180 / math.Pi
	if math.Abs(angle) > 1e-9 {
		c.pdf.TransformBegin()
		c.pdf.TransformRotate(angle, x, y)
		c.pdf.Text(x, y, str)
		c.pdf.TransformEnd()
		return
	}
	c.pdf.Text(x, y, str)
}

// DrawImage draws img into rect (the charts draw none; kept for the
// interface), unrotated.
func (c *pdfCanvas) DrawImage(rect vg.Rectangle, img image.Image) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		c.pdf.SetError(fmt.Errorf("chart %s: encode image: %w", c.name, err))
		return
	}
	c.image++
	name := fmt.Sprintf("%s-image-%d", c.name, c.image)
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	c.pdf.RegisterImageOptionsReader(name, opt, &buf)
	x0, y0 := c.page(rect.Min.X, rect.Max.Y)
	x1, y1 := c.page(rect.Max.X, rect.Min.Y)
	c.pdf.ImageOptions(name, math.Min(x0, x1), math.Min(y0, y1), math.Abs(x1-x0), math.Abs(y1-y0), false, opt, 0, "")
}

var _ vg.Canvas = (*pdfCanvas)(nil)
