package report

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strings"

	"github.com/padis/padis/models"
)

// fakeReader is an in-memory Reader with deterministic figures: each value
// is a smooth function of the unit, indicator and period, so tests can
// recompute what the report must show.
type fakeReader struct {
	units    map[string]Unit
	children map[string][]string
	alerts   []Alert
	quality  *Quality
	outlook  *Outlook
	calls    int
	failOn   string // Values fails for this indicator
}

func newFakeReader() *fakeReader {
	f := &fakeReader{units: map[string]Unit{}, children: map[string][]string{}}
	add := func(code, name, parent string, l models.Level) {
		full := name
		if p, ok := f.units[parent]; ok && parent != "00" {
			full = p.FullName + name
		}
		f.units[code] = Unit{Code: code, Name: name, FullName: full, Level: l}
		f.children[parent] = append(f.children[parent], code)
	}
	add("51", "四川省", "00", models.LevelProvince)
	add("5101", "成都市", "51", models.LevelCity)
	add("5103", "自贡市", "51", models.LevelCity)
	add("5134", "凉山彝族自治州", "51", models.LevelCity)
	add("510104", "锦江区", "5101", models.LevelCounty)
	add("510105", "青羊区", "5101", models.LevelCounty)
	add("510302", "自流井区", "5103", models.LevelCounty)
	add("513401", "西昌市", "5134", models.LevelCounty)
	add("513422", "木里藏族自治县", "5134", models.LevelCounty)
	return f
}

func (f *fakeReader) Snapshot(context.Context, string) (int64, string, error) {
	return 7, "51 2025-10-31", nil
}

func (f *fakeReader) Unit(_ context.Context, code string) (Unit, error) {
	u, ok := f.units[code]
	if !ok {
		return Unit{}, fmt.Errorf("division code %q is not in the division list", code)
	}
	return u, nil
}

