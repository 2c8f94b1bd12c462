package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/store"
)

func TestRunOrderSkipAndErrors(t *testing.T) {
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, filepath.Join("..", "cube", "testdata", "tiny"))
	ctx := context.Background()

	var order []string
	var events, phases []string
	step := func(name string, err error) Step {
		return Step{Name: name, Run: func(ctx context.Context, st *store.Store, version int64) error {
			if version != v.ID {
				t.Errorf("%s got version %d, want %d", name, version, v.ID)
			}
			// Every post-step runs after the cube exists.
			if ok, herr := HasCube(ctx, st, version); herr != nil || !ok {
				t.Errorf("%s ran before the cube: %v %v", name, ok, herr)
			}
			order = append(order, name)
			return err
		}}
	}
	boom := errors.New("boom")
	opts := Options{
		Steps: []Step{step("quality", nil), step("linkage", boom), step("alerts", nil)},
		Hooks: []Step{step("report", nil)},
		Progress: func(e Event) {
			if e.Phase != "" {
				phases = append(phases, e.Step+": "+e.Phase)
				if len(events) != 1 {
					t.Errorf("phase %q after events %v: want it inside the cube step", e.Phase, events)
				}
				return
			}
			s := e.Step
			if e.Done {
				s += " done"
				if e.Skipped {
					s += " skipped"
				}
			}
			events = append(events, s)
		},
	}
	rep, err := Run(ctx, st, v.ID, opts)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "linkage: boom") {
		t.Fatalf("error %v, want linkage: boom wrapped", err)
	}
	if got := strings.Join(order, ","); got != "quality,linkage,alerts,report" {
		t.Errorf("order %s: a failing post-step must not stop the others", got)
	}
	if len(rep.Steps) != 5 || rep.Steps[0].Name != CubeStep || rep.Steps[0].Skipped || rep.Cube == nil || rep.Cube.ValueRows == 0 {
		t.Fatalf("report %+v: want the cube built first", rep)
	}
	if rep.Steps[2].Error == "" || rep.Steps[1].Error != "" {
		t.Errorf("step errors %+v", rep.Steps)
	}
	if events[0] != "cube" || events[1] != "cube done" || len(events) != 10 {
		t.Errorf("events %v", events)
	}
	// The cube reports its phases (the console shows them during a build
	// of a minute).
	if want := "cube: " + strings.Join([]string{cube.PhaseFacts, cube.PhaseRollup, cube.PhaseValues}, ",cube: "); strings.Join(phases, ",") != want {
		t.Errorf("cube phases %v, want %s", phases, want)
	}
	// The version stays published.
	if cur, err := st.Current(ctx, v.Scope); err != nil || cur.ID != v.ID {
		t.Errorf("current after a failing step: %v %v", cur, err)
	}

	// Second run: the cube exists and is skipped; the steps run again
	// (they are idempotent by contract).
	order, events = nil, nil
	opts.Steps = []Step{step("quality", nil)}
	opts.Hooks = nil
	rep, err = Run(ctx, st, v.ID, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Steps[0].Skipped || rep.Cube != nil || strings.Join(order, ",") != "quality" {
		t.Errorf("second run %+v order %v: want the cube skipped", rep.Steps, order)
	}
	if events[1] != "cube done skipped" {
		t.Errorf("events %v", events)
	}
}

func TestRunStopsWithoutCube(t *testing.T) {
	st := cubetest.OpenStore(t)
	ran := false
	_, err := Run(context.Background(), st, 999, Options{Steps: []Step{{Name: "quality", Run: func(context.Context, *store.Store, int64) error {
		ran = true
		return nil
	}}}})
	if err == nil || !strings.Contains(err.Error(), "cube") {
		t.Fatalf("error %v, want the cube step's", err)
	}
	if ran {
		t.Error("a post-step ran without a cube")
	}
}

// TestDefaultSteps runs the real engine steps on the fixture, twice.
func TestDefaultSteps(t *testing.T) {
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, filepath.Join("..", "cube", "testdata", "tiny"))
	for run := 1; run <= 2; run++ {
		rep, err := Run(context.Background(), st, v.ID, Options{})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		var names []string
		for _, s := range rep.Steps {
			names = append(names, s.Name)
		}
		if got := strings.Join(names, ","); got != "cube,linkage,quality,nowcast,completeness,sae,alerts" {
			t.Errorf("run %d: steps %s", run, got)
		}
		if rep.Steps[0].Skipped != (run == 2) {
			t.Errorf("run %d: cube skipped %v", run, rep.Steps[0].Skipped)
		}
	}
}

// TestDrop runs the whole pipeline, drops the version and checks that no
// table of any engine schema keeps a row of it.
func TestDrop(t *testing.T) {
	st := cubetest.OpenStore(t)
	ctx := context.Background()
	v := cubetest.Load(t, st, filepath.Join("..", "cube", "testdata", "tiny"))
	if _, err := Run(ctx, st, v.ID, Options{}); err != nil {
		t.Fatal(err)
	}
	count := func() map[string]int64 {
		rows, err := st.DB().QueryContext(ctx, `SELECT table_schema || '.' || table_name FROM information_schema.columns
			WHERE table_schema IN ('cube', 'quality', 'linkage', 'nowcast', 'alerts') AND column_name = 'version'`)
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, s)
		}
		rows.Close()
		n := map[string]int64{}
		for _, tb := range tables {
			var c int64
			if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+tb+` WHERE version = ?`, v.ID).Scan(&c); err != nil {
				t.Fatal(err)
			}
			if c > 0 {
				n[tb] = c
			}
		}
		return n
	}
	before := count()
	for _, schema := range []string{"cube.", "quality.", "linkage.", "nowcast.", "alerts."} {
		found := false
		for tb := range before {
			found = found || strings.HasPrefix(tb, schema)
		}
		if !found {
			t.Errorf("no %s table holds rows of version %d after the pipeline: %v", schema, v.ID, before)
		}
	}
	if err := Drop(ctx, st, v.ID); err != nil {
		t.Fatal(err)
	}
	if left := count(); len(left) > 0 {
		t.Errorf("rows of the dropped version left: %v", left)
	}
	if _, err := st.Version(ctx, v.ID); err == nil {
		t.Error("the version is still in the catalog")
	}
}
