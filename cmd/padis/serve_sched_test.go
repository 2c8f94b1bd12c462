package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/query"
)

func TestSnapshotMonth(t *testing.T) {
	tests := []struct{ asOf, want string }{
		{"2025-12-31", "2025-12"}, // a month end: that month
		{"2025-12-30", "2025-11"}, // within a month: the month before
		{"2024-02-29", "2024-02"},
		{"2025-01-01", "2024-12"},
	}
	for _, tt := range tests {
		d, _ := time.Parse(time.DateOnly, tt.asOf)
		if got := snapshotMonth(d).String(); got != tt.want {
			t.Errorf("snapshotMonth(%s) = %s, want %s", tt.asOf, got, tt.want)
		}
	}
}

// TestServerScheduler: without configuration the server reports on every
// province with a cube, archived in DATA/reports, at 02:00 on the 3rd;
// a configuration file replaces that.
func TestServerScheduler(t *testing.T) {
	st := cubetest.OpenStore(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	tree := cubetest.Tree(t, map[string]bool{"510104001001": true, "510104001002": true, "510105002001": true})
	if s, err := serverScheduler(st, eng, tree, "", "", log); err != nil || s != nil {
		t.Fatalf("no cube: scheduler %v, %v; want none", s, err)
	}
	v := cubetest.Load(t, st, filepath.Join("..", "..", "engine", "cube", "testdata", "tiny"))
	if _, err := cube.Build(ctx, st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := serverScheduler(st, eng, tree, "", "", log)
	if err != nil {
		t.Fatal(err)
	}
	next := s.Schedule.Next(time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC))
	if !reflect.DeepEqual(s.Divisions, []string{"51"}) || s.Archive.Dir != filepath.Join(st.Config().Dir, "reports") ||
		s.Schedule.String() != "0 2 3 * *" || !next.Equal(time.Date(2026, 2, 3, 2, 0, 0, 0, time.UTC)) || s.NoAfterLoad {
		t.Errorf("default scheduler: divisions %v archive %s schedule %s next %s after-load %v", s.Divisions, s.Archive.Dir, s.Schedule, next, !s.NoAfterLoad)
	}
	cfg := filepath.Join(t.TempDir(), "report.json")
	os.WriteFile(cfg, []byte(`{"schedule":"30 1 5 * *","after_load":false,"divisions":["5101","510104"]}`), 0o644)
	s, err = serverScheduler(st, eng, tree, cfg, "/srv/reports", log)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Divisions, []string{"5101", "510104"}) || s.Archive.Dir != "/srv/reports" || s.Schedule.String() != "30 1 5 * *" || !s.NoAfterLoad {
		t.Errorf("configured scheduler: divisions %v archive %s schedule %s after-load %v", s.Divisions, s.Archive.Dir, s.Schedule, !s.NoAfterLoad)
	}
	os.WriteFile(cfg, []byte(`{"schedule":"61 * * * *","divisions":["51"]}`), 0o644)
	if _, err := serverScheduler(st, eng, tree, cfg, "", log); err == nil {
		t.Error("a bad schedule was accepted")
	}
}