func (f *fakeReader) Children(_ context.Context, code string) ([]Unit, error) {
	var out []Unit
	for _, c := range f.children[code] {
		out = append(out, f.units[c])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// jitter is a deterministic number in [−1, 1) from a key.
func jitter(key string) float64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return float64(h.Sum64()%20000)/10000 - 1
}

// monthOf returns the month a period label ends with and its span.
func monthOf(period string) (Month, Span) {
	switch {
	case strings.HasPrefix(period, "YTD-"):
		m, _ := ParseMonth(period[4:])
		return m, SpanYTD
	case strings.HasPrefix(period, "R12-"):
		m, _ := ParseMonth(period[4:])
		return m, SpanR12
	}
	m, _ := ParseMonth(period)
	return m, SpanMonth
}

// size is the population scale of a unit.
func (f *fakeReader) size(code string) float64 {
	switch len(code) {
	case 2:
		return 8.37e7
	case 4:
		return 8.37e7 / 3 * (1 + 0.3*jitter(code))
	}
	return 6e5 * (1 + 0.5*jitter(code))
}

// figure computes the fake value of ind for code and period.
func (f *fakeReader) figure(ind, code, period string) Figure {
	m, span := monthOf(period)
	t := float64(m.Year*12 + m.Month - 1 - (2025 * 12)) // months from Jan 2025
	pop := f.size(code) * (1 - 0.0004*t)
	months := 1.0
	switch span {
	case SpanYTD:
		months = float64(m.Month)
	case SpanR12:
		months = 12
	}
	season := 1 + 0.15*math.Sin(2*math.Pi*float64(m.Month)/12)
	nan := math.NaN()
	fig := Figure{Indicator: ind, Division: code, Period: period, Version: 7, Lower: nan, Upper: nan, Numerator: nan, Denominator: nan}
	if m.Year > 2030 { // beyond the fake snapshot
		return Missing(ind, code, period)
	}
	py := pop * months / 12
	births := math.Round(pop * (0.0065 - 0.00005*t + 0.0004*jitter(code+"b")) * months / 12 * season)
	deaths := math.Round(pop * (0.0085 + 0.0003*jitter(code+"d")) * months / 12 / season)
	switch ind {
	case "population":
		fig.Value = math.Round(pop)
	case "migrant_population":
		fig.Value = math.Round(pop * (0.08 + 0.0002*t))
	case "births":
		fig.Value = births
	case "deaths":
		fig.Value = deaths
	case "cbr":
		fig.Numerator, fig.Denominator = births, py
		fig.Value = births / py * 1000
		se := math.Sqrt(births) / py * 1000
		fig.Lower, fig.Upper = fig.Value-1.96*se, fig.Value+1.96*se
	case "cdr":
		fig.Numerator, fig.Denominator = deaths, py
		fig.Value = deaths / py * 1000
	case "cdr_adj": // a variant as engine/dse stores it (in catalogs that have it)
		fig.Numerator, fig.Denominator = math.Round(deaths/0.9), py
		fig.Value = fig.Numerator / py * 1000
	case "death_reg_completeness":
		fig.Value = 90
	case "rni":
		fig.Value = (births - deaths) / py * 1000
	case "tfr":
		fig.Value = 1.05 - 0.004*t + 0.35*jitter(code+"t")
		if code == "5134" {
			fig.Value = 2.2 - 0.004*t
		}
		fig.Lower, fig.Upper = fig.Value-0.04, fig.Value+0.04
	case "srb":
		s := 105.5 + 3*jitter(code+"s") + 0.05*t
		if code == "5103" {
			s = 112 + 0.05*t
		}
		female := math.Round(births / (1 + s/100))
		male := births - female
		fig.Numerator, fig.Denominator = male, female
		fig.Value = male / female * 100
		fig.Lower, fig.Upper = fig.Value-2.5, fig.Value+2.5
	case "share_65plus":
		fig.Value = 13.7 + 0.03*t + 0.5*jitter(code+"o")
		fig.Numerator, fig.Denominator = math.Round(pop*fig.Value/100), math.Round(pop)
	case "timeliness":
		fig.Value = 96.5
	default:
		return Missing(ind, code, period)
	}
	return fig
}

func (f *fakeReader) Values(_ context.Context, ind, period string, divisions []string) ([]Figure, error) {
	f.calls++
	if ind == f.failOn {
		return nil, fmt.Errorf("query %s: store closed", ind)
	}
	out := make([]Figure, len(divisions))
	for i, d := range divisions {
		out[i] = f.figure(ind, d, period)
	}
	return out, nil
}

func (f *fakeReader) Series(_ context.Context, ind, division string, from, to Month) ([]Figure, error) {
	var out []Figure
	for m := from; m.String() <= to.String(); m = m.Add(1) {
		out = append(out, f.figure(ind, division, m.String()))
	}
	return out, nil
}

func (f *fakeReader) Pyramid(_ context.Context, division string, month Month) (*Pyramid, error) {
	p := &Pyramid{Period: month.String()}
	shift := float64(month.Year-2025) * 0.01
	for a := 0; a <= 100; a += 5 {
		p.Ages = append(p.Ages, a)
		base := f.size(division) / 21 * math.Exp(-math.Pow(float64(a)/5-7-shift*10, 2)/40)
		p.Male = append(p.Male, math.Round(base*1.03))
		p.Female = append(p.Female, math.Round(base*(0.97+float64(a)/500)))
	}
	return p, nil
}

// fullFakeReader adds the optional interfaces.
type fullFakeReader struct{ *fakeReader }

func (f fullFakeReader) Alerts(context.Context, string, Month) ([]Alert, error) {
	return f.alerts, nil
}

func (f fullFakeReader) Quality(context.Context, string, Month) (*Quality, error) {
	return f.quality, nil
}

func (f fullFakeReader) Outlook(_ context.Context, division string, month Month, years int) (*Outlook, error) {
	o := &Outlook{Scenario: "medium"}
	for i := 0; i <= years; i++ {
		o.Years = append(o.Years, month.Year+i)
		o.Total = append(o.Total, math.Round(f.size(division)*(1-0.004*float64(i))))
		o.Aged65 = append(o.Aged65, math.Round(f.size(division)*0.137*(1+0.035*float64(i))))
		o.SchoolAge = append(o.SchoolAge, math.Round(f.size(division)*0.105*(1-0.04*float64(i))))
	}
	return o, nil
}

// sampleAlerts are two alerts in reverse order of severity.
func sampleAlerts() []Alert {
	return []Alert{
		{Level: AlertBlue, Rule: "tfr_below_1_3", Division: "5101", UnitName: "成都市", Indicator: "tfr",
			Figure:    Figure{Indicator: "tfr", Division: "5101", Period: "R12-2025-10", Version: 7, Value: 0.92, Lower: 0.9, Upper: 0.94, Numerator: math.NaN(), Denominator: math.NaN()},
			Threshold: 1.3, Explanation: "总和生育率0.92低于1.3"},
		{Level: AlertOrange, Rule: "srb_above_107", Division: "5103", UnitName: "自贡市", Indicator: "srb",
			Figure:    Figure{Indicator: "srb", Division: "5103", Period: "YTD-2025-10", Version: 7, Value: 112.5, Lower: 110, Upper: 115, Numerator: 1000, Denominator: 889},
			Threshold: 107, Explanation: "出生人口性别比112.5，区间下限110.0高于107"},
	}
}

func sampleQuality() *Quality {
	fig := func(ind string, v float64) Figure {
		nan := math.NaN()
		return Figure{Indicator: ind, Division: "51", Period: "2025-10", Version: 7, Value: v, Lower: nan, Upper: nan, Numerator: nan, Denominator: nan}
	}
	return &Quality{
		Measures:   []Figure{fig("quality_score", 91.4), fig("quality_completeness", 98.7), fig("quality_id_validity", 99.2), fig("quality_duplicates", 1.8)},
		Timeliness: Figure{Indicator: "timeliness", Division: "51", Period: "2025-10", Version: 7, Value: 96.5, Lower: 96.1, Upper: 96.9, Numerator: 9650, Denominator: 10000},
		Worklists:  []Figure{fig("worklist_duplicate", 1234), fig("worklist_unregistered", 56), fig("worklist_undead", 78)},
		Snapshot:   7,
		Load: []LoadTable{{Table: "persons", RowsIn: 84_000_000, Accepted: 83_999_880, Quarantined: 120, Flagged: 40},
			{Table: "events", RowsIn: 1_200_000, Accepted: 1_199_997, Quarantined: 3}},
		Reasons: []QuarantineReason{{Table: "persons", Reason: "bad_id_check", Action: "quarantined", Count: 120},
			{Table: "persons", Reason: "age_over_110", Action: "flagged", Count: 40}, {Table: "events", Reason: "future_date", Action: "quarantined", Count: 3}},
	}
}

// testCatalog is the default catalog with the data-quality and worklist
// indicators engine/quality and engine/linkage define, added here with
// fixed names where the catalog does not have them yet.
//
// The variants (adjusted, small-area) and the completeness figures are left
// out: the fake reader answers for any indicator, and the report leads with
// a variant that has a value (TestReportLeadsWithVariant adds them).
func testCatalog() *models.Catalog {
	cat := models.DefaultCatalog().Filter(func(ind models.Indicator) bool {
		return ind.Variant == "" && ind.ID != "death_reg_completeness" && ind.ID != "birth_reg_completeness"
	})
	add := func(id, zh, en, unit, good string) {
		if _, ok := cat.Get(id); !ok {
			if err := cat.Add(models.Indicator{ID: id, ZH: zh, EN: en, Unit: unit, Kind: models.KindStored, Good: good, FormulaZH: zh, FormulaEN: en}); err != nil {
				panic(err)
			}
		}
	}
	add("quality_score", "数据质量综合得分", "data-quality score", "points", "up")
	add("quality_completeness", "主要字段完整率", "main-field completeness", "%", "up")
	add("quality_id_validity", "身份号码有效率", "ID-number validity", "%", "up")
	add("quality_duplicates", "重卡率", "duplicate cards", "‰", "down")
	for _, k := range WorklistKinds {
		add("worklist_"+k, "待核查："+k, "worklist: "+k, "persons", "down")
	}
	return cat
}
