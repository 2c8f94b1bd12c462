package synth

import (
	"fmt"
	"strconv"

	"github.com/padis/padis/models"
)

// writers are the open table writers of one generation.
type writers struct {
	persons, households, events *tableWriter
	police, certs, deaths       *tableWriter
	roll                        *tableWriter // sources/benefit_roll
	defects                     *tableWriter
	migrantSeq                  map[int64]int // (address, birth day, sex) → sequences used
	hook                        func(*sim)    // nation mode: changes a county once its IDs are assigned
	seqStride, seqOffset        int           // nation mode: migrant sequence k becomes k·stride + offset
	defectCounts                map[string]int
}

// assignMigrantIDs gives ID numbers to persons registered outside the
// county that generated them: sequences from 700 up, allocated in county
// order so that they are unique in the snapshot and deterministic.
func (ws *writers) assignMigrantIDs(s *sim) error {
	for i := range s.p {
		p := &s.p[i]
		if p.flags&flagNative != 0 {
			continue
		}
		addr := s.w.villages[p.regVillage][:6]
		a, _ := strconv.Atoi(addr)
		key := (int64(a)*100000+int64(p.birth)+50000)*2 + int64(p.sex-1)
		k := ws.migrantSeq[key]
		ws.migrantSeq[key] = k + 1
		if ws.seqStride > 1 {
			// nation mode: each province its own sequences, so that
			// persons registered outside the nation get distinct IDs
			k = k*ws.seqStride + ws.seqOffset
		}
		seq := 701 + 2*k
		if p.sex == 2 {
			seq = 700 + 2*k
		}
		if seq > 999 {
			return fmt.Errorf("county %s: more than 150 migrants share address %s, birth date and sex", s.sc.code, addr)
		}
		p.id = genID(addr, p.birth, seq)
	}
	return nil
}

// defect appends one row to truth/defects.
func (ws *writers) defect(kind, table, key, related, detail string) {
	tw := ws.defects
	tw.str(0, kind)
	tw.str(1, table)
	tw.str(2, key)
	tw.str(3, related)
	tw.str(4, detail)
	tw.endRow()
	ws.defectCounts[kind]++
}

// code2 formats a small numeric code as its two-digit string ("" for null).
func code2(v uint8) string {
	if v == null8 {
		return ""
	}
	return codeStrings[v]
}

var codeStrings = func() [256]string {
	var s [256]string
	for i := 0; i < 100; i++ {
		s[i] = fmt.Sprintf("%02d", i)
	}
	return s
}()

