package detect

import (
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// salmNewport is the reference series shipped by the R package
// surveillance (data/salmNewport.RData, summed over the 16 states).
type salmNewport struct {
	Source string    `json:"source"`
	Monday []string  `json:"monday_dates"`
	Counts []float64 `json:"germany_total"`
}

func loadSalmNewport(t *testing.T, path string) (salmNewport, bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return salmNewport{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var d salmNewport
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(d.Monday) != len(d.Counts) || d.Source == "" {
		t.Fatalf("%s: %d dates, %d counts, source %q", path, len(d.Monday), len(d.Counts), d.Source)
	}
	return d, true
}

// isoYear2011 returns the indices of the weeks whose Monday falls in ISO
// year 2011, as surveillance's test selects them with isoWeekYear.
func isoYear2011(t *testing.T, d salmNewport) []int {
	t.Helper()
	var idx []int
	for i, s := range d.Monday {
		day, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatalf("monday_dates[%d]: %v", i, err)
		}
		if y, _ := day.ISOWeek(); y == 2011 {
			idx = append(idx, i)
		}
	}
	return idx
}

// TestEARSC1Reference reproduces surveillance's own test of earsC: C1,
// alpha 0.05, baseline 7, over the weeks of ISO year 2011 of the German
// Salmonella Newport counts; the first four upper bounds are published.
func TestEARSC1Reference(t *testing.T) {
	want := []float64{3.278854, 3.278854, 3.436517, 3.855617}
	for _, tc := range []struct {
		name, path string
	}{
		{"shared", filepath.Join("..", "..", "..", "shared", "reference", "salmNewportGermany.json")},
		{"testdata", filepath.Join("testdata", "salmNewportGermany.json")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := loadSalmNewport(t, tc.path)
			if !ok && tc.name == "testdata" {
				t.Fatalf("%s not present: the vendored reference data is missing", tc.path)
			}
			if !ok {
				t.Skipf("%s not present (the shared reference tree is optional; testdata has the same file)", tc.path)
			}
			idx := isoYear2011(t, d)
			if len(idx) != 52 {
				t.Fatalf("ISO year 2011 has %d weeks in the data, want 52", len(idx))
			}
			res, err := EARSC1(d.Counts, Options{Alpha: 0.05, Baseline: 7})
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range want {
				if got := res[idx[i]].Upper; math.Abs(got-w) > 1e-5 {
					t.Errorf("week %s: upper bound %.6f, want %.6f", d.Monday[idx[i]], got, w)
				}
			}
		})
	}
}

// TestEARSHand checks C1, C2 and C3 against hand computations.
func TestEARSHand(t *testing.T) {
	// baseline 3 keeps the arithmetic small; z for alpha 0.05 is 1.644854.
	const z = 1.6448536269514722
	x := []float64{1, 2, 3, 2, 4, 6, 12}
	tests := []struct {
		name     string
		fn       func([]float64, Options) ([]Result, error)
		t        int
		expected float64
		upper    float64
		score    float64
		alarm    bool
	}{
		// C1 at t=3: baseline 1,2,3: mean 2, sd 1.
		{"C1 t=3", EARSC1, 3, 2, 2 + z, 0, false},
		// C1 at t=6: baseline 2,4,6: mean 4, sd 2; (12−4)/2 = 4.
		{"C1 t=6", EARSC1, 6, 4, 4 + 2*z, 4, true},
		// C2 at t=5: baseline 1,2,3 (t−5…t−3): mean 2, sd 1; (6−2)/1.
		{"C2 t=5", EARSC2, 5, 2, 2 + z, 4, true},
		// C2 at t=6: baseline 2,3,2: mean 7/3, sd 1/√3.
		{"C2 t=6", EARSC2, 6, 7.0 / 3, 7.0/3 + z/math.Sqrt(3), (12 - 7.0/3) * math.Sqrt(3), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.fn(x, Options{Alpha: 0.05, Baseline: 3})
			if err != nil {
				t.Fatal(err)
			}
			r := res[tc.t]
			if math.Abs(r.Expected-tc.expected) > 1e-12 || math.Abs(r.Upper-tc.upper) > 1e-12 ||
				math.Abs(r.Score-tc.score) > 1e-12 || r.Alarm != tc.alarm {
				t.Errorf("got expected %v upper %v score %v alarm %v, want %v %v %v %v",
					r.Expected, r.Upper, r.Score, r.Alarm, tc.expected, tc.upper, tc.score, tc.alarm)
			}
			for i := 0; i < tc.t && i < 3; i++ {
				if res[i].Assessed() || res[i].Alarm {
					t.Errorf("period %d assessed without a full baseline", i)
				}
			}
		})
	}
}

