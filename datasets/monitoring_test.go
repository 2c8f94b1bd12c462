package datasets

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/padis/padis/models"
)

func TestMonitoringCounties(t *testing.T) {
	tr := mustDivisions(t)
	panel := MonitoringCounties()
	if len(panel) != PanelSize {
		t.Fatalf("%d monitoring counties, want %d", len(panel), PanelSize)
	}
	seen := map[string]bool{}
	perProvince := map[string]int{}
	for _, c := range panel {
		if seen[c.Code] {
			t.Errorf("county %s appears twice", c.Code)
		}
		seen[c.Code] = true
		d, err := tr.Get(c.Code)
		if err != nil || d.Level != models.LevelCounty || d.Name != c.Name || c.Province != c.Code[:2] {
			t.Errorf("panel county %+v: division tree has %+v, %v", c, d, err)
		}
		wantStratum := c.Province + "-rural"
		if c.Urban {
			wantStratum = c.Province + "-urban"
		}
		if c.Urban != (CountyKind(c.Name) == KindDistrict) || c.Stratum != wantStratum {
			t.Errorf("county %s %s: urban %v, stratum %q", c.Code, c.Name, c.Urban, c.Stratum)
		}
		if !(c.Weight >= 1) || math.IsInf(c.Weight, 0) {
			t.Errorf("county %s: weight %g, want ≥ 1 (an inverse probability)", c.Code, c.Weight)
		}
		perProvince[c.Province]++
	}
	for _, p := range Provinces() {
		if perProvince[p.Code] < minPerProvince {
			t.Errorf("province %s has %d panel counties, want ≥ %d", p.Code, perProvince[p.Code], minPerProvince)
		}
	}
	if len(perProvince) != 31 {
		t.Errorf("panel covers %d provinces, want 31", len(perProvince))
	}
}

// TestMonitoringWeightsReproduceTotals checks that Σ weight × proxy over
// the panel reproduces the population, nationally within 1 %.
func TestMonitoringWeightsReproduceTotals(t *testing.T) {
	tr := mustDivisions(t)
	proxy := map[string]float64{}
	for _, p := range Provinces() {
		units, err := countyProxies(tr, p)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, u := range units {
			proxy[u.div.Code] = u.proxy
			sum += u.proxy
		}
		if math.Abs(sum-float64(p.Population)) > 1 {
			t.Errorf("province %s: county proxies sum to %.0f, census %d", p.Code, sum, p.Population)
		}
	}
	var est float64
	for _, c := range MonitoringCounties() {
		est += c.Weight * proxy[c.Code]
	}
	if rel := math.Abs(est-float64(Census2020.Population)) / float64(Census2020.Population); rel > 0.01 {
		t.Errorf("weighted panel total %.0f is %.2f%% off the national %d", est, 100*rel, Census2020.Population)
	}
}

func TestMonitoringDeterministic(t *testing.T) {
	tr := mustDivisions(t)
	a, err := selectPanel(tr, Provinces(), PanelSize)
	if err != nil {
		t.Fatal(err)
	}
	b, err := selectPanel(tr, Provinces(), PanelSize)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(a, MonitoringCounties()) {
		t.Error("two draws of the panel differ")
	}
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		n, min int
		sizes  []float64
		want   []int
	}{
		{10, 2, []float64{1, 1, 1}, []int{4, 3, 3}},
		{10, 2, []float64{8, 1, 1}, []int{5, 3, 2}}, // quotas 3.2, 0.4, 0.4: the spare seat to the first 0.4
		{6, 2, []float64{5, 1, 1}, []int{2, 2, 2}},
		{12, 0, []float64{1, 2, 3}, []int{2, 4, 6}},
		{5, 1, []float64{0, 0}, []int{1, 1}},
	}
	for _, tc := range tests {
		if got := allocate(tc.n, tc.min, tc.sizes); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("allocate(%d, %d, %v) = %v, want %v", tc.n, tc.min, tc.sizes, got, tc.want)
		}
	}
}

func TestPPSSystematic(t *testing.T) {
	unit := func(code string, x float64) countyUnit {
		return countyUnit{div: models.Division{Code: code, Name: code}, proxy: x}
	}
	units := []countyUnit{unit("110101", 60), unit("110102", 10), unit("110103", 10), unit("110104", 10), unit("110105", 10)}
	// Total 100, n = 3, step 33.3: 110101 (60) is taken with certainty.
	// The rest, 40 over n = 2, step 20, start 10: the cumulative sizes are
	// 10, 20, 30, 40, so the points 10 and 30 fall in 110103 and 110105.
	got := ppsSystematic(units, 3, "11-urban")
	size := map[string]float64{}
	for _, u := range units {
		size[u.div.Code] = u.proxy
	}
	var codes []string
	var total float64
	for _, c := range got {
		codes = append(codes, c.Code)
		total += c.Weight * size[c.Code]
		if c.Stratum != "11-urban" || c.Province != "11" {
			t.Errorf("unit %+v: stratum or province wrong", c)
		}
	}
	if want := []string{"110101", "110103", "110105"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("drew %v, want %v", codes, want)
	}
	if math.Abs(total-100) > 1e-9 {
		t.Errorf("Σ weight × size = %g, want 100", total)
	}
	if all := ppsSystematic(units, 9, "s"); len(all) != len(units) {
		t.Errorf("n above the stratum size drew %d, want all %d", len(all), len(units))
	}
	if none := ppsSystematic(units, 0, "s"); len(none) != 0 {
		t.Errorf("n = 0 drew %d", len(none))
	}
}

func TestReadMonitoringCounties(t *testing.T) {
	got, err := ReadMonitoringCounties(strings.NewReader("code,weight\n# Chengdu\n510104,2.5\n110101000000\n441900,\n"), "panel.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []MonitoringCounty{
		{Code: "510104", Name: "锦江区", Province: "51", Urban: true, Stratum: "51-urban", Weight: 2.5},
		{Code: "110101", Name: "东城区", Province: "11", Urban: true, Stratum: "11-urban", Weight: 1},
		{Code: "441900", Name: "东莞市", Province: "44", Urban: false, Stratum: "44-rural", Weight: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadMonitoringCounties = %+v, want %+v", got, want)
	}
}

func TestReadMonitoringCountiesErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown code", "510104\n519999\n", "panel.csv: row 2: field code: \"519999\" is not in"},
		{"not a county", "5101\n", "row 1: field code: \"5101\" is a city"},
		{"empty code", "code\n,3\n", "row 2: field code: empty"},
		{"garbage code", "abc\n", "row 1: field code"},
		{"duplicate", "510104\n510104000000\n", "row 2: field code: county 510104 already listed on row 1"},
		{"bad weight", "510104,heavy\n", "row 1: field weight: \"heavy\""},
		{"zero weight", "510104,0\n", "row 1: field weight"},
		{"negative weight", "510104,-2\n", "row 1: field weight"},
		{"too many fields", "510104,1,2\n", "row 1: 3 fields"},
		{"bad header", "code,size\n510104,1\n", "row 1: header column 2"},
		{"empty", "code,weight\n", "no counties"},
		{"bad quoting", "\"510104\n", "panel.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadMonitoringCounties(strings.NewReader(tc.in), "panel.csv")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
