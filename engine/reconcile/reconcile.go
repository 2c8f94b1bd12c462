// Package reconcile is the national reconciliation of the records the
// provinces exchange (两级信息处理): cross-province migrants matched between
// origin and destination on the national pseudonym, benefit recipients
// checked against deaths anywhere, other provinces' rolls and the
// programme rules, and the worklists each province must answer, with the
// feedback rate (反馈率) and time to feedback per province.
//
// It works on plain slices of the exchange records (models/exchange.go)
// and needs no database: the national node feeds it what the packages
// carry, the tests feed it hand-made or generated records.
package reconcile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
)

// Kinds of worklist items.
const (
	KindOutNoLanding  = "out_no_landing"     // 流出未落地: moved out to a reporting province that has no record of the person
	KindInNoFeedback  = "in_no_feedback"     // 流入未反馈: moved in from a reporting province that has no out record
	KindDoubleCount   = "double_count"       // 重复统计: counted resident in two provinces
	KindDateConflict  = "date_conflict"      // the out and in dates of one move disagree
	KindAttrConflict  = "attribute_conflict" // sex or birth date differ between provinces
	KindDeadRecipient = "dead_recipient"     // paid for a year that began after the recipient's death
	KindPaidTwice     = "paid_twice"         // on the rolls of two provinces
	KindIneligible    = "ineligible"         // does not meet a rule of the programme (Item.Rule)
)

// Kinds lists the kinds in report order.
var Kinds = []string{KindOutNoLanding, KindInNoFeedback, KindDoubleCount, KindDateConflict, KindAttrConflict,
	KindDeadRecipient, KindPaidTwice, KindIneligible}

// KindNames are the Chinese names of the kinds, as the planning documents
// use them.
var KindNames = map[string]string{
	KindOutNoLanding: "流出未落地", KindInNoFeedback: "流入未反馈", KindDoubleCount: "重复统计",
	KindDateConflict: "日期冲突", KindAttrConflict: "属性冲突", KindDeadRecipient: "死亡仍发放",
	KindPaidTwice: "跨省重复发放", KindIneligible: "不符合条件",
}

// Programme rules (DOMAIN.md): 奖励扶助 from age 60 for rural-registered
// parents of one child or two daughters; 特别扶助 for parents whose only
// child died, mother aged 49 or over (the roll carries no disability flag).
const (
	RewardMinAge  = 60
	SpecialMinAge = 49
)

// Rules an ineligible item names.
const (
	RuleAge          = "age"
	RuleRegistration = "registration"
	RuleChildren     = "children"
	RuleChildDied    = "child_died"
	RuleProgramme    = "programme"
)

// Evidence is one record behind an item, named by province and role or
// source and the province's own record key; never personal data.
type Evidence struct {
	Province  string `json:"province"`
	What      string `json:"what"` // migrant role, "roll", or death source
	Date      string `json:"date,omitempty"`
	RecordKey string `json:"record_key,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Item is one worklist item: a defect found at the centre, addressed to
// the provinces that must answer it.
type Item struct {
	ID         string     `json:"id"` // stable: derived from kind, pseudonym and rule
	Kind       string     `json:"kind"`
	NationalID string     `json:"nid"`
	Provinces  []string   `json:"provinces"` // who must answer, sorted
	Rule       string     `json:"rule,omitempty"`
	Programme  string     `json:"programme,omitempty"`
	Amount     float64    `json:"amount,omitempty"` // yuan at stake (benefit items)
	Evidence   []Evidence `json:"evidence"`
	// Feedback is the latest answer received on the item, if any.
	Feedback *models.Feedback `json:"feedback,omitempty"`
}

// ItemID derives the stable ID of an item: the first 16 hex digits of
// SHA-256 over kind, pseudonym and the discriminating parts (the rule of
// an ineligible item, the provinces of a migrant item), so that the same
// defect gets the same ID in every run until it is corrected.
func ItemID(kind, nid string, parts ...string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + nid + "\x00" + strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// Sent is an item sent to a province earlier, with the date it was sent.
type Sent struct {
	ItemID   string
	Province string
	Date     string // YYYY-MM-DD
}

// Projector projects the national benefit cost of a future year (for
// example from a cohort-component projection of the eligible cohorts).
type Projector func(year int, current Cost) (float64, error)

// Options tune a run.
type Options struct {
	// Reporting are the provinces that sent records; a move to or from a
	// province outside it cannot be checked. Empty: every province that
	// appears as a sender in the inputs.
	Reporting []string
	// DateTolerance is the largest difference in days between the out and
	// in dates of one move that is not a conflict (default 60).
	DateTolerance int
	// Sent are the items sent earlier, over which the feedback rates are
	// computed. Empty: the items of this run, sent on as-of.
	Sent []Sent
	// Population is each province's plain resident total, for the
	// national population without double counting.
	Population map[string]int64
	// Project, when set, gives the projected cost of ProjectYears.
	Project      Projector
	ProjectYears []int
}

// Rate is a proportion with its numerator, denominator and Wilson 95 %
// interval (NaN when the denominator is 0).
type Rate struct {
	Num   int     `json:"num"`
	Den   int     `json:"den"`
	Value float64 `json:"value"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
}

