package alerts

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/padis/padis/engine/projinput"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// projectedNames are the names of the projected quantities.
var projectedNames = map[string][2]string{
	"school_3_5":   {"3-5岁（学前）人口", "population aged 3-5 (pre-school)"},
	"school_6_11":  {"6-11岁（小学）人口", "population aged 6-11 (primary school)"},
	"school_12_14": {"12-14岁（初中）人口", "population aged 12-14 (lower secondary)"},
	"school_15_17": {"15-17岁（高中）人口", "population aged 15-17 (upper secondary)"},
	"working_age":  {"15-59岁劳动年龄人口", "working-age population 15-59"},
	"pop_80plus":   {"80岁及以上人口", "population aged 80+"},
	"benefit_cost": {"农村部分计划生育家庭奖励扶助支出", "rural family-planning reward programme cost"},
}

// quantity returns a projected quantity of one year.
func quantity(id string, ind *projections.Indicators) float64 {
	switch id {
	case "school_3_5":
		return ind.School3to5
	case "school_6_11":
		return ind.School6to11
	case "school_12_14":
		return ind.School12to14
	case "school_15_17":
		return ind.School15to17
	case "working_age":
		return ind.Age15to59
	case "pop_80plus":
		return ind.Age80Plus
	case "benefit_cost":
		return ind.BenefitCost // beneficiaries × the input's yearly amount
	}
	return math.NaN()
}

// projectionInput holds what a unit's projection is built from.
type projectionInput struct {
	level    models.Level
	input    *projections.Input
	eligible float64 // reward-programme beneficiaries at the base date
	pop60    float64 // population 60+ at the base date
}

// readProjectionInputs builds the projection input of every evaluated
// unit of levels with projinput.FromStoreAll, the one builder of the CLI,
// the projections page and the report, with its defaults (the population
// resident at the as-of date, rates smoothed from the last 3 years of
// events, migration included), and reads the reward-programme
// beneficiaries and the population 60+ of the last month from
// cube.measures.
func (ev *evaluation) readProjectionInputs(ctx context.Context, levels []models.Level) (map[string]*projectionInput, error) {
	out := map[string]*projectionInput{}
	if len(levels) == 0 || ev.lastMonth == "" {
		return out, nil
	}
	var lv []string
	for _, l := range levels {
		lv = append(lv, fmt.Sprint(int(l)))
	}
	rows, err := ev.db.QueryContext(ctx, `SELECT division, level, eligible_reward, pop_60plus FROM cube.measures
		WHERE version = ? AND level IN (`+strings.Join(lv, ",")+`) AND ptype = 'month' AND period = ?`,
		ev.version, ev.lastMonth)
	if err != nil {
		return nil, fmt.Errorf("projection inputs: %w", err)
	}
	defer rows.Close()
	var divs []string
	for rows.Next() {
		var div string
		var level int
		var elig, p60 nullFloat
		if err := rows.Scan(&div, &level, &elig, &p60); err != nil {
			return nil, fmt.Errorf("projection inputs: %w", err)
		}
		if _, dup := out[div]; dup || !ev.evaluated(div) {
			continue
		}
		out[div] = &projectionInput{level: models.Level(level), eligible: elig.v, pop60: p60.v}
		divs = append(divs, div)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projection inputs: %w", err)
	}
	rows.Close()
	sort.Strings(divs)
	ins, _, err := projinput.FromStoreAll(ctx, ev.st, ev.version, divs, projinput.Options{})
	if err != nil {
		return nil, fmt.Errorf("projection inputs: %w", err)
	}
	for d, p := range out {
		if p.input = ins[d]; p.input == nil {
			delete(out, d) // nobody lived there in the window
		}
	}
	return out, nil
}

