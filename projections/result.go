package projections

import "math"

// Result is one projection: population by year × age group × sex and the
// derived series.
type Result struct {
	Name     string `json:"name"`
	Scenario string `json:"scenario,omitempty"`
	BaseYear int    `json:"base_year"`
	Step     int    `json:"step"`
	OpenAge  int    `json:"open_age"`
	Years    []int  `json:"years"` // BaseYear, BaseYear+Step, …
	Ages     []int  `json:"ages"`  // start of each age group
	// MotherAges are the starts of the mothers' age groups of
	// Flows[t].BirthsByMotherAge: single ages 15…49 with annual steps,
	// 15, 20, …, 45 with five-year steps.
	MotherAges []int `json:"mother_ages,omitempty"`
	// Pop[sex][t][g] is the population of sex in age group g at Years[t].
	Pop        [2][][]float64 `json:"population"`
	Indicators []Indicators   `json:"indicators"` // one per year
	Flows      []Flows        `json:"flows"`      // one per interval [Years[t], Years[t+1])
	Warnings   []Warning      `json:"warnings,omitempty"`
}

// Indicators are the stock measures of one year. Counts over ages that
// split a five-year group assume people are spread evenly within it.
type Indicators struct {
	Year         int     `json:"year"`
	Total        float64 `json:"total"`
	Male         float64 `json:"male"`
	Female       float64 `json:"female"`
	Age0to14     float64 `json:"age_0_14"`
	Age15to64    float64 `json:"age_15_64"`
	Age15to59    float64 `json:"age_15_59"`
	Age60Plus    float64 `json:"age_60_plus"`
	Age65Plus    float64 `json:"age_65_plus"`
	Age80Plus    float64 `json:"age_80_plus"`
	DepTotal     float64 `json:"dependency_total"`   // (0–14 + 65+)/(15–64) × 100
	DepChild     float64 `json:"dependency_child"`   // 0–14/(15–64) × 100
	DepOld       float64 `json:"dependency_old_age"` // 65+/(15–64) × 100
	MedianAge    float64 `json:"median_age"`
	School3to5   float64 `json:"school_3_5"`
	School6to11  float64 `json:"school_6_11"`
	School12to14 float64 `json:"school_12_14"`
	School15to17 float64 `json:"school_15_17"`
	Women15to49  float64 `json:"women_15_49"`
	Eligible     float64 `json:"benefit_eligible"`
	BenefitCost  float64 `json:"benefit_cost"`
}

// Flows are the events of one projection interval starting at Year.
type Flows struct {
	Year         int     `json:"year"`
	Births       float64 `json:"births"`
	BirthsMale   float64 `json:"births_male"`
	BirthsFemale float64 `json:"births_female"`
	// BirthsByMotherAge are the births of the interval by the mother's
	// age group (Result.MotherAges); they add up to Births. Only a
	// deterministic projection (Project) fills them.
	BirthsByMotherAge []float64 `json:"births_by_mother_age,omitempty"`
	Deaths            float64   `json:"deaths"`
	DeathsMale        float64   `json:"deaths_male"`
	DeathsFemale      float64   `json:"deaths_female"`
	NetMigrants       float64   `json:"net_migrants"`
	NetMigrantsMale   float64   `json:"net_migrants_male"`
	NetMigrantsFemale float64   `json:"net_migrants_female"`
	TFR               float64   `json:"tfr"`
	SRB               float64   `json:"srb"`
	E0Male            float64   `json:"e0_male"`
	E0Female          float64   `json:"e0_female"`
}

// indicators fills ind from the population pop.
func (e *engine) indicators(pop [2][]float64, ind *Indicators, year int) {
	computeIndicators(pop, e.p.n, e.p.share, e.p.amount, ind, e.cum)
	ind.Year = year
}

// ageCounter answers "how many people in ages [lo, hi)" from cumulative
// sums, spreading each closed group evenly over its years.
type ageCounter struct {
	p    []float64 // population by group
	cum  []float64 // cum[g] = persons in groups < g
	step float64
	open float64
}

