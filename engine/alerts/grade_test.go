package alerts

import (
	"math"
	"testing"
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
		got, _ := r.gradeThreshold(tc.value, tc.lo, tc.up, tc.prev)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
