package alerts

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// syncStore opens an empty store with the alert tables.
func syncStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Dir: t.TempDir(), Threads: 1, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := EnsureSchema(ctx, st); err != nil {
		t.Fatal(err)
	}
	return st
}

// groupTree is a county with four townships and a city with two counties.
func groupTree(t *testing.T) *models.DivisionTree {
	t.Helper()
	tree, err := models.NewDivisionTree([]models.Division{
		{Code: "51", Name: "四川省"}, {Code: "5101", Name: "成都市"}, {Code: "510104", Name: "锦江区"}, {Code: "510105", Name: "青羊区"},
		{Code: "510104001", Name: "督院街街道"}, {Code: "510104002", Name: "盐市口街道"}, {Code: "510104003", Name: "春熙路街道"}, {Code: "510104004", Name: "书院街街道"},
		{Code: "510105001", Name: "少城街道"}, {Code: "510105002", Name: "草市街街道"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// cand is a candidate alert of rule r at division for period.
func cand(ev *evaluation, r *Rule, division string, l models.Level, period, colour string) Alert {
	a := ev.newAlert(r, division, l, "month", period)
	a.Colour, a.Condition, a.Value = colour, Above, 10
	a.ExplanationZH, a.ExplanationEN = division, division
	return a
}

// TestGroupAndSupersede: three townships of 锦江区 alerting on one rule
// and month become one grouped alert at the county, listing them, with
// the children linked and status grouped (not new); the two townships
// of 青羊区 (all its children, but only two) and a single township are
// not grouped. Alerts about months before the rule's current
// months are superseded, keep their history and leave the new list, and
// a superseded alert found again stays superseded. Before, each child
// and each old month was a separate new alert.
func TestGroupAndSupersede(t *testing.T) {
	ctx := context.Background()
	st := syncStore(t)
	rules := []Rule{}
	for _, r := range DefaultRules() {
		if r.ID == "births_aberration" {
			rules = append(rules, r)
		}
	}
	r := &rules[0]
	ev := &evaluation{st: st, db: st.DB(), version: 1, scope: "51", catalog: models.DefaultCatalog(), tree: groupTree(t),
		now: at(1), names: map[string]string{}, currentFrom: map[string]string{r.ID: "2025-09"}}
	cands := []Alert{
		cand(ev, r, "510104001", models.LevelTownship, "2025-11", Yellow),
		cand(ev, r, "510104002", models.LevelTownship, "2025-11", Orange),
		cand(ev, r, "510104003", models.LevelTownship, "2025-11", Yellow),
		cand(ev, r, "510105001", models.LevelTownship, "2025-11", Yellow),
		cand(ev, r, "510105002", models.LevelTownship, "2025-11", Yellow),
		cand(ev, r, "510104004", models.LevelTownship, "2025-10", Yellow),
		cand(ev, r, "510104004", models.LevelTownship, "2023-05", Red), // an old month
	}
	cands = ev.group(cands, map[string]*Rule{r.ID: r})
	res := &Result{ByColour: map[string]int{}}
	if _, err := ev.sync(ctx, cands, res); err != nil {
		t.Fatal(err)
	}
	all, err := List(ctx, st, Filter{Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 8 {
		t.Fatalf("%d alerts stored, want 7 and 1 grouped", len(all))
	}
	open, _ := List(ctx, st, Filter{Version: 1, Open: true})
	var got []string
	for _, a := range open {
		got = append(got, a.Division+" "+a.Period+" "+a.Colour)
	}
	want := []string{"510104 2025-11 orange", "510104004 2025-10 yellow", "510105001 2025-11 yellow", "510105002 2025-11 yellow"}
	if !slices.Equal(got, want) {
		t.Errorf("open alerts %q, want %q", got, want)
	}
	if res.New != 4 || res.Grouped != 3 || res.Superseded != 1 {
		t.Errorf("new %d grouped %d superseded %d, want 4, 3, 1", res.New, res.Grouped, res.Superseded)
	}
	gid := AlertID(r.ID+"#group", "510104", "2025-11")
	g, err := Get(ctx, st, gid, 1)
	if err != nil {
		t.Fatal(err)
	}
	if g.Value != 3 || g.Denominator != 4 || g.Level != models.LevelCounty || len(g.Children) != 3 {
		t.Errorf("grouped alert: value %v of %v, level %v, children %v", g.Value, g.Denominator, g.Level, g.Children)
	}
	for _, s := range []string{"3个下级单位（共4个）", "盐市口街道（橙色）", "督院街街道（黄色）", "春熙路街道（黄色）"} {
		if !strings.Contains(g.ExplanationZH, s) {
			t.Errorf("explanation %q lacks %q", g.ExplanationZH, s)
		}
	}
	if !strings.Contains(g.ExplanationEN, "3 of the 4 units below it raised alerts, the most severe orange") {
		t.Errorf("explanation %q", g.ExplanationEN)
	}
	child, _ := Get(ctx, st, AlertID(r.ID, "510104002", "2025-11"), 1)
	if child.Status != StatusGrouped || child.GroupID != gid || actions(child.History) != "raised,grouped" {
		t.Errorf("child: status %s group %s history %s", child.Status, child.GroupID, actions(child.History))
	}
	old, _ := Get(ctx, st, AlertID(r.ID, "510104004", "2023-05"), 1)
	if old.Status != StatusSuperseded || actions(old.History) != "raised,superseded" {
		t.Errorf("2023-05: status %s history %s", old.Status, actions(old.History))
	}
	for _, s := range []string{StatusSuperseded, StatusGrouped} {
		if err := (Filter{Status: s}).Validate(); err != nil {
			t.Error(err)
		}
	}

	// Re-evaluation with a later current window: 2025-10 is superseded now,
	// the 2023 alert found again stays superseded without a new event.
	ev.currentFrom[r.ID] = "2025-11"
	ev.now = at(2)
	res = &Result{ByColour: map[string]int{}}
	if _, err := ev.sync(ctx, cands, res); err != nil {
		t.Fatal(err)
	}
	o, _ := Get(ctx, st, AlertID(r.ID, "510104004", "2025-10"), 1)
	if o.Status != StatusSuperseded || actions(o.History) != "raised,superseded" {
		t.Errorf("2025-10 after the window moved: status %s history %s", o.Status, actions(o.History))
	}
	old, _ = Get(ctx, st, AlertID(r.ID, "510104004", "2023-05"), 1)
	if actions(old.History) != "raised,superseded" {
		t.Errorf("2023-05 history %s", actions(old.History))
	}
	if res.New != 0 {
		t.Errorf("re-evaluation: %d new", res.New)
	}
}

// TestIndicatorNames: a grouped alert names its indicator in words, for
// catalog indicators, cube measures and projected quantities alike; the
// rule id only when nothing else names it.
func TestIndicatorNames(t *testing.T) {
	ev := &evaluation{catalog: models.DefaultCatalog()}
	for _, tt := range []struct{ id, zh, en string }{
		{"tfr", "总和生育率", ""},
		{"school_6_11", "6-11岁（小学）人口", "population aged 6-11 (primary school)"},
		{"working_age", "15-59岁劳动年龄人口", "working-age population 15-59"},
		{"no_such_thing", "no_such_thing", "no_such_thing"},
	} {
		zh, en := ev.indicatorNames(&Rule{Indicator: tt.id})
		if zh != tt.zh || tt.en != "" && en != tt.en {
			t.Errorf("%s: names %q / %q, want %q / %q", tt.id, zh, en, tt.zh, tt.en)
		}
	}
}
