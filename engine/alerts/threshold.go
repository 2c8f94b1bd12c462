package alerts

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
)

// measureCache holds cube.measures rows read once per level and period
// type, so that every rule deriving values below the materialised level
// shares one query.
type measureCache struct {
	ev   *evaluation
	rows map[string][]cube.MeasureRow
}

// get returns the measure rows of a level and period type.
func (m *measureCache) get(ctx context.Context, level models.Level, ptype string) ([]cube.MeasureRow, error) {
	key := fmt.Sprint(level, ptype)
	if r, ok := m.rows[key]; ok {
		return r, nil
	}
	rows, err := m.ev.db.QueryContext(ctx, `SELECT `+cube.MeasureSelect()+` FROM cube.measures WHERE version = ? AND level = ? AND ptype = ? ORDER BY division, period`,
		m.ev.version, int(level), ptype)
	if err != nil {
		return nil, fmt.Errorf("measures of level %d: %w", level, err)
	}
	defer rows.Close()
	r, err := cube.ScanMeasureRows(rows)
	if err != nil {
		return nil, fmt.Errorf("measures of level %d: %w", level, err)
	}
	m.rows[key] = r
	return r, nil
}

// thresholdCandidates evaluates a threshold rule on every unit of its
// levels and every period of its type: the materialised values from
// cube.values, and below the materialised level values derived in bulk
// from cube.measures with cube.Derive. ok is false when the indicator
// has no values at all (the rule is then skipped).
func (ev *evaluation) thresholdCandidates(ctx context.Context, r *Rule, mc *measureCache) (out []Alert, ok bool, err error) {
	ind, known := ev.catalog.Get(r.Indicator)
	var levels []string
	for _, l := range r.levels() {
		levels = append(levels, fmt.Sprint(int(l)))
	}
	rows, err := ev.db.QueryContext(ctx, `SELECT division, level, period, value, lower, upper, numerator, denominator
		FROM cube.values WHERE version = ? AND indicator = ? AND ptype = ? AND breakdown = '' AND level IN (`+strings.Join(levels, ",")+`)
		ORDER BY level, division, period`, ev.version, r.Indicator, r.PeriodType)
	if err != nil {
		return nil, false, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	have := map[models.Level]bool{}
	var pv prevValue
	for rows.Next() {
		var v cube.Value
		var lvl int
		var val, lo, hi, num, den nullFloat
		if err := rows.Scan(&v.Division, &lvl, &v.Period, &val, &lo, &hi, &num, &den); err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		v.Level, v.PeriodType = models.Level(lvl), r.PeriodType
		v.Value, v.Lower, v.Upper, v.Numerator, v.Denominator = val.f(), lo.f(), hi.f(), num.f(), den.f()
		have[v.Level] = true
		if a, hit := ev.judge(r, ind, v, pv.next(r, ind, v)); hit {
			out = append(out, a)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	// Levels below the materialised ones: derive from the measures.
	for _, l := range r.levels() {
		if have[l] || l <= ev.valueLevel || !known || !cube.Derivable(ind) {
			continue
		}
		mrows, err := mc.get(ctx, l, r.PeriodType)
		if err != nil {
			return nil, false, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		pv = prevValue{}
		for _, m := range mrows {
			v, err := cube.Derive(ind, m.Counts)
			if err != nil {
				return nil, false, fmt.Errorf("rule %s: %w", r.ID, err)
			}
			v.Division, v.Level, v.PeriodType, v.Period = m.Division, m.Level, m.PeriodType, m.Period
			have[l] = true
			if a, hit := ev.judge(r, ind, v, pv.next(r, ind, v)); hit {
				out = append(out, a)
			}
		}
	}
	return out, len(have) > 0, nil
}

// prevValue remembers the previous value of the unit in a scan of
// values ordered by unit and period, for the persistence evidence of
// grading.
type prevValue struct {
	division string
	judged   float64
}

// next returns the number the unit's previous period was judged on at
// 95 % (NaN for a unit's first period or a value too small to judge) and
// records v as the previous value.
func (p *prevValue) next(r *Rule, ind models.Indicator, v cube.Value) float64 {
	prev := math.NaN()
	if p.division == v.Division {
		prev = p.judged
	}
	p.division, p.judged = v.Division, math.NaN()
	if !tooFew(r, v) {
		p.judged = r.judgedAt(readingOf(ind, v), z95)
	}
	return prev
}

// judge applies rule r to one value, given prev, the number the unit's
// previous period was judged on (NaN: none); hit is true when a colour's
// threshold is passed with the evidence of its grade (gradeThreshold).
// Empty values, values under the rule's minimum denominator or numerator
// and values with a degenerate interval are not judged (see tooFew).
func (ev *evaluation) judge(r *Rule, ind models.Indicator, v cube.Value, prev float64) (Alert, bool) {
	if tooFew(r, v) {
		return Alert{}, false
	}
	if ev.res != nil && ev.evaluated(v.Division) {
		ev.res.judged(r.ID, v.Division)
	}
	colour, thr := r.gradeThreshold(readingOf(ind, v), prev)
	if colour == "" {
		return Alert{}, false
	}
	a := ev.newAlert(r, v.Division, v.Level, v.PeriodType, v.Period)
	a.Condition = r.Condition
	a.Value, a.Lower, a.Upper = v.Value, v.Lower, v.Upper
	a.Numerator, a.Denominator = v.Numerator, v.Denominator
	a.Colour, a.Threshold = colour, thr
	f := newFields()
	name := ind.ID
	f.set2("indicator", name, name)
	if ind.ID != "" {
		f.set2("indicator", ind.ZH, ind.EN)
	}
	explain(r, &a, a.UnitName, f)
	return a, true
}

// tooFew reports whether value v is too small a number for rule r to
// judge: empty (NaN), a denominator or numerator below the rule's
// minimum or unknown, or a degenerate interval (lower = upper, e.g. a TFR
// of 0.00 (0.00–0.00) from zero births, whose delta-method variance is
// zero): such an interval says nothing about the uncertainty.
func tooFew(r *Rule, v cube.Value) bool {
	switch {
	case math.IsNaN(v.Value):
		return true
	case r.MinDenominator > 0 && !(v.Denominator >= r.MinDenominator):
		return true
	case r.MinNumerator > 0 && !(v.Numerator >= r.MinNumerator):
		return true
	}
	return !math.IsNaN(v.Lower) && v.Lower == v.Upper
}

// newAlert returns an alert of rule r for a unit and period with the
// identity fields filled in and the numbers undefined.
func (ev *evaluation) newAlert(r *Rule, division string, level models.Level, ptype, period string) Alert {
	nan := math.NaN()
	return Alert{
		ID: AlertID(r.ID, division, period), Version: ev.version, Rule: r.ID, Kind: r.Kind, Indicator: r.Indicator,
		Division: division, Level: level, UnitName: ev.unitName(division), PeriodType: ptype, Period: period,
		Value: nan, Lower: nan, Upper: nan, Expected: nan, Numerator: nan, Denominator: nan, PValue: nan, Threshold: nan,
	}
}

// unitName returns the name of a unit as the explanations use it: the
// province's name for a province, below it the full name from the city
// down (models.DivisionTree.FullName without the province, e.g.
// "成都市锦江区"); the code when the tree does not know the unit.
func (ev *evaluation) unitName(code string) string {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if n, ok := ev.names[code]; ok {
		return n
	}
	n, err := ev.tree.FullName(code)
	if err != nil {
		n = code
	} else if l, err := models.LevelOfCode(code); err == nil && l > models.LevelProvince {
		if p, err := ev.tree.Get(code[:2]); err == nil {
			n = strings.TrimPrefix(n, p.Name)
		}
	}
	ev.names[code] = n
	return n
}

// nullFloat scans a nullable DOUBLE, NULL as NaN.
type nullFloat struct {
	v     float64
	valid bool
}

// Scan implements sql.Scanner.
func (n *nullFloat) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		n.valid = false
	case float64:
		n.v, n.valid = x, true
	case float32:
		n.v, n.valid = float64(x), true
	case int64:
		n.v, n.valid = float64(x), true
	default:
		return fmt.Errorf("unexpected %T for a DOUBLE", src)
	}
	return nil
}

func (n nullFloat) f() float64 {
	if !n.valid {
		return math.NaN()
	}
	return n.v
}
