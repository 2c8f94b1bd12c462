package reconcile

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

var asOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)

func out(nid, from, to, date string) models.CrossMigrant {
	return models.CrossMigrant{NationalID: nid, Province: from, Role: models.MigrantOut, OtherProvince: to, EventDate: date, Sex: "1", BirthDate: "1990-05-01", RecordKey: "k-" + from}
}

func in(nid, to, from, date string) models.CrossMigrant {
	return models.CrossMigrant{NationalID: nid, Province: to, Role: models.MigrantIn, OtherProvince: from, EventDate: date, Sex: "1", BirthDate: "1990-05-01", RecordKey: "k-" + to}
}

func res(nid, prov, reg string) models.CrossMigrant {
	return models.CrossMigrant{NationalID: nid, Province: prov, Role: models.MigrantResident, OtherProvince: reg, Sex: "1", BirthDate: "1990-05-01", RecordKey: "r-" + prov}
}

func reward(nid, prov string) models.BenefitRecipient {
	return models.BenefitRecipient{NationalID: nid, Province: prov, Programme: models.ProgrammeReward, Year: 2025, Amount: 960,
		Sex: "2", BirthDate: "1960-03-01", RuralReg: true, Children: 1, RecordKey: "b-" + prov}
}

// found is a compact view of an item for the table.
type found struct {
	kind, nid, rule string
	provinces       []string
}

