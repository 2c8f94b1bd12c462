package synth

import (
	"math"
	"math/rand/v2"
)

// sim is the simulation of one county of the scope (its base population,
// the people born to them and the in-migrants it receives).
type sim struct {
	w    *world
	sc   *scopeCounty
	r    *rand.Rand
	p    []person
	hh   []household
	ev   []event
	cnt  [2][maxAge + 1]int // base population still to place in households
	cert []certRec
	dth  []deathRec
	tr   countyTruth
	// fertility normalisation per (scope county, age 15…49)
	fertN, fertW []float64
	inAgeCum     []float64 // ages of in-migrant initiators
	lateEv       []lateRec
	pol          []policeRec
	decor        map[int32]*decor
	// nation mode: benefit-roll rows and death records of persons of
	// other provinces, written by the county that carries them
	extRoll   []rollRow
	extDeaths []extDeath
}

// headship is the relative chance that an adult of a sex heads a household.
func headship(sex, age int) float64 {
	if age < 20 {
		return 0
	}
	h := 1.0
	if sex == 1 {
		h = 0.15
	}
	switch {
	case age < 25:
		h *= 0.15
	case age < 30:
		h *= 0.5
	}
	return h
}

// newSim builds the base population of sc.
func newSim(w *world, sc *scopeCounty) *sim {
	s := &sim{w: w, sc: sc, r: newStream(w.cfg.Seed, "county:"+sc.code)}
	s.tr.init(w, sc)
	n := len(w.scope)
	s.fertN = make([]float64, n*35)
	s.fertW = make([]float64, n*35)
	ages := make([]float64, maxAge+1)
	for a := 15; a < 65; a++ {
		ages[a] = rogersCastro(float64(a)+0.5) * (sc.pyr[0][a] + sc.pyr[1][a])
	}
	s.inAgeCum = cumulative(ages)
	s.drawAges()
	s.formHouseholds()
	return s
}

// drawAges draws the sex and age of the base persons from the pyramid.
func (s *sim) drawAges() {
	w := make([]float64, 2*(maxAge+1))
	for sx := 0; sx < 2; sx++ {
		for a := 0; a <= maxAge; a++ {
			w[sx*(maxAge+1)+a] = s.sc.pyr[sx][a]
		}
	}
	cum := cumulative(w)
	for i := 0; i < s.sc.persons; i++ {
		k := pick(s.r, cum)
		s.cnt[k/(maxAge+1)][k%(maxAge+1)]++
	}
}

// take removes a base person of sex sx (0 male) aged near age (within tol
// years, nearest first) and returns the age, or −1.
func (s *sim) take(sx, age, tol int) int {
	for d := 0; d <= tol; d++ {
		for _, a := range [2]int{age - d, age + d} {
			if a >= 0 && a <= maxAge && s.cnt[sx][a] > 0 {
				s.cnt[sx][a]--
				return a
			}
			if d == 0 {
				break
			}
		}
	}
	return -1
}

// villageOf draws a village of the county by settlement weight.
func (s *sim) villageOf() int32 {
	ref := s.w.counties[s.sc.national]
	return ref.vlo + int32(pick(s.r, s.sc.villageCum))
}

// cohortParity is the mean number of children ever born by mother's birth year.
func (s *sim) cohortParity(by int) float64 {
	var m float64
	switch {
	case by < 1950:
		m = 3.6
	case by < 1960:
		m = 2.6
	case by < 1970:
		m = 1.9
	case by < 1980:
		m = 1.6
	case by < 1990:
		m = 1.5
	default:
		m = 1.35
	}
	return m * math.Sqrt(s.sc.tfr/1.3)
}

