package projections

import "math"

// testASFR returns a bell-shaped schedule over 15–49 with the given TFR.
func testASFR(tfr float64) []float64 {
	f := make([]float64, FertileTo-FertileFrom)
	s := 0.0
	for i := range f {
		x := float64(FertileFrom+i) + 0.5
		f[i] = math.Exp(-0.5 * math.Pow((x-28)/5, 2))
		s += f[i]
	}
	for i := range f {
		f[i] *= tfr / s
	}
	return f
}

// testInput returns a synthetic population on the grid (step, open) with
// the standard Siler mortality, TFR 1.6, SRB 110 and no migration.
func testInput(step, open int) *Input {
	G := open/step + 1
	in := &Input{Name: "test", BaseYear: 2020, Step: step, OpenAge: open, SRB: 110, ASFR: testASFR(1.6)}
	for s := Male; s <= Female; s++ {
		std := StandardLifeTable(s)
		in.Mortality[s] = Mortality{Ages: std.Age, Mx: std.Mx}
		in.Pop[s] = make([]float64, G)
		for g := range in.Pop[s] {
			a := float64(g*step) + float64(step)/2
			in.Pop[s][g] = float64(step) * 10000 * math.Exp(-a/60) * (1 + 0.2*math.Sin(a/7))
		}
		in.Pop[s][G-1] = 10000 * math.Exp(-float64(open)/60) * 8
	}
	return in
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
