package alerts

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/detect"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestDefaultRules checks the shipped set: it parses, and it holds the
// rules the issue asks for with their thresholds.
func TestDefaultRules(t *testing.T) {
	rules := DefaultRules()
	by := map[string]Rule{}
	for _, r := range rules {
		by[r.ID] = r
	}
	for _, tc := range []struct {
		id, cond string
		th       [4]float64 // NaN: unused
	}{
		{"srb_high", Above, [4]float64{math.NaN(), 107, 110, 115}},
		{"tfr_low", Below, [4]float64{math.NaN(), 1.5, 1.3, 1.0}},
		{"aging_65plus", Above, [4]float64{7, 14, 20, math.NaN()}},
		{"natural_growth_negative", Below, [4]float64{0, -3, -6, math.NaN()}},
	} {
		r, ok := by[tc.id]
		if !ok {
			t.Errorf("rule %s missing", tc.id)
			continue
		}
		if r.Condition != tc.cond || !r.byInterval() {
			t.Errorf("%s: condition %s, judge %q", tc.id, r.Condition, r.Judge)
		}
		for i, p := range r.Thresholds.list() {
			if (p == nil) != math.IsNaN(tc.th[i]) || (p != nil && *p != tc.th[i]) {
				t.Errorf("%s: %s threshold %v, want %v", tc.id, Colours[i], p, tc.th[i])
			}
		}
	}
	kinds := map[string]int{}
	for _, r := range rules {
		kinds[r.Kind]++
	}
	for _, id := range []string{"policy_rate_low", "cpr_low", "quality_completeness_low", "quality_id_validity_low",
		"quality_duplicates_high", "timeliness_low", "migrants_in_surge", "births_aberration", "deaths_aberration",
		"migrants_out_aberration", "infant_deaths_aberration", "school_3_5_change", "school_6_11_change",
		"school_12_14_change", "school_15_17_change", "working_age_decline", "elderly_80plus_doubling", "benefit_cost_budget"} {
		if _, ok := by[id]; !ok {
			t.Errorf("rule %s missing", id)
		}
	}
	if by["births_aberration"].Condition != "both" || by["births_aberration"].Method != detect.MethodFarrington || by["births_aberration"].FDR != 0.05 {
		t.Errorf("births_aberration: %+v", by["births_aberration"])
	}
	if h := by["school_6_11_change"].Horizon; h != 10 {
		t.Errorf("projection horizon %d, want 10", h)
	}
}

// TestReadRulesErrors rejects malformed rules with the rule named.
func TestReadRulesErrors(t *testing.T) {
	base := `"id": "x", "zh": "z", "en": "e", "levels": ["county"]`
	for _, tc := range []struct{ json, want string }{
		{`[{` + base + `, "kind": "threshold", "indicator": "srb", "period_type": "year", "condition": "above", "thresholds": {}}]`, "at least one colour"},
		{`[{` + base + `, "kind": "threshold", "indicator": "srb", "period_type": "week", "condition": "above", "thresholds": {"red": 1}}]`, "period_type"},
		{`[{` + base + `, "kind": "threshold", "indicator": "srb", "period_type": "year", "condition": "over", "thresholds": {"red": 1}}]`, "condition"},
		{`[{` + base + `, "kind": "threshold", "indicator": "srb", "period_type": "year", "condition": "above", "thresholds": {"blue": 110, "red": 107}}]`, "less severe"},
		{`[{` + base + `, "kind": "threshold", "indicator": "tfr", "period_type": "year", "condition": "below", "thresholds": {"blue": 1.0, "red": 1.5}}]`, "less severe"},
		{`[{` + base + `, "kind": "aberration", "indicator": "tfr", "condition": "both", "thresholds": {"red": 1}}]`, "not a measure"},
		{`[{` + base + `, "kind": "aberration", "indicator": "births", "condition": "both", "method": "x", "thresholds": {"red": 1}}]`, "method"},
		{`[{` + base + `, "kind": "projection", "indicator": "pop_90plus", "condition": "above", "thresholds": {"red": 1}}]`, "projected quantity"},
		{`[{` + base + `, "kind": "threshold", "indicator": "srb", "period_type": "year", "condition": "both", "thresholds": {"red": 1}}]`, "aberration rules only"},
		{`[{"id": "x", "zh": "z", "en": "e", "levels": ["hamlet"], "kind": "threshold", "indicator": "srb", "period_type": "year", "condition": "above", "thresholds": {"red": 1}}]`, "level"},
		{`[{` + base + `, "kind": "threshold", "indicator": "srb", "period_type": "year", "condition": "above", "thresholds": {"red": 1}, "colour": "x"}]`, "unknown field"},
		{`[{` + base + `, "kind": "threshold", "indicator": "srb", "period_type": "year", "condition": "above", "thresholds": {"red": 1}}, {` + base + `, "kind": "threshold", "indicator": "srb", "period_type": "year", "condition": "above", "thresholds": {"red": 1}}]`, "twice"},
	} {
		_, err := ReadRules(strings.NewReader(tc.json), "test.json")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.json, err, tc.want)
		}
	}
}