// formHouseholds groups the drawn base persons into households.
func (s *sim) formHouseholds() {
	sc := s.sc
	hw := make([]float64, 2*(maxAge+1))
	for sx := 0; sx < 2; sx++ {
		for a := 0; a <= maxAge; a++ {
			hw[sx*(maxAge+1)+a] = sc.pyr[sx][a] * headship(sx, a)
		}
	}
	hcum := cumulative(hw)
	threeGen := 0.32
	if sc.urban {
		threeGen = 0.16
	}
	start := s.w.start
	for {
		// draw a head
		hs, ha := -1, -1
		for try := 0; try < 40; try++ {
			k := pick(s.r, hcum)
			sx, a := k/(maxAge+1), k%(maxAge+1)
			if s.cnt[sx][a] > 0 {
				hs, ha = sx, a
				break
			}
		}
		if hs < 0 {
			for a := maxAge; a >= 18 && hs < 0; a-- {
				for sx := 0; sx < 2; sx++ {
					if s.cnt[sx][a] > 0 {
						hs, ha = sx, a
						break
					}
				}
			}
		}
		if hs < 0 {
			break
		}
		s.cnt[hs][ha]--
		if ha < 35 && s.r.Float64() < 0.6 && s.attachAdultChild(hs, ha) {
			continue
		}
		village := s.villageOf()
		h := s.newHousehold(village, start)
		eth := s.drawEthnicity()
		migrant := s.r.Float64() < sc.migrantShare
		reg := int32(-1)
		if migrant {
			reg = s.w.originVillage(s.r, sc.province, sc.national, s.r.Float64() < 0.4)
		}
		surname := uint8(pick(s.r, surnameCum))
		by := s.w.startYear - 1 - ha
		head := s.addBase(hs, ha, h, 2, eth, surname, reg)
		married := s.r.Float64() < everMarried(hs, ha, by)*(1-widowedShare(hs, ha))
		if hs == 1 {
			married = married && s.r.Float64() < 0.3
		}
		mother, father := int32(-1), int32(-1)
		if hs == 0 {
			father = head
		} else {
			mother = head
		}
		if married {
			gap := int(math.Round(2 + 2.5*s.r.NormFloat64()))
			sa := ha - gap
			if hs == 1 {
				sa = ha + gap
			}
			if sa < 18 {
				sa = 18
			}
			if a := s.take(1-hs, sa, 5); a >= 0 {
				e := eth
				if s.r.Float64() < 0.1 {
					e = s.drawEthnicity()
				}
				sp := s.addBase(1-hs, a, h, 10, e, uint8(pick(s.r, surnameCum)), reg)
				s.marry(head, sp)
				if hs == 0 {
					mother = sp
				} else {
					father = sp
				}
			} else {
				s.p[head].marital = 21
			}
		}
		// children
		if mother >= 0 || (hs == 0 && ha >= 40 && s.r.Float64() < 0.5) {
			ma := ha
			if mother >= 0 {
				ma = s.ageOfBase(mother)
			} else {
				ma = ha - 2
			}
			mby := s.w.startYear - 1 - ma
			exp := s.cohortParity(mby) * math.Min(math.Max(float64(ma-19)/12, 0), 1)
			n := poisson(s.r, exp)
			if mother >= 0 {
				mp := &s.p[mother]
				mp.born = uint8(min(n, 12))
				mp.living = mp.born
				if mp.contra != null8 {
					s.baseContraception(mp, ma) // the method depends on the parity
				}
			}
			for k := 0; k < n; k++ {
				ca := ma - (23 + 3*k + s.r.IntN(4))
				if ca < 0 {
					continue
				}
				home := ca < 18 || (ca < 25 && s.r.Float64() < 0.85) || (ca < 30 && s.r.Float64() < 0.5) || s.r.Float64() < 0.12
				if !home {
					continue
				}
				cs := 0
				if s.r.Float64() < 0.48 {
					cs = 1
				}
				a := s.take(cs, ca, 2)
				if a < 0 {
					a = s.take(1-cs, ca, 2)
					cs = 1 - cs
				}
				if a < 0 {
					continue
				}
				rel := uint8(20)
				if cs == 1 {
					rel = 30
				}
				c := s.addBase(cs, a, h, rel, eth, s.p[head].surname, reg)
				if father >= 0 {
					s.p[c].surname = s.p[father].surname
				}
				s.p[c].mother, s.p[c].father = mother, father
				if a >= 18 {
					s.p[c].marital = 10
				}
			}
		}
		// parents of the head
		if ha >= 25 && ha <= 55 && s.r.Float64() < threeGen {
			pa := ha + 24 + s.r.IntN(9)
			got := 0
			var gp [2]int32
			for sx := 0; sx < 2; sx++ {
				if s.r.Float64() < 0.7 {
					if a := s.take(sx, pa-2*sx, 4); a >= 0 {
						gp[got] = s.addBase(sx, a, h, 50, eth, s.p[head].surname, reg)
						got++
					}
				}
			}
			if got == 2 {
				s.marry(gp[0], gp[1])
			} else if got == 1 {
				g := &s.p[gp[0]]
				if g.marital == 21 || g.marital == 22 {
					g.marital = 30
				}
			}
		}
		// left-behind grandchildren
		if ha >= 48 && s.r.Float64() < threeGen*1.2 {
			for k := 0; k < 1+s.r.IntN(2); k++ {
				cs := s.r.IntN(2)
				if a := s.take(cs, s.r.IntN(13), 3); a >= 0 {
					s.addBase(cs, a, h, 40, eth, s.p[head].surname, reg)
				}
			}
		}
		if len(s.hh[h].members) == 1 && ha >= 18 && ha <= 35 && s.r.Float64() < 0.25 {
			s.hh[h].typ = 2
		}
	}
	// remaining minors live with grandparents or relatives (in a county
	// too small to have an adult, the eldest minor heads the household)
	for sx := 0; sx < 2; sx++ {
		for a := 0; a < 18; a++ {
			for s.cnt[sx][a] > 0 {
				s.cnt[sx][a]--
				if len(s.hh) == 0 {
					h := s.newHousehold(s.villageOf(), start)
					s.addBase(sx, a, h, 2, s.drawEthnicity(), uint8(pick(s.r, surnameCum)), -1)
					continue
				}
				h := int32(s.r.IntN(len(s.hh)))
				head := &s.p[s.hh[h].head]
				rel := uint8(80)
				if s.ageOfBase(s.hh[h].head) >= 45 {
					rel = 40
				}
				reg := int32(-1)
				if head.flags&flagNative == 0 {
					reg = head.regVillage
				}
				s.addBase(sx, a, h, rel, head.eth, head.surname, reg)
			}
		}
	}
	// a base household was registered with its head
	for h := range s.hh {
		if hd := &s.hh[h]; hd.head >= 0 {
			hd.reg = s.p[hd.head].regDate
		}
	}
}

