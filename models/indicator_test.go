package models

import (
	"strings"
	"testing"
)

func TestDefaultCatalogCoversDomainIndicators(t *testing.T) {
	c := DefaultCatalog()
	// The indicators DOMAIN.md requires, by id.
	want := []string{"population", "cbr", "cdr", "rni", "asfr", "tfr", "mac", "srb",
		"share_order1", "share_order2", "share_order3plus", "policy_rate", "cpr", "imr", "e0",
		"share_0_14", "share_15_64", "share_60plus", "share_65plus", "median_age",
		"dependency_total", "dependency_child", "dependency_old", "aging_index", "sex_ratio",
		"household_size", "migrants_in", "migrants_out", "marriages", "women_15_49",
		"married_women_15_49", "timeliness", "eligible_reward", "eligible_special"}
	for _, id := range want {
		ind, ok := c.Get(id)
		if !ok {
			t.Errorf("catalog lacks %q", id)
			continue
		}
		if ind.FormulaZH == "" || ind.FormulaEN == "" || ind.Unit == "" {
			t.Errorf("%s: formula and unit are required, got %+v", id, ind)
		}
	}
	for _, ind := range c.All() {
		if ind.Kind == KindRate || ind.Kind == KindProportion {
			if ind.Interval == IntervalNone {
				t.Errorf("%s: a %s must carry an interval", ind.ID, ind.Kind)
			}
		}
	}
	srb, _ := c.Get("srb")
	if srb.Good != "range" || len(srb.Range) != 2 || srb.Range[0] != 103 || srb.Range[1] != 107 {
		t.Errorf("srb normal range = %v %v, want range 103–107", srb.Good, srb.Range)
	}
}

func TestMeasuresUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Measures {
		if seen[m.ID] {
			t.Errorf("measure %s twice", m.ID)
		}
		seen[m.ID] = true
	}
}

func TestCatalogLoadFile(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		wantErr string
	}{
		{"ratio of counts", `[{"id":"births_per_household","zh":"户均出生","en":"births per household","unit":"‰","kind":"ratio","numerator":"births","denominator":"households","scale":1000,"interval":"none","good":"none","formula_zh":"出生/户数","formula_en":"births/households"}]`, ""},
		{"unknown measure", `[{"id":"x","zh":"x","en":"x","unit":"%","kind":"ratio","numerator":"nope","denominator":"births","scale":100}]`, `unknown measure "nope"`},
		{"method not allowed", `[{"id":"x","zh":"x","en":"x","unit":"years","kind":"method","method":"e0"}]`, "may only define"},
		{"duplicate id", `[{"id":"cbr","zh":"x","en":"x","unit":"‰","kind":"rate","numerator":"births","denominator":"person_years","scale":1000}]`, "defined twice"},
		{"missing scale", `[{"id":"y","zh":"y","en":"y","unit":"%","kind":"proportion","numerator":"births_order1","denominator":"births"}]`, "scale is required"},
		{"unknown field", `[{"id":"y","zh":"y","en":"y","bogus":1}]`, "unknown field"},
		{"bad decimals", `[{"id":"y","zh":"y","en":"y","unit":"%","kind":"proportion","numerator":"births_order1","denominator":"births","scale":100,"decimals":9}]`, "decimals 9"},
		{"bad interval", `[{"id":"y","zh":"y","en":"y","unit":"%","kind":"proportion","numerator":"births_order1","denominator":"births","scale":100,"interval":"magic"}]`, "unknown interval"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultCatalog()
			n := len(c.All())
			err := c.LoadFile(strings.NewReader(tc.json), "my.json")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("LoadFile: %v", err)
				}
				if len(c.All()) != n+1 {
					t.Fatalf("catalog has %d indicators, want %d", len(c.All()), n+1)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "my.json") {
				t.Fatalf("LoadFile error = %v, want one naming my.json and containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestCatalogDecimals: counts print as integers, rates with the catalog's
// decimals; a catalog file may give decimals or take the default by kind.
func TestCatalogDecimals(t *testing.T) {
	c := DefaultCatalog()
	for _, ind := range c.All() {
		isCount := ind.Kind == KindCount || strings.HasPrefix(ind.ID, "worklist_")
		if base, ok := c.Get(ind.Base); ok && base.Kind == KindCount { // a count's variant (deaths_adj) is a count too
			isCount = true
		}
		if isCount && ind.Decimals != 0 {
			t.Errorf("%s (a count): decimals %d, want 0", ind.ID, ind.Decimals)
		}
		if !isCount && ind.Decimals == 0 {
			t.Errorf("%s (%s): decimals 0, want 1 or 2", ind.ID, ind.Kind)
		}
	}
	if tfr, _ := c.Get("tfr"); tfr.Decimals != 2 {
		t.Errorf("tfr decimals %d, want 2", tfr.Decimals)
	}
	file := `[{"id":"a","zh":"a","en":"a","unit":"persons","kind":"count","numerator":"births"},
	{"id":"b","zh":"b","en":"b","unit":"%","kind":"proportion","numerator":"births_order1","denominator":"births","scale":100},
	{"id":"c","zh":"c","en":"c","unit":"%","kind":"proportion","numerator":"births_order2","denominator":"births","scale":100,"decimals":0}]`
	if err := c.LoadFile(strings.NewReader(file), "f.json"); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int{"a": 0, "b": 2, "c": 0} {
		if ind, _ := c.Get(id); ind.Decimals != want {
			t.Errorf("%s: decimals %d, want %d", id, ind.Decimals, want)
		}
	}
}

func TestUnitLabel(t *testing.T) {
	c := DefaultCatalog()
	tests := []struct {
		id     string
		zh, en string
	}{
		{"births", "人", "persons"},
		{"tfr", "孩/妇女", "children per woman"},
		{"cbr", "‰", "‰"},
		{"person_years", "人年", "person-years"},
		{"worklist_duplicate", "条", "items"},
	}
	for _, tc := range tests {
		ind, ok := c.Get(tc.id)
		if !ok {
			t.Fatalf("no %s", tc.id)
		}
		if got := ind.UnitLabel(ZH); got != tc.zh {
			t.Errorf("%s zh unit %q, want %q", tc.id, got, tc.zh)
		}
		if got := ind.UnitLabel(EN); got != tc.en {
			t.Errorf("%s en unit %q, want %q", tc.id, got, tc.en)
		}
	}
	// Every unit of the shipped catalog reads in Chinese (no Latin letters).
	for _, ind := range c.All() {
		if u := ind.UnitLabel(ZH); strings.ContainsAny(strings.ToLower(u), "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s: Chinese unit %q has Latin letters", ind.ID, u)
		}
	}
}
