// Package nowcast corrects the latest months' event counts for
// registration lag. An event (birth, death, move) is registered some days
// or months after it happens, so the snapshot misses the events of recent
// months that are registered after its as-of date, and the latest month
// looks like a collapse. The package estimates the reporting-delay
// distribution from the snapshot's own records with the reverse-time
// discrete hazard (chain-ladder) estimator of Lawless (1994), the one
// behind R surveillance's nowcast, and for each recent month whose
// expected completeness is below Provisional gives the nowcast
// N̂ = registered / F̂(as_of − month) with a 95 % interval from a
// parametric bootstrap (docs/indicators.md, "Nowcasting registration lag").
package nowcast

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Provisional is the expected completeness below which a month is
// provisional (初步数) and its nowcast is served beside the count.
const Provisional = 0.95

// Recent is the number of latest months always nowcast (older months only
// while their completeness is below Provisional).
const Recent = 3

// Draws is the number of bootstrap draws behind each interval.
const Draws = 2000

// Triangle is the reporting triangle of one unit and event type: N[i][d]
// events occurred in month First+i and were registered d months later
// (0 ≤ d ≤ Last−(First+i): later delays are not observable yet). Months
// are indices year·12 + month − 1; Last is the month of the as-of date.
type Triangle struct {
	First, Last int
	N           [][]float64
}

// NewTriangle returns an empty triangle of the months first…last.
func NewTriangle(first, last int) *Triangle {
	t := &Triangle{First: first, Last: last, N: make([][]float64, last-first+1)}
	for i := range t.N {
		t.N[i] = make([]float64, last-first-i+1)
	}
	return t
}

// Add counts n events of month m registered d months later; cells outside
// the triangle (a delay beyond as-of, a month outside first…last) are
// ignored and reported false.
func (t *Triangle) Add(m, d int, n float64) bool {
	i := m - t.First
	if i < 0 || i >= len(t.N) || d < 0 || d >= len(t.N[i]) {
		return false
	}
	t.N[i][d] += n
	return true
}

// AddTriangle adds the cells of u (same months) to t.
func (t *Triangle) AddTriangle(u *Triangle) {
	for i := range u.N {
		for d, n := range u.N[i] {
			t.N[i][d] += n
		}
	}
}

// Registered returns the events of month m registered by as-of.
func (t *Triangle) Registered(m int) float64 {
	i := m - t.First
	if i < 0 || i >= len(t.N) {
		return 0
	}
	var s float64
	for _, n := range t.N[i] {
		s += n
	}
	return s
}

// Total returns every event of the triangle.
func (t *Triangle) Total() float64 {
	var s float64
	for m := t.First; m <= t.Last; m++ {
		s += t.Registered(m)
	}
	return s
}

// Delay is an estimated reporting-delay distribution: the reverse-time
// hazards G[d] = P(delay = d | delay ≤ d) for d = 1…len(G)−1 with the
// counts they rest on, and F[d] = P(delay ≤ d), F[D] = 1 at the largest
// delay D seen.
type Delay struct {
	G, Num, Den []float64
	F           []float64
}

// EstimateDelay estimates the delay distribution of a triangle with the
// reverse-time hazard estimator (Lawless 1994; Kalbfleisch and Lawless
// 1991): for each delay d ≥ 1, among the months whose delay d is already
// observable (Last − month ≥ d), the share of the events registered
// within d months that were registered at exactly d. Right truncation is
// thereby handled: a month contributes to a hazard only where its delays
// are fully observed. The largest delay is the largest one registered.
func EstimateDelay(t *Triangle) *Delay {
	dmax := 0
	for i := range t.N {
		for d, n := range t.N[i] {
			if n > 0 && d > dmax {
				dmax = d
			}
		}
	}
	e := &Delay{G: make([]float64, dmax+1), Num: make([]float64, dmax+1), Den: make([]float64, dmax+1), F: make([]float64, dmax+1)}
	for i := range t.N {
		var cum float64
		for d, n := range t.N[i] {
			cum += n
			if d > dmax {
				break
			}
			e.Num[d] += n
			e.Den[d] += cum
		}
	}
	for d := 1; d <= dmax; d++ {
		if e.Den[d] > 0 {
			e.G[d] = e.Num[d] / e.Den[d]
		}
	}
	e.F = cdf(e.G)
	return e
}

