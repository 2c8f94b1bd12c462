package querysource

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/quality"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// demoEngine generates, loads and cubes a small province 51 and a small
// monitoring panel (18 months to June 2025) in one store, as padis demo
// does at full size, and opens the query API.
func demoEngine(t *testing.T, persons int) (*query.Engine, *store.Store) {
	t.Helper()
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []struct{ scope, province string }{{synth.ScopeProvince, "51"}, {synth.ScopeMonitoring, ""}} {
		cfg := synth.DefaultConfig()
		cfg.Scope, cfg.Province, cfg.Persons, cfg.Seed = sc.scope, sc.province, persons, 5
		cfg.Months, cfg.AsOf = 18, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
		cfg.NoSources, cfg.Workers, cfg.Out = true, 2, t.TempDir()
		if _, err := synth.Generate(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		rep, err := load.Load(ctx, st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cube.Build(ctx, st, rep.Version.ID, cube.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	// The post-load steps the report reads: quality measures and alerts.
	for _, r := range eng.Runs() {
		if _, err := quality.Run(ctx, st, r.Version, quality.Options{}); err != nil {
			t.Fatal(err)
		}
		if _, err := alerts.Evaluate(ctx, st, r.Version, alerts.Options{Now: time.Date(2025, 7, 3, 2, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	return eng, st
}

// TestReportsOverThePipeline generates a small province 51 and monitoring
// panel, runs the post-load steps the report reads, and checks the
// national and the province report against the API.
func TestReportsOverThePipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads two populations")
	}
	eng, st := demoEngine(t, 6_000)
	t.Run("national", func(t *testing.T) { testNationalReportIsThePanel(t, eng, st) })
	t.Run("province", func(t *testing.T) { testProvinceReportOverThePipeline(t, eng, st) })
}

// testNationalReportIsThePanel builds the national report of May 2025
// over a store with a province and the monitoring panel, and checks every
// figure against the API: the national figures are the panel's national
// estimates (value, interval, standard error, counties), the panel
// domains its provincial estimates, the monitoring counties' figures the
// panel cube's values, the child units (the provinces with full data,
// here 51) their full cube's values; and the load counts are the
// store's.
func testNationalReportIsThePanel(t *testing.T, eng *query.Engine, st *store.Store) {
	tree, _ := datasets.Divisions()
	ctx := context.Background()
	src := New(eng, tree)
	src.Store = st
	b := report.Builder{Reader: src, SeriesMonths: 24}
	month := report.Month{Year: 2025, Month: 5}
	r, err := b.Build(ctx, models.NationCode, month)
	if err != nil {
		t.Fatal(err)
	}
	var panelVersion, fullVersion int64
	for _, run := range eng.Runs() {
		if run.Scope == query.MonitoringScope {
			panelVersion = run.Version
		} else {
			fullVersion = run.Version
		}
	}
	if r.Version != panelVersion || r.FlowSpan() != report.SpanR12 {
		t.Fatalf("national report version %d (panel %d), flow %q", r.Version, panelVersion, r.FlowSpan())
	}
	if len(r.Children) != 1 || r.Children[0].Unit.Code != "51" {
		t.Errorf("child units %+v, want province 51 only", r.Children)
	}
	if len(r.Monitoring) != datasets.PanelSize {
		t.Errorf("%d monitoring counties, want %d", len(r.Monitoring), datasets.PanelSize)
	}
	compared, estimates := 0, 0
	check := func(what string, f report.Figure, want report.Figure) {
		t.Helper()
		compared++
		if !same(f.Value, want.Value) || !same(f.Lower, want.Lower) || !same(f.Upper, want.Upper) || f.Version != want.Version {
			t.Errorf("%s %s %s %s: report %+v, API %+v", what, f.Indicator, f.Division, f.Period, f, want)
		}
	}
	panelFigure := func(f report.Figure) report.Figure {
		t.Helper()
		p, err := eng.Panel(ctx, f.Indicator, f.Period, panelVersion)
		if errors.Is(err, query.ErrNotComputed) {
			return report.Missing(f.Indicator, f.Division, f.Period)
		}
		if err != nil {
			t.Fatalf("panel %s %s: %v", f.Indicator, f.Period, err)
		}
		e := p.National
		for _, d := range p.Provinces {
			if d.Domain == f.Division {
				e = d
			}
		}
		if e.Domain != f.Division {
			t.Fatalf("panel %s %s has no domain %s", f.Indicator, f.Period, f.Division)
		}
		// (the SE is summed over strata in a fixed order, so it is the
		// same to the last bit on every call)
		if f.Valid() && (!(f.SE == e.SE || same(f.SE, e.SE) && math.IsNaN(e.SE)) || f.Counties != e.Counties || !f.Estimate) {
			t.Errorf("%s %s %s: SE %g counties %d estimate %v; API SE %g counties %d", f.Indicator, f.Division, f.Period, f.SE, f.Counties, f.Estimate, e.SE, e.Counties)
		}
		return estimate(e, p.Version)
	}
	for _, f := range r.Figures() {
		switch {
		case strings.HasPrefix(f.Flag, "alert-"):
			// an aberration's count or a projected change: not an API value
		case f.Division == models.NationCode && stored(eng, f.Indicator):
			// quality measures are stored per unit: the panel has no
			// national estimate of them
			if f.Valid() {
				t.Errorf("national %s = %g, want no value", f.Indicator, f.Value)
			}
		case f.Division == models.NationCode || f.Estimate:
			estimates++
			want := panelFigure(f)
			want.Version = panelVersion
			check("estimate", f, want)
		default:
			want, ok := apiValue(t, eng, f)
			if !ok {
				if f.Valid() {
					t.Errorf("%s %s %s = %g, the API has no value", f.Indicator, f.Division, f.Period, f.Value)
				}
				continue
			}
			check("value", f, report.Figure{Value: want.Value, Lower: want.Lower, Upper: want.Upper, Version: want.Version})
		}
	}
	for _, row := range r.Monitoring {
		if f := row.Figures["population"]; f.Version != panelVersion {
			t.Errorf("monitoring county %s from version %d, want the panel's %d", row.Unit.Code, f.Version, panelVersion)
		}
	}
	if f := r.Children[0].Figures["population"]; f.Version != fullVersion || !f.Valid() {
		t.Errorf("province 51 population %+v, want the full cube's (version %d)", f, fullVersion)
	}
	pop, _ := r.Headline("population")
	if !pop.Current.Valid() || !pop.Current.HasInterval() || !(pop.Current.SE > 0) || pop.Current.Counties < datasets.PanelSize*9/10 {
		t.Errorf("national population %+v, want an estimate with an interval from ≥ 90 %% of the panel", pop.Current)
	}
	if len(r.PanelDomains) < 20 {
		t.Errorf("%d panel provinces", len(r.PanelDomains))
	}
	if len(r.Monthly) < 12 {
		t.Errorf("%d months of births and deaths", len(r.Monthly))
	}
	if r.Quality == nil || r.Quality.Snapshot != panelVersion || len(r.Quality.Load) == 0 {
		t.Fatalf("national quality %+v", r.Quality)
	}
	v, err := st.Version(ctx, panelVersion)
	if err != nil {
		t.Fatal(err)
	}
	in, _, _ := v.Totals()
	if gotIn, _, _ := r.Quality.LoadTotals(); gotIn != in {
		t.Errorf("load rows read %d, store %d", gotIn, in)
	}
	t.Logf("%d figures, %d compared, %d panel estimates", len(r.Figures()), compared, estimates)
	if estimates < 60 || compared < 1000 {
		t.Errorf("only %d figures compared (%d estimates)", compared, estimates)
	}
	for _, lang := range []models.Lang{models.ZH, models.EN} {
		if _, err := report.Render(r, []string{"pdf", "html"}, []models.Lang{lang}); err != nil {
			t.Fatal(err)
		}
	}
	if math.IsNaN(r.Monthly[len(r.Monthly)-1].Births.Value) {
		t.Errorf("no national births estimate for %s", r.Monthly[len(r.Monthly)-1].Month)
	}
}

func stored(eng *query.Engine, ind string) bool {
	def, _ := eng.Catalog().Get(ind)
	return def.Kind == models.KindStored
}

// testProvinceReportOverThePipeline builds the province report of June
// 2025 (the snapshot's month, for which engine/quality stores its
// measures) over a generated store whose versions went through engine/quality
// and engine/alerts, and checks every figure (headlines, tables, quality
// measures, threshold alerts) is the API's value, that the quality
// measures and alerts are there, and that the alerts are of the month.
func testProvinceReportOverThePipeline(t *testing.T, eng *query.Engine, st *store.Store) {
	tree, _ := datasets.Divisions()
	ctx := context.Background()
	src := New(eng, tree)
	src.Store = st
	r, err := (&report.Builder{Reader: src, SeriesMonths: 24}).Build(ctx, "51", report.Month{Year: 2025, Month: 6})
	if err != nil {
		t.Fatal(err)
	}
	if !r.AlertsKnown || r.Quality == nil || len(r.Quality.Measures) != len(quality.Indicators) {
		t.Fatalf("alerts known %v, quality %+v", r.AlertsKnown, r.Quality)
	}
	compared := 0
	for _, f := range r.Figures() {
		if strings.HasPrefix(f.Flag, "alert-") {
			continue
		}
		want, ok := apiValue(t, eng, f)
		if !ok {
			if f.Valid() {
				t.Errorf("%s %s %s = %g, the API has no value", f.Indicator, f.Division, f.Period, f.Value)
			}
			continue
		}
		compared++
		if !same(f.Value, want.Value) || !same(f.Lower, want.Lower) || !same(f.Upper, want.Upper) {
			t.Errorf("%s %s %s: report %+v, API %+v", f.Indicator, f.Division, f.Period, f, want)
		}
	}
	for _, id := range quality.Indicators {
		// heaping indices need enough persons, duplicates engine/linkage
		optional := id == "quality_whipple" || id == "quality_myers" || id == "quality_duplicates"
		if m, ok := r.Quality.Measure(id); !ok || (!optional && !m.Valid()) {
			t.Errorf("quality measure %s: %+v", id, m)
		}
	}
	for _, a := range r.Alerts {
		if a.Explanation == "" || a.ExplanationEN == "" || !strings.HasPrefix(a.Division, "51") {
			t.Errorf("alert %+v", a)
		}
		if p := a.Figure.Period; p != "2025-06" && p != "2024" && !strings.HasPrefix(a.Figure.Flag, "alert-projection") {
			t.Errorf("alert of period %s in the report of 2025-05: %+v", p, a)
		}
	}
	t.Logf("%d figures, %d compared with the API, %d alerts", len(r.Figures()), compared, len(r.Alerts))
}
