package synth

import (
	"math"

	"github.com/padis/padis/datasets"
)

// scopeCounty is one county of the scope with its schedules.
type scopeCounty struct {
	idx      int // scope index
	national int // national county index
	code     string
	name     string
	province string
	kind     string
	urban    bool

	villageCum []float64 // running settlement weights of its villages
	urbanVill  []bool    // urban (居委会) village flags
	weight     float64   // relative population size
	persons    int       // base persons allocated

	pyr          pyramid
	tfr          float64
	asfr         [35]float64 // ages 15…49
	e0           [2]float64
	mx           [2][maxAge + 1]float64
	srb          float64
	outRate      float64             // yearly out-migration rate of initiators
	mig          [maxAge + 1]float64 // out-migration hazard by age
	inRate       float64             // yearly in-migration from outside the scope, per resident
	intraShare   float64             // share of out-movers going to another county of the province
	migrantShare float64             // base residents registered elsewhere
	ethCodes     []uint8
	ethCum       []float64
	heaping      bool
}

// newScopeCounty builds the schedules of a county; its random variation
// comes from the stream of (seed, "county-params:"+code).
func (w *world) newScopeCounty(idx, ci int, names []string) (*scopeCounty, error) {
	ref := w.counties[ci]
	pp := w.provinces[ref.province]
	f := pp.facts
	r := newStream(w.cfg.Seed, "county-params:"+ref.code)
	sc := &scopeCounty{idx: idx, national: ci, code: ref.code, name: ref.name, province: ref.province, kind: ref.kind}
	sc.urban = ref.kind == "district"

	// settlement sizes: urban communities are larger than villages
	n := int(ref.vhi - ref.vlo)
	wts := make([]float64, n)
	sc.urbanVill = make([]bool, n)
	density := 1.0
	if sc.urban {
		density = 1.3
	}
	for i := 0; i < n; i++ {
		u := datasets.UrbanVillage(names[int(ref.vlo)+i])
		sc.urbanVill[i] = u
		base := 1.0
		if u {
			base = 3.0
		}
		wts[i] = base * density * math.Exp(0.5*r.NormFloat64())
		sc.weight += wts[i]
	}
	sc.villageCum = cumulative(wts)

	sc.pyr = basePyramid(w.startYear, frac(f.Share0to14), frac(f.Share65plus)).kindAdjust(sc.kind)

	// fertility: urban lower, rural higher, ±8 % county noise
	k := 1.0
	switch sc.kind {
	case "district":
		k = 0.85
	case "county":
		k = 1.08
	}
	sc.tfr = f.TFR * k * math.Exp(0.08*r.NormFloat64())
	mean := pp.meanAge
	if sc.urban {
		mean += 1
	}
	shape := asfrStandard(mean)
	for i := range shape {
		sc.asfr[i] = shape[i] * sc.tfr
	}
	sc.srb = f.SRB + r.NormFloat64()
	// mortality: districts live longer
	de := 0.0
	switch sc.kind {
	case "district":
		de = 1.0
	case "county":
		de = -0.7
	}
	de += 0.5 * r.NormFloat64()
	for s := 0; s < 2; s++ {
		sc.e0[s] = pp.e0[s] + de
		sc.mx[s] = brassMx(s, sc.e0[s])
	}
	// migration
	switch sc.kind {
	case "district":
		sc.outRate, sc.inRate, sc.migrantShare = 0.020, 0.025, 0.22
	case "city":
		sc.outRate, sc.inRate, sc.migrantShare = 0.018, 0.014, 0.10
	default:
		sc.outRate, sc.inRate, sc.migrantShare = 0.022, 0.007, 0.04
	}
	sc.intraShare = 0.6
	sc.mig = migrationSchedule(sc.outRate, sc.pyr)

	// ethnicity: the province's minorities, more concentrated in rural counties
	sc.ethCodes = append(sc.ethCodes, 1)
	ws := []float64{0}
	tot := 0.0
	for _, e := range f.Ethnic {
		m := math.Exp(0.6*r.NormFloat64() - 0.18)
		switch sc.kind {
		case "district":
			m *= 0.6
		case "county":
			m *= 1.3
		}
		s := math.Min(frac(e.Share)*m, 0.95)
		code := uint8(e.Code[0]-'0')*10 + uint8(e.Code[1]-'0')
		sc.ethCodes = append(sc.ethCodes, code)
		ws = append(ws, s)
		tot += s
	}
	if tot > 0.97 {
		for i := range ws {
			ws[i] *= 0.97 / tot
		}
		tot = 0.97
	}
	ws[0] = 1 - tot
	sc.ethCum = cumulative(ws)
	return sc, nil
}
