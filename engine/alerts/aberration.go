package alerts

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/detect"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/models"
)

// series are the monthly counts of the measures of the aberration rules
// for every unit of the levels they need, read in one query.
type series struct {
	months []string                        // period labels in order
	units  map[models.Level][]string       // divisions per level, sorted
	counts map[string]map[string][]float64 // division → measure → counts by month
}

// readSeries reads the monthly counts of measures for the units of levels.
func (ev *evaluation) readSeries(ctx context.Context, measures []string, levels []models.Level) (*series, error) {
	s := &series{units: map[models.Level][]string{}, counts: map[string]map[string][]float64{}}
	if len(measures) == 0 || len(levels) == 0 {
		return s, nil
	}
	var lv, cols []string
	for _, l := range levels {
		lv = append(lv, fmt.Sprint(int(l)))
	}
	for _, m := range measures {
		cols = append(cols, `"`+m+`"`)
	}
	mrows, err := ev.db.QueryContext(ctx, `SELECT DISTINCT period FROM cube.measures WHERE version = ? AND ptype = 'month' ORDER BY period`, ev.version)
	if err != nil {
		return nil, fmt.Errorf("months: %w", err)
	}
	idx := map[string]int{}
	for mrows.Next() {
		var p string
		if err := mrows.Scan(&p); err != nil {
			mrows.Close()
			return nil, fmt.Errorf("months: %w", err)
		}
		idx[p] = len(s.months)
		s.months = append(s.months, p)
	}
	mrows.Close()
	rows, err := ev.db.QueryContext(ctx, `SELECT division, level, period, `+strings.Join(cols, ", ")+`
		FROM cube.measures WHERE version = ? AND ptype = 'month' AND level IN (`+strings.Join(lv, ",")+`)
		ORDER BY level, division, period`, ev.version)
	if err != nil {
		return nil, fmt.Errorf("monthly series: %w", err)
	}
	defer rows.Close()
	vals := make([]nullFloat, len(measures))
	dest := make([]any, 3+len(measures))
	var div, period string
	var level int
	dest[0], dest[1], dest[2] = &div, &level, &period
	for i := range vals {
		dest[3+i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("monthly series: %w", err)
		}
		if !ev.evaluated(div) {
			continue
		}
		c, ok := s.counts[div]
		if !ok {
			c = map[string][]float64{}
			for _, m := range measures {
				c[m] = make([]float64, len(s.months))
			}
			s.counts[div] = c
			s.units[models.Level(level)] = append(s.units[models.Level(level)], div)
		}
		for i, m := range measures {
			if vals[i].valid {
				c[m][idx[period]] = vals[i].v
			}
		}
	}
	return s, rows.Err()
}

// detectOptions returns the detect options of rule r for a series of n
// months; ok is false when the series is too short for the method.
func detectOptions(r *Rule, n int) (detect.Options, bool) {
	var o detect.Options
	if r.Options != nil {
		o = *r.Options
	}
	if o.Period == 0 {
		o.Period = 12
	}
	switch r.Condition {
	case Below:
		o.Side = detect.SideLower
	case Above:
		o.Side = detect.SideUpper
	default:
		o.Side = detect.SideBoth
	}
	switch r.Method {
	case detect.MethodFarrington:
		w := o.Window
		if w == 0 {
			w = 3
		}
		if o.Years == 0 {
			o.Years = min(5, (n-1-w)/o.Period)
		}
		return o, o.Years >= 1 && n > o.Years*o.Period+w
	case detect.MethodCUSUM:
		if o.Train == 0 {
			o.Train = 2 * o.Period
		}
		return o, n > o.Train
	}
	return o, n > 7
}

