package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestWrapText wraps with a width of one unit per rune so that the
// expected lines can be read off directly.
func TestWrapText(t *testing.T) {
	width := func(s string) float64 { return float64(utf8.RuneCountInString(s)) }
	for _, tc := range []struct {
		in   string
		w    float64
		want []string
	}{
		{"出生人数比上年同月减少3,830人。", 8, []string{"出生人数比上年同", "月减少3,830", "人。"}},
		{"常住人口增加，流动人口减少。", 6, []string{"常住人口增加，", "流动人口减少。"}},
		{"甲乙丙（丁戊", 4, []string{"甲乙丙", "（丁戊"}},
		{"甲乙丙丁。戊", 4, []string{"甲乙丙丁。", "戊"}},
		{"births rose by 3,830 on a year earlier", 12, []string{"births rose", "by 3,830 on", "a year", "earlier"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"", 5, []string{""}},
		{"短", 5, []string{"短"}},
	} {
		got := wrapText(tc.in, tc.w, width)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrap(%q, %g) = %q, want %q", tc.in, tc.w, got, tc.want)
		}
		// No character is lost apart from spaces at breaks.
		if strings.ReplaceAll(strings.Join(got, ""), " ", "") != strings.ReplaceAll(tc.in, " ", "") {
			t.Errorf("wrap(%q) lost characters: %q", tc.in, got)
		}
	}
}
