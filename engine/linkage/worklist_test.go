package linkage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// TestRunIdempotent: a second run with the same options is skipped and
// leaves the items unchanged; a forced run reproduces the same item ids.
func TestRunIdempotent(t *testing.T) {
	st, v := fixture(t)
	ctx := context.Background()
	ids := func() string {
		var s string
		if err := st.DB().QueryRowContext(ctx, `SELECT md5(string_agg(item_id || kind || evidence, ',' ORDER BY item_id)) FROM linkage.items WHERE version = ?`, v.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := Run(ctx, st, v.ID, Options{}); err != nil {
		t.Fatal(err)
	}
	first := ids()
	res, err := Run(ctx, st, v.ID, Options{})
	if err != nil || !res.Skipped {
		t.Fatalf("second run: skipped %v, %v", res != nil && res.Skipped, err)
	}
	if _, err := Run(ctx, st, v.ID, Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	if got := ids(); got != first {
		t.Error("a forced run changed the items")
	}
}

// TestMaskRevealExport checks that listed items are masked with the
// originals of their record, that a reveal returns the originals and is
// audited, and that the CSV export has a BOM and no plaintext identity.
func TestMaskRevealExport(t *testing.T) {
	st, v := fixture(t)
	ctx := context.Background()
	if _, err := Run(ctx, st, v.ID, Options{}); err != nil {
		t.Fatal(err)
	}
	svc := &Service{Store: st, Keys: fixKeys}
	for _, kind := range []string{KindUndead, KindUnregistered, KindUnregisteredBirth, KindDuplicate} {
		items, total, err := svc.List(ctx, Filter{Kind: kind, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if total == 0 || len(items) == 0 {
			t.Fatalf("%s: no items", kind)
		}
		it := items[0]
		id, err := svc.Reveal(ctx, it.ID, "tester", models.PurposeVerification, "unit test of the reveal")
		if err != nil {
			t.Fatal(err)
		}
		if kind != KindUnregisteredBirth && (id.Name == "" || id.IDNumber == "") {
			t.Errorf("%s: revealed %+v", kind, id)
		}
		if it.NameMasked != models.MaskName(id.Name) || it.IDMasked != models.MaskIDNumber(id.IDNumber) {
			t.Errorf("%s: masked %q %q, revealed %q %q", kind, it.NameMasked, it.IDMasked, id.Name, id.IDNumber)
		}
		var audited int
		st.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+store.AuditTable+` WHERE who = 'tester' AND record_key = ? AND outcome IN ('revealed', 'null')`, id.Record).Scan(&audited)
		if audited != 2 {
			t.Errorf("%s: %d audit records for %s, want 2 (name and ID number)", kind, audited, id.Record)
		}
		// The export of the item's township holds the masked values, never the originals.
		var buf bytes.Buffer
		n, err := svc.ExportCSV(ctx, Filter{Unit: it.Village[:9], Kind: kind}, &buf)
		if err != nil || n == 0 {
			t.Fatalf("%s: export %d, %v", kind, n, err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
			t.Error("export without BOM")
		}
		if id.IDNumber != "" && strings.Contains(buf.String(), id.IDNumber) || len([]rune(id.Name)) > 1 && strings.Contains(buf.String(), id.Name) {
			t.Errorf("%s: export holds a plaintext identity", kind)
		}
		recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
		if err != nil || len(recs) != n+1 {
			t.Fatalf("%s: export has %d records for %d items: %v", kind, len(recs), n, err)
		}
	}
	if _, err := svc.Reveal(ctx, "dup-nonexistent", "tester", models.PurposeVerification, "unit test of the reveal"); err == nil {
		t.Error("reveal of an unknown item succeeded")
	}
	items, _, _ := svc.List(ctx, Filter{Kind: KindUndead, Limit: 3})
	for _, bad := range [][2]string{{models.PurposeVerification, " "}, {models.PurposeVerification, "核实户口"}, {"", "unit test of the reveal"}, {"fun", "unit test of the reveal"}} {
		var re *models.RevealError
		if _, err := svc.Reveal(ctx, items[0].ID, "tester", bad[0], bad[1]); !errors.As(err, &re) {
			t.Errorf("reveal with purpose %q and reason %q: %v, want a RevealError", bad[0], bad[1], err)
		}
	}
	// The rate: at most Limit records per user and window, counted in
	// meta.reveal_audit (what "tester" revealed above counts).
	n, err := svc.revealedBy(ctx, "tester", time.Now().Add(-time.Hour))
	if err != nil || n < 3 {
		t.Fatalf("tester revealed %d records (%v), want at least 3", n, err)
	}
	svc.Policy = models.RevealPolicy{Limit: n + 1}
	if _, err := svc.Reveal(ctx, items[1].ID, "tester", models.PurposeVerification, "unit test of the rate"); err != nil {
		t.Errorf("reveal %d of a limit of %d: %v", n+1, n+1, err)
	}
	var re *models.RevealError
	if _, err := svc.Reveal(ctx, items[2].ID, "tester", models.PurposeVerification, "unit test of the rate"); !errors.As(err, &re) || re.Code != models.RevealRateLimited {
		t.Errorf("reveal %d of a limit of %d: %v, want refused", n+2, n+1, err)
	}
	if _, err := svc.Reveal(ctx, items[2].ID, "another", models.PurposeVerification, "unit test of the rate"); err != nil {
		t.Errorf("another user is limited by tester's reveals: %v", err)
	}
	svc.Now = func() time.Time { return time.Now().Add(2 * time.Hour) } // the window has passed
	if _, err := svc.Reveal(ctx, items[2].ID, "tester", models.PurposeVerification, "unit test of the rate"); err != nil {
		t.Errorf("reveal after the window: %v", err)
	}
	if res, err := pii.VerifyTableAudit(ctx, st.DB(), store.AuditTable, fixKeys.AuditKey()); err != nil || res.Break != nil || res.Seq < 10 {
		t.Errorf("the reveal audit chain: %+v %v", res, err)
	}
}

// TestStatusCarriesOver loads the same snapshot again as a later version
// (police re-encoded as CSV, as-of one month later): the items keep their
// ids, a verdict carries over, and an item corrected before the new as-of
// but still present is open again. The worklist indicators follow.
func TestStatusCarriesOver(t *testing.T) {
	st, v1 := fixture(t)
	ctx := context.Background()
	if _, err := Run(ctx, st, v1.ID, Options{}); err != nil {
		t.Fatal(err)
	}
	svc := &Service{Store: st, Keys: fixKeys}
	pick := func(kind string) Item {
		items, _, err := svc.List(ctx, Filter{Version: v1.ID, Kind: kind, Limit: 1})
		if err != nil || len(items) == 0 {
			t.Fatalf("%s: %v", kind, err)
		}
		return items[0]
	}
	undead, dup := pick(KindUndead), pick(KindDuplicate)
	at := v1.AsOf.AddDate(0, 0, 10)
	if _, err := svc.SetStatus(ctx, undead.ID, StatusVerified, "li", "visited the family", at); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetStatus(ctx, dup.ID, StatusCorrected, "li", "merged the cards", at); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetStatus(ctx, dup.ID, "done", "li", "", at); err == nil {
		t.Error("unknown status accepted")
	}
	v2 := laterVersion(t, st, v1)
	if _, err := Run(ctx, st, v2.ID, Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Item(ctx, undead.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != v2.ID || got.Status != StatusVerified || got.StatusBy != "li" || got.StatusNote != "visited the family" {
		t.Errorf("undead item in v2: version %d status %s by %s (%s)", got.Version, got.Status, got.StatusBy, got.StatusNote)
	}
	got, _ = svc.Item(ctx, dup.ID)
	if got.Status != StatusOpen || !got.Reopened {
		t.Errorf("duplicate corrected before the new as-of but present: status %s reopened %v", got.Status, got.Reopened)
	}
	// In v1 the correction stands.
	items, _, _ := svc.List(ctx, Filter{Version: v1.ID, Kind: KindDuplicate, Status: StatusCorrected})
	if len(items) != 1 || items[0].ID != dup.ID {
		t.Errorf("v1 corrected duplicates: %d", len(items))
	}
}

// laterVersion loads the fixture's snapshot again as a new version dated
// one month later, with the police extract re-encoded as CSV (another
// fingerprint, the same records).
func laterVersion(t *testing.T, st *store.Store, v1 *store.Version) *store.Version {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	m, err := models.ReadManifest(filepath.Join(fixSnap, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		src := filepath.Join(fixSnap, f.Path)
		dst := filepath.Join(dir, f.Path)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if f.Table == models.TablePolice {
			dst = strings.TrimSuffix(dst, ".parquet") + ".csv"
			if _, err := st.DB().ExecContext(ctx, `COPY (SELECT * FROM read_parquet(`+store.Quote(src)+`)) TO `+store.Quote(dst)+` (HEADER, DATEFORMAT '%Y-%m-%d')`); err != nil {
				t.Fatal(err)
			}
			m.Files[i].Path, m.Files[i].Format = strings.TrimSuffix(f.Path, ".parquet")+".csv", "csv"
			m.Files[i].SHA256 = sha256File(t, dst)
			continue
		}
		// Copied, not hard-linked: the loader refuses files with more
		// than one link (docs/security.md, "Snapshot intake").
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m.AsOf = models.Date{Time: m.AsOf.AddDate(0, 1, 0)}
	if err := writeManifest(filepath.Join(dir, "manifest.json"), m); err != nil {
		t.Fatal(err)
	}
	tree, _ := datasets.Divisions()
	rep, err := load.Load(ctx, st, dir, load.Options{Keys: fixKeys, Divisions: tree})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version.ID == v1.ID {
		t.Fatal("the later snapshot was not loaded as a new version")
	}
	t.Cleanup(func() { st.Drop(ctx, rep.Version.ID); Drop(ctx, st, rep.Version.ID) })
	return rep.Version
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func writeManifest(path string, m *models.Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
