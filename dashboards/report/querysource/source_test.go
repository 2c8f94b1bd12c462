package querysource

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/projinput"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// tinyEngine loads engine/cube's hand-built tiny snapshot (province 51,
// 2024) through the real loader, builds its cube and opens the query API.
func tinyEngine(t *testing.T) *query.Engine {
	t.Helper()
	eng, _ := tinyEngineStore(t)
	return eng
}

// tinyEngineStore is tinyEngine with its store.
func tinyEngineStore(t *testing.T) (*query.Engine, *store.Store) {
	t.Helper()
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, "../../../engine/cube/testdata/tiny")
	if _, err := cube.Build(context.Background(), st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	eng, err := query.New(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng, st
}

func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

// TestEveryFigureIsTheAPIValue builds the province report of December 2024
// over the real query API and checks that every figure the report prints
// is the API's value for its indicator, unit and period: exactly for the
// periods the API has, and for year to date the API's year value (in
// December) or the sum of its monthly values.
func TestEveryFigureIsTheAPIValue(t *testing.T) {
	eng := tinyEngine(t)
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b := report.Builder{Reader: New(eng, tree), SeriesMonths: 24}
	r, err := b.Build(ctx, "51", report.Month{Year: 2024, Month: 12})
	if err != nil {
		t.Fatal(err)
	}
	figs := r.Figures()
	checked, withValue := 0, 0
	for _, f := range figs {
		if f.Version != r.Version {
			t.Errorf("%s %s %s: version %d, report version %d", f.Indicator, f.Division, f.Period, f.Version, r.Version)
		}
		want, ok := apiValue(t, eng, f)
		if !ok {
			if f.Valid() {
				t.Errorf("%s %s %s = %g, the API has no value", f.Indicator, f.Division, f.Period, f.Value)
			}
			continue
		}
		checked++
		if f.Valid() {
			withValue++
		}
		if !same(f.Value, want.Value) || !same(f.Lower, want.Lower) || !same(f.Upper, want.Upper) ||
			!same(f.Numerator, want.Numerator) || !same(f.Denominator, want.Denominator) {
			t.Errorf("%s %s %s: report %+v, API %+v", f.Indicator, f.Division, f.Period, f, want)
		}
	}
	if withValue < 40 {
		t.Errorf("only %d of %d figures have a value to compare", withValue, len(figs))
	}
	t.Logf("%d figures, %d compared with the API, %d with a value", len(figs), checked, withValue)
	h, _ := r.Headline("births_ytd")
	if !h.Current.Valid() || h.Current.Value <= 0 {
		t.Errorf("births year to date %+v, want a positive count", h.Current)
	}
}

// apiValue returns what the API says for f's key; ok is false when the API
// has no value.
func apiValue(t *testing.T, eng *query.Engine, f report.Figure) (cube.Value, bool) {
	t.Helper()
	ctx := context.Background()
	get := func(ind, period string) (cube.Value, bool) {
		v, err := eng.Value(ctx, query.Key{Indicator: ind, Division: f.Division, Period: period, Version: f.Version})
		if errors.Is(err, query.ErrNotFound) || errors.Is(err, query.ErrNotComputed) {
			return cube.Value{}, false
		}
		if err != nil {
			t.Fatalf("API %s %s %s: %v", ind, f.Division, period, err)
		}
		return v, true
	}
	rest, ytd := strings.CutPrefix(f.Period, "YTD-")
	if !ytd {
		return get(f.Indicator, f.Period)
	}
	m, err := report.ParseMonth(rest)
	if err != nil {
		t.Fatal(err)
	}
	if m.Month == 12 {
		return get(f.Indicator, rest[:4])
	}
	// Sum the monthly values of the API.
	ind, _ := eng.Catalog().Get(f.Indicator)
	nan := math.NaN()
	out := cube.Value{Value: 0, Lower: nan, Upper: nan, Numerator: 0, Denominator: 0}
	any := false
	for i := 1; i <= m.Month; i++ {
		mo := report.Month{Year: m.Year, Month: i}
		v, ok := get(f.Indicator, mo.String())
		if !ok {
			continue
		}
		any = true
		out.Numerator += v.Numerator
		out.Denominator += v.Denominator
	}
	if !any {
		return out, false
	}
	switch ind.Kind {
	case models.KindCount:
		out.Value, out.Denominator = out.Numerator, nan
	default:
		scale := ind.Scale
		if ind.ID == "rni" { // a method: (births − deaths) / person-years × 1000
			scale = 1000
		}
		out.Value = out.Numerator / out.Denominator * scale
		if out.Denominator == 0 {
			out.Value = nan // undefined, as the cube says
		}
		out.Lower, out.Upper = f.Lower, f.Upper // the interval method is cube's; compared via the December case
	}
	return out, true
}

// TestYTDInDecemberIsTheYear checks the year-to-date path against the
// API's year period for every flow indicator it supports, at every level.
func TestYTDInDecemberIsTheYear(t *testing.T) {
	eng := tinyEngine(t)
	tree, _ := datasets.Divisions()
	src := New(eng, tree)
	ctx := context.Background()
	for _, ind := range ytdIndicators() {
		for _, div := range []string{"51", "5101", "510104", "510105"} {
			got, err := src.Values(ctx, ind, "YTD-2024-12", []string{div})
			if err != nil {
				t.Fatal(err)
			}
			want, err := eng.Value(ctx, query.Key{Indicator: ind, Division: div, Period: "2024"})
			if err != nil {
				t.Fatalf("%s %s: %v", ind, div, err)
			}
			g := got[0]
			if !same(g.Value, want.Value) || !same(g.Lower, want.Lower) || !same(g.Upper, want.Upper) || !same(g.Numerator, want.Numerator) || !same(g.Denominator, want.Denominator) {
				t.Errorf("%s %s: YTD-2024-12 %+v, year 2024 %+v", ind, div, g, want)
			}
		}
	}
	if _, err := src.Values(ctx, "population", "YTD-2024-12", []string{"51"}); err == nil || !strings.Contains(err.Error(), "no year-to-date value") {
		t.Errorf("YTD of a stock: error %v", err)
	}
}

// TestSourceBatchMatchesSingle checks the level-table path gives the same
// figures as one-unit reads.
func TestSourceBatchMatchesSingle(t *testing.T) {
	eng := tinyEngine(t)
	tree, _ := datasets.Divisions()
	src := New(eng, tree)
	ctx := context.Background()
	divs := []string{"510104", "510105", "510106", "5101"}
	for _, ind := range []string{"population", "cbr", "tfr", "srb", "share_65plus"} {
		batch, err := src.Values(ctx, ind, "R12-2024-12", divs)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range divs {
			one, err := src.Values(ctx, ind, "R12-2024-12", []string{d})
			if err != nil {
				t.Fatal(err)
			}
			a, b := batch[i], one[0]
			if a.Division != d || !same(a.Value, b.Value) || !same(a.Numerator, b.Numerator) || !same(a.Lower, b.Lower) {
				t.Errorf("%s %s: batch %+v, single %+v", ind, d, a, b)
			}
		}
	}
	if _, _, err := src.Snapshot(ctx, "00"); !errors.Is(err, report.ErrNotAvailable) {
		t.Errorf("national snapshot: %v", err)
	}
}

// TestOutlookStartsFromTheAPIPyramid checks the projection outlook is the
// constant scenario's projection of projinput.FromStore's input (the one
// builder of every projection view), runs ten years, and starts from the
// API's population by age; without the store it is not available.
func TestOutlookStartsFromTheAPIPyramid(t *testing.T) {
	eng, st := tinyEngineStore(t)
	tree, _ := datasets.Divisions()
	src := New(eng, tree)
	ctx := context.Background()
	if _, err := src.Outlook(ctx, "51", report.Month{Year: 2024, Month: 12}, 10); !errors.Is(err, report.ErrNotAvailable) {
		t.Errorf("outlook without the store: %v, want ErrNotAvailable", err)
	}
	src.Store = st
	o, err := src.Outlook(ctx, "51", report.Month{Year: 2024, Month: 12}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Years) != 11 || o.Years[0] != 2024 || o.Years[10] != 2034 || len(o.Total) != 11 || len(o.SchoolAge) != 11 {
		t.Fatalf("outlook years %v", o.Years)
	}
	in, _, err := projinput.FromStore(ctx, st, eng.Runs()[0].Version, "51", projinput.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := projections.Project(in, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, tot := want.Series("total"); o.Scenario != "constant" || !slices.Equal(o.Total, tot) {
		t.Errorf("outlook %s %v, want the constant projection of projinput.FromStore's input %v", o.Scenario, o.Total, tot)
	}
	p, err := eng.Pyramid(ctx, "51", "2024-12", 0)
	if err != nil {
		t.Fatal(err)
	}
	var total, old, school float64
	for x := range p.Male {
		n := p.Male[x] + p.Female[x]
		total += n
		if x >= 65 {
			old += n
		}
		if x >= 6 && x <= 14 {
			school += n
		}
	}
	if !same(o.Total[0], total) || !same(o.Aged65[0], old) || !same(o.SchoolAge[0], school) {
		t.Errorf("base year %g, %g, %g; API pyramid %g, %g, %g", o.Total[0], o.Aged65[0], o.SchoolAge[0], total, old, school)
	}
	if _, err := src.Outlook(ctx, "52", report.Month{Year: 2024, Month: 12}, 10); err == nil {
		t.Error("outlook of a province without a cube: no error")
	}
}

// TestYTDBeforeTheData checks a year-to-date period whose January
// precedes the snapshot's data has no value rather than a partial sum: the
// source is told the data start in March 2024, while the API has every
// month of 2024.
func TestYTDBeforeTheData(t *testing.T) {
	eng := tinyEngine(t)
	tree, _ := datasets.Divisions()
	src := New(eng, tree)
	ctx := context.Background()
	full, err := src.Values(ctx, "births", "YTD-2024-06", []string{"51"})
	if err != nil || !full[0].Valid() {
		t.Fatalf("data from January: %+v, %v", full, err)
	}
	run := eng.Runs()[0]
	run.PeriodStart = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	src.versions = map[string]query.Run{"51": run}
	got, err := src.Values(ctx, "births", "YTD-2024-06", []string{"51", "5101"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		if f.Valid() || f.Version != run.Version {
			t.Errorf("%s YTD-2024-06 = %+v, want no value of version %d (the data start in March)", f.Division, f, run.Version)
		}
	}
}