// below returns the persons younger than exact age a. The open group is
// not split: it is counted in full once a exceeds the open age.
func (c *ageCounter) below(a float64) float64 {
	G := len(c.p)
	if a > c.open {
		return c.cum[G]
	}
	if a == c.open {
		return c.cum[G-1]
	}
	g := int(a / c.step)
	return c.cum[g] + c.p[g]*(a-float64(g)*c.step)/c.step
}

func (c *ageCounter) between(lo, hi float64) float64 {
	if math.IsInf(hi, 1) {
		if lo > c.open {
			return 0
		}
		return c.cum[len(c.p)] - c.below(lo)
	}
	return c.below(hi) - c.below(lo)
}

func newAgeCounter(p []float64, step int, cum []float64) ageCounter {
	cum[0] = 0
	for g, v := range p {
		cum[g+1] = cum[g] + v
	}
	return ageCounter{p: p, cum: cum[:len(p)+1], step: float64(step), open: float64((len(p) - 1) * step)}
}

// sumAges returns the population in ages [lo, hi) of grid p (groups of
// width step, the last open), spreading each closed group evenly.
func sumAges(p []float64, step int, lo, hi float64) float64 {
	c := newAgeCounter(p, step, make([]float64, len(p)+1))
	return c.between(lo, hi)
}

// computeIndicators fills ind from pop; scratch (optional) holds at least
// 3·(G+1) values.
func computeIndicators(pop [2][]float64, step int, share [2][]float64, amount float64, ind *Indicators, scratch []float64) {
	G := len(pop[Male])
	if len(scratch) < 3*(G+1) {
		scratch = make([]float64, 3*(G+1))
	}
	both := scratch[2*(G+1) : 2*(G+1)+G]
	cumB, cumF := scratch[0:G+1], scratch[G+1:2*(G+1)]
	pm, pf := pop[Male][:G], pop[Female][:G]
	cumB[0], cumF[0] = 0, 0
	for g := range G {
		b := pm[g] + pf[g]
		both[g] = b
		cumB[g+1] = cumB[g] + b
		cumF[g+1] = cumF[g] + pf[g]
	}
	open := float64((G - 1) * step)
	cb := ageCounter{p: both, cum: cumB, step: float64(step), open: open}
	cf := ageCounter{p: pf, cum: cumF, step: float64(step), open: open}
	inf := math.Inf(1)
	ind.Female = cf.cum[G]
	ind.Male = cb.cum[G] - ind.Female
	ind.Total = cb.cum[G]
	ind.Age0to14 = cb.between(0, 15)
	ind.Age15to64 = cb.between(15, 65)
	ind.Age15to59 = cb.between(15, 60)
	ind.Age60Plus = cb.between(60, inf)
	ind.Age65Plus = cb.between(65, inf)
	ind.Age80Plus = cb.between(80, inf)
	ind.DepTotal, ind.DepChild, ind.DepOld = 0, 0, 0
	if ind.Age15to64 > 0 {
		ind.DepChild = 100 * ind.Age0to14 / ind.Age15to64
		ind.DepOld = 100 * ind.Age65Plus / ind.Age15to64
		ind.DepTotal = ind.DepChild + ind.DepOld
	}
	ind.MedianAge = medianAge(&cb)
	ind.School3to5 = cb.between(3, 6)
	ind.School6to11 = cb.between(6, 12)
	ind.School12to14 = cb.between(12, 15)
	ind.School15to17 = cb.between(15, 18)
	ind.Women15to49 = cf.between(15, 50)
	elig := 0.0
	for s := Male; s <= Female; s++ {
		sh := share[s]
		if len(sh) != G {
			continue
		}
		p := pop[s][:G]
		for g, v := range sh {
			elig += v * p[g]
		}
	}
	ind.Eligible = elig
	ind.BenefitCost = ind.Eligible * amount
}

// medianAge interpolates linearly within the group holding the middle
// person; the open group is treated as ten years wide.
func medianAge(c *ageCounter) float64 {
	G := len(c.p)
	total := c.cum[G]
	if total <= 0 {
		return 0
	}
	half := total / 2
	// cum is non-decreasing: find the first group whose end reaches half.
	lo, hi := 0, G-1
	for lo < hi {
		m := (lo + hi) / 2
		if c.cum[m+1] >= half {
			hi = m
		} else {
			lo = m + 1
		}
	}
	g := lo
	for g < G-1 && c.p[g] == 0 {
		g++
	}
	w := c.step
	if g == G-1 {
		w = 10
	}
	if c.p[g] == 0 {
		return float64(g) * c.step
	}
	return float64(g)*c.step + w*(half-c.cum[g])/c.p[g]
}

