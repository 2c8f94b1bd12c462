package synth

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

// NationDefects are the rates of the injected cross-province defects, as
// shares of the matched moves (a person recorded as moved out of one
// province of the nation and as arrived in another) or of the benefit
// rolls.
type NationDefects struct {
	Lost          float64 `json:"lost_rate"`           // 流出未落地: the destination has no record of the arrival
	Unfed         float64 `json:"unfed_rate"`          // 流入未反馈: the origin never recorded the departure (still counts the person)
	DateConflict  float64 `json:"date_conflict_rate"`  // the origin recorded the departure 90+ days after the arrival
	AttrConflict  float64 `json:"attr_conflict_rate"`  // the destination recorded another birth date
	PaidTwice     float64 `json:"paid_twice_rate"`     // roll recipients also paid by another province
	DeadElsewhere float64 `json:"dead_elsewhere_rate"` // roll recipients whose death another province recorded before the payment year
}

// DefaultNationDefects returns the default cross-province defect rates.
func DefaultNationDefects() NationDefects {
	return NationDefects{Lost: 0.04, Unfed: 0.04, DateConflict: 0.03, AttrConflict: 0.03, PaidTwice: 0.003, DeadElsewhere: 0.003}
}

// NationConfig is a request for one snapshot per province with real
// cross-province flows between them.
type NationConfig struct {
	Base      Config   // seed, months, as-of, format, defects …; Province, Counties, Scope, Persons and Out are set per province
	Provinces []string // 2-digit codes; empty = all 31
	Scale     float64  // persons = Scale × the province's 2020 census population
	Out       string   // DIR: DIR/<code>/ per province, DIR/truth/national.json
	Defects   NationDefects
}

// NationalFile is the truth of the national reconciliation, relative to
// NationConfig.Out.
const NationalFile = "truth/national.json"

// NationalTruth is truth/national.json.
type NationalTruth struct {
	Seed      uint64          `json:"seed"`
	Scale     float64         `json:"scale"`
	AsOf      models.Date     `json:"as_of"`
	Defects   NationDefects   `json:"defect_rates"`
	Provinces []ProvinceCount `json:"provinces"`
	// PlainSum is Σ persons on the register (status 1) of each province;
	// DoubleCounted the persons on the registers of two provinces;
	// Population = PlainSum − DoubleCounted, the true national total of
	// the registers without double counting.
	PlainSum      int64 `json:"plain_sum"`
	DoubleCounted int64 `json:"double_counted"`
	Population    int64 `json:"population"`
	// Moves are the matched cross-province moves (same person recorded
	// out of one province and into another).
	Moves   int               `json:"matched_moves"`
	Counts  map[string]int    `json:"defect_counts"`
	Entries []NationalDefect  `json:"defects"`
	Elapsed map[string]string `json:"-"`
}

// ProvinceCount is one province of the nation.
type ProvinceCount struct {
	Code     string `json:"code"`
	Persons  int    `json:"persons"`  // generated base persons
	Register int64  `json:"register"` // person rows with status 1 (duplicate cards included)
}

// NationalDefect is one injected (or, without a province outside the
// nation to send them to, unmatched) cross-province defect. Kinds are
// those of engine/reconcile; the ID number is the plain one (synthetic).
type NationalDefect struct {
	Kind      string   `json:"kind"`
	IDNumber  string   `json:"id_number"`
	Provinces []string `json:"provinces"` // who must answer, sorted
	Programme string   `json:"programme,omitempty"`
	Detail    string   `json:"detail"`
}

// identity is what makes one person the same in two provinces' records.
type identity struct {
	id, name   string
	sex        uint8
	birth      int32
	regVillage int32
}

// identityOf returns the identity of a simulated person.
func identityOf(p *person) identity {
	return identity{id: p.id, name: p.name, sex: p.sex, birth: p.birth, regVillage: p.regVillage}
}

// pkey names a person of a province's simulation.
type pkey struct {
	county string
	idx    int32
}

type outRec struct {
	prov, dest string
	noPair     bool // an arrival leaving again: its identity may change in the second pass
	p          pkey
	date       int32
	from       int32 // residence village at departure
	who        identity
}

type arrRec struct {
	prov, origin string
	p            pkey
	id           string
	date         int32
	sex          uint8
	birth        int32
	dbAlive      bool // on the register at as-of
}

