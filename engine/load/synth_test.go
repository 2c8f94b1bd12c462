package load

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// synthDefect is one row of the generator's truth/defects.
type synthDefect struct{ kind, key, related, detail string }

// kindsOf returns the kinds of the defects injected into record key.
func kindsOf(ds []synthDefect, key string) []string {
	var out []string
	for _, d := range ds {
		if d.key == key {
			out = append(out, d.kind)
		}
	}
	return out
}

// TestSyntheticDefects loads a generated snapshot with raised defect rates
// and checks conservation per table against the files themselves, and that
// every injected defect the load can see is quarantined or flagged.
func TestSyntheticDefects(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a snapshot")
	}
	for _, format := range []string{"parquet", "csv"} {
		t.Run(format, func(t *testing.T) {
			d := synth.DefaultDefects()
			d.InvalidID, d.Missing, d.Duplicate, d.HeapingShare = 0.03, 0.05, 0.02, 0.3
			snap := synthSnapshot(t, 4000, format, &d)
			ctx := context.Background()
			st := openStore(t, t.TempDir())
			defer st.Close()
			// The raised defect rates quarantine about 10 % of persons.
			rep, err := Load(ctx, st, snap, Options{Keys: testKeys(t), Divisions: realTree(t), MaxQuarantine: 0.2})
			if err != nil {
				t.Fatal(err)
			}
			v := rep.Version.ID
			db := st.DB()
			m, _ := models.ReadManifest(filepath.Join(snap, "manifest.json"))
			for _, f := range m.Files {
				reader := "read_parquet"
				if f.Format == "csv" {
					reader = "read_csv"
				}
				var inFile, accepted, quarantined int64
				db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM %s(%s)`, reader, q(filepath.Join(snap, f.Path)))).Scan(&inFile)
				db.QueryRow(`SELECT count(*) FROM ` + st.Table(v, f.Table)).Scan(&accepted)
				db.QueryRow(`SELECT count(DISTINCT "row") FROM `+st.Table(v, store.QuarantineTable)+` WHERE tbl = ? AND action = 'quarantined'`, f.Table).Scan(&quarantined)
				if inFile == 0 || inFile != accepted+quarantined {
					t.Errorf("%s: %d rows in the file, %d accepted + %d quarantined", f.Path, inFile, accepted, quarantined)
				}
			}
			// The injected defects, by person key.
			var defects []synthDefect
			truthReader := "read_parquet(" + q(filepath.Join(snap, "truth", "defects.parquet")) + ")"
			if format == "csv" {
				truthReader = "read_csv(" + q(filepath.Join(snap, "truth", "defects.csv")) + ", all_varchar = true)"
			}
			rows, err := db.Query(`SELECT kind, coalesce(key, ''), coalesce(related_key, ''), coalesce(detail, '') FROM ` + truthReader)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var d synthDefect
				rows.Scan(&d.kind, &d.key, &d.related, &d.detail)
				defects = append(defects, d)
			}
			rows.Close()
			// What the load said about each person.
			said := map[string][]string{} // person_id → "action reason field"
			rows, err = db.Query(`SELECT json_extract_string(raw, 'person_id'), action || ' ' || reason || ' ' || coalesce(field, '') FROM ` + st.Table(v, store.QuarantineTable) + ` WHERE tbl = 'persons'`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var pid, what string
				rows.Scan(&pid, &what)
				said[pid] = append(said[pid], what)
			}
			rows.Close()
			accepted := func(pid string) bool {
				var n int
				db.QueryRow(`SELECT count(*) FROM `+st.Table(v, models.TablePersons)+` WHERE person_id = ?`, pid).Scan(&n)
				return n > 0
			}
			defective := map[string]int{}
			for _, d := range defects {
				defective[d.key]++
			}
			checked := map[string]int{}
			for _, d := range defects {
				got := strings.Join(said[d.key], "; ")
				switch {
				case defective[d.key] > 1 && d.kind != "duplicate":
					// Several defects on one record (e.g. a corrupted
					// ID then blanked): only the first problem is
					// reported, so require the row to be caught at all.
					if len(said[d.key]) == 0 && d.kind != "age_heaping" && d.kind != "undead" && !(d.kind == "missing_field" && d.detail != "ethnicity" && d.detail != "reg_type") {
						if d.kind == "invalid_id" && !strings.Contains(strings.Join(kindsOf(defects, d.key), ","), "missing_field") {
							t.Errorf("%s of %s (%s) not caught", d.kind, d.key, d.detail)
						}
					}
				case d.kind == "invalid_id":
					checked[d.kind]++
					if !strings.Contains(got, "quarantined id_") {
						t.Errorf("invalid ID of %s (%s) not quarantined: %q", d.key, d.detail, got)
					}
				case d.kind == "missing_field" && (d.detail == "ethnicity" || d.detail == "reg_type"):
					checked[d.kind]++
					if !strings.Contains(got, "quarantined missing_required "+d.detail) {
						t.Errorf("missing %s of %s not quarantined: %q", d.detail, d.key, got)
					}
				case d.kind == "age_heaping" && defective[d.key] == 1:
					checked[d.kind]++
					if !strings.Contains(got, "id_birth_mismatch") && !strings.Contains(got, "quarantined") {
						t.Errorf("heaped birth date of %s (%s) not flagged: %q", d.key, d.detail, got)
					}
				case d.kind == "duplicate" && defective[d.key] == 1 && defective[d.related] == 0:
					// Not a load error: both cards stay for the
					// data-quality comparison.
					checked[d.kind]++
					if !accepted(d.key) || !accepted(d.related) {
						t.Errorf("duplicate card %s of %s was not kept: %q", d.key, d.related, got)
					}
				}
			}
			for _, k := range []string{"invalid_id", "missing_field", "age_heaping", "duplicate"} {
				if checked[k] == 0 {
					t.Errorf("no %s defect checked", k)
				}
			}
			t.Logf("checked defects: %v", checked)
		})
	}
}
