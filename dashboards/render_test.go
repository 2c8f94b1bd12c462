package dashboards

import (
	"math"
	"testing"
)

// TestFmtDec checks values printed with their indicator's decimals:
// thousands separators, a true minus sign, no "−0", and a dash for none.
func TestFmtDec(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		d    int
		v    *float64
		want string
		sign string
	}{
		{0, f(2178.47), "2,178", "+2,178"},
		{2, f(-2.894), "−2.89", "−2.89"},
		{1, f(130.77), "130.8", "+130.8"},
		{1, f(84), "84.0", "+84.0"},
		{2, f(-0.001), "0.00", "0.00"},
		{0, f(-159.02), "−159", "−159"},
		{2, nil, "—", "—"},
		{2, f(math.NaN()), "—", "—"},
	} {
		if got := fmtDec(tc.d, tc.v); got != tc.want {
			t.Errorf("fmtDec(%d, %v) = %q, want %q", tc.d, tc.v, got, tc.want)
		}
		if got := fmtDecSigned(tc.d, tc.v); got != tc.sign {
			t.Errorf("fmtDecSigned(%d, %v) = %q, want %q", tc.d, tc.v, got, tc.sign)
		}
	}
}
