package linkage

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/padis/padis/engine/cpuclock"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// openEnvStore opens the store named by $LINKAGE_STORE (a copy: the run
// writes into it) and its current version of scope 51, or skips.
func openEnvStore(tb testing.TB) (*store.Store, *store.Version) {
	tb.Helper()
	dir := os.Getenv("LINKAGE_STORE")
	if dir == "" {
		tb.Skip("set LINKAGE_STORE to a store directory (a copy) with a loaded snapshot")
	}
	st, err := store.Open(context.Background(), store.Config{Dir: dir, Threads: 2, MemoryLimit: "8GB"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	v, err := st.Current(context.Background(), "51")
	if err != nil {
		tb.Fatal(err)
	}
	return st, v
}

// BenchmarkFullComparison compares a whole linkage run (sources, duplicate
// cards, probable duplicates, items, indicators) with the plain ID joins
// of the persons with the three sources, measured in the same run:
//
//	LINKAGE_STORE=/work/bench/me-store10m go test ./engine/linkage -run '^$' -bench FullComparison -benchtime 1x -v
//
// The plain joins are timed two ways: producing the links (the pairs of
// person and record ids written to a temporary table, which is what a
// join on the ID gives a linkage) and counting them only (count(*) of the
// join, which lets DuckDB skip the join's output). It prints the ratios of
// the cross-source comparison (the whole run less the duplicate-detection
// phases, Phase.Duplicates, which have their own goal: probable duplicates
// on 10 M persons within 5 min) and of the whole run to both. The
// comparison figure keeps every step that is not duplicate detection,
// bookkeeping (clearing, commit, indicators) included; it does use the
// duplicate cards found by that detection.
func BenchmarkFullComparison(b *testing.B) {
	st, v := openEnvStore(b)
	ctx := context.Background()
	p := st.Table(v.ID, models.TablePersons)
	joins := []string{
		`p.person_id, r.record_id FROM ` + p + ` p JOIN ` + st.Table(v.ID, models.TablePolice) + ` r USING (id_number_key)`,
		`p.person_id, r.record_id FROM ` + p + ` p JOIN ` + st.Table(v.ID, models.TableDeaths) + ` r USING (id_number_key)`,
		`p.person_id, c.cert_no FROM ` + p + ` p JOIN ` + st.Table(v.ID, models.TableBirthCertificates) + ` c ON c.mother_id_number_key = p.mother_id_number_key AND c.birth_date = p.birth_date`,
	}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	type timing struct{ wall, cpu time.Duration }
	plain := func(links bool) timing {
		t0, c0 := time.Now(), cpuclock.Process()
		for i, j := range joins {
			q := `SELECT count(*) FROM (SELECT ` + j + `)`
			if links {
				q = fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE bench_links_%d AS SELECT `, i) + j
			}
			if _, err := conn.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		d := timing{time.Since(t0), cpuclock.Process() - c0}
		for i := range joins {
			conn.ExecContext(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS bench_links_%d`, i))
		}
		return d
	}
	for i := 0; i < b.N; i++ {
		plain(false) // warm the buffer pool: the first pass reads from disk
		links, counts := plain(true), plain(false)
		c0 := cpuclock.Process()
		res, err := Run(ctx, st, v.ID, Options{Force: true, CPUTime: cpuclock.Process})
		if err != nil {
			b.Fatal(err)
		}
		whole := timing{res.Duration, cpuclock.Process() - c0}
		var dup timing
		dup.wall, dup.cpu = res.duplicateTimes()
		cross := timing{whole.wall - dup.wall, whole.cpu - dup.cpu}
		ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
		show := func(t timing) string { return fmt.Sprintf("%v (CPU %v)", ms(t.wall), ms(t.cpu)) }
		ratios := func(t, base timing) string {
			return fmt.Sprintf("%.2f wall, %.2f CPU", t.wall.Seconds()/base.wall.Seconds(), t.cpu.Seconds()/base.cpu.Seconds())
		}
		b.Logf("plain ID joins: producing the links %s, counting only %s", show(links), show(counts))
		b.Logf("cross-source comparison %s: to the joins producing the links %s (goal <= 3); to the counts %s",
			show(cross), ratios(cross, links), ratios(cross, counts))
		b.Logf("duplicate detection %s (probable duplicates goal <= 5 min)", show(dup))
		b.Logf("whole run %s: to the links %s; to the counts %s", show(whole), ratios(whole, links), ratios(whole, counts))
		b.Logf("items %v", res.Items)
		for _, ph := range res.Phases {
			part := "comparison"
			if ph.Duplicates {
				part = "duplicates"
			}
			b.Logf("  %-28s %-10s %v (CPU %v)", ph.Name, part, ms(ph.Duration), ms(ph.CPU))
		}
	}
}

// TestTruthStore measures every worklist of the store in $LINKAGE_STORE
// against the truth of the snapshot in $LINKAGE_SNAPSHOT it was loaded
// from (with the store's own key):
//
//	LINKAGE_STORE=… LINKAGE_SNAPSHOT=/work/bench/p51-1m go test ./engine/linkage -run TruthStore -v
func TestTruthStore(t *testing.T) {
	snap := os.Getenv("LINKAGE_SNAPSHOT")
	if snap == "" {
		t.Skip("set LINKAGE_STORE and LINKAGE_SNAPSHOT")
	}
	st, v := openEnvStore(t)
	keys, _, err := pii.LoadKeys(st.Config().Dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := Run(ctx, st, v.ID, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("linked in %v: items %v links %v", res.Duration, res.Items, res.Links)
	scores, err := evaluate(ctx, st, v, keys, snap, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scores {
		t.Log(s)
	}
}
