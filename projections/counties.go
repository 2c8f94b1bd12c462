package projections

import (
	"errors"
	"fmt"
	"sync"
)

// CountyOptions controls ProjectCounties.
type CountyOptions struct {
	// Workers is the number of goroutines (default 2, the production
	// machine's cores).
	Workers int
	// Province, when set, is projected independently and the counties are
	// adjusted to it with AdjustToTotal.
	Province *Input
	// SummaryOnly drops the population arrays of the counties (keeping the
	// indicators and flows) to save memory in very large batches. Such
	// results cannot be summed or adjusted; ProjectCounties then returns no
	// Sum.
	SummaryOnly bool
}

// CountyResults are the projections of every county, their sum and, when
// requested, the independent province projection they were adjusted to.
type CountyResults struct {
	Counties []*Result `json:"counties"`
	Sum      *Result   `json:"sum,omitempty"`
	Province *Result   `json:"province,omitempty"`
	Adjusted bool      `json:"adjusted"`
}

// ProjectCounties projects every input under sc for years, in parallel,
// and sums them. With opt.Province the province is projected too and the
// counties are scaled to it (AdjustToTotal); Sum then equals the province.
func ProjectCounties(inputs []*Input, sc *Scenario, years int, opt CountyOptions) (*CountyResults, error) {
	if len(inputs) == 0 {
		return nil, errors.New("project counties: no inputs")
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = 2
	}
	out := &CountyResults{Counties: make([]*Result, len(inputs))}
	errs := make([]error, len(inputs))
	// Each worker adds its counties into a partial sum while their
	// populations are still in cache; the partial sums are merged at the
	// end (the summation order, hence rounding, depends on scheduling).
	accs := make([]*accumulator, workers)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := projectOne(inputs[i], sc, years, !opt.SummaryOnly)
				out.Counties[i], errs[i] = r, err
				if err != nil || opt.SummaryOnly || opt.Province != nil {
					continue
				}
				if accs[w] == nil {
					if accs[w], errs[i] = newAccumulator(r); errs[i] != nil {
						continue
					}
				}
				errs[i] = accs[w].add(r)
			}
		}()
	}
	for i := range inputs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if opt.SummaryOnly {
		return out, nil
	}
	if opt.Province != nil {
		prov, err := Project(opt.Province, sc, years)
		if err != nil {
			return nil, fmt.Errorf("province: %w", err)
		}
		out.Province = prov
		if err := AdjustToTotal(out.Counties, prov); err != nil {
			return nil, err
		}
		out.Adjusted = true
		sum, err := SumResults("sum of counties", out.Counties)
		if err != nil {
			return nil, err
		}
		out.Sum = sum
		return out, nil
	}
	var total *accumulator
	for _, a := range accs {
		switch {
		case a == nil:
		case total == nil:
			total = a
		default:
			if err := total.merge(a); err != nil {
				return nil, err
			}
		}
	}
	out.Sum = total.finish("sum of counties")
	return out, nil
}

func projectOne(in *Input, sc *Scenario, years int, keepPop bool) (*Result, error) {
	p, err := prepare(in)
	if err != nil {
		return nil, err
	}
	T, err := steps(years, p.n)
	if err != nil {
		return nil, err
	}
	ivs, err := p.intervals(sc, T)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", in.Name, err)
	}
	res := &Result{}
	if sc != nil {
		res.Scenario = sc.Name
	}
	p.run(ivs, res, keepPop)
	return res, nil
}

func sameGrid(a, b *Result) error {
	if a.Step != b.Step || a.OpenAge != b.OpenAge || len(a.Years) != len(b.Years) || a.BaseYear != b.BaseYear {
		return fmt.Errorf("%q and %q have different grids or horizons", a.Name, b.Name)
	}
	if a.Pop[Male] == nil || b.Pop[Male] == nil {
		return fmt.Errorf("%q or %q has no population arrays", a.Name, b.Name)
	}
	return nil
}

// SumResults adds populations and flows of results on the same grid and
// recomputes the indicators of the sum (ratios are not additive). The
// rates reported in the flows (TFR, SRB, e0) are population-weighted means.
// Benefit counts and costs are summed.
func SumResults(name string, rs []*Result) (*Result, error) {
	if len(rs) == 0 {
		return nil, errors.New("sum results: nothing to sum")
	}
	acc, err := newAccumulator(rs[0])
	if err != nil {
		return nil, fmt.Errorf("sum results: %w", err)
	}
	for _, r := range rs {
		if err := acc.add(r); err != nil {
			return nil, fmt.Errorf("sum results: %w", err)
		}
	}
	return acc.finish(name), nil
}

