package dashboards

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// fakeSource is the in-test Source: deterministic synthetic numbers for
// Sichuan (51) only, like the demo data. Village populations are drawn
// from a hash of the code and summed up the tree, so additive counts add
// up; rates come from those counts.
type fakeSource struct {
	tree   *models.DivisionTree
	cat    *models.Catalog
	pop    map[string]float64 // every unit of 51
	vills  map[string]float64 // villages below each unit
	mu     sync.Mutex
	alerts map[string]*Alert
	items  map[string]*WorkItem // worklist status changes by item id
	// records overrides Quality's record counts (small cells in tests)
	records map[string]int64
	calls   int // Values calls, for tests of caching behaviour
	// snapshots, when set, replaces the one version Snapshots lists.
	snapshots []Snapshot
	// reveals counts Reveal calls; past revealLimit (when set) Reveal
	// refuses like the engine's rate limit.
	reveals, revealLimit int
}

const fakeLatest = Period("2025-06")

func hash01(s string) float64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return float64(h.Sum64()%1_000_000) / 1_000_000
}

func newFakeSource() (*fakeSource, error) {
	tree, err := datasets.Divisions()
	if err != nil {
		return nil, err
	}
	f := &fakeSource{tree: tree, cat: models.DefaultCatalog(), pop: map[string]float64{}, vills: map[string]float64{}, alerts: map[string]*Alert{}}
	// A variant and a completeness figure as engine/dse will add them
	// (the real entries arrive with it): pages must lead with cbr_adj.
	for _, ind := range []models.Indicator{
		{ID: "cbr_adj", Decimals: 2, ZH: "出生率（调整后）", EN: "crude birth rate (adjusted)", Unit: "‰", Kind: models.KindStored, Base: "cbr", Variant: models.VariantAdjusted,
			Interval: models.IntervalPoissonExact, FormulaZH: "出生人数（双系统估计）/ 生存人年数 × 1000", FormulaEN: "births (dual-system estimate) / person-years × 1000"},
		{ID: "birth_reg_completeness", Decimals: 1, ZH: "出生登记完整率", EN: "birth registration completeness", Unit: "%", Kind: models.KindStored,
			Interval: models.IntervalWilson, Good: "up", FormulaZH: "登记出生 / 估计出生 × 100", FormulaEN: "registered births / estimated births × 100"},
	} {
		if _, ok := f.cat.Get(ind.ID); ok {
			continue // the real entry (engine/dse) is in the catalog
		}
		if err := f.cat.Add(ind); err != nil {
			return nil, err
		}
	}
	vs, err := tree.Descendants("51", models.LevelVillage)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		p := math.Round(200 + 1800*hash01(v.Code))
		for l := models.LevelProvince; l <= models.LevelVillage; l++ {
			f.pop[models.AncestorCode(v.Code, l)] += p
			f.vills[models.AncestorCode(v.Code, l)]++
		}
	}
	t0 := time.Date(2025, 6, 3, 8, 0, 0, 0, time.UTC)
	for _, a := range []Alert{
		{ID: "a-srb-5101", Rule: "srb_high", Level: AlertRed, Unit: "5101", Indicator: "srb", Threshold: ptr(107),
			ExplanationZH: "出生人口性别比112.4，95%区间108.9–116.0，高于107", ExplanationEN: "SRB 112.4, interval 108.9–116.0 lies above 107"},
		{ID: "a-tfr-510104", Rule: "tfr_low", Level: AlertYellow, Unit: "510104", Indicator: "tfr", Threshold: ptr(1.0), ExplanationZH: "总和生育率低于1.0", ExplanationEN: "TFR below 1.0"},
		{ID: "a-births-510104017", Rule: "births_aberration", Kind: "aberration", Condition: "below", Level: AlertBlue, Unit: "510104017", Indicator: "births", Threshold: ptr(30),
			ExplanationZH: "出生数远低于季节预期（EARS C2）", ExplanationEN: "births far below the seasonal expectation (EARS C2)"},
		{ID: "a-aging-5103", Rule: "aged_society", Level: AlertOrange, Unit: "5103", Indicator: "share_65plus", Threshold: ptr(14), ExplanationZH: "65岁及以上人口比重超过14%", ExplanationEN: "65+ share above 14 %"},
		{ID: "a-rni-510105", Rule: "rni_negative", Level: AlertYellow, Unit: "510105", Indicator: "rni", Threshold: ptr(0), ExplanationZH: "自然增长率为负", ExplanationEN: "natural growth negative"},
		{ID: "a-cdr-510104", Rule: "cdr_high", Level: AlertBlue, Unit: "510104", Indicator: "cdr", Threshold: ptr(9), Status: AlertResolved, ExplanationZH: "死亡率偏高", ExplanationEN: "death rate high"},
		// A grouped alert at Chengdu standing for three of its districts
		// (status grouped), and an SRB alert about a superseded year.
		{ID: "g-cpr-5101", Rule: "cpr_low", Kind: "threshold", Condition: "below", Level: AlertOrange, Unit: "5101", Indicator: "cpr",
			Children:      []string{"c-cpr-510104", "c-cpr-510105", "c-cpr-510106"}, // in code order, as alerts.Get lists them,
			ExplanationZH: "成都市2025年6月综合避孕率：3个下级单位（共20个）触发预警，最高橙色预警：锦江区（橙色）、金牛区（橙色）、青羊区（黄色）",
			ExplanationEN: "Chengdu, June 2025, contraceptive prevalence rate: 3 of the 20 units below it raised alerts, the most severe orange: Jinjiang (orange), Jinniu (orange), Qingyang (yellow)"},
		{ID: "c-cpr-510104", Rule: "cpr_low", Kind: "threshold", Condition: "below", Level: AlertOrange, Unit: "510104", Indicator: "cpr", Threshold: ptr(80), Status: AlertGrouped, GroupID: "g-cpr-5101",
			ExplanationZH: "锦江区综合避孕率低于80%的橙色预警线", ExplanationEN: "Jinjiang: contraceptive prevalence below the orange line of 80 %"},
		{ID: "c-cpr-510105", Rule: "cpr_low", Kind: "threshold", Condition: "below", Level: AlertYellow, Unit: "510105", Indicator: "cpr", Threshold: ptr(90), Status: AlertGrouped, GroupID: "g-cpr-5101",
			ExplanationZH: "青羊区综合避孕率低于90%的黄色预警线", ExplanationEN: "Qingyang: contraceptive prevalence below the yellow line of 90 %"},
		{ID: "c-cpr-510106", Rule: "cpr_low", Kind: "threshold", Condition: "below", Level: AlertOrange, Unit: "510106", Indicator: "cpr", Threshold: ptr(80), Status: AlertGrouped, GroupID: "g-cpr-5101",
			ExplanationZH: "金牛区综合避孕率低于80%的橙色预警线", ExplanationEN: "Jinniu: contraceptive prevalence below the orange line of 80 %"},
		{ID: "s-srb-5101", Rule: "srb_high", Kind: "threshold", Level: AlertYellow, Unit: "5101", Indicator: "srb", Threshold: ptr(107), Period: "2023", Status: AlertSuperseded,
			ExplanationZH: "成都市2023年出生人口性别比高于107", ExplanationEN: "Chengdu, 2023: SRB above 107"},
	} {
		a := a
		if a.Period == "" {
			a.Period = fakeLatest
		}
		if a.Status == "" {
			a.Status = AlertNew
		}
		a.Value = f.value(a.Indicator, a.Unit, a.Period)
		if a.Kind == "aberration" { // expected 1.6 × observed, detection bounds around it
			e := math.Round(*a.Value.Value * 1.6)
			a.Expected, a.Value.Lo, a.Value.Hi = &e, ptr(math.Round(e*0.75)), ptr(math.Round(e*1.3))
		}
		if len(a.Children) > 0 { // a grouped alert's value: children alerting of all
			kids, err := tree.Children(a.Unit)
			if err != nil {
				return nil, err
			}
			a.Value = Value{Indicator: a.Indicator, Unit: a.Unit, Period: a.Period, Value: ptr(float64(len(a.Children))),
				Numerator: ptr(float64(len(a.Children))), Denominator: ptr(float64(len(kids))), Lineage: a.Value.Lineage}
		}
		a.FirstSeen, a.LastSeen = t0.AddDate(0, -1, 0), t0
		a.History = []AlertEvent{{Time: a.FirstSeen, Action: "raised", Version: 2}, {Time: t0, Action: "seen", Version: 3}}
		if a.Status == AlertResolved {
			at := t0
			a.ResolvedAt = &at
			a.History[1].Action = "resolved"
		}
		f.alerts[a.ID] = &a
	}
	return f, nil
}

