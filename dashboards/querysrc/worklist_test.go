package querysrc

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// linkedSource generates a 3,000-person snapshot with raised defect rates
// (so that duplicate and undead items exist), loads it, links it with
// engine/linkage and returns a source on it with store and keys, the
// store and the snapshot directory.
func linkedSource(t *testing.T) (*Source, *store.Store, string) {
	t.Helper()
	ctx := context.Background()
	cfg := synth.DefaultConfig()
	cfg.Persons, cfg.Months, cfg.Workers, cfg.Out = 3000, 12, 2, filepath.Join(t.TempDir(), "snap")
	d := synth.DefaultDefects()
	d.Duplicate, d.Undead = 0.02, 0.2
	cfg.Defects = d
	if _, err := synth.Generate(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	st := cubetest.OpenStore(t)
	keys := cubetest.Keys(t)
	rep, err := load.Load(ctx, st, cfg.Out, load.Options{Keys: keys, Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := linkage.Run(ctx, st, rep.Version.ID, linkage.Options{}); err != nil {
		t.Fatal(err)
	}
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return New(eng, tree).WithStore(st).WithKeys(keys), st, cfg.Out
}

// TestWorklistFromTheEngine lists a county's items masked, pages and
// filters them, records a verdict that the next list shows, and reveals an
// undead item: the identity is the generator's original record and the
// engine's audit (meta.reveal_audit) has a row for each field.
func TestWorklistFromTheEngine(t *testing.T) {
	s, st, snap := linkedSource(t)
	ctx := context.Background()
	if _, _, err := New(s.eng, s.tree).WithStore(st).Worklist(ctx, dashboards.WorklistFilter{Unit: "51"}); !errors.Is(err, dashboards.ErrNotAvailable) {
		t.Errorf("worklist without keys: %v, want ErrNotAvailable", err)
	}
	undead, n, err := s.Worklist(ctx, dashboards.WorklistFilter{Unit: "51", Kind: linkage.KindUndead, Limit: 1})
	if err != nil || len(undead) != 1 || n == 0 {
		t.Fatalf("undead items: %d of %d, %v", len(undead), n, err)
	}
	county := undead[0].Unit[:6]
	var want int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+linkage.ItemsTable+` WHERE starts_with(village, ?)`, county).Scan(&want); err != nil {
		t.Fatal(err)
	}
	all, total, err := s.Worklist(ctx, dashboards.WorklistFilter{Unit: county})
	if err != nil || total != want || len(all) != want {
		t.Fatalf("county %s: %d items of %d (%v), want %d", county, len(all), total, err, want)
	}
	for _, it := range all {
		if !strings.HasPrefix(it.Unit, county) || len(it.Unit) != 12 || it.Status != dashboards.ItemOpen || it.Version == 0 {
			t.Errorf("item %+v", it)
		}
		if it.NameMasked != "" && it.NameMasked != models.MaskName(it.NameMasked) || it.IDMasked != models.MaskIDNumber(it.IDMasked) {
			t.Errorf("item %s is not masked: %q %q", it.ID, it.NameMasked, it.IDMasked)
		}
	}
	page, total2, err := s.Worklist(ctx, dashboards.WorklistFilter{Unit: county, Offset: 1, Limit: 2})
	if err != nil || total2 != want || len(page) != min(2, want-1) || len(page) > 0 && page[0].ID != all[1].ID {
		t.Errorf("page 1+2: %d items of %d (%v)", len(page), total2, err)
	}

	it := undead[0]
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	got, err := s.SetWorkItemStatus(ctx, it.ID, dashboards.ItemVerified, "clerk", "visited", at)
	if err != nil || got.Status != dashboards.ItemVerified || got.StatusBy != "clerk" || got.StatusNote != "visited" || got.StatusAt == nil || !got.StatusAt.Equal(at) {
		t.Fatalf("set status: %+v, %v", got, err)
	}
	verified, nv, err := s.Worklist(ctx, dashboards.WorklistFilter{Unit: county, Status: dashboards.ItemVerified})
	if err != nil || nv != 1 || verified[0].ID != it.ID {
		t.Errorf("verified items of %s: %+v (%d, %v), want %s", county, verified, nv, err, it.ID)
	}
	if _, no, _ := s.Worklist(ctx, dashboards.WorklistFilter{Unit: county, Status: dashboards.ItemOpen}); no != want-1 {
		t.Errorf("open items of %s: %d, want %d", county, no, want-1)
	}
	if one, err := s.WorkItem(ctx, it.ID); err != nil || one.Status != dashboards.ItemVerified || one.Unit != it.Unit {
		t.Errorf("item %s: %+v, %v", it.ID, one, err)
	}

	idn, err := s.Reveal(ctx, it.ID, "operator", models.PurposeVerification, "home visit to the family")
	if err != nil {
		t.Fatal(err)
	}
	li, err := (&linkage.Service{Store: st, Keys: s.keys}).Item(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	var name, idNumber string
	if err := st.DB().QueryRowContext(ctx, `SELECT name, id_number FROM read_parquet(?) WHERE person_id = ?`,
		filepath.Join(snap, "persons.parquet"), li.PersonID).Scan(&name, &idNumber); err != nil {
		t.Fatal(err)
	}
	if idn.ItemID != it.ID || idn.Unit != it.Unit || idn.Name != name || idn.IDNumber != idNumber || name == "" {
		t.Errorf("revealed %+v, want %s %s of person %s in %s", idn, name, idNumber, li.PersonID, it.Unit)
	}
	if it.NameMasked != models.MaskName(name) || it.IDMasked != models.MaskIDNumber(idNumber) {
		t.Errorf("listed %q %q, masks of the original %q %q", it.NameMasked, it.IDMasked, models.MaskName(name), models.MaskIDNumber(idNumber))
	}
	var audited int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+store.AuditTable+` WHERE who = 'operator' AND record_key = ? AND why LIKE 'home visit%' AND purpose = 'verification' AND field IN ('name', 'id_number')`, li.PersonID).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("audit rows for the reveal: %d (%v), want 2 (name and ID number)", audited, err)
	}
	if _, err := s.WorkItem(ctx, "nothing"); !errors.Is(err, dashboards.ErrNotFound) {
		t.Errorf("unknown item: %v, want ErrNotFound", err)
	}
	if _, err := s.Reveal(ctx, "nothing", "operator", models.PurposeVerification, "a reason long enough"); !errors.Is(err, dashboards.ErrNotFound) {
		t.Errorf("reveal of an unknown item: %v, want ErrNotFound", err)
	}
}
