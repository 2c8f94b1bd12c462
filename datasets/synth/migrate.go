package synth

// moveGroup returns who moves with initiator i: the whole household when i
// heads it (its living members in the same county), otherwise i alone.
func (s *sim) moveGroup(i int32) []int32 {
	p := &s.p[i]
	if p.rel != 2 {
		return []int32{i}
	}
	var g []int32
	for _, j := range s.hh[p.hh].members {
		q := &s.p[j]
		if q.hh == p.hh && q.status == alive && q.resCounty == p.resCounty {
			g = append(g, j)
		}
	}
	return g
}

// move makes person i (and its group) migrate on day t. It returns true
// when i left the scope. A move inside the scope that would be registered
// after as-of does not happen.
func (s *sim) move(i int32, t int32) bool {
	p := &s.p[i]
	sc := s.w.scope[p.resCounty]
	pp := s.w.provinces[sc.province]
	dest := -1 // national county index
	inter := s.r.Float64() >= sc.intraShare
	if !inter {
		for try := 0; try < 10; try++ {
			ci := pp.counties[pickF(s.r, pp.attract)]
			if ci != sc.national {
				dest = ci
				break
			}
		}
	}
	var to int32
	if dest >= 0 {
		ref := s.w.counties[dest]
		if k := s.w.scopeOf[dest]; k >= 0 {
			to = ref.vlo + int32(pick(s.r, s.w.scope[k].villageCum))
		} else {
			to = ref.vlo + int32(s.r.IntN(int(ref.vhi-ref.vlo)))
		}
	} else {
		to = s.w.originVillage(s.r, sc.province, sc.national, true)
		dest = int(s.w.vCounty[to])
	}
	lag, late := s.regLag()
	rec := t + lag
	group := s.moveGroup(i)
	from := p.resVillage
	yr := s.yearOf(t)
	k := s.w.scopeOf[dest]
	if k >= 0 {
		if rec > s.w.asOf {
			return false
		}
		// inside the scope: out of one county, into another
		if p.rel != 2 {
			s.leave(i)
			h := s.newHousehold(to, rec)
			typ := uint8(1)
			if s.r.Float64() < 0.3 {
				typ = 2
			}
			s.hh[h].typ = typ
			s.join(i, h, 2)
		} else {
			s.hh[p.hh].place = to
		}
		for _, j := range group {
			q := &s.p[j]
			s.tr.acc(int(q.resCounty)).move(evOut, yr, true)
			s.tr.acc(int(k)).move(evIn, yr, true)
			q.resVillage, q.resCounty = to, k
			if q.absent() {
				continue
			}
			s.eventual(evOut, t, from, true)
			s.eventual(evIn, t, to, true)
			q.updated = max(q.updated, rec)
			e := s.addEvent(event{typ: evOut, person: j, date: t, rec: rec, place: from, from: from, to: to, mother: -1, spouse: -1, policy: -1})
			s.markLate(e, late, lag)
			e = s.addEvent(event{typ: evIn, person: j, date: t, rec: rec, place: to, from: from, to: to, mother: -1, spouse: -1, policy: -1})
			s.markLate(e, late, lag)
		}
		return false
	}
	// out of the scope
	pending := rec > s.w.asOf
	for _, j := range group {
		q := &s.p[j]
		s.tr.acc(int(q.resCounty)).move(evOut, yr, false)
		q.status, q.exit = movedOut, t
		if pending {
			q.flags |= flagOutPending
		}
		if !q.neverRecorded() {
			s.eventual(evOut, t, from, !q.absent() && !pending)
		}
		if q.absent() || pending {
			continue
		}
		q.updated = max(q.updated, rec)
		e := s.addEvent(event{typ: evOut, person: j, date: t, rec: rec, place: from, from: from, to: to, mother: -1, spouse: -1, policy: -1})
		s.markLate(e, late, lag)
	}
	return true
}

