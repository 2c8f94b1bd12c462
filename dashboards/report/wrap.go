package report

import (
	"strings"
	"unicode"
)

// noLineStart are characters that must not begin a line (Chinese line
// breaking rules, 避头点): they stay at the end of the previous line.
const noLineStart = "，。、；：？！）》」』”’〉】%‰,.;:!?)]}·–"

// noLineEnd are characters that must not end a line (避尾点).
const noLineEnd = "（《「『“‘〈【([{"

// wrapText breaks s into lines no wider than w, measured by width. A line
// may break after any CJK character or at a space; Latin words stay whole
// unless longer than a line; closing punctuation never starts a line and
// opening punctuation never ends one. Unlike fpdf's own wrapping, no
// character is lost at a break.
func wrapText(s string, w float64, width func(string) float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, wrapPara([]rune(para), w, width)...)
	}
	return lines
}

func wrapPara(rs []rune, w float64, width func(string) float64) []string {
	if len(rs) == 0 {
		return []string{""}
	}
	var lines []string
	start := 0
	for start < len(rs) {
		// Find the longest prefix rs[start:end] that fits.
		end, used := start, 0.0
		for end < len(rs) {
			cw := width(string(rs[end]))
			if used+cw > w && end > start {
				break
			}
			used += cw
			end++
		}
		if end == len(rs) {
			lines = append(lines, strings.TrimRight(string(rs[start:end]), " "))
			break
		}
		brk := breakBefore(rs, start, end)
		// Keep closing punctuation on this line even if it overflows a little.
		for brk < len(rs) && strings.ContainsRune(noLineStart, rs[brk]) {
			brk++
		}
		lines = append(lines, strings.TrimRight(string(rs[start:brk]), " "))
		start = brk
		for start < len(rs) && rs[start] == ' ' {
			start++
		}
	}
	return lines
}

// breakBefore returns the best break position in (start, end]: the line
// is rs[start:pos]. It prefers the last space or CJK boundary; a word
// longer than the line is cut where it overflows.
func breakBefore(rs []rune, start, end int) int {
	for pos := end; pos > start; pos-- {
		prev, next := rs[pos-1], rs[pos]
		if strings.ContainsRune(noLineEnd, prev) {
			continue
		}
		if next == ' ' || prev == ' ' || isCJK(prev) || isCJK(next) {
			return pos
		}
	}
	return end
}

// isCJK reports whether r is a CJK ideograph, kana, CJK punctuation or a
// full-width form: a line may break on either side of it.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) ||
		unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}
