package linkage

import (
	"context"
	"os"
	"testing"
	"time"

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
// It prints two ratios to the plain joins: the cross-source comparison
// (the whole run less the duplicate-detection phases, Phase.Duplicates,
// which have their own goal: probable duplicates on 10 M persons within
// 5 min) and the whole run. The comparison figure keeps every step that is
// not duplicate detection, bookkeeping (clearing, commit, indicators)
// included; it does use the duplicate cards found by that detection.
func BenchmarkFullComparison(b *testing.B) {
	st, v := openEnvStore(b)
	ctx := context.Background()
	p := st.Table(v.ID, models.TablePersons)
	joins := []string{
		`SELECT count(*) FROM ` + p + ` JOIN ` + st.Table(v.ID, models.TablePolice) + ` USING (id_number_key)`,
		`SELECT count(*) FROM ` + p + ` JOIN ` + st.Table(v.ID, models.TableDeaths) + ` USING (id_number_key)`,
		`SELECT count(*) FROM ` + p + ` x JOIN ` + st.Table(v.ID, models.TableBirthCertificates) + ` c ON c.mother_id_number_key = x.mother_id_number_key AND c.birth_date = x.birth_date`,
	}
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		for _, q := range joins {
			var n int64
			if err := st.DB().QueryRowContext(ctx, q).Scan(&n); err != nil {
				b.Fatal(err)
			}
		}
		plain := time.Since(t0)
		res, err := Run(ctx, st, v.ID, Options{Force: true})
		if err != nil {
			b.Fatal(err)
		}
		dup := res.DuplicateDuration()
		cross := res.Duration - dup
		ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
		b.Logf("plain ID joins %v; cross-source comparison %v, ratio %.2f (goal <= 3); duplicate detection %v (probable duplicates goal <= 5 min); whole run %v, ratio %.2f; items %v",
			ms(plain), ms(cross), cross.Seconds()/plain.Seconds(), ms(dup), ms(res.Duration), res.Duration.Seconds()/plain.Seconds(), res.Items)
		for _, ph := range res.Phases {
			part := "comparison"
			if ph.Duplicates {
				part = "duplicates"
			}
			b.Logf("  %-28s %-10s %v", ph.Name, part, ms(ph.Duration))
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