// attachAdultChild places a young unmarried adult of sex sx aged age in an
// existing household whose head could be a parent (18–40 years older);
// it reports false when none is found in 30 tries.
func (s *sim) attachAdultChild(sx, age int) bool {
	if len(s.hh) == 0 || s.r.Float64() < everMarried(sx, age, s.w.startYear-1-age) {
		return false
	}
	for try := 0; try < 30; try++ {
		h := int32(s.r.IntN(len(s.hh)))
		head := s.hh[h].head
		d := s.ageOfBase(head) - age
		if d < 18 || d > 40 || s.p[head].rel != 2 {
			continue
		}
		hp := &s.p[head]
		reg := int32(-1)
		if hp.flags&flagNative == 0 {
			reg = hp.regVillage
		}
		rel := uint8(20)
		if sx == 1 {
			rel = 30
		}
		c := s.addBase(sx, age, h, rel, hp.eth, hp.surname, reg)
		s.p[c].marital = 10
		if s.p[head].sex == 1 {
			s.p[c].father = head
			s.p[c].mother = s.p[head].spouse
		} else {
			s.p[c].mother = head
		}
		return true
	}
	return false
}

// ageOfBase returns the age on the period start of a base person.
func (s *sim) ageOfBase(i int32) int {
	p := &s.p[i]
	return ageAt(int(p.by), int(p.bm), int(p.bd), s.w.start)
}

// newHousehold adds a household at village.
func (s *sim) newHousehold(village, reg int32) int32 {
	s.hh = append(s.hh, household{head: -1, place: village, typ: 1, reg: reg})
	return int32(len(s.hh) - 1)
}

// drawEthnicity draws an ethnicity code of the county.
func (s *sim) drawEthnicity() uint8 { return s.sc.ethCodes[pick(s.r, s.sc.ethCum)] }

// marry links two persons as a married couple (first marriage).
func (s *sim) marry(a, b int32) {
	for _, i := range [2]int32{a, b} {
		s.p[i].marital = 21
		if s.r.Float64() < 0.05 {
			s.p[i].marital = 22
		}
	}
	s.p[a].spouse, s.p[b].spouse = b, a
	for _, i := range [2]int32{a, b} {
		if p := &s.p[i]; p.sex == 2 && p.contra == null8 {
			s.baseContraception(p, s.ageOfBase(i))
		}
	}
}

// baseContraception sets the method of a married woman 15–49 of the base
// population (or a married in-migrant): mothers use a method with
// probability 0.93 under 45 and 0.90 at 45–49, childless wives 0.5, so
// that the CPR of married women 15–49 is about 89–90 %, the national
// level of the family-planning statistics (docs/generator.md,
// "Calibration").
func (s *sim) baseContraception(p *person, age int) {
	if age >= 50 || age < 15 {
		return
	}
	p.contra = 0
	use, par := 0.7, 0
	if p.born > 0 && p.born != null8 {
		use, par = 0.95, min(int(p.born), 2)
	}
	if s.r.Float64() < use {
		p.contra = uint8(pickSmall(s.r, contraceptiveMix[par][:]) + 1)
	}
}

