package load

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/padis/padis/engine/cpuclock"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// BenchmarkLoad loads a generated 20,000-person snapshot and, in the same
// iteration, DuckDB's own CREATE TABLE AS over the same files; it reports
// both and their ratios (wall and CPU). padis bench load does the same at
// scale.
func BenchmarkLoad(b *testing.B) {
	for _, format := range []string{"parquet", "csv"} {
		b.Run(format, func(b *testing.B) {
			snap := synthSnapshot(b, 20000, format, nil)
			m, err := models.ReadManifest(filepath.Join(snap, "manifest.json"))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			tree := realTree(b)
			var base, padis, baseCPU, padisCPU time.Duration
			for b.Loop() {
				st := openStore(b, b.TempDir())
				c0, t0 := cpuclock.Process(), time.Now()
				for _, f := range m.Files {
					reader := "read_parquet"
					if f.Format == "csv" {
						reader = "read_csv"
					}
					if _, err := st.DB().ExecContext(ctx, fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM %s(%s)`, id("base_"+store.TableName(f.Table)), reader, q(filepath.Join(snap, f.Path)))); err != nil {
						b.Fatal(err)
					}
				}
				base += time.Since(t0)
				baseCPU += cpuclock.Process() - c0
				st.Close()
				st = openStore(b, b.TempDir())
				if err := st.SetDivisions(ctx, tree); err != nil {
					b.Fatal(err)
				}
				c0, t0 = cpuclock.Process(), time.Now()
				if _, err := Load(ctx, st, snap, Options{Keys: testKeys(b)}); err != nil {
					b.Fatal(err)
				}
				padis += time.Since(t0)
				padisCPU += cpuclock.Process() - c0
				st.Close()
			}
			b.ReportMetric(float64(base.Milliseconds())/float64(b.N), "duckdb-ms/op")
			b.ReportMetric(float64(padis.Milliseconds())/float64(b.N), "padis-ms/op")
			b.ReportMetric(padis.Seconds()/base.Seconds(), "ratio")
			b.ReportMetric(padisCPU.Seconds()/baseCPU.Seconds(), "cpu-ratio")
		})
	}
}
