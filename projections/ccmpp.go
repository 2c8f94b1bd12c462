package projections

import (
	"fmt"
)

// survival holds one sex's survival factors on the projection grid of G
// groups 0, n, …, ω:
//
//	S[g]   = L[g+1]/L[g]          for g = 0…G−3 (group g at t → g+1 at t+n)
//	S[G−1] = T_ω / (L[G−2] + T_ω) (groups G−2 and G−1 at t → open group at t+n)
//	birth  = L[0] / (n·l0)        (births in the interval → group 0 at t+n)
type survival struct {
	S     []float64
	birth float64
	e0    float64
}

func newSurvival(lt *LifeTable, step, open int) *survival {
	L := lt.ProjectionL(step, open)
	G := len(L)
	sv := &survival{S: make([]float64, G), e0: lt.E0()}
	for g := 0; g < G-2; g++ {
		if L[g] > 0 {
			sv.S[g] = L[g+1] / L[g]
		}
	}
	if d := L[G-2] + L[G-1]; d > 0 {
		sv.S[G-1] = L[G-1] / d
	}
	sv.S[G-2] = sv.S[G-1]
	sv.birth = L[0] / (float64(step) * lt.Radix)
	return sv
}

// interval holds the rates applied in one projection interval.
type interval struct {
	surv      [2]*survival
	fertScale float64 // multiplies the base fertility schedule
	tfr       float64 // TFR applied (base TFR × fertScale)
	srb       float64 // males per 100 females
	migScale  float64 // multiplies the base migration
}

// prepared is an Input turned into projection-grid arrays.
type prepared struct {
	in       Input // normalized copy
	n, G     int
	lt       [2]*LifeTable
	surv     [2]*survival // base survival
	fert     []float64    // annual rate per woman-year by group (0 outside 15–49)
	fLo, fHi int          // fertile groups [fLo, fHi)
	baseTFR  float64
	share    [2][]float64
	amount   float64
}

func prepare(in *Input) (*prepared, error) {
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("input %q: %w", in.Name, err)
	}
	c := in.normalized()
	p := &prepared{in: c, n: c.Step, G: c.OpenAge/c.Step + 1}
	lts, err := c.LifeTables()
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", in.Name, err)
	}
	p.lt = lts
	for s := Male; s <= Female; s++ {
		p.surv[s] = newSurvival(lts[s], p.n, c.OpenAge)
	}
	p.fert = make([]float64, p.G)
	p.fLo, p.fHi = min(FertileFrom/p.n, p.G), min((FertileTo+p.n-1)/p.n, p.G)
	for i, f := range c.ASFR {
		if f == 0 {
			continue
		}
		age := FertileFrom + i
		p.fert[age/p.n] += f / float64(p.n) // group rate = mean of single-year rates
	}
	p.baseTFR = c.TFR()
	if c.Benefit != nil {
		p.share = c.Benefit.Share
		p.amount = c.Benefit.AnnualAmount
	}
	return p, nil
}

// Warning reports migrants that could not be removed because the cohort
// was smaller than the negative net migration: the population was clamped
// at zero and Amount persons of emigration were dropped.
type Warning struct {
	Year   int     `json:"year"`   // start of the projection interval
	Age    int     `json:"age"`    // start of the age group
	Sex    string  `json:"sex"`    // "male" or "female"
	When   string  `json:"when"`   // "start" or "end" of the interval
	Amount float64 `json:"amount"` // persons clamped
}

// engine runs the projection steps with preallocated scratch space.
type engine struct {
	p     *prepared
	cum   []float64 // scratch for the indicators
	start [2][]float64
	mig   [2][]float64
	warn  []Warning
}

func newEngine(p *prepared) *engine {
	e := &engine{p: p}
	buf := make([]float64, 4*p.G)
	e.start = [2][]float64{buf[0:p.G], buf[p.G : 2*p.G]}
	e.mig = [2][]float64{buf[2*p.G : 3*p.G], buf[3*p.G : 4*p.G]}
	e.cum = make([]float64, 3*(p.G+1))
	return e
}