// addBase adds a base-population person aged age (on the period start) to
// household h; reg is the registration village of a migrant household (−1
// for a native).
func (s *sim) addBase(sx, age int, h int32, rel uint8, eth, surname uint8, reg int32) int32 {
	start := s.w.start
	birth := start - int32(float64(age)*daysPerYear) - 1 - int32(s.r.Float64()*365)
	for ageAt(s.civil(birth)) != age {
		if ageAt(s.civil(birth)) > age {
			birth++
		} else {
			birth--
		}
	}
	i := s.newPerson(uint8(sx+1), birth, h, rel, eth, surname)
	p := &s.p[i]
	p.entry = start
	hd := &s.hh[h]
	if reg >= 0 {
		p.regVillage = reg
		p.flags &^= flagNative
	} else if s.r.Float64() < 0.08 {
		p.regVillage = s.villageOf() // registered in another village of the county
	}
	if rel != 2 && s.r.Float64() < s.w.cfg.Defects.Unrecorded {
		p.flags |= flagUnrecorded
	}
	urban := s.sc.urbanVill[hd.place-s.w.counties[s.sc.national].vlo]
	s.baseAttributes(p, age, urban)
	// record created between 2008 and the period start, not before birth
	d := start - int32(s.r.Float64()*15*daysPerYear)
	if d < birth+int32(s.r.IntN(60)) {
		d = birth + int32(s.r.IntN(60))
	}
	if d >= start {
		d = start - 1
	}
	p.regDate, p.updated = d, d
	return i
}

// civil returns the birth triple of a day for ageAt at the period start.
func (s *sim) civil(birth int32) (int, int, int, int32) {
	y, m, d := civilFromDays(birth)
	return y, m, d, s.w.start
}

// newPerson appends a person living in household h.
func (s *sim) newPerson(sex uint8, birth int32, h int32, rel uint8, eth, surname uint8) int32 {
	y, m, d := civilFromDays(birth)
	hd := &s.hh[h]
	i := int32(len(s.p))
	s.p = append(s.p, person{
		birth: birth, entry: birth, exit: noDate, regDate: noDate, updated: noDate,
		regVillage: hd.place, resVillage: hd.place, hh: h,
		mother: -1, father: -1, spouse: -1, lastBirth: noDate,
		remD: expo(s.r), remM: expo(s.r), remB: expo(s.r),
		by: int16(y), bm: uint8(m), bd: uint8(d), sex: sex, eth: eth,
		marital: null8, edu: null8, regType: 3, rel: rel, status: alive, contra: null8,
		born: null8, living: null8, surname: surname, resCounty: int16(s.sc.idx), flags: flagNative,
	})
	hd.members = append(hd.members, i)
	if rel == 2 {
		hd.head = i
	}
	p := &s.p[i]
	p.name = randomName(s.r, surnameList[surname].name, sex, eth)
	return i
}

// baseAttributes sets marital status, education, registration type,
// fertility history and contraception of a base person.
func (s *sim) baseAttributes(p *person, age int, urban bool) {
	sx := int(p.sex) - 1
	by := int(p.by)
	if age >= 15 && p.marital == null8 {
		switch {
		case p.rel == 20 || p.rel == 30 || p.rel == 40:
			p.marital = 10
		case s.r.Float64() < everMarried(sx, age, by):
			p.marital = 21
			if s.r.Float64() < widowedShare(sx, age) {
				p.marital = 30
			} else if age >= 28 && age < 65 && s.r.Float64() < 0.03 {
				p.marital = 40
			}
		default:
			p.marital = 10
		}
	}
	p.edu = s.education(by, age, urban)
	switch {
	case by >= 2015:
		p.regType = 3
	case urban && s.r.Float64() < 0.8, !urban && s.r.Float64() < 0.1:
		p.regType = 2
	default:
		p.regType = 1
	}
	if p.sex == 2 && age >= 15 {
		if p.born == null8 {
			n := 0
			if p.marital != 10 {
				n = poisson(s.r, s.cohortParity(by)*math.Min(math.Max(float64(age-19)/12, 0), 1))
			}
			p.born = uint8(min(n, 12))
			p.living = p.born
		}
		if age > 60 && p.living > 0 && s.r.Float64() < 0.1 {
			p.living--
		}
		if p.marital == 21 || p.marital == 22 {
			s.baseContraception(p, age)
		}
		p.onlyChild = p.born == 1 && by < 1990 && s.r.Float64() < 0.6
	}
}

// education draws an education level by cohort, capped by age.
func (s *sim) education(by, age int, urban bool) uint8 {
	if age < 6 {
		return null8
	}
	switch {
	case age < 12:
		return 80
	case age < 15:
		return 70
	case age < 18:
		if s.r.Float64() < 0.3 {
			return 40
		}
		return 60
	}
	c := (by - 1940) / 10
	if c < 0 {
		c = 0
	}
	if urban {
		c++
	}
	if c > 6 {
		c = 6
	}
	lvl := educationLevels[pickSmall(s.r, educationByCohort[c][:])]
	if age < 22 && (lvl == 20 || lvl == 10 || lvl == 30) {
		lvl = 60
	}
	if age < 25 && lvl == 10 {
		lvl = 20
	}
	return lvl
}
