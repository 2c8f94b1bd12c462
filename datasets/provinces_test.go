package datasets

import (
	"math"
	"testing"

	"github.com/padis/padis/models"
)

func TestProvincesSumToCensus(t *testing.T) {
	ps := Provinces()
	if len(ps) != 31 {
		t.Fatalf("%d provinces, want 31", len(ps))
	}
	var sum int64
	for _, p := range ps {
		sum += p.Population
	}
	if want := Census2020.Population - MilitaryPopulation; sum != want {
		t.Errorf("provinces sum to %d, want national %d minus military = %d", sum, Census2020.Population, want)
	}
}

func TestProvincesInDivisionTree(t *testing.T) {
	tr := mustDivisions(t)
	ps := Provinces()
	if len(ps) != tr.Count(models.LevelProvince) {
		t.Errorf("%d provinces, division tree has %d", len(ps), tr.Count(models.LevelProvince))
	}
	for i, p := range ps {
		if i > 0 && ps[i-1].Code >= p.Code {
			t.Errorf("Provinces not sorted: %s after %s", p.Code, ps[i-1].Code)
		}
		d, err := tr.Get(p.Code)
		if err != nil || d.Level != models.LevelProvince || d.Name != p.Name {
			t.Errorf("province %s %s: division tree has %+v, %v", p.Code, p.Name, d, err)
		}
	}
}

func TestProvinceRanges(t *testing.T) {
	type rng struct {
		field  string
		get    func(ProvinceFacts) float64
		lo, hi float64
	}
	ranges := []rng{
		{"SexRatio", func(p ProvinceFacts) float64 { return p.SexRatio }, 95, 115},
		{"Share0to14", func(p ProvinceFacts) float64 { return p.Share0to14 }, 9, 26},
		{"Share65plus", func(p ProvinceFacts) float64 { return p.Share65plus }, 5, 18},
		{"HouseholdSize", func(p ProvinceFacts) float64 { return p.HouseholdSize }, 2.0, 3.3},
		{"UrbanShare", func(p ProvinceFacts) float64 { return p.UrbanShare }, 30, 90},
		{"TFR", func(p ProvinceFacts) float64 { return p.TFR }, 0.7, 2.1},
		{"SRB", func(p ProvinceFacts) float64 { return p.SRB }, 104, 118},
		{"E0", func(p ProvinceFacts) float64 { return p.E0 }, 71, 84},
	}
	for _, p := range Provinces() {
		if p.Population <= 0 || p.NameEN == "" || p.Notes == "" {
			t.Errorf("province %s: population %d, English name %q, notes %q", p.Code, p.Population, p.NameEN, p.Notes)
		}
		for _, r := range ranges {
			if v := r.get(p); v < r.lo || v > r.hi {
				t.Errorf("province %s %s: %s = %g outside %g–%g", p.Code, p.Name, r.field, v, r.lo, r.hi)
			}
		}
		var ethnic float64
		for _, e := range p.Ethnic {
			if !models.EthnicityCodes.Valid(e.Code) || e.Code == models.EthnicHan {
				t.Errorf("province %s: ethnic code %q is not a minority code", p.Code, e.Code)
			}
			if e.Share <= 0 || e.Share >= 100 {
				t.Errorf("province %s: ethnic %s share %g", p.Code, e.Code, e.Share)
			}
			ethnic += e.Share
		}
		if ethnic >= 100 {
			t.Errorf("province %s: minority shares add up to %g%%", p.Code, ethnic)
		}
	}
}

