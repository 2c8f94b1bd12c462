// Package sae computes small-area estimates (docs/indicators.md,
// "Small-area estimates"): empirical-Bayes shrinkage of a unit's direct
// rate or proportion toward its parent unit, for counties, townships and
// villages. Rates (CDR, IMR, and TFR through the general fertility rate)
// use the gamma–Poisson model of Clayton & Kaldor (1987) with Marshall's
// (1991) moment estimator of the between-area variance; the sex ratio at
// birth uses the beta–binomial model on the proportion of boys with the
// analogous moment estimator (Rao & Molina 2015, ch. 9–10).
//
// The estimators take and return plain slices; Run applies them to the
// cube of a version and writes the *_sae indicators into cube.values.
package sae

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Gamma is a gamma distribution of a rate by its shape and rate
// parameters: a posterior Gamma(α + y, β + x) after y events in x
// person-years.
type Gamma struct{ Shape, Rate float64 }

// Mean returns Shape/Rate.
func (g Gamma) Mean() float64 { return g.Shape / g.Rate }

// Var returns Shape/Rate².
func (g Gamma) Var() float64 { return g.Shape / (g.Rate * g.Rate) }

// Interval returns the central 95 % interval.
func (g Gamma) Interval() (lo, hi float64) {
	d := distuv.Gamma{Alpha: g.Shape, Beta: g.Rate}
	return d.Quantile(0.025), d.Quantile(0.975)
}

// Beta is a beta distribution of a proportion: a posterior
// Beta(a + k, b + n − k) after k of n.
type Beta struct{ A, B float64 }

// Mean returns A/(A + B).
func (b Beta) Mean() float64 { return b.A / (b.A + b.B) }

// Var returns AB/((A + B)²(A + B + 1)).
func (b Beta) Var() float64 {
	s := b.A + b.B
	return b.A * b.B / (s * s * (s + 1))
}

// Interval returns the central 95 % interval.
func (b Beta) Interval() (lo, hi float64) {
	d := distuv.Beta{Alpha: b.A, Beta: b.B}
	return d.Quantile(0.025), d.Quantile(0.975)
}

// Jeffreys returns the posterior of a rate after y events in x
// person-years under Jeffreys' prior, Gamma(y + ½, x): the distribution of
// a top unit's rate that its children are shrunk toward. Its mean is
// positive even when y = 0.
func Jeffreys(y, x float64) Gamma { return Gamma{y + 0.5, x} }

// JeffreysBeta returns the posterior of a proportion k/n under Jeffreys'
// prior, Beta(k + ½, n − k + ½).
func JeffreysBeta(k, n float64) Beta { return Beta{k + 0.5, n - k + 0.5} }

// PoissonVariance returns Marshall's (1991) moment estimate of the
// between-area variance A of the relative rates θᵢ = rᵢ/mᵢ of units with
// yᵢ events in xᵢ person-years (rᵢ = yᵢ/xᵢ) whose parents' rates are mᵢ:
//
//	A = max(0, (Σ xᵢ(rᵢ − mᵢ)²/mᵢ − n) / Σ xᵢmᵢ)
//
// (with mᵢ constant, Marshall's s² − m/x̄ divided by m²). Units without
// exposure or whose parent rate is not positive are left out. Ignoring the
// parent's own sampling error in the moment slightly overstates A, so that
// units are shrunk somewhat less than the model would allow.
func PoissonVariance(y, x, m []float64) float64 {
	var num, den float64
	for i := range y {
		if !(x[i] > 0) || !(m[i] > 0) {
			continue
		}
		d := y[i]/x[i] - m[i]
		num += x[i]*d*d/m[i] - 1
		den += x[i] * m[i]
	}
	if !(den > 0) || !(num > 0) {
		return 0
	}
	return num / den
}

// GammaPrior returns the prior of a unit's rate given its parent's rate
// distribution p and the between-area variance A of relative rates: mean
// m = p.Mean() and variance A·m² + p.Var() (the spread of sibling units
// around their parent, plus the uncertainty of the parent's rate itself).
func GammaPrior(p Gamma, a float64) Gamma {
	m := p.Mean()
	v := a*m*m + p.Var()
	return Gamma{m * m / v, m / v}
}

