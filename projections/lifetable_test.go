package projections

import (
	"math"
	"testing"
)

// Preston, Heuveline & Guillot (2001), Demography: Measuring and Modeling
// Population Processes, Box 3.1 (p. 49): abridged life table for Austrian
// males, 1992 (data: United Nations 1994). Deaths, population and the
// book's nax are the inputs; lx, ndx and nLx are the published columns
// (radix 100,000). The numbers were transcribed via the demCore package's
// data-raw/austria_1992_lt.R (ihmeuw-demographics/demCore), which copies
// them from the book.
var austria1992 = struct {
	deaths, pop, ax, lx, dx, nLx []float64
}{
	deaths: []float64{419, 70, 36, 46, 249, 420, 403, 441, 508, 769, 1154, 1866, 2043, 3496, 4366, 4337, 5279, 6460, 6146},
	pop: []float64{47925, 189127, 234793, 238790, 254996, 326831, 355086, 324222, 269963,
		261971, 238011, 261612, 181385, 187962, 153832, 105169, 73694, 57512, 32248},
	ax: []float64{0.068, 1.626, 2.5, 3.143, 2.724, 2.520, 2.481, 2.601, 2.701, 2.663,
		2.698, 2.676, 2.645, 2.624, 2.619, 2.593, 2.518, 2.423, 5.247},
	lx: []float64{100000, 99133, 98986, 98910, 98815, 98334, 97704, 97151, 96492, 95588,
		94195, 91937, 88711, 83845, 76377, 66225, 53803, 37441, 21134},
	dx: []float64{867, 147, 76, 95, 481, 630, 553, 659, 904, 1393, 2258, 3225, 4867, 7467,
		10152, 12422, 16362, 16307, 21134},
	nLx: []float64{99192, 396183, 494741, 494375, 492980, 490106, 487127, 484175, 480384,
		474686, 465777, 452188, 432096, 401480, 357713, 301224, 228404, 145182, 110889},
}

func TestLifeTablePrestonAustria1992(t *testing.T) {
	d := austria1992
	mx := make([]float64, len(d.deaths))
	for i := range mx {
		mx[i] = d.deaths[i] / d.pop[i]
	}
	lt, err := NewLifeTable(AbridgedAges(85), mx, LifeTableOptions{Sex: Male, Ax: d.ax, Radix: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range mx {
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"lx", lt.Lx[i], d.lx[i]}, {"dx", lt.Dx[i], d.dx[i]}, {"nLx", lt.NLx[i], d.nLx[i]}} {
			// Published to the unit: our unrounded value must round to it
			// (allowing one unit for the book's own intermediate rounding).
			if math.Abs(c.got-c.want) > 1 {
				t.Errorf("age %d %s = %.2f, published %.0f", lt.Age[i], c.name, c.got, c.want)
			}
		}
	}
	// e0 from the published nLx column: T0/l0.
	T0 := 0.0
	for _, v := range d.nLx {
		T0 += v
	}
	if got, want := lt.E0(), T0/1e5; math.Abs(got-want) > 0.005 {
		t.Errorf("e0 = %.4f, published columns give %.4f", got, want)
	}
	// The book's 1a0 = 0.068 and 4a1 = 1.626 are the Coale–Demeny rules
	// (Preston et al. Table 3.3) at 1m0 = 419/47925.
	m0 := mx[0]
	if got := A0(CoaleDemeny, Male, m0); math.Abs(got-0.068) > 0.0005 {
		t.Errorf("Coale-Demeny 1a0(%.6f) = %.4f, book 0.068", m0, got)
	}
	if got := A1to4(Male, m0); math.Abs(got-1.626) > 0.0005 {
		t.Errorf("Coale-Demeny 4a1(%.6f) = %.4f, book 1.626", m0, got)
	}
	// Without overrides the rules give the same first two ax.
	lt2, err := NewLifeTable(AbridgedAges(85), mx, LifeTableOptions{Sex: Male, Radix: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lt2.Lx[2]-d.lx[2]) > 1 {
		t.Errorf("default rules: l5 = %.1f, published %.0f", lt2.Lx[2], d.lx[2])
	}
}

func TestA0Rules(t *testing.T) {
	tests := []struct {
		rule A0Rule
		sex  Sex
		m0   float64
		want float64
	}{
		// Andreev & Kingkade (2015) Table 3, evaluated by hand.
		{AndreevKingkade, Male, 0.01, 0.14929 - 1.99545*0.01}, // 0.1293355
		{AndreevKingkade, Male, 0.05, 0.02832 + 3.26201*0.05}, // 0.1914205
		{AndreevKingkade, Male, 0.0830, 0.02832 + 3.26201*0.0830},
		{AndreevKingkade, Male, 0.10, 0.29915},
		{AndreevKingkade, Female, 0.01, 0.14903 - 2.05527*0.01}, // 0.1284773
		{AndreevKingkade, Female, 0.03, 0.04667 + 3.88089*0.03}, // 0.1630967
		{AndreevKingkade, Female, 0.08, 0.31411},
		// Coale–Demeny as in Preston et al. (2001) Table 3.3.
		{CoaleDemeny, Male, 0.05, 0.045 + 2.684*0.05},   // 0.1792
		{CoaleDemeny, Female, 0.05, 0.053 + 2.800*0.05}, // 0.193
		{CoaleDemeny, Male, 0.2, 0.330},
		{CoaleDemeny, Female, 0.2, 0.350},
	}
	for _, tc := range tests {
		if got := A0(tc.rule, tc.sex, tc.m0); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("A0(%v, %v, %v) = %v, want %v", tc.rule, tc.sex, tc.m0, got, tc.want)
		}
	}
	// Andreev–Kingkade segments meet (to the published precision) at the
	// breakpoints.
	for _, c := range []struct {
		sex Sex
		m   float64
	}{{Male, 0.023}, {Male, 0.08307}, {Female, 0.01724}, {Female, 0.06891}} {
		lo, hi := A0(AndreevKingkade, c.sex, c.m-1e-9), A0(AndreevKingkade, c.sex, c.m)
		if math.Abs(lo-hi) > 1e-3 {
			t.Errorf("AK %v break at %v: %v vs %v", c.sex, c.m, lo, hi)
		}
	}
	if got, want := A1to4(Female, 0.05), 1.522-1.518*0.05; math.Abs(got-want) > 1e-12 {
		t.Errorf("4a1 female = %v, want %v", got, want)
	}
	if got := A1to4(Male, 0.2); got != 1.352 {
		t.Errorf("4a1 male high = %v", got)
	}
}