func TestEARSC3Hand(t *testing.T) {
	const z = 1.6448536269514722
	x := []float64{1, 2, 3, 2, 3, 6, 9, 10}
	// baseline 3. C2(i) uses x[i−5 … i−3]:
	//   i=5: 1,2,3 → mean 2, sd 1, C2 = 4,  part 3
	//   i=6: 2,3,2 → mean 7/3, sd 1/√3, C2 = (9−7/3)√3, part C2−1
	//   i=7: 3,2,3 → mean 8/3, sd 1/√3, C2 = (10−8/3)√3, part C2−1
	p5 := 3.0
	p6 := (9-7.0/3)*math.Sqrt(3) - 1
	p7 := (10-8.0/3)*math.Sqrt(3) - 1
	res, err := EARSC3(x, Options{Alpha: 0.05, Baseline: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		if res[i].Assessed() {
			t.Errorf("period %d assessed; C3 starts at baseline+4 = 7", i)
		}
	}
	r := res[7]
	if want := p5 + p6 + p7; math.Abs(r.Score-want) > 1e-12 {
		t.Errorf("C3 = %v, want %v", r.Score, want)
	}
	if want := math.Max(0, 10+(z-p5-p6)/math.Sqrt(3)); math.Abs(r.Upper-want) > 1e-12 {
		t.Errorf("upper = %v, want %v (surveillance's bound)", r.Upper, want)
	}
	if math.Abs(r.Expected-8.0/3) > 1e-12 || !r.Alarm || !math.IsNaN(r.PValue) {
		t.Errorf("expected %v alarm %v p %v, want 8/3, true, NaN", r.Expected, r.Alarm, r.PValue)
	}
	// A constant series never alarms and C3 is zero.
	flat := []float64{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}
	res, err = EARSC3(flat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res[11:] {
		if r.Score != 0 || r.Alarm {
			t.Errorf("flat series, period %d: C3 %v alarm %v", r.Index, r.Score, r.Alarm)
		}
	}
}

func TestEARSZeroSigma(t *testing.T) {
	x := []float64{0, 0, 0, 0, 0, 0, 0, 0, 1}
	res, err := EARSC1(x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[7]; r.Score != 0 || r.Alarm || r.Upper != 0 {
		t.Errorf("0 after zeros: score %v alarm %v upper %v", r.Score, r.Alarm, r.Upper)
	}
	if r := res[8]; !math.IsInf(r.Score, 1) || !r.Alarm || r.PValue != 0 {
		t.Errorf("1 after zeros: score %v alarm %v p %v", r.Score, r.Alarm, r.PValue)
	}
	// minSigma 1 makes the bound z·1 ≈ 3.09, so a single case is no alarm.
	res, err = EARSC1(x, Options{MinSigma: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[8]; r.Alarm || math.Abs(r.Upper-3.090232306167813) > 1e-9 {
		t.Errorf("minSigma 1: alarm %v upper %v", r.Alarm, r.Upper)
	}
}

func TestEARSErrors(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		opts Options
	}{
		{"negative count", []float64{1, -1}, Options{}},
		{"NaN count", []float64{math.NaN()}, Options{}},
		{"short baseline", []float64{1, 2, 3}, Options{Baseline: 2}},
		{"alpha above 1", []float64{1, 2, 3}, Options{Alpha: 1.5}},
		{"negative minSigma", []float64{1, 2, 3}, Options{MinSigma: -1}},
	}
	for _, tc := range tests {
		for _, m := range []string{MethodEARSC1, MethodEARSC2, MethodEARSC3} {
			if _, err := Detect(m, tc.x, tc.opts); err == nil {
				t.Errorf("%s, %s: no error", tc.name, m)
			}
		}
	}
	if _, err := Detect("ears-c4", []float64{1}, Options{}); err == nil {
		t.Error("unknown method: no error")
	}
}
