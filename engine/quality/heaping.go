// Package quality measures the quality of the population data: how far
// the reported figures depart from what accurate reporting would give.
package quality

import (
	"fmt"
	"math"
)

// Age heaping: in single-year age counts, preference for ages ending in
// certain digits (0 and 5 above all) shows that ages were guessed rather
// than computed from the date of birth. Counts are passed as a slice
// indexed by age: counts[x] is the number of persons aged x. A NaN marks an
// age with no count; the functions fail if they need it.

// Whipple digit sets.
var (
	// Digits05 is the standard Whipple's index on ages ending in 0 and 5.
	Digits05 = []int{0, 5}
	// Digits0 is the variant on ages ending in 0 only.
	Digits0 = []int{0}
)

// Standard age ranges.
const (
	WhippleFrom = 23 // the UN range 23–62 for Whipple's index
	WhippleTo   = 62
	MyersFrom   = 10 // the standard range 10–89 for Myers' blended index
	MyersTo     = 89
)

// Whipple returns Whipple's index on the UN scale (×100) for the ages from
// through to (inclusive; the UN range is 23–62) and the terminal digits
// given (Digits05 or Digits0, or any single digit):
//
//	W = 100 × Σ_{x ∈ [from,to], x mod 10 ∈ digits} P(x) / (share · Σ_{x=from..to} P(x)),
//
// where share is the fraction of ages in the range that end in the digits
// (1/5 for 0 and 5 over 23–62, 1/10 for 0 alone). W is 100 with no
// preference, 500 (or 1000 for one digit) when every age ends in the
// digits, and 0 when none does. For the 0-and-5 index over 23–62 this is
// DemoTools' check_heaping_whipple(ageMin = 25, ageMax = 60) × 100.
func Whipple(counts []float64, from, to int, digits []int) (float64, error) {
	if len(digits) == 0 {
		return 0, fmt.Errorf("quality: Whipple: no digits")
	}
	want := [10]bool{}
	for _, d := range digits {
		if d < 0 || d > 9 {
			return 0, fmt.Errorf("quality: Whipple: digit %d, want 0…9", d)
		}
		want[d] = true
	}
	if err := checkRange(counts, from, to, 10); err != nil {
		return 0, fmt.Errorf("quality: Whipple: %w", err)
	}
	var num, den float64
	nNum := 0
	for x := from; x <= to; x++ {
		den += counts[x]
		if want[x%10] {
			num += counts[x]
			nNum++
		}
	}
	if den == 0 {
		return 0, fmt.Errorf("quality: Whipple: no one aged %d–%d", from, to)
	}
	share := float64(nNum) / float64(to-from+1)
	return 100 * num / (share * den), nil
}

// WhippleClass returns the United Nations quality class of Whipple's
// index on ages ending in 0 and 5 (UN scale): "highly accurate" below 105,
// "fairly accurate" below 110, "approximate" below 125, "rough" below 175
// and "very rough" from 175.
func WhippleClass(index float64) string {
	switch {
	case index < 105:
		return "highly accurate"
	case index < 110:
		return "fairly accurate"
	case index < 125:
		return "approximate"
	case index < 175:
		return "rough"
	}
	return "very rough"
}

// MyersResult is Myers' blended index with its per-digit detail.
type MyersResult struct {
	// Index is half the sum of the absolute deviations of the digit
	// shares from 10 %: 0 with no preference, 90 when every age ends in
	// one digit.
	Index float64
	// Share[d] is the percentage of the blended population at ages
	// ending in digit d.
	Share [10]float64
	// Preference[d] is Share[d] − 10: positive for a preferred digit,
	// negative for an avoided one.
	Preference [10]float64
}

// Myers returns Myers' blended index for the ages from through to
// (inclusive; standard 10–89), a whole number of decades, at least two.
// For each terminal digit d, the counts at ages ending in d are summed
// twice: over from … to−10 with weight j+1 and over from+10 … to with
// weight 9−j, where j is the digit's position after from (j = d when from
// ends in 0). The blended sums are expressed as shares of their total.
// With from = 10, to = 89 this equals DemoTools'
// check_heaping_myers(ageMin = 10, ageMax = 89).
func Myers(counts []float64, from, to int) (MyersResult, error) {
	return myers(counts, from, to, false)
}

// MyersPASEX is Myers' index as computed by the PASEX spreadsheet SINGAGE
// (and by early DemoTools), which sums the first series over the whole
// range from … to instead of from … to−10. SINGAGE reports the full sum
// of deviations, twice Index.
func MyersPASEX(counts []float64, from, to int) (MyersResult, error) {
	return myers(counts, from, to, true)
}

func myers(counts []float64, from, to int, pasex bool) (MyersResult, error) {
	var res MyersResult
	span := to - from + 1
	if span%10 != 0 || span < 20 {
		return res, fmt.Errorf("quality: Myers: ages %d–%d span %d years, want a whole number of decades, at least 2", from, to, span)
	}
	if err := checkRange(counts, from, to, 0); err != nil {
		return res, fmt.Errorf("quality: Myers: %w", err)
	}
	end1 := to - 10 // the first series ends a decade early…
	if pasex {
		end1 = to // …except in SINGAGE
	}
	var blended [10]float64
	total := 0.0
	for j := 0; j < 10; j++ {
		var s1, s2 float64
		for x := from + j; x <= end1; x += 10 {
			s1 += counts[x]
		}
		for x := from + 10 + j; x <= to; x += 10 {
			s2 += counts[x]
		}
		d := (from + j) % 10
		blended[d] = float64(j+1)*s1 + float64(9-j)*s2
		total += blended[d]
	}
	if total == 0 {
		return res, fmt.Errorf("quality: Myers: no one aged %d–%d", from, to)
	}
	for d := range blended {
		res.Share[d] = 100 * blended[d] / total
		res.Preference[d] = res.Share[d] - 10
		res.Index += math.Abs(res.Preference[d]) / 2
	}
	return res, nil
}

// checkRange verifies that from…to is a valid range of at least minSpan
// ages present in counts, with finite non-negative counts.
func checkRange(counts []float64, from, to, minSpan int) error {
	if from < 0 || to < from || to-from+1 < minSpan {
		return fmt.Errorf("age range %d–%d, want 0 ≤ from and at least %d ages", from, to, max(minSpan, 1))
	}
	if to >= len(counts) {
		return fmt.Errorf("age range %d–%d, but counts stop at age %d", from, to, len(counts)-1)
	}
	for x := from; x <= to; x++ {
		if c := counts[x]; math.IsNaN(c) {
			return fmt.Errorf("no count for age %d", x)
		} else if c < 0 || math.IsInf(c, 0) {
			return fmt.Errorf("count for age %d is %v, want finite and ≥ 0", x, c)
		}
	}
	return nil
}
