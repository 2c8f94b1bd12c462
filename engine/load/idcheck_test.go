package load

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

// TestIDCheckSQL runs the SQL validation of ID numbers (padis_id_problem
// inside the load's CASE) on valid numbers and on every kind of corruption
// and compares it with models.ParseIDNumber.
func TestIDCheckSQL(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := 0; i < 3000; i++ {
		birth := time.Date(1900+r.IntN(125), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		id, err := models.GenerateIDNumber(fmt.Sprintf("%d", 110000+r.IntN(540000)), birth, 1+r.IntN(999))
		if err != nil {
			t.Fatal(err)
		}
		b := []byte(id)
		switch i % 8 {
		case 1: // a digit changed
			p := r.IntN(17)
			b[p] = byte('0' + (int(b[p]-'0')+1+r.IntN(9))%10)
		case 2: // check character changed
			b[17] = "0123456789X"[r.IntN(11)]
		case 3: // truncated or first generation
			b = b[:15+r.IntN(3)]
		case 4: // impossible date
			copy(b[10:14], []byte(fmt.Sprintf("%02d%02d", r.IntN(15), r.IntN(35))))
		case 5: // lower-case x
			if b[17] == 'X' {
				b[17] = 'x'
			}
		case 6: // letters, or sequence 000
			if r.IntN(2) == 0 {
				b[r.IntN(17)] = 'A'
			} else {
				copy(b[14:17], "000")
			}
		case 7: // address starting with 0
			b[0] = '0'
		}
		ids = append(ids, string(b))
	}
	st := openStore(t, t.TempDir())
	defer st.Close()
	conn, err := st.DB().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := registerFunctions(conn); err != nil {
		t.Fatal(err)
	}
	ts := &tableSQL{in: &input{schema: models.PersonsTable}, colType: map[string]string{"id_number": "VARCHAR"}}
	var vals []string
	for _, id := range ids {
		vals = append(vals, "("+q(id)+")")
	}
	// The checks read the first level's text of the column (see build).
	query := "SELECT " + textCol("id_number") + ", CASE " + strings.Join(ts.idChecks("id_number"), " ") + " END FROM (VALUES " + strings.Join(vals, ", ") + ") s(" + textCol("id_number") + ")"
	rows, err := conn.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var got *string
		if err := rows.Scan(&id, &got); err != nil {
			t.Fatal(err)
		}
		n++
		_, perr := models.ParseIDNumber(id)
		want := ""
		switch models.ProblemOf(perr) {
		case "":
		case models.IDBirthDate:
			want = ReasonIDBirthDate + ":id_number"
		case models.IDCheckChar:
			want = ReasonIDCheckCharacter + ":id_number"
		default:
			want = ReasonIDFormat + ":id_number"
		}
		g := ""
		if got != nil {
			g = *got
		}
		if g != want {
			t.Errorf("%s: SQL says %q, models says %q (%v)", id, g, want, perr)
		}
	}
	if n != len(ids) {
		t.Fatalf("checked %d of %d", n, len(ids))
	}
}