// TestProvincesAgreeWithNation checks that population-weighted provincial
// figures reproduce the national ones.
func TestProvincesAgreeWithNation(t *testing.T) {
	ps := Provinces()
	var pop, males float64
	w := map[string]float64{}
	for _, p := range ps {
		n := float64(p.Population)
		pop += n
		males += n * p.SexRatio / (100 + p.SexRatio)
		w["0-14"] += n * p.Share0to14
		w["65+"] += n * p.Share65plus
		w["urban"] += n * p.UrbanShare
		w["household"] += n * p.HouseholdSize
		w["tfr"] += n * p.TFR
		w["srb"] += n * p.SRB
		w["e0"] += n * p.E0
	}
	// The military, outside every province, are counted as men.
	sexRatio := 100 * (males + MilitaryPopulation) / (pop - males)
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"sex ratio", sexRatio, Census2020.SexRatio, 0.5},
		{"0-14 share", w["0-14"] / pop, Census2020.Share0to14, 0.2},
		{"65+ share", w["65+"] / pop, Census2020.Share65plus, 0.2},
		{"urban share", w["urban"] / pop, Census2020.UrbanShare, 0.2},
		{"household size", w["household"] / pop, Census2020.HouseholdSize, 0.05},
		{"TFR", w["tfr"] / pop, Census2020.TFR, 0.1},
		{"SRB", w["srb"] / pop, Census2020.SRB, 1.5},
		{"e0", w["e0"] / pop, Census2020.E0, 0.5},
	}
	for _, tc := range tests {
		if math.Abs(tc.got-tc.want) > tc.tol {
			t.Errorf("weighted provincial %s = %.3f, national %.3f (tolerance %g)", tc.name, tc.got, tc.want, tc.tol)
		}
	}
}

func TestCensus2020Consistent(t *testing.T) {
	c := Census2020
	if s := c.Share0to14 + c.Share15to59 + c.Share60plus; math.Abs(s-100) > 0.01 {
		t.Errorf("age shares 0-14 + 15-59 + 60+ = %g, want 100", s)
	}
	if c.Share65plus >= c.Share60plus {
		t.Errorf("65+ share %g not below 60+ share %g", c.Share65plus, c.Share60plus)
	}
	if c.InterProvincialMigrants >= c.Migrants {
		t.Errorf("inter-provincial migrants %d not below migrants %d", c.InterProvincialMigrants, c.Migrants)
	}
	// CBR 8.52 ‰ of the 2020 mean population is about 12.0 M births.
	if implied := c.CBR / 1000 * float64(c.Population); math.Abs(implied-float64(c.Births2020))/float64(c.Births2020) > 0.01 {
		t.Errorf("CBR %g‰ implies %.0f births, Births2020 is %d", c.CBR, implied, c.Births2020)
	}
	if c.Source == "" {
		t.Error("Census2020 has no source")
	}
}

func TestProvinceLookup(t *testing.T) {
	tests := []struct {
		code, name string
		ok         bool
	}{
		{"51", "四川省", true},
		{"510000", "四川省", true},
		{"510000000000", "四川省", true},
		{"54", "西藏自治区", true},
		{"99", "", false},
		{"5101", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		p, ok := Province(tc.code)
		if ok != tc.ok || p.Name != tc.name {
			t.Errorf("Province(%q) = %q, %v; want %q, %v", tc.code, p.Name, ok, tc.name, tc.ok)
		}
	}
	// Required minorities.
	for code, want := range map[string][]models.Ethnicity{
		"54": {models.EthnicTibetan}, "65": {models.EthnicUyghur}, "45": {models.EthnicZhuang},
		"51": {"07", models.EthnicTibetan, "33"}, "64": {models.EthnicHui}, "15": {models.EthnicMongol},
	} {
		p, _ := Province(code)
		for _, e := range want {
			found := false
			for _, s := range p.Ethnic {
				found = found || s.Code == e
			}
			if !found {
				t.Errorf("province %s: no share for ethnicity %s", code, e)
			}
		}
	}
}

func TestProvincesReturnsCopy(t *testing.T) {
	a := Provinces()
	a[0].Population = 1
	a[0].Ethnic[0].Share = 99
	b := Provinces()
	if b[0].Population == 1 || b[0].Ethnic[0].Share == 99 {
		t.Error("changing Provinces' result changed the package's table")
	}
}
