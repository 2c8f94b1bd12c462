package load

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/padis/padis/engine/store"
)

// TestBadRows loads the fixture with one bad row per problem class and
// compares the quarantine with testdata/bad/expected.txt.
func TestBadRows(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	defer st.Close()
	rep, err := Load(ctx, st, badSnapshot(t), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Quarantine(ctx, rep.Version.ID, store.QuarantineFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var gotLines []string
	for _, r := range got {
		field := r.Field
		if field == "" {
			field = "-"
		}
		gotLines = append(gotLines, fmt.Sprintf("%s %d %s %s %s", r.Table, r.Row, field, r.Reason, r.Action))
		if r.MessageZH == "" || r.MessageEN == "" {
			t.Errorf("%s row %d: no message", r.Table, r.Row)
		}
	}
	want := readExpected(t, "testdata/bad/expected.txt")
	sort.Strings(gotLines)
	sort.Strings(want)
	if strings.Join(gotLines, "\n") != strings.Join(want, "\n") {
		t.Errorf("quarantine differs\n--- got\n%s\n--- want\n%s", strings.Join(gotLines, "\n"), strings.Join(want, "\n"))
	}
	// Every reason is exercised by the fixture.
	seen := map[string]bool{}
	for _, r := range got {
		seen[r.Reason] = true
	}
	for _, r := range Reasons {
		if !seen[r.Code] {
			t.Errorf("reason %s has no fixture row", r.Code)
		}
	}
	// The unknown column of households is kept aside in _extra.
	var note string
	if err := st.DB().QueryRow(`SELECT _extra.note FROM ` + st.Table(rep.Version.ID, "households") + ` WHERE household_id = 'H3'`).Scan(&note); err != nil || note != "head moved away" {
		t.Errorf("extra column: %q %v", note, err)
	}
	for _, ts := range rep.Version.Tables {
		if ts.Table == "households" && strings.Join(ts.Extra, ",") != "note" {
			t.Errorf("households extra columns %v", ts.Extra)
		}
		if ts.Accepted+ts.Quarantined != ts.RowsIn {
			t.Errorf("%s: %d in != %d accepted + %d quarantined", ts.Table, ts.RowsIn, ts.Accepted, ts.Quarantined)
		}
	}
}

func readExpected(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}
