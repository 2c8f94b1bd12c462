package projections

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
)

// AR1 is a first-order autoregressive deviation from a scenario path,
// on an annual time scale:
//
//	ε_0 = 0,  ε_y = Phi·ε_(y−1) + Sigma·z_y,  z_y ~ N(0, 1) independent.
type AR1 struct {
	Phi   float64 `json:"phi"`
	Sigma float64 `json:"sigma"`
}

// Default stochastic models, used when no observed series is given. They
// are assumptions (documented in docs/projections.md): a persistent annual
// TFR shock of 0.06 children per woman and an e0 shock of 0.2 years, both
// with autocorrelation 0.9, which give 95 % TFR ranges of about ±0.5 after
// 20–30 years, close to the UN high/low variants.
//
// Mortality is drawn by sex in the manner of the UN's joint female–male
// model: a female e0 deviation η (E0Model) and a deviation γ of the
// female–male gap (GapModel), male e0 deviation = η − γ. The default gap
// shock (σ 0.1 years, φ 0.9) is an assumption: the female–male gap moves
// about half as much as the level.
var (
	DefaultTFRModel = AR1{Phi: 0.9, Sigma: 0.06}
	DefaultE0Model  = AR1{Phi: 0.9, Sigma: 0.2}
	DefaultGapModel = AR1{Phi: 0.9, Sigma: 0.1}
)

// FitAR1 fits an AR(1) model to the deviations of an annual series from
// its least-squares linear trend: Phi = Σ r_t·r_(t−1) / Σ r_(t−1)²
// (clamped to [0, 0.99]) and Sigma² = Σ (r_t − Phi·r_(t−1))² / (n − 3).
// It needs at least 5 observations.
func FitAR1(series []float64) (AR1, error) {
	n := len(series)
	if n < 5 {
		return AR1{}, fmt.Errorf("fit AR(1): %d observations, need at least 5", n)
	}
	var sx, sy, sxx, sxy float64
	for i, y := range series {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return AR1{}, fmt.Errorf("fit AR(1): observation %d is %v", i, y)
		}
		x := float64(i)
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	fn := float64(n)
	b := (fn*sxy - sx*sy) / (fn*sxx - sx*sx)
	a := (sy - b*sx) / fn
	r := make([]float64, n)
	for i, y := range series {
		r[i] = y - a - b*float64(i)
	}
	var num, den float64
	for i := 1; i < n; i++ {
		num += r[i] * r[i-1]
		den += r[i-1] * r[i-1]
	}
	phi := 0.0
	if den > 0 {
		phi = math.Min(math.Max(num/den, 0), 0.99)
	}
	ss := 0.0
	for i := 1; i < n; i++ {
		e := r[i] - phi*r[i-1]
		ss += e * e
	}
	return AR1{Phi: phi, Sigma: math.Sqrt(ss / float64(n-3))}, nil
}

// StochasticOptions controls ProjectStochastic.
type StochasticOptions struct {
	Trajectories int    // default 1000
	Seed         uint64 // PCG seed; trajectory k uses rand.NewPCG(Seed, k)
	// TFRModel, E0Model (female e0) and GapModel (female − male e0)
	// default to a fit to the observed annual series when given, else to
	// DefaultTFRModel, DefaultE0Model and DefaultGapModel. ObservedE0 is a
	// both-sexes series used for the female model when ObservedE0Female is
	// absent; the gap is fitted to ObservedE0Female − ObservedE0Male when
	// both are given (same length).
	TFRModel, E0Model, GapModel      *AR1
	ObservedTFR, ObservedE0          []float64
	ObservedE0Male, ObservedE0Female []float64
	NoE0                             bool // keep mortality on its deterministic path
	Workers                          int  // default 2
}

// Band is the distribution of one series over the trajectories: the
// median and the 80 % and 95 % central intervals (quantiles 0.1/0.9 and
// 0.025/0.975, linear interpolation between order statistics).
type Band struct {
	Series string    `json:"series"`
	Years  []int     `json:"years"`
	Median []float64 `json:"median"`
	Lo80   []float64 `json:"lo80"`
	Hi80   []float64 `json:"hi80"`
	Lo95   []float64 `json:"lo95"`
	Hi95   []float64 `json:"hi95"`
}

// StochasticResult summarises a probabilistic projection.
type StochasticResult struct {
	Name          string  `json:"name"`
	Scenario      string  `json:"scenario,omitempty"`
	Trajectories  int     `json:"trajectories"`
	Seed          uint64  `json:"seed"`
	TFRModel      AR1     `json:"tfr_model"`
	E0Model       *AR1    `json:"e0_model,omitempty"`  // female e0
	GapModel      *AR1    `json:"gap_model,omitempty"` // female − male e0
	Bands         []Band  `json:"bands"`               // one per SeriesNames entry
	Deterministic *Result `json:"deterministic"`
}

