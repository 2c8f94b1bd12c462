package datasets

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/padis/padis/models"
)

// MonitoringCounty is one county of the national monitoring panel (监测县).
type MonitoringCounty struct {
	Code     string  // 6-digit county code
	Name     string  // county name, from the division list
	Province string  // 2-digit province code
	Urban    bool    // an urban district (CountyKind "district")
	Stratum  string  // sampling stratum, e.g. "51-urban" or "51-rural"
	Weight   float64 // sampling weight: population represented / population of the county
}

// PanelSize is the number of counties in the default monitoring panel.
const PanelSize = 120

// minPerProvince is the smallest allocation of a province in the panel.
const minPerProvince = 2

var (
	panelOnce sync.Once
	panel     []MonitoringCounty
	panelErr  error
)

// MonitoringCounties returns the default monitoring panel: 120 counties
// chosen deterministically from the embedded division tree, stratified by
// province and urban/rural, with sampling weights. The method is in
// docs/datasets.md. It panics if the embedded data is broken, which the
// package's tests rule out.
func MonitoringCounties() []MonitoringCounty {
	panelOnce.Do(func() {
		t, err := Divisions()
		if err != nil {
			panelErr = err
			return
		}
		panel, panelErr = selectPanel(t, provinceTable, PanelSize)
	})
	if panelErr != nil {
		panic(fmt.Sprintf("datasets: monitoring panel: %v", panelErr))
	}
	return append([]MonitoringCounty(nil), panel...)
}

// countyUnit is one county of the sampling frame with its population proxy.
type countyUnit struct {
	div   models.Division
	urban bool
	proxy float64
}

// countyProxies returns the counties of province p with a population proxy:
// the province's 2020 urban population spread evenly over its urban village
// units (居委会/社区) and its rural population over its rural ones (村委会
// …), summed per county. The proxies of a province add up to its census
// population. Counties with no village units are left out.
func countyProxies(t *models.DivisionTree, p ProvinceFacts) ([]countyUnit, error) {
	counties, err := t.Descendants(p.Code, models.LevelCounty)
	if err != nil {
		return nil, err
	}
	villages, err := t.Descendants(p.Code, models.LevelVillage)
	if err != nil {
		return nil, err
	}
	urbanN := map[string]int{}
	ruralN := map[string]int{}
	var totU, totR int
	for _, v := range villages {
		c := v.Code[:6]
		if UrbanVillage(v.Name) {
			urbanN[c]++
			totU++
		} else {
			ruralN[c]++
			totR++
		}
	}
	popU := float64(p.Population) * p.UrbanShare / 100
	popR := float64(p.Population) - popU
	switch { // a province without one kind of unit puts everyone on the other
	case totU == 0:
		popU, popR = 0, float64(p.Population)
	case totR == 0:
		popU, popR = float64(p.Population), 0
	}
	var out []countyUnit
	for _, c := range counties {
		var x float64
		if totU > 0 {
			x += popU * float64(urbanN[c.Code]) / float64(totU)
		}
		if totR > 0 {
			x += popR * float64(ruralN[c.Code]) / float64(totR)
		}
		if x > 0 {
			out = append(out, countyUnit{div: c, urban: CountyKind(c.Name) == KindDistrict, proxy: x})
		}
	}
	return out, nil
}

// allocate splits n over sizes: each gets min, the rest goes in proportion
// to size by largest remainder (ties to the earlier index).
func allocate(n, min int, sizes []float64) []int {
	out := make([]int, len(sizes))
	rest := n - min*len(sizes)
	var total float64
	for i, s := range sizes {
		out[i] = min
		total += s
	}
	if rest <= 0 || total <= 0 {
		return out
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(sizes))
	given := 0
	for i, s := range sizes {
		q := float64(rest) * s / total
		f := math.Floor(q)
		out[i] += int(f)
		given += int(f)
		rems[i] = rem{i, q - f}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; k < rest-given; k++ {
		out[rems[k].i]++
	}
	return out
}

// selectPanel draws the panel: n counties allocated over the provinces
// (minPerProvince each, the rest in proportion to population), each
// province's share split between its urban districts and its other
// counties by its urban share, and drawn in each stratum by systematic
// sampling with probability proportional to the population proxy over the
// counties in code order, starting at half the interval.
func selectPanel(t *models.DivisionTree, provs []ProvinceFacts, n int) ([]MonitoringCounty, error) {
	sizes := make([]float64, len(provs))
	for i, p := range provs {
		sizes[i] = float64(p.Population)
	}
	alloc := allocate(n, minPerProvince, sizes)
	var out []MonitoringCounty
	for i, p := range provs {
		units, err := countyProxies(t, p)
		if err != nil {
			return nil, fmt.Errorf("province %s: %w", p.Code, err)
		}
		var urban, rural []countyUnit
		for _, u := range units {
			if u.urban {
				urban = append(urban, u)
			} else {
				rural = append(rural, u)
			}
		}
		nu := int(math.Round(float64(alloc[i]) * p.UrbanShare / 100))
		switch {
		case len(rural) == 0:
			nu = alloc[i]
		case len(urban) == 0:
			nu = 0
		case nu == 0:
			nu = 1
		case nu == alloc[i]:
			nu--
		}
		nu = min(nu, len(urban))
		nr := min(alloc[i]-nu, len(rural))
		nu = min(alloc[i]-nr, len(urban))
		if nu+nr != alloc[i] {
			return nil, fmt.Errorf("province %s: %d counties cannot hold an allocation of %d", p.Code, len(units), alloc[i])
		}
		for _, s := range []struct {
			name  string
			units []countyUnit
			n     int
		}{{p.Code + "-urban", urban, nu}, {p.Code + "-rural", rural, nr}} {
			out = append(out, ppsSystematic(s.units, s.n, s.name)...)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// ppsSystematic draws n of units with probability proportional to proxy:
// units at least as large as the sampling interval are taken with
// certainty (weight 1) and the interval recomputed; the rest are drawn
// systematically from a start of half the interval. A drawn unit's weight
// is 1/π = X/(n·x), so the weighted proxies add up to the stratum's total.
func ppsSystematic(units []countyUnit, n int, stratum string) []MonitoringCounty {
	if n <= 0 {
		return nil
	}
	pick := func(u countyUnit, w float64) MonitoringCounty {
		return MonitoringCounty{Code: u.div.Code, Name: u.div.Name, Province: u.div.Code[:2], Urban: u.urban, Stratum: stratum, Weight: w}
	}
	var out []MonitoringCounty
	rest := append([]countyUnit(nil), units...)
	for n > 0 {
		var total float64
		for _, u := range rest {
			total += u.proxy
		}
		if n >= len(rest) {
			for _, u := range rest {
				out = append(out, pick(u, 1))
			}
			return out
		}
		step := total / float64(n)
		var keep []countyUnit
		for _, u := range rest {
			if u.proxy >= step {
				out = append(out, pick(u, 1))
				n--
			} else {
				keep = append(keep, u)
			}
		}
		if len(keep) == len(rest) { // no certainty units: draw
			// π = n·x/X = x/step; a unit smaller than step is hit at most once.
			cum, next := 0.0, step/2
			for _, u := range rest {
				cum += u.proxy
				if n > 0 && next < cum {
					out = append(out, pick(u, step/u.proxy))
					next += step
					n--
				}
			}
			return out
		}
		rest = keep
	}
	return out
}