func newRate(k, n int) Rate {
	r := Rate{Num: k, Den: n, Value: math.NaN()}
	r.Lo, r.Hi = cube.Wilson(float64(k), float64(n))
	if n > 0 {
		r.Value = float64(k) / float64(n)
	}
	return r
}

// ProvinceSummary is one province's worklist and feedback figures.
type ProvinceSummary struct {
	Province string         `json:"province"`
	Items    int            `json:"items"`
	ByKind   map[string]int `json:"by_kind"`
	// Feedback: items answered (confirmed or rejected) among the items
	// sent; pending answers are counted in Pending, not as answered.
	Feedback Rate `json:"feedback_rate"`
	Pending  int  `json:"pending"`
	// MedianDays is the median time from sending to answer over the
	// answered items (NaN when none).
	MedianDays float64 `json:"median_days_to_feedback"`
}

// Population is the national population without double counting.
type Population struct {
	PlainSum      int64 `json:"plain_sum"`      // Σ province totals
	DoubleCounted int64 `json:"double_counted"` // extra counts of persons resident in two provinces
	Corrected     int64 `json:"corrected"`      // PlainSum − DoubleCounted
	// Presumed: of DoubleCounted, persons the centre presumes still
	// counted at the origin because it sent no out record (流入未反馈).
	Presumed int64 `json:"presumed"`
}

// Cost is the national benefit cost of a payment year.
type Cost struct {
	Year        int     `json:"year"`
	Recipients  int     `json:"recipients"`    // distinct (person, programme)
	PlainSum    float64 `json:"plain_sum"`     // Σ of every roll row
	Duplicated  float64 `json:"duplicated"`    // paid again by a second province
	Cost        float64 `json:"cost"`          // PlainSum − Duplicated
	Reward      float64 `json:"reward"`        // Cost of 奖励扶助
	Special     float64 `json:"special"`       // Cost of 特别扶助
	AtStakeDead float64 `json:"at_stake_dead"` // paid to recipients dead before the year
}

// YearCost is a projected cost.
type YearCost struct {
	Year int     `json:"year"`
	Cost float64 `json:"cost"`
}

// Result is the outcome of a run.
type Result struct {
	AsOf       string            `json:"as_of"`
	Reporting  []string          `json:"reporting"`
	Items      []Item            `json:"items"`
	Provinces  []ProvinceSummary `json:"provinces"`
	Population Population        `json:"population"`
	Cost       Cost              `json:"cost"`
	Projected  []YearCost        `json:"projected,omitempty"`
}

