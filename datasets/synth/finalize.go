package synth

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/padis/padis/models"
)

// certRec is a medical birth certificate of a child.
type certRec struct {
	child  int32
	issued int32
	named  bool
	place  int32
}

// deathRec is a civil-affairs or cremation death record.
type deathRec struct {
	person int32
	date   int32
	source string
	place  int32
}

// lateRec is an event registered late on purpose.
type lateRec struct {
	ev  int32
	lag int32
}

// policeRec is a row of the police extract.
type policeRec struct {
	person int32
	status uint8
}

// Kinds of person-record defects.
const (
	defInvalidCheck uint8 = iota + 1
	defInvalidFirstGen
	defInvalidLength
	defInvalidDate
)

// decor are the defects applied to one person row.
type decor struct {
	invalid  uint8  // defInvalid…, 0 none
	missing  string // column left empty
	dup      bool   // a duplicate card follows the row
	dupNoID  bool   // the duplicate carries no ID number
	heapedBy int16  // birth year shift of an age-heaped record
	birthAs  int32  // nation mode: recorded birth date of an attribute conflict (0 = true)
}

// finalize assigns native ID numbers, decides the record defects, builds
// the police extract and orders the events.
func (s *sim) finalize() {
	cfg := s.w.cfg
	counter := map[int64]int{}
	for i := range s.p {
		p := &s.p[i]
		if p.flags&flagNative == 0 {
			continue
		}
		key := int64(p.birth)*2 + int64(p.sex-1)
		counter[key]++
		k := counter[key]
		seq := 2*k - 1
		if p.sex == 2 {
			seq = 2 * k
		}
		p.id = genID(s.sc.code, p.birth, seq)
	}
	s.decor = map[int32]*decor{}
	get := func(i int32) *decor {
		d, ok := s.decor[i]
		if !ok {
			d = &decor{}
			s.decor[i] = d
		}
		return d
	}
	d := cfg.Defects
	for i := range s.p {
		p := &s.p[i]
		if p.absent() {
			continue
		}
		if s.r.Float64() < d.InvalidID {
			get(int32(i)).invalid = uint8(1 + pickSmall(s.r, []float64{0.4, 0.2, 0.2, 0.2}))
		}
		if s.r.Float64() < d.Missing {
			cols := []string{"id_number", "education", "marital_status", "ethnicity", "reg_type"}
			get(int32(i)).missing = cols[pickSmall(s.r, []float64{0.3, 0.3, 0.2, 0.1, 0.1})]
		}
		if s.r.Float64() < d.Duplicate {
			dd := get(int32(i))
			dd.dup = true
			dd.dupNoID = s.r.Float64() < 0.2
		}
		if s.sc.heaping && p.flags&(flagBorn|flagInMigrant) == 0 && s.r.Float64() < d.HeapingShare {
			age := ageAt(int(p.by), int(p.bm), int(p.bd), s.w.asOf)
			if age >= 30 {
				r := (age + 2) / 5 * 5
				if r != age {
					get(int32(i)).heapedBy = int16(age - r)
				}
			}
		}
	}
	if !cfg.NoSources {
		s.police()
	}
	sort.SliceStable(s.ev, func(a, b int) bool { return s.ev[a].date < s.ev[b].date })
}

// police builds the police extract: every person registered in the scope
// at as-of (dead ones with status 2 when the police know), newborns once
// their household registration is done (30–120 days), minus omissions.
func (s *sim) police() {
	cfg := s.w.cfg
	for i := range s.p {
		p := &s.p[i]
		if s.w.scopeOf[s.w.vCounty[p.regVillage]] < 0 {
			continue
		}
		if p.flags&flagBorn != 0 && p.birth+30+int32(s.r.IntN(91)) > s.w.asOf {
			continue
		}
		if s.r.Float64() < cfg.Defects.PoliceOmission {
			continue
		}
		st := uint8(1)
		if p.status == dead && s.r.Float64() < 0.97 {
			st = 2
		}
		s.pol = append(s.pol, policeRec{person: int32(i), status: st})
	}
}

// genID builds a valid ID number with models.GenerateIDNumber; the
// address is a 6-digit county code and seq is in 1…999 by construction.
func genID(county string, birth int32, seq int) string {
	id, err := models.GenerateIDNumber(county, timeOf(birth), seq)
	if err != nil {
		panic(fmt.Sprintf("synth: %v", err)) // a programming error: inputs are always valid
	}
	return id
}

// corruptID returns an invalid variant of a valid ID number.
func corruptID(id string, kind uint8) string {
	switch kind {
	case defInvalidCheck:
		c := id[17]
		n := byte('0')
		if c == '0' {
			n = '1'
		}
		return id[:17] + string(n)
	case defInvalidFirstGen:
		return id[:6] + id[8:14] + id[14:17]
	case defInvalidLength:
		return id[:17]
	default:
		b := []byte(id)
		b[10], b[11] = '1', '3' // month 13
		return string(b)
	}
}

// keyOf formats prefix + county code + zero-padded n.
func keyOf(prefix byte, county string, n int) string {
	b := make([]byte, 0, 16)
	b = append(b, prefix)
	b = append(b, county...)
	s := strconv.Itoa(n)
	for k := len(s); k < 8; k++ {
		b = append(b, '0')
	}
	return string(append(b, s...))
}
