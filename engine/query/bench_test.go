package query_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// BenchmarkQueries times a mix of query-API calls on random units and
// periods of the cube built by engine/cube's BenchmarkCube (same
// PADIS_CUBE_WORK and PADIS_CUBE_PERSONS) and reports p50 and p99.
//
// Run: PADIS_CUBE_WORK=dir go test -run XXX -bench Queries -benchtime 1x ./engine/query
func BenchmarkQueries(b *testing.B) {
	work := os.Getenv("PADIS_CUBE_WORK")
	if work == "" {
		b.Skip("PADIS_CUBE_WORK is not set (run engine/cube BenchmarkCube with it first)")
	}
	persons := 1_000_000
	if s := os.Getenv("PADIS_CUBE_PERSONS"); s != "" {
		persons, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Dir: filepath.Join(work, fmt.Sprintf("store-%d", persons)), Threads: 2, MemoryLimit: "8GB"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	cur, err := st.Current(ctx, "51")
	if err != nil {
		b.Fatal(err)
	}
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
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(l int) string { return divs[l][r.IntN(len(divs[l]))] }
	year := months[len(months)-1][:4]
	key := func(ind, div, period string) query.Key {
		return query.Key{Indicator: ind, Division: div, Period: period, Version: version}
	}
	kinds := []struct {
		name string
		call func() error
	}{
		{"value: county TFR (materialised)", func() error { _, err := eng.Get(ctx, key("tfr", pick(3), year)); return err }},
		{"value: city CBR of a month", func() error { _, err := eng.Get(ctx, key("cbr", pick(2), months[r.IntN(len(months))])); return err }},
		{"value: village CBR (derived)", func() error { _, err := eng.Get(ctx, key("cbr", pick(5), year)); return err }},
		{"children: townships of a county (derived)", func() error { _, err := eng.Children(ctx, key("srb", pick(3), year)); return err }},
		{"ancestors of a village", func() error { _, err := eng.Ancestors(ctx, key("cbr", pick(5), year)); return err }},
		{"series: county births by month", func() error { _, err := eng.Series(ctx, key("births", pick(3), ""), "month"); return err }},
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
	names := make([]string, 0, len(lat))
	for n := range lat {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		ds := lat[name]
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		p50, p99 := ds[len(ds)/2], ds[len(ds)*99/100]
		b.Logf("%-45s p50 %9s  p99 %9s  max %9s  (n=%d)", name, p50.Round(time.Microsecond), p99.Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond), len(ds))
		if name == "all" {
			b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		}
	}
}
