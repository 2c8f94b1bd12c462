package synth

import (
	"math"
)

// run simulates the period month by month.
func (s *sim) run() {
	for mi := range s.w.months {
		s.month(mi)
	}
}

// regLag draws a registration lag in days: 75 % exponential with mean 6
// days, 23 % 8–30 days, a 2 % tail of 31–89 days (so that about 97.5 % of
// a clean register's events are timely, within 30 days; docs/generator.md,
// "Calibration"), and the configured share 90–400 days late.
func (s *sim) regLag() (lag int32, late bool) {
	if s.r.Float64() < s.w.cfg.Defects.Late {
		return 90 + int32(s.r.IntN(311)), true
	}
	u := s.r.Float64()
	switch {
	case u < 0.75:
		return int32(s.r.ExpFloat64() * 6), false
	case u < 0.98:
		return 8 + int32(s.r.IntN(23)), false
	default:
		return 31 + int32(s.r.IntN(59)), false
	}
}

// addEvent records an event and returns its index.
func (s *sim) addEvent(e event) int32 {
	e.seq = int32(len(s.ev))
	s.ev = append(s.ev, e)
	return e.seq
}

// month runs one month of the period.
func (s *sim) month(mi int) {
	m := s.w.months[mi]
	s.fertilityNorm(m)
	n := int32(len(s.p))
	var women []int32
	var men [maxAge + 1][]int32
	home := int16(s.sc.idx)
	for i := int32(0); i < n; i++ {
		p := &s.p[i]
		if p.status != alive || p.entry >= m.end {
			continue
		}
		a := max(m.start, p.entry)
		s.step(i, a, m.end, mi, true)
		p = &s.p[i]
		if p.status != alive || p.resCounty != home || p.absent() {
			continue
		}
		age := int(m.year) - int(p.by)
		if m.month < int(p.bm) {
			age--
		}
		single := p.marital == 10 || p.marital == null8 // null: under 15 at the start
		switch {
		case single && p.sex == 2 && age >= 20 && age <= 45:
			if s.r.Float64() < 1-math.Exp(-firstMarriageHazard(age, s.sc.urban)/12) {
				women = append(women, i)
			}
		case single && p.sex == 1 && age >= 20 && age <= 55:
			men[age] = append(men[age], i)
		case p.sex == 2 && isMarried(p.marital) && age < 50:
			s.monthlyMarried(i, age, m)
		}
	}
	s.marriages(women, &men, m)
	s.inMigration(mi)
}

// isMarried reports a currently-married code.
func isMarried(c uint8) bool { return c >= 20 && c <= 23 }

// fertilityNorm computes, per scope county and age, the number of women
// and the sum of their relative fecundity weights at the month start, so
// that the expected births of each group equal ASFR × women.
func (s *sim) fertilityNorm(m monthInfo) {
	clear(s.fertN)
	clear(s.fertW)
	for i := range s.p {
		p := &s.p[i]
		if p.sex != 2 || p.status != alive || p.entry > m.start || p.resCounty < 0 {
			continue
		}
		age := s.ageOnMonthStart(p, m)
		if age < 15 || age > 49 {
			continue
		}
		k := int(p.resCounty)*35 + age - 15
		s.fertN[k]++
		s.fertW[k] += s.fecundity(p, m.start)
	}
}

// ageOnMonthStart returns the completed age on the first day of m.
func (s *sim) ageOnMonthStart(p *person, m monthInfo) int {
	age := m.year - int(p.by)
	if m.month < int(p.bm) || (m.month == int(p.bm) && p.bd > 1) {
		age--
	}
	return age
}

// fecundity is a woman's relative chance of a birth.
func (s *sim) fecundity(p *person, t int32) float64 {
	if p.lastBirth != noDate && t-p.lastBirth < 300 {
		return 0
	}
	par := 0
	if p.born != null8 {
		par = min(int(p.born), 3)
	}
	f := parityFertility[par]
	if isMarried(p.marital) {
		c := p.contra
		if c == null8 {
			c = 0
		}
		if c == 0 && (par == 1 || par == 2) {
			f *= trying
		}
		return f * contraFertility[c]
	}
	return f * unmarriedFertility
}

