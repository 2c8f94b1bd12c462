// Package fonts embeds the two fonts the monthly report is set in, the
// families official documents use (GB/T 9704: body text in a 宋体 face,
// headings in 黑体):
//
//   - Song, "PADIS Report Song": body text and table cells; a subset of
//     AR PL UMing CN (Arphic Public License, ARPHICPL.TXT);
//   - Hei, "PADIS Report Hei": title, headings, table headers and charts,
//     and the fallback for a text with a character Song lacks (a few rare
//     place-name characters); a subset of WenQuanYi Zen Hei (GPL-2 with
//     the font embedding exception, WQY-ZENHEI-LICENSE.txt).
//
// Each covers ASCII, Latin-1, common punctuation and symbols (with a true
// minus sign), CJK punctuation, the GB 2312 hanzi and the characters of the
// embedded division names; subset.sh rebuilds them and SHA256SUMS records
// their checksums. Their outlines are TrueType (glyf) because CFF-outline
// fonts cannot be embedded in the PDF, and a chart uses one font because
// gonum/plot has no per-glyph fallback.
package fonts

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"
)

// Face is one embedded font.
type Face struct {
	// Family is the font's family name, as written in its name table and
	// used in SVG font-family attributes and the PDF.
	Family string
	ttf    []byte

	once   sync.Once
	parsed *opentype.Font
	err    error
}

var (
	//go:embed padis-report-song.ttf
	songTTF []byte
	//go:embed padis-report-hei.ttf
	heiTTF []byte
)

// Song is the body-text face, Hei the heading and chart face.
var (
	Song = &Face{Family: "PADIS Report Song", ttf: songTTF}
	Hei  = &Face{Family: "PADIS Report Hei", ttf: heiTTF}
)

// TTF returns the font file's bytes (TrueType). The caller must not modify
// the slice.
func (f *Face) TTF() []byte { return f.ttf }

// Parsed returns the parsed font, parsed once on first use.
func (f *Face) Parsed() (*opentype.Font, error) {
	f.once.Do(func() {
		f.parsed, f.err = opentype.Parse(f.ttf)
		if f.err != nil {
			f.err = fmt.Errorf("parse embedded font %s: %w", f.Family, f.err)
		}
	})
	return f.parsed, f.err
}

// Covers reports whether the face has a glyph for every character of s
// (line breaks aside).
func (f *Face) Covers(s string) bool {
	p, err := f.Parsed()
	if err != nil {
		return false
	}
	var buf sfnt.Buffer
	for _, r := range s {
		if r == '\n' || r == '\r' {
			continue
		}
		if gi, err := p.GlyphIndex(&buf, r); err != nil || gi == 0 {
			return false
		}
	}
	return true
}

// Font returns the gonum/plot font description of the chart face (Hei).
func Font() font.Font { return font.Font{Typeface: font.Typeface(Hei.Family)} }

// Cache returns a gonum/plot font cache holding only the chart face, for a
// text.Plain handler; text in any other typeface falls back to it.
func Cache() (*font.Cache, error) {
	f, err := Hei.Parsed()
	if err != nil {
		return nil, err
	}
	return font.NewCache(font.Collection{{Font: Font(), Face: f}}), nil
}