// emit writes the rows of a finished county simulation.
func (ws *writers) emit(s *sim) error {
	if err := ws.assignMigrantIDs(s); err != nil {
		return err
	}
	if ws.hook != nil {
		ws.hook(s)
	}
	w := s.w
	code := s.sc.code
	pid := make([]string, len(s.p))
	for i := range s.p {
		pid[i] = keyOf('P', code, i+1)
	}
	nextPID := len(s.p) + 1
	hid := func(h int32) string { return keyOf('H', code, int(h)+1) }
	ref := func(i int32) string {
		if i < 0 || s.p[i].absent() {
			return ""
		}
		return pid[i]
	}
	refID := func(i int32) string {
		if i < 0 || s.p[i].absent() {
			return ""
		}
		return s.p[i].id
	}
	asOf := w.asOf
	// source records of a person, named in the defect details
	certOf := map[int32]string{}
	deathOf := map[int32]string{}
	if !w.cfg.NoSources {
		for k, c := range s.cert {
			if c.issued <= asOf {
				certOf[c.child] = keyOf('C', code, k+1)
			}
		}
		for k, d := range s.dth {
			deathOf[d.person] = keyOf('D', code, k+1)
		}
	}
	inSource := func(m map[int32]string, i int32, what string) string {
		if k, ok := m[i]; ok {
			return "; " + what + " " + k
		}
		return "; no " + what
	}
	// persons
	tw := ws.persons
	for i := range s.p {
		p := &s.p[i]
		if p.absent() {
			continue
		}
		d := s.decor[int32(i)]
		var dd decor
		if d != nil {
			dd = *d
		}
		row := personRow{
			pid: pid[i], id: p.id, name: p.name, sex: strconv.Itoa(int(p.sex)), birth: p.birth,
			eth: code2(p.eth), marital: "", edu: code2(p.edu), reg: w.villages[p.regVillage], regType: strconv.Itoa(int(p.regType)),
			res: w.villages[p.resVillage], hh: hid(p.hh), rel: code2(p.rel), status: "1", statusDate: noDate,
			born: -1, living: -1, contra: "", onlyChild: p.onlyChild, onlyChildOK: p.sex == 2 && p.born != null8,
			mother: ref(p.mother), father: ref(p.father), motherID: refID(p.mother), fatherID: refID(p.father),
			registered: p.regDate, updated: p.updated,
		}
		age := ageAt(int(p.by), int(p.bm), int(p.bd), asOf)
		if age >= 15 {
			row.marital = "10"
			if p.marital != null8 {
				row.marital = strconv.Itoa(int(p.marital))
			}
		}
		switch {
		case p.status == dead && p.flags&(flagUndead|flagDeathPending) == 0:
			row.status, row.statusDate = "2", p.exit
		case p.status == movedOut && p.flags&flagOutPending == 0:
			row.status, row.statusDate = "3", p.exit
		}
		if p.sex == 2 && p.born != null8 {
			row.born, row.living = int(p.born), int(p.living)
		}
		// The method stays on the record after 49 (a sterilisation does
		// not end): the cube reconstructs the contraception of earlier
		// months from the snapshot, so a field cleared at 50 would count
		// the women aged 47–49 two years ago as non-users.
		if p.sex == 2 && isMarried(p.marital) && age >= 15 && p.contra != null8 {
			row.contra = code2(p.contra)
		}
		if row.updated == noDate || row.updated < row.registered {
			row.updated = row.registered
		}
		trueID := row.id
		if dd.invalid != 0 {
			row.id = corruptID(row.id, dd.invalid)
			ws.defect("invalid_id", models.TablePersons, row.pid, "", fmt.Sprintf("%s: %s → %s", invalidNames[dd.invalid], models.MaskIDNumber(trueID), row.id))
		}
		if dd.birthAs != 0 {
			row.birth = dd.birthAs
			ws.defect("attribute_conflict", models.TablePersons, row.pid, "", fmt.Sprintf("birth_date %s recorded as %s (the origin province records the true date)", timeOf(p.birth).Format("2006-01-02"), timeOf(row.birth).Format("2006-01-02")))
		}
		if dd.heapedBy != 0 {
			y, m, dday := civilFromDays(p.birth)
			row.birth = daysFromCivil(y+int(dd.heapedBy), m, dday)
			ws.defect("age_heaping", models.TablePersons, row.pid, "", fmt.Sprintf("birth_date %s recorded as %s", timeOf(p.birth).Format("2006-01-02"), timeOf(row.birth).Format("2006-01-02")))
		}
		if dd.missing != "" {
			row.blank(dd.missing)
			ws.defect("missing_field", models.TablePersons, row.pid, "", dd.missing)
		}
		row.write(tw)
		if dd.dup {
			dup := row
			dup.pid = keyOf('P', code, nextPID)
			nextPID++
			dup.id = trueID
			if dd.dupNoID {
				dup.id = ""
			}
			if dup.rel == "02" {
				dup.rel = "80"
			}
			dup.registered = max(row.registered, p.regDate+30+int32(i%300))
			if dup.registered > asOf {
				dup.registered = asOf
			}
			dup.updated = dup.registered
			dup.write(tw)
			detail := "same ID number"
			if dd.dupNoID {
				detail = "no ID number"
			}
			ws.defect("duplicate", models.TablePersons, dup.pid, row.pid, detail)
		}
		if p.flags&flagUndead != 0 {
			ws.defect("undead", models.TablePersons, row.pid, "", "died "+timeOf(p.exit).Format("2006-01-02")+", never deregistered"+inSource(deathOf, int32(i), "death record"))
		}
	}
	// households: written when their head is recorded
	hw := ws.households
	for h := range s.hh {
		hd := &s.hh[h]
		if hd.head < 0 || s.p[hd.head].absent() || s.p[hd.head].hh != int32(h) {
			continue
		}
		hw.str(0, hid(int32(h)))
		hw.str(1, pid[hd.head])
		hw.str(2, w.villages[hd.place])
		hw.str(3, strconv.Itoa(int(hd.typ)))
		hw.date(4, hd.reg)
		hw.endRow()
	}
	// events
	late := make(map[int32]int32, len(s.lateEv))
	for _, l := range s.lateEv {
		late[l.ev] = l.lag
	}
	ew := ws.events
	for k := range s.ev {
		e := &s.ev[k]
		eid := keyOf('E', code, k+1)
		ew.str(0, eid)
		ew.str(1, eventTypeNames[e.typ])
		ew.str(2, pid[e.person])
		ew.date(3, e.date)
		ew.date(4, e.rec)
		ew.str(5, w.villages[e.place])
		ew.str(6, villageOr(w, e.from))
		ew.str(7, villageOr(w, e.to))
		ew.int(8, int(e.order), e.typ == evBirth)
		ew.bool(9, e.policy == 1, e.policy >= 0)
		ew.str(10, ref(e.mother))
		ew.str(11, ref(e.spouse))
		m := ""
		if e.typ == evContraStart || e.typ == evContraStop {
			m = code2(e.method)
		}
		ew.str(12, m)
		ew.endRow()
		if lag, ok := late[e.seq]; ok {
			ws.defect("late_registration", models.TableEvents, eid, pid[e.person], fmt.Sprintf("%s registered %d days after it happened", eventTypeNames[e.typ], lag))
		}
	}
	// truth-only person defects
	for i := range s.p {
		p := &s.p[i]
		switch {
		case p.flags&flagUnregBirth != 0:
			ws.defect("unregistered_birth", models.TablePersons, "", ref(p.mother), fmt.Sprintf("child %s born %s, sex %d, never registered%s", p.id, timeOf(p.birth).Format("2006-01-02"), p.sex, inSource(certOf, int32(i), "birth certificate")))
		case p.flags&flagUnrecorded != 0:
			ws.defect("unrecorded_person", models.TablePersons, "", "", fmt.Sprintf("resident %s (%s) missing from the FP database", p.id, models.MaskName(p.name)))
		}
	}
	if w.cfg.NoSources {
		return nil
	}
	pw := ws.police
	for k, r := range s.pol {
		p := &s.p[r.person]
		pw.str(0, keyOf('R', code, k+1))
		pw.str(1, p.id)
		pw.str(2, p.name)
		pw.str(3, strconv.Itoa(int(p.sex)))
		pw.date(4, p.birth)
		pw.str(5, w.villages[p.regVillage])
		pw.str(6, strconv.Itoa(int(r.status)))
		pw.endRow()
	}
	cw := ws.certs
	for k, c := range s.cert {
		if c.issued > asOf {
			continue
		}
		ch := &s.p[c.child]
		mo := &s.p[ch.mother]
		cw.str(0, keyOf('C', code, k+1))
		if c.named {
			cw.str(1, ch.name)
		} else {
			cw.str(1, "")
		}
		cw.str(2, strconv.Itoa(int(ch.sex)))
		cw.date(3, ch.birth)
		cw.str(4, mo.id)
		cw.str(5, mo.name)
		cw.str(6, w.villages[c.place])
		cw.date(7, c.issued)
		cw.endRow()
	}
	dw := ws.deaths
	for k, d := range s.dth {
		p := &s.p[d.person]
		dw.str(0, keyOf('D', code, k+1))
		if k%20 == 7 {
			dw.str(1, "") // a record without an ID number
		} else {
			dw.str(1, p.id)
		}
		dw.str(2, p.name)
		dw.str(3, strconv.Itoa(int(p.sex)))
		dw.date(4, p.birth)
		dw.date(5, d.date)
		dw.str(6, w.villages[d.place])
		dw.str(7, d.source)
		dw.endRow()
	}
	for k, d := range s.extDeaths {
		dw.str(0, keyOf('D', code, len(s.dth)+k+1))
		dw.str(1, d.who.id)
		dw.str(2, d.who.name)
		dw.str(3, strconv.Itoa(int(d.who.sex)))
		dw.date(4, d.who.birth)
		dw.date(5, d.date)
		dw.str(6, w.villages[w.counties[s.sc.national].vlo])
		dw.str(7, "civil")
		dw.endRow()
	}
	ws.writeRoll(s, append(s.benefitRoll(), s.extRoll...), pid)
	return nil
}