// Projections returns the projections the projection rules judge for
// the units (division codes) of version, horizon years ahead: the inputs
// of readProjectionInputs, constant rates. Only units the version's
// cube holds at the month of its latest data are projected.
func Projections(ctx context.Context, st *store.Store, version int64, units []string, horizon int) (map[string]*projections.Result, error) {
	ev := &evaluation{st: st, db: st.DB(), version: version, units: units}
	var last sql.NullString
	if err := ev.db.QueryRowContext(ctx, `SELECT max(period) FROM cube.measures WHERE version = ? AND ptype = 'month'`, version).Scan(&last); err != nil {
		return nil, fmt.Errorf("projections of version %d: %w", version, err)
	}
	ev.lastMonth = last.String
	var levels []models.Level
	for _, u := range units {
		l, err := models.LevelOfCode(u)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(levels, l) {
			levels = append(levels, l)
		}
	}
	inputs, err := ev.readProjectionInputs(ctx, levels)
	if err != nil {
		return nil, fmt.Errorf("projections of version %d: %w", version, err)
	}
	return ev.projectAll(inputs, horizon)
}

// projectAll projects every unit evaluated horizon years with constant
// rates (projectUnit).
func (ev *evaluation) projectAll(inputs map[string]*projectionInput, horizon int) (map[string]*projections.Result, error) {
	out := map[string]*projections.Result{}
	for div, p := range inputs {
		if !ev.evaluated(div) {
			continue
		}
		res, err := projectUnit(p, nil, horizon)
		if err != nil {
			return nil, fmt.Errorf("projection of %s: %w", div, err)
		}
		if res != nil {
			out[div] = res
		}
	}
	return out, nil
}

// projectUnit projects one unit horizon years under scenario sc (nil:
// constant rates); the reward programme's beneficiaries are the base
// share of the 60+ at every age 60+ (BenefitCost is then the number of
// beneficiaries: the rule multiplies it by its yearly amount). It returns
// nil for a unit without population.
func projectUnit(p *projectionInput, sc *projections.Scenario, horizon int) (*projections.Result, error) {
	in := p.input
	if sumOf(in.Pop[0])+sumOf(in.Pop[1]) <= 0 {
		return nil, nil
	}
	share := 0.0
	if p.pop60 > 0 {
		share = p.eligible / p.pop60
	}
	b := &projections.Benefit{Name: "reward", AnnualAmount: 1}
	for s := range 2 {
		b.Share[s] = make([]float64, len(in.Pop[s]))
		for a := 60; a < len(b.Share[s]); a++ {
			b.Share[s][a] = share
		}
	}
	in.Benefit = b
	return projections.Project(in, sc, horizon)
}

// variantProjector returns the projections of one unit under the
// built-in scenarios that orange and red need (projectionGrades), made
// on first use and kept.
func variantProjector(p *projectionInput, horizon int) func(string) (*projections.Result, error) {
	made := map[string]*projections.Result{}
	return func(name string) (*projections.Result, error) {
		if res, ok := made[name]; ok {
			return res, nil
		}
		sc, ok := projections.BuiltinScenario(name)
		if !ok {
			return nil, fmt.Errorf("no built-in scenario %q", name)
		}
		res, err := projectUnit(p, sc, horizon)
		if err != nil {
			return nil, err
		}
		made[name] = res
		return res, nil
	}
}

func sumOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// projectionGrades are the built-in scenarios (projections.BuiltinScenarios)
// under which a projection rule's line must be passed as well, indexed as
// Colours: the evidence of a projection grade (docs/alerts.md, "Grading").
// Blue and yellow need the central projection (constant rates, migration
// included) past the line; orange also the UN low and high fertility
// variants (TFR ∓ 0.5); red also zero migration. A projection has one
// base period, so there is no persistence; its uncertainty is that of its
// assumptions, and a red alert must hold whichever of them is wrong.
var projectionGrades = [4][]string{
	nil, nil,
	{projections.ScenarioLow, projections.ScenarioHigh},
	{projections.ScenarioLow, projections.ScenarioHigh, projections.ScenarioZeroMigration},
}