type rollCand struct {
	prov      string
	who       identity
	programme string
	amount    int
	rural     bool
	children  int
	daught    int
	childDied bool
}

// arrivalPlan is what the destination writes for a matched arrival.
type arrivalPlan struct {
	who     identity
	from    int32 // the in event's from_place
	birthAs int32 // recorded birth date (attribute conflict); 0 = the true one
}

// provincePlan are the changes to one province's records.
type provincePlan struct {
	arrivals  map[pkey]arrivalPlan
	redirect  map[pkey]int32 // arrival → new registration village outside the nation
	outDate   map[pkey]int32 // departure → recorded date
	outDrop   map[pkey]bool  // departure never recorded (流入未反馈)
	outTo     map[pkey]int32 // departure → new destination village outside the nation
	extRoll   []rollRow
	extDeaths []extDeath
	seqNext   map[int64]int // fresh ID sequences, from 999 down
}

// extDeath is a death record of a person of another province.
type extDeath struct {
	who  identity
	date int32
}

// GenerateNation writes one snapshot per province of cfg.Provinces under
// cfg.Out/<code>/ and the national truth. Each province is simulated
// twice with the same seed: the first pass collects the cross-province
// departures, arrivals and benefit rolls; the plan pairs each province's
// departures to another province of the nation with that province's
// arrivals from it (same sex, age within 5 years, arrival within a year
// after the departure), gives the arrival the departing person's identity
// and aligns the departure date, injects the cross-province defects, and
// the second pass writes the records with the plan applied.
func GenerateNation(ctx context.Context, cfg NationConfig) (*NationalTruth, error) {
	begin := time.Now()
	provs := slices.Clone(cfg.Provinces)
	if len(provs) == 0 {
		for _, p := range datasets.Provinces() {
			provs = append(provs, p.Code)
		}
	}
	slices.Sort(provs)
	provs = slices.Compact(provs)
	if cfg.Scale <= 0 || cfg.Scale > 1 {
		return nil, &ConfigError{fmt.Errorf("scale %v: want a share in (0, 1]", cfg.Scale)}
	}
	if cfg.Out == "" {
		return nil, &ConfigError{fmt.Errorf("output directory is required")}
	}
	if err := prepareOut(cfg.Out, cfg.Base.Force); err != nil {
		return nil, &ConfigError{err}
	}
	cfgs := map[string]Config{}
	for _, code := range provs {
		f, ok := datasets.Province(code)
		if !ok {
			return nil, &ConfigError{fmt.Errorf("province %q: not one of the 31 provinces", code)}
		}
		c := cfg.Base
		c.Province, c.Counties, c.Scope, c.NoSources = code, nil, ScopeProvince, false
		c.Persons = max(1, int(math.Round(cfg.Scale*float64(f.Population))))
		c.Out = filepath.Join(cfg.Out, code)
		c.Producer = "padis generate --nation"
		if err := CheckConfig(c); err != nil {
			return nil, err
		}
		cfgs[code] = c
	}
	// pass 1
	col := &collected{}
	var worlds = map[string]*world{}
	for pi, code := range provs {
		w, err := newWorld(cfgs[code])
		if err != nil {
			return nil, err
		}
		worlds[code] = w
		tmp := &writers{migrantSeq: map[int64]int{}, seqStride: len(provs), seqOffset: pi}
		if _, err := runCounties(ctx, w, func(s *sim) error { return col.collect(tmp, s) }); err != nil {
			return nil, err
		}
	}
	truth := &NationalTruth{Seed: cfg.Base.Seed, Scale: cfg.Scale, AsOf: models.Date{Time: cfg.Base.AsOf}, Defects: cfg.Defects, Counts: map[string]int{}}
	plans := col.plan(provs, worlds, cfg, truth)
	// pass 2
	for pi, code := range provs {
		c := cfgs[code]
		pl := plans[code]
		if _, err := generate(ctx, c, &nationEmit{hook: pl.apply, seqStride: len(provs), seqOffset: pi}); err != nil {
			return nil, fmt.Errorf("province %s: %w", code, err)
		}
		truth.Provinces = append(truth.Provinces, ProvinceCount{Code: code, Persons: c.Persons, Register: col.register[code]})
		truth.PlainSum += col.register[code]
	}
	truth.Population = truth.PlainSum - truth.DoubleCounted
	sort.SliceStable(truth.Entries, func(i, j int) bool {
		a, b := truth.Entries[i], truth.Entries[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.IDNumber < b.IDNumber
	})
	for _, e := range truth.Entries {
		truth.Counts[e.Kind]++
	}
	tp := filepath.Join(cfg.Out, filepath.FromSlash(NationalFile))
	if err := os.MkdirAll(filepath.Dir(tp), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(tp), err)
	}
	if err := writeJSON(tp, truth); err != nil {
		return nil, err
	}
	truth.Elapsed = map[string]string{"total": time.Since(begin).Round(time.Millisecond).String()}
	return truth, nil
}

