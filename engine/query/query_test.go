package query_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

const tiny = "../cube/testdata/tiny"

func setup(t *testing.T) (*store.Store, *query.Engine, int64) {
	t.Helper()
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, tiny)
	if _, err := cube.Build(context.Background(), st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	eng, err := query.New(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return st, eng, v.ID
}

func divisions(vs []cube.Value) string {
	var d []string
	for _, v := range vs {
		d = append(d, v.Division)
	}
	return strings.Join(d, ",")
}

func TestNavigation(t *testing.T) {
	_, eng, ver := setup(t)
	ctx := context.Background()
	tests := []struct {
		name string
		got  func() ([]cube.Value, error)
		want string
	}{
		{"children of the province", func() ([]cube.Value, error) {
			return eng.Children(ctx, query.Key{Indicator: "population", Division: "51", Period: "2024"})
		}, "5101"},
		{"children of a township (derived below the value level)", func() ([]cube.Value, error) {
			return eng.Children(ctx, query.Key{Indicator: "cbr", Division: "510104001", Period: "2024"})
		}, "510104001001,510104001002"},
		{"ancestors of a village", func() ([]cube.Value, error) {
			return eng.Ancestors(ctx, query.Key{Indicator: "population", Division: "510105002001", Period: "2024"})
		}, "51,5101,510105,510105002"},
		{"all counties", func() ([]cube.Value, error) {
			return eng.Table(ctx, "tfr", models.LevelCounty, "", "2024", 0)
		}, "510104,510105"},
		{"all villages of a county, 12-digit padded code", func() ([]cube.Value, error) {
			return eng.Table(ctx, "population", models.LevelVillage, "510104000000", "2024-Q4", 0)
		}, "510104001001,510104001002"},
	}
	for _, tt := range tests {
		vs, err := tt.got()
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := divisions(vs); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
		for _, v := range vs {
			if v.Version != ver {
				t.Errorf("%s: version %d", tt.name, v.Version)
			}
		}
	}
	// Children's population sums to the parent's: at 30 June v1 has P01 P02
	// P03 P05 P10, v2 P07 P08 P19, v3 P09 P11 P12 P13 P15 P16.
	kids, _ := eng.Children(ctx, query.Key{Indicator: "population", Division: "5101", Period: "2024-06"})
	parent, err := eng.Value(ctx, query.Key{Indicator: "population", Division: "5101", Period: "2024-06"})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, k := range kids {
		sum += k.Value
	}
	if sum != parent.Value || sum != 14 {
		t.Errorf("June population: children %v, parent %v, want 14", sum, parent.Value)
	}
	// A derived village value equals the materialised one of the same counts.
	v, err := eng.Value(ctx, query.Key{Indicator: "cbr", Division: "510104001001", Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := cube.PoissonExact(1)
	py := 1854 / 365.25
	if math.Abs(v.Value-1000/py) > 1e-9 || math.Abs(v.Lower-lo/py*1000) > 1e-9 || math.Abs(v.Upper-hi/py*1000) > 1e-9 {
		t.Errorf("village cbr = %+v", v)
	}
}

func TestSeries(t *testing.T) {
	_, eng, _ := setup(t)
	ctx := context.Background()
	vs, err := eng.Series(ctx, query.Key{Indicator: "births", Division: "51"}, cube.PeriodMonth)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 12 || vs[0].Period != "2024-01" || vs[11].Period != "2024-12" {
		t.Fatalf("monthly series: %d values %s…", len(vs), vs[0].Period)
	}
	var births []float64
	for _, v := range vs {
		births = append(births, v.Value)
	}
	want := []float64{0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0} // Feb, Apr, Nov
	for i := range want {
		if births[i] != want[i] {
			t.Errorf("births by month %v, want %v", births, want)
			break
		}
	}
	qs, err := eng.Series(ctx, query.Key{Indicator: "population", Division: "510104"}, cube.PeriodQuarter)
	if err != nil || len(qs) != 4 {
		t.Fatalf("quarters: %v %v", qs, err)
	}
	if _, err := eng.Series(ctx, query.Key{Indicator: "births", Division: "51"}, "week"); err == nil {
		t.Error("series of weeks: want an error")
	}
}

func TestErrors(t *testing.T) {
	_, eng, _ := setup(t)
	ctx := context.Background()
	tests := []struct {
		k    query.Key
		want error
	}{
		{query.Key{Indicator: "nope", Division: "51", Period: "2024"}, query.ErrUnknownIndic},
		{query.Key{Indicator: "cbr", Division: "5x", Period: "2024"}, query.ErrBadDivision},
		{query.Key{Indicator: "cbr", Division: "44", Period: "2024"}, query.ErrNoCube},
		{query.Key{Indicator: "cbr", Division: "51", Period: "2023"}, query.ErrNotFound},
		{query.Key{Indicator: "e0", Division: "510104001", Period: "2024"}, query.ErrNotComputed},
	}
	for _, tt := range tests {
		if _, err := eng.Get(ctx, tt.k); !errors.Is(err, tt.want) {
			t.Errorf("Get(%+v) = %v, want %v", tt.k, err, tt.want)
		}
	}
	if _, err := eng.Get(ctx, query.Key{Indicator: "cbr", Division: "51", Period: "2024-Q7"}); err == nil {
		t.Error("bad period: want an error")
	}
}

func TestPyramidAndLineage(t *testing.T) {
	st, eng, ver := setup(t)
	ctx := context.Background()
	p, err := eng.Pyramid(ctx, "510105", "2024", 0)
	if err != nil {
		t.Fatal(err)
	}
	// 510105 at 31 Dec 2024: men P10 44, P13 100+, P14 0, P16 26; women P09 39, P11 14, P12 84, P15 25.
	if p.Male[44] != 1 || p.Male[100] != 1 || p.Male[0] != 1 || p.Female[84] != 1 || p.Female[14] != 1 {
		t.Errorf("pyramid: %v / %v", p.Male, p.Female)
	}
	m5, f5 := p.FiveYear()
	if m5[20] != 1 || f5[2] != 1 || m5[0] != 1 {
		t.Errorf("five-year pyramid: %v / %v", m5, f5)
	}
	l, err := eng.Lineage(ctx, query.Key{Indicator: "cbr", Division: "510104", Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	sv, _ := st.Version(ctx, ver)
	if l.Snapshot.Version != ver || l.Snapshot.Fingerprint != sv.Fingerprint || l.Indicator.FormulaEN == "" {
		t.Errorf("lineage: %+v", l)
	}
	if l.Counts["births"] != 2 || math.Abs(l.Counts["person_years"]-2626/365.25) > 1e-9 {
		t.Errorf("lineage counts: %v", l.Counts)
	}
}

func TestExport(t *testing.T) {
	_, eng, _ := setup(t)
	ctx := context.Background()
	vs, err := eng.Children(ctx, query.Key{Indicator: "srb", Division: "5101", Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	// 510105 has one boy and no girl: SRB is undefined (null / empty).
	var csvb bytes.Buffer
	if err := query.Write(&csvb, query.FormatCSV, vs, eng.Catalog(), models.ZH); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(csvb.Bytes(), []byte("\xEF\xBB\xBF")) || !strings.Contains(csvb.String(), "出生人口性别比") {
		t.Errorf("csv: no BOM or no Chinese name:\n%s", csvb.String())
	}
	if !strings.Contains(csvb.String(), "510105,county,year,2024,,,,,1,0,empty,false,") {
		t.Errorf("csv: empty value not written as empty fields:\n%s", csvb.String())
	}
	// Every row names its version and scope; SRB 100 from 2 births is unreliable.
	if !strings.HasPrefix(csvb.String(), "\uFEFFversion,scope,indicator,") || !strings.Contains(csvb.String(), ",51,srb,") ||
		!strings.Contains(csvb.String(), ",unreliable,true,few_events") {
		t.Errorf("csv: no scope or reliability columns:\n%s", csvb.String())
	}
	var jb bytes.Buffer
	if err := query.Write(&jb, query.FormatJSON, vs, nil, models.EN); err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(jb.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[1]["value"] != nil || back[0]["value"].(float64) != 100 || back[0]["level"] != "county" ||
		back[0]["scope"] != "51" || back[0]["unreliable"] != true || back[0]["reliability_reason"] != cube.ReasonFewEvents || back[1]["unreliable"] != false {
		t.Errorf("json: %s", jb.String())
	}
	var ab bytes.Buffer
	if err := query.Write(&ab, query.FormatArrow, vs, nil, models.EN); err != nil {
		t.Fatal(err)
	}
	r, err := ipc.NewReader(&ab)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal("arrow: no record")
	}
	rec := r.RecordBatch()
	vals := rec.Column(8).(*array.Float64)
	if rec.NumRows() != 2 || vals.Value(0) != 100 || !vals.IsNull(1) || rec.Column(3).(*array.String).Value(1) != "510105" ||
		rec.Column(1).(*array.String).Value(0) != "51" || !rec.Column(14).(*array.Boolean).Value(0) || rec.Column(15).(*array.String).Value(0) != cube.ReasonFewEvents {
		t.Errorf("arrow: %v", rec)
	}
	// Parquet: read back with DuckDB.
	path := filepath.Join(t.TempDir(), "srb.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := query.Write(f, query.FormatParquet, vs, nil, models.EN); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st := cubetest.OpenStore(t)
	var n int
	var total float64
	var unreliable int
	if err := st.DB().QueryRow(`SELECT count(*), sum(value), count(*) FILTER (WHERE unreliable AND scope = '51') FROM read_parquet(?)`, path).Scan(&n, &total, &unreliable); err != nil {
		t.Fatal(err)
	}
	if n != 2 || total != 100 || unreliable != 1 {
		t.Errorf("parquet: %d rows, sum %v, %d unreliable of scope 51", n, total, unreliable)
	}
}

// TestUserCatalog adds a ratio of existing measures in a catalog file and
// queries it without code changes.
func TestUserCatalog(t *testing.T) {
	st, _, _ := setup(t)
	cat := models.DefaultCatalog()
	file := `[{"id": "elderly_per_household", "zh": "户均老年人口", "en": "persons 65+ per household", "unit": "persons",
		"kind": "ratio", "numerator": "pop_65plus", "denominator": "households", "scale": 1, "interval": "none", "good": "none",
		"formula_zh": "65岁及以上人口 / 户数", "formula_en": "population 65+ / households"}]`
	if err := cat.LoadFile(strings.NewReader(file), "user.json"); err != nil {
		t.Fatal(err)
	}
	eng, err := query.New(context.Background(), st, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	v, err := eng.Value(context.Background(), query.Key{Indicator: "elderly_per_household", Division: "510105", Period: "2024"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Value != 0.5 || v.Numerator != 2 || v.Denominator != 4 {
		t.Errorf("user indicator: %+v", v)
	}
}

// TestProvisional checks that a month the nowcast step marked provisional
// carries its nowcast in the values, in JSON and in CSV, and that the other
// months do not.
func TestProvisional(t *testing.T) {
	st, eng, ver := setup(t)
	ctx := context.Background()
	if _, err := nowcast.Run(ctx, st, ver); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM `+nowcast.Table+`;
INSERT INTO `+nowcast.Table+` VALUES (?, '51', 1, 'births', '2024-11', 1, 1.6, 1, 4, 0.62, true, '51')`, ver); err != nil {
		t.Fatal(err)
	}
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	vs, err := eng.Series(ctx, query.Key{Indicator: "births", Division: "51"}, cube.PeriodMonth)
	if err != nil || len(vs) != 12 {
		t.Fatalf("series: %d values, %v", len(vs), err)
	}
	for _, v := range vs {
		want := v.Period == "2024-11"
		if v.Provisional != want {
			t.Errorf("%s: provisional %v", v.Period, v.Provisional)
		}
		if want && (v.Registered != 1 || v.Nowcast != 1.6 || v.NowcastLower != 1 || v.NowcastUpper != 4 || v.Value != 1) {
			t.Errorf("%s: value %v registered %v nowcast %v [%v, %v]", v.Period, v.Value, v.Registered, v.Nowcast, v.NowcastLower, v.NowcastUpper)
		}
	}
	b, err := json.Marshal(vs[10:])
	if err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back[0]["provisional"] != true || back[0]["nowcast"] != 1.6 || back[0]["nowcast_upper"] != 4.0 || back[0]["registered"] != 1.0 {
		t.Errorf("provisional JSON %s", b)
	}
	if _, ok := back[1]["nowcast"]; ok || back[1]["provisional"] != nil {
		t.Errorf("complete month JSON %v", back[1])
	}
	var buf bytes.Buffer
	if err := query.WriteCSV(&buf, vs[10:], nil, models.ZH); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(buf.String()), "\n"); len(lines) != 3 || !strings.HasSuffix(lines[1], ",true,1,1.6,1,4") || !strings.HasSuffix(lines[2], ",false,,,,") {
		t.Errorf("csv:\n%s", buf.String())
	}
}

// TestProvisionalRate checks that a period holding a provisional month
// gets the nowcast in its counts and rates: the year's births carry the
// month's nowcast added, CBR is computed from the nowcast numerator with
// its interval widened to the Poisson bounds of the nowcast's bounds, TFR
// is scaled by the births' nowcast ratio, SRB and the townships (which
// have no nowcast of their own) are flagged provisional without a nowcast,
// and a quarter without a provisional month is untouched.
func TestProvisionalRate(t *testing.T) {
	st, eng, ver := setup(t)
	ctx := context.Background()
	get := func(ind, div, period string) cube.Value {
		t.Helper()
		v, err := eng.Value(ctx, query.Key{Indicator: ind, Division: div, Period: period})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := map[string]cube.Value{}
	for _, k := range []string{"births 2024", "cbr 2024", "cbr R12-2024-12", "tfr 2024", "cbr 2024-Q3"} {
		ind, per, _ := strings.Cut(k, " ")
		before[k] = get(ind, "51", per)
		if before[k].Provisional {
			t.Fatalf("%s provisional before any nowcast", k)
		}
	}
	if _, err := nowcast.Run(ctx, st, ver); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM `+nowcast.Table+`;
INSERT INTO `+nowcast.Table+` VALUES (?, '51', 1, 'births', '2024-11', 1, 1.6, 1, 4, 0.62, true, '51')`, ver); err != nil {
		t.Fatal(err)
	}
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }

	b := get("births", "51", "2024")
	if !b.Provisional || b.Value != 3 || b.Registered != 3 || !near(b.Nowcast, 3.6) || b.NowcastLower != 3 || b.NowcastUpper != 6 {
		t.Errorf("births 2024: provisional %v value %v registered %v nowcast %v [%v, %v], want 3, 3, 3.6 [3, 6]", b.Provisional, b.Value, b.Registered, b.Nowcast, b.NowcastLower, b.NowcastUpper)
	}
	for _, per := range []string{"2024", "R12-2024-12"} {
		old, c := before["cbr "+per], get("cbr", "51", per)
		k := 1000 / old.Denominator
		lo, _ := cube.PoissonExact(3)
		_, hi := cube.PoissonExact(6)
		if !c.Provisional || !near(c.Value, 3.6*k) || !near(c.Registered, old.Value) || !near(c.Numerator, 3.6) || !near(c.Lower, lo*k) || !near(c.Upper, hi*k) {
			t.Errorf("cbr %s: provisional %v value %v (registered %v) [%v, %v] numerator %v; want %v (registered %v) [%v, %v] numerator 3.6",
				per, c.Provisional, c.Value, c.Registered, c.Lower, c.Upper, c.Numerator, 3.6*k, old.Value, lo*k, hi*k)
		}
		if !near(c.Nowcast, c.Value) || !near(c.NowcastLower, 3*k) || !near(c.NowcastUpper, 6*k) {
			t.Errorf("cbr %s: nowcast %v [%v, %v]", per, c.Nowcast, c.NowcastLower, c.NowcastUpper)
		}
	}
	old, tfr := before["tfr 2024"], get("tfr", "51", "2024")
	if f := (old.Numerator + 0.6) / old.Numerator; !tfr.Provisional || !near(tfr.Value, old.Value*f) || !near(tfr.Registered, old.Value) {
		t.Errorf("tfr 2024: provisional %v value %v registered %v; want %v (registered %v)", tfr.Provisional, tfr.Value, tfr.Registered, old.Value*f, old.Value)
	}
	if q := get("cbr", "51", "2024-Q3"); q.Provisional || q.Value != before["cbr 2024-Q3"].Value {
		t.Errorf("cbr 2024-Q3 (no provisional month): provisional %v value %v", q.Provisional, q.Value)
	}
	if s := get("srb", "51", "2024"); !s.Provisional || !math.IsNaN(s.Nowcast) || s.Registered != s.Value {
		t.Errorf("srb 2024: provisional %v nowcast %v registered %v value %v: want flagged only", s.Provisional, s.Nowcast, s.Registered, s.Value)
	}
	kids, err := eng.Children(ctx, query.Key{Indicator: "cbr", Division: "510104", Period: "2024"})
	if err != nil || len(kids) == 0 {
		t.Fatalf("townships of 510104: %v %v", kids, err)
	}
	for _, k := range kids {
		if !k.Provisional || !math.IsNaN(k.Nowcast) {
			t.Errorf("township %s cbr 2024: provisional %v nowcast %v: want flagged from the province", k.Division, k.Provisional, k.Nowcast)
		}
	}
}

// TestProvisionalRateAgainstTruth builds a generated snapshot (as-of
// 2025-12-31, default registration lags), nowcasts it and checks the
// province's CBR of its last month and of its last year against the rate
// of the births eventually registered (synth.EventualFile) over the same
// person-years: the nowcast-based interval covers it, while the interval
// of the registered rate of the last month does not.
func TestProvisionalRateAgainstTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a snapshot")
	}
	ctx := context.Background()
	cfg := synth.DefaultConfig()
	cfg.Counties = []string{"510104", "510107", "510524", "510623", "511321", "513433"}
	cfg.Persons, cfg.Months, cfg.Workers, cfg.NoSources = 300_000, 24, 2, true
	cfg.Out = t.TempDir()
	if _, err := synth.Generate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	st := cubetest.OpenStore(t)
	rep, err := load.Load(ctx, st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	v := rep.Version
	if _, err := cube.Build(ctx, st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := nowcast.Run(ctx, st, v.ID); err != nil {
		t.Fatal(err)
	}
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ev, err := synth.ReadEventual(cfg.Out)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		period       string
		registeredOK bool // the registered rate's interval may cover the truth
	}{{"2025-12", false}, {"2025", true}} {
		c, err := eng.Value(ctx, query.Key{Indicator: "cbr", Division: "51", Period: tc.period, Version: v.ID})
		if err != nil {
			t.Fatal(err)
		}
		var births float64
		for _, e := range ev {
			if e.EventType == "birth" && strings.HasPrefix(e.Month, tc.period) {
				births += float64(e.Eventual)
			}
		}
		truth := births / c.Denominator * 1000
		k := 1000 / c.Denominator
		rlo, rhi := cube.PoissonExact(c.Registered / k)
		t.Logf("CBR %s: truth %.2f (%.0f births); nowcast rate %.2f [%.2f, %.2f]; registered rate %.2f [%.2f, %.2f]",
			tc.period, truth, births, c.Value, c.Lower, c.Upper, c.Registered, rlo*k, rhi*k)
		if !c.Provisional {
			t.Errorf("CBR %s not provisional", tc.period)
		}
		if truth < c.Lower || truth > c.Upper {
			t.Errorf("CBR %s: interval [%.2f, %.2f] misses the eventual rate %.2f", tc.period, c.Lower, c.Upper, truth)
		}
		if !tc.registeredOK && rhi*k >= truth {
			t.Errorf("CBR %s: the registered rate's interval reaches the eventual rate %.2f: no lag to correct", tc.period, truth)
		}
	}
}
