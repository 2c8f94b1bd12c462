package synth

// acc accumulates the realised truth of one scope county: exposure and
// events by sex and age, and counts by calendar year.
type acc struct {
	pyDays      [2][maxAge + 1]float64
	deaths      [2][maxAge + 1]int
	births      [2]int
	birthsByAge [35]int // mother's age 15…49
	years       map[int]*YearCounts
	// eventual counts the birth, death, in and out events by event type
	// and occurrence month (year·12 + month − 1) that are registered by
	// as-of ([0]) or will be registered after it too ([1]).
	eventual map[eventualKey]*[2]int
}

// eventualKey is an event type and occurrence month.
type eventualKey struct {
	typ   uint8
	month int
}

// YearCounts are the realised counts of one county and calendar year.
// "Recorded" counts only events present in the snapshot's events table;
// marriages and divorces count couples.
type YearCounts struct {
	Year              int `json:"year"`
	Births            int `json:"births"`
	BirthsMale        int `json:"births_male"`
	BirthsFemale      int `json:"births_female"`
	Deaths            int `json:"deaths"`
	InfantDeaths      int `json:"infant_deaths"`
	InFromOutside     int `json:"in_from_outside_scope"`
	InWithinScope     int `json:"in_within_scope"`
	OutToOutside      int `json:"out_to_outside_scope"`
	OutWithinScope    int `json:"out_within_scope"`
	Marriages         int `json:"marriages"`
	Divorces          int `json:"divorces"`
	RecordedBirths    int `json:"recorded_births"`
	RecordedDeaths    int `json:"recorded_deaths"`
	RecordedMarriages int `json:"recorded_marriages"`
	RecordedDivorces  int `json:"recorded_divorces"`
	RecordedContra    int `json:"recorded_contraception_changes"`
}

func newAcc() *acc {
	return &acc{years: map[int]*YearCounts{}, eventual: map[eventualKey]*[2]int{}}
}

// countyTruth holds the accumulators a county simulation touched.
type countyTruth struct {
	accs map[int]*acc
}

func (t *countyTruth) init(*world, *scopeCounty) { t.accs = map[int]*acc{} }

// acc returns the accumulator of scope county k.
func (t *countyTruth) acc(k int) *acc {
	a, ok := t.accs[k]
	if !ok {
		a = newAcc()
		t.accs[k] = a
	}
	return a
}

func (a *acc) year(y int) *YearCounts {
	c, ok := a.years[y]
	if !ok {
		c = &YearCounts{Year: y}
		a.years[y] = c
	}
	return c
}

func (a *acc) exposure(sex, age int, days float64) { a.pyDays[sex][age] += days }

func (a *acc) death(sex, age, y int) {
	a.deaths[sex][age]++
	c := a.year(y)
	c.Deaths++
	if age == 0 {
		c.InfantDeaths++
	}
}

func (a *acc) birth(sex, motherAge, y int) {
	a.births[sex]++
	if motherAge >= 15 && motherAge <= 49 {
		a.birthsByAge[motherAge-15]++
	}
	c := a.year(y)
	c.Births++
	if sex == 0 {
		c.BirthsMale++
	} else {
		c.BirthsFemale++
	}
}

func (a *acc) move(typ uint8, y int, internal bool) {
	c := a.year(y)
	switch {
	case typ == evIn && internal:
		c.InWithinScope++
	case typ == evIn:
		c.InFromOutside++
	case internal:
		c.OutWithinScope++
	default:
		c.OutToOutside++
	}
}

func (a *acc) event(typ uint8, y int) {
	c := a.year(y)
	switch typ {
	case evMarriage:
		c.Marriages++
	case evDivorce:
		c.Divorces++
	}
}

func (a *acc) recorded(typ uint8, y int) {
	c := a.year(y)
	switch typ {
	case evBirth:
		c.RecordedBirths++
	case evDeath:
		c.RecordedDeaths++
	case evMarriage:
		c.RecordedMarriages++
	case evDivorce:
		c.RecordedDivorces++
	case evContraStart, evContraStop:
		c.RecordedContra++
	}
}

// merge adds b into a.
func (a *acc) merge(b *acc) {
	for s := 0; s < 2; s++ {
		for x := 0; x <= maxAge; x++ {
			a.pyDays[s][x] += b.pyDays[s][x]
			a.deaths[s][x] += b.deaths[s][x]
		}
		a.births[s] += b.births[s]
	}
	for i := range a.birthsByAge {
		a.birthsByAge[i] += b.birthsByAge[i]
	}
	for k, c := range b.eventual {
		a.addEventual(k, c[0], c[1])
	}
	for y, c := range b.years {
		d := a.year(y)
		d.Births += c.Births
		d.BirthsMale += c.BirthsMale
		d.BirthsFemale += c.BirthsFemale
		d.Deaths += c.Deaths
		d.InfantDeaths += c.InfantDeaths
		d.InFromOutside += c.InFromOutside
		d.InWithinScope += c.InWithinScope
		d.OutToOutside += c.OutToOutside
		d.OutWithinScope += c.OutWithinScope
		d.Marriages += c.Marriages
		d.Divorces += c.Divorces
		d.RecordedBirths += c.RecordedBirths
		d.RecordedDeaths += c.RecordedDeaths
		d.RecordedMarriages += c.RecordedMarriages
		d.RecordedDivorces += c.RecordedDivorces
		d.RecordedContra += c.RecordedContra
	}
}

func (a *acc) addEventual(k eventualKey, registered, eventual int) {
	c, ok := a.eventual[k]
	if !ok {
		c = new([2]int)
		a.eventual[k] = c
	}
	c[0] += registered
	c[1] += eventual
}

// eventual counts a birth, death, in or out event of day t at village
// place (in the county of the place) that will be registered some day;
// registered says it is registered by as-of (written to the events table).
// Only the truth reads these counts: no random draw depends on them.
func (s *sim) eventual(typ uint8, t, place int32, registered bool) {
	k := s.w.scopeOf[s.w.vCounty[place]]
	if k < 0 {
		return
	}
	y, m, _ := civilFromDays(t)
	r := 0
	if registered {
		r = 1
	}
	s.tr.acc(int(k)).addEventual(eventualKey{typ, y*12 + m - 1}, r, 1)
}

// neverRecorded reports whether p's events never reach the FP database
// (a birth never registered, a resident missing from it).
func (p *person) neverRecorded() bool { return p.flags&(flagUnregBirth|flagUnrecorded) != 0 }