// ShrinkPoisson returns the posterior rates of units with y[i] events in
// x[i] person-years whose parents' rates have the distributions parent[i]
// (Run passes the parent's posterior with the unit's own events and
// exposure taken out, so that they are not counted twice): the
// between-area variance A (PoissonVariance, with mᵢ = parent[i].Mean())
// and, per unit, Gamma(α + y, β + x) with the prior Gamma(α, β) of
// GammaPrior. The posterior mean is the shrinkage
//
//	w·y/x + (1 − w)·m,  w = x/(β + x),
//
// toward the parent's rate m (Clayton & Kaldor 1987): weight on the unit's
// own rate grows with its exposure and with A. A parent without
// information (Rate not positive: the unit is its parent's only child)
// leaves the unit unshrunk, Jeffreys(y, x).
func ShrinkPoisson(y, x []float64, parent []Gamma) (a float64, post []Gamma) {
	m := make([]float64, len(parent))
	for i, p := range parent {
		m[i] = math.NaN()
		if p.Rate > 0 {
			m[i] = p.Mean()
		}
	}
	a = PoissonVariance(y, x, m)
	post = make([]Gamma, len(y))
	for i := range y {
		if !(parent[i].Rate > 0) {
			post[i] = Jeffreys(y[i], x[i])
			continue
		}
		pr := GammaPrior(parent[i], a)
		post[i] = Gamma{pr.Shape + y[i], pr.Rate + x[i]}
	}
	return a, post
}

// BinomialVariance returns the moment estimate of the between-area
// variance A of proportions pᵢ = kᵢ/nᵢ around their parents' proportions
// πᵢ: E Σ nᵢ(pᵢ − πᵢ)² = A Σ nᵢ + Σ πᵢ(1 − πᵢ), so
//
//	A = max(0, (Σ nᵢ(pᵢ − πᵢ)² − Σ πᵢ(1 − πᵢ)) / Σ nᵢ).
//
// Units with nᵢ = 0 or πᵢ not in (0, 1) are left out.
func BinomialVariance(k, n, pi []float64) float64 {
	var num, den float64
	for i := range k {
		if !(n[i] > 0) || !(pi[i] > 0 && pi[i] < 1) {
			continue
		}
		d := k[i]/n[i] - pi[i]
		num += n[i]*d*d - pi[i]*(1-pi[i])
		den += n[i]
	}
	if !(den > 0) || !(num > 0) {
		return 0
	}
	return num / den
}

// BetaPrior returns the beta prior of a unit's proportion given its
// parent's distribution p and the between-area variance A: mean
// π = p.Mean() and variance A + p.Var(), i.e. Beta(πs, (1 − π)s) with
// s = π(1 − π)/V − 1 (at least 10⁻⁶, a nearly flat prior, when V is too
// large for a beta distribution).
func BetaPrior(p Beta, a float64) Beta {
	pi := p.Mean()
	v := a + p.Var()
	s := math.Max(pi*(1-pi)/v-1, 1e-6)
	return Beta{pi * s, (1 - pi) * s}
}

// ShrinkBinomial returns the posterior proportions of units with k[i] of
// n[i] whose parents' proportions have the distributions parent[i] (the
// parent's posterior without the unit's own births, as for ShrinkPoisson): the
// between-area variance A (BinomialVariance) and, per unit,
// Beta(a + k, b + n − k) with the prior Beta(a, b) of BetaPrior — the
// beta–binomial analogue of ShrinkPoisson. The posterior mean is
// w·k/n + (1 − w)·π with w = n/(a + b + n). A parent without
// information (A or B not positive) leaves the unit unshrunk,
// JeffreysBeta(k, n).
func ShrinkBinomial(k, n []float64, parent []Beta) (a float64, post []Beta) {
	pi := make([]float64, len(parent))
	for i, p := range parent {
		pi[i] = math.NaN()
		if p.A > 0 && p.B > 0 {
			pi[i] = p.Mean()
		}
	}
	a = BinomialVariance(k, n, pi)
	post = make([]Beta, len(k))
	for i := range k {
		if !(parent[i].A > 0 && parent[i].B > 0) {
			post[i] = JeffreysBeta(k[i], n[i])
			continue
		}
		pr := BetaPrior(parent[i], a)
		post[i] = Beta{pr.A + k[i], pr.B + n[i] - k[i]}
	}
	return a, post
}