// aberrationCandidates runs rule r over every unit of its levels and
// every month. Per level and month, the p-values of the units assessed
// are controlled with Benjamini–Hochberg at r.FDR; an alert needs the
// method's alarm, the BH rejection (methods without a p-value: the alarm
// alone), an expected count of at least MinDenominator and a deviation
// passing a colour threshold.
func (ev *evaluation) aberrationCandidates(r *Rule, s *series, res0 *Result) ([]Alert, bool, error) {
	opts, ok := detectOptions(r, len(s.months))
	if !ok {
		return nil, false, nil
	}
	var out []Alert
	for _, l := range r.levels() {
		units := s.units[l]
		res := make([][]detect.Result, len(units))
		errs := make([]error, len(units))
		var wg sync.WaitGroup
		next := make(chan int)
		for range ev.workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					x := s.counts[units[i]][r.Indicator]
					if tooSmall(x, r.MinDenominator) {
						res[i] = unassessed(x)
						continue
					}
					res[i], errs[i] = detect.Detect(r.Method, x, opts)
				}
			}()
		}
		for i := range units {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				return nil, true, fmt.Errorf("rule %s, unit %s: %w", r.ID, units[i], err)
			}
		}
		p := make([]float64, len(units))
		prev := make([]evidence, len(units))
		for t := range len(s.months) - r.skipRecent() {
			judged := make([]bool, len(units))
			for i := range units {
				rr := res[i][t]
				p[i] = math.NaN()
				// a count still being registered is not judged (engine/nowcast)
				_, prov := ev.provisional[nowcast.Key(r.Indicator, units[i], s.months[t])]
				judged[i] = rr.Assessed() && !prov
				if judged[i] && rr.Expected >= r.MinDenominator {
					p[i] = rr.PValue
					res0.judged(r.ID, units[i])
				}
			}
			q := detect.BHAdjust(p)
			cur := make([]evidence, len(units))
			for i := range units {
				rr := res[i][t]
				if !rr.Alarm || !judged[i] || !(rr.Expected >= r.MinDenominator) {
					continue
				}
				if !math.IsNaN(rr.PValue) && !(q[i] <= r.FDR) {
					continue
				}
				cur[i] = evidence{on: true, low: rr.Low, dev: math.Abs(rr.Observed/rr.Expected-1) * 100, expected: rr.Expected, q: q[i]}
				if a, hit := ev.aberrationAlert(r, units[i], l, s.months[t], rr, cur[i], prev[i]); hit {
					out = append(out, a)
				}
			}
			prev = cur
		}
	}
	return out, true, nil
}

// tooSmall reports whether a series' mean is below half the minimum
// expected count: such a unit would not be judged (its expected counts
// fall short of the minimum), so the detector is not run on it.
func tooSmall(x []float64, minExpected float64) bool {
	if minExpected <= 0 || len(x) == 0 {
		return false
	}
	return sumOf(x)/float64(len(x)) < minExpected/2
}

// unassessed returns results for x that assess no period.
func unassessed(x []float64) []detect.Result {
	nan := math.NaN()
	out := make([]detect.Result, len(x))
	for i, v := range x {
		out[i] = detect.Result{Index: i, Observed: v, Expected: nan, Upper: nan, Lower: nan, Score: nan, PValue: nan}
	}
	return out
}

// aberrationAlert turns one alarm into an alert when its deviation from
// the expected count passes a colour threshold with the evidence of its
// grade (gradeAberration; prev is the unit's previous month).
func (ev *evaluation) aberrationAlert(r *Rule, div string, l models.Level, month string, rr detect.Result, cur, prev evidence) (Alert, bool) {
	dev := cur.dev
	cond := Above
	if rr.Low {
		cond = Below
	}
	colour, thr := r.gradeAberration(cur, prev)
	if colour == "" {
		return Alert{}, false
	}
	a := ev.newAlert(r, div, l, cube.PeriodMonth, month)
	a.Condition = cond
	a.Value, a.Numerator, a.Expected, a.PValue = rr.Observed, rr.Observed, rr.Expected, rr.PValue
	a.Lower, a.Upper = rr.Lower, rr.Upper
	a.Colour, a.Threshold = colour, thr
	f := newFields()
	if m, ok := measureNames[r.Indicator]; ok {
		f.set2("indicator", m.ZH, m.EN)
	} else {
		f.set("indicator", r.Indicator)
	}
	f.set("expected", num(rr.Expected, 1))
	f.set("deviation", num(dev, 1))
	f.set2("p", pvalue(rr.PValue, ""), pvalue(rr.PValue, " "))
	if cond == Below {
		f.set("bound", num(rr.Lower, 0))
		f.set2("bound_label", "下限", "lower bound")
		f.set2("change", "低于预期", "below expectation")
	} else {
		f.set("bound", num(rr.Upper, 0))
		f.set2("bound_label", "上限", "upper bound")
		f.set2("change", "高于预期", "above expectation")
	}
	explain(r, &a, a.UnitName, f)
	return a, true
}

// measureNames are the measures by id.
var measureNames = func() map[string]models.Measure {
	m := map[string]models.Measure{}
	for _, ms := range models.Measures {
		m[ms.ID] = ms
	}
	return m
}()
