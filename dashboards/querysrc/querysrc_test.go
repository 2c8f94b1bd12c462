package querysrc

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/engine/projinput"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// tinySource loads engine/cube's hand-built fixture (5 residents in
// 510104 and 8 in 510105 at the end of 2024), builds its cube and wraps
// the query engine.
func tinySource(t *testing.T) *Source {
	t.Helper()
	st, _ := tinyStore(t)
	return tinyEngine(t, st)
}

// tinyStore loads the fixture and builds its cube.
func tinyStore(t *testing.T) (*store.Store, *store.Version) {
	t.Helper()
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, filepath.Join("..", "..", "engine", "cube", "testdata", "tiny"))
	if _, err := cube.Build(context.Background(), st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	return st, v
}

// tinyTree is the division tree of the fixture's villages.
func tinyTree(t *testing.T) *models.DivisionTree {
	return cubetest.Tree(t, map[string]bool{"510104001001": true, "510104001002": true, "510105002001": true})
}

// tinyEngine opens a query engine on st (after whatever the test wrote
// into its cube) and wraps it.
func tinyEngine(t *testing.T, st *store.Store) *Source {
	t.Helper()
	eng, err := query.New(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return New(eng, tinyTree(t))
}

func TestSourceReadsTheCube(t *testing.T) {
	s := tinySource(t)
	ctx := context.Background()
	p, err := s.LatestPeriod(ctx)
	if err != nil || p != "2024-12" {
		t.Fatalf("LatestPeriod = %q, %v; want 2024-12", p, err)
	}
	tests := []struct {
		ind   string
		units []string
		p     dashboards.Period
		want  []float64 // NaN: no value
	}{
		{"population", []string{"510104", "510105"}, "2024", []float64{5, 8}},
		{"population", []string{"5101"}, "2024", []float64{13}},
		{"population", []string{"51", "52", "00"}, "2024", []float64{13, -1, -1}},
		{"pop_65plus", []string{"510105", "510104"}, "2024-12", []float64{2, 1}},
		{"population", []string{"510104001", "510105002"}, "2024", []float64{5, 8}},
	}
	for _, tt := range tests {
		vs, err := s.Values(ctx, tt.ind, tt.units, tt.p)
		if err != nil {
			t.Fatalf("Values(%s, %v): %v", tt.ind, tt.units, err)
		}
		for i, v := range vs {
			switch {
			case tt.want[i] < 0 && v.Value != nil:
				t.Errorf("%s %s %s = %v, want no value", tt.ind, tt.units[i], tt.p, *v.Value)
			case tt.want[i] >= 0 && (v.Value == nil || *v.Value != tt.want[i]):
				t.Errorf("%s %s %s = %v, want %v", tt.ind, tt.units[i], tt.p, v.Value, tt.want[i])
			case tt.want[i] >= 0 && (v.Lineage.Version == 0 || v.Lineage.Snapshot != "51 2024-12-31" || v.Unit != tt.units[i]):
				t.Errorf("%s %s lineage %+v", tt.ind, tt.units[i], v.Lineage)
			}
		}
	}
	cbr, _ := s.Values(ctx, "cbr", []string{"510104"}, "2024")
	if cbr[0].Value == nil || cbr[0].Numerator == nil || *cbr[0].Numerator != 2 || cbr[0].Lo == nil || *cbr[0].Lo >= *cbr[0].Value {
		t.Errorf("cbr of 510104: %+v, want 2 births with an interval", cbr[0])
	}
	// The API value carries engine/cube's reliability flag and the scope.
	if !cbr[0].Unreliable || cbr[0].ReliabilityReason != cube.ReasonFewEvents || cbr[0].Lineage.Scope != "51" {
		t.Errorf("cbr of 510104 from 2 births: unreliable %v (%q), scope %q; want unreliable (few_events), scope 51",
			cbr[0].Unreliable, cbr[0].ReliabilityReason, cbr[0].Lineage.Scope)
	}
	if pop, _ := s.Values(ctx, "population", []string{"510104"}, "2024"); pop[0].Unreliable {
		t.Errorf("a count is not judged: %+v", pop[0])
	}
	ser, err := s.Series(ctx, "births", "510104", "2023-12", "2024-03")
	if err != nil || len(ser) != 4 || ser[0].Value != nil || ser[2].Value == nil || *ser[2].Value != 1 || ser[3].Value == nil || *ser[3].Value != 0 {
		t.Errorf("births series %+v, %v: want none in 2023-12, 1 in 2024-02, 0 in 2024-03", ser, err)
	}
	py, err := s.Pyramid(ctx, "510105", "2024-12")
	if err != nil || len(py.Ages) != 101 {
		t.Fatalf("pyramid: %v", err)
	}
	total := 0.0
	for i := range py.Male {
		total += py.Male[i] + py.Female[i]
	}
	if total != 8 {
		t.Errorf("pyramid of 510105 sums to %v, want 8", total)
	}
	// Without the store, no projection input (it is built from the
	// store's persons and events, not the cube).
	if _, err := s.ProjectionInput(ctx, "510105"); !errors.Is(err, dashboards.ErrNotAvailable) {
		t.Errorf("projection input without a store: %v, want ErrNotAvailable", err)
	}
	if _, err := s.Alerts(ctx, dashboards.AlertFilter{}); !errors.Is(err, dashboards.ErrNotAvailable) {
		t.Errorf("alerts: %v, want ErrNotAvailable", err)
	}
	snaps, _ := s.Snapshots(ctx)
	if len(snaps) != 1 || !snaps[0].Current || snaps[0].Scope != "51" {
		t.Errorf("snapshots %+v", snaps)
	}
}

// TestProjectionInputFromTheStore checks that the page's projection input
// is projinput.FromStore's with the defaults, from the version the page
// reads, and that the unit's residents are its base population.
func TestProjectionInputFromTheStore(t *testing.T) {
	st, v := tinyStore(t)
	s := tinyEngine(t, st).WithStore(st)
	ctx := context.Background()
	in, err := s.ProjectionInput(ctx, "510105")
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := projinput.FromStore(ctx, st, v.ID, "510105", projinput.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("page input %+v, want projinput.FromStore's %+v", in, want)
	}
	if pop := floats.Sum(in.Pop[0]) + floats.Sum(in.Pop[1]); in.BaseYear != 2024 || pop != 8 {
		t.Errorf("base year %d, population %v; want 2024, the 8 residents of 510105", in.BaseYear, pop)
	}
}

// TestSourceProvisional checks that an API value of a month the nowcast
// step marked provisional carries registered, nowcast and its interval.
func TestSourceProvisional(t *testing.T) {
	st, v := tinyStore(t)
	ctx := context.Background()
	if _, err := nowcast.Run(ctx, st, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM `+nowcast.Table+`;
INSERT INTO `+nowcast.Table+` VALUES (?, '510104', 3, 'births', '2024-02', 1, 1.5, 1, 4, 0.66, true, '51')`, v.ID); err != nil {
		t.Fatal(err)
	}
	s := tinyEngine(t, st)
	ser, err := s.Series(ctx, "births", "510104", "2024-01", "2024-03")
	if err != nil || len(ser) != 3 {
		t.Fatalf("series %+v, %v", ser, err)
	}
	p := ser[1]
	if !p.Provisional || p.Registered == nil || *p.Registered != 1 || p.Nowcast == nil || *p.Nowcast != 1.5 ||
		p.NowcastLower == nil || *p.NowcastLower != 1 || p.NowcastUpper == nil || *p.NowcastUpper != 4 {
		t.Errorf("2024-02: %+v, want provisional, registered 1, nowcast 1.5 [1, 4]", p)
	}
	if ser[0].Provisional || ser[2].Provisional || ser[2].Nowcast != nil {
		t.Errorf("complete months marked provisional: %+v %+v", ser[0], ser[2])
	}
}
