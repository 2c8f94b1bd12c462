package fonts

import (
	"bytes"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// TestEmbeddedFont checks the vendored subset is a TrueType-outline font
// named as the package says, small enough to vendor, and covers the
// characters the report prints.
func TestEmbeddedFont(t *testing.T) {
	if n := len(TTF()); n == 0 || n > 10<<20 {
		t.Fatalf("font size %d bytes, want 0 < size ≤ 10 MiB", n)
	}
	// TrueType outlines: sfnt version 0x00010000 and a glyf table.
	if !bytes.HasPrefix(TTF(), []byte{0, 1, 0, 0}) {
		t.Fatalf("font does not start with the TrueType sfnt version: % x", TTF()[:4])
	}
	if !bytes.Contains(TTF()[:1024], []byte("glyf")) {
		t.Fatal("font has no glyf table in its table directory")
	}
	f, err := Parsed()
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	fam, err := f.Name(&buf, sfnt.NameIDFamily)
	if err != nil {
		t.Fatal(err)
	}
	if fam != Family {
		t.Errorf("family %q, want %q", fam, Family)
	}
	for _, s := range []string{
		"0123456789.,%‰-+()[]", "ABCabc", "人口形势分析月报", "出生率死亡率自然增长率总和生育率",
		"四川省成都市锦江区", "新疆维吾尔自治区", "内蒙古自治区", "，。：；（）、“”—",
		"↑↓→", "≤≥−×",
	} {
		for _, r := range s {
			gi, err := f.GlyphIndex(&buf, r)
			if err != nil {
				t.Fatalf("glyph index of %q: %v", r, err)
			}
			if gi == 0 {
				t.Errorf("font lacks %q (U+%04X)", r, r)
			}
		}
	}
	if _, err := Cache(); err != nil {
		t.Fatal(err)
	}
}
