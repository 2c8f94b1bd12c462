package alerts

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/padis/padis/engine/projinput"
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
	counts   *projinput.Counts
	eligible float64 // reward-programme beneficiaries at the base date
	pop60    float64 // population 60+ at the base date
}

// readProjectionInputs builds the raw projection counts of every unit of
// levels in bulk from the cube: the base population by sex and single age
// at the end of the last month (cube.age, month), deaths, person-years
// and births by mother's age over the 12 months to it (cube.age, r12),
// births by sex and the reward-programme beneficiaries from cube.measures.
// Migration is not modelled (natural change only; see docs/alerts.md).
func (ev *evaluation) readProjectionInputs(ctx context.Context, levels []models.Level) (map[string]*projectionInput, error) {
	out := map[string]*projectionInput{}
	if len(levels) == 0 || ev.lastMonth == "" {
		return out, nil
	}
	var lv []string
	for _, l := range levels {
		lv = append(lv, fmt.Sprint(int(l)))
	}
	last, r12 := ev.lastMonth, "R12-"+ev.lastMonth
	base, err := time.Parse("2006-01", last)
	if err != nil {
		return nil, fmt.Errorf("projection base %q: %w", last, err)
	}
	base = base.AddDate(0, 1, -1)
	get := func(div string, level int) *projectionInput {
		p, ok := out[div]
		if !ok {
			c := &projinput.Counts{Prov: projinput.Provenance{Version: ev.version, Scope: ev.scope, Division: div, BaseDate: base, WindowEnd: base, WindowYears: 1}}
			G := projinput.OpenAge + 1
			nf := projections.FertileTo - projections.FertileFrom
			c.Counts.Ages = projections.SingleAges(projinput.OpenAge)
			c.Counts.Births, c.Counts.WomenYears = make([]float64, nf), make([]float64, nf)
			for s := range 2 {
				c.Pop[s] = make([]float64, G)
				c.Counts.Deaths[s], c.Counts.PersonYears[s] = make([]float64, G), make([]float64, G)
			}
			p = &projectionInput{level: models.Level(level), counts: c}
			out[div] = p
		}
		return p
	}
	rows, err := ev.db.QueryContext(ctx, `SELECT division, level, ptype, sex, age, pop, py, deaths, births FROM cube.age
		WHERE version = ? AND level IN (`+strings.Join(lv, ",")+`) AND ((ptype = 'month' AND period = ?) OR (ptype = 'r12' AND period = ?))`,
		ev.version, last, r12)
	if err != nil {
		return nil, fmt.Errorf("projection inputs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var div, ptype string
		var level, sex, age int
		var pop, py, deaths, births float64
		if err := rows.Scan(&div, &level, &ptype, &sex, &age, &pop, &py, &deaths, &births); err != nil {
			return nil, fmt.Errorf("projection inputs: %w", err)
		}
		if sex < 1 || sex > 2 || age < 0 || age > projinput.OpenAge {
			continue
		}
		c := get(div, level).counts
		s := sex - 1
		if ptype == "month" {
			c.Pop[s][age] += pop
			continue
		}
		c.Counts.Deaths[s][age] += deaths
		c.Counts.PersonYears[s][age] += py
		if age >= projections.FertileFrom && age < projections.FertileTo {
			c.Counts.Births[age-projections.FertileFrom] += births
			if s == 1 {
				c.Counts.WomenYears[age-projections.FertileFrom] += py
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projection inputs: %w", err)
	}
	rows.Close()
	mrows, err := ev.db.QueryContext(ctx, `SELECT division, ptype, births_male, births_female, eligible_reward, pop_60plus FROM cube.measures
		WHERE version = ? AND level IN (`+strings.Join(lv, ",")+`) AND ((ptype = 'month' AND period = ?) OR (ptype = 'r12' AND period = ?))`,
		ev.version, last, r12)
	if err != nil {
		return nil, fmt.Errorf("projection inputs: %w", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var div, ptype string
		var bm, bf, elig, p60 nullFloat
		if err := mrows.Scan(&div, &ptype, &bm, &bf, &elig, &p60); err != nil {
			return nil, fmt.Errorf("projection inputs: %w", err)
		}
		p, ok := out[div]
		if !ok {
			continue
		}
		if ptype == "r12" {
			p.counts.Counts.BirthsBySex = [2]float64{bm.v, bf.v}
		} else {
			p.eligible, p.pop60 = elig.v, p60.v
		}
	}
	return out, mrows.Err()
}

// projectAll projects every unit evaluated horizon years with constant
// rates; the reward programme's beneficiaries are the base share of the
// 60+ at every age 60+ (BenefitCost is then the number of beneficiaries:
// the rule multiplies it by its yearly amount).
func (ev *evaluation) projectAll(inputs map[string]*projectionInput, horizon int) (map[string]*projections.Result, error) {
	out := map[string]*projections.Result{}
	for div, p := range inputs {
		if !ev.evaluated(div) || sumOf(p.counts.Pop[0])+sumOf(p.counts.Pop[1]) <= 0 {
			continue
		}
		in, err := p.counts.Input(projinput.Options{Name: div})
		if err != nil {
			return nil, fmt.Errorf("projection of %s: %w", div, err)
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
		res, err := projections.Project(in, nil, horizon)
		if err != nil {
			return nil, fmt.Errorf("projection of %s: %w", div, err)
		}
		out[div] = res
	}
	return out, nil
}

func sumOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// projectionAlert judges rule r on the projection of one unit.
func (ev *evaluation) projectionAlert(r *Rule, div string, level models.Level, res *projections.Result) (Alert, bool) {
	ind := res.Indicators
	if len(ind) <= r.Horizon {
		return Alert{}, false
	}
	q := func(t int) float64 {
		v := quantity(r.Indicator, &ind[t])
		if r.Indicator == "benefit_cost" {
			v *= r.AnnualAmount
		}
		return v
	}
	b := q(0)
	minBase := b
	if r.Indicator == "benefit_cost" {
		minBase = ind[0].Eligible
	}
	if !(b > 0) || !(minBase >= r.MinDenominator) {
		return Alert{}, false
	}
	// The judged value and the year it refers to.
	var value, judged, projected float64
	target := r.Horizon
	switch r.Indicator {
	case "working_age":
		projected = q(r.Horizon)
		value = (1 - math.Pow(projected/b, 1/float64(r.Horizon))) * 100
		judged = value
	case "pop_80plus", "benefit_cost":
		projected = q(r.Horizon)
		value = projected / b
		judged = value
	default: // school cohorts: the largest change within the horizon
		for t := 1; t <= r.Horizon; t++ {
			c := (q(t)/b - 1) * 100
			if math.Abs(c) > math.Abs(value) {
				value, target = c, t
			}
		}
		projected = q(target)
		judged = math.Abs(value)
	}
	colour, thr := r.colour(judged)
	if colour == "" {
		return Alert{}, false
	}
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
	return a, true
}
