package report

import (
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixedTime is the generation time of test reports.
var fixedTime = time.Date(2025, 11, 3, 2, 0, 0, 0, time.UTC)

// sampleReport builds the province report of October 2025 from the fake
// reader with every optional part.
func sampleReport(t testing.TB) *Report {
	t.Helper()
	f := newFakeReader()
	f.alerts, f.quality = sampleAlerts(), sampleQuality()
	b := Builder{Reader: fullFakeReader{f}, Catalog: testCatalog(), Now: func() time.Time { return fixedTime }}
	r, err := b.Build(context.Background(), "51", Month{2025, 10})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestBuildReadsEveryFigureFromTheReader checks every figure of the report
// is the reader's answer for its indicator, unit and period, and that the
// headlines ask for the right periods.
func TestBuildReadsEveryFigureFromTheReader(t *testing.T) {
	r := sampleReport(t)
	f := newFakeReader()
	figs := r.Figures()
	if len(figs) < 100 {
		t.Fatalf("report has %d figures, want ≥ 100", len(figs))
	}
	fixed := len(r.Alerts) + len(r.Quality.Measures) + 1 + len(r.Quality.Worklists)
	for _, got := range figs[:len(figs)-fixed] { // the last ones are the fixed alerts and quality
		want := f.figure(got.Indicator, got.Division, got.Period)
		if !sameFigure(got, want) {
			t.Errorf("figure %s %s %s = %+v, reader says %+v", got.Indicator, got.Division, got.Period, got, want)
		}
	}
	for _, tc := range []struct{ key, cur, prev, ago string }{
		{"population", "2025-10", "2025-09", "2024-10"},
		{"births_ytd", "YTD-2025-10", "YTD-2025-09", "YTD-2024-10"},
		{"tfr_r12", "R12-2025-10", "R12-2025-09", "R12-2024-10"},
	} {
		h, ok := r.Headline(tc.key)
		if !ok {
			t.Fatalf("no headline %s", tc.key)
		}
		if h.Current.Period != tc.cur || h.Previous.Period != tc.prev || h.YearAgo.Period != tc.ago {
			t.Errorf("headline %s periods %s, %s, %s; want %s, %s, %s", tc.key, h.Current.Period, h.Previous.Period, h.YearAgo.Period, tc.cur, tc.prev, tc.ago)
		}
	}
	if len(r.Children) != 3 || len(r.Counties) != 5 {
		t.Errorf("%d children and %d counties, want 3 and 5", len(r.Children), len(r.Counties))
	}
	if len(r.Monthly) != 36 || r.Monthly[0].Month != "2022-11" || r.Monthly[35].Month != "2025-10" {
		t.Errorf("monthly series %d months from %s", len(r.Monthly), r.Monthly[0].Month)
	}
	if r.Alerts[0].Level != AlertOrange {
		t.Errorf("alerts not sorted by severity: first is %s", r.Alerts[0].Level)
	}
	if len(r.Notes) != 0 {
		t.Errorf("notes %v, want none", r.Notes)
	}
	if r.Version != 7 || !r.GeneratedAt.Equal(fixedTime) {
		t.Errorf("version %d generated %v", r.Version, r.GeneratedAt)
	}
}

func sameFigure(a, b Figure) bool {
	eq := func(x, y float64) bool { return x == y || (x != x && y != y) }
	return a.Indicator == b.Indicator && a.Division == b.Division && a.Period == b.Period && a.Version == b.Version &&
		eq(a.Value, b.Value) && eq(a.Lower, b.Lower) && eq(a.Upper, b.Upper) && eq(a.Numerator, b.Numerator) && eq(a.Denominator, b.Denominator)
}

// TestBuildOptionalParts checks a reader without the optional interfaces
// gives a report that notes what it lacks.
func TestBuildOptionalParts(t *testing.T) {
	b := Builder{Reader: newFakeReader(), SeriesMonths: 24}
	r, err := b.Build(context.Background(), "5101", Month{2025, 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Notes, ","); got != "alerts,quality,outlook" {
		t.Errorf("notes %q, want alerts,quality,outlook", got)
	}
	if r.AlertsKnown || r.Quality != nil || r.Outlook != nil || r.Counties != nil {
		t.Error("optional parts filled without a reader for them")
	}
	if len(r.Monthly) != 24 || r.ChildLevel != models.LevelCounty {
		t.Errorf("%d months, child level %v", len(r.Monthly), r.ChildLevel)
	}
}

func TestBuildErrors(t *testing.T) {
	f := newFakeReader()
	if _, err := (&Builder{Reader: f}).Build(context.Background(), "99", Month{2025, 10}); err == nil || !strings.Contains(err.Error(), `"99"`) {
		t.Errorf("unknown unit: error %v", err)
	}
	if _, err := (&Builder{Reader: f}).Build(context.Background(), "51", Month{2099, 1}); err == nil || !strings.Contains(err.Error(), "no population for this unit and month in snapshot version 7") {
		t.Errorf("month without data: error %v", err)
	}
	f.failOn = "srb"
	_, err := (&Builder{Reader: f}).Build(context.Background(), "51", Month{2025, 10})
	if err == nil || !strings.Contains(err.Error(), "report 51 2025-10: headline srb_ytd YTD-2025-10: query srb: store closed") {
		t.Errorf("failing reader: error %v", err)
	}
}

// TestNarrativeGolden compares the narrative of the sample report with
// testdata/narrative_{zh,en}.golden (go test -update rewrites them).
// The national report's narrative (estimates from the panel, 12-month
// flows, provinces as the panel estimates them) is in
// testdata/narrative_national_{zh,en}.golden.
func TestNarrativeGolden(t *testing.T) {
	r, nat := sampleReport(t), nationalReport(t)
	for _, tc := range []struct {
		r    *Report
		lang models.Lang
		file string
	}{{r, models.ZH, "narrative_zh.golden"}, {r, models.EN, "narrative_en.golden"},
		{nat, models.ZH, "narrative_national_zh.golden"}, {nat, models.EN, "narrative_national_en.golden"}} {
		r := tc.r
		got := strings.Join(Narrative(r, tc.lang), "\n\n") + "\n"
		path := filepath.Join("testdata", tc.file)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", tc.file, got, want)
		}
	}
}

// monitoringReader is a fake with the nation, its provinces and a panel
// of monitoring counties; the panel's values are the fake's with a
// distinct version, its estimates marked.
type monitoringReader struct{ *fakeReader }

func (m monitoringReader) MonitoringCounties(context.Context) ([]Unit, error) {
	return []Unit{m.units["510104"], m.units["513422"]}, nil
}

// Values marks the nation's figures as the panel's estimates.
func (m monitoringReader) Values(ctx context.Context, ind, period string, divisions []string) ([]Figure, error) {
	fs, err := m.fakeReader.Values(ctx, ind, period, divisions)
	for i := range fs {
		if fs[i].Division == "00" {
			fs[i].Estimate, fs[i].Counties = true, 120
		}
	}
	return fs, err
}

// nationalReport builds the national report of October 2025 from the
// monitoring fake.
func nationalReport(t testing.TB) *Report {
	t.Helper()
	f := newFakeReader()
	f.units["00"] = Unit{Code: "00", Name: "全国", FullName: "全国", Level: models.LevelNation}
	f.units["52"] = Unit{Code: "52", Name: "贵州省", FullName: "贵州省", Level: models.LevelProvince}
	f.children["00"] = []string{"51"}
	r, err := (&Builder{Reader: monitoringReader{f}, Catalog: testCatalog(), Now: func() time.Time { return fixedTime }}).Build(context.Background(), "00", Month{2025, 10})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (m monitoringReader) MonitoringValues(ctx context.Context, ind, period string, counties []string) ([]Figure, error) {
	fs, err := m.Values(ctx, ind, period, counties)
	for i := range fs {
		fs[i].Version = 8
	}
	return fs, err
}

func (m monitoringReader) PanelDomains(_ context.Context, ind, period string) ([]Figure, error) {
	var out []Figure
	for _, p := range []string{"51", "52"} {
		f := m.figure(ind, p, period)
		f.Version, f.Estimate, f.Counties = 8, true, 4
		out = append(out, f)
	}
	return out, nil
}

// TestBuildNationalMonitoring checks a national report: 12-month flows,
// the monitoring counties' table from the panel, the provinces with full
// data as child units, the panel's estimates by province; and that a
// reader without the panel refuses it.
func TestBuildNationalMonitoring(t *testing.T) {
	r := nationalReport(t)
	f := newFakeReader()
	if len(r.Monitoring) != 2 || r.Monitoring[1].Unit.Name != "木里藏族自治县" {
		t.Fatalf("monitoring rows %+v", r.Monitoring)
	}
	want := f.figure("tfr", "510104", "R12-2025-10")
	want.Version = 8
	if got := r.Monitoring[0].Figures["tfr_r12"]; !sameFigure(got, want) {
		t.Errorf("monitoring TFR %+v, want %+v", got, want)
	}
	if _, ok := r.Monitoring[0].Figures["births_r12"]; !ok || r.FlowSpan() != SpanR12 {
		t.Errorf("national flows: span %q, columns %v", r.FlowSpan(), r.Monitoring[0].Figures)
	}
	if h, ok := r.Headline("births_r12"); !ok || h.Current.Period != "R12-2025-10" || h.Previous.Period != "R12-2025-09" {
		t.Errorf("national births headline %+v (found %v)", h, ok)
	}
	if len(r.Children) != 1 || r.Children[0].Unit.Code != "51" {
		t.Errorf("child units %+v", r.Children)
	}
	if len(r.PanelDomains) != 2 || r.PanelDomains[1].Unit.Name != "贵州省" || !r.PanelDomains[1].Figures["srb_r12"].Estimate {
		t.Errorf("panel domains %+v", r.PanelDomains)
	}
	d := newDocument(r, models.ZH)
	if first := d.Tables[0]; !strings.HasPrefix(first.Title, "人口监测县主要指标") || len(first.Table.Rows) != 2 {
		t.Errorf("first table %q with %d rows", first.Title, len(first.Table.Rows))
	}
	if !strings.Contains(d.HeadlineNote, "监测县") {
		t.Errorf("headline note %q", d.HeadlineNote)
	}
	f.units["00"] = r.Unit
	if _, err := (&Builder{Reader: f}).Build(context.Background(), "00", Month{2025, 10}); !errors.Is(err, ErrNotAvailable) {
		t.Errorf("national report without a panel: %v", err)
	}
}

// TestNarrativeProvisional checks that the narrative words provisional
// figures as provisional (初步数): a month's births still being registered
// are stated at their nowcast with the registered count beside it and
// compared with a year earlier by the nowcast, and a rate of a period
// holding such a month carries （初步数）.
func TestNarrativeProvisional(t *testing.T) {
	r := sampleReport(t)
	var reg, now float64
	for i := range r.Headlines {
		h := &r.Headlines[i]
		switch h.Key {
		case "births_month":
			reg = h.Current.Value
			now = math.Round(reg * 1.5)
			h.Current.Provisional, h.Current.Registered, h.Current.Nowcast = true, reg, now
		case "cbr_ytd":
			h.Current.Provisional, h.Current.Registered = true, h.Current.Value*0.9
		}
	}
	if reg == 0 {
		t.Fatal("the sample report has no births of the month")
	}
	cat := models.DefaultCatalog()
	count := func(v float64) string {
		return FormatValue(cat, Figure{Indicator: "births", Value: v, Lower: math.NaN(), Upper: math.NaN()}, models.ZH)
	}
	zh := strings.Join(Narrative(r, models.ZH), "\n")
	for _, want := range []string{"出生约" + count(now) + "人（初步数，已登记" + count(reg) + "人）", "出生率"} {
		if !strings.Contains(zh, want) {
			t.Errorf("zh narrative lacks %q:\n%s", want, zh)
		}
	}
	if i := strings.Index(zh, "出生率"); i < 0 || !strings.Contains(zh[i:min(len(zh), i+40)], "（初步数）") {
		t.Errorf("zh narrative does not mark the provisional birth rate:\n%s", zh)
	}
	en := strings.Join(Narrative(r, models.EN), "\n")
	if !strings.Contains(en, "(provisional; "+FormatValue(cat, Figure{Indicator: "births", Value: reg, Lower: math.NaN(), Upper: math.NaN()}, models.EN)+" registered so far)") || !strings.Contains(en, "(provisional)") {
		t.Errorf("en narrative does not word the provisional figures:\n%s", en)
	}
}

// TestReportLeadsWithVariant checks that a headline whose indicator has a
// variant in the catalog (here a cdr_adj, as engine/dse adds it) leads
// with the variant, keeps the registered figure and the completeness
// beside it, and that the narrative says so; without the variant the
// headline is the registered figure.
func TestReportLeadsWithVariant(t *testing.T) {
	cat := testCatalog()
	for _, ind := range []models.Indicator{
		{ID: "cdr_adj", Decimals: 2, ZH: "死亡率（调整后）", EN: "crude death rate (adjusted)", Unit: "‰", Kind: models.KindStored, Base: "cdr", Variant: models.VariantAdjusted},
		{ID: "death_reg_completeness", Decimals: 1, ZH: "死亡登记完整率", EN: "death registration completeness", Unit: "%", Kind: models.KindStored},
	} {
		if err := cat.Add(ind); err != nil {
			t.Fatal(err)
		}
	}
	f := newFakeReader()
	f.alerts, f.quality = sampleAlerts(), sampleQuality()
	b := Builder{Reader: fullFakeReader{f}, Catalog: cat, Now: func() time.Time { return fixedTime }}
	r, err := b.Build(context.Background(), "51", Month{2025, 10})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := r.Headline("cdr_ytd")
	plain, _ := sampleReport(t).Headline("cdr_ytd")
	if h.Variant != models.VariantAdjusted || h.Indicator != "cdr_adj" || h.Registered == nil || h.Registered.Value != plain.Current.Value ||
		h.Current.Value <= plain.Current.Value || h.Completeness == nil || h.Completeness.Value != 90 {
		t.Fatalf("cdr headline %+v, want led by cdr_adj with the registered %v and completeness 90 beside it", h, plain.Current.Value)
	}
	if plain.Variant != "" || plain.Registered != nil {
		t.Errorf("without a variant: %+v", plain)
	}
	zh := strings.Join(Narrative(r, models.ZH), "\n")
	want := "死亡率" + FormatValue(cat, h.Current, models.ZH) + "（调整后；登记数据" + FormatValue(cat, *h.Registered, models.ZH) + "，死亡登记完整率"
	if !strings.Contains(zh, want) {
		t.Errorf("zh narrative lacks %q:\n%s", want, zh)
	}
	if en := strings.Join(Narrative(r, models.EN), "\n"); !strings.Contains(en, "(adjusted; "+FormatValue(cat, *h.Registered, models.EN)+" registered, death registration completeness") {
		t.Errorf("en narrative does not give the registered CDR beside the adjusted one:\n%s", en)
	}
}