// step runs person i from day a to day b (within one month): death,
// out-migration and births compete, each with its own exponential budget
// of cumulative hazard; rates are constant within single years of age.
func (s *sim) step(i int32, a, b int32, mi int, fert bool) {
	m := s.w.months[mi]
	p := &s.p[i]
	bday := daysFromCivil(m.year, int(p.bm), int(p.bd))
	x := m.year - int(p.by)
	if a < bday {
		x--
	}
	type seg struct {
		from, to int32
		age      int
	}
	segs := [2]seg{{a, b, x}, {b, b, x}}
	if bday > a && bday < b {
		segs[0].to = bday
		segs[1] = seg{bday, b, x + 1}
	}
	for _, sg := range segs {
		p = &s.p[i]
		if sg.to <= sg.from || p.status != alive || p.resCounty < 0 {
			continue
		}
		age := sg.age
		if age < 0 {
			age = 0
		}
		sc := s.w.scope[p.resCounty]
		acc := s.tr.acc(int(p.resCounty))
		sx := int(p.sex) - 1
		ai := min(age, maxAge)
		hd := sc.mx[sx][ai] / daysPerYear
		hm := 0.0
		if age >= 15 && p.rel != 20 && p.rel != 30 && p.rel != 40 || age >= 18 {
			hm = sc.mig[ai] / daysPerYear
		}
		if p.absent() {
			hm = 0
		}
		hb := 0.0
		if fert && p.sex == 2 && age >= 15 && age <= 49 {
			k := int(p.resCounty)*35 + age - 15
			if s.fertW[k] > 0 {
				hb = sc.asfr[age-15] * birthSeasonality[m.month-1] * s.fertN[k] / s.fertW[k] * s.fecundity(p, sg.from) / daysPerYear
			}
		}
		from := float64(sg.from)
		for from < float64(sg.to) {
			dt := float64(sg.to) - from
			td, tm, tb := math.Inf(1), math.Inf(1), math.Inf(1)
			if hd > 0 {
				td = float64(p.remD) / hd
			}
			if hm > 0 {
				tm = float64(p.remM) / hm
			}
			if hb > 0 {
				tb = float64(p.remB) / hb
			}
			t := math.Min(dt, math.Min(td, math.Min(tm, tb)))
			p.remD -= float32(hd * t)
			p.remM -= float32(hm * t)
			p.remB -= float32(hb * t)
			day := int32(from + t)
			if t >= dt {
				acc.exposure(sx, ai, dt)
				break
			}
			if day >= sg.to {
				day = sg.to - 1
			}
			acc.exposure(sx, ai, float64(day)+1-from)
			switch t {
			case td:
				s.die(i, day, ai)
				return
			case tm:
				p.remM = expo(s.r)
				if s.move(i, day) {
					return
				}
				// an internal move ends this month's step; the new county's
				// rates apply from the next month
				return
			default:
				p.remB = expo(s.r)
				s.birth(i, day, mi)
				p = &s.p[i]
				hb = 0 // no second birth in the same month
			}
			from = float64(day) + 1
		}
	}
}

// die ends person i's life on day t.
func (s *sim) die(i int32, t int32, age int) {
	p := &s.p[i]
	p.status, p.exit = dead, t
	acc := s.tr.acc(int(p.resCounty))
	acc.death(int(p.sex)-1, age, s.yearOf(t))
	lag, late := s.regLag()
	rec := t + lag
	visible := true
	switch {
	case s.r.Float64() < s.w.cfg.Defects.Undead:
		p.flags |= flagUndead
		visible = false
	case rec > s.w.asOf:
		p.flags |= flagDeathPending
		visible = false
	}
	if !s.w.cfg.NoSources && s.r.Float64() >= s.w.cfg.Defects.DeathUnrecorded {
		src := "civil"
		if s.r.Float64() < 0.6 {
			src = "cremation"
		}
		s.dth = append(s.dth, deathRec{person: i, date: t, source: src, place: p.resVillage})
	}
	if p.flags&flagUndead == 0 && !p.neverRecorded() {
		s.eventual(evDeath, t, p.resVillage, visible && !p.absent())
	}
	if !visible || p.absent() {
		return
	}
	e := s.addEvent(event{typ: evDeath, person: i, date: t, rec: rec, place: p.resVillage, from: -1, to: -1, mother: -1, spouse: -1, policy: -1})
	s.markLate(e, late, lag)
	acc.recorded(evDeath, s.yearOf(t))
	p.updated = rec
	if sp := p.spouse; sp >= 0 && isMarried(p.marital) && s.p[sp].status == alive {
		s.p[sp].marital = 30
		s.p[sp].spouse = -1
		if s.p[sp].sex == 2 {
			s.p[sp].contra = null8
		}
		s.p[sp].updated = rec
	}
	if m := p.mother; m >= 0 && s.p[m].living != null8 && s.p[m].living > 0 {
		s.p[m].living--
	}
	if s.hh[p.hh].head == i {
		s.reassignHead(p.hh, i)
	}
}

