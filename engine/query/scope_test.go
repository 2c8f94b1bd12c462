package query_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// withScope copies the tiny fixture with another scope in its manifest.
func withScope(t *testing.T, sc string) string {
	t.Helper()
	dir := t.TempDir()
	ents, err := os.ReadDir(tiny)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(tiny, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "manifest.json" {
			b = []byte(strings.Replace(string(b), `"scope": {"kind": "province", "province": "51", "name": "51"}`, `"scope": `+sc, 1))
			if !strings.Contains(string(b), sc) {
				t.Fatal("manifest scope not replaced")
			}
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadCube loads and builds a snapshot.
func loadCube(t *testing.T, st *store.Store, dir string) int64 {
	t.Helper()
	v := cubetest.LoadWithDivisions(t, st, dir, otherVillage)
	if _, err := cube.Build(context.Background(), st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// The panel holds both counties of the fixture, whose rows are all in its
// scope; the division list has a third county, 510106 (otherVillage's,
// with no rows), so the panel covers neither the city 5101 nor the
// province.
const panelScope = `{"kind": "counties", "name": "monitoring", "counties": ["510104", "510105"]}`

// otherVillage is a village of a county the fixture has no rows of.
const otherVillage = "510106001001"

// TestScopeResolution: without a version, a query answers from a scope
// that covers the division completely (the province's own scope first);
// the monitoring panel, loaded later and so the newest cube, holds two of
// the three counties of city 5101 and answers for the province or city
// only when asked by version. The panel here holds the same persons as
// the province, so only the version tells which cube answered.
func TestScopeResolution(t *testing.T) {
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	prov := loadCube(t, st, tiny)
	panel := loadCube(t, st, withScope(t, panelScope))
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	tests := []struct {
		division     string
		version      int64
		want         int64
		wantScope    string
		wantChildren string
	}{
		{"51", 0, prov, "51", "5101"},
		{"5101", 0, prov, "51", "510104,510105"},
		{"510104", 0, prov, "51", "510104001"}, // both cover the county: the province's own scope first
		{"510105", 0, prov, "51", "510105002"},
		{"510104001001", 0, prov, "51", ""},
		{"51", panel, panel, "monitoring", "5101"}, // asked explicitly
		{"510104", panel, panel, "monitoring", "510104001"},
	}
	for _, tt := range tests {
		k := query.Key{Indicator: "population", Division: tt.division, Period: "2024", Version: tt.version}
		v, err := eng.Value(ctx, k)
		if err != nil {
			t.Errorf("%s (version %d): %v", tt.division, tt.version, err)
			continue
		}
		if v.Version != tt.want || v.Scope != tt.wantScope {
			t.Errorf("%s (version %d): answered from version %d scope %q, want %d %q", tt.division, tt.version, v.Version, v.Scope, tt.want, tt.wantScope)
		}
		ch, err := eng.Children(ctx, k)
		if err != nil {
			t.Errorf("children of %s: %v", tt.division, err)
			continue
		}
		for _, c := range ch {
			if c.Version != tt.want || c.Scope != tt.wantScope {
				t.Errorf("child %s of %s: version %d scope %q, want %d %q", c.Division, tt.division, c.Version, c.Scope, tt.want, tt.wantScope)
			}
		}
		if got := divisions(ch); got != tt.wantChildren {
			t.Errorf("children of %s: %s, want %s", tt.division, got, tt.wantChildren)
		}
	}
	if r, err := eng.Current("510104"); err != nil || r.Version != prov || r.ScopeKind != "province" {
		t.Errorf("Current(510104) = %+v, %v; want version %d", r, err, prov)
	}
	// The table of all counties without a version is the province's.
	vs, err := eng.Table(ctx, "population", models.LevelCounty, "", "2024", 0)
	if err != nil || len(vs) != 2 || vs[0].Version != prov {
		t.Errorf("table of counties: %+v, %v", vs, err)
	}
}

// TestScopeResolutionPanelOnly: with only the panel loaded, its county
// answers, its province and city give an error naming the panel, a county
// it does not hold an error naming the loaded scopes; a county list that
// holds every county of the division list covers the city and province.
func TestScopeResolutionPanelOnly(t *testing.T) {
	ctx := context.Background()
	st := cubetest.OpenStore(t)
	panel := loadCube(t, st, withScope(t, panelScope))
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	get := func(div string) (int64, error) {
		v, err := eng.Value(ctx, query.Key{Indicator: "population", Division: div, Period: "2024"})
		return v.Version, err
	}
	if ver, err := get("510104001"); err != nil || ver != panel {
		t.Errorf("township of the panel: version %d, %v; want %d", ver, err, panel)
	}
	for _, div := range []string{"51", "5101"} {
		_, err := get(div)
		if !errors.Is(err, query.ErrPartialScope) || !strings.Contains(err.Error(), "monitoring (version") {
			t.Errorf("%s: err = %v, want a partial-scope error naming the monitoring panel", div, err)
		}
	}
	if _, err := get("510106"); !errors.Is(err, query.ErrNoCube) || !strings.Contains(err.Error(), "loaded scopes: monitoring") {
		t.Errorf("510106: err = %v, want no cube, naming the loaded scopes", err)
	}
	anc, err := eng.Ancestors(ctx, query.Key{Indicator: "population", Division: "510104001", Period: "2024"})
	if err != nil || divisions(anc) != "510104" {
		t.Errorf("ancestors of a panel township: %s, %v; want only the county (the panel holds part of 5101 and 51)", divisions(anc), err)
	}
	// Every county of the division list: the whole city and province.
	pair := loadCube(t, st, withScope(t, `{"kind": "counties", "name": "pair", "counties": ["510104", "510105", "510106"]}`))
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for _, div := range []string{"51", "5101", "510105"} {
		if ver, err := get(div); err != nil || ver != pair {
			t.Errorf("%s with a complete county list: version %d, %v; want %d", div, ver, err, pair)
		}
	}
}
