package alerts

import (
	"math"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// TestGradeAberration: red needs ≥ 10 expected events, a deviation past
// the red line and an adjusted p-value below 0.001 or the previous month
// past the red line too; orange ≥ 5 expected and q ≤ 0.01 or persistence;
// yellow and blue the rule's minimum and fdr. Before grading, every one
// of these took the colour of its deviation alone (the red alert
// on 18 out-migrants against 5.3 expected).
func TestGradeAberration(t *testing.T) {
	var r Rule
	for _, x := range DefaultRules() {
		if x.ID == "migrants_out_aberration" { // 30 / 50 / 100 / 200 %, min 5, fdr 0.05
			r = x
		}
	}
	nan := math.NaN()
	on := func(obs, exp, q float64) evidence {
		return evidence{on: true, dev: math.Abs(obs/exp-1) * 100, expected: exp, q: q}
	}
	for _, tc := range []struct {
		name      string
		cur, prev evidence
		want      string
	}{
		{"18 against 5.3: too few expected for red", on(18, 5.3, 1e-6), evidence{}, Orange},
		{"18 against 5.3, q 0.02: yellow", on(18, 5.3, 0.02), evidence{}, Yellow},
		{"18 against 5.3 twice: still not red", on(18, 5.3, 1e-6), on(17, 5.2, 1e-6), Orange},
		{"40 against 12, q 0.0004: red", on(40, 12, 0.0004), evidence{}, Red},
		{"40 against 12, q 0.004: orange", on(40, 12, 0.004), evidence{}, Orange},
		{"40 against 12, q 0.004, previous month +210 %: red", on(40, 12, 0.004), on(37, 11.9, 0.03), Red},
		{"previous month a decrease: no persistence", on(40, 12, 0.004), evidence{on: true, low: true, dev: 250, expected: 12}, Orange},
		{"previous month only +120 %: orange", on(40, 12, 0.004), on(26, 11.8, 0.03), Orange},
		{"q 0.03 twice: orange by persistence", on(22, 10, 0.03), on(21, 10, 0.04), Orange},
		{"q 0.03 once: yellow", on(22, 10, 0.03), evidence{}, Yellow},
		{"expected 4: under the rule's minimum", on(20, 4, 1e-9), evidence{}, ""},
		{"no p-value (CUSUM): yellow at most without persistence", on(40, 12, nan), evidence{}, Yellow},
		{"not past the false-discovery control", evidence{dev: 300, expected: 50}, evidence{}, ""},
	} {
		got, _ := r.gradeAberration(tc.cur, tc.prev)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestGradeThreshold: SRB (107 / 110 / 115, judged on the lower bound):
// orange needs the one-sided 99 % bound past 110 or last year's 95 %
// bound past 110 too; red the 99.9 % bound past 115 or last year past 115.
func TestGradeThreshold(t *testing.T) {
	var r Rule
	for _, x := range DefaultRules() {
		if x.ID == "srb_high" {
			r = x
		}
	}
	nan := math.NaN()
	for _, tc := range []struct {
		name                string
		value, lo, up, prev float64
		want                string
	}{
		// se = 4.1/3.92 = 1.046; 99 % bound 112.4 − 2.326·1.046 = 109.97
		{"112.4 (110.4–114.5): yellow, was orange", 112.4, 110.4, 114.5, nan, Yellow},
		{"112.4 (110.4–114.5), last year 110.5: orange", 112.4, 110.4, 114.5, 110.5, Orange},
		{"112.4 (110.4–114.5), last year 109: yellow", 112.4, 110.4, 114.5, 109, Yellow},
		{"112.4 (111.0–113.8): orange", 112.4, 111.0, 113.8, nan, Orange},
		// se 4.3; 99.9 % bound 126 − 13.3 = 112.7 < 115
		{"126 (117.6–134.4): orange, was red", 126, 117.6, 134.4, nan, Orange},
		{"126 (117.6–134.4), last year 116: red", 126, 117.6, 134.4, 116, Red},
		{"130 (126.7–133.3): red", 130, 126.7, 133.3, nan, Red},
		{"108 (105–111): nothing", 108, 105, 111, 120, ""},
	} {
		got, _ := r.gradeThreshold(reading{value: tc.value, lower: tc.lo, upper: tc.up, num: nan, den: nan}, tc.prev)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestGradeSRBBinomial: the SRB rule judges the binomial interval of the
// boys' share (cube.RatioBinomial) at every grade, and fires only when it
// lies above the normal range 103–107: small counts never alert on noise
// (under the rule's minimum of 100 girls they are not judged at all; the
// minimum is needed: 12 boys and 3 girls, a 2 % chance at SRB 106, has a
// 95 % interval above 107), and the
// orange and red bounds are the binomial ones, not a symmetric
// approximation of the skewed 95 % interval (which gave yellow for 635
// boys and 500 girls, orange for 690 and 500).
func TestGradeSRBBinomial(t *testing.T) {
	var r Rule
	for _, x := range DefaultRules() {
		if x.ID == "srb_high" {
			r = x
		}
	}
	ind, ok := models.DefaultCatalog().Get("srb")
	if !ok {
		t.Fatal("no srb in the catalog")
	}
	if len(ind.Range) != 2 || r.Thresholds.Blue != nil || r.Thresholds.Yellow == nil || *r.Thresholds.Yellow != ind.Range[1] {
		t.Fatalf("srb_high: the first line %v is not the top of the catalog's normal range %v", r.Thresholds.Yellow, ind.Range)
	}
	for _, tc := range []struct {
		name        string
		boys, girls float64
		judged      bool // enough girls for the rule's minimum
		holds       bool // the 95 % interval holds the normal range
		want        string
	}{
		{"province month, 130 from 138 births", 78, 60, false, true, ""},
		{"city, 40 from 7 births", 2, 5, false, true, ""},
		{"city, 300 from 4 births", 3, 1, false, true, ""},
		{"county, 400 from 15 births", 12, 3, false, false, ""},
		{"normal 105 from 2,050 births", 1050, 1000, true, true, ""},
		{"108 from 4,160 births", 2160, 2000, true, true, ""},
		{"120 from 550 births (101.5–141.9)", 300, 250, true, true, ""},
		{"112 from 21,200 births", 11200, 10000, true, false, Yellow},
		{"120 from 2,200 births (110.3–130.5): 99 % bound 108.7", 1200, 1000, true, false, Yellow},
		{"127.0 (113.0–142.8): binomial 99 % bound 110.5", 635, 500, true, false, Orange},
		{"138.0 (123.0–154.8): binomial 99.9 % bound 115.1", 690, 500, true, false, Red},
	} {
		lo, hi := cube.RatioBinomial(tc.boys, tc.girls)
		v := cube.Value{Value: tc.boys / tc.girls * 100, Lower: lo * 100, Upper: hi * 100, Numerator: tc.boys, Denominator: tc.girls}
		if tooFew(&r, v) == tc.judged {
			t.Errorf("%s: judged %v, want %v", tc.name, !tooFew(&r, v), tc.judged)
		}
		if holds := v.Lower <= 107 && v.Upper >= 103; holds != tc.holds {
			t.Errorf("%s: interval %.1f–%.1f holds 103–107: %v, want %v", tc.name, v.Lower, v.Upper, holds, tc.holds)
		}
		got, _ := r.gradeThreshold(readingOf(ind, v), math.NaN())
		if tc.holds && got != "" {
			t.Errorf("%s: %q although the interval holds the normal range", tc.name, got)
		}
		if tooFew(&r, v) {
			got = ""
		}
		if got != tc.want {
			t.Errorf("%s: SRB %.1f (%.1f–%.1f): %q, want %q", tc.name, v.Value, v.Lower, v.Upper, got, tc.want)
		}
	}
}

// TestGradeProjection: a projection rule's colour needs its line passed
// in the central projection and, for orange, in the UN low and high
// fertility variants, for red also without migration (projectionGrades),
// with the same sign of change; without scenario projections yellow is
// the most. School 6–11 (20 / 30 / 40 / 50 %): the series fall linearly
// to the given change in 10 years.
func TestGradeProjection(t *testing.T) {
	var r Rule
	for _, x := range DefaultRules() {
		if x.ID == "school_6_11_change" {
			r = x
		}
	}
	series := func(change float64) *projections.Result {
		q := make([]float64, 11)
		for k := range q {
			q[k] = 10000 * (1 + change/100*float64(k)/10)
		}
		return fakeProjection(r.ID, q)
	}
	ev := &evaluation{catalog: models.DefaultCatalog(), tree: testTree(t), names: map[string]string{}, version: 1}
	for _, tc := range []struct {
		name    string
		central float64
		under   map[string]float64 // change by scenario; missing: no projection
		want    string
	}{
		{"−55 % in every scenario: red", -55, map[string]float64{"low": -60, "high": -52, "zero_migration": -51}, Red},
		{"−55 %, −45 % without migration: orange", -55, map[string]float64{"low": -60, "high": -52, "zero_migration": -45}, Orange},
		{"−55 %, −35 % in the high variant: yellow", -55, map[string]float64{"low": -60, "high": -35, "zero_migration": -55}, Yellow},
		{"−45 %, low and high past 40: orange", -45, map[string]float64{"low": -50, "high": -41, "zero_migration": -60}, Orange},
		{"+55 % but −55 % in the low variant: yellow", 55, map[string]float64{"low": -55, "high": 60, "zero_migration": 60}, Yellow},
		{"−55 %, no scenario projections: yellow", -55, nil, Yellow},
		{"−25 %: blue whatever the scenarios", -25, map[string]float64{"low": -60, "high": -60, "zero_migration": -60}, Blue},
		{"−15 %: nothing", -15, map[string]float64{"low": -60, "high": -60, "zero_migration": -60}, ""},
	} {
		var variant func(string) (*projections.Result, error)
		if tc.under != nil {
			variant = func(sc string) (*projections.Result, error) {
				c, ok := tc.under[sc]
				if !ok {
					t.Fatalf("%s: scenario %q asked", tc.name, sc)
				}
				return series(c), nil
			}
		}
		a, hit, err := ev.projectionAlert(&r, "5101", 2, series(tc.central), variant)
		if err != nil {
			t.Fatal(err)
		}
		if hit != (tc.want != "") || a.Colour != tc.want {
			t.Errorf("%s: %q (hit %v), want %q", tc.name, a.Colour, hit, tc.want)
		}
	}
}