// collected are the cross-province facts of the first pass.
type collected struct {
	outs     []outRec
	arrs     []arrRec
	rolls    []rollCand
	register map[string]int64
}

// collect records one county's departures to and arrivals from other
// provinces, its benefit-roll recipients and its register count.
func (c *collected) collect(tmp *writers, s *sim) error {
	if err := tmp.assignMigrantIDs(s); err != nil {
		return err
	}
	w := s.w
	prov := s.sc.province
	if c.register == nil {
		c.register = map[string]int64{}
	}
	for i := range s.p {
		p := &s.p[i]
		if !p.absent() && dbAlive(p) {
			c.register[prov]++
			if s.decor[int32(i)] != nil && s.decor[int32(i)].dup {
				c.register[prov]++
			}
		}
	}
	for _, e := range s.ev {
		p := &s.p[e.person]
		switch {
		case e.typ == evOut && e.to >= 0 && w.villages[e.to][:2] != prov:
			c.outs = append(c.outs, outRec{prov: prov, dest: w.villages[e.to][:2], p: pkey{s.sc.code, e.person}, date: e.date, from: e.from,
				noPair: p.flags&flagInMigrant != 0,
				who:    identityOf(p)})
		case e.typ == evIn && p.flags&flagInMigrant != 0 && e.from >= 0 && w.villages[e.from][:2] != prov:
			c.arrs = append(c.arrs, arrRec{prov: prov, origin: w.villages[p.regVillage][:2], p: pkey{s.sc.code, e.person}, id: p.id, date: e.date,
				sex: p.sex, birth: p.birth, dbAlive: dbAlive(p)})
		}
	}
	for _, r := range s.benefitRoll() {
		p := &s.p[r.person]
		if r.defect != "" || p.status != alive || p.flags&flagNative == 0 {
			continue
		}
		c.rolls = append(c.rolls, rollCand{prov: prov, who: identityOf(p),
			programme: r.programme, amount: r.amount, rural: r.rural, children: r.children, daught: r.daught, childDied: r.childDied})
	}
	return nil
}

// dbAlive reports whether the FP database shows the person on the
// register at as-of (a death or departure it does not know of included).
func dbAlive(p *person) bool {
	switch p.status {
	case dead:
		return p.flags&(flagUndead|flagDeathPending) != 0
	case movedOut:
		return p.flags&flagOutPending != 0
	}
	return true
}

func day(z int32) string { return timeOf(z).Format(time.DateOnly) }