func (f *fakeSource) Divisions() *models.DivisionTree { return f.tree }
func (f *fakeSource) Catalog() *models.Catalog        { return f.cat }
func (f *fakeSource) LatestPeriod(context.Context) (Period, error) {
	return fakeLatest, nil
}

func ptr(v float64) *float64 { return &v }

// monthFactor varies counts over the calendar: a seasonal wave and a
// slow decline.
func monthFactor(p Period) float64 {
	y, m, _, _ := splitPeriod(string(p))
	t := float64(y*12+m) - 2025*12
	return (1 + 0.08*math.Sin(float64(m)/12*2*math.Pi)) * (1 + 0.002*t)
}

// fakeCompleteness is the share of a month's births and deaths the fake
// has registered: its last two months are still being registered
// (provisional, 初步数), like engine/nowcast's latest months.
func fakeCompleteness(m Period) float64 {
	switch m {
	case fakeLatest:
		return 0.6
	case fakeLatest.Shift(-1):
		return 0.9
	}
	return 1
}

// fakeFlows are the measures counted over a period's months (the others
// are stocks, taken at its last month); fakeLagged those registered late.
var fakeFlows = map[string]bool{"births": true, "deaths": true, "person_years": true, "births_male": true, "births_female": true}

// count returns measure id of unit in p: registered, or with eventual
// the count that will eventually be registered.
func (f *fakeSource) count(id, unit string, p Period, eventual bool) (float64, bool) {
	pop, ok := f.pop[unit]
	if !ok {
		return 0, false
	}
	if p.Kind() != Month {
		if !fakeFlows[id] {
			return f.count(id, unit, p.LastMonth(), eventual)
		}
		var sum float64
		for _, m := range p.Months() {
			c, _ := f.count(id, unit, m, eventual)
			sum += c
		}
		return sum, true
	}
	late := func(c float64) float64 {
		if eventual {
			return c
		}
		return math.Round(c * fakeCompleteness(p))
	}
	switch id {
	case "population":
		// every village gains or loses a whole number of people, so units add up
		y, m, _, _ := splitPeriod(string(p))
		return pop + f.vills[unit]*float64((y*12+m)%7-3), true
	case "births":
		return late(math.Round(pop * 0.0007 * monthFactor(p))), true
	case "deaths":
		return late(math.Round(pop * 0.00065 * (2 - monthFactor(p)))), true
	case "person_years":
		return pop / 12, true
	case "births_male":
		b, _ := f.count("births", unit, p, eventual)
		return math.Round(b * 0.52), true
	case "births_female":
		b, _ := f.count("births", unit, p, eventual)
		return b - math.Round(b*0.52), true
	case "pop_65plus":
		return math.Round(pop * (0.12 + 0.08*hash01(unit+"old"))), true
	case "migrant_population":
		return math.Round(pop * (0.05 + 0.2*hash01(unit+"mig"))), true
	}
	return math.Round(pop * 0.1 * hash01(unit+id)), true
}