func TestRunKinds(t *testing.T) {
	attr := in("n", "32", "51", "2024-03-05")
	attr.BirthDate = "1991-05-01"
	older := reward("n", "51")
	older.BirthDate = "1970-01-01"
	urban := reward("n", "51")
	urban.RuralReg = false
	three := reward("n", "51")
	three.Children = 3
	twoMixed := reward("n", "51")
	twoMixed.Children, twoMixed.Daughters = 2, 1
	twoGirls := reward("n", "51")
	twoGirls.Children, twoGirls.Daughters = 2, 2
	special := models.BenefitRecipient{NationalID: "n", Province: "51", Programme: models.ProgrammeSpecial, Year: 2025, Amount: 4080,
		Sex: "2", BirthDate: "1974-06-01", ChildDied: true}
	young := special
	young.BirthDate = "1980-01-01"
	alive := special
	alive.ChildDied, alive.Children = false, 1
	for _, c := range []struct {
		name     string
		migrants []models.CrossMigrant
		benefits []models.BenefitRecipient
		deaths   []models.CrossDeath
		want     []found
	}{
		{name: "matched move, no item", migrants: []models.CrossMigrant{out("n", "51", "32", "2024-03-01"), in("n", "32", "51", "2024-03-05"), res("n", "32", "51")}},
		{name: "out, no landing", migrants: []models.CrossMigrant{out("n", "51", "32", "2024-03-01"), res("x", "32", "51")},
			want: []found{{KindOutNoLanding, "n", "", []string{"32", "51"}}}},
		{name: "out to a province that did not report", migrants: []models.CrossMigrant{out("n", "51", "44", "2024-03-01"), res("x", "32", "51")}},
		{name: "landed as resident only", migrants: []models.CrossMigrant{out("n", "51", "32", "2024-03-01"), res("n", "32", "51")}},
		{name: "in, no feedback, left again", migrants: []models.CrossMigrant{in("n", "32", "51", "2024-03-05"), res("x", "51", "32")},
			want: []found{{KindInNoFeedback, "n", "", []string{"51"}}}},
		{name: "in, no feedback, still resident: presumed double count", migrants: []models.CrossMigrant{in("n", "32", "51", "2024-03-05"), res("n", "32", "51"), res("x", "51", "44")},
			want: []found{{KindInNoFeedback, "n", "", []string{"51"}}, {KindDoubleCount, "n", "", []string{"32", "51"}}}},
		{name: "resident in two provinces", migrants: []models.CrossMigrant{res("n", "32", "44"), res("n", "51", "44")},
			want: []found{{KindDoubleCount, "n", "", []string{"32", "51"}}}},
		{name: "date conflict", migrants: []models.CrossMigrant{out("n", "51", "32", "2024-09-01"), in("n", "32", "51", "2024-03-05")},
			want: []found{{KindDateConflict, "n", "", []string{"32", "51"}}}},
		{name: "dates within tolerance", migrants: []models.CrossMigrant{out("n", "51", "32", "2024-01-20"), in("n", "32", "51", "2024-03-05")}},
		{name: "attribute conflict", migrants: []models.CrossMigrant{out("n", "51", "32", "2024-03-01"), attr},
			want: []found{{KindAttrConflict, "n", "", []string{"32", "51"}}}},
		{name: "eligible reward", benefits: []models.BenefitRecipient{reward("n", "51")}},
		{name: "eligible two daughters", benefits: []models.BenefitRecipient{twoGirls}},
		{name: "eligible special", benefits: []models.BenefitRecipient{special}},
		{name: "dead before the year", benefits: []models.BenefitRecipient{reward("n", "51")},
			deaths: []models.CrossDeath{{NationalID: "n", Province: "32", DeathDate: "2024-11-02", Source: "cremation"}},
			want:   []found{{KindDeadRecipient, "n", "", []string{"51"}}}},
		{name: "died during the year is paid", benefits: []models.BenefitRecipient{reward("n", "51")},
			deaths: []models.CrossDeath{{NationalID: "n", Province: "51", DeathDate: "2025-02-02", Source: "register"}}},
		{name: "paid in two provinces", benefits: []models.BenefitRecipient{reward("n", "51"), reward("n", "32")},
			want: []found{{KindPaidTwice, "n", "", []string{"32", "51"}}}},
		{name: "too young", benefits: []models.BenefitRecipient{older}, want: []found{{KindIneligible, "n", RuleAge, []string{"51"}}}},
		{name: "urban registration", benefits: []models.BenefitRecipient{urban}, want: []found{{KindIneligible, "n", RuleRegistration, []string{"51"}}}},
		{name: "three children", benefits: []models.BenefitRecipient{three}, want: []found{{KindIneligible, "n", RuleChildren, []string{"51"}}}},
		{name: "a son and a daughter", benefits: []models.BenefitRecipient{twoMixed}, want: []found{{KindIneligible, "n", RuleChildren, []string{"51"}}}},
		{name: "special, mother under 49", benefits: []models.BenefitRecipient{young}, want: []found{{KindIneligible, "n", RuleAge, []string{"51"}}}},
		{name: "special, child alive", benefits: []models.BenefitRecipient{alive}, want: []found{{KindIneligible, "n", RuleChildDied, []string{"51"}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Run(c.migrants, c.benefits, c.deaths, nil, asOf, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []found
			for _, it := range r.Items {
				got = append(got, found{it.Kind, it.NationalID, it.Rule, it.Provinces})
				if it.ID != ItemID(it.Kind, it.NationalID, itemParts(it)...) {
					t.Errorf("%s: ID %s is not derived from kind, pseudonym and parts", it.Kind, it.ID)
				}
				if len(it.Evidence) == 0 {
					t.Errorf("%s: no evidence", it.Kind)
				}
			}
			if !slices.EqualFunc(got, c.want, func(a, b found) bool {
				return a.kind == b.kind && a.nid == b.nid && a.rule == b.rule && slices.Equal(a.provinces, b.provinces)
			}) {
				t.Errorf("items %v, want %v", got, c.want)
			}
		})
	}
}

// itemParts rebuilds the discriminating parts of an item's ID.
func itemParts(it Item) []string {
	switch it.Kind {
	case KindOutNoLanding, KindDateConflict, KindAttrConflict:
		return []string{it.Evidence[0].Province, it.Evidence[0].Note[len("other "):]}
	case KindInNoFeedback:
		return []string{it.Provinces[0], it.Evidence[0].Province}
	case KindDeadRecipient:
		return []string{it.Provinces[0], it.Programme}
	case KindIneligible:
		return []string{it.Provinces[0], it.Programme, it.Rule}
	}
	return nil
}

// TestDeadEvidence: the dead-recipient item names the province and source
// of the death.
func TestDeadEvidence(t *testing.T) {
	r, err := Run(nil, []models.BenefitRecipient{reward("n", "51")},
		[]models.CrossDeath{{NationalID: "n", Province: "32", DeathDate: "2024-11-02", Source: "cremation"}}, nil, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev := r.Items[0].Evidence
	if len(ev) != 2 || ev[1].Province != "32" || ev[1].What != "cremation" || ev[1].Date != "2024-11-02" {
		t.Errorf("evidence %+v", ev)
	}
	if r.Cost.AtStakeDead != 960 {
		t.Errorf("at stake %v", r.Cost.AtStakeDead)
	}
}

// TestPopulationAndCost: the correction is the extra counts of persons
// resident in two provinces, stated beside the plain sum; the cost counts
// a person paid twice once.
func TestPopulationAndCost(t *testing.T) {
	ms := []models.CrossMigrant{
		res("a", "32", "44"), res("a", "51", "44"), res("a", "13", "44"), // three counts: two extra
		in("b", "32", "51", "2024-03-05"), res("b", "32", "51"), // presumed still counted in 51
		out("c", "51", "32", "2024-03-01"), in("c", "32", "51", "2024-03-04"), res("c", "32", "51"), // clean
	}
	bs := []models.BenefitRecipient{reward("p", "51"), reward("p", "32"), reward("q", "51")}
	bs[1].Amount = 1200 // the second province pays more
	r, err := Run(ms, bs, nil, nil, asOf, Options{Population: map[string]int64{"13": 100, "32": 1000, "51": 2000}})
	if err != nil {
		t.Fatal(err)
	}
	want := Population{PlainSum: 3100, DoubleCounted: 3, Corrected: 3097, Presumed: 1}
	if r.Population != want {
		t.Errorf("population %+v, want %+v", r.Population, want)
	}
	if r.Cost.PlainSum != 3120 || r.Cost.Cost != 2160 || r.Cost.Duplicated != 960 || r.Cost.Recipients != 2 || r.Cost.Year != 2025 {
		t.Errorf("cost %+v", r.Cost)
	}
}

// TestFeedbackRate: answered (confirmed or rejected) among sent, pending
// apart, median days from sending to answer, with the interval.
func TestFeedbackRate(t *testing.T) {
	sent := []Sent{
		{ItemID: "i1", Province: "51", Date: "2025-10-01"},
		{ItemID: "i2", Province: "51", Date: "2025-10-01"},
		{ItemID: "i3", Province: "51", Date: "2025-10-01"},
		{ItemID: "i4", Province: "51", Date: "2025-10-01"},
		{ItemID: "i5", Province: "32", Date: "2025-11-01"},
	}
	fb := []models.Feedback{
		{ItemID: "i1", Province: "51", Status: models.FeedbackConfirmed, Date: "2025-10-11"},
		{ItemID: "i2", Province: "51", Status: models.FeedbackRejected, Date: "2025-10-31"},
		{ItemID: "i3", Province: "51", Status: models.FeedbackPending, Date: "2025-10-05"},
		{ItemID: "i4", Province: "32", Status: models.FeedbackConfirmed, Date: "2025-10-05"}, // not addressed to 32
	}
	r, err := Run(nil, nil, nil, fb, asOf, Options{Sent: sent, Reporting: []string{"32", "51"}})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]ProvinceSummary{}
	for _, p := range r.Provinces {
		by[p.Province] = p
	}
	s := by["51"]
	if s.Feedback.Num != 2 || s.Feedback.Den != 4 || s.Feedback.Value != 0.5 || s.Pending != 1 || s.MedianDays != 20 {
		t.Errorf("51: %+v", s)
	}
	if !(s.Feedback.Lo < 0.5 && s.Feedback.Hi > 0.5 && s.Feedback.Lo > 0) {
		t.Errorf("51 interval %+v", s.Feedback)
	}
	if p := by["32"]; p.Feedback.Num != 0 || p.Feedback.Den != 1 || !math.IsNaN(p.MedianDays) {
		t.Errorf("32: %+v", p)
	}
}

// TestStableIDs: the same defect gets the same ID in another run with the
// records in another order, and feedback on it is attached.
func TestStableIDs(t *testing.T) {
	ms := []models.CrossMigrant{out("n", "51", "32", "2024-03-01"), res("x", "32", "51"), in("m", "32", "51", "2024-03-05")}
	a, err := Run(ms, nil, nil, nil, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ms)
	fb := []models.Feedback{{ItemID: a.Items[0].ID, Province: "51", Status: models.FeedbackConfirmed, Date: "2026-01-10"}}
	b, err := Run(ms, nil, nil, fb, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Items) != 2 || len(b.Items) != 2 || a.Items[0].ID != b.Items[0].ID || a.Items[1].ID != b.Items[1].ID {
		t.Fatalf("items differ: %+v vs %+v", a.Items, b.Items)
	}
	if b.Items[0].Feedback == nil || b.Items[0].Feedback.Status != models.FeedbackConfirmed {
		t.Errorf("feedback not attached: %+v", b.Items[0])
	}
}

// TestBadInput: a record without a pseudonym or with an unknown role is an
// error naming the province and record.
func TestBadInput(t *testing.T) {
	bad := out("", "51", "32", "2024-03-01")
	if _, err := Run([]models.CrossMigrant{bad}, nil, nil, nil, asOf, Options{}); err == nil {
		t.Error("empty pseudonym accepted")
	}
	bad = out("n", "51", "32", "2024-03-01")
	bad.Role = "moved"
	if _, err := Run([]models.CrossMigrant{bad}, nil, nil, nil, asOf, Options{}); err == nil {
		t.Error("unknown role accepted")
	}
	noYear := reward("n", "51")
	noYear.Year = 0
	if _, err := Run(nil, []models.BenefitRecipient{noYear}, nil, nil, asOf, Options{}); err == nil {
		t.Error("benefit record without a payment year accepted")
	}
	if _, err := Run(nil, nil, nil, nil, asOf, Options{ProjectYears: []int{2026}}); err == nil {
		t.Error("projection without projector accepted")
	}
}

// TestProjectionHook: the projector is called with the current cost.
func TestProjectionHook(t *testing.T) {
	r, err := Run(nil, []models.BenefitRecipient{reward("p", "51")}, nil, nil, asOf, Options{
		ProjectYears: []int{2026, 2027},
		Project:      func(y int, c Cost) (float64, error) { return c.Cost * float64(1+y-c.Year), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Projected) != 2 || r.Projected[0].Cost != 1920 || r.Projected[1].Cost != 2880 {
		t.Errorf("projected %+v", r.Projected)
	}
}
