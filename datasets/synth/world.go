package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

// countyRef is one county of the national division list.
type countyRef struct {
	code, name, province string
	kind                 string // datasets.CountyKind
	vlo, vhi             int32  // its villages in world.villages
}

// monthInfo is one month of the period.
type monthInfo struct {
	start, end  int32 // [start, end) in days
	year, month int
}

// world is the read-only reference every county simulation shares.
type world struct {
	cfg        Config
	start      int32 // first day of the period
	asOf       int32 // last day of the period
	startYear  int
	months     []monthInfo
	villages   []string // 12-digit codes of every village, sorted
	vCounty    []int32  // national county index of each village
	counties   []countyRef
	countyIdx  map[string]int
	scope      []*scopeCounty
	scopeOf    []int16 // scope index of each national county, −1 outside
	provinces  map[string]*provParams
	provOrder  []string  // province codes, sorted
	provPopCum []float64 // running population of provOrder
	scopeName  string
	scopeKind  string
}

// provParams are the province-level schedules.
type provParams struct {
	facts    datasets.ProvinceFacts
	counties []int // national county indices
	sizeCum  []float64
	attract  []float64 // running attraction weights of counties (for movers)
	e0       [2]float64
	srb      float64
	meanAge  float64
}

// frac turns a percentage into a fraction.
func frac(pct float64) float64 { return pct / 100 }

// newWorld resolves the scope and builds every schedule.
func newWorld(cfg Config) (*world, error) {
	tree, err := datasets.Divisions()
	if err != nil {
		return nil, fmt.Errorf("load divisions: %w", err)
	}
	w := &world{cfg: cfg, countyIdx: map[string]int{}, provinces: map[string]*provParams{}}
	ps := cfg.PeriodStart()
	w.start, w.asOf, w.startYear = dayOf(ps), dayOf(cfg.AsOf), ps.Year()
	for i := 0; i < cfg.Months; i++ {
		t := ps.AddDate(0, i, 0)
		end := dayOf(t.AddDate(0, 1, 0))
		if i == cfg.Months-1 {
			end = w.asOf + 1
		}
		w.months = append(w.months, monthInfo{start: dayOf(t), end: end, year: t.Year(), month: int(t.Month())})
	}
	vs := tree.Level(models.LevelVillage)
	w.villages = make([]string, len(vs))
	w.vCounty = make([]int32, len(vs))
	names := make([]string, len(vs))
	for _, c := range tree.Level(models.LevelCounty) {
		w.countyIdx[c.Code] = len(w.counties)
		w.counties = append(w.counties, countyRef{code: c.Code, name: c.Name, province: c.Code[:2], kind: datasets.CountyKind(c.Name), vlo: -1})
	}
	for i, v := range vs {
		w.villages[i] = v.Code
		names[i] = v.Name
		ci, ok := w.countyIdx[v.Code[:6]]
		if !ok {
			return nil, fmt.Errorf("village %s: county %s missing from the division list", v.Code, v.Code[:6])
		}
		w.vCounty[i] = int32(ci)
		c := &w.counties[ci]
		if c.vlo < 0 {
			c.vlo = int32(i)
		}
		c.vhi = int32(i + 1)
	}
	for _, p := range datasets.Provinces() {
		pp := &provParams{facts: p, srb: p.SRB, meanAge: 28.8}
		pp.e0 = [2]float64{p.E0 - 2.6, p.E0 + 2.9}
		w.provinces[p.Code] = pp
		w.provOrder = append(w.provOrder, p.Code)
	}
	sort.Strings(w.provOrder)
	pop := make([]float64, len(w.provOrder))
	for i, c := range w.provOrder {
		pop[i] = float64(w.provinces[c].facts.Population)
	}
	w.provPopCum = cumulative(pop)
	for ci, c := range w.counties {
		pp, ok := w.provinces[c.province]
		if !ok || c.vlo < 0 {
			continue
		}
		pp.counties = append(pp.counties, ci)
	}
	for _, pp := range w.provinces {
		size := make([]float64, len(pp.counties))
		att := make([]float64, len(pp.counties))
		for i, ci := range pp.counties {
			c := w.counties[ci]
			size[i] = float64(c.vhi - c.vlo)
			att[i] = size[i] * kindAttraction(c.kind)
		}
		pp.sizeCum, pp.attract = cumulative(size), cumulative(att)
	}
	codes, err := w.resolveScope(tree)
	if err != nil {
		return nil, &ConfigError{err}
	}
	w.scopeOf = make([]int16, len(w.counties))
	for i := range w.scopeOf {
		w.scopeOf[i] = -1
	}
	for i, code := range codes {
		ci := w.countyIdx[code]
		w.scopeOf[ci] = int16(i)
		sc, err := w.newScopeCounty(i, ci, names)
		if err != nil {
			return nil, err
		}
		w.scope = append(w.scope, sc)
	}
	w.allocatePersons()
	if w.scopeKind == "province" {
		w.normaliseTFR()
	}
	w.chooseHeaping()
	return w, nil
}

// kindAttraction weighs destinations of internal movers by county kind.
func kindAttraction(kind string) float64 {
	switch kind {
	case "district":
		return 3
	case "city":
		return 1.5
	}
	return 1
}