// projectedChange returns what rule r judges in a projection: the signed
// value (school cohorts: the largest change in % within the horizon;
// working age: the average yearly decline in %; 80+ and benefit cost: the
// ratio to the base), the number compared with the lines (|value| for
// school cohorts), the base and projected quantities and the year index
// the value refers to. ok is false when the projection is too short or the
// base under the rule's minimum.
func (r *Rule) projectedChange(res *projections.Result) (value, judged, base, projected float64, target int, ok bool) {
	ind := res.Indicators
	if len(ind) <= r.Horizon {
		return 0, 0, 0, 0, 0, false
	}
	q := func(t int) float64 {
		v := quantity(r.Indicator, &ind[t])
		if r.Indicator == "benefit_cost" {
			v *= r.AnnualAmount
		}
		return v
	}
	base = q(0)
	minBase := base
	if r.Indicator == "benefit_cost" {
		minBase = ind[0].Eligible
	}
	if !(base > 0) || !(minBase >= r.MinDenominator) {
		return 0, 0, 0, 0, 0, false
	}
	target = r.Horizon
	switch r.Indicator {
	case "working_age":
		projected = q(r.Horizon)
		value = (1 - math.Pow(projected/base, 1/float64(r.Horizon))) * 100
		judged = value
	case "pop_80plus", "benefit_cost":
		projected = q(r.Horizon)
		value = projected / base
		judged = value
	default: // school cohorts: the largest change within the horizon
		for t := 1; t <= r.Horizon; t++ {
			c := (q(t)/base - 1) * 100
			if math.Abs(c) > math.Abs(value) {
				value, target = c, t
			}
		}
		projected = q(target)
		judged = math.Abs(value)
	}
	return value, judged, base, projected, target, true
}

// gradeProjection returns the most severe colour whose line the central
// projection's judged number passes and whose scenarios (projectionGrades)
// pass it too, with the same sign of change, and that line; "" when none.
// under returns the signed value and the judged number of the rule in the
// projection of a scenario (ok false: none).
func (r *Rule) gradeProjection(value, judged float64, under func(scenario string) (float64, float64, bool)) (string, float64) {
	ts := r.Thresholds.list()
	for k := len(ts) - 1; k >= 0; k-- {
		t := ts[k]
		if t == nil || !(judged > *t) {
			continue
		}
		held := true
		for _, sc := range projectionGrades[k] {
			v, j, ok := under(sc)
			if !ok || !(j > *t) || (v < 0) != (value < 0) {
				held = false
				break
			}
		}
		if held {
			return Colours[k], *t
		}
	}
	return "", math.NaN()
}

// projectionAlert judges rule r on the central projection res of one unit,
// graded with the unit's scenario projections from variant
// (variantProjector; nil: none, so orange and red are out of reach).
func (ev *evaluation) projectionAlert(r *Rule, div string, level models.Level, res *projections.Result, variant func(string) (*projections.Result, error)) (Alert, bool, error) {
	value, judged, b, projected, target, ok := r.projectedChange(res)
	if !ok {
		return Alert{}, false, nil
	}
	var verr error
	colour, thr := r.gradeProjection(value, judged, func(sc string) (float64, float64, bool) {
		if variant == nil || verr != nil {
			return 0, 0, false
		}
		vr, err := variant(sc)
		if err != nil {
			verr = fmt.Errorf("projection of %s, scenario %s: %w", div, sc, err)
			return 0, 0, false
		}
		if vr == nil {
			return 0, 0, false
		}
		v, j, _, _, _, ok := r.projectedChange(vr)
		return v, j, ok
	})
	if verr != nil {
		return Alert{}, false, verr
	}
	if colour == "" {
		return Alert{}, false, nil
	}
	ind := res.Indicators
	by, ty := ind[0].Year, ind[target].Year
	a := ev.newAlert(r, div, level, "projection", fmt.Sprintf("%d-%d", by, by+r.Horizon))
	a.Condition = Above
	if value < 0 && r.Indicator != "working_age" {
		a.Condition = Below
	}
	a.Value, a.Expected, a.Numerator = value, b, projected
	a.Colour, a.Threshold = colour, thr
	f := newFields()
	n := projectedNames[r.Indicator]
	f.set2("indicator", n[0], n[1])
	f.set("base", num(b, r.decimals()))
	f.set("projected", num(projected, r.decimals()))
	f.set("base_year", fmt.Sprint(by))
	f.set("target_year", fmt.Sprint(ty))
	f.set("change_signed", fmt.Sprintf("%+.1f", (projected/b-1)*100))
	f.set("value", num(value, 1))
	if r.Indicator == "pop_80plus" || r.Indicator == "benefit_cost" {
		f.set("value", num(value, 2))
	}
	explain(r, &a, a.UnitName, f)
	return a, true, nil
}