// accumulator sums results on one grid; flows' rates are accumulated
// weighted by the start-of-interval population.
type accumulator struct {
	sum *Result
	w   []float64
}

func newAccumulator(f *Result) (*accumulator, error) {
	if f.Pop[Male] == nil {
		return nil, fmt.Errorf("%q has no population arrays", f.Name)
	}
	T, G := len(f.Years), len(f.Ages)
	sum := &Result{Scenario: f.Scenario, BaseYear: f.BaseYear, Step: f.Step, OpenAge: f.OpenAge,
		Years: append([]int(nil), f.Years...), Ages: append([]int(nil), f.Ages...),
		Indicators: make([]Indicators, T), Flows: make([]Flows, T-1), MotherAges: append([]int(nil), f.MotherAges...)}
	if nf := len(f.MotherAges); nf > 0 {
		buf := make([]float64, (T-1)*nf)
		for t := range sum.Flows {
			sum.Flows[t].BirthsByMotherAge = buf[t*nf : (t+1)*nf : (t+1)*nf]
		}
	}
	for s := Male; s <= Female; s++ {
		buf := make([]float64, T*G)
		sum.Pop[s] = make([][]float64, T)
		for t := range T {
			sum.Pop[s][t] = buf[t*G : (t+1)*G : (t+1)*G]
		}
	}
	return &accumulator{sum: sum, w: make([]float64, T-1)}, nil
}

func (a *accumulator) add(r *Result) error {
	sum := a.sum
	if err := sameGrid(sum, r); err != nil {
		return err
	}
	for s := Male; s <= Female; s++ {
		for t, row := range sum.Pop[s] {
			src := r.Pop[s][t]
			for g := range row {
				row[g] += src[g]
			}
		}
	}
	for t := range sum.Indicators {
		sum.Indicators[t].Eligible += r.Indicators[t].Eligible
		sum.Indicators[t].BenefitCost += r.Indicators[t].BenefitCost
	}
	for t := range sum.Flows {
		fl, x := &sum.Flows[t], &r.Flows[t]
		addTo(fl.BirthsByMotherAge, x.BirthsByMotherAge)
		fl.Births += x.Births
		fl.BirthsMale += x.BirthsMale
		fl.BirthsFemale += x.BirthsFemale
		fl.Deaths += x.Deaths
		fl.DeathsMale += x.DeathsMale
		fl.DeathsFemale += x.DeathsFemale
		fl.NetMigrants += x.NetMigrants
		fl.NetMigrantsMale += x.NetMigrantsMale
		fl.NetMigrantsFemale += x.NetMigrantsFemale
		pw := r.Indicators[t].Total
		a.w[t] += pw
		fl.TFR += pw * x.TFR
		fl.SRB += pw * x.SRB
		fl.E0Male += pw * x.E0Male
		fl.E0Female += pw * x.E0Female
	}
	sum.Warnings = append(sum.Warnings, r.Warnings...)
	return nil
}

// merge adds another accumulator's partial sums.
// merge adds b's sums to a's. Like add, it refuses another grid, so that
// whether two counties land on the same worker never changes the outcome.
func (a *accumulator) merge(b *accumulator) error {
	if err := sameGrid(a.sum, b.sum); err != nil {
		return err
	}
	for s := Male; s <= Female; s++ {
		for t, row := range a.sum.Pop[s] {
			for g, v := range b.sum.Pop[s][t] {
				row[g] += v
			}
		}
	}
	for t := range a.sum.Indicators {
		a.sum.Indicators[t].Eligible += b.sum.Indicators[t].Eligible
		a.sum.Indicators[t].BenefitCost += b.sum.Indicators[t].BenefitCost
	}
	for t := range a.sum.Flows {
		fl, x := &a.sum.Flows[t], &b.sum.Flows[t]
		addTo(fl.BirthsByMotherAge, x.BirthsByMotherAge)
		fl.Births += x.Births
		fl.BirthsMale += x.BirthsMale
		fl.BirthsFemale += x.BirthsFemale
		fl.Deaths += x.Deaths
		fl.DeathsMale += x.DeathsMale
		fl.DeathsFemale += x.DeathsFemale
		fl.NetMigrants += x.NetMigrants
		fl.NetMigrantsMale += x.NetMigrantsMale
		fl.NetMigrantsFemale += x.NetMigrantsFemale
		fl.TFR += x.TFR
		fl.SRB += x.SRB
		fl.E0Male += x.E0Male
		fl.E0Female += x.E0Female
		a.w[t] += b.w[t]
	}
	a.sum.Warnings = append(a.sum.Warnings, b.sum.Warnings...)
	return nil
}

