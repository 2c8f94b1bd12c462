package dashboards

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

// TestCountyMapsMatchDivisions matches the vendored county maps to the
// 2023 division list and logs the match rate per province with the
// unmatched features and the counties without a shape. It fails when a
// city of the list gets no map although the package draws one of its
// counties, when a province matches less than its floor, or when a
// feature served for a city is not one of that city's counties.
func TestCountyMapsMatchDivisions(t *testing.T) {
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	g := newGeoStore(staticSub(t), tree)
	for from, to := range geoRenames {
		if d, ok := tree.Lookup(to); !ok || d.Level != models.LevelCounty {
			t.Errorf("rename %s → %s: not a county of the division list", from, to)
		}
		if _, ok := tree.Lookup(from); ok {
			t.Errorf("rename %s → %s: %s is still in the division list", from, to, from)
		}
	}
	var total, matched int
	for _, p := range tree.Level(models.LevelProvince) {
		g.mu.Lock()
		m, err := g.cityMatch(p.Code)
		g.mu.Unlock()
		if err != nil {
			t.Fatalf("%s: %v", p.Code, err)
		}
		total += m.Counties
		matched += m.Matched
		rate := float64(m.Matched) / float64(max(m.Counties, 1))
		t.Logf("%s %s: %d/%d counties (%.1f%%, %d zones) %v; unmatched features %d %v; without shape %d %v",
			p.Code, p.Name, m.Matched, m.Counties, 100*rate, m.Zones, m.By, len(m.Unmatched), m.Unmatched, len(m.Missing), m.Missing)
		if rate < 0.85 {
			t.Errorf("%s %s: %.1f%% of counties matched, want ≥ 85%%", p.Code, p.Name, 100*rate)
		}
		for _, u := range m.Unmatched {
			if !knownUnmatched[u] {
				t.Errorf("%s: package feature %s matches no unit of the division list", p.Code, u)
			}
		}
		// The cities the package draws, read from the bundle itself: the
		// city of each feature's id, or the city a map is named after.
		bundle, err := readCityBundle(g.fsys, p.Code)
		if err != nil {
			t.Fatal(err)
		}
		drawn := map[string]bool{}
		cities, _ := tree.Children(p.Code)
		for name, coll := range bundle {
			for _, f := range coll.Features {
				if fname, _ := f.Properties["name"].(string); knownUnmatched[f.ID+" "+fname] {
					continue
				}
				if len(f.ID) == 6 {
					drawn[f.ID[:4]] = true
				}
				for _, c := range cities {
					if strings.HasPrefix(c.Name, name) {
						drawn[c.Code] = true
					}
				}
			}
		}
		for _, c := range cities {
			if !drawn[c.Code] {
				continue
			}
			if !g.has(c.Code) {
				t.Errorf("city %s %s: the package draws it, no map served", c.Code, c.Name)
				continue
			}
			b, _ := g.get(c.Code)
			n := 0
			for _, k := range codeRE.FindAllStringSubmatch(string(b), -1) {
				n++
				if d, ok := tree.Lookup(k[1]); !ok || d.Parent != c.Code {
					t.Errorf("map of %s: feature %s is not one of its counties", c.Code, k[1])
				}
			}
			if n == 0 {
				t.Errorf("map of %s keys no county", c.Code)
			}
		}
	}
	t.Logf("nation: %d/%d counties matched (%.1f%%)", matched, total, 100*float64(matched)/float64(total))
}

// knownUnmatched are the package's features that no unit of the 2023
// list covers as a whole: 东沙群岛 (not in the list), 三沙市 (drawn as one
// shape; the list has its three island groups), 海西州直辖 (now 茫崖市
// and 大柴旦, which the shape does not separate).
var knownUnmatched = map[string]bool{"442100 东沙群岛": true, "460300 三沙市": true, "632825 海西蒙古族藏族自治州直辖": true}

func staticSub(t *testing.T) fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}