// provisional reports whether p holds a month still being registered.
func fakeProvisional(p Period) bool {
	for _, m := range p.Months() {
		if fakeCompleteness(m) < 1 {
			return true
		}
	}
	return false
}

func (f *fakeSource) value(ind, unit string, p Period) Value {
	v := Value{Indicator: ind, Unit: unit, Period: p, Lineage: Lineage{Version: 3, Snapshot: "51 2025-06-30", Computed: time.Date(2025, 7, 2, 0, 0, 0, 0, time.UTC)}}
	if _, ok := f.pop[unit]; !ok {
		return v
	}
	// like engine/query: counts keep the registered value with the
	// nowcast beside it, rates use the nowcast numerator
	prov := fakeProvisional(p)
	c := func(id string) float64 { x, _ := f.count(id, unit, p, prov); return x }
	reg := func(id string) float64 { x, _ := f.count(id, unit, p, false); return x }
	rate := func(num, den float64, scale float64) {
		v.Numerator, v.Denominator = ptr(num), ptr(den)
		if den == 0 {
			return
		}
		r := num / den * scale
		se := math.Sqrt(math.Max(num, 1)) / den * scale
		v.Value, v.Lo, v.Hi = ptr(r), ptr(math.Max(0, r-1.96*se)), ptr(r+1.96*se)
	}
	switch ind {
	case "cbr", "cdr":
		num := map[string]string{"cbr": "births", "cdr": "deaths"}[ind]
		rate(c(num), c("person_years"), 1000)
		if prov {
			v.Provisional, v.Registered, v.Nowcast = true, ptr(reg(num)/c("person_years")*1000), v.Value
		}
	case "cbr_adj":
		// a variant as engine/dse would store it: births corrected for
		// under-registration (completeness 0.95)
		rate(c("births")/0.95, c("person_years"), 1000)
	case "birth_reg_completeness":
		v.Value, v.Lo, v.Hi = ptr(95), ptr(93), ptr(97)
	case "rni":
		r := (c("births") - c("deaths")) / c("person_years") * 1000
		v.Value, v.Lo, v.Hi = ptr(r), ptr(r-1), ptr(r+1)
	case "srb":
		m, fe := c("births_male"), c("births_female")
		rate(m, fe, 100)
		v.Provisional, v.Registered = prov, v.Value
	case "share_65plus":
		rate(c("pop_65plus"), c("population"), 100)
	case "tfr":
		r := 0.9 + 0.5*hash01(unit+"tfr")
		v.Value, v.Lo, v.Hi = ptr(r), ptr(r*0.9), ptr(r*1.1)
	default:
		indi, _ := f.cat.Get(ind)
		if indi.Variant != "" || ind == "death_reg_completeness" {
			break // of the variants and completeness figures the fake stores cbr_adj's alone
		}
		if indi.Kind == models.KindCount {
			v.Value = ptr(reg(ind))
			if prov && (ind == "births" || ind == "deaths") {
				e := c(ind)
				v.Provisional, v.Registered, v.Nowcast, v.NowcastLower, v.NowcastUpper = true, v.Value, ptr(e), ptr(math.Max(*v.Value, e*0.92)), ptr(e*1.08)
			}
		} else {
			r := 10 + 90*hash01(unit+ind)
			v.Value, v.Lo, v.Hi = ptr(r), ptr(r*0.95), ptr(r*1.05)
			v.Numerator, v.Denominator = ptr(math.Round(r)), ptr(100)
		}
	}
	if v.Value != nil && v.Numerator != nil && v.Lo != nil && *v.Numerator < 20 && ind != "srb" {
		v.Unreliable, v.ReliabilityReason = true, "few_events"
	}
	if ind == "srb" && v.Numerator != nil && v.Denominator != nil && *v.Numerator+*v.Denominator < 20 {
		v.Unreliable, v.ReliabilityReason = true, "few_events"
	}
	return v
}