// plan pairs the flows and decides the defects.
func (c *collected) plan(provs []string, worlds map[string]*world, cfg NationConfig, truth *NationalTruth) map[string]*provincePlan {
	in := map[string]bool{}
	plans := map[string]*provincePlan{}
	for _, p := range provs {
		in[p] = true
		plans[p] = &provincePlan{arrivals: map[pkey]arrivalPlan{}, redirect: map[pkey]int32{}, outDate: map[pkey]int32{},
			outDrop: map[pkey]bool{}, outTo: map[pkey]int32{}, seqNext: map[int64]int{}}
	}
	var w *world
	for _, p := range provs {
		w = worlds[p]
		break
	}
	// a village outside the nation, if there is a province outside it
	var outside []int32
	for _, code := range w.provOrder {
		if !in[code] {
			pp := w.provinces[code]
			outside = append(outside, w.counties[pp.counties[0]].vlo)
		}
	}
	r := newStream(cfg.Base.Seed, "nation")
	asOf := w.asOf
	add := func(kind, id string, provinces []string, detail string) {
		ps := slices.Clone(provinces)
		slices.Sort(ps)
		truth.Entries = append(truth.Entries, NationalDefect{Kind: kind, IDNumber: id, Provinces: slices.Compact(ps), Detail: detail})
	}
	// arrivals by (destination, origin, sex)
	type ak struct {
		dest, origin string
		sex          uint8
	}
	pool := map[ak][]int{}
	for k, a := range c.arrs {
		if in[a.origin] {
			key := ak{a.prov, a.origin, a.sex}
			pool[key] = append(pool[key], k)
		}
	}
	used := make([]bool, len(c.arrs))
	outs := slices.Clone(c.outs)
	sort.SliceStable(outs, func(i, j int) bool { return outs[i].date < outs[j].date })
	for _, o := range outs {
		if !in[o.dest] {
			continue
		}
		best, bestCost := -1, math.Inf(1)
		if w.villages[o.who.regVillage][:2] != o.dest && !o.noPair {
			for _, k := range pool[ak{o.dest, o.prov, o.who.sex}] {
				a := c.arrs[k]
				gap := float64(a.date - o.date)
				dage := math.Abs(float64(a.birth-o.who.birth)) / daysPerYear
				if used[k] || gap < 0 || gap > 365 || dage > 5 {
					continue
				}
				if cost := gap + 60*dage; cost < bestCost {
					best, bestCost = k, cost
				}
			}
		}
		op := plans[o.prov]
		if best < 0 {
			if len(outside) > 0 {
				op.outTo[o.p] = outside[r.IntN(len(outside))]
			} else {
				add("out_no_landing", o.who.id, []string{o.prov, o.dest}, "departure "+day(o.date)+" with no arrival to match (unmatched flow)")
			}
			continue
		}
		used[best] = true
		a := c.arrs[best]
		dp := plans[a.prov]
		u := r.Float64()
		d := cfg.Defects
		switch {
		case u < d.Lost:
			used[best] = false // the arrival is someone else's
			add("out_no_landing", o.who.id, []string{o.prov, o.dest}, "departure "+day(o.date)+" to "+o.dest+", arrival never registered there")
			continue
		case u < d.Lost+d.Unfed:
			op.outDrop[o.p] = true
			c.register[o.prov]++ // still on the origin's register
			add("in_no_feedback", o.who.id, []string{o.prov}, "arrival "+day(a.date)+" in "+o.dest+", departure never recorded in "+o.prov)
			if a.dbAlive {
				add("double_count", o.who.id, []string{o.prov, o.dest}, "on the registers of "+o.prov+" and "+o.dest)
				truth.DoubleCounted++
			}
		case u < d.Lost+d.Unfed+d.DateConflict && a.date+90 <= asOf:
			late := min(a.date+90+int32(r.IntN(300)), asOf)
			op.outDate[o.p] = late
			add("date_conflict", o.who.id, []string{o.prov, o.dest}, "departure recorded "+day(late)+", arrival "+day(a.date))
		default:
			lag := int32(r.IntN(16))
			op.outDate[o.p] = max(o.date, a.date-lag)
		}
		ap := arrivalPlan{who: o.who, from: o.from}
		if u >= d.Lost+d.Unfed+d.DateConflict && u < d.Lost+d.Unfed+d.DateConflict+d.AttrConflict {
			shift := int32(365 * (1 + r.IntN(3)))
			if r.IntN(2) == 0 {
				shift = -shift
			}
			ap.birthAs = o.who.birth + shift
			if ap.birthAs >= o.date {
				ap.birthAs = o.who.birth - max(shift, -shift) // never born after the move
			}
			add("attribute_conflict", o.who.id, []string{o.prov, o.dest}, "birth date "+day(o.who.birth)+" recorded in "+o.dest+" as "+day(ap.birthAs))
		}
		dp.arrivals[a.p] = ap
		truth.Moves++
	}
	for k, a := range c.arrs {
		if used[k] || !in[a.origin] {
			continue
		}
		if len(outside) > 0 {
			plans[a.prov].redirect[a.p] = outside[r.IntN(len(outside))]
			continue
		}
		add("in_no_feedback", a.id, []string{a.origin}, "arrival "+day(a.date)+" in "+a.prov+" with no departure to match (unmatched flow)")
	}
	// benefits: paid in two provinces, dead in another province
	if len(provs) >= 2 {
		year, _, _ := civilFromDays(asOf)
		jan1 := daysFromCivil(year, 1, 1)
		for _, rc := range c.rolls {
			u := r.Float64()
			other := provs[r.IntN(len(provs)-1)]
			if other >= rc.prov {
				other = provs[slices.Index(provs, other)+1]
			}
			switch {
			case u < cfg.Defects.PaidTwice:
				plans[other].extRoll = append(plans[other].extRoll, rollRow{ext: &rc.who, programme: rc.programme, amount: rc.amount,
					children: rc.children, daught: rc.daught, childDied: rc.childDied, rural: rc.rural})
				add("paid_twice", rc.who.id, []string{rc.prov, other}, rc.programme+" paid by "+rc.prov+" and "+other)
			case u < cfg.Defects.PaidTwice+cfg.Defects.DeadElsewhere && jan1 > w.start:
				dd := w.start + int32(r.IntN(int(jan1-w.start)))
				plans[other].extDeaths = append(plans[other].extDeaths, extDeath{who: rc.who, date: dd})
				add("dead_recipient", rc.who.id, []string{rc.prov}, rc.programme+" paid by "+rc.prov+" in "+strconv.Itoa(year)+"; died "+day(dd)+", recorded by "+other)
			}
		}
	}
	return plans
}