// TestLifeTableHand checks a 4-row single-year table computed by hand.
func TestLifeTableHand(t *testing.T) {
	// ages 0,1,2,3+; m = 0.1, 0.05, 0.2, 0.5; a0 fixed at 0.3 via Ax.
	// q0 = 0.1/(1+0.7·0.1) = 0.0934579439; l1 = 0.9065420561
	// L0 = l1 + 0.3·d0 = 0.9065420561 + 0.0280373832 = 0.9345794393
	// q1 = 0.05/(1+0.5·0.05) = 0.0487804878; l2 = l1·(1−q1) = 0.8623204924
	// L1 = l2 + 0.5·(l1−l2) = 0.8623204924 + 0.5·0.0442215637 = 0.8844312742
	// q2 = 0.2/1.1 = 0.1818181818; l3 = 0.7055349483
	// L2 = 0.7055349483 + 0.5·0.1567855441 = 0.7839277203
	// L3 = l3/0.5 = 1.4110698966
	// T0 = 4.0140083304 → e0 = 4.0140083304
	lt, err := NewLifeTable([]int{0, 1, 2, 3}, []float64{0.1, 0.05, 0.2, 0.5},
		LifeTableOptions{Ax: []float64{0.3, math.NaN(), math.NaN()}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float64{
		"l": {1, 0.9065420561, 0.8623204924, 0.7055349483},
		"L": {0.9345794393, 0.8844312742, 0.7839277203, 1.4110698966},
	}
	for i := range 4 {
		if math.Abs(lt.Lx[i]-want["l"][i]) > 1e-9 || math.Abs(lt.NLx[i]-want["L"][i]) > 1e-9 {
			t.Errorf("age %d: l=%.10f L=%.10f, want %.10f %.10f", i, lt.Lx[i], lt.NLx[i], want["l"][i], want["L"][i])
		}
		// Identity m = d/L in every interval.
		if math.Abs(lt.Dx[i]/lt.NLx[i]-lt.Mx[i]) > 1e-12 {
			t.Errorf("age %d: d/L = %v, m = %v", i, lt.Dx[i]/lt.NLx[i], lt.Mx[i])
		}
	}
	if math.Abs(lt.E0()-4.0140083304) > 1e-9 {
		t.Errorf("e0 = %.10f", lt.E0())
	}
}

func TestLifeTableFromLxRoundTrip(t *testing.T) {
	std := StandardLifeTable(Female)
	lt, err := NewLifeTableFromLx(std.Age, std.NLx, std.Radix)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lt.E0()-std.E0()) > 1e-12 {
		t.Errorf("e0 from Lx %v, from mx %v", lt.E0(), std.E0())
	}
	// The l approximation is close where mortality is low and within 2 %
	// at the oldest ages.
	for i := 1; i < 100; i++ {
		tol := 0.002
		if i >= 85 {
			tol = 0.02
		}
		if rel := math.Abs(lt.Lx[i]-std.Lx[i]) / std.Lx[i]; rel > tol {
			t.Errorf("age %d: approximated l %v vs %v", i, lt.Lx[i], std.Lx[i])
		}
	}
}

func TestLifeTableErrors(t *testing.T) {
	tests := []struct {
		ages []int
		mx   []float64
	}{
		{[]int{0}, []float64{0.1}},
		{[]int{1, 2}, []float64{0.1, 0.2}},
		{[]int{0, 2, 1}, []float64{0.1, 0.2, 0.3}},
		{[]int{0, 1}, []float64{0.1}},
		{[]int{0, 1}, []float64{-0.1, 0.2}},
		{[]int{0, 1}, []float64{0.1, 0}},
	}
	for _, tc := range tests {
		if _, err := NewLifeTable(tc.ages, tc.mx, LifeTableOptions{}); err == nil {
			t.Errorf("NewLifeTable(%v, %v): no error", tc.ages, tc.mx)
		}
	}
}

func TestProjectionLAggregates(t *testing.T) {
	std := StandardLifeTable(Male)
	L5 := std.ProjectionL(5, 100)
	// 5L0 = L0+L1+…+L4 from the single-year table; the open group is T100.
	want := std.NLx[0] + std.NLx[1] + std.NLx[2] + std.NLx[3] + std.NLx[4]
	if math.Abs(L5[0]-want) > 1e-12 {
		t.Errorf("5L0 = %v, want %v", L5[0], want)
	}
	if math.Abs(L5[20]-std.Tx[100]) > 1e-12 {
		t.Errorf("T100 = %v, want %v", L5[20], std.Tx[100])
	}
	// An abridged 85+ table on a 5-year grid to 100+: 5L0 = 1L0 + 4L1,
	// aligned groups keep their nLx, and the constant-hazard extension
	// beyond 85 sums to T85 = l85/m85, so the total is T0.
	ab, err := NewLifeTable(AbridgedAges(85), abridgeMx(std), LifeTableOptions{Sex: Male})
	if err != nil {
		t.Fatal(err)
	}
	L5ab := ab.ProjectionL(5, 100)
	if math.Abs(L5ab[0]-(ab.NLx[0]+ab.NLx[1])) > 1e-12 || math.Abs(L5ab[3]-ab.NLx[4]) > 1e-12 {
		t.Errorf("aligned groups changed: %v %v", L5ab[0], L5ab[3])
	}
	if got := sumOf(L5ab); math.Abs(got-ab.Tx[0]) > 1e-9 {
		t.Errorf("sum of 5-year L = %v, T0 = %v", got, ab.Tx[0])
	}
	// Single years inside an abridged group share its nLx by a constant
	// hazard: they add up to it.
	L1 := ab.ProjectionL(1, 100)
	for i, a := range ab.Age[:len(ab.Age)-1] {
		s := 0.0
		for x := a; x < a+ab.Width[i]; x++ {
			s += L1[x]
		}
		if rel := math.Abs(s-ab.NLx[i]) / ab.NLx[i]; rel > 1e-12 {
			t.Errorf("group %d: single years sum to %v, nLx %v", a, s, ab.NLx[i])
		}
	}
}

// abridgeMx aggregates a single-year table's rates to 0,1,5,…,85+.
func abridgeMx(lt *LifeTable) []float64 {
	ages := AbridgedAges(85)
	mx := make([]float64, len(ages))
	for i, a := range ages {
		b := 111
		if i+1 < len(ages) {
			b = ages[i+1]
		}
		var d, L float64
		for x := a; x < b && x < len(lt.Age); x++ {
			d += lt.Dx[x]
			L += lt.NLx[x]
		}
		mx[i] = d / L
	}
	return mx
}

func TestBrassSolve(t *testing.T) {
	std := StandardLifeTable(Female)
	// α = 0, β = 1 reproduces the standard.
	same, err := BrassLifeTable(std, 0, 1, CoaleDemeny)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(same.E0()-std.E0()) > 1e-6 {
		t.Errorf("Brass(0,1) e0 = %v, standard %v", same.E0(), std.E0())
	}
	for _, target := range []float64{60, 70, 78, 85} {
		alpha, lt, err := SolveBrassAlpha(std, 1, target, CoaleDemeny)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(lt.E0()-target) > 1e-6 {
			t.Errorf("target %v: e0 = %v (alpha %v)", target, lt.E0(), alpha)
		}
		if (target < std.E0()) != (alpha > 0) {
			t.Errorf("target %v: alpha %v has the wrong sign", target, alpha)
		}
		k, lt2, err := SolveMortalityScale(std, target, CoaleDemeny)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(lt2.E0()-target) > 1e-6 || (target < std.E0()) != (k > 1) {
			t.Errorf("scale target %v: e0 = %v k = %v", target, lt2.E0(), k)
		}
	}
	if _, _, err := SolveBrassAlpha(std, 1, 150, CoaleDemeny); err == nil {
		t.Error("e0 = 150 solved")
	}
}
