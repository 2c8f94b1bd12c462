package report

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

// provinceReader is the fake reader over the real division tree of
// Sichuan: 21 cities and 183 counties.
func provinceReader(tb testing.TB) *fakeReader {
	tb.Helper()
	tree, err := datasets.Divisions()
	if err != nil {
		tb.Fatal(err)
	}
	f := &fakeReader{units: map[string]Unit{}, children: map[string][]string{}}
	var add func(d models.Division)
	add = func(d models.Division) {
		full, _ := tree.FullName(d.Code)
		f.units[d.Code] = Unit{Code: d.Code, Name: d.Name, FullName: full, Level: d.Level}
		if d.Level >= models.LevelCounty {
			return
		}
		kids, _ := tree.Children(d.Code)
		for _, k := range kids {
			f.children[d.Code] = append(f.children[d.Code], k.Code)
			add(k)
		}
	}
	p, err := tree.Get("51")
	if err != nil {
		tb.Fatal(err)
	}
	add(p)
	return f
}

// BenchmarkProvinceReport builds and renders the Sichuan report (21 cities,
// 183 counties) in Chinese as HTML and PDF from the in-memory reader: the
// report's own cost, without the store.
func BenchmarkProvinceReport(b *testing.B) {
	f := provinceReader(b)
	f.alerts, f.quality = sampleAlerts(), sampleQuality()
	bld := Builder{Reader: fullFakeReader{f}, Catalog: testCatalog(), Now: func() time.Time { return fixedTime }}
	for b.Loop() {
		r, err := bld.Build(context.Background(), "51", Month{2025, 10})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Counties) < 180 {
			b.Fatalf("%d counties", len(r.Counties))
		}
		if err := RenderHTML(io.Discard, r, models.ZH); err != nil {
			b.Fatal(err)
		}
		if err := RenderPDF(io.Discard, r, models.ZH); err != nil {
			b.Fatal(err)
		}
	}
}