// SeriesNames lists the per-year stock series and per-interval flow series
// that Series returns, in output order.
var SeriesNames = []string{
	"total", "male", "female", "age_0_14", "age_15_64", "age_15_59", "age_60_plus", "age_65_plus", "age_80_plus",
	"dependency_total", "dependency_child", "dependency_old_age", "median_age",
	"school_3_5", "school_6_11", "school_12_14", "school_15_17", "women_15_49",
	"benefit_eligible", "benefit_cost",
	"births", "births_male", "births_female", "deaths", "deaths_male", "deaths_female",
	"net_migrants", "tfr", "srb", "e0_male", "e0_female",
}

var stockSeries = map[string]func(*Indicators) float64{
	"total": func(i *Indicators) float64 { return i.Total }, "male": func(i *Indicators) float64 { return i.Male },
	"female": func(i *Indicators) float64 { return i.Female }, "age_0_14": func(i *Indicators) float64 { return i.Age0to14 },
	"age_15_64": func(i *Indicators) float64 { return i.Age15to64 }, "age_15_59": func(i *Indicators) float64 { return i.Age15to59 },
	"age_60_plus": func(i *Indicators) float64 { return i.Age60Plus }, "age_65_plus": func(i *Indicators) float64 { return i.Age65Plus },
	"age_80_plus": func(i *Indicators) float64 { return i.Age80Plus }, "dependency_total": func(i *Indicators) float64 { return i.DepTotal },
	"dependency_child": func(i *Indicators) float64 { return i.DepChild }, "dependency_old_age": func(i *Indicators) float64 { return i.DepOld },
	"median_age": func(i *Indicators) float64 { return i.MedianAge }, "school_3_5": func(i *Indicators) float64 { return i.School3to5 },
	"school_6_11": func(i *Indicators) float64 { return i.School6to11 }, "school_12_14": func(i *Indicators) float64 { return i.School12to14 },
	"school_15_17": func(i *Indicators) float64 { return i.School15to17 }, "women_15_49": func(i *Indicators) float64 { return i.Women15to49 },
	"benefit_eligible": func(i *Indicators) float64 { return i.Eligible }, "benefit_cost": func(i *Indicators) float64 { return i.BenefitCost },
}

var flowSeries = map[string]func(*Flows) float64{
	"births": func(f *Flows) float64 { return f.Births }, "births_male": func(f *Flows) float64 { return f.BirthsMale },
	"births_female": func(f *Flows) float64 { return f.BirthsFemale }, "deaths": func(f *Flows) float64 { return f.Deaths },
	"deaths_male": func(f *Flows) float64 { return f.DeathsMale }, "deaths_female": func(f *Flows) float64 { return f.DeathsFemale },
	"net_migrants": func(f *Flows) float64 { return f.NetMigrants }, "tfr": func(f *Flows) float64 { return f.TFR },
	"srb": func(f *Flows) float64 { return f.SRB }, "e0_male": func(f *Flows) float64 { return f.E0Male },
	"e0_female": func(f *Flows) float64 { return f.E0Female },
}

// IsFlow reports whether the named series is per interval (true) or per
// year (false).
func IsFlow(name string) bool { _, ok := flowSeries[name]; return ok }

// Series returns the named series (see SeriesNames) and the years it is
// indexed by: Years for stocks, the interval start years for flows. It
// returns nil for an unknown name.
func (r *Result) Series(name string) (years []int, values []float64) {
	if f, ok := stockSeries[name]; ok {
		v := make([]float64, len(r.Indicators))
		for i := range r.Indicators {
			v[i] = f(&r.Indicators[i])
		}
		return r.Years, v
	}
	if f, ok := flowSeries[name]; ok {
		v := make([]float64, len(r.Flows))
		for i := range r.Flows {
			v[i] = f(&r.Flows[i])
		}
		return r.Years[:len(r.Flows)], v
	}
	return nil, nil
}
