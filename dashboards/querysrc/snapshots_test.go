package querysrc

import (
	"context"
	"testing"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/store"
)

// TestSnapshotsFromTheStore: the load report of the fixture's version as
// the store recorded it, with its cube.
func TestSnapshotsFromTheStore(t *testing.T) {
	st, v := tinyStore(t)
	s := tinyEngine(t, st).WithLoads(st)
	ss, err := s.Snapshots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 {
		t.Fatalf("%d snapshots, want 1", len(ss))
	}
	got := ss[0]
	in, acc, q := v.Totals()
	if got.Version != v.ID || got.Scope != v.Scope || !got.Current || got.Rows != in || got.Accepted != acc || got.Quarantined != q ||
		got.AsOf != v.AsOf.Format(time.DateOnly) || got.Cube == nil || len(got.Tables) != len(v.Tables) || got.Source != v.SourceDir {
		t.Errorf("snapshot %+v, want the store's version %+v with a cube", got, v)
	}
	for i, tb := range got.Tables {
		if tb.Table != v.Tables[i].Table || tb.Rows != v.Tables[i].RowsIn {
			t.Errorf("table %d: %+v, want %+v", i, tb, v.Tables[i])
		}
	}
	want, err := st.QuarantineSummary(context.Background(), v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Reasons) != len(want) {
		t.Errorf("reasons %+v, want the store's %+v", got.Reasons, want)
	}
}

// fakeCatalog is a LoadCatalog with fixed versions.
type fakeCatalog struct {
	vs      []*store.Version
	reasons map[int64][]store.ReasonCount
}

func (f fakeCatalog) Versions(context.Context, string) ([]*store.Version, error) { return f.vs, nil }
func (f fakeCatalog) QuarantineSummary(_ context.Context, v int64) ([]store.ReasonCount, error) {
	return f.reasons[v], nil
}

// TestSnapshotsCurrentAndReasons: the current version of each scope is
// the first the store lists (newest as-of, then id); reasons are asked
// for only when the version has quarantined or flagged rows.
func TestSnapshotsCurrentAndReasons(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 6, d, 0, 0, 0, 0, time.UTC) }
	cat := fakeCatalog{
		// Versions' order: scope, as-of descending, id descending.
		vs: []*store.Version{
			{ID: 4, Scope: "51", AsOf: day(30), Tables: []store.TableStats{{Table: "persons", RowsIn: 100, Accepted: 97, Quarantined: 3}}},
			{ID: 1, Scope: "51", AsOf: day(1), Tables: []store.TableStats{{Table: "persons", RowsIn: 50, Accepted: 50, Flagged: 2}}},
			{ID: 2, Scope: "monitoring", AsOf: day(30), Tables: []store.TableStats{{Table: "persons", RowsIn: 10, Accepted: 10}}},
		},
		reasons: map[int64][]store.ReasonCount{
			4: {{Table: "persons", Reason: "id_check_digit", Action: store.ActionQuarantined, Count: 3}},
			1: {{Table: "persons", Reason: "age_heaping", Action: store.ActionFlagged, Count: 2}},
			2: {{Table: "persons", Reason: "never asked", Count: 1}},
		},
	}
	s := tinySource(t).WithLoads(cat)
	ss, err := s.Snapshots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		v       int64
		current bool
		reasons int
		q       int64
	}
	want := []row{{4, true, 1, 3}, {2, true, 0, 0}, {1, false, 1, 0}}
	if len(ss) != len(want) {
		t.Fatalf("%d snapshots, want %d", len(ss), len(want))
	}
	for i, w := range want {
		g := ss[i]
		if g.Version != w.v || g.Current != w.current || len(g.Reasons) != w.reasons || g.Quarantined != w.q {
			t.Errorf("snapshot %d: %+v, want %+v", i, g, w)
		}
	}
	if r := ss[0].Reasons[0]; r != (dashboards.Reason{Table: "persons", Reason: "id_check_digit", Action: store.ActionQuarantined, Rows: 3}) {
		t.Errorf("reason %+v", r)
	}
}