// Run reconciles the exchanged records as of asOf (the payment year of the
// benefit checks is asOf's year unless the records say otherwise).
func Run(migrants []models.CrossMigrant, benefits []models.BenefitRecipient, deaths []models.CrossDeath,
	feedback []models.Feedback, asOf time.Time, opt Options) (*Result, error) {
	if opt.DateTolerance <= 0 {
		opt.DateTolerance = 60
	}
	res := &Result{AsOf: asOf.Format(time.DateOnly), Reporting: reportingSet(opt.Reporting, migrants, benefits, deaths)}
	reporting := map[string]bool{}
	for _, p := range res.Reporting {
		reporting[p] = true
	}
	b := &builder{items: map[string]*Item{}}
	if err := b.migrants(migrants, reporting, opt.DateTolerance); err != nil {
		return nil, err
	}
	if err := b.benefits(benefits, deaths, asOf.Year(), &res.Cost); err != nil {
		return nil, err
	}
	for _, it := range b.items {
		slices.Sort(it.Provinces)
		it.Provinces = slices.Compact(it.Provinces)
		res.Items = append(res.Items, *it)
	}
	order := map[string]int{}
	for i, k := range Kinds {
		order[k] = i
	}
	sort.Slice(res.Items, func(i, j int) bool {
		a, c := res.Items[i], res.Items[j]
		if a.Kind != c.Kind {
			return order[a.Kind] < order[c.Kind]
		}
		return a.ID < c.ID
	})
	res.Provinces = summarise(res.Items, feedback, opt.Sent, res.Reporting, asOf)
	res.Population = population(opt.Population, b.doubles, b.presumed)
	for _, y := range opt.ProjectYears {
		if opt.Project == nil {
			return nil, fmt.Errorf("reconcile: projection years given without a projector")
		}
		c, err := opt.Project(y, res.Cost)
		if err != nil {
			return nil, fmt.Errorf("reconcile: project %d: %w", y, err)
		}
		res.Projected = append(res.Projected, YearCost{Year: y, Cost: c})
	}
	// attach the latest feedback to each item
	latest := map[string]models.Feedback{}
	for _, f := range feedback {
		if l, ok := latest[f.ItemID]; !ok || f.Date >= l.Date {
			latest[f.ItemID] = f
		}
	}
	for i := range res.Items {
		if f, ok := latest[res.Items[i].ID]; ok {
			res.Items[i].Feedback = &f
		}
	}
	return res, nil
}