func (f *fakeSource) Values(_ context.Context, ind string, units []string, p Period) ([]Value, error) {
	if _, ok := f.cat.Get(ind); !ok {
		return nil, fmt.Errorf("indicator %q: %w", ind, ErrNotFound)
	}
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	out := make([]Value, len(units))
	for i, u := range units {
		out[i] = f.value(ind, u, p)
	}
	return out, nil
}

func (f *fakeSource) Series(_ context.Context, ind, unit string, from, to Period) ([]Value, error) {
	var out []Value
	for p := from; p <= to; p = p.Shift(1) {
		out = append(out, f.value(ind, unit, p))
	}
	return out, nil
}

func (f *fakeSource) Pyramid(_ context.Context, unit string, p Period) (Pyramid, error) {
	pop, ok := f.pop[unit]
	if !ok {
		return Pyramid{}, fmt.Errorf("pyramid of %s: %w", unit, ErrNotFound)
	}
	py := Pyramid{Unit: unit, Period: p}
	var w []float64
	total := 0.0
	for a := 0; a <= 100; a++ {
		x := math.Exp(-math.Pow(float64(a)/75, 4)) * (1 + 0.25*math.Sin(float64(a)/9))
		w = append(w, x)
		total += 2 * x
	}
	for a := 0; a <= 100; a++ {
		py.Ages = append(py.Ages, a)
		py.Male = append(py.Male, math.Round(pop*w[a]/total*1.02))
		py.Female = append(py.Female, math.Round(pop*w[a]/total*0.98))
	}
	return py, nil
}

func (f *fakeSource) Panel(_ context.Context, ind string, p Period) ([]Value, Value, error) {
	var out []Value
	for _, mc := range datasets.MonitoringCounties() {
		v := f.value(ind, mc.Code, p)
		if v.Value == nil {
			// outside the fake's province: a plausible panel value
			v.Value = ptr(5 + 10*hash01(mc.Code+ind))
		}
		out = append(out, v)
	}
	nat := f.value(ind, "51", p)
	nat.Unit = models.NationCode
	return out, nat, nil
}

