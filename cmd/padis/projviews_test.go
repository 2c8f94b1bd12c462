package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/padis/padis/dashboards/querysrc"
	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/dashboards/report/querysource"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/projections"
)

// TestOneProjectionFourViews projects province 51 of a generated store
// through the four paths that show a projection: `padis project
// --division` (its JSON), the projections page's source
// (dashboards/querysrc), the report's outlook (report/querysource) and
// the projection alerts (engine/alerts), and requires identical numbers:
// population by year, births, deaths, net migrants and births by the
// mother's age (the outlook carries the population series only). Before
// the one builder the page and the report left migration out and the
// alerts used 12 months of cube counts, so they disagreed with the CLI.
func TestOneProjectionFourViews(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a snapshot")
	}
	for _, k := range []string{"PADIS_KEY", "PADIS_KEY_FILE", "PADIS_DATA", "PADIS_TEMP_DIR", "PADIS_THREADS", "PADIS_MEMORY_LIMIT"} {
		t.Setenv(k, "")
	}
	const years = 30
	ctx := context.Background()
	cfg := synth.DefaultConfig()
	cfg.Persons, cfg.Months, cfg.Workers, cfg.Seed = 8000, 36, 2, 5
	cfg.AsOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	cfg.Defects, cfg.NoSources = synth.Defects{}, true
	cfg.Out = filepath.Join(t.TempDir(), "snap")
	if _, err := synth.Generate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "data")
	openStore := func() *store.Store {
		st, err := store.Open(ctx, store.Config{Dir: data, Threads: 2, MemoryLimit: "1GB"})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := openStore()
	rep, err := load.Load(ctx, st, cfg.Out, load.Options{Keys: cubetest.Keys(t), Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	version := rep.Version.ID
	if _, err := cube.Build(ctx, st, version, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// The CLI, with its defaults.
	out, errs, code := runProjCmd(t, "project", "--division", "51", "--data", data, "--years", "30", "--format", "json")
	if code != 0 {
		t.Fatalf("padis project: exit %d: %s", code, errs)
	}
	var cli projections.Result
	if err := json.Unmarshal([]byte(out), &cli); err != nil {
		t.Fatal(err)
	}

	st = openStore()
	defer st.Close()
	eng, err := query.NewWithOptions(ctx, st, query.Options{NoMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	// The projections page: its source's input under the page's default
	// scenario (constant, the first it offers).
	in, err := querysrc.New(eng, tree).WithStore(st).ProjectionInput(ctx, "51")
	if err != nil {
		t.Fatal(err)
	}
	constant, _ := projections.BuiltinScenario(projections.ScenarioConstant)
	page, err := projections.Project(in, constant, years)
	if err != nil {
		t.Fatal(err)
	}
	// The report's outlook.
	rs := querysource.New(eng, tree)
	rs.Store = st
	outlook, err := rs.Outlook(ctx, "51", report.Month{Year: 2025, Month: 12}, years)
	if err != nil {
		t.Fatal(err)
	}
	// The projection alerts.
	projs, err := alerts.Projections(ctx, st, version, []string{"51"}, years)
	if err != nil {
		t.Fatal(err)
	}
	alert := projs["51"]
	if alert == nil {
		t.Fatal("the alerts path projected no province")
	}

	if len(cli.Years) != years+1 || cli.Years[0] != 2025 || cli.Flows[0].NetMigrants == 0 || len(cli.MotherAges) != 35 {
		t.Fatalf("CLI projection: years %v, net migrants %v, mother ages %v", cli.Years, cli.Flows[0].NetMigrants, cli.MotherAges)
	}
	for name, r := range map[string]*projections.Result{"page": page, "alerts": alert} {
		if len(r.Years) != len(cli.Years) {
			t.Fatalf("%s: %d years, CLI %d", name, len(r.Years), len(cli.Years))
		}
		for i, y := range cli.Years {
			if got, want := r.Indicators[i].Total, cli.Indicators[i].Total; got != want {
				t.Errorf("%s %d: total %v, CLI %v", name, y, got, want)
			}
		}
		for i, f := range cli.Flows {
			g := r.Flows[i]
			if g.Births != f.Births || g.Deaths != f.Deaths || g.NetMigrants != f.NetMigrants {
				t.Errorf("%s %d: births %v, deaths %v, net migrants %v; CLI %v, %v, %v", name, f.Year, g.Births, g.Deaths, g.NetMigrants, f.Births, f.Deaths, f.NetMigrants)
			}
			for a := range f.BirthsByMotherAge {
				if g.BirthsByMotherAge[a] != f.BirthsByMotherAge[a] {
					t.Errorf("%s %d: births to mothers aged %d %v, CLI %v", name, f.Year, cli.MotherAges[a], g.BirthsByMotherAge[a], f.BirthsByMotherAge[a])
				}
			}
		}
	}
	for i, y := range outlook.Years {
		if y != cli.Years[i] || outlook.Total[i] != cli.Indicators[i].Total || outlook.Aged65[i] != cli.Indicators[i].Age65Plus {
			t.Errorf("report %d: total %v, 65+ %v; CLI %d: %v, %v", y, outlook.Total[i], outlook.Aged65[i], cli.Years[i], cli.Indicators[i].Total, cli.Indicators[i].Age65Plus)
		}
	}
	t.Logf("province 51 (%d persons generated): %d total %.0f → %d total %.0f in all four views", cfg.Persons,
		cli.Years[0], cli.Indicators[0].Total, cli.Years[years], cli.Indicators[years].Total)
}
