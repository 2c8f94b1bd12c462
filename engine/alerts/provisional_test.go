package alerts

import (
	"math"
	"testing"
	"time"

	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/models"
)

// TestProvisionalNotJudged checks that an aberration rule judging the
// latest month (skip_recent 0) alerts on a 40 % drop of the registered
// births, and does not when the nowcast step marked that month
// provisional: a count still being registered is not judged.
func TestProvisionalNotJudged(t *testing.T) {
	var rule Rule
	for _, r := range DefaultRules() {
		if r.ID == "births_aberration" {
			rule = r
		}
	}
	if rule.ID == "" {
		t.Fatal("no births_aberration rule")
	}
	zero := 0
	rule.SkipRecent = &zero
	const unit = "510104"
	s := &series{units: map[models.Level][]string{models.LevelCounty: {unit}}, counts: map[string]map[string][]float64{unit: {"births": nil}}}
	for m := 0; m < 36; m++ {
		s.months = append(s.months, monthLabel(2023, m))
		n := 200 + 20*math.Sin(float64(m)*2*math.Pi/12)
		if m == 35 {
			n = 120 // December 2025 registered by as-of: most of the month is still missing
		}
		s.counts[unit]["births"] = append(s.counts[unit]["births"], math.Round(n))
	}
	last := s.months[35]
	for _, tc := range []struct {
		name        string
		provisional map[string]nowcast.Row
		want        bool
	}{
		{"complete month judged", nil, true},
		{"provisional month not judged", map[string]nowcast.Row{nowcast.Key("births", unit, last): {Provisional: true}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := &evaluation{workers: 1, names: map[string]string{}, provisional: tc.provisional,
				tree: cubetest.Tree(t, map[string]bool{unit + "001001": true})}
			res := &Result{Tested: map[string]int{}}
			out, ok, err := ev.aberrationCandidates(&rule, s, res)
			if err != nil || !ok {
				t.Fatalf("aberration: %v %v", ok, err)
			}
			got := false
			for _, a := range out {
				got = got || a.Period == last
			}
			if got != tc.want {
				t.Errorf("alert on %s: %v, want %v (%d alerts)", last, got, tc.want, len(out))
			}
		})
	}
}

func monthLabel(y, m int) string {
	return time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}