// apply changes a county's simulation as the plan says, once its ID
// numbers are assigned and before its rows are written.
func (pl *provincePlan) apply(s *sim) {
	w := s.w
	code, prov := s.sc.code, s.sc.province
	fix := func(i int32) {
		if d := s.decor[i]; d != nil {
			// a corrupted or missing ID number or a heaped birth date
			// would hide the person from the national match
			d.invalid, d.heapedBy = 0, 0
			if d.missing == "id_number" {
				d.missing = ""
			}
		}
	}
	resort, drop := false, false
	for k := range s.ev {
		e := &s.ev[k]
		key := pkey{code, e.person}
		p := &s.p[e.person]
		switch {
		case e.typ == evOut && e.to >= 0 && w.villages[e.to][:2] != prov:
			if pl.outDrop[key] {
				p.flags |= flagOutPending
				e.typ, drop = 255, true
				fix(e.person)
				continue
			}
			if d, ok := pl.outDate[key]; ok {
				e.date, e.rec, p.exit = d, min(max(e.rec, d), w.asOf), d
				p.updated = max(p.updated, e.rec)
				resort = true
				fix(e.person)
			}
			if v, ok := pl.outTo[key]; ok {
				e.to = v
			}
		case e.typ == evIn && p.flags&flagInMigrant != 0 && e.from >= 0 && w.villages[e.from][:2] != prov:
			if ap, ok := pl.arrivals[key]; ok {
				e.from = ap.from
			}
			if v, ok := pl.redirect[key]; ok {
				e.from = v
			}
		}
	}
	if drop {
		s.ev = slices.DeleteFunc(s.ev, func(e event) bool { return e.typ == 255 })
	}
	if resort {
		sort.SliceStable(s.ev, func(a, b int) bool { return s.ev[a].date < s.ev[b].date })
	}
	var keys []pkey
	for k := range pl.arrivals {
		if k.county == code {
			keys = append(keys, k)
		}
	}
	for k := range pl.redirect {
		if k.county == code {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b pkey) int { return int(a.idx) - int(b.idx) })
	for _, k := range keys {
		p := &s.p[k.idx]
		if ap, ok := pl.arrivals[k]; ok {
			p.id, p.name, p.birth, p.regVillage = ap.who.id, ap.who.name, ap.who.birth, ap.who.regVillage
			y, m, d := civilFromDays(p.birth)
			p.by, p.bm, p.bd = int16(y), uint8(m), uint8(d)
			fix(k.idx)
			if ap.birthAs != 0 {
				if s.decor[k.idx] == nil {
					s.decor[k.idx] = &decor{}
				}
				s.decor[k.idx].birthAs = ap.birthAs
			}
			continue
		}
		v := pl.redirect[k]
		p.regVillage = v
		county, _ := strconv.Atoi(w.villages[v][:6])
		sk := (int64(county)*100000+int64(p.birth)+50000)*2 + int64(p.sex-1)
		n := pl.seqNext[sk]
		pl.seqNext[sk] = n + 1
		seq := 999 - 2*n
		if p.sex == 2 {
			seq = 998 - 2*n
		}
		p.id = genID(w.villages[v][:6], p.birth, max(seq, 1))
	}
	if s.sc.idx == 0 {
		s.extRoll, s.extDeaths = pl.extRoll, pl.extDeaths
	}
}