// markLate records a late registration in the defects list.
func (s *sim) markLate(e int32, late bool, lag int32) {
	if late {
		s.lateEv = append(s.lateEv, lateRec{ev: e, lag: lag})
	}
}

// yearOf returns the calendar year of day t.
func (s *sim) yearOf(t int32) int {
	y, _, _ := civilFromDays(t)
	return y
}

// reassignHead names a new head of household h after its head (old) left
// or died: the oldest living recorded member, else a former head.
func (s *sim) reassignHead(h int32, old int32) {
	hd := &s.hh[h]
	best := int32(-1)
	for _, j := range hd.members {
		q := &s.p[j]
		if j == old || q.hh != h || q.status != alive || q.absent() {
			continue
		}
		if best < 0 || q.birth < s.p[best].birth {
			best = j
		}
	}
	if best >= 0 {
		s.p[best].rel = 2
		hd.head = best
		return
	}
	if s.p[old].hh == h {
		return // the dead head stays head of an empty household
	}
	for _, j := range hd.members {
		if q := &s.p[j]; q.hh == h && !q.absent() && q.rel == 2 {
			hd.head = j
			return
		}
	}
	for _, j := range hd.members {
		if q := &s.p[j]; q.hh == h && !q.absent() {
			q.rel = 2
			hd.head = j
			return
		}
	}
	hd.head = -1 // no recorded member left: the household is not written
}

// leave takes person i out of its household (which keeps a head).
func (s *sim) leave(i int32) {
	h := s.p[i].hh
	hd := &s.hh[h]
	for k, j := range hd.members {
		if j == i {
			hd.members = append(hd.members[:k], hd.members[k+1:]...)
			break
		}
	}
	s.p[i].hh = -1
	if hd.head == i {
		s.reassignHead(h, i)
	}
}

// join puts person i into household h with relation rel.
func (s *sim) join(i, h int32, rel uint8) {
	s.p[i].hh = h
	s.p[i].rel = rel
	s.p[i].resVillage = s.hh[h].place
	s.hh[h].members = append(s.hh[h].members, i)
	if rel == 2 {
		s.hh[h].head = i
	}
}

// policyConforming applies the birth policy of the date: one child (two in
// rural areas) before 2016, two until 31 May 2021, three after; births to
// unmarried mothers do not conform.
func policyConforming(t int32, order int, married, rural bool) bool {
	if !married {
		return false
	}
	switch {
	case t < daysFromCivil(2016, 1, 1):
		return order == 1 || (rural && order == 2)
	case t < daysFromCivil(2021, 5, 31):
		return order <= 2
	}
	return order <= 3
}

