package alerts

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Counties of the generated fixture: births −30 % in 达川区 in
// September and October 2025, SRB 120 in 仪陇县 over the whole window,
// and two clean counties in other cities, 双流区 (成都市) and 安岳县
// (资阳市), on which the false-alarm rate is measured.
const (
	birthsCounty = "511703"
	srbCounty    = "511324"
)

var cleanCounties = []string{"510116", "512021"}

var fixtureShocks = []synth.Shock{
	{County: birthsCounty, From: "2025-09", Months: 2, Births: 0.7},
	{County: srbCounty, From: "2023-01", Months: 36, SRB: 120},
}

// fixture is a generated store shared by the tests of a run.
type fixture struct {
	st      *store.Store
	version int64
	truth   *synth.Result
	err     error
}

var (
	fixtures  = map[string]*fixture{}
	fixtureMu sync.Mutex
	tmpDirs   []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range fixtures {
		if f.st != nil {
			f.st.Close()
		}
	}
	for _, d := range tmpDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// generated returns a store holding a defect-free generated snapshot of
// four counties of province 51 (600 k persons, about 150 k each, 36
// months to 2025-12-31) with the shocks injected and the cube built.
func generated(t *testing.T, name string) *fixture {
	t.Helper()
	if testing.Short() {
		t.Skip("generated store: skipped with -short")
	}
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if f, ok := fixtures[name]; ok {
		if f.err != nil {
			t.Fatal(f.err)
		}
		return f
	}
	f := &fixture{}
	fixtures[name] = f
	f.err = func() error {
		// PADIS_ALERTS_FIXTURES keeps the generated stores in that
		// directory and reuses them in later runs (for development).
		keep := os.Getenv("PADIS_ALERTS_FIXTURES")
		dir := keep + "/" + name
		if keep != "" {
			if b, err := os.ReadFile(dir + "/version"); err == nil {
				st, err := store.Open(context.Background(), store.Config{Dir: dir + "/store", Threads: 2, MemoryLimit: "2GB"})
				if err != nil {
					return err
				}
				f.st = st
				_, err = fmt.Sscan(string(b), &f.version)
				return err
			}
			os.RemoveAll(dir)
		} else {
			d, err := os.MkdirTemp("", "padis-alerts-"+name)
			if err != nil {
				return err
			}
			dir = d
			tmpDirs = append(tmpDirs, dir)
		}
		cfg := synth.DefaultConfig()
		cfg.Persons, cfg.Months = 600_000, 36
		cfg.AsOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
		cfg.Defects, cfg.NoSources, cfg.Workers = synth.Defects{}, true, 2
		cfg.Out = dir + "/snap"
		cfg.Counties = append([]string{birthsCounty, srbCounty}, cleanCounties...)
		cfg.Shocks = fixtureShocks
		t0 := time.Now()
		res, err := synth.Generate(context.Background(), cfg)
		if err != nil {
			return err
		}
		f.truth = res
		t1 := time.Now()
		st, err := store.Open(context.Background(), store.Config{Dir: dir + "/store", Threads: 2, MemoryLimit: "2GB"})
		if err != nil {
			return err
		}
		f.st = st
		tree, err := datasets.Divisions()
		if err != nil {
			return err
		}
		rep, err := load.Load(context.Background(), st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
		if err != nil {
			return err
		}
		f.version = rep.Version.ID
		t2 := time.Now()
		if _, err := cube.Build(context.Background(), st, f.version, cube.Options{}); err != nil {
			return err
		}
		t.Logf("fixture %s: generate %s, load %s, cube %s", name, t1.Sub(t0).Round(time.Millisecond),
			t2.Sub(t1).Round(time.Millisecond), time.Since(t2).Round(time.Millisecond))
		if keep != "" {
			return os.WriteFile(dir+"/version", []byte(fmt.Sprint(f.version)), 0o644)
		}
		return nil
	}()
	if f.err != nil {
		t.Fatal(f.err)
	}
	return f
}

// TestShocksFound injects the two shocks and checks that the births
// aberration rule flags the −30 % months in 达川区 (low) and the SRB rule
// flags 仪陇县, while the other county raises neither.
func TestShocksFound(t *testing.T) {
	f := generated(t, "shock")
	ctx := context.Background()
	res, err := Evaluate(ctx, f.st, f.version, Options{Now: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("evaluation: %d candidates %v, skipped %v, steps %v", res.Candidates, res.ByColour, res.Skipped, res.Steps)
	births, err := List(ctx, f.st, Filter{Version: f.version, Rule: "births_aberration", Units: []string{birthsCounty}, Level: 3})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, a := range births {
		t.Logf("%s %s %s: %s", a.Division, a.Period, a.Colour, a.ExplanationEN)
		if a.Condition == Below {
			found[a.Period] = true
		}
	}
	if !found["2025-09"] && !found["2025-10"] {
		t.Errorf("births −30 %% in %s (2025-09, 2025-10) not flagged; county alerts: %d", birthsCounty, len(births))
	}
	srb, err := List(ctx, f.st, Filter{Version: f.version, Rule: "srb_high", Level: 3})
	if err != nil {
		t.Fatal(err)
	}
	srbFound := false
	for _, a := range srb {
		t.Logf("%s %s %s: %s", a.Division, a.Period, a.Colour, a.ExplanationZH)
		switch a.Division {
		case srbCounty:
			srbFound = true
		case birthsCounty:
			t.Errorf("SRB alert in the county without SRB shock: %+v", a)
		}
	}
	if !srbFound {
		t.Errorf("SRB 120 in %s not flagged", srbCounty)
	}
	// The other county's births are not flagged low in the shock months.
	other, err := List(ctx, f.st, Filter{Version: f.version, Rule: "births_aberration", Units: []string{srbCounty}, Level: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range other {
		if a.Period == "2025-09" || a.Period == "2025-10" {
			t.Errorf("births alert in the unshocked county: %s", a.ExplanationEN)
		}
	}
}

// falseAlarmBound is the documented bound (docs/alerts.md) on the share
// of judged unit-months with an aberration alert in the clean counties
// of the fixture (the counties, their townships and the two cities).
const falseAlarmBound = 0.01

// TestCleanFalseAlarms evaluates the aberration rules and counts, on the
// units not containing a shocked county, the share of judged unit-months
// that raise an alert.
func TestCleanFalseAlarms(t *testing.T) {
	f := generated(t, "shock")
	ctx := context.Background()
	var rules []Rule
	for _, r := range DefaultRules() {
		if r.Kind == KindAberration {
			r.Levels = []string{"city", "county", "township"}
			rules = append(rules, r)
		}
	}
	if err := Drop(ctx, f.st, f.version); err != nil {
		t.Fatal(err)
	}
	defer Drop(ctx, f.st, f.version)
	units := cleanCounties
	judged, alerts := 0, 0
	for _, u := range units {
		res, err := Evaluate(ctx, f.st, f.version, Options{Rules: rules, Now: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC),
			Units: []string{u[:4]}})
		if err != nil {
			t.Fatal(err)
		}
		list, err := List(ctx, f.st, Filter{Version: f.version, Kind: KindAberration, Open: true, Units: []string{u[:4]}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			judged += res.Tested[r.ID]
		}
		for _, a := range list {
			t.Logf("alert %s", a.ExplanationEN)
		}
		alerts += len(list)
	}
	if judged < 300 {
		t.Fatalf("only %d unit-months judged", judged)
	}
	rate := float64(alerts) / float64(judged)
	t.Logf("false-alarm rate %.4f (%d / %d unit-months)", rate, alerts, judged)
	if rate > falseAlarmBound {
		t.Errorf("false-alarm rate %.4f above the documented %.2f", rate, falseAlarmBound)
	}
}

// TestCountiesScopeLevels: the fixture is a scope of four scattered
// counties (kind "counties"), so its province and cities are sums of a
// few counties. Rules that fire on every unit (share 65+ above 0 %, the
// population 80+ projected above 0.0001 times its base) raise alerts on
// the four counties only, none on the province or a city.
func TestCountiesScopeLevels(t *testing.T) {
	f := generated(t, "shock")
	ctx := context.Background()
	v, err := f.st.Version(ctx, f.version)
	if err != nil {
		t.Fatal(err)
	}
	if v.ScopeDef.Kind != "counties" || len(v.ScopeDef.Counties) != 4 {
		t.Fatalf("fixture scope %+v, want 4 counties", v.ScopeDef)
	}
	if err := Drop(ctx, f.st, f.version); err != nil {
		t.Fatal(err)
	}
	defer Drop(ctx, f.st, f.version)
	tiny := 0.0001
	var rules []Rule
	for _, r := range DefaultRules() {
		switch r.ID {
		case "aging_65plus":
			r.Thresholds = Thresholds{Blue: &tiny}
		case "elderly_80plus_doubling":
			r.Thresholds = Thresholds{Blue: &tiny}
		default:
			continue
		}
		r.Levels = []string{"province", "city", "county"}
		rules = append(rules, r)
	}
	res, err := Evaluate(ctx, f.st, f.version, Options{Rules: rules, Now: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Coverage == "" {
		t.Error("no coverage note for a counties scope")
	}
	list, err := List(ctx, f.st, Filter{Version: f.version})
	if err != nil {
		t.Fatal(err)
	}
	counties := map[string]map[string]bool{}
	for _, a := range list {
		if a.Level < models.LevelCounty {
			t.Errorf("alert on %s (%s), a sum of a few counties: %s", a.Division, a.Level, a.ExplanationEN)
			continue
		}
		if counties[a.Rule] == nil {
			counties[a.Rule] = map[string]bool{}
		}
		counties[a.Rule][a.Division] = true
	}
	for _, r := range rules {
		if len(counties[r.ID]) != 4 {
			t.Errorf("%s: alerts on counties %v, want the 4 of the scope", r.ID, counties[r.ID])
		}
	}
}

// normRules are the shipped rules a clean population is expected to meet
// (its own seasonal history, a natural SRB, the usual targets of
// contraception, policy conformity, timeliness and data quality). The
// structural rules — share 65+, negative natural growth, low TFR and the
// projections — describe the population as it is: a clean but aged,
// low-fertility county is rightly flagged by them, so they are not false
// alarms.
func normRules() []Rule {
	var out []Rule
	for _, r := range DefaultRules() {
		switch {
		case r.Kind == KindAberration:
		case r.Kind == KindThreshold && !slices.Contains([]string{"aging_65plus", "natural_growth_negative", "tfr_low"}, r.ID):
		default:
			continue
		}
		out = append(out, r)
	}
	return out
}

// cleanAlarmBound is the documented bound (docs/alerts.md) on the share
// of judged unit-periods of a clean population that alert at any colour.
const cleanAlarmBound = 0.02

// uncalibrated are the norm rules whose judged behaviour the generator
// does not yet produce at published national levels (docs/alerts.md,
// "Not done"): its register CPR is 74–85 % (60–68 % in the default
// Sichuan data) against about 89 % nationally, its policy-conforming rate
// about 80 % and its registration timeliness below 90 % in many
// townships. They are measured and logged, held to "no red", but not to
// the 2 % bound until the generator is calibrated.
var uncalibrated = []string{"cpr_low", "policy_rate_low", "timeliness_low"}

// TestCleanPopulationAlerts evaluates every norm rule on the clean
// counties of the fixture (no shock injected in them) and their
// townships: none is red, and — for the rules other than the
// uncalibrated ones — at most 2 % of the judged unit-periods (threshold
// rules: every year, month … with enough events; aberration rules: every
// unit-month judged) raise an alert of any colour, superseded or not. The shocks of the other two counties are found by
// TestShocksFound on the same evaluation settings.
func TestCleanPopulationAlerts(t *testing.T) {
	f := generated(t, "shock")
	ctx := context.Background()
	if err := Drop(ctx, f.st, f.version); err != nil {
		t.Fatal(err)
	}
	defer Drop(ctx, f.st, f.version)
	rules := normRules()
	res, err := Evaluate(ctx, f.st, f.version, Options{Rules: rules, Now: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), Units: cleanCounties})
	if err != nil {
		t.Fatal(err)
	}
	list, err := List(ctx, f.st, Filter{Version: f.version, Units: cleanCounties})
	if err != nil {
		t.Fatal(err)
	}
	alerts := map[string]int{}
	for _, a := range list {
		if a.ID == AlertID(a.Rule+"#group", a.Division, a.Period) {
			continue // a grouped alert lists children counted already
		}
		alerts[a.Rule]++
		if a.Colour == Red {
			t.Errorf("red alert on a clean county: %s", a.ExplanationEN)
		}
	}
	judged, n := 0, 0
	for _, r := range rules {
		t.Logf("%-26s %5d judged %4d alerts", r.ID, res.Tested[r.ID], alerts[r.ID])
		if !slices.Contains(uncalibrated, r.ID) {
			judged += res.Tested[r.ID]
			n += alerts[r.ID]
		}
	}
	if judged < 600 {
		t.Fatalf("only %d unit-periods judged", judged)
	}
	rate := float64(n) / float64(judged)
	t.Logf("clean population, rules other than %v: %d alerts in %d judged unit-periods (%.2f %%); all rules %v",
		uncalibrated, n, judged, 100*rate, res.ByColour)
	if rate > cleanAlarmBound {
		t.Errorf("%.2f %% of judged unit-periods alert, above the documented %.0f %%", 100*rate, 100*cleanAlarmBound)
	}
}
