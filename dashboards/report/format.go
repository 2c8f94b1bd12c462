package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/padis/padis/models"
)

// builtin is the built-in catalog, the one definition of how many decimals
// an indicator is printed with (models.Indicator.Decimals).
var builtin = models.DefaultCatalog()

// decimalsOf is the number of decimals the indicator is printed with, from
// the catalog: counts print none.
func decimalsOf(ind string) int {
	i, _ := builtin.Get(ind)
	return i.Decimals
}

// isCount reports whether the indicator is a count (printed as an integer,
// compared in percent).
func isCount(cat *models.Catalog, ind string) bool {
	i, ok := cat.Get(ind)
	return ok && i.Kind == models.KindCount
}

// groupThousands writes a non-negative integer string with commas.
func groupThousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatInt prints a rounded count with thousands separators.
func formatInt(v float64) string {
	neg := v < 0
	s := groupThousands(strconv.FormatFloat(math.Abs(math.Round(v)), 'f', 0, 64))
	if neg && s != "0" {
		return "−" + s
	}
	return s
}

// formatCount prints a count: in Chinese large counts in 万 (10,000) with
// one or two decimals, in English with thousands separators.
func formatCount(v float64, lang models.Lang) string {
	if math.IsNaN(v) {
		return "—"
	}
	if lang == models.ZH && math.Abs(v) >= 100000 {
		w := v / 10000
		d := 2
		if math.Abs(w) >= 1000 {
			d = 1
		}
		s := strconv.FormatFloat(math.Abs(w), 'f', d, 64)
		ip, fp, _ := strings.Cut(s, ".")
		s = groupThousands(ip) + "." + fp
		if v < 0 {
			s = "−" + s
		}
		return s + "万"
	}
	return formatInt(v)
}

// formatNumber prints v with d decimals, a true minus sign and no "-0".
func formatNumber(v float64, d int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', d, 64)
	if v < 0 && strings.Trim(s, "0.") != "" {
		return "−" + s
	}
	return s
}

// FormatValue prints a figure's value as the report shows it, with the
// unit sign for ‰ and %.
func FormatValue(cat *models.Catalog, f Figure, lang models.Lang) string {
	if !f.Valid() {
		return "—"
	}
	if isCount(cat, f.Indicator) {
		return formatCount(f.Value, lang)
	}
	return formatNumber(f.Value, decimalsOf(f.Indicator)) + unitSign(cat, f.Indicator)
}

// FormatInterval prints a figure's 95 % interval "104.1–108.4", or "" when
// it has none.
func FormatInterval(f Figure) string {
	if !f.HasInterval() {
		return ""
	}
	d := decimalsOf(f.Indicator)
	lo, hi := formatNumber(f.Lower, d), formatNumber(f.Upper, d)
	if d == 0 {
		lo, hi = formatInt(f.Lower), formatInt(f.Upper)
	}
	return lo + "–" + hi
}

// formatIntervalIn prints a figure's interval as its value is printed:
// a count's bounds as counts ("170.20万–188.63万" in Chinese), other
// figures as FormatInterval.
func formatIntervalIn(cat *models.Catalog, f Figure, lang models.Lang) string {
	if f.HasInterval() && isCount(cat, f.Indicator) {
		return formatCount(f.Lower, lang) + "–" + formatCount(f.Upper, lang)
	}
	return FormatInterval(f)
}

// unitSign is the sign printed after a value: ‰ or % (nothing for others).
func unitSign(cat *models.Catalog, ind string) string {
	i, _ := cat.Get(ind)
	switch i.Unit {
	case "‰", "%":
		return i.Unit
	}
	return ""
}

// Change is the difference between two figures of one indicator.
type Change struct {
	Valid bool
	Diff  float64 // current − base in the indicator's unit
	Pct   float64 // relative change in %, for counts; NaN otherwise
	Dir   int     // +1 rise, −1 fall, 0 unchanged at the printed precision
}

// Compare returns the change from base to cur.
func Compare(cat *models.Catalog, cur, base Figure) Change {
	if !cur.Valid() || !base.Valid() {
		return Change{Pct: math.NaN()}
	}
	c := Change{Valid: true, Diff: cur.Value - base.Value, Pct: math.NaN()}
	if isCount(cat, cur.Indicator) {
		if base.Value != 0 {
			c.Pct = 100 * c.Diff / base.Value
		}
		switch {
		case math.Round(c.Diff) > 0:
			c.Dir = 1
		case math.Round(c.Diff) < 0:
			c.Dir = -1
		}
		return c
	}
	// Unchanged when the difference rounds to zero at the printed precision.
	if formatNumber(math.Abs(c.Diff), decimalsOf(cur.Indicator)) != formatNumber(0, decimalsOf(cur.Indicator)) {
		if c.Diff > 0 {
			c.Dir = 1
		} else {
			c.Dir = -1
		}
	}
	return c
}

// Arrow is the direction sign of a change: ↑, ↓ or →.
func (c Change) Arrow() string {
	switch {
	case !c.Valid:
		return ""
	case c.Dir > 0:
		return "↑"
	case c.Dir < 0:
		return "↓"
	}
	return "→"
}

// Tone says whether a change is good, bad or neutral for the indicator
// (catalog field Good): "good", "bad" or "neutral". For a "range"
// indicator it says where cur lies: in the normal range (good), outside
// it with its whole interval (bad), or in between (neutral).
func Tone(cat *models.Catalog, cur Figure, c Change) string {
	ind, _ := cat.Get(cur.Indicator)
	switch ind.Good {
	case "range":
		switch {
		case !cur.Valid() || len(ind.Range) != 2:
			return "neutral"
		case rangeTone(cat, cur) == "bad":
			return "bad"
		case cur.Value >= ind.Range[0] && cur.Value <= ind.Range[1]:
			return "good"
		}
		return "neutral"
	case "up", "down":
		if !c.Valid || c.Dir == 0 {
			return "neutral"
		}
		if (c.Dir > 0) == (ind.Good == "up") {
			return "good"
		}
		return "bad"
	}
	return "neutral"
}

// FormatChange prints a change for a table cell: "↑1.2%" for counts,
// "↓0.15" (in the indicator's unit, ‰ or percentage points) otherwise.
func FormatChange(cat *models.Catalog, ind string, c Change) string {
	if !c.Valid {
		return "—"
	}
	if isCount(cat, ind) {
		if math.IsNaN(c.Pct) {
			return c.Arrow() + formatInt(math.Abs(c.Diff))
		}
		return c.Arrow() + formatNumber(math.Abs(c.Pct), 1) + "%"
	}
	return c.Arrow() + formatNumber(math.Abs(c.Diff), decimalsOf(ind))
}
