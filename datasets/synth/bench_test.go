package synth

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/padis/padis/engine/cpuclock"
)

// benchGenerate generates persons persons of Sichuan with 36 months of
// history as Parquet into a temporary directory and reports the Go heap
// peak seen by the runtime (Sys) alongside the time.
func benchGenerate(b *testing.B, persons int) {
	cpu := cpuclock.Process()
	for i := 0; i < b.N; i++ {
		cfg := DefaultConfig()
		cfg.Persons = persons
		cfg.Out = b.TempDir()
		if _, err := Generate(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MiB-sys")
	b.ReportMetric((cpuclock.Process()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkGenerate1M is the reference benchmark of docs/performance.md.
func BenchmarkGenerate1M(b *testing.B) { benchGenerate(b, 1_000_000) }

// BenchmarkGenerateLarge runs with PADIS_SYNTH_PERSONS persons (e.g. 20000000)
// to check that memory stays bounded; it is skipped when the variable is unset.
func BenchmarkGenerateLarge(b *testing.B) {
	n, err := strconv.Atoi(os.Getenv("PADIS_SYNTH_PERSONS"))
	if err != nil || n <= 0 {
		b.Skip("set PADIS_SYNTH_PERSONS to run")
	}
	benchGenerate(b, n)
}
