package dashboards

import (
	"encoding/json"
	"io/fs"
	"sync"

	"github.com/padis/padis/models"
)

// geoStore serves the vendored ECharts map data (static/vendor/echarts-maps,
// see its README): the nation's provinces (00.json) and each province's
// cities (NN.json). Each feature gets properties.code, the short division
// code of its id, which the pages match data by. Files are prepared on
// first use and cached.
type geoStore struct {
	fsys fs.FS
	tree *models.DivisionTree
	mu   sync.Mutex
	done map[string][]byte
	// cities holds each province's matched county maps (geocity.go).
	cities map[string]*GeoMatch
}

func newGeoStore(static fs.FS, tree *models.DivisionTree) *geoStore {
	return &geoStore{fsys: static, tree: tree, done: map[string][]byte{}}
}

func geoPath(code string) string { return "vendor/echarts-maps/" + code + ".json" }

// has reports whether a map covers code's children: the nation, a
// province, or a city whose counties the vendored county maps draw.
func (g *geoStore) has(code string) bool {
	switch len(code) {
	case 2:
		_, err := fs.Stat(g.fsys, geoPath(code))
		return err == nil
	case 4:
		g.mu.Lock()
		defer g.mu.Unlock()
		m, err := g.cityMatch(code[:2])
		return err == nil && len(m.Cities[code]) > 0
	}
	return false
}

// get returns the keyed GeoJSON of code's children.
func (g *geoStore) get(code string) ([]byte, bool) {
	if !g.has(code) {
		return nil, false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if b, ok := g.done[code]; ok {
		return b, true
	}
	if len(code) == 4 {
		b, ok := g.cityMap(code)
		if ok {
			g.done[code] = b
		}
		return b, ok
	}
	raw, err := fs.ReadFile(g.fsys, geoPath(code))
	if err != nil {
		return nil, false
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, false
	}
	feats, _ := doc["features"].([]any)
	for _, f := range feats {
		fm, _ := f.(map[string]any)
		props, _ := fm["properties"].(map[string]any)
		if props == nil {
			continue
		}
		id, _ := fm["id"].(string)
		if id == "" {
			id, _ = props["id"].(string)
		}
		short, err := models.NormalizeCode(id)
		if _, ok := g.tree.Lookup(short); err != nil || !ok {
			// Drawn but not keyed: Taiwan, Hong Kong and Macau are not in
			// the statistical division list.
			props["code"] = ""
			continue
		}
		// A municipality's map shows counties; they belong to its one
		// city-level child (e.g. 110101 → 1101).
		if code != models.NationCode {
			if d, ok := g.tree.Lookup(short); ok && d.Level > models.LevelCity {
				short = models.AncestorCode(short, models.LevelCity)
			}
		}
		props["code"] = short
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, false
	}
	g.done[code] = b
	return b, true
}