var invalidNames = [...]string{"", "check character", "first-generation 15 digits", "17 characters", "month 13"}

func villageOr(w *world, v int32) string {
	if v < 0 {
		return ""
	}
	return w.villages[v]
}

// personRow is one row of persons as written.
type personRow struct {
	pid, id, name, sex                 string
	birth                              int32
	eth, marital, edu, reg, regType    string
	res, hh, rel, status               string
	statusDate                         int32
	born, living                       int
	contra                             string
	onlyChild, onlyChildOK             bool
	mother, father, motherID, fatherID string
	registered, updated                int32
}

// blank empties one column (a missing-field defect).
func (r *personRow) blank(col string) {
	switch col {
	case "id_number":
		r.id = ""
	case "education":
		r.edu = ""
	case "marital_status":
		r.marital = ""
	case "ethnicity":
		r.eth = ""
	case "reg_type":
		r.regType = ""
	}
}

// write appends the row in the column order of models.PersonsTable.
func (r *personRow) write(tw *tableWriter) {
	tw.str(0, r.pid)
	tw.str(1, r.id)
	tw.str(2, r.name)
	tw.str(3, r.sex)
	tw.date(4, r.birth)
	tw.str(5, r.eth)
	tw.str(6, r.marital)
	tw.str(7, r.edu)
	tw.str(8, r.reg)
	tw.str(9, r.regType)
	tw.str(10, r.res)
	tw.str(11, r.hh)
	tw.str(12, r.rel)
	tw.str(13, r.status)
	tw.date(14, r.statusDate)
	tw.int(15, r.born, r.born >= 0)
	tw.int(16, r.living, r.living >= 0)
	tw.str(17, r.contra)
	tw.bool(18, r.onlyChild, r.onlyChildOK)
	tw.str(19, r.mother)
	tw.str(20, r.father)
	tw.str(21, r.motherID)
	tw.str(22, r.fatherID)
	tw.date(23, r.registered)
	tw.date(24, r.updated)
	tw.endRow()
}
