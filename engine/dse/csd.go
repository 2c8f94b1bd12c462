package dse

import (
	"math"

	"github.com/padis/padis/engine/cube"
)

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// CSD returns the Chandra Sekar–Deming (1949) dual-system estimate of the
// number of events N recorded n1 times by one system, n2 times by the
// other and m times by both, N̂ = n1·n2/m, and its variance
// n1·n2·(n1−m)·(n2−m)/m³. Both are NaN when m is not positive. The
// estimate assumes that the two systems record an event independently
// (and that every match is a true one): when the events one system misses
// are more likely missed by the other too (positive dependence, the usual
// case for deaths that escape every administration), N̂ is too small and
// the completeness n1/N̂ too high.
func CSD(n1, n2, m float64) (n, variance float64) {
	if !(m > 0) {
		return math.NaN(), math.NaN()
	}
	n = n1 * n2 / m
	variance = n1 * n2 * math.Max(n1-m, 0) * math.Max(n2-m, 0) / (m * m * m)
	return n, variance
}

// factor is the correction of one stratum: N̂/n1 = n2/m, the inverse of
// the register's completeness, and the relative variance of N̂ (Var/N̂²,
// which is also that of the factor).
type factor struct {
	f, rv float64
}

// newFactor returns the factor of a stratum with register count n1,
// source count n2 and m matched; ok is false when m is not positive.
func newFactor(n1, n2, m float64) (factor, bool) {
	n, v := CSD(n1, n2, m)
	if math.IsNaN(n) {
		return factor{}, false
	}
	f := n2 / m
	if n > 0 {
		return factor{f: f, rv: v / (n * n)}, true
	}
	// No registered event: the factor's relative variance from the source
	// alone, (1 − m/n2)/m, the binomial variance of log(m/n2).
	return factor{f: f, rv: math.Max(n2-m, 0) / (n2 * m)}, true
}

// est is an estimate with its 95 % interval.
type est struct {
	v, lo, hi float64
}

// adjCount returns the adjusted count reg·f of a registered count reg whose
// completeness factor f has relative variance rv: the Garwood interval of
// reg (the Poisson variation of the events, as the registered count's
// interval) scaled by f and widened on the log scale by the completeness
// uncertainty, the two half-widths added in quadrature.
func adjCount(reg, f, rv float64) est {
	lo, hi := cube.PoissonExact(reg)
	zc := z95 * math.Sqrt(rv)
	if !(reg > 0) {
		return est{v: 0, lo: 0, hi: f * hi * math.Exp(zc)}
	}
	v := reg * f
	return est{v: v, lo: v * math.Exp(-math.Hypot(math.Log(reg/lo), zc)), hi: v * math.Exp(math.Hypot(math.Log(hi/reg), zc))}
}

// widen scales the estimate e (value and interval, e.g. a registered TFR
// with its own interval) by f and widens the interval on the log scale by
// the relative variance rv of f.
func widen(e est, f, rv float64) est {
	zc := z95 * math.Sqrt(rv)
	if !(e.v > 0) {
		return est{v: e.v * f, lo: 0, hi: f * e.hi * math.Exp(zc)}
	}
	v := e.v * f
	return est{v: v, lo: v * math.Exp(-math.Hypot(math.Log(e.v/e.lo), zc)), hi: v * math.Exp(math.Hypot(math.Log(e.hi/e.v), zc))}
}

// scale multiplies an estimate by k > 0 (a rate's denominator and scale).
func (e est) scale(k float64) est { return est{e.v * k, e.lo * k, e.hi * k} }