// birth adds a child born to woman i on day t.
func (s *sim) birth(i int32, t int32, mi int) {
	mo := &s.p[i]
	sc := s.w.scope[mo.resCounty]
	srb := sc.srb
	if k := s.shockAt(sc.code, mi); k != nil {
		if k.Births > 0 && s.r.Float64() >= k.Births {
			return // thinned away by the shock
		}
		if k.SRB > 0 {
			srb = k.SRB
		}
	}
	acc := s.tr.acc(int(mo.resCounty))
	sex := uint8(2)
	if s.r.Float64() < srb/(100+srb) {
		sex = 1
	}
	mage := ageAt(int(mo.by), int(mo.bm), int(mo.bd), t)
	acc.birth(int(sex)-1, mage, s.yearOf(t))
	father := int32(-1)
	if isMarried(mo.marital) && mo.spouse >= 0 {
		father = mo.spouse
	}
	rel := uint8(80)
	switch mo.rel {
	case 2, 10:
		rel = 20
	case 20, 30, 40:
		rel = 40
	}
	if rel == 20 && sex == 2 {
		rel = 30
	}
	eth := mo.eth
	surname := mo.surname
	if father >= 0 {
		surname = s.p[father].surname
		if eth == 1 && s.r.IntN(2) == 0 {
			eth = s.p[father].eth
		}
	}
	if mo.born == null8 {
		mo.born, mo.living = 0, 0
	}
	order := int(mo.born) + 1
	mo.born++
	mo.living++
	mo.lastBirth = t
	h := mo.hh
	c := s.newPerson(sex, t, h, rel, eth, surname)
	mo = &s.p[i]
	ch := &s.p[c]
	ch.resVillage, ch.regVillage = mo.resVillage, mo.regVillage
	ch.resCounty = mo.resCounty
	ch.flags = flagBorn | (mo.flags & flagNative)
	ch.mother, ch.father = i, father
	ch.entry = t
	lag, late := s.regLag()
	rec := t + lag
	if mo.regDate != noDate && rec < mo.regDate {
		rec = mo.regDate // a child cannot be registered before its mother
	}
	switch {
	case s.r.Float64() < s.w.cfg.Defects.UnregisteredBirth:
		ch.flags |= flagUnregBirth
	case rec > s.w.asOf || mo.flags&flagEntryPending != 0:
		ch.flags |= flagEntryPending
	}
	ch.regDate, ch.updated = rec, rec
	married := isMarried(mo.marital)
	rural := mo.regType == 1
	pol := int8(0)
	if policyConforming(t, order, married, rural) {
		pol = 1
	}
	if !s.w.cfg.NoSources && s.r.Float64() >= s.w.cfg.Defects.CertificateOmitted {
		s.cert = append(s.cert, certRec{child: c, issued: t + 1 + int32(s.r.IntN(30)), named: s.r.Float64() < 0.8, place: ch.resVillage})
	}
	if !ch.neverRecorded() {
		s.eventual(evBirth, t, ch.resVillage, !ch.absent())
	}
	if !ch.absent() {
		e := s.addEvent(event{typ: evBirth, person: c, date: t, rec: rec, place: ch.resVillage, from: -1, to: -1, order: uint8(min(order, 255)), policy: pol, mother: i, spouse: -1})
		s.markLate(e, late, lag)
		acc.recorded(evBirth, s.yearOf(t))
		if !mo.absent() {
			mo.updated = max(mo.updated, rec)
		}
	}
	if mo.contra != null8 && mo.contra > 0 {
		s.contraChange(i, evContraStop, t, mo.contra)
	}
	// the newborn's first days
	s.step(c, t, s.w.months[mi].end, mi, false)
}

// contraChange records a contraception start or stop of woman i on day t
// when it is registered by as-of (a change registered later has not
// happened yet as far as the model is concerned).
func (s *sim) contraChange(i int32, typ uint8, t int32, method uint8) {
	lag, late := s.regLag()
	rec := t + lag
	if rec > s.w.asOf {
		return
	}
	p := &s.p[i]
	if typ == evContraStart {
		p.contra = method
	} else {
		p.contra = 0
	}
	if p.absent() {
		return
	}
	e := s.addEvent(event{typ: typ, person: i, date: t, rec: rec, place: p.resVillage, from: -1, to: -1, mother: -1, spouse: -1, policy: -1, method: method})
	s.markLate(e, late, lag)
	s.tr.acc(int(p.resCounty)).recorded(typ, s.yearOf(t))
	p.updated = max(p.updated, rec)
}

// monthlyMarried draws contraception changes and divorce for a married woman.
func (s *sim) monthlyMarried(i int32, age int, m monthInfo) {
	p := &s.p[i]
	t := m.start + int32(s.r.IntN(int(m.end-m.start)))
	if p.contra == null8 {
		p.contra = 0
	}
	if c := p.contra; c > 0 {
		if s.r.Float64() < contraStopMonthly[c] {
			s.contraChange(i, evContraStop, t, c)
		}
	} else {
		// Monthly start of non-users (docs/generator.md, "Calibration"):
		// childless wives 3 %, mothers 30 % from six weeks after a birth
		// (the postpartum IUD or sterilisation of the programme).
		pr := startChildless
		if p.born != null8 && p.born > 0 {
			pr = startMother
			if p.lastBirth != noDate && t-p.lastBirth < 42 {
				pr = 0
			}
		}
		if s.r.Float64() < pr {
			par := 0
			if p.born != null8 {
				par = min(int(p.born), 2)
			}
			s.contraChange(i, evContraStart, t, uint8(pickSmall(s.r, contraceptiveMix[par][:])+1))
		}
	}
	if age < 65 && p.spouse >= 0 && s.r.Float64() < divorceHazard/12 {
		s.divorce(i, t)
	}
}

