package synth

import (
	"context"
	"strings"
	"testing"
	"time"
)

// shockConfig is a small one-county run of 2025.
func shockConfig(t *testing.T, shocks []Shock) Config {
	cfg := DefaultConfig()
	cfg.Persons, cfg.Months, cfg.Workers = 40_000, 12, 1
	cfg.Counties = []string{"511703"}
	cfg.AsOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	cfg.Defects, cfg.NoSources = Defects{}, true
	cfg.Out = t.TempDir()
	cfg.Shocks = shocks
	return cfg
}

// TestShocks: halving births for the whole year halves the realised
// births against the same run without shock; an SRB of 300 triples the
// boys per girl; the shocks are recorded in the truth; bad shocks are
// rejected.
func TestShocks(t *testing.T) {
	if testing.Short() {
		t.Skip("generates three populations")
	}
	births := func(shocks []Shock) (male, female int, tr *Truth) {
		res, err := Generate(context.Background(), shockConfig(t, shocks))
		if err != nil {
			t.Fatal(err)
		}
		c := res.Truth.Counties[0].Realised
		return c.BirthsMale, c.BirthsFemale, res.Truth
	}
	m0, f0, tr0 := births(nil)
	if tr0.Shocks != nil {
		t.Errorf("truth without shocks records %v", tr0.Shocks)
	}
	half := []Shock{{County: "511703", From: "2025-01", Months: 12, Births: 0.5}}
	m1, f1, tr1 := births(half)
	if r := float64(m1+f1) / float64(m0+f0); r < 0.4 || r > 0.6 {
		t.Errorf("births factor 0.5: %d births against %d (ratio %.3f)", m1+f1, m0+f0, r)
	}
	if len(tr1.Shocks) != 1 || tr1.Shocks[0] != half[0] {
		t.Errorf("truth shocks %+v, want %+v", tr1.Shocks, half)
	}
	m2, f2, _ := births([]Shock{{County: "511703", From: "2025-01", Months: 12, SRB: 300}})
	if r := float64(m2) / float64(f2); r < 2.4 || r > 3.7 {
		t.Errorf("SRB 300: %d boys, %d girls (ratio %.2f; without shock %.2f)", m2, f2, r, float64(m0)/float64(f0))
	}
	for _, tc := range []struct {
		k    Shock
		want string
	}{
		{Shock{County: "511703", From: "2025-13", Months: 1, Births: 0.5}, "YYYY-MM"},
		{Shock{County: "5117", From: "2025-01", Months: 1, Births: 0.5}, "6-digit"},
		{Shock{County: "511703", From: "2025-01", Months: 0, Births: 0.5}, "months 0"},
		{Shock{County: "511703", From: "2025-01", Months: 1, Births: 1.5}, "births factor"},
		{Shock{County: "511703", From: "2025-01", Months: 1}, "neither"},
	} {
		cfg := shockConfig(t, []Shock{tc.k})
		if _, err := Generate(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.k, err, tc.want)
		}
	}
}
