package synth

import (
	"fmt"
	"strconv"

	"github.com/padis/padis/models"
)

// National benefit amounts, yuan per person per year (national minimum
// standards; provinces may pay more):
//   - 农村部分计划生育家庭奖励扶助: 80 元/人/月 = 960 元/年 (财教〔2011〕623号,
//     raised from 600 元/年; the standard the 2016 adjustments keep as the floor);
//   - 计划生育家庭特别扶助, only child died: 340 元/人/月 urban, 170 元/人/月
//     rural from 1 January 2014 (国卫家庭发〔2013〕41号).
const (
	RewardAmount       = 960
	SpecialAmountUrban = 340 * 12
	SpecialAmountRural = 170 * 12
)

// Eligibility ages of the programmes (DOMAIN.md).
const (
	RewardMinAge  = 60 // 奖励扶助: from age 60
	SpecialMinAge = 49 // 特别扶助: mother aged 49 or over
)

// bothDaughters is the chance that two living children are both girls at a
// sex ratio at birth near 107: (100/207)².
const bothDaughters = 0.233

// rollRow is one row of sources/benefit_roll.
type rollRow struct {
	person            int32
	programme         string
	amount            int
	children, daught  int
	childDied, rural  bool
	defect, defDetail string    // truth: benefit_dead / benefit_ineligible
	ext               *identity // a person of another province (nation mode), else s.p[person]
}

// family are the facts of a couple's children the programmes look at.
type family struct {
	children, daughters int
	born                int
	childDied           bool
}

// benefitRoll returns the benefit payment roll of the county for the
// payment year of as-of: persons registered in the scope and on the FP
// database on 1 January of the year (or the period start, if later) who
// meet the rules of 奖励扶助 or 特别扶助 as the database shows them, plus the
// injected defects (dead persons kept on the roll, near-eligible persons
// added). It draws from its own stream, so it changes no other output.
func (s *sim) benefitRoll() []rollRow {
	w := s.w
	r := newStream(w.cfg.Seed, "benefit:"+s.sc.code)
	year, _, _ := civilFromDays(w.asOf)
	jan1 := max(daysFromCivil(year, 1, 1), w.start)
	fam := make(map[int32]family) // woman → family facts
	famOf := func(i int32) (family, bool) {
		p := &s.p[i]
		if p.sex != 2 {
			if p.spouse < 0 || !isMarried(p.marital) {
				return family{}, false
			}
			i = p.spouse
			p = &s.p[i]
		}
		if p.sex != 2 || p.born == null8 {
			return family{}, false
		}
		if f, ok := fam[i]; ok {
			return f, true
		}
		f := family{children: int(p.living), born: int(p.born), childDied: p.born == 1 && p.living == 0}
		switch {
		case f.children == 1 && r.Float64() < 0.48:
			f.daughters = 1
		case f.children == 2 && r.Float64() < bothDaughters:
			f.daughters = 2
		case f.children == 2 && r.Float64() < 0.5:
			f.daughters = 1
		case f.children >= 3:
			f.daughters = f.children / 2
		}
		fam[i] = f
		return f, true
	}
	var out []rollRow
	for i := range s.p {
		p := &s.p[i]
		if p.absent() || w.scopeOf[w.vCounty[p.regVillage]] < 0 || p.entry > jan1 {
			continue
		}
		f, ok := famOf(int32(i))
		if !ok {
			continue
		}
		// The database's view: a death or departure it does not know of
		// leaves the person on the register.
		dbGone := (p.status == dead && p.flags&(flagUndead|flagDeathPending) == 0) ||
			(p.status == movedOut && p.flags&flagOutPending == 0)
		if dbGone && p.exit >= jan1 {
			dbGone = false // paid for the year before leaving
		}
		if p.status == movedOut && p.exit < jan1 {
			continue
		}
		age := year - int(p.by)
		rural := p.regType == 1
		row := rollRow{person: int32(i), children: f.children, daught: f.daughters, childDied: f.childDied, rural: rural}
		switch {
		case f.childDied && f.children == 0 && age >= SpecialMinAge:
			row.programme, row.amount = models.ProgrammeSpecial, SpecialAmountUrban
			if rural {
				row.amount = SpecialAmountRural
			}
		case rural && age >= RewardMinAge && f.born <= 2 && (f.children == 1 || f.children == 2 && f.daughters == 2):
			row.programme, row.amount = models.ProgrammeReward, RewardAmount
		default:
			// near misses: one rule of the reward missed
			rule := ""
			switch {
			case rural && age >= RewardMinAge-5 && age < RewardMinAge && f.children == 1:
				rule = "age"
			case rural && age >= RewardMinAge && f.children >= 3:
				rule = "children"
			case p.regType == 2 && age >= RewardMinAge && f.children == 1:
				rule = "registration"
			}
			if rule == "" || dbGone || p.status == dead || r.Float64() >= w.cfg.Defects.BenefitIneligible {
				continue
			}
			row.programme, row.amount = models.ProgrammeReward, RewardAmount
			row.defect = "benefit_ineligible"
			row.defDetail = fmt.Sprintf("reward paid although rule %s fails: age %d, children %d, daughters %d, rural %t", rule, age, f.children, f.daughters, rural)
			out = append(out, row)
			continue
		}
		if dbGone {
			// dead before the year and deregistered: kept on the roll at a rate
			if p.status != dead || r.Float64() >= w.cfg.Defects.BenefitDead {
				continue
			}
			row.defect = "benefit_dead"
			row.defDetail = "died " + timeOf(p.exit).Format("2006-01-02") + ", before the payment year, deregistered, still paid"
		} else if p.status == dead && p.exit < jan1 {
			row.defect = "benefit_dead"
			row.defDetail = "died " + timeOf(p.exit).Format("2006-01-02") + ", before the payment year, death not on the register, still paid"
		}
		out = append(out, row)
	}
	return out
}

// writeRoll writes the county's benefit roll and its defects.
func (ws *writers) writeRoll(s *sim, rows []rollRow, pid []string) {
	w := s.w
	year, _, _ := civilFromDays(w.asOf)
	bw := ws.roll
	for k, row := range rows {
		var who identity
		if row.ext == nil {
			who = identityOf(&s.p[row.person])
		} else {
			who = *row.ext
			who.regVillage = w.counties[s.sc.national].vlo // paid here as if registered here
		}
		key := keyOf('B', s.sc.code, k+1)
		bw.str(0, key)
		bw.str(1, who.id)
		bw.str(2, who.name)
		bw.str(3, row.programme)
		bw.int(4, year, true)
		bw.int(5, row.amount, true)
		bw.str(6, w.villages[who.regVillage])
		bw.str(7, strconv.Itoa(int(who.sex)))
		bw.date(8, who.birth)
		bw.bool(9, row.rural, true)
		bw.int(10, row.children, true)
		bw.int(11, row.daught, true)
		bw.bool(12, row.childDied, true)
		bw.endRow()
		if row.defect != "" {
			ws.defect(row.defect, models.TableBenefitRoll, key, pid[row.person], row.defDetail)
		}
	}
}