// step projects cur (population at year) over one interval into next and
// records the interval's flows.
func (e *engine) step(cur, next [2][]float64, iv *interval, year int, fl *Flows) {
	p := e.p
	n := float64(p.n)
	G := p.G
	half := p.in.Migration.Timing == HalfStartHalfEnd
	var applied, startMig, startSum [2]float64
	var hasMig [2]bool
	var starts [2][]float64
	for s := Male; s <= Female; s++ {
		c := cur[s]
		base := p.in.Migration.Net[s]
		hasMig[s] = base != nil && iv.migScale != 0
		st := c
		if hasMig[s] {
			m := e.mig[s]
			k := n * iv.migScale
			if p.in.Migration.Kind == MigrationRates {
				for g := range m {
					m[g] = base[g] * c[g] * k
				}
			} else {
				for g := range m {
					m[g] = base[g] * k
				}
			}
			if half {
				st = e.start[s][:G]
				m = m[:G]
				sm := 0.0 // a local accumulator: startMig[s] in the loop costs a store per age
				for g, cg := range c[:G] {
					v := cg + m[g]/2
					if v < 0 {
						e.warn = append(e.warn, Warning{Year: year, Age: g * p.n, Sex: s.String(), When: "start", Amount: -v})
						sm -= cg
						v = 0
					} else {
						sm += m[g] / 2
					}
					st[g] = v
				}
				startMig[s] = sm
			}
		}
		starts[s] = st
		S := iv.surv[s].S[:G]
		nx := next[s][:G]
		st = st[:G]
		sum := 0.0
		for g, v := range st[:G-2] {
			sum += v
			nx[g+1] = v * S[g]
		}
		sum += st[G-2] + st[G-1]
		nx[G-1] = (st[G-2] + st[G-1]) * S[G-1]
		startSum[s] = sum
		applied[s] = startMig[s]
		// End-of-interval migrants for groups ≥ 1 (group 0 after births).
		if hasMig[s] {
			m := e.mig[s][:G]
			hf := 1.0
			if half {
				hf = 0.5
			}
			acc := 0.0
			for g := 1; g < G; g++ {
				add := m[g] * hf
				v := nx[g] + add
				if v < 0 {
					e.warn = append(e.warn, Warning{Year: year, Age: g * p.n, Sex: s.String(), When: "end", Amount: -v})
					acc -= nx[g]
					nx[g] = 0
					continue
				}
				acc += add
				nx[g] = v
			}
			applied[s] += acc
		}
	}
	// Births: ASFR × women averaged over the interval × n, the women at
	// the start counted after the start-of-interval migrants arrived.
	births := 0.0
	fc, fn, fe := starts[Female][p.fLo:p.fHi], next[Female][p.fLo:p.fHi], p.fert[p.fLo:p.fHi]
	k := n * iv.fertScale / 2
	for g, f := range fe {
		b := f * (fc[g] + fn[g])
		births += b
		if fl.BirthsByMotherAge != nil {
			fl.BirthsByMotherAge[g] = b * k
		}
	}
	births *= k
	sr := iv.srb / 100
	bs := [2]float64{births * sr / (1 + sr), births / (1 + sr)}
	var endSum [2]float64
	for s := Male; s <= Female; s++ {
		nx := next[s]
		nx[0] = bs[s] * iv.surv[s].birth
		if hasMig[s] {
			add := e.mig[s][0]
			if half {
				add /= 2
			}
			e.addEnd(nx, 0, add, year, s, &applied[s])
		}
		endSum[s] = sumOf(nx)
	}
	fl.Year = year
	fl.Births = births
	fl.BirthsMale, fl.BirthsFemale = bs[Male], bs[Female]
	// Deaths close the balance: start (incl. start migrants) + births +
	// end migrants − end population.
	var endMig [2]float64
	for s := Male; s <= Female; s++ {
		endMig[s] = applied[s] - startMig[s]
	}
	fl.DeathsMale = startSum[Male] + bs[Male] + endMig[Male] - endSum[Male]
	fl.DeathsFemale = startSum[Female] + bs[Female] + endMig[Female] - endSum[Female]
	fl.Deaths = fl.DeathsMale + fl.DeathsFemale
	fl.NetMigrantsMale, fl.NetMigrantsFemale = applied[Male], applied[Female]
	fl.NetMigrants = applied[Male] + applied[Female]
	fl.TFR = iv.tfr
	fl.SRB = iv.srb
	fl.E0Male, fl.E0Female = iv.surv[Male].e0, iv.surv[Female].e0
}