// Band returns the band of the named series, or nil.
func (r *StochasticResult) Band(name string) *Band {
	for i := range r.Bands {
		if r.Bands[i].Series == name {
			return &r.Bands[i]
		}
	}
	return nil
}

// e0Grid maps e0 to survival factors by interpolating between Brass model
// tables (β = 1) of the base table at α = −2, −1.99, …, 2.
type e0Grid struct {
	e0   []float64 // increasing
	surv []*survival
}

func newE0Grid(p *prepared, s Sex) (*e0Grid, error) {
	g := &e0Grid{}
	for i := 400; i >= 0; i-- {
		alpha := -2 + float64(i)*0.01
		lt, err := BrassLifeTable(p.lt[s], alpha, 1, p.in.A0)
		if err != nil {
			return nil, err
		}
		g.e0 = append(g.e0, lt.E0())
		g.surv = append(g.surv, newSurvival(lt, p.n, p.in.OpenAge))
	}
	return g, nil
}

// fill sets dst to the survival at e0 (clamped to the grid's range).
func (g *e0Grid) fill(e0 float64, dst *survival) {
	n := len(g.e0)
	i := sort.SearchFloat64s(g.e0, e0)
	switch {
	case i <= 0:
		copySurvival(dst, g.surv[0])
		return
	case i >= n:
		copySurvival(dst, g.surv[n-1])
		return
	}
	a, b := g.surv[i-1], g.surv[i]
	w := (e0 - g.e0[i-1]) / (g.e0[i] - g.e0[i-1])
	for k := range dst.S {
		dst.S[k] = a.S[k] + w*(b.S[k]-a.S[k])
	}
	dst.birth = a.birth + w*(b.birth-a.birth)
	dst.e0 = e0
}

func copySurvival(dst, src *survival) {
	copy(dst.S, src.S)
	dst.birth, dst.e0 = src.birth, src.e0
}

// ProjectStochastic runs opt.Trajectories projections of in whose TFR
// (and e0) follow the scenario path plus AR(1) deviations and summarises
// every series by its median and 80 %/95 % intervals. Given the same seed
// the result is identical whatever the number of workers.
//
// Each trajectory draws an annual TFR deviation series ε and, unless NoE0,
// a female e0 deviation series η and a gap deviation series γ: female e0 =
// path + η, male e0 = path + η − γ. Interval i uses the
// deviation of year ⌈(i + ½)·n⌉ after the base year. TFR is floored at 0;
// the ASFR are scaled to it. e0 maps to survival through a grid of Brass
// model tables around the base table (α step 0.01, linear interpolation).
func ProjectStochastic(in *Input, sc *Scenario, years int, opt StochasticOptions) (*StochasticResult, error) {
	if opt.Trajectories == 0 {
		opt.Trajectories = 1000
	}
	if opt.Trajectories < 2 {
		return nil, errors.New("stochastic: need at least 2 trajectories")
	}
	if opt.Workers <= 0 {
		opt.Workers = 2
	}
	p, err := prepare(in)
	if err != nil {
		return nil, err
	}
	T, err := steps(years, p.n)
	if err != nil {
		return nil, err
	}
	base, err := p.intervals(sc, T)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", in.Name, err)
	}
	if p.baseTFR == 0 {
		return nil, fmt.Errorf("input %q: stochastic TFR needs non-zero base ASFR", in.Name)
	}
	tfrM, err := pickModel(opt.TFRModel, opt.ObservedTFR, DefaultTFRModel)
	if err != nil {
		return nil, fmt.Errorf("TFR model: %w", err)
	}
	var e0M, gapM *AR1
	var grids [2]*e0Grid
	if !opt.NoE0 {
		e0M, gapM, err = mortalityModels(opt)
		if err != nil {
			return nil, err
		}
		for s := Male; s <= Female; s++ {
			if grids[s], err = newE0Grid(p, s); err != nil {
				return nil, err
			}
		}
	}
	det := &Result{}
	if sc != nil {
		det.Scenario = sc.Name
	}
	p.run(base, det, true)

	N := opt.Trajectories
	nSeries := len(SeriesNames)
	// vals[k][j][traj]: series k, year index j.
	vals := make([][][]float64, nSeries)
	for k, name := range SeriesNames {
		y, _ := det.Series(name)
		vals[k] = make([][]float64, len(y))
		buf := make([]float64, len(y)*N)
		for j := range vals[k] {
			vals[k][j] = buf[j*N : (j+1)*N]
		}
	}
	horizon := years + 1
	var wg sync.WaitGroup
	next := make(chan int)
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Per-worker copies: the engine mutates prepared's migration
			// timing only in intervals(), so sharing p is safe.
			ivs := make([]interval, T)
			var pool [2][]survival
			for s := Male; s <= Female; s++ {
				pool[s] = make([]survival, T)
				for i := range pool[s] {
					pool[s][i].S = make([]float64, p.G)
				}
			}
			epsT := make([]float64, horizon)
			epsE := make([]float64, horizon)
			epsG := make([]float64, horizon)
			res := &Result{}
			for k := range next {
				rng := rand.New(rand.NewPCG(opt.Seed, uint64(k)))
				ar1(rng, tfrM, epsT)
				if e0M != nil {
					ar1(rng, *e0M, epsE)
					ar1(rng, *gapM, epsG)
				}
				copy(ivs, base)
				for i := range ivs {
					y := min(int(math.Ceil((float64(i)+0.5)*float64(p.n))), horizon-1)
					iv := &ivs[i]
					iv.tfr = math.Max(base[i].tfr+epsT[y], 0)
					iv.fertScale = iv.tfr / p.baseTFR
					if e0M != nil {
						dev := [2]float64{Male: epsE[y] - epsG[y], Female: epsE[y]}
						for s := Male; s <= Female; s++ {
							grids[s].fill(base[i].surv[s].e0+dev[s], &pool[s][i])
							iv.surv[s] = &pool[s][i]
						}
					}
				}
				p.run(ivs, res, false)
				for si, name := range SeriesNames {
					_, v := res.Series(name)
					for j, x := range v {
						vals[si][j][k] = x
					}
				}
			}
		}()
	}
	for k := range N {
		next <- k
	}
	close(next)
	wg.Wait()

	out := &StochasticResult{Name: in.Name, Trajectories: N, Seed: opt.Seed, TFRModel: tfrM, E0Model: e0M, GapModel: gapM, Deterministic: det}
	if sc != nil {
		out.Scenario = sc.Name
	}
	for k, name := range SeriesNames {
		y, _ := det.Series(name)
		b := Band{Series: name, Years: y}
		for _, xs := range vals[k] {
			slices.Sort(xs)
			b.Median = append(b.Median, quantile(xs, 0.5))
			b.Lo80 = append(b.Lo80, quantile(xs, 0.1))
			b.Hi80 = append(b.Hi80, quantile(xs, 0.9))
			b.Lo95 = append(b.Lo95, quantile(xs, 0.025))
			b.Hi95 = append(b.Hi95, quantile(xs, 0.975))
		}
		out.Bands = append(out.Bands, b)
	}
	return out, nil
}

