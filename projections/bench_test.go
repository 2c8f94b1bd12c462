package projections

import (
	"fmt"
	"testing"
	"time"

	"github.com/padis/padis/engine/cpuclock"
)

// reportCPU reports CPU seconds per op, a measure that does not depend on
// other processes competing for the cores (divide by 2 for the wall time
// of a fully parallel run on an idle 2-core machine).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric((cpuclock.Process()-start).Seconds()/float64(b.N), "cpu-s/op")
}

// benchCounties returns n single-year county inputs (0…100+) with varied
// size, fertility and mortality level.
func benchCounties(b *testing.B, n int) []*Input {
	b.Helper()
	base, err := ReadInputFile("testdata/county_single.csv")
	if err != nil {
		b.Fatal(err)
	}
	ins := make([]*Input, n)
	for i := range ins {
		in := *base
		in.Name = fmt.Sprintf("county-%04d", i)
		k := 0.2 + float64(i%17)/8
		for s := Male; s <= Female; s++ {
			in.Pop[s] = make([]float64, len(base.Pop[s]))
			for g, v := range base.Pop[s] {
				in.Pop[s][g] = v * k
			}
			mx := make([]float64, len(base.Mortality[s].Mx))
			for g, v := range base.Mortality[s].Mx {
				mx[g] = v * (0.8 + float64(i%7)/15)
			}
			in.Mortality[s] = Mortality{Ages: base.Mortality[s].Ages, Mx: mx}
			in.Migration.Net[s] = make([]float64, len(base.Migration.Net[s]))
			for g, v := range base.Migration.Net[s] {
				in.Migration.Net[s][g] = v * k // migration scales with size
			}
		}
		in.ASFR = testASFR(1.0 + float64(i%11)/10)
		ins[i] = &in
	}
	return ins
}

// BenchmarkCounties2900 projects 2,900 counties 50 single years ahead on
// 2 workers (the deterministic batch target: ≤ 0.5 s on 2 cores).
func BenchmarkCounties2900(b *testing.B) {
	ins := benchCounties(b, 2900)
	b.ResetTimer()
	c0 := cpuclock.Process()
	for range b.N {
		if _, err := ProjectCounties(ins, nil, 50, CountyOptions{Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

// BenchmarkCounties2900Summary is the same batch keeping only the
// indicators and flows of each county (no population arrays, no sum).
func BenchmarkCounties2900Summary(b *testing.B) {
	ins := benchCounties(b, 2900)
	b.ResetTimer()
	c0 := cpuclock.Process()
	for range b.N {
		if _, err := ProjectCounties(ins, nil, 50, CountyOptions{Workers: 2, SummaryOnly: true}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

// BenchmarkStochastic1000 runs a 1,000-trajectory national probabilistic
// projection (TFR and e0 uncertainty), 50 single years (target ≤ 5 s).
func BenchmarkStochastic1000(b *testing.B) {
	in, err := ReadInputFile("testdata/county_single.csv")
	if err != nil {
		b.Fatal(err)
	}
	for s := Male; s <= Female; s++ {
		for g := range in.Pop[s] {
			in.Pop[s][g] *= 2700 // ≈ 1.4 billion
		}
		for g := range in.Migration.Net[s] {
			in.Migration.Net[s][g] = 0
		}
	}
	sc := &Scenario{Name: "recovery", TFR: &Path{Kind: "logistic", Target: 1.6, TargetYear: 2040},
		E0Male: &Path{Kind: "linear", Target: 80, TargetYear: 2070}, E0Female: &Path{Kind: "linear", Target: 85, TargetYear: 2070}}
	b.ResetTimer()
	c0 := cpuclock.Process()
	for range b.N {
		if _, err := ProjectStochastic(in, sc, 50, StochasticOptions{Trajectories: 1000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

// BenchmarkProjectSingle is one 50-year single-year projection.
func BenchmarkProjectSingle(b *testing.B) {
	in, err := ReadInputFile("testdata/county_single.csv")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for range b.N {
		if _, err := Project(in, nil, 50); err != nil {
			b.Fatal(err)
		}
	}
}
