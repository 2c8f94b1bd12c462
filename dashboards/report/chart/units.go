package chart

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/padis/padis/models"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// UnitValue is one child unit's value with its 95 % interval. A unit whose
// Value is NaN (no data, e.g. no births) is left out of the charts.
type UnitValue struct {
	Name   string
	Value  float64
	Lo, Hi float64 // NaN when the indicator has no interval
}

// SRBAxis is the widest range the sex-ratio chart shows.
var SRBAxis = [2]float64{80, 140}

func clamp(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return math.Max(lo, math.Min(hi, v))
}

func fmtAxis(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// RefLine is a labelled reference value drawn across a chart.
type RefLine struct {
	Value float64
	Label string
}

// present returns the units with a value, in order.
func present(units []UnitValue) []UnitValue {
	var out []UnitValue
	for _, u := range units {
		if !math.IsNaN(u.Value) {
			out = append(out, u)
		}
	}
	return out
}

// unitHeight is the height of a horizontal chart of n units.
func unitHeight(n int) vg.Length {
	return 3.6*vg.Centimeter + vg.Length(n)*0.5*vg.Centimeter
}

// xErrors adapts units to plotter's XErrorer and XYer.
type xErrors []UnitValue

// Len implements plotter.XYer.
func (e xErrors) Len() int { return len(e) }

// XY implements plotter.XYer: the value against the unit's row.
func (e xErrors) XY(i int) (float64, float64) { return e[i].Value, float64(i) }

// XError implements plotter.XErrorer: the distances to the interval ends.
func (e xErrors) XError(i int) (float64, float64) {
	lo, hi := e[i].Value-e[i].Lo, e[i].Hi-e[i].Value
	if math.IsNaN(lo) || lo < 0 {
		lo = 0
	}
	if math.IsNaN(hi) || hi < 0 {
		hi = 0
	}
	return lo, hi
}

// SRBByUnit draws the sex ratio at birth of each child unit as a point
// with its 95 % interval, over the shaded normal band [band[0], band[1]]
// (103–107). Units keep the order given, the first at the top.
func SRBByUnit(units []UnitValue, band [2]float64, title string, lang models.Lang) (Chart, error) {
	us := present(units)
	if len(us) == 0 {
		return Chart{}, fmt.Errorf("chart srb: no unit has a value")
	}
	// The first unit at the top: plot y = n-1-i.
	rev := make(xErrors, len(us))
	names := make([]string, len(us))
	for i, u := range us {
		rev[len(us)-1-i] = u
		names[len(us)-1-i] = u.Name
	}
	if title == "" {
		title = tr(lang, "各单位出生人口性别比及95%区间", "Sex ratio at birth by unit, with 95% intervals")
	}
	p, err := newPlot(title)
	if err != nil {
		return Chart{}, err
	}
	p.X.Label.Text = tr(lang, "男婴数 / 女婴数 × 100（阴影为正常范围 103–107）", "male per 100 female births (shaded: normal range 103–107)")
	p.NominalY(names...)
	lo, hi := band[0], band[1]
	for _, u := range us {
		for _, v := range []float64{u.Lo, u.Value, u.Hi} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	// Small units have very wide intervals: the axis stops at SRBAxis and
	// longer intervals are cut at its ends (the table gives them in full).
	clipped := false
	if lo < SRBAxis[0] {
		lo, clipped = SRBAxis[0], true
	}
	if hi > SRBAxis[1] {
		hi, clipped = SRBAxis[1], true
	}
	for i := range rev {
		rev[i].Lo = clamp(rev[i].Lo, lo, hi)
		rev[i].Hi = clamp(rev[i].Hi, lo, hi)
		rev[i].Value = clamp(rev[i].Value, lo, hi)
	}
	if clipped {
		p.X.Label.Text += tr(lang, "；区间在 "+fmtAxis(lo)+"–"+fmtAxis(hi)+" 以外截断", "; intervals cut at "+fmtAxis(lo)+"–"+fmtAxis(hi))
	}
	pad := (hi - lo) * 0.05
	p.X.Min, p.X.Max = lo-pad, hi+pad
	p.Y.Min, p.Y.Max = -0.6, float64(len(us))-0.4
	poly, err := plotter.NewPolygon(plotter.XYs{
		{X: band[0], Y: p.Y.Min}, {X: band[1], Y: p.Y.Min}, {X: band[1], Y: p.Y.Max}, {X: band[0], Y: p.Y.Max},
	})
	if err != nil {
		return Chart{}, fmt.Errorf("chart srb: %w", err)
	}
	poly.Color = ColorBand
	poly.LineStyle.Width = 0
	p.Add(poly, newGrid())
	eb, err := plotter.NewXErrorBars(rev)
	if err != nil {
		return Chart{}, fmt.Errorf("chart srb: %w", err)
	}
	eb.LineStyle.Width = vg.Points(1.2)
	eb.CapWidth = vg.Points(5)
	sc, err := plotter.NewScatter(rev)
	if err != nil {
		return Chart{}, fmt.Errorf("chart srb: %w", err)
	}
	sc.Shape = draw.CircleGlyph{}
	sc.Radius = vg.Points(3)
	sc.Color = ColorDeaths
	p.Add(eb, sc)
	return Chart{Plot: p, Width: 16 * vg.Centimeter, Height: unitHeight(len(us))}, nil
}

// RankedBars draws the units' values as horizontal bars ranked from the
// highest (top) to the lowest, with their 95 % intervals when present, the
// value printed at each bar and dashed reference lines (e.g. TFR 2.1
// replacement and 1.5 warning level). title and axis label the chart.
func RankedBars(units []UnitValue, refs []RefLine, title, axis string, lang models.Lang) (Chart, error) {
	us := present(units)
	if len(us) == 0 {
		return Chart{}, fmt.Errorf("chart ranked bars: no unit has a value")
	}
	sort.SliceStable(us, func(i, j int) bool { return us[i].Value < us[j].Value }) // lowest at y=0 (bottom)
	p, err := newPlot(title)
	if err != nil {
		return Chart{}, err
	}
	p.X.Label.Text = axis
	names := make([]string, len(us))
	vals := make(plotter.Values, len(us))
	max := 0.0
	for i, u := range us {
		names[i], vals[i] = u.Name, u.Value
		for _, v := range []float64{u.Value, u.Hi} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				max = math.Max(max, v)
			}
		}
	}
	for _, r := range refs {
		max = math.Max(max, r.Value)
	}
	p.NominalY(names...)
	p.X.Min, p.X.Max = 0, max*1.15
	p.Y.Min, p.Y.Max = -0.6, float64(len(us))-0.4
	if len(refs) > 0 {
		p.Y.Max += 0.8 * float64(len(refs)) // room for the legend
	}
	p.Add(newGrid())
	bc, err := plotter.NewBarChart(vals, vg.Points(9))
	if err != nil {
		return Chart{}, fmt.Errorf("chart ranked bars: %w", err)
	}
	bc.Horizontal = true
	bc.Color = ColorNeutral
	bc.LineStyle.Width = 0
	p.Add(bc)
	eb, err := plotter.NewXErrorBars(xErrors(us))
	if err != nil {
		return Chart{}, fmt.Errorf("chart ranked bars: %w", err)
	}
	eb.CapWidth = vg.Points(4)
	p.Add(eb)
	labels := make([]string, len(us))
	xys := make(plotter.XYs, len(us))
	for i, u := range us {
		labels[i] = fmt.Sprintf("%.2f", u.Value)
		x := u.Value
		if !math.IsNaN(u.Hi) {
			x = math.Max(x, u.Hi)
		}
		xys[i] = plotter.XY{X: x, Y: float64(i)}
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return Chart{}, fmt.Errorf("chart ranked bars: %w", err)
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i] = labelStyle(p, 8)
		lb.TextStyle[i].XAlign = draw.XLeft
		lb.TextStyle[i].YAlign = draw.YCenter
	}
	lb.Offset = vg.Point{X: vg.Points(4)}
	p.Add(lb)
	if err := addRefLines(p, refs, lang); err != nil {
		return Chart{}, err
	}
	return Chart{Plot: p, Width: 16 * vg.Centimeter, Height: unitHeight(len(us))}, nil
}

// addRefLines draws vertical dashed lines at the reference values and puts
// them in the legend.
func addRefLines(p *plot.Plot, refs []RefLine, _ models.Lang) error {
	dashes := [][]vg.Length{{vg.Points(4), vg.Points(2)}, {vg.Points(1.5), vg.Points(1.5)}}
	for i, r := range refs {
		l, err := plotter.NewLine(plotter.XYs{{X: r.Value, Y: p.Y.Min}, {X: r.Value, Y: p.Y.Max}})
		if err != nil {
			return fmt.Errorf("chart reference line %s: %w", r.Label, err)
		}
		l.Color = ColorAccent
		if i%2 == 1 {
			l.Color = ColorDeaths
		}
		l.Width = vg.Points(1.2)
		l.Dashes = dashes[i%len(dashes)]
		p.Add(l)
		p.Legend.Add(r.Label, l)
	}
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(1)
	return nil
}