func (f *fakeSource) Alerts(_ context.Context, flt AlertFilter) ([]Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Alert
	for _, id := range sortedKeys(f.alerts) {
		a := f.alerts[id]
		in := len(flt.Units) == 0
		for _, u := range flt.Units {
			in = in || InScope(u, a.Unit)
		}
		if in && (flt.Level == "" || a.Level == flt.Level) && StatusMatches(flt.Status, a.Status) {
			out = append(out, *a)
		}
	}
	return out, nil
}

func sortedKeys(m map[string]*Alert) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func (f *fakeSource) Alert(_ context.Context, id string) (Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.alerts[id]
	if !ok {
		return Alert{}, fmt.Errorf("alert %q: %w", id, ErrNotFound)
	}
	return *a, nil
}

func (f *fakeSource) AcknowledgeAlert(_ context.Context, id, user, note string, at time.Time) (Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.alerts[id]
	if !ok {
		return Alert{}, fmt.Errorf("alert %q: %w", id, ErrNotFound)
	}
	if a.Status != AlertNew {
		return *a, fmt.Errorf("alert %q is %s", id, a.Status)
	}
	a.Status, a.AckBy, a.AckNote, a.AckAt = AlertAcknowledged, user, note, &at
	a.History = append(a.History, AlertEvent{Time: at, Action: "acknowledged", User: user, Note: note})
	return *a, nil
}

func (f *fakeSource) Quality(_ context.Context, units []string, p Period) ([]Quality, error) {
	out := make([]Quality, len(units))
	for i, u := range units {
		pop, ok := f.pop[u]
		q := Quality{Unit: u, Period: p}
		if ok {
			q.Records = int64(pop)
			if n, ok := f.records[u]; ok {
				q.Records = n
			}
			q.Completeness, q.Validity, q.CodeValidity = ptr(95+5*hash01(u+"c")), ptr(97+3*hash01(u+"v")), ptr(99)
			q.Consistency, q.Duplicates, q.Timeliness = ptr(98), ptr(2*hash01(u+"d")), ptr(85+15*hash01(u+"t"))
			q.Score = ptr(math.Round((*q.Completeness+*q.Validity+*q.Timeliness)/3*10) / 10)
			q.Worklists = map[string]int64{}
			items, _, _ := f.Worklist(context.Background(), WorklistFilter{Unit: u, Status: ItemOpen})
			for _, it := range items {
				q.Worklists[it.Kind]++
			}
		}
		out[i] = q
	}
	return out, nil
}

// fakePeople are the persons behind the worklist items: one per township
// of 510104 and 510105.
func (f *fakeSource) people(unit string) []Identity {
	var out []Identity
	for _, county := range []string{"510104", "510105"} {
		if !InScope(unit, county) && !InScope(county, unit) {
			continue
		}
		ts, _ := f.tree.Children(county)
		for i, t := range ts {
			if !InScope(unit, t.Code) {
				continue
			}
			idn, _ := models.GenerateIDNumber(county, time.Date(1980+i, 3, 14, 0, 0, 0, 0, time.UTC), 100+i)
			out = append(out, Identity{ItemID: "w-" + t.Code, Unit: t.Code, Name: "张" + strings.Repeat("伟", 1+i%2), IDNumber: idn})
		}
	}
	return out
}

// fakeKinds are the kinds of the people's items, by the township code's
// parity.
var fakeKinds = []string{"duplicate", "undead"}

func (f *fakeSource) item(p Identity) WorkItem {
	it := WorkItem{ID: p.ItemID, Kind: fakeKinds[int(p.Unit[len(p.Unit)-1]-'0')%2], Unit: p.Unit, NameMasked: models.MaskName(p.Name), IDMasked: models.MaskIDNumber(p.IDNumber),
		Detail: "two cards with the same ID number", Status: ItemOpen, Version: 3}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.items[it.ID]; ok {
		it = *c
	}
	return it
}

func (f *fakeSource) Worklist(_ context.Context, flt WorklistFilter) ([]WorkItem, int, error) {
	var all []WorkItem
	for _, p := range f.people(flt.Unit) {
		it := f.item(p)
		if (flt.Kind == "" || it.Kind == flt.Kind) && (flt.Status == "" || it.Status == flt.Status) {
			all = append(all, it)
		}
	}
	n := len(all)
	all = all[min(flt.Offset, n):]
	if flt.Limit > 0 && len(all) > flt.Limit {
		all = all[:flt.Limit]
	}
	return all, n, nil
}