// TestColour: strictly past the threshold, the most severe colour wins.
func TestColour(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	above := Rule{Condition: Above, Thresholds: Thresholds{Yellow: f(107), Orange: f(110), Red: f(115)}}
	below := Rule{Condition: Below, Thresholds: Thresholds{Yellow: f(1.5), Orange: f(1.3), Red: f(1.0)}}
	for _, tc := range []struct {
		r      Rule
		v      float64
		colour string
		thr    float64
	}{
		{above, 106.9, "", math.NaN()}, {above, 107, "", math.NaN()}, {above, 107.01, Yellow, 107},
		{above, 110.5, Orange, 110}, {above, 130, Red, 115}, {above, math.NaN(), "", math.NaN()},
		{below, 1.6, "", math.NaN()}, {below, 1.49, Yellow, 1.5}, {below, 1.3, Yellow, 1.5},
		{below, 1.2, Orange, 1.3}, {below, 0.9, Red, 1.0},
	} {
		c, thr := tc.r.gradeThreshold(reading{value: tc.v, lower: math.NaN(), upper: math.NaN()}, math.NaN())
		if c != tc.colour || !(thr == tc.thr || (math.IsNaN(thr) && math.IsNaN(tc.thr))) {
			t.Errorf("%s %v: %q %v, want %q %v", tc.r.Condition, tc.v, c, thr, tc.colour, tc.thr)
		}
	}
}

// TestJudgeInterval: SRB is judged on its lower bound, TFR on its upper
// bound, and nothing below the minimum denominator. The values are the
// cube's own Derive of hand-picked counts.
func TestJudgeInterval(t *testing.T) {
	cat := models.DefaultCatalog()
	srb, _ := cat.Get("srb")
	rules := map[string]Rule{}
	for _, r := range DefaultRules() {
		rules[r.ID] = r
	}
	ev := &evaluation{catalog: cat, tree: testTree(t), names: map[string]string{}, version: 1}
	r := rules["srb_high"]
	counts := make(cube.Counts, len(models.Measures))
	for _, tc := range []struct {
		male, female float64
		colour       string
	}{
		// p = m/(m+f) ± 1.96·√(p(1−p)/(m+f)), mapped by 100·p/(1−p):
		{11200, 10000, Yellow}, // 112.0, p 0.5283 ± 0.0067: lower bound 109.0
		{1120, 1000, ""},       // 112.0 on a tenth of the births: lower bound 102.9
		{13000, 10000, Red},    // 130.0, p 0.5652 ± 0.0064: lower bound 126.7
		{60, 30, ""},           // 200 but 30 female births < min_denominator 50
	} {
		counts[cube.MeasureIndex("births_male")], counts[cube.MeasureIndex("births_female")] = tc.male, tc.female
		v, err := cube.Derive(srb, counts)
		if err != nil {
			t.Fatal(err)
		}
		v.Division, v.Level, v.PeriodType, v.Period = "5101", models.LevelCity, cube.PeriodYear, "2025"
		a, hit := ev.judge(&r, srb, v, math.NaN())
		if (tc.colour == "") == hit || a.Colour != tc.colour {
			t.Errorf("SRB %v/%v (interval %.2f–%.2f): colour %q, want %q", tc.male, tc.female, v.Lower, v.Upper, a.Colour, tc.colour)
		}
		if hit && !(v.Lower > a.Threshold) {
			t.Errorf("SRB alert with lower bound %v not above its threshold %v", v.Lower, a.Threshold)
		}
	}
}