func (a *accumulator) finish(name string) *Result {
	sum := a.sum
	sum.Name = name
	for t := range sum.Indicators {
		elig, cost := sum.Indicators[t].Eligible, sum.Indicators[t].BenefitCost
		computeIndicators([2][]float64{sum.Pop[Male][t], sum.Pop[Female][t]}, sum.Step, [2][]float64{}, 0, &sum.Indicators[t], nil)
		sum.Indicators[t].Year = sum.Years[t]
		sum.Indicators[t].Eligible, sum.Indicators[t].BenefitCost = elig, cost
	}
	for t := range sum.Flows {
		fl := &sum.Flows[t]
		fl.Year = sum.Years[t]
		if w := a.w[t]; w > 0 {
			fl.TFR /= w
			fl.SRB /= w
			fl.E0Male /= w
			fl.E0Female /= w
		}
	}
	return sum
}

// AdjustToTotal scales the counties so that they add up to total, cell by
// cell: for every year t, sex s and age group g each county's P is
// multiplied by total_P / Σ_counties P (left unchanged where the county sum
// is 0). Flows are scaled per year by the ratio of the total's flow to the
// counties' sum for births, deaths and migrants (by sex). Indicators are
// then recomputed.
func AdjustToTotal(counties []*Result, total *Result) error {
	if len(counties) == 0 {
		return errors.New("adjust: no counties")
	}
	for _, c := range counties {
		if err := sameGrid(c, total); err != nil {
			return fmt.Errorf("adjust: %w", err)
		}
	}
	T, G := len(total.Years), len(total.Ages)
	for s := Male; s <= Female; s++ {
		for t := 1; t < T; t++ {
			for g := 0; g < G; g++ {
				sum := 0.0
				for _, c := range counties {
					sum += c.Pop[s][t][g]
				}
				if sum <= 0 {
					continue
				}
				k := total.Pop[s][t][g] / sum
				for _, c := range counties {
					c.Pop[s][t][g] *= k
				}
			}
		}
	}
	ratio := func(tot float64, get func(*Flows) float64, t int) float64 {
		sum := 0.0
		for _, c := range counties {
			sum += get(&c.Flows[t])
		}
		if sum == 0 {
			return 1
		}
		return tot / sum
	}
	for t := 0; t < T-1; t++ {
		tf := &total.Flows[t]
		kb := [2]float64{ratio(tf.BirthsMale, func(f *Flows) float64 { return f.BirthsMale }, t), ratio(tf.BirthsFemale, func(f *Flows) float64 { return f.BirthsFemale }, t)}
		kd := [2]float64{ratio(tf.DeathsMale, func(f *Flows) float64 { return f.DeathsMale }, t), ratio(tf.DeathsFemale, func(f *Flows) float64 { return f.DeathsFemale }, t)}
		km := [2]float64{ratio(tf.NetMigrantsMale, func(f *Flows) float64 { return f.NetMigrantsMale }, t), ratio(tf.NetMigrantsFemale, func(f *Flows) float64 { return f.NetMigrantsFemale }, t)}
		for _, c := range counties {
			f := &c.Flows[t]
			old := f.Births
			f.BirthsMale *= kb[Male]
			f.BirthsFemale *= kb[Female]
			f.Births = f.BirthsMale + f.BirthsFemale
			if old > 0 {
				for g := range f.BirthsByMotherAge {
					f.BirthsByMotherAge[g] *= f.Births / old
				}
			}
			f.DeathsMale *= kd[Male]
			f.DeathsFemale *= kd[Female]
			f.Deaths = f.DeathsMale + f.DeathsFemale
			f.NetMigrantsMale *= km[Male]
			f.NetMigrantsFemale *= km[Female]
			f.NetMigrants = f.NetMigrantsMale + f.NetMigrantsFemale
		}
	}
	for _, c := range counties {
		for t := 1; t < T; t++ {
			elig, cost := c.Indicators[t].Eligible, c.Indicators[t].BenefitCost
			oldTotal := c.Indicators[t].Total
			computeIndicators([2][]float64{c.Pop[Male][t], c.Pop[Female][t]}, c.Step, [2][]float64{}, 0, &c.Indicators[t], nil)
			c.Indicators[t].Year = c.Years[t]
			// Benefit counts move with the county's total.
			if oldTotal > 0 {
				k := c.Indicators[t].Total / oldTotal
				c.Indicators[t].Eligible, c.Indicators[t].BenefitCost = elig*k, cost*k
			}
		}
	}
	return nil
}

// addTo adds src to dst element-wise (dst is nil when the sum keeps no
// births by mother's age).
func addTo(dst, src []float64) {
	for i := range min(len(dst), len(src)) {
		dst[i] += src[i]
	}
}