// resolveScope returns the sorted 6-digit county codes of the scope.
func (w *world) resolveScope(tree *models.DivisionTree) ([]string, error) {
	cfg := w.cfg
	if cfg.Scope == ScopeMonitoring {
		var codes []string
		for _, m := range datasets.MonitoringCounties() {
			if _, ok := w.countyIdx[m.Code]; !ok {
				return nil, fmt.Errorf("monitoring county %s is not in the division list", m.Code)
			}
			codes = append(codes, m.Code)
		}
		sort.Strings(codes)
		w.scopeName, w.scopeKind = ScopeMonitoring, "counties"
		return w.usable(codes)
	}
	if _, ok := w.provinces[cfg.Province]; !ok {
		return nil, fmt.Errorf("province %q: not one of the 31 province codes (11…65)", cfg.Province)
	}
	if len(cfg.Counties) == 0 {
		var codes []string
		for _, ci := range w.provinces[cfg.Province].counties {
			codes = append(codes, w.counties[ci].code)
		}
		w.scopeName, w.scopeKind = cfg.Province, "province"
		return w.usable(codes)
	}
	seen := map[string]bool{}
	var codes []string
	for _, c := range cfg.Counties {
		if len(c) != 6 || !strings.HasPrefix(c, cfg.Province) {
			return nil, fmt.Errorf("county %q: not a 6-digit county code of province %s", c, cfg.Province)
		}
		if _, ok := tree.Lookup(c); !ok {
			return nil, fmt.Errorf("county %q: not in the division list", c)
		}
		ci, ok := w.countyIdx[c]
		if !ok || w.counties[ci].vlo < 0 {
			return nil, fmt.Errorf("county %q: has no villages in the division list", c)
		}
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	w.scopeName, w.scopeKind = cfg.Province+"-"+strings.Join(codes, "-"), "counties"
	if len(codes) > 4 {
		h := fnv.New32a()
		h.Write([]byte(strings.Join(codes, ",")))
		w.scopeName = fmt.Sprintf("%s-counties-%08x", cfg.Province, h.Sum32())
	}
	return codes, nil
}

// usable drops counties without villages (a few codes have none).
func (w *world) usable(codes []string) ([]string, error) {
	out := codes[:0]
	for _, c := range codes {
		if w.counties[w.countyIdx[c]].vlo >= 0 {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("scope has no county with villages")
	}
	return out, nil
}

// allocatePersons splits cfg.Persons over the scope counties in proportion
// to their settlement weights (largest remainder, ties by code order).
func (w *world) allocatePersons() {
	total := 0.0
	for _, sc := range w.scope {
		total += sc.weight
	}
	type rem struct {
		i int
		r float64
	}
	rs := make([]rem, len(w.scope))
	given := 0
	for i, sc := range w.scope {
		x := float64(w.cfg.Persons) * sc.weight / total
		sc.persons = int(math.Floor(x))
		given += sc.persons
		rs[i] = rem{i, x - math.Floor(x)}
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].r > rs[b].r })
	for k := 0; given < w.cfg.Persons; k++ {
		w.scope[rs[k%len(rs)].i].persons++
		given++
	}
}

// chooseHeaping marks Defects.HeapingCounties counties, rural counties
// first, in an order drawn from the seed.
func (w *world) chooseHeaping() {
	n := w.cfg.Defects.HeapingCounties
	if n <= 0 {
		return
	}
	order := make([]*scopeCounty, len(w.scope))
	copy(order, w.scope)
	r := newStream(w.cfg.Seed, "heaping")
	keys := make(map[*scopeCounty]float64, len(order))
	for _, sc := range order {
		k := r.Float64()
		if sc.kind != "county" {
			k += 1
		}
		keys[sc] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	for i := 0; i < n && i < len(order); i++ {
		order[i].heaping = true
	}
}

// originVillage draws a registration village for a migrant: inside the
// province of a county (any county but the excluded one) or, when inter,
// in another province chosen by population.
func (w *world) originVillage(rr *rand.Rand, province string, exclude int, inter bool) int32 {
	pp := w.provinces[province]
	if inter {
		for {
			i := pickF(rr, w.provPopCum)
			if w.provOrder[i] != province {
				pp = w.provinces[w.provOrder[i]]
				break
			}
		}
	}
	for tries := 0; ; tries++ {
		ci := pp.counties[pickF(rr, pp.sizeCum)]
		if ci == exclude && tries < 20 {
			continue
		}
		c := w.counties[ci]
		return c.vlo + int32(rr.IntN(int(c.vhi-c.vlo)))
	}
}

// pickF is pick by sort.Search, for long weight lists with zero weights.
func pickF(r *rand.Rand, cum []float64) int {
	n := len(cum)
	u := r.Float64() * cum[n-1]
	return sort.Search(n, func(i int) bool { return cum[i] > u })
}

// normaliseTFR rescales the county TFRs of a whole-province scope so that
// their mean weighted by base persons equals the province TFR.
func (w *world) normaliseTFR() {
	var num, den float64
	for _, sc := range w.scope {
		num += sc.tfr * float64(sc.persons)
		den += float64(sc.persons)
	}
	if num == 0 {
		return
	}
	k := w.provinces[w.cfg.Province].facts.TFR * den / num
	for _, sc := range w.scope {
		sc.tfr *= k
		for i := range sc.asfr {
			sc.asfr[i] *= k
		}
	}
}