// addEnd adds migrants to next[g], clamping at zero.
func (e *engine) addEnd(nx []float64, g int, add float64, year int, s Sex, applied *float64) {
	v := nx[g] + add
	if v < 0 {
		e.warn = append(e.warn, Warning{Year: year, Age: g * e.p.n, Sex: s.String(), When: "end", Amount: -v})
		*applied -= nx[g]
		nx[g] = 0
		return
	}
	*applied += add
	nx[g] = v
}

func sumOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// run projects over ivs, filling res. When keepPop is false only the
// first and current populations are held and res.Pop stays nil.
func (p *prepared) run(ivs []interval, res *Result, keepPop bool) {
	e := newEngine(p)
	T := len(ivs)
	G := p.G
	res.Name = p.in.Name
	res.BaseYear, res.Step, res.OpenAge = p.in.BaseYear, p.n, p.in.OpenAge
	res.Years = make([]int, T+1)
	for i := range res.Years {
		res.Years[i] = p.in.BaseYear + i*p.n
	}
	res.Ages = GroupAges(p.n, p.in.OpenAge)
	res.Indicators = make([]Indicators, T+1)
	res.Flows = make([]Flows, T)
	var cur, next [2][]float64
	if keepPop {
		nf := p.fHi - p.fLo
		res.MotherAges = make([]int, nf)
		for g := range res.MotherAges {
			res.MotherAges[g] = (p.fLo + g) * p.n
		}
		buf := make([]float64, T*nf)
		for t := range res.Flows {
			res.Flows[t].BirthsByMotherAge = buf[t*nf : (t+1)*nf : (t+1)*nf]
		}
		for s := Male; s <= Female; s++ {
			buf := make([]float64, (T+1)*G)
			res.Pop[s] = make([][]float64, T+1)
			for t := range res.Pop[s] {
				res.Pop[s][t] = buf[t*G : (t+1)*G : (t+1)*G]
			}
			copy(res.Pop[s][0], p.in.Pop[s])
		}
		cur = [2][]float64{res.Pop[Male][0], res.Pop[Female][0]}
	} else {
		buf := make([]float64, 4*G)
		cur = [2][]float64{buf[0:G], buf[G : 2*G]}
		next = [2][]float64{buf[2*G : 3*G], buf[3*G : 4*G]}
		copy(cur[Male], p.in.Pop[Male])
		copy(cur[Female], p.in.Pop[Female])
	}
	e.indicators(cur, &res.Indicators[0], res.Years[0])
	for t := 0; t < T; t++ {
		if keepPop {
			next = [2][]float64{res.Pop[Male][t+1], res.Pop[Female][t+1]}
		}
		e.step(cur, next, &ivs[t], res.Years[t], &res.Flows[t])
		e.indicators(next, &res.Indicators[t+1], res.Years[t+1])
		cur, next = next, cur
	}
	res.Warnings = e.warn
}

// constantIntervals returns T intervals with the base rates.
func (p *prepared) constantIntervals(T int) []interval {
	ivs := make([]interval, T)
	for i := range ivs {
		ivs[i] = interval{surv: p.surv, fertScale: 1, tfr: p.baseTFR, srb: p.in.SRB, migScale: 1}
	}
	return ivs
}

func steps(years, step int) (int, error) {
	if years <= 0 || years%step != 0 {
		return 0, fmt.Errorf("horizon %d years must be a positive multiple of the step %d", years, step)
	}
	return years / step, nil
}

// Project runs a deterministic cohort-component projection of in for the
// given number of years under scenario sc (nil means constant rates).
func Project(in *Input, sc *Scenario, years int) (*Result, error) {
	return projectOne(in, sc, years, true)
}