// cdf turns reverse hazards into F[d] = Π_{j>d} (1 − g_j).
func cdf(g []float64) []float64 {
	f := make([]float64, len(g))
	f[len(g)-1] = 1
	for d := len(g) - 1; d >= 1; d-- {
		f[d-1] = f[d] * (1 - g[d])
	}
	return f
}

// Completeness returns F(lag): the expected share of a month's events
// registered lag months after it (1 beyond the largest delay).
func (e *Delay) Completeness(lag int) float64 {
	if lag >= len(e.F) {
		return 1
	}
	if lag < 0 {
		return 0
	}
	return e.F[lag]
}

// Estimate is the nowcast of one month.
type Estimate struct {
	Month        int     // year·12 + month − 1
	Registered   float64 // events registered by as-of
	Completeness float64 // F̂(as_of − month)
	Nowcast      float64 // Registered / Completeness
	Lower, Upper float64 // 95 % interval of the eventual count
}

// Nowcast estimates the eventual counts of the Recent latest months of t
// and of any older month whose completeness is below Provisional, in month
// order. Each interval is the 2.5 and 97.5 percentiles of Draws draws of
// registered + unobserved, where a draw takes the hazards from their
// Jeffreys posteriors Beta(num + ½, den − num + ½) (the estimation
// uncertainty of F̂, shared by the months of the unit) and then the
// unobserved count from the negative binomial NB(registered + 1, F*): the
// posterior of the eventual count N given registered ~ Binomial(N, F*)
// under a flat prior on N. seed makes the draws reproducible.
func Nowcast(t *Triangle, e *Delay, seed uint64) []Estimate {
	var out []Estimate
	first := max(t.First, t.Last-len(e.F)+2)
	for m := first; m <= t.Last; m++ {
		y := t.Registered(m)
		f := e.Completeness(t.Last - m)
		if t.Last-m >= Recent && f >= Provisional {
			continue
		}
		est := Estimate{Month: m, Registered: y, Completeness: f, Nowcast: y, Lower: y, Upper: y}
		if f > 0 && f < 1 {
			est.Nowcast = y / f
		}
		out = append(out, est)
	}
	if len(out) == 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(seed, 0x6e6f7763617374))
	draws := make([][]float64, len(out))
	g := make([]float64, len(e.G))
	for b := 0; b < Draws; b++ {
		for d := 1; d < len(g); d++ {
			g[d] = beta(r, e.Num[d]+0.5, e.Den[d]-e.Num[d]+0.5)
		}
		f := cdf(g)
		for i, est := range out {
			lag := t.Last - est.Month
			fs := 1.0
			if lag < len(f) {
				fs = f[lag]
			}
			u := 0.0
			if fs < 1 {
				u = poisson(r, gamma(r, est.Registered+1)*(1-fs)/max(fs, 1e-9))
			}
			draws[i] = append(draws[i], est.Registered+u)
		}
	}
	for i := range out {
		slices.Sort(draws[i])
		out[i].Lower, out[i].Upper = quantile(draws[i], 0.025), quantile(draws[i], 0.975)
	}
	return out
}

// quantile is the q-quantile of sorted xs (type 7, linear interpolation).
func quantile(xs []float64, q float64) float64 {
	h := q * float64(len(xs)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// gamma draws from Gamma(shape a, scale 1) (Marsaglia and Tsang 2000;
// shapes below 1 boosted by U^(1/a)).
func gamma(r *rand.Rand, a float64) float64 {
	if a < 1 {
		return gamma(r, a+1) * math.Pow(r.Float64(), 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// beta draws from Beta(a, b); when both exceed 30, from the normal with
// its mean and variance (cheaper, and then as good for the percentiles).
func beta(r *rand.Rand, a, b float64) float64 {
	if a > 30 && b > 30 {
		n := a + b
		m := a / n
		return min(1, max(0, m+math.Sqrt(m*(1-m)/(n+1))*r.NormFloat64()))
	}
	x := gamma(r, a)
	return x / (x + gamma(r, b))
}

// poisson draws from Poisson(lam): by multiplication of uniforms below
// 10, else by transformed rejection (PTRS, Hörmann 1993).
func poisson(r *rand.Rand, lam float64) float64 {
	if lam <= 0 {
		return 0
	}
	if lam < 10 {
		l, k, p := math.Exp(-lam), 0.0, 1.0
		for {
			p *= r.Float64()
			if p <= l {
				return k
			}
			k++
		}
	}
	slam, loglam := math.Sqrt(lam), math.Log(lam)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lam + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -lam+k*loglam-lg {
			return k
		}
	}
}
