package load

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// TestBenefitRollSource loads a generated snapshot with its benefit roll
// (sources/benefit_roll, an optional source): every row is stored, the ID
// numbers and names are pseudonymised (no plaintext in the DuckDB file),
// and a row whose counts contradict each other is quarantined.
func TestBenefitRollSource(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a snapshot")
	}
	src := synthSnapshot(t, 4000, "csv", nil)
	snap := copyDir(t, src)
	// Break one row: more daughters than children.
	rollPath := filepath.Join(snap, "sources", "benefit_roll.csv")
	recs := readCSVFile(t, rollPath)
	if len(recs) < 20 {
		t.Fatalf("benefit roll has %d rows", len(recs)-1)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	recs[5][col["daughters"]] = "7"
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rollPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := models.ReadManifest(filepath.Join(snap, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Files {
		if m.Files[i].Table == models.TableBenefitRoll {
			m.Files[i].SHA256 = fileSHA(t, rollPath)
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(snap, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	data := t.TempDir()
	st := openStore(t, data)
	if _, err := st.DB().Exec(`SET GLOBAL force_compression = 'uncompressed'`); err != nil {
		t.Fatal(err)
	}
	rep, err := Load(ctx, st, snap, Options{Keys: testKeys(t), Divisions: realTree(t), MaxQuarantine: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	v := rep.Version.ID
	var accepted, quarantined int64
	db := st.DB()
	if err := db.QueryRow(`SELECT count(*) FROM ` + st.Table(v, models.TableBenefitRoll)).Scan(&accepted); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(DISTINCT "row") FROM `+st.Table(v, store.QuarantineTable)+` WHERE tbl = ? AND action = 'quarantined' AND reason = ?`,
		models.TableBenefitRoll, ReasonBadCount).Scan(&quarantined); err != nil {
		t.Fatal(err)
	}
	if accepted != int64(len(recs)-2) || quarantined != 1 {
		t.Errorf("benefit roll: %d accepted and %d quarantined for bad counts, want %d and 1", accepted, quarantined, len(recs)-2)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var blob []byte
	for _, name := range []string{store.DBFileName, store.DBFileName + ".wal"} {
		if b, err := os.ReadFile(filepath.Join(data, name)); err == nil {
			blob = append(blob, b...)
		}
	}
	for _, r := range recs[1:] {
		for _, c := range []string{"id_number", "name"} {
			if v := r[col[c]]; len(v) >= 6 && bytes.Contains(blob, []byte(v)) {
				t.Errorf("plaintext %s %q of the benefit roll found in the DuckDB file", c, v)
			}
		}
	}
}