func (f *fakeSource) WorkItem(_ context.Context, id string) (WorkItem, error) {
	for _, p := range f.people("51") {
		if p.ItemID == id {
			return f.item(p), nil
		}
	}
	return WorkItem{}, fmt.Errorf("worklist item %q: %w", id, ErrNotFound)
}

func (f *fakeSource) SetWorkItemStatus(ctx context.Context, id, status, user, note string, at time.Time) (WorkItem, error) {
	it, err := f.WorkItem(ctx, id)
	if err != nil {
		return it, err
	}
	it.Status, it.StatusBy, it.StatusNote, it.StatusAt = status, user, note, &at
	f.mu.Lock()
	if f.items == nil {
		f.items = map[string]*WorkItem{}
	}
	f.items[id] = &it
	f.mu.Unlock()
	return it, nil
}

func (f *fakeSource) Reveal(_ context.Context, id, user, purpose, reason string) (Identity, error) {
	if user == "" || reason == "" || purpose == "" {
		return Identity{}, fmt.Errorf("reveal %s: user, purpose and reason are required", id)
	}
	f.mu.Lock()
	f.reveals++
	n := f.reveals
	f.mu.Unlock()
	if f.revealLimit > 0 && n > f.revealLimit { // as engine/linkage refuses
		return Identity{}, &models.RevealError{Code: models.RevealRateLimited, Policy: models.RevealPolicy{Limit: f.revealLimit}}
	}
	for _, p := range f.people("51") {
		if p.ItemID == id {
			return p, nil
		}
	}
	return Identity{}, fmt.Errorf("worklist item %q: %w", id, ErrNotFound)
}

func (f *fakeSource) Snapshots(context.Context) ([]Snapshot, error) {
	if f.snapshots != nil {
		return f.snapshots, nil
	}
	return []Snapshot{{Version: 3, Scope: "51", AsOf: "2025-06-30", Loaded: time.Date(2025, 7, 1, 3, 0, 0, 0, time.UTC), Current: true, Rows: 1000, Accepted: 990, Quarantined: 10,
		Reasons: []Reason{{Table: "persons", Reason: "bad ID check character", Rows: 10}}}}, nil
}

func (f *fakeSource) ProjectionInput(ctx context.Context, unit string) (*projections.Input, error) {
	py, err := f.Pyramid(ctx, unit, fakeLatest)
	if err != nil {
		return nil, err
	}
	in := &projections.Input{Name: unit, BaseYear: 2025, Step: 1, OpenAge: 100, SRB: 106}
	in.Pop = [2][]float64{py.Male, py.Female}
	for s, sex := range []projections.Sex{projections.Male, projections.Female} {
		lt := projections.StandardLifeTable(sex)
		in.Mortality[s] = projections.Mortality{Ages: lt.Age, Mx: lt.Mx}
	}
	asfr := projections.StandardASFR()
	for i := range asfr {
		asfr[i] *= 1.1 / 1.5
	}
	in.ASFR = asfr
	return in, nil
}

// fakeReports is an in-memory monthly report archive.
type fakeReports struct{}

var fakeReportList = []ReportInfo{
	{ID: "r-51-2025-06", Unit: "51", Period: "2025-06", Title: "四川省人口形势分析月报 2025-06", Format: "html"},
	{ID: "r-5101-2025-06", Unit: "5101", Period: "2025-06", Title: "成都市人口形势分析月报 2025-06", Format: "html"},
	{ID: "r-510104-2025-06", Unit: "510104", Period: "2025-06", Title: "锦江区人口形势分析月报 2025-06", Format: "html"},
}

func (fakeReports) Reports(_ context.Context, unit string) ([]ReportInfo, error) {
	var out []ReportInfo
	for _, r := range fakeReportList {
		if InScope(unit, r.Unit) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (fakeReports) Open(_ context.Context, id string) (ReportInfo, io.ReadCloser, error) {
	for _, r := range fakeReportList {
		if r.ID == id {
			return r, io.NopCloser(strings.NewReader("<h1>" + r.Title + "</h1>")), nil
		}
	}
	return ReportInfo{}, nil, fmt.Errorf("report %q: %w", id, ErrNotFound)
}
