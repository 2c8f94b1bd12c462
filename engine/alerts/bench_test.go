package alerts

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/padis/padis/engine/cpuclock"
	"github.com/padis/padis/engine/store"
)

// BenchmarkEvaluate evaluates every shipped rule and detector for every
// unit down to township over the version's months on the store in
// $PADIS_ALERTS_BENCH_STORE (a copy: the benchmark writes its alerts),
// dropping the alerts before each run so that every run is a first
// evaluation. It reports CPU seconds per run and the ratio to a plain
// DuckDB scan of the monthly measures the detectors read, measured in the
// same run. Goal (docs/performance.md): ≤ 10 s on 2 cores for 10 M
// persons and 36 months.
//
//	PADIS_ALERTS_BENCH_STORE=/work/bench/alerts-store10m go test ./engine/alerts -run - -bench Evaluate -benchtime 3x
func BenchmarkEvaluate(b *testing.B) {
	dir := os.Getenv("PADIS_ALERTS_BENCH_STORE")
	if dir == "" {
		b.Skip("PADIS_ALERTS_BENCH_STORE is not set")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Dir: dir, Threads: 2, MemoryLimit: "8GB"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	vs, err := st.Versions(ctx, "")
	if err != nil || len(vs) == 0 {
		b.Fatalf("no version in %s: %v", dir, err)
	}
	v := vs[0].ID
	// The baseline: read every monthly measure row of the levels the
	// aberration rules use.
	scan := func() time.Duration {
		t0 := time.Now()
		var n int64
		var s float64
		if err := st.DB().QueryRowContext(ctx, `SELECT count(*), sum(births + deaths + migrants_in + migrants_out + infant_deaths)
			FROM cube.measures WHERE version = ? AND ptype = 'month' AND level BETWEEN 1 AND 4`, v).Scan(&n, &s); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	var scanTime, evalTime time.Duration
	var res *Result
	cpu := time.Duration(0)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := Drop(ctx, st, v); err != nil {
			b.Fatal(err)
		}
		scanTime += scan()
		b.StartTimer()
		c0, t0 := cpuclock.Process(), time.Now()
		res, err = Evaluate(ctx, st, v, Options{Now: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)})
		if err != nil {
			b.Fatal(err)
		}
		evalTime += time.Since(t0)
		cpu += cpuclock.Process() - c0
	}
	b.StopTimer()
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(evalTime)/float64(scanTime), "x-scan")
	b.ReportMetric(float64(res.Candidates), "alerts")
	for _, s := range res.Steps {
		b.Logf("%-18s %s", s.Name, s.Duration.Round(time.Millisecond))
	}
	b.Logf("version %d: %d alerts %v, skipped %v", v, res.Candidates, res.ByColour, res.Skipped)
}