// divorce dissolves the marriage of woman i on day t.
func (s *sim) divorce(i int32, t int32) {
	lag, late := s.regLag()
	rec := t + lag
	sp := s.p[i].spouse
	if rec > s.w.asOf || sp < 0 || s.p[sp].status != alive || s.p[sp].absent() {
		return
	}
	for _, pair := range [2][2]int32{{i, sp}, {sp, i}} {
		p := &s.p[pair[0]]
		p.marital, p.spouse, p.updated = 40, -1, max(p.updated, rec)
		if p.sex == 2 {
			p.contra = null8
		}
		e := s.addEvent(event{typ: evDivorce, person: pair[0], date: t, rec: rec, place: p.resVillage, from: -1, to: -1, mother: -1, spouse: pair[1], policy: -1})
		s.markLate(e, late, lag)
	}
	s.tr.acc(int(s.p[i].resCounty)).recorded(evDivorce, s.yearOf(t))
	s.tr.acc(int(s.p[i].resCounty)).event(evDivorce, s.yearOf(t))
}

// marriages pairs the women who marry this month with never-married men of
// the county 0–5 years older (nearest age first); a woman without a match
// marries a man from outside the scope.
func (s *sim) marriages(women []int32, men *[maxAge + 1][]int32, m monthInfo) {
	for _, wi := range women {
		age := s.ageOnMonthStart(&s.p[wi], m)
		gap := pickSmall(s.r, []float64{0.15, 0.2, 0.2, 0.17, 0.13, 0.1, 0.05})
		man := int32(-1)
		for d := 0; d <= 6 && man < 0; d++ {
			for _, a := range [2]int{age + gap + d, age + gap - d} {
				if a < 20 || a > 55 || a < age-2 || len(men[a]) == 0 {
					continue
				}
				k := s.r.IntN(len(men[a]))
				man = men[a][k]
				men[a][k] = men[a][len(men[a])-1]
				men[a] = men[a][:len(men[a])-1]
				break
			}
		}
		t := m.start + int32(s.r.IntN(int(m.end-m.start)))
		lag, late := s.regLag()
		rec := t + lag
		if rec > s.w.asOf || s.p[wi].status != alive || (man >= 0 && s.p[man].status != alive) {
			continue
		}
		w := &s.p[wi]
		w.marital, w.updated = 21, max(w.updated, rec)
		w.contra = 0
		acc := s.tr.acc(int(w.resCounty))
		acc.event(evMarriage, s.yearOf(t))
		acc.recorded(evMarriage, s.yearOf(t))
		e := s.addEvent(event{typ: evMarriage, person: wi, date: t, rec: rec, place: w.resVillage, from: -1, to: -1, mother: -1, spouse: man, policy: -1})
		s.markLate(e, late, lag)
		if man < 0 {
			continue
		}
		mp := &s.p[man]
		mp.marital, mp.spouse, mp.updated = 21, wi, max(mp.updated, rec)
		w.spouse = man
		e = s.addEvent(event{typ: evMarriage, person: man, date: t, rec: rec, place: mp.resVillage, from: -1, to: -1, mother: -1, spouse: wi, policy: -1})
		s.markLate(e, late, lag)
		s.setUpHome(wi, man, rec)
	}
}

// othersAlive reports whether household h has a living member besides i.
func (s *sim) othersAlive(h, i int32) bool {
	for _, j := range s.hh[h].members {
		if j != i && s.p[j].hh == h && s.p[j].status == alive {
			return true
		}
	}
	return false
}

// setUpHome moves a newly married couple together: the wife joins the
// husband's household when he heads one, the husband joins a wife who
// heads a household with others, otherwise they found a new household at
// the husband's village.
func (s *sim) setUpHome(wi, man int32, reg int32) {
	w, mp := &s.p[wi], &s.p[man]
	wHeadBusy := w.rel == 2 && s.othersAlive(w.hh, wi)
	mHeadBusy := mp.rel == 2 && s.othersAlive(mp.hh, man)
	switch {
	case mp.rel == 2 && !wHeadBusy:
		s.leave(wi)
		s.join(wi, s.p[man].hh, 10)
	case wHeadBusy && !mHeadBusy:
		s.leave(man)
		s.join(man, s.p[wi].hh, 10)
	case wHeadBusy && mHeadBusy:
		// they keep their own households
	default:
		place := s.p[man].resVillage
		h := s.newHousehold(place, reg)
		s.leave(man)
		s.join(man, h, 2)
		s.leave(wi)
		s.join(wi, h, 10)
	}
}
