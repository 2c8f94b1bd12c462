package detect

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenSalmNewport runs every method over the weeks of ISO year 2011
// of the reference series and compares with testdata/*.golden, which
// guards against unintended changes. The EARS C1 file starts with the four
// bounds published by surveillance (checked in TestEARSC1Reference);
// regenerate with go test -run Golden -update after a deliberate change.
func TestGoldenSalmNewport(t *testing.T) {
	d, ok := loadSalmNewport(t, filepath.Join("testdata", "salmNewportGermany.json"))
	if !ok {
		t.Fatal("testdata/salmNewportGermany.json missing")
	}
	idx := isoYear2011(t, d)
	for _, tc := range []struct {
		method string
		opts   Options
	}{
		{MethodEARSC1, Options{Alpha: 0.05}},
		{MethodEARSC2, Options{}},
		{MethodEARSC3, Options{}},
		{MethodCUSUM, Options{Period: 52, Train: 104}},
		{MethodFarrington, Options{Period: 52}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			res, err := Detect(tc.method, d.Counts, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			fmt.Fprintln(&b, "week\tobserved\texpected\tupper\tscore\talarm\tp")
			for _, i := range idx {
				r := res[i]
				fmt.Fprintf(&b, "%s\t%g\t%.6f\t%.6f\t%.6f\t%v\t%.6g\n",
					d.Monday[i], r.Observed, r.Expected, r.Upper, r.Score, r.Alarm, r.PValue)
			}
			path := filepath.Join("testdata", "salmNewport2011_"+tc.method+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs from the output:\n%s", path, firstDiff(got, string(want)))
			}
		})
	}
}

// firstDiff returns the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, gl, wl)
		}
	}
	return ""
}
