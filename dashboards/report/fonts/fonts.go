// Package fonts embeds the one font the monthly report uses for charts,
// HTML and PDF: "PADIS Report Kai", a subset of LXGW WenKai Regular (SIL
// OFL 1.1, see OFL.txt) with TrueType outlines covering ASCII, Latin-1,
// common punctuation and symbols, CJK punctuation, the GB 2312 hanzi and
// the characters of the embedded division names. subset.sh rebuilds it.
//
// One font must cover both Latin digits and Chinese because gonum/plot has
// no per-glyph fallback, and its outlines must be TrueType (glyf) because
// CFF-outline fonts cannot be embedded in the PDF.
package fonts

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/font"
)

// Family is the font's family name, as written in its name table and used
// in SVG font-family attributes and the PDF.
const Family = "PADIS Report Kai"

//go:embed padis-report-kai.ttf
var ttf []byte

// TTF returns the font file's bytes (TrueType). The caller must not modify
// the slice.
func TTF() []byte { return ttf }

var (
	parseOnce sync.Once
	parsed    *opentype.Font
	parseErr  error
)

// Parsed returns the parsed font, parsed once on first use.
func Parsed() (*opentype.Font, error) {
	parseOnce.Do(func() {
		parsed, parseErr = opentype.Parse(ttf)
		if parseErr != nil {
			parseErr = fmt.Errorf("parse embedded font %s: %w", Family, parseErr)
		}
	})
	return parsed, parseErr
}

// Font returns the gonum/plot font description of the embedded font.
func Font() font.Font { return font.Font{Typeface: font.Typeface(Family)} }

// Cache returns a gonum/plot font cache holding only the embedded font, for
// a text.Plain handler; text in any other typeface falls back to it.
func Cache() (*font.Cache, error) {
	f, err := Parsed()
	if err != nil {
		return nil, err
	}
	return font.NewCache(font.Collection{{Font: Font(), Face: f}}), nil
}