// reportingSet returns the sorted reporting provinces: given, or every
// sender seen.
func reportingSet(given []string, migrants []models.CrossMigrant, benefits []models.BenefitRecipient, deaths []models.CrossDeath) []string {
	set := map[string]bool{}
	for _, p := range given {
		set[p] = true
	}
	if len(given) == 0 {
		for _, m := range migrants {
			set[m.Province] = true
		}
		for _, r := range benefits {
			set[r.Province] = true
		}
		for _, d := range deaths {
			set[d.Province] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// builder collects the items of a run.
type builder struct {
	items    map[string]*Item
	doubles  int64 // extra resident counts
	presumed int64 // of which presumed from missing out records
}

// add adds an item, or merges the provinces and evidence into the item
// with the same ID.
func (b *builder) add(it Item) {
	if have, ok := b.items[it.ID]; ok {
		have.Provinces = append(have.Provinces, it.Provinces...)
		have.Evidence = append(have.Evidence, it.Evidence...)
		return
	}
	b.items[it.ID] = &it
}

func migrantEvidence(m models.CrossMigrant) Evidence {
	return Evidence{Province: m.Province, What: m.Role, Date: m.EventDate, RecordKey: m.RecordKey, Note: "other " + m.OtherProvince}
}

// migrants matches the migrant records of each person.
func (b *builder) migrants(ms []models.CrossMigrant, reporting map[string]bool, tol int) error {
	byNID := map[string][]models.CrossMigrant{}
	for i, m := range ms {
		if m.NationalID == "" {
			return fmt.Errorf("reconcile: migrant record %d (province %s, key %s): empty national ID", i, m.Province, m.RecordKey)
		}
		switch m.Role {
		case models.MigrantOut, models.MigrantIn, models.MigrantResident:
		default:
			return fmt.Errorf("reconcile: migrant record %d (province %s, key %s): role %q", i, m.Province, m.RecordKey, m.Role)
		}
		byNID[m.NationalID] = append(byNID[m.NationalID], m)
	}
	nids := make([]string, 0, len(byNID))
	for n := range byNID {
		nids = append(nids, n)
	}
	slices.Sort(nids)
	for _, nid := range nids {
		recs := byNID[nid]
		has := func(prov, role string) *models.CrossMigrant {
			for i := range recs {
				if recs[i].Province == prov && (recs[i].Role == role || role == "" && recs[i].Role != models.MigrantOut) {
					return &recs[i]
				}
			}
			return nil
		}
		resident := map[string]*models.CrossMigrant{}
		for i := range recs {
			if recs[i].Role == models.MigrantResident && resident[recs[i].Province] == nil {
				resident[recs[i].Province] = &recs[i]
			}
		}
		counted := len(resident)
		presumed := 0
		presumedFrom := map[string]bool{}
		for i := range recs {
			m := recs[i]
			switch m.Role {
			case models.MigrantOut:
				if !reporting[m.OtherProvince] || m.OtherProvince == m.Province {
					continue
				}
				land := has(m.OtherProvince, "")
				if land == nil {
					b.add(Item{ID: ItemID(KindOutNoLanding, nid, m.Province, m.OtherProvince), Kind: KindOutNoLanding, NationalID: nid,
						Provinces: []string{m.Province, m.OtherProvince}, Evidence: []Evidence{migrantEvidence(m)}})
					continue
				}
				if in := has(m.OtherProvince, models.MigrantIn); in != nil && in.EventDate != "" && m.EventDate != "" {
					if d, err := daysBetween(m.EventDate, in.EventDate); err != nil {
						return fmt.Errorf("reconcile: %s/%s: %w", m.Province, m.RecordKey, err)
					} else if d > tol || d < -tol {
						b.add(Item{ID: ItemID(KindDateConflict, nid, m.Province, m.OtherProvince), Kind: KindDateConflict, NationalID: nid,
							Provinces: []string{m.Province, m.OtherProvince}, Evidence: []Evidence{migrantEvidence(m), migrantEvidence(*in)}})
					}
				}
				if land.Sex != m.Sex || land.BirthDate != m.BirthDate {
					b.add(Item{ID: ItemID(KindAttrConflict, nid, m.Province, m.OtherProvince), Kind: KindAttrConflict, NationalID: nid,
						Provinces: []string{m.Province, m.OtherProvince}, Evidence: []Evidence{migrantEvidence(m), migrantEvidence(*land)}})
				}
			case models.MigrantIn:
				if !reporting[m.OtherProvince] || m.OtherProvince == m.Province {
					continue
				}
				if has(m.OtherProvince, models.MigrantOut) != nil {
					continue
				}
				b.add(Item{ID: ItemID(KindInNoFeedback, nid, m.OtherProvince, m.Province), Kind: KindInNoFeedback, NationalID: nid,
					Provinces: []string{m.OtherProvince}, Evidence: []Evidence{migrantEvidence(m)}})
				// The origin sent no out record: it presumably still
				// counts the person, who is counted here too if still
				// resident and not already counted as resident there.
				if resident[m.Province] != nil && resident[m.OtherProvince] == nil && !presumedFrom[m.OtherProvince] {
					presumedFrom[m.OtherProvince] = true
					counted++
					presumed++
				}
			}
		}
		if counted >= 2 {
			var provs []string
			var ev []Evidence
			for p, r := range resident {
				provs = append(provs, p)
				ev = append(ev, migrantEvidence(*r))
			}
			for p := range presumedFrom {
				provs = append(provs, p)
				ev = append(ev, Evidence{Province: p, What: "no out record", Note: "presumed still counted"})
			}
			slices.Sort(provs)
			sort.Slice(ev, func(i, j int) bool { return ev[i].Province < ev[j].Province })
			b.add(Item{ID: ItemID(KindDoubleCount, nid), Kind: KindDoubleCount, NationalID: nid, Provinces: provs, Evidence: ev})
			b.doubles += int64(counted - 1)
			b.presumed += int64(min(presumed, counted-1))
		}
	}
	return nil
}

// daysBetween returns b − a in days for two YYYY-MM-DD dates.
func daysBetween(a, b string) (int, error) {
	ta, err := time.Parse(time.DateOnly, a)
	if err != nil {
		return 0, fmt.Errorf("date %q: %w", a, err)
	}
	tb, err := time.Parse(time.DateOnly, b)
	if err != nil {
		return 0, fmt.Errorf("date %q: %w", b, err)
	}
	return int(tb.Sub(ta).Hours() / 24), nil
}

// benefits checks the rolls against deaths, each other and the rules, and
// sums the cost of the payment year.
func (b *builder) benefits(rs []models.BenefitRecipient, deaths []models.CrossDeath, asOfYear int, cost *Cost) error {
	firstDeath := map[string]models.CrossDeath{}
	for _, d := range deaths {
		if d.NationalID == "" || d.DeathDate == "" {
			continue
		}
		if f, ok := firstDeath[d.NationalID]; !ok || d.DeathDate < f.DeathDate || d.DeathDate == f.DeathDate && d.Province+d.Source < f.Province+f.Source {
			firstDeath[d.NationalID] = d
		}
	}
	cost.Year = asOfYear
	type key struct{ nid, prog string }
	payers := map[key][]models.BenefitRecipient{}
	var keys []key
	for i, r := range rs {
		if r.NationalID == "" {
			return fmt.Errorf("reconcile: benefit record %d (province %s, key %s): empty national ID", i, r.Province, r.RecordKey)
		}
		if r.Year < 1900 {
			return fmt.Errorf("reconcile: benefit record %d (province %s, key %s): payment year %d", i, r.Province, r.RecordKey, r.Year)
		}
		if len(r.BirthDate) < 4 {
			return fmt.Errorf("reconcile: benefit record %d (province %s, key %s): birth date %q", i, r.Province, r.RecordKey, r.BirthDate)
		}
		cost.Year = r.Year
		k := key{r.NationalID, r.Programme}
		if payers[k] == nil {
			keys = append(keys, k)
		}
		payers[k] = append(payers[k], r)
	}
	slices.SortFunc(keys, func(a, c key) int { return strings.Compare(a.nid+a.prog, c.nid+c.prog) })
	paidProv := map[string]map[string]bool{} // nid → provinces paying any programme
	for _, k := range keys {
		rows := payers[k]
		cost.Recipients++
		kept := rows[0].Amount
		for _, r := range rows {
			cost.PlainSum += r.Amount
			kept = math.Max(kept, r.Amount)
			if paidProv[k.nid] == nil {
				paidProv[k.nid] = map[string]bool{}
			}
			paidProv[k.nid][r.Province] = true
		}
		cost.Cost += kept
		if k.prog == models.ProgrammeSpecial {
			cost.Special += kept
		} else {
			cost.Reward += kept
		}
		for _, r := range rows {
			yearStart := fmt.Sprintf("%04d-01-01", r.Year)
			if d, ok := firstDeath[r.NationalID]; ok && d.DeathDate < yearStart {
				b.add(Item{ID: ItemID(KindDeadRecipient, r.NationalID, r.Province, r.Programme), Kind: KindDeadRecipient, NationalID: r.NationalID,
					Provinces: []string{r.Province}, Programme: r.Programme, Amount: r.Amount,
					Evidence: []Evidence{{Province: r.Province, What: "roll", RecordKey: r.RecordKey},
						{Province: d.Province, What: d.Source, Date: d.DeathDate, Note: "death"}}})
				cost.AtStakeDead += r.Amount
			}
			if rule := ineligible(r); rule != "" {
				b.add(Item{ID: ItemID(KindIneligible, r.NationalID, r.Province, r.Programme, rule), Kind: KindIneligible, NationalID: r.NationalID,
					Provinces: []string{r.Province}, Rule: rule, Programme: r.Programme, Amount: r.Amount,
					Evidence: []Evidence{{Province: r.Province, What: "roll", RecordKey: r.RecordKey, Note: "rule " + rule}}})
			}
		}
	}
	cost.Duplicated = cost.PlainSum - cost.Cost
	for i, k := range keys {
		if len(paidProv[k.nid]) < 2 || i > 0 && keys[i-1].nid == k.nid {
			continue
		}
		var provs []string
		var ev []Evidence
		var amount float64
		for _, pk := range keys {
			if pk.nid != k.nid {
				continue
			}
			for _, r := range payers[pk] {
				provs = append(provs, r.Province)
				ev = append(ev, Evidence{Province: r.Province, What: "roll", RecordKey: r.RecordKey, Note: r.Programme})
				amount += r.Amount
			}
		}
		b.add(Item{ID: ItemID(KindPaidTwice, k.nid), Kind: KindPaidTwice, NationalID: k.nid, Provinces: provs, Amount: amount, Evidence: ev})
	}
	return nil
}

// ineligible returns the first rule of the programme the record fails
// ("" when eligible). Ages are reached in the payment year.
func ineligible(r models.BenefitRecipient) string {
	var by int
	fmt.Sscanf(r.BirthDate[:4], "%d", &by)
	age := r.Year - by
	switch r.Programme {
	case models.ProgrammeReward:
		switch {
		case !r.RuralReg:
			return RuleRegistration
		case age < RewardMinAge:
			return RuleAge
		case !(r.Children == 1 || r.Children == 2 && r.Daughters == 2):
			return RuleChildren
		}
	case models.ProgrammeSpecial:
		switch {
		case !r.ChildDied || r.Children > 0:
			return RuleChildDied
		case age < SpecialMinAge:
			return RuleAge
		}
	default:
		return RuleProgramme
	}
	return ""
}

// summarise counts the items per province and the feedback rates.
func summarise(items []Item, feedback []models.Feedback, sent []Sent, reporting []string, asOf time.Time) []ProvinceSummary {
	byProv := map[string]*ProvinceSummary{}
	get := func(p string) *ProvinceSummary {
		s, ok := byProv[p]
		if !ok {
			s = &ProvinceSummary{Province: p, ByKind: map[string]int{}}
			byProv[p] = s
		}
		return s
	}
	for _, p := range reporting {
		get(p)
	}
	for _, it := range items {
		for _, p := range it.Provinces {
			s := get(p)
			s.Items++
			s.ByKind[it.Kind]++
		}
	}
	if len(sent) == 0 {
		day := asOf.Format(time.DateOnly)
		for _, it := range items {
			for _, p := range it.Provinces {
				sent = append(sent, Sent{ItemID: it.ID, Province: p, Date: day})
			}
		}
	}
	type pk struct{ item, prov string }
	answer := map[pk]models.Feedback{}
	for _, f := range feedback {
		k := pk{f.ItemID, f.Province}
		if a, ok := answer[k]; !ok || f.Date >= a.Date {
			answer[k] = f
		}
	}
	answered := map[string]int{}
	nsent := map[string]int{}
	days := map[string][]float64{}
	for _, s := range sent {
		get(s.Province)
		nsent[s.Province]++
		f, ok := answer[pk{s.ItemID, s.Province}]
		if !ok {
			continue
		}
		if f.Status == models.FeedbackPending {
			byProv[s.Province].Pending++
			continue
		}
		answered[s.Province]++
		if d, err := daysBetween(s.Date, f.Date); err == nil {
			days[s.Province] = append(days[s.Province], float64(max(d, 0)))
		}
	}
	out := make([]ProvinceSummary, 0, len(byProv))
	for p, s := range byProv {
		s.Feedback = newRate(answered[p], nsent[p])
		s.MedianDays = median(days[p])
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Province < out[j].Province })
	return out
}

// median returns the median of v (NaN when empty).
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// population states the national total beside the plain sum.
func population(totals map[string]int64, doubles, presumed int64) Population {
	var p Population
	for _, n := range totals {
		p.PlainSum += n
	}
	p.DoubleCounted, p.Presumed = doubles, presumed
	p.Corrected = p.PlainSum - doubles
	return p
}

// jsonFloat is a float64 written as null when it is NaN or infinite (JSON
// has no NaN): an undefined rate or median reads as null.
type jsonFloat float64

// MarshalJSON writes f, or null when f is not finite.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// MarshalJSON writes the rate with null for the undefined value and bounds
// of an empty denominator.
func (r Rate) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Num   int       `json:"num"`
		Den   int       `json:"den"`
		Value jsonFloat `json:"value"`
		Lo    jsonFloat `json:"lo"`
		Hi    jsonFloat `json:"hi"`
	}{r.Num, r.Den, jsonFloat(r.Value), jsonFloat(r.Lo), jsonFloat(r.Hi)})
}

// MarshalJSON writes the summary with null for the median of no answer.
func (s ProvinceSummary) MarshalJSON() ([]byte, error) {
	type plain ProvinceSummary
	return json.Marshal(struct {
		plain
		MedianDays jsonFloat `json:"median_days_to_feedback"`
	}{plain(s), jsonFloat(s.MedianDays)})
}
