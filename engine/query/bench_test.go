package query_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cpuclock"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// BenchmarkQueries times a mix of query-API calls on random units and
// periods of a cube of province 51 and prints p50 and p99 per kind of
// call, for the engine answering from memory (the default) and, in the
// same run, for the engine reading the tables (NoMemory). It also prints
// the time and CPU of reading the cube into memory (Reload) and the
// memory it takes.
//
// The cube is the one of the store in PADIS_QUERY_STORE (a data
// directory, e.g. a copy of /work/bench/store10m: the benchmark opens it
// for writing), or else of a snapshot of PADIS_QUERY_PERSONS persons
// (default 20,000; 36 months) generated, loaded and built in a temporary
// directory, so that it runs in CI:
//
//	go test -run XXX -bench Queries -benchtime 1x ./engine/query
//	PADIS_QUERY_STORE=/work/bench/me/store10m go test -run XXX -bench Queries -benchtime 1x -timeout 30m ./engine/query
func BenchmarkQueries(b *testing.B) {
	ctx := context.Background()
	dir := os.Getenv("PADIS_QUERY_STORE")
	if dir == "" {
		dir = smallStore(b)
	}
	st, err := store.Open(ctx, store.Config{Dir: dir, Threads: 2, MemoryLimit: "8GB"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cur, err := st.Current(ctx, "51")
	if err != nil {
		b.Fatal(err)
	}
	sqlEng, err := query.NewWithOptions(ctx, st, query.Options{NoMemory: true})
	if err != nil {
		b.Fatal(err)
	}
	defer sqlEng.Close()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	c0, t0 := cpuclock.Process(), time.Now()
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	load, loadCPU := time.Since(t0), cpuclock.Process()-c0
	runtime.GC()
	runtime.ReadMemStats(&m1)
	fmt.Printf("version %d: read into memory in %s (CPU %s); index %.0f MB (estimate), Go heap +%.0f MB\n",
		cur.ID, load.Round(time.Millisecond), loadCPU.Round(time.Millisecond), float64(eng.MemoryBytes())/1e6,
		(float64(m1.HeapAlloc)-float64(m0.HeapAlloc))/1e6)
	b.ReportMetric(float64(eng.MemoryBytes())/1e6, "index-MB")
	b.ReportMetric(load.Seconds(), "reload-s")

	version := cur.ID
	divs := map[int][]string{}
	rows, err := st.DB().Query(`SELECT DISTINCT level, division FROM cube.measures WHERE version = ?`, version)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var l int
		var d string
		rows.Scan(&l, &d)
		divs[l] = append(divs[l], d)
	}
	rows.Close()
	for _, l := range divs {
		sort.Strings(l)
	}
	months, err := eng.Periods(ctx, version, "month")
	if err != nil || len(months) == 0 {
		b.Fatalf("no months in cube %d: %v", version, err)
	}
	year := months[len(months)-1][:4]
	for _, e := range []struct {
		name string
		eng  *query.Engine
	}{{"memory", eng}, {"tables", sqlEng}} {
		lat := timeQueries(b, e.eng, version, divs, months, year)
		names := make([]string, 0, len(lat))
		for n := range lat {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			ds := lat[name]
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			p50, p99 := ds[len(ds)/2], ds[len(ds)*99/100]
			fmt.Printf("%-7s %-45s p50 %9s  p99 %9s  max %9s  (n=%d)\n", e.name, name, p50.Round(time.Microsecond), p99.Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond), len(ds))
			if name == "all" {
				b.ReportMetric(float64(p50.Microseconds())/1000, e.name+"-p50-ms")
				b.ReportMetric(float64(p99.Microseconds())/1000, e.name+"-p99-ms")
			}
		}
	}
}

// timeQueries runs 300 calls of each kind on random units and periods and
// returns the latencies by kind (and "all").
func timeQueries(b *testing.B, eng *query.Engine, version int64, divs map[int][]string, months []string, year string) map[string][]time.Duration {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(l int) string { return divs[l][r.IntN(len(divs[l]))] }
	key := func(ind, div, period string) query.Key {
		return query.Key{Indicator: ind, Division: div, Period: period, Version: version}
	}
	kinds := []struct {
		name string
		call func() error
	}{
		{"value: county TFR (materialised)", func() error { _, err := eng.Get(ctx, key("tfr", pick(3), year)); return err }},
		{"value: city CBR of a month", func() error { _, err := eng.Get(ctx, key("cbr", pick(2), months[r.IntN(len(months))])); return err }},
		{"value: township CBR (derived)", func() error { _, err := eng.Get(ctx, key("cbr", pick(4), year)); return err }},
		{"value: village CBR (derived)", func() error { _, err := eng.Get(ctx, key("cbr", pick(5), year)); return err }},
		{"children: townships of a county (derived)", func() error { _, err := eng.Children(ctx, key("srb", pick(3), year)); return err }},
		{"children: villages of a township (derived)", func() error { _, err := eng.Children(ctx, key("cbr", pick(4), year)); return err }},
		{"ancestors of a village", func() error { _, err := eng.Ancestors(ctx, key("cbr", pick(5), year)); return err }},
		{"series: county births by month", func() error { _, err := eng.Series(ctx, key("births", pick(3), ""), "month"); return err }},
		{"series: village population by month", func() error {
			_, err := eng.Series(ctx, key("population", pick(5), ""), "month")
			return err
		}},
		{"table: TFR of all counties", func() error {
			_, err := eng.Table(ctx, "tfr", models.LevelCounty, "51", year, version)
			return err
		}},
		{"pyramid of a county", func() error { _, err := eng.Pyramid(ctx, pick(3), year, version); return err }},
		{"lineage of a county value", func() error { _, err := eng.Lineage(ctx, key("cdr", pick(3), year)); return err }},
	}
	lat := map[string][]time.Duration{}
	for i := 0; i < 300*len(kinds); i++ {
		k := kinds[i%len(kinds)]
		t0 := time.Now()
		if err := k.call(); err != nil {
			b.Fatalf("%s: %v", k.name, err)
		}
		d := time.Since(t0)
		lat[k.name] = append(lat[k.name], d)
		lat["all"] = append(lat["all"], d)
	}
	return lat
}

// smallStore generates, loads and builds the cube of a small province-51
// snapshot (PADIS_QUERY_PERSONS persons, default 20,000) and returns the
// store directory.
func smallStore(b *testing.B) string {
	ctx := context.Background()
	persons := 20_000
	if s := os.Getenv("PADIS_QUERY_PERSONS"); s != "" {
		persons, _ = strconv.Atoi(s)
	}
	work := b.TempDir()
	cfg := synth.DefaultConfig()
	cfg.Persons, cfg.Out, cfg.NoSources, cfg.Force, cfg.Workers = persons, filepath.Join(work, "snapshot"), true, true, 2
	if _, err := synth.Generate(ctx, cfg); err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(work, "store")
	st, err := store.Open(ctx, store.Config{Dir: dir, Threads: 2, MemoryLimit: "2GB"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	tree, err := datasets.Divisions()
	if err != nil {
		b.Fatal(err)
	}
	rep, err := load.Load(ctx, st, cfg.Out, load.Options{Keys: cubetest.Keys(b), Divisions: tree})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cube.Build(ctx, st, rep.Version.ID, cube.Options{}); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated, loaded and built a cube of %d persons", persons)
	return dir
}
