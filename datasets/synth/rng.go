package synth

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// newStream returns the random stream of one purpose (a county code, or a
// named stage such as "geo"), derived from the seed alone so that it does
// not depend on scheduling.
func newStream(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// expo draws an exponential variate with mean 1.
func expo(r *rand.Rand) float32 { return float32(r.ExpFloat64()) }

// poisson draws a Poisson variate with mean mu (inversion for small means,
// a rounded normal approximation above 50).
func poisson(r *rand.Rand, mu float64) int {
	if mu <= 0 {
		return 0
	}
	if mu > 50 {
		v := int(math.Round(mu + math.Sqrt(mu)*r.NormFloat64()))
		if v < 0 {
			return 0
		}
		return v
	}
	l := math.Exp(-mu)
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// cumulative returns the running sums of w.
func cumulative(w []float64) []float64 {
	c := make([]float64, len(w))
	s := 0.0
	for i, v := range w {
		s += v
		c[i] = s
	}
	return c
}

// pick draws an index with probability proportional to the weights whose
// running sums are cum.
func pick(r *rand.Rand, cum []float64) int {
	n := len(cum)
	if n == 0 {
		return -1
	}
	u := r.Float64() * cum[n-1]
	lo, hi := 0, n-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// pickSmall draws an index from a short weight vector (linear scan).
func pickSmall(r *rand.Rand, w []float64) int {
	s := 0.0
	for _, v := range w {
		s += v
	}
	u := r.Float64() * s
	for i, v := range w {
		if u < v {
			return i
		}
		u -= v
	}
	return len(w) - 1
}
