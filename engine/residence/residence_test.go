package residence

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// TestSpells checks each rule of Spells on one person per case, in the
// window [2024-01-01, 2025-01-01).
func TestSpells(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	setup := `
CREATE TABLE people (person_id VARCHAR, bd DATE, res_place VARCHAR, exit DATE);
CREATE TABLE events (event_id VARCHAR, person_id VARCHAR, event_type VARCHAR, event_date DATE, place VARCHAR);
INSERT INTO people VALUES
 ('stayer',  DATE '1980-05-05', 'A', NULL),
 ('newborn', DATE '2024-03-10', 'A', NULL),
 ('dies',    DATE '1950-01-01', 'A', DATE '2024-06-15'),
 ('mover',   DATE '1990-01-01', 'B', NULL),
 ('arrives', DATE '1990-01-01', 'B', NULL),
 ('leaves',  DATE '1990-01-01', 'X', DATE '2024-09-01'),
 ('late',    DATE '1990-01-01', 'B', NULL);
INSERT INTO events VALUES
 ('e1', 'mover',   'out', DATE '2024-04-01', 'A'),
 ('e2', 'mover',   'in',  DATE '2024-04-01', 'B'),
 ('e3', 'arrives', 'in',  DATE '2024-07-01', 'B'),
 ('e4', 'leaves',  'out', DATE '2024-09-01', 'A'),
 ('e5', 'late',    'in',  DATE '2025-03-01', 'B'),
 ('e6', 'stayer',  'in',  DATE '2023-06-01', 'A');`
	if _, err := db.Exec(setup); err != nil {
		t.Fatal(err)
	}
	q := Spells("people", "events", "'2024-01-01'", "'2025-01-01'")
	rows, err := db.Query(`SELECT person_id, place, strftime(s, '%Y-%m-%d'), strftime(e, '%Y-%m-%d') FROM (` + q + `) WHERE s < e ORDER BY person_id, s`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id, place, s, e string
		if err := rows.Scan(&id, &place, &s, &e); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %s..%s", id, place, s, e))
	}
	want := []string{
		"arrives B 2024-07-01..2025-01-01", // not resident before the arrival
		"dies A 2024-01-01..2024-06-15",    // ends at death
		// late: arrives after the window, so not resident in it at all
		"leaves A 2024-01-01..2024-09-01", // origin of the first move-out, not res_place
		"mover A 2024-01-01..2024-04-01",  // out before in on the same day
		"mover B 2024-04-01..2025-01-01",
		"newborn A 2024-03-10..2025-01-01", // from birth
		"stayer A 2024-01-01..2025-01-01",  // moves before the window are ignored
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("spells:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