// inMigration adds this month's arrivals from outside the scope to the
// county: single movers (some in collective households) and couples,
// some with a child.
func (s *sim) inMigration(mi int) {
	m := s.w.months[mi]
	sc := s.sc
	residents := 0
	for i := range s.p {
		if q := &s.p[i]; q.status == alive && int(q.resCounty) == sc.idx {
			residents++
		}
	}
	n := poisson(s.r, sc.inRate*float64(residents)*float64(m.end-m.start)/daysPerYear)
	for k := 0; k < n; k++ {
		t := m.start + int32(s.r.IntN(int(m.end-m.start)))
		age := pick(s.r, s.inAgeCum)
		sex := uint8(2)
		if s.r.Float64() < 0.55 {
			sex = 1
		}
		inter := s.w.scopeKind == "province" || s.r.Float64() < 0.5
		var origin int32
		for try := 0; ; try++ {
			origin = s.w.originVillage(s.r, sc.province, sc.national, inter)
			if s.w.scopeOf[s.w.vCounty[origin]] < 0 || try > 20 {
				break
			}
		}
		lag, late := s.regLag()
		rec := t + lag
		village := s.villageOf()
		h := s.newHousehold(village, rec)
		eth := s.drawEthnicity()
		surname := uint8(pick(s.r, surnameCum))
		couple := age >= 22 && s.r.Float64() < 0.4
		if !couple && age <= 40 && s.r.Float64() < 0.35 {
			s.hh[h].typ = 2
		}
		urban := sc.urbanVill[village-s.w.counties[sc.national].vlo]
		add := func(sx uint8, a int, rel uint8, sn uint8) int32 {
			birth := t - int32(float64(a)*daysPerYear) - int32(s.r.Float64()*365)
			if birth >= t {
				birth = t - 1
			}
			j := s.newPerson(sx, birth, h, rel, eth, sn)
			q := &s.p[j]
			q.regVillage, q.flags, q.entry = origin, flagInMigrant, t
			q.regDate, q.updated = rec, rec
			if rec > s.w.asOf {
				q.flags |= flagEntryPending
			}
			s.baseAttributes(q, ageAt(int(q.by), int(q.bm), int(q.bd), t), urban)
			if q.marital != null8 && isMarried(q.marital) && !couple {
				q.marital = 10
				if a >= 30 {
					q.marital = 21 // spouse left at home
				}
			}
			return j
		}
		head := add(sex, age, 2, surname)
		group := []int32{head}
		if couple {
			sa := age - 2
			if sex == 2 {
				sa = age + 2
			}
			sp := add(3-sex, sa, 10, uint8(pick(s.r, surnameCum)))
			s.p[head].marital, s.p[sp].marital = 21, 21
			s.p[head].spouse, s.p[sp].spouse = sp, head
			group = append(group, sp)
			wifeAge := age
			if sex == 1 {
				wifeAge = sa
			}
			if s.r.Float64() < 0.5 && wifeAge >= 22 {
				ca := s.r.IntN(min(13, wifeAge-20))
				cs := uint8(1 + s.r.IntN(2))
				rel := uint8(20)
				if cs == 2 {
					rel = 30
				}
				c := add(cs, ca, rel, surname)
				mo, fa := head, sp
				if sex == 1 {
					mo, fa = sp, head
				}
				s.p[c].mother, s.p[c].father = mo, fa
				group = append(group, c)
				if q := &s.p[mo]; q.born == null8 || q.born == 0 {
					q.born, q.living = 1, 1
				}
			}
			// the wife's contraception, as of a base wife of her age and
			// parity
			w := head
			if sex == 1 {
				w = sp
			}
			s.baseContraception(&s.p[w], wifeAge)
		}
		acc := s.tr.acc(sc.idx)
		for _, j := range group {
			acc.move(evIn, s.yearOf(t), false)
			q := &s.p[j]
			if !q.neverRecorded() {
				s.eventual(evIn, t, village, !q.absent())
			}
			if q.absent() {
				continue
			}
			e := s.addEvent(event{typ: evIn, person: j, date: t, rec: rec, place: village, from: origin, to: village, mother: -1, spouse: -1, policy: -1})
			s.markLate(e, late, lag)
		}
		for _, j := range group {
			s.step(j, t, m.end, mi, false)
		}
	}
}