// mortalityModels returns the female e0 and gap models of opt.
func mortalityModels(opt StochasticOptions) (e0, gap *AR1, err error) {
	female := opt.ObservedE0Female
	if len(female) == 0 {
		female = opt.ObservedE0
	}
	m, err := pickModel(opt.E0Model, female, DefaultE0Model)
	if err != nil {
		return nil, nil, fmt.Errorf("e0 model: %w", err)
	}
	var gapSeries []float64
	if len(opt.ObservedE0Male) > 0 || len(opt.ObservedE0Female) > 0 {
		if len(opt.ObservedE0Male) != len(opt.ObservedE0Female) {
			return nil, nil, fmt.Errorf("gap model: %d male and %d female e0 observations, want the same years",
				len(opt.ObservedE0Male), len(opt.ObservedE0Female))
		}
		for i := range opt.ObservedE0Male {
			gapSeries = append(gapSeries, opt.ObservedE0Female[i]-opt.ObservedE0Male[i])
		}
	}
	g, err := pickModel(opt.GapModel, gapSeries, DefaultGapModel)
	if err != nil {
		return nil, nil, fmt.Errorf("gap model: %w", err)
	}
	return &m, &g, nil
}

func pickModel(m *AR1, observed []float64, def AR1) (AR1, error) {
	switch {
	case m != nil:
		if m.Phi < 0 || m.Phi >= 1 || m.Sigma < 0 {
			return AR1{}, fmt.Errorf("phi %v must be in [0, 1) and sigma %v non-negative", m.Phi, m.Sigma)
		}
		return *m, nil
	case len(observed) > 0:
		return FitAR1(observed)
	}
	return def, nil
}

// ar1 fills eps with an AR(1) path starting at eps[0] = 0.
func ar1(rng *rand.Rand, m AR1, eps []float64) {
	eps[0] = 0
	for y := 1; y < len(eps); y++ {
		eps[y] = m.Phi*eps[y-1] + m.Sigma*rng.NormFloat64()
	}
}

// quantile returns the q-quantile of sorted xs (linear interpolation,
// Hyndman–Fan type 7).
func quantile(xs []float64, q float64) float64 {
	h := q * float64(len(xs)-1)
	i := int(h)
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}
