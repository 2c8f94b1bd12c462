package detect

import (
	"math"
	"sort"
)

// BenjaminiHochberg controls the false discovery rate at level q over the
// p-values p, one per unit (Benjamini & Hochberg 1995): with the m valid
// p-values sorted, p₍₁₎ ≤ … ≤ p₍ₘ₎, and k the largest i with
// p₍ᵢ₎ ≤ i·q/m, the units with the k smallest p-values are rejected. The
// expected share of false alarms among the units flagged is then at most
// q when the p-values are independent (or positively dependent).
//
// The result has one entry per p-value, true for a rejection (an alarm).
// NaN p-values, units that were not tested, are never rejected and do not
// count in m. q must lie in (0, 1); otherwise nothing is rejected.
func BenjaminiHochberg(p []float64, q float64) []bool {
	reject := make([]bool, len(p))
	if !(q > 0 && q < 1) {
		return reject
	}
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := float64(len(idx))
	k := 0
	for i, j := range idx {
		if p[j] <= float64(i+1)*q/m {
			k = i + 1
		}
	}
	for _, j := range idx[:k] {
		reject[j] = true
	}
	return reject
}

// BHAdjust returns the Benjamini–Hochberg adjusted p-values (R's
// p.adjust(p, "BH")): with the m valid p-values sorted, the adjusted value
// of p₍ᵢ₎ is min over j ≥ i of min(1, m·p₍ⱼ₎/j). A unit is rejected by
// BenjaminiHochberg at level q exactly when its adjusted p-value is at
// most q, so the adjusted value is the smallest q at which the unit would
// be flagged: "p < 0.001 after false-discovery-rate control" means an
// adjusted p-value below 0.001. NaN p-values stay NaN and do not count in
// m.
func BHAdjust(p []float64) []float64 {
	out := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		out[i] = math.NaN()
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := float64(len(idx))
	run := 1.0
	for k := len(idx) - 1; k >= 0; k-- {
		j := idx[k]
		run = math.Min(run, m*p[j]/float64(k+1))
		out[j] = run
	}
	return out
}
