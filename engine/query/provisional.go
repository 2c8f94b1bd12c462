package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/models"
)

// Provisional values (docs/indicators.md, "Provisional rates"). A value is
// provisional (初步数) when its period contains a month that engine/nowcast
// found incompletely registered for an event count the indicator rests on.
// Where the unit has its own nowcast, the value is corrected:
//
//   - a count of births, deaths or moves keeps the registered count as
//     Value and Registered and gets Nowcast = registered + Σ (nowcast −
//     registered) over the provisional months, with the sum of the
//     months' interval bounds as NowcastLower…NowcastUpper;
//   - a rate whose numerator is such a count (CBR, CDR) is computed from
//     that nowcast numerator: Value = N̂ / denominator, Registered the rate
//     from the registered numerator, and the 95 % interval widened to the
//     exact Poisson lower bound of the nowcast's lower bound and the exact
//     Poisson upper bound of its upper bound;
//   - TFR is scaled by N̂ / B (births 15–49 of the period), its interval
//     bounds by the ratios of the nowcast's bounds, which assumes the
//     births still to be registered have the age pattern of the registered
//     ones.
//
// Every other indicator resting on those counts (SRB, order shares, IMR,
// RNI, MAC, e0, breakdowns, variants) and every unit without its own
// nowcast (townships and villages borrow their county's, city's or
// province's flag) is flagged provisional with Registered = Value and no
// nowcast.

// laggedCounts returns the count indicators engine/nowcast corrects that
// ind's value rests on.
func laggedCounts(cat *models.Catalog, ind models.Indicator) []string {
	if ind.Base != "" {
		if b, ok := cat.Get(ind.Base); ok && b.Base == "" {
			return laggedCounts(cat, b)
		}
	}
	switch ind.Method {
	case "asfr", "tfr", "mac":
		return []string{"births"}
	case "e0":
		return []string{"deaths"}
	case "rni":
		return []string{"births", "deaths"}
	}
	var out []string
	for _, m := range []string{ind.Numerator, ind.Denominator} {
		var c string
		switch {
		case strings.HasPrefix(m, "births"):
			c = "births"
		case m == "deaths" || m == "infant_deaths":
			c = "deaths"
		case strings.HasPrefix(m, "migrants_in"):
			c = "migrants_in"
		case strings.HasPrefix(m, "migrants_out"):
			c = "migrants_out"
		}
		if c != "" && (len(out) == 0 || out[0] != c) {
			out = append(out, c)
		}
	}
	return out
}

// periodMonths returns the months (YYYY-MM) of a period of ptype.
func periodMonths(ptype, label string) []string {
	month := func(mi int) string { return fmt.Sprintf("%04d-%02d", mi/12, mi%12+1) }
	parse := func(s string) (int, bool) { // YYYY-MM → month index
		y, err1 := strconv.Atoi(s[:min(4, len(s))])
		m, err2 := strconv.Atoi(s[min(5, len(s)):])
		return y*12 + m - 1, err1 == nil && err2 == nil && len(s) == 7
	}
	var first, n int
	switch ptype {
	case cube.PeriodMonth:
		return []string{label}
	case cube.PeriodQuarter:
		y, err := strconv.Atoi(label[:min(4, len(label))])
		if err != nil || len(label) != 7 {
			return nil
		}
		first, n = y*12+int(label[6]-'1')*3, 3
	case cube.PeriodYear:
		y, err := strconv.Atoi(label)
		if err != nil {
			return nil
		}
		first, n = y*12, 12
	case cube.PeriodR12:
		end, ok := parse(strings.TrimPrefix(label, "R12-"))
		if !ok {
			return nil
		}
		first, n = end-11, 12
	default:
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = month(first + i)
	}
	return out
}

// lag is what the provisional months of a period add to a count: the
// nowcast minus the registered count, and the same for the interval's
// bounds, summed over the months.
type lag struct {
	add, addLower, addUpper float64
}

// lagOf sums the nowcasts of count for division over months; ok is false
// when no month of the period is provisional for the division itself.
func (r *Run) lagOf(count, division string, months []string) (l lag, ok bool) {
	for _, m := range months {
		n, found := r.provisional[nowcast.Key(count, division, m)]
		if !found {
			continue
		}
		ok = true
		l.add += n.Nowcast - n.Registered
		l.addLower += n.Lower - n.Registered
		l.addUpper += n.Upper - n.Registered
	}
	return l, ok
}

// anyProvisional reports whether some unit has a provisional month among
// months (provMonths, filled by Reload).
func (r *Run) anyProvisional(months []string) bool {
	for _, m := range months {
		if r.provMonths[m] {
			return true
		}
	}
	return false
}

// provisionalAbove reports whether an ancestor of division (county, city,
// province) has a provisional month of count in months.
func (r *Run) provisionalAbove(count, division string, months []string) bool {
	for _, l := range nowcast.Levels {
		if n := l.CodeLen(); n < len(division) {
			if _, ok := r.lagOf(count, division[:n], months); ok {
				return true
			}
		}
	}
	return false
}

// markProvisional marks v provisional when its period holds a month still
// being registered for a count ind rests on, and corrects it where it can
// (see the comment at the top of this file). It runs before cube.Assess so
// that a corrected value's reliability is judged on its nowcast numerator.
func (r *Run) markProvisional(cat *models.Catalog, ind models.Indicator, v *cube.Value) {
	if len(r.provisional) == 0 || math.IsNaN(v.Value) {
		return
	}
	counts := laggedCounts(cat, ind)
	if len(counts) == 0 {
		return
	}
	months := periodMonths(v.PeriodType, v.Period)
	if !r.anyProvisional(months) {
		return // the common case, decided without building keys
	}
	own, above := 0, false
	var l lag
	for _, c := range counts {
		if cl, ok := r.lagOf(c, v.Division, months); ok {
			own++
			l = cl
		} else if r.provisionalAbove(c, v.Division, months) {
			above = true
		}
	}
	if own == 0 && !above {
		return
	}
	v.Provisional, v.Registered, v.Nowcast, v.NowcastLower, v.NowcastUpper = true, v.Value, math.NaN(), math.NaN(), math.NaN()
	if own != 1 || len(counts) != 1 || v.Breakdown != "" {
		return // flagged only
	}
	switch {
	case ind.Kind == models.KindCount && ind.ID == counts[0]:
		v.Nowcast, v.NowcastLower, v.NowcastUpper = v.Value+l.add, math.Max(0, v.Value+l.addLower), v.Value+l.addUpper
	case ind.Kind == models.KindRate && ind.Numerator == counts[0] && ind.Interval == models.IntervalPoissonExact && v.Denominator > 0:
		k := ind.Scale / v.Denominator
		now, lo, hi := v.Numerator+l.add, math.Max(0, v.Numerator+l.addLower), v.Numerator+l.addUpper
		plo, _ := cube.PoissonExact(lo)
		_, phi := cube.PoissonExact(hi)
		v.Value, v.Numerator = now*k, now
		v.Lower, v.Upper = plo*k, phi*k
		v.Nowcast, v.NowcastLower, v.NowcastUpper = now*k, lo*k, hi*k
	case ind.Method == "tfr" && v.Numerator > 0:
		b := v.Numerator
		f, flo, fhi := (b+l.add)/b, math.Max(0, b+l.addLower)/b, (b+l.addUpper)/b
		v.Nowcast, v.NowcastLower, v.NowcastUpper = v.Value*f, v.Value*flo, v.Value*fhi
		v.Value, v.Numerator = v.Value*f, b+l.add
		v.Lower, v.Upper = v.Lower*flo, v.Upper*fhi
	}
}
