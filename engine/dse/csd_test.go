package dse

import (
	"math"
	"testing"

	"github.com/padis/padis/engine/cube"
)

// TestCSD checks the Chandra Sekar–Deming estimate and its variance
// against hand computations: N̂ = n1·n2/m, Var = n1·n2·(n1−m)·(n2−m)/m³.
func TestCSD(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n1, n2, m  float64
		n, varianc float64
	}{
		// 100·80/60 = 133.33; 100·80·40·20/216000 = 29.63.
		{"textbook", 100, 80, 60, 400.0 / 3, 6_400_000.0 / 216_000},
		// Every event in both systems: nothing missed, no variance.
		{"complete", 50, 50, 50, 50, 0},
		// 900·893/804 = 803700/804 = 999.63; 900·893·96·89/804³ = 13.21.
		{"death register 90 %", 900, 893, 804, 803_700.0 / 804, 900 * 893 * 96 * 89 / (804.0 * 804 * 804)},
		// One system complete: N̂ = n1, no variance whatever the other.
		{"source complete", 40, 100, 40, 100, 0},
		{"no match", 10, 10, 0, math.NaN(), math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, v := CSD(tc.n1, tc.n2, tc.m)
			if !close(n, tc.n) || !close(v, tc.varianc) {
				t.Errorf("CSD(%v, %v, %v) = %v, %v; want %v, %v", tc.n1, tc.n2, tc.m, n, v, tc.n, tc.varianc)
			}
		})
	}
}

func close(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

// TestAdjCount checks the adjusted count's interval: with a known factor
// (relative variance 0) it is the registered count's Garwood interval
// scaled by the factor; the completeness's uncertainty widens it on the
// log scale in quadrature; a zero count keeps a positive upper bound.
func TestAdjCount(t *testing.T) {
	lo10, hi10 := cube.PoissonExact(10)
	_, hi0 := cube.PoissonExact(0)
	zc := z95 * math.Sqrt(0.01)
	for _, tc := range []struct {
		name        string
		reg, f, rv  float64
		v, lo, hi   float64
		description string
	}{
		{"exact factor", 10, 1.25, 0, 12.5, 1.25 * lo10, 1.25 * hi10, "Garwood × f"},
		{"uncertain factor", 10, 1.25, 0.01, 12.5,
			12.5 * math.Exp(-math.Hypot(math.Log(10/lo10), zc)), 12.5 * math.Exp(math.Hypot(math.Log(hi10/10), zc)), "log half-widths in quadrature"},
		{"zero events", 0, 1.25, 0.01, 0, 0, 1.25 * hi0 * math.Exp(zc), "upper bound of 0 events × f, widened"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := adjCount(tc.reg, tc.f, tc.rv)
			if !close(e.v, tc.v) || !close(e.lo, tc.lo) || !close(e.hi, tc.hi) {
				t.Errorf("adjCount(%v, %v, %v) = %+v; want %v [%v, %v] (%s)", tc.reg, tc.f, tc.rv, e, tc.v, tc.lo, tc.hi, tc.description)
			}
			if tc.rv > 0 {
				exact := adjCount(tc.reg, tc.f, 0)
				if !(e.hi > exact.hi) {
					t.Errorf("the completeness's uncertainty does not widen the interval: %+v vs %+v", e, exact)
				}
			}
		})
	}
}

// TestFactor checks the factor of a stratum: n2/m with the relative
// variance Var(N̂)/N̂² of the CSD estimate.
func TestFactor(t *testing.T) {
	f, ok := newFactor(100, 80, 60)
	n, v := CSD(100, 80, 60)
	if !ok || !close(f.f, 80.0/60) || !close(f.rv, v/(n*n)) {
		t.Errorf("newFactor(100, 80, 60) = %+v, %v; want f = 4/3, rv = %v", f, ok, v/(n*n))
	}
	if _, ok := newFactor(100, 80, 0); ok {
		t.Error("a stratum without a match gave a factor")
	}
}

// TestResolve checks the pooling rule: a cell with MinSource records and a
// match uses its own counts; else both sexes of its age group; else the
// same cell of the parent unit; at the top, all ages and both sexes.
func TestResolve(t *testing.T) {
	s := newStrata(EventDeath, 20)
	prov, county := unitKey{"51", "year", "2024"}, unitKey{"510104", "year", "2024"}
	set := func(u unitKey, c cellKey, n1, n2, m float64) { *s.at(u, c) = Counts{n1, n2, m} }
	set(prov, cellKey{1, 3}, 400, 380, 340)
	set(prov, cellKey{0, 3}, 700, 690, 620)
	set(prov, cellKey{0, 0}, 5, 6, 4) // too few: infants pool to all ages
	set(prov, allCell, 1000, 950, 855)
	set(county, cellKey{1, 3}, 40, 38, 34)  // own
	set(county, cellKey{2, 3}, 12, 10, 9)   // too few: county both sexes
	set(county, cellKey{0, 3}, 52, 48, 43)  // used by women 60+
	set(county, cellKey{1, 2}, 8, 7, 6)     // too few, and so are both sexes: the province's men 15–59
	set(prov, cellKey{1, 2}, 100, 100, 0)   // no match: the province's both sexes 15–59
	set(prov, cellKey{0, 2}, 200, 190, 170) // used by men 15–59 of the county
	for _, tc := range []struct {
		unit unitKey
		cell cellKey
		want srcKey
	}{
		{county, cellKey{1, 3}, srcKey{county, cellKey{1, 3}}},
		{county, cellKey{2, 3}, srcKey{county, cellKey{0, 3}}},
		{county, cellKey{1, 2}, srcKey{prov, cellKey{0, 2}}},
		{county, cellKey{1, 0}, srcKey{prov, allCell}},
		{prov, cellKey{2, 1}, srcKey{prov, allCell}},
	} {
		r := s.resolve(tc.unit, tc.cell)
		if !r.ok || r.srcKey != tc.want {
			t.Errorf("resolve(%v, %v) = %v (ok %v); want %v", tc.unit, tc.cell, r.srcKey, r.ok, tc.want)
		}
	}
	empty := newStrata(EventDeath, 20)
	if r := empty.resolve(county, allCell); r.ok {
		t.Errorf("resolve without records = %+v, want none", r)
	}
}
