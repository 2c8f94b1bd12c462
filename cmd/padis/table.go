package main

import (
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/padis/padis/models"
)

// textTable is a table for people: columns aligned by display width (a
// Chinese character takes two columns of a terminal, which text/tabwriter
// does not know), numbers right-aligned. CSV and JSON output do not use it.
type textTable struct {
	rows  [][]string
	right map[int]bool
}

// newTable returns a table with the given header row.
func newTable(header ...string) *textTable {
	return &textTable{rows: [][]string{header}, right: map[int]bool{}}
}

// alignRight right-aligns the given columns (numbers).
func (t *textTable) alignRight(cols ...int) *textTable {
	for _, c := range cols {
		t.right[c] = true
	}
	return t
}

// add appends a row.
func (t *textTable) add(cells ...string) { t.rows = append(t.rows, cells) }

// write writes the table, columns separated by two spaces, with no
// trailing blanks.
func (t *textTable) write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if t.right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// displayWidth is the number of terminal columns s takes: two for wide and
// full-width characters (CJK ideographs, full-width punctuation such as
// "（"), one for the others.
func displayWidth(s string) int {
	n := 0
	for len(s) > 0 {
		p, size := width.LookupString(s)
		if size == 0 {
			_, size = utf8.DecodeRuneInString(s)
		}
		switch p.Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
		s = s[size:]
	}
	return n
}

// humanNum formats v with dec decimals and thousands separators for a table
// read by people ("305,831", "1.65"); missing for NaN or ±Inf. CSV and JSON
// keep plain numbers.
func humanNum(v float64, dec int, missing string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return missing
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', dec, 64)
	ip, fp, hasFrac := strings.Cut(s, ".")
	n, err := strconv.ParseInt(ip, 10, 64)
	if err != nil { // beyond int64: leave ungrouped
		n = -1
	}
	if n >= 0 {
		ip = group(n)
	}
	if hasFrac {
		ip += "." + fp
	}
	if v < 0 && strings.Trim(s, "0.") != "" {
		ip = "-" + ip
	}
	return ip
}

// indicatorDecimals is the number of decimals of an indicator's values: the
// catalog's, or 2 for an indicator not in the catalog.
func indicatorDecimals(cat *models.Catalog, id string) int {
	if ind, ok := cat.Get(id); ok {
		return ind.Decimals
	}
	return 2
}

// countDecimals is the number of decimals of a numerator or denominator:
// none for a whole number (births), one otherwise (person-years).
func countDecimals(v float64) int {
	if v == math.Trunc(v) {
		return 0
	}
	return 1
}

// tr picks the Chinese or the English text of a CLI label.
func tr(lang models.Lang, zh, en string) string {
	if lang == models.EN {
		return en
	}
	return zh
}
