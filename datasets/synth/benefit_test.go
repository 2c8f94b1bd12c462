package synth

import (
	"testing"

	"github.com/padis/padis/models"
)

// TestBenefitRoll checks every row of sources/benefit_roll against the
// programme rules and the person register: a row that breaks a rule or
// pays a person deregistered as dead before the payment year must be a
// listed defect, and every listed defect must break exactly what it says.
func TestBenefitRoll(t *testing.T) {
	s := smallSnapshot(t)
	r := s.roll
	if r.n == 0 {
		t.Fatal("empty benefit roll")
	}
	dead := s.defectKeys("benefit_dead", "")
	inel := s.defectKeys("benefit_ineligible", "")
	if len(dead) == 0 || len(inel) == 0 {
		t.Fatalf("no roll defects injected: %d dead, %d ineligible", len(dead), len(inel))
	}
	// register status by ID number (the first card)
	status, statusDate := map[string]string{}, map[string]int32{}
	for i := 0; i < s.persons.n; i++ {
		id := s.persons.str["id_number"][i]
		if _, ok := status[id]; !ok {
			status[id], statusDate[id] = s.persons.str["vital_status"][i], s.persons.date["status_date"][i]
		}
	}
	year := s.res.Manifest.AsOf.Year()
	jan1 := daysFromCivil(year, 1, 1)
	var reward, special int
	for i := 0; i < r.n; i++ {
		key := r.str["record_id"][i]
		by, _, _ := civilFromDays(r.date["birth_date"][i])
		age := year - by
		rural := r.flag["rural_reg"][i] == 1
		ch, da := r.num["children"][i], r.num["daughters"][i]
		ok := false
		switch r.str["programme"][i] {
		case models.ProgrammeReward:
			reward++
			ok = rural && age >= RewardMinAge && (ch == 1 || ch == 2 && da == 2)
			if r.num["amount"][i] != RewardAmount {
				t.Errorf("%s: reward amount %d", key, r.num["amount"][i])
			}
		case models.ProgrammeSpecial:
			special++
			ok = r.flag["child_died"][i] == 1 && ch == 0 && age >= SpecialMinAge
			if want := map[bool]int{true: SpecialAmountRural, false: SpecialAmountUrban}[rural]; r.num["amount"][i] != want {
				t.Errorf("%s: special amount %d, want %d", key, r.num["amount"][i], want)
			}
		default:
			t.Errorf("%s: programme %q", key, r.str["programme"][i])
		}
		if _, listed := inel[key]; ok == listed {
			t.Errorf("%s: eligible %t but listed as ineligible %t", key, ok, listed)
		}
		id := r.str["id_number"][i]
		deregDead := status[id] == "2" && statusDate[id] < jan1
		if _, listed := dead[key]; deregDead && !listed {
			t.Errorf("%s: paid after a registered death before %d but not listed", key, year)
		}
	}
	if reward == 0 || special == 0 {
		t.Errorf("roll has %d reward and %d special rows", reward, special)
	}
	t.Logf("roll: %d reward, %d special; defects: %d dead, %d ineligible", reward, special, len(dead), len(inel))
}
