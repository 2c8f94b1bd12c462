package fonts

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// TestEmbeddedFonts checks each vendored subset: its checksum is the one
// recorded in SHA256SUMS, it is a TrueType-outline font named as the
// package says, small enough to vendor, and covers the characters the
// report prints, with a true minus sign and dashes.
func TestEmbeddedFonts(t *testing.T) {
	sums := map[string]string{}
	f, err := os.Open("SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) == 2 {
			sums[fs[1]] = fs[0]
		}
	}
	f.Close()
	for file, face := range map[string]*Face{"padis-report-song.ttf": Song, "padis-report-hei.ttf": Hei} {
		t.Run(face.Family, func(t *testing.T) {
			data := face.TTF()
			if n := len(data); n == 0 || n > 8<<20 {
				t.Fatalf("font size %d bytes, want 0 < size ≤ 8 MiB", n)
			}
			sum := sha256.Sum256(data)
			if got := hex.EncodeToString(sum[:]); got != sums[file] {
				t.Errorf("%s: sha256 %s, SHA256SUMS says %q", file, got, sums[file])
			}
			if !bytes.HasPrefix(data, []byte{0, 1, 0, 0}) {
				t.Fatalf("font does not start with the TrueType sfnt version: % x", data[:4])
			}
			if !bytes.Contains(data[:1024], []byte("glyf")) {
				t.Fatal("font has no glyf table in its table directory")
			}
			p, err := face.Parsed()
			if err != nil {
				t.Fatal(err)
			}
			var buf sfnt.Buffer
			fam, err := p.Name(&buf, sfnt.NameIDFamily)
			if err != nil {
				t.Fatal(err)
			}
			if fam != face.Family {
				t.Errorf("family %q, want %q", fam, face.Family)
			}
			for _, s := range []string{
				"0123456789.,%‰-+()[]", "ABCabc", "人口形势分析月报", "出生率死亡率自然增长率总和生育率",
				"四川省成都市锦江区", "新疆维吾尔自治区", "内蒙古自治区", "，。：；（）、“”—–",
				"↑↓→", "≤≥−×",
			} {
				if !face.Covers(s) {
					for _, r := range s {
						if !face.Covers(string(r)) {
							t.Errorf("font lacks %q (U+%04X)", r, r)
						}
					}
				}
			}
		})
	}
	if _, err := Cache(); err != nil {
		t.Fatal(err)
	}
}

// TestCovers checks the coverage test itself: a character outside the
// subsets is reported.
func TestCovers(t *testing.T) {
	if !Song.Covers("出生率 −1.5‰\n") {
		t.Error("Song does not cover a plain line")
	}
	if Song.Covers("ก") || Hei.Covers("ก") {
		t.Error("a Thai letter is reported as covered")
	}
}