// testTree is a small division tree with real names.
func testTree(t *testing.T) *models.DivisionTree {
	t.Helper()
	tree, err := models.NewDivisionTree([]models.Division{
		{Code: "51", Name: "四川省"}, {Code: "5101", Name: "成都市"}, {Code: "510104", Name: "锦江区"},
		{Code: "510104001", Name: "督院街街道"}, {Code: "5117", Name: "达州市"}, {Code: "511703", Name: "达川区"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestExplanationsGolden renders every kind of explanation in both
// languages and compares with testdata/explanations.golden (regenerate
// with go test -run Golden -update after a deliberate change).
func TestExplanationsGolden(t *testing.T) {
	rules := map[string]*Rule{}
	def := DefaultRules()
	for i := range def {
		rules[def[i].ID] = &def[i]
	}
	ev := &evaluation{catalog: models.DefaultCatalog(), tree: testTree(t), names: map[string]string{}, version: 1}
	cat := ev.catalog
	var b strings.Builder
	add := func(a Alert, ok bool) {
		if !ok {
			t.Fatalf("no alert for %s %s", a.Rule, a.Division)
		}
		b.WriteString(a.Rule + " " + a.Colour + "\n" + a.ExplanationZH + "\n" + a.ExplanationEN + "\n\n")
	}
	// The example of the issue: SRB 112.4 (109.8–115.1) judged on its
	// value against 110.
	srbRule := *rules["srb_high"]
	srbRule.Judge = "value"
	srb, _ := cat.Get("srb")
	add(ev.judge(&srbRule, srb, cube.Value{Division: "5101", Level: 2, PeriodType: "year", Period: "2025", Value: 112.4, Lower: 109.8, Upper: 115.1, Denominator: 5000}, math.NaN()))
	tfr, _ := cat.Get("tfr")
	add(ev.judge(rules["tfr_low"], tfr, cube.Value{Division: "510104", Level: 3, PeriodType: "year", Period: "2024", Value: 0.874, Lower: 0.81, Upper: 0.94, Numerator: 3120, Denominator: 125000}, math.NaN()))
	sh, _ := cat.Get("share_65plus")
	add(ev.judge(rules["aging_65plus"], sh, cube.Value{Division: "510104001", Level: 4, PeriodType: "r12", Period: "R12-2025-09", Value: 21.37, Lower: 20.61, Upper: 22.15, Denominator: 12000}, math.NaN()))
	rni, _ := cat.Get("rni")
	add(ev.judge(rules["natural_growth_negative"], rni, cube.Value{Division: "51", Level: 1, PeriodType: "quarter", Period: "2025-Q3", Value: -4.21, Lower: -4.5, Upper: -3.9, Denominator: 2e6}, math.NaN()))
	add(ev.aberrationAlert(rules["births_aberration"], "511703", 3, "2025-09",
		detect.Result{Observed: 96, Expected: 146, Lower: 123, Upper: 171, Low: true, Alarm: true, PValue: 0.00002},
		evidence{on: true, low: true, dev: 34.2, expected: 146, q: 0.00002}, evidence{}))
	add(ev.aberrationAlert(rules["migrants_in_surge"], "5117", 2, "2025-03",
		detect.Result{Observed: 412, Expected: 180.4, Lower: 150, Upper: 214, Alarm: true, PValue: 0.0123},
		// orange by persistence: February was +150 % too (q 0.0123 alone is yellow)
		evidence{on: true, dev: 128.4, expected: 180.4, q: 0.0123}, evidence{on: true, dev: 150, expected: 170}))
	for _, tc := range []struct {
		rule string
		base []float64 // the quantity at t = 0 … 10
	}{
		{"school_6_11_change", []float64{10000, 9800, 9500, 9100, 8600, 8000, 7500, 7100, 6900, 6800, 6750}},
		{"working_age_decline", []float64{60000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48000}},
		{"elderly_80plus_doubling", []float64{3000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6600}},
		{"benefit_cost_budget", []float64{2500, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4000}},
	} {
		res := fakeProjection(tc.rule, tc.base)
		// every scenario projects the same: the central colour holds
		a, hit, err := ev.projectionAlert(rules[tc.rule], "5101", 2, res, func(string) (*projections.Result, error) { return res, nil })
		if err != nil {
			t.Fatal(err)
		}
		add(a, hit)
	}
	path := filepath.Join("testdata", "explanations.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if b.String() != string(want) {
		t.Errorf("explanations differ from %s:\n%s", path, b.String())
	}
	// The issue's own sentence.
	if !strings.Contains(b.String(), "成都市2025年出生人口性别比112.4（95%区间109.8–115.1），高于110的橙色预警线") {
		t.Errorf("the issue's example sentence is not reproduced:\n%s", b.String())
	}
}

// fakeProjection returns a projection whose quantity of rule's indicator
// is q[t] in year 2025 + t.
func fakeProjection(rule string, q []float64) *projections.Result {
	r := &projections.Result{}
	for t, v := range q {
		ind := projections.Indicators{Year: 2025 + t}
		switch rule {
		case "school_6_11_change":
			ind.School6to11 = v
		case "working_age_decline":
			ind.Age15to59 = v
		case "elderly_80plus_doubling":
			ind.Age80Plus = v
		case "benefit_cost_budget":
			ind.Eligible, ind.BenefitCost = v, v
		}
		r.Indicators = append(r.Indicators, ind)
	}
	return r
}

// TestDefaultRulesMinimums: every shipped rule has a minimum count, so
// that small numbers never alarm; the TFR, which has no single
// denominator, needs both births and person-years of women 15–49.
func TestDefaultRulesMinimums(t *testing.T) {
	for _, r := range DefaultRules() {
		if !(r.MinDenominator > 0) {
			t.Errorf("%s: min_denominator %v, want a minimum count", r.ID, r.MinDenominator)
		}
	}
	for _, r := range DefaultRules() {
		if r.ID == "tfr_low" && !(r.MinNumerator > 0) {
			t.Errorf("tfr_low: min_numerator %v, want a minimum number of births", r.MinNumerator)
		}
	}
}

// TestJudgeTFRSmallNumbers judges the TFR of hand-made age tables, the
// values computed by the cube's own cube.Methods: a county of a few
// hundred woman-years with no or a few births raised a red alert
// "TFR 0.00 (0.00–0.00)"; it must not, while a unit large enough keeps
// its alert.
func TestJudgeTFRSmallNumbers(t *testing.T) {
	cat := models.DefaultCatalog()
	tfr, _ := cat.Get("tfr")
	var rule Rule
	for _, r := range DefaultRules() {
		if r.ID == "tfr_low" {
			rule = r
		}
	}
	ev := &evaluation{catalog: cat, tree: testTree(t), names: map[string]string{}, version: 1}
	for _, tc := range []struct {
		name       string
		pyPerAge   float64 // person-years of women at each age 15–49
		births     int     // one birth at each age from 15 on
		tfr, upper float64 // hand computation
		colour     string
	}{
		// The interval is cube.WeightedPoisson's gamma interval (Fay &
		// Feuer 1997, Tiwari et al. 2006). With the same woman-years py at
		// every age the weights are all w = 1/py, so its upper limit is
		// Garwood's exact Poisson upper limit of the births k times w
		// (shape k+1, scale w); the Garwood limits below are the
		// published table values (χ²₀.₉₇₅ with 2k+2 degrees of freedom, /2).
		// 0 births: TFR 0, upper 3.6889/8 = 0.4611 (not 0–0).
		{"no births, 280 woman-years", 8, 0, 0, 3.6889 / 8, ""},
		// 3 births over 8 woman-years each: TFR 3/8 = 0.375, upper
		// 8.7673/8 = 1.0959; 3 births < 30.
		{"3 births, 280 woman-years", 8, 3, 0.375, 8.7673 / 8, ""},
		// 29 births over 60 each: TFR 0.483, upper 41.6492/60; under 30 births.
		{"29 births, 2100 woman-years", 60, 29, 29.0 / 60, 41.6492 / 60, ""},
		// 30 births over 60 each: TFR 0.5, upper 42.8269/60 = 0.714 < 1.0.
		{"30 births, 2100 woman-years", 60, 30, 0.5, 42.8269 / 60, Red},
		// 35 births over 100 each: TFR 0.35, upper 48.6766/100 = 0.487.
		{"35 births, 3500 woman-years", 100, 35, 0.35, 48.6766 / 100, Red},
	} {
		var a cube.AgeCounts
		for x := 15; x <= 49; x++ {
			b := 0.0
			if x-15 < tc.births {
				b = 1
			}
			a.Add(2, x, 0, tc.pyPerAge, 0, b)
		}
		vs, err := cube.Methods(tfr, &a)
		if err != nil {
			t.Fatal(err)
		}
		v := vs[0]
		if math.Abs(v.Value-tc.tfr) > 1e-9 || math.Abs(v.Upper-tc.upper) > 1e-3 {
			t.Errorf("%s: TFR %v (upper %v), hand computation %v (%v)", tc.name, v.Value, v.Upper, tc.tfr, tc.upper)
		}
		v.Division, v.Level, v.PeriodType, v.Period = "510104", models.LevelCounty, cube.PeriodYear, "2025"
		a2, hit := ev.judge(&rule, tfr, v, math.NaN())
		if hit != (tc.colour != "") || a2.Colour != tc.colour {
			t.Errorf("%s: TFR %.3f (%.3f–%.3f), %v births, %v woman-years: colour %q, want %q",
				tc.name, v.Value, v.Lower, v.Upper, v.Numerator, v.Denominator, a2.Colour, tc.colour)
		}
	}
}

// TestJudgeMinimumsEveryRule takes every shipped threshold rule and a
// value far past its most severe threshold: it alarms with counts at the
// rule's minimums, and not with a denominator or numerator just under
// them nor with a degenerate interval (lower = upper).
func TestJudgeMinimumsEveryRule(t *testing.T) {
	cat := models.DefaultCatalog()
	ev := &evaluation{catalog: cat, tree: testTree(t), names: map[string]string{}, version: 1}
	for _, r := range DefaultRules() {
		if r.Kind != KindThreshold {
			continue
		}
		ind, ok := cat.Get(r.Indicator)
		if !ok {
			t.Errorf("%s: indicator %s not in the catalog", r.ID, r.Indicator)
			continue
		}
		var worst float64
		for _, p := range r.Thresholds.list() {
			if p != nil {
				worst = *p
			}
		}
		x := worst + math.Abs(worst) + 1 // well past the worst threshold
		if r.Condition == Below {
			x = worst - math.Abs(worst) - 1
		}
		num, den := max(r.MinNumerator, 1), r.MinDenominator
		for _, tc := range []struct {
			name     string
			lo, hi   float64
			num, den float64
			want     bool
		}{
			{"at the minimums", x - 0.01, x + 0.01, num, den, true},
			{"denominator under the minimum", x - 0.01, x + 0.01, num, den - 1, false},
			{"unknown denominator", x - 0.01, x + 0.01, num, math.NaN(), false},
			{"degenerate interval", x, x, num, den, false},
		} {
			v := cube.Value{Indicator: r.Indicator, Division: "510104", Level: models.LevelCounty, PeriodType: r.PeriodType, Period: "2025",
				Value: x, Lower: tc.lo, Upper: tc.hi, Numerator: tc.num, Denominator: tc.den}
			if _, hit := ev.judge(&r, ind, v, math.NaN()); hit != tc.want {
				t.Errorf("%s, %s (value %v, %v/%v): alert %v, want %v", r.ID, tc.name, x, tc.num, tc.den, hit, tc.want)
			}
		}
		if r.MinNumerator > 0 {
			v := cube.Value{Division: "510104", Level: models.LevelCounty, PeriodType: r.PeriodType, Period: "2025",
				Value: x, Lower: x - 0.01, Upper: x + 0.01, Numerator: r.MinNumerator - 1, Denominator: den}
			if _, hit := ev.judge(&r, ind, v, math.NaN()); hit {
				t.Errorf("%s: alert with %v events, under the minimum %v", r.ID, v.Numerator, r.MinNumerator)
			}
		}
	}
}

// TestCovered: a scope of scattered counties covers its counties, the
// units below them, and a city or province only with all its counties.
func TestCovered(t *testing.T) {
	tree, err := models.NewDivisionTree([]models.Division{
		{Code: "51", Name: "四川省"}, {Code: "5101", Name: "成都市"}, {Code: "510104", Name: "锦江区"}, {Code: "510105", Name: "青羊区"},
		{Code: "510104001", Name: "督院街街道"}, {Code: "5117", Name: "达州市"}, {Code: "511703", Name: "达川区"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		counties []string // nil: a province scope
		want     map[string]bool
	}{
		{nil, map[string]bool{"51": true, "5101": true, "510104": true, "510104001": true}},
		{[]string{"510104", "511703"}, map[string]bool{"51": false, "5101": false, "5117": true, "510104": true,
			"510104001": true, "510105": false, "511703": true}},
		{[]string{"510104", "510105"}, map[string]bool{"51": false, "5101": true, "5117": false, "510105": true}},
		{[]string{"510104", "510105", "511703"}, map[string]bool{"51": true, "5101": true, "5117": true}},
	} {
		ev := &evaluation{tree: tree}
		if tc.counties != nil {
			ev.counties, ev.coverage = map[string]bool{}, map[string]bool{}
			for _, c := range tc.counties {
				ev.counties[c] = true
			}
		}
		for div, want := range tc.want {
			if got := ev.covered(div); got != want {
				t.Errorf("counties %v: covered(%s) = %v, want %v", tc.counties, div, got, want)
			}
		}
	}
}
