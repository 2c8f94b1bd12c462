package nowcast

import (
	"math"
	"math/rand/v2"
	"testing"
)

// simulate returns a triangle of months 0…months−1 where month i has
// Poisson(mean) events with delays drawn from p (months), truncated at
// the last month, and the eventual counts.
func simulate(r *rand.Rand, months int, mean float64, p []float64) (*Triangle, []float64) {
	t := NewTriangle(0, months-1)
	eventual := make([]float64, months)
	for i := range months {
		n := poisson(r, mean)
		eventual[i] = n
		for range int(n) {
			u, d := r.Float64(), 0
			for u > p[d] && d < len(p)-1 {
				u -= p[d]
				d++
			}
			t.Add(i, d, 1)
		}
	}
	return t, eventual
}

func TestEstimateDelay(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    []float64
	}{
		{"fast", []float64{0.65, 0.25, 0.06, 0.04}},
		{"slow tail", []float64{0.4, 0.3, 0.1, 0.1, 0.05, 0.05}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			tri, _ := simulate(r, 36, 5000, tc.p)
			e := EstimateDelay(tri)
			if len(e.F) != len(tc.p) {
				t.Fatalf("horizon %d, want %d", len(e.F), len(tc.p))
			}
			cum := 0.0
			for d, pd := range tc.p {
				cum += pd
				if math.Abs(e.F[d]-cum) > 0.01 {
					t.Errorf("F(%d) = %.4f, want %.4f", d, e.F[d], cum)
				}
			}
		})
	}
}

// TestNowcastCoverage checks on simulated triangles that the intervals
// cover the eventual count at about the nominal rate and that the point
// nowcast is unbiased, where the registered count is far too low.
func TestNowcastCoverage(t *testing.T) {
	p := []float64{0.65, 0.25, 0.06, 0.04}
	for _, mean := range []float64{20, 400} {
		r := rand.New(rand.NewPCG(3, uint64(mean)))
		var cells, covered int
		var relErr, relReg float64
		const reps = 150
		for rep := range reps {
			tri, eventual := simulate(r, 24, mean, p)
			for _, est := range Nowcast(tri, EstimateDelay(tri), uint64(rep)) {
				n := eventual[est.Month]
				cells++
				if est.Lower <= n && n <= est.Upper {
					covered++
				}
				if est.Month == tri.Last {
					relErr += (est.Nowcast - n) / n / reps
					relReg += (est.Registered - n) / n / reps
				}
			}
		}
		cov := float64(covered) / float64(cells)
		t.Logf("mean %v: coverage %.3f over %d month-cells, last month bias %.3f (registered %.3f)", mean, cov, cells, relErr, relReg)
		// small counts are discrete: the interval is then conservative
		if cov < 0.92 || (mean >= 100 && cov > 0.985) {
			t.Errorf("mean %v: 95 %% intervals cover %.3f of the eventual counts", mean, cov)
		}
		if math.Abs(relErr) > 0.03 {
			t.Errorf("mean %v: last-month nowcast bias %.3f", mean, relErr)
		}
		if relReg > -0.3 {
			t.Errorf("mean %v: registered count bias %.3f, the test needs a truncated month", mean, relReg)
		}
	}
}

func TestSamplers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, lam := range []float64{0.5, 3, 12, 250} {
		var s, s2 float64
		const n = 40000
		for range n {
			x := poisson(r, lam)
			s += x
			s2 += x * x
		}
		m, v := s/n, s2/n-(s/n)*(s/n)
		if math.Abs(m-lam) > 4*math.Sqrt(lam/n) || math.Abs(v/lam-1) > 0.05 {
			t.Errorf("poisson(%v): mean %.3f variance %.3f", lam, m, v)
		}
	}
	for _, a := range []float64{0.5, 2, 80} {
		var s float64
		const n = 40000
		for range n {
			s += gamma(r, a)
		}
		if m := s / n; math.Abs(m-a) > 4*math.Sqrt(a/n) {
			t.Errorf("gamma(%v): mean %.3f", a, m)
		}
	}
}

// BenchmarkNowcast times one unit and type with the generator's lags
// (14 monthly delays, 36 months): the pipeline step runs it for every
// province, city and county and the four event types.
func BenchmarkNowcast(b *testing.B) {
	p := make([]float64, 15)
	p[0], p[1], p[2], p[3] = 0.66, 0.28, 0.02, 0.01
	for d := 4; d < 15; d++ {
		p[d] = 0.03 / 11
	}
	tri, _ := simulate(rand.New(rand.NewPCG(1, 1)), 36, 300, p)
	for b.Loop() {
		Nowcast(tri, EstimateDelay(tri), 1)
	}
}
