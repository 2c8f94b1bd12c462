package dashboards

import (
	"bytes"
	"image/png"
	"math"
	"testing"
)

// assertNotBlank decodes a PNG and fails unless its luminance varies
// (standard deviation ≥ minStd on 0–255) and it has at least minColors
// distinct colours: a blank or single-colour capture fails.
func assertNotBlank(t *testing.T, name string, b []byte, minStd float64, minColors int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r := img.Bounds()
	var n, sum, sum2 float64
	colors := map[uint32]bool{}
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			l := (0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)) / 257
			n++
			sum += l
			sum2 += l * l
			if len(colors) < 10000 {
				colors[(cr>>8)<<16|(cg>>8)<<8|cb>>8] = true
			}
		}
	}
	std := math.Sqrt(sum2/n - (sum/n)*(sum/n))
	t.Logf("%s: %dx%d, luminance sd %.1f, %d colours", name, r.Dx(), r.Dy(), std, len(colors))
	if std < minStd || len(colors) < minColors {
		t.Errorf("%s looks blank: luminance sd %.1f (want ≥ %.1f), %d colours (want ≥ %d)", name, std, minStd, len(colors), minColors)
	}
}
