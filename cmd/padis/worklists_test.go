package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// TestWorklistsEndToEnd drives padis worklists on a 1,500-person snapshot
// loaded without the pipeline: build links it, list shows the items
// masked, export writes a county's items as CSV, status records a verdict
// the next list shows, and reveal prints the original name and ID number
// of the card (persons.parquet) and writes two audit rows.
func TestWorklistsEndToEnd(t *testing.T) {
	for _, k := range []string{"PADIS_KEY", "PADIS_KEY_FILE", "PADIS_DATA", "PADIS_TEMP_DIR", "PADIS_THREADS", "PADIS_MEMORY_LIMIT"} {
		t.Setenv(k, "")
	}
	snap := smallSnapshot(t)
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errs := runPadis("load", "--data", data, "--memory-limit", "1GB", "--no-pipeline", "--quiet", snap); code != 0 {
		t.Fatalf("load: exit %d: %s", code, errs)
	}

	code, out, errs := runPadis("worklists", "build", "--data", data, "--json")
	var res linkage.Result
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Version != 1 || res.Skipped || res.Items[linkage.KindDuplicate] == 0 {
		t.Fatalf("build: exit %d %s\n%s", code, out, errs)
	}
	if code, out, _ := runPadis("worklists", "build", "--data", data); code != 0 || !strings.Contains(out, "already linked") {
		t.Errorf("second build: exit %d %q", code, out)
	}

	type listing struct {
		Total int            `json:"total"`
		Items []linkage.Item `json:"items"`
	}
	list := func(args ...string) listing {
		t.Helper()
		code, out, errs := runPadis(append([]string{"worklists", "list", "--data", data, "--json", "--limit", "0"}, args...)...)
		var l listing
		if code != 0 || json.Unmarshal([]byte(out), &l) != nil || l.Total != len(l.Items) {
			t.Fatalf("list %v: exit %d %s\n%s", args, code, out, errs)
		}
		return l
	}
	dups := list("--kind", linkage.KindDuplicate)
	if int64(dups.Total) != res.Items[linkage.KindDuplicate] {
		t.Fatalf("%d duplicate items listed, build reported %d", dups.Total, res.Items[linkage.KindDuplicate])
	}
	it := dups.Items[0]
	if it.NameMasked == "" || it.NameMasked != models.MaskName(it.NameMasked) || it.IDMasked != models.MaskIDNumber(it.IDMasked) || it.Status != linkage.StatusOpen {
		t.Errorf("listed item %+v: not masked or not open", it)
	}

	county := it.Village[:6]
	inCounty := list("--unit", county)
	file := filepath.Join(t.TempDir(), "wl.csv")
	if code, _, errs := runPadis("worklists", "export", "--data", data, "--unit", county, "--out", file); code != 0 || !strings.Contains(errs, "items written") {
		t.Fatalf("export: exit %d %s", code, errs)
	}
	b, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatalf("export: %v, BOM %v", err, bytes.HasPrefix(b, []byte("\ufeff")))
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil || len(recs) != inCounty.Total+1 || recs[0][0] != "item" {
		t.Fatalf("export of %s: %d records for %d items (%v)", county, len(recs), inCounty.Total, err)
	}
	for _, r := range recs[1:] {
		if !strings.HasPrefix(r[3], county) {
			t.Errorf("exported item of village %s outside %s", r[3], county)
		}
	}

	if code, out, errs := runPadis("worklists", "status", "--data", data, "--item", it.ID, "--status", "verified", "--who", "li", "--note", "same person"); code != 0 || out != it.ID+" duplicate: verified by li\n" {
		t.Errorf("status: exit %d %q %s", code, out, errs)
	}
	if v := list("--status", "verified"); v.Total != 1 || v.Items[0].ID != it.ID || v.Items[0].StatusNote != "same person" {
		t.Errorf("verified items: %+v", v)
	}
	if o := list("--kind", linkage.KindDuplicate, "--status", "open"); o.Total != dups.Total-1 {
		t.Errorf("open duplicates: %d, want %d", o.Total, dups.Total-1)
	}

	// The reveal: a dashboard operator of the item's county, with the
	// password (here from --password-stdin, then PADIS_PASSWORD).
	usersStdin = strings.NewReader("li's long secret\n")
	defer func() { usersStdin = os.Stdin }()
	for _, u := range [][]string{{"li", "operator", county}, {"far", "operator", "52"}, {"viewer", "viewer", county}} {
		usersStdin = strings.NewReader(u[0] + "'s long secret\n")
		if code, _, errs := runPadis("users", "add", u[0], "--roles", u[1], "--jurisdiction", u[2], "--password-stdin", "--data", data); code != 0 {
			t.Fatalf("users add %s: %s", u[0], errs)
		}
	}
	reveal := []string{"worklists", "reveal", "--data", data, "--item", it.ID, "--purpose", "verification", "--reason", "home visit to the family"}
	for _, tc := range []struct {
		user, password string
		extra          []string
		code           int
		err            string
	}{
		{"li", "wrong", nil, 1, "wrong user name or password"},
		{"viewer", "viewer's long secret", nil, 1, "operator role"},
		{"far", "far's long secret", nil, 1, "not found"}, // outside its jurisdiction
		{"li", "li's long secret", []string{"--reason", "visit"}, 2, "at least 10 characters"},
		{"li", "li's long secret", []string{"--purpose", "curiosity"}, 2, "purpose must be one of"},
		{"li", "li's long secret", []string{"--who", "li"}, 2, "flag provided but not defined: -who"},
	} {
		t.Setenv("PADIS_PASSWORD", tc.password)
		if code, out, errs := runPadis(append(append(reveal, "--user", tc.user), tc.extra...)...); code != tc.code || !strings.Contains(errs, tc.err) || out != "" {
			t.Errorf("reveal as %s %v: exit %d %q %s, want %d and %q", tc.user, tc.extra, code, out, errs, tc.code, tc.err)
		}
	}
	t.Setenv("PADIS_PASSWORD", "")
	revealStdin = strings.NewReader("li's long secret\n")
	defer func() { revealStdin = os.Stdin }()
	code, out, errs = runPadis(append(reveal, "--user", "li", "--password-stdin")...)
	f := strings.Split(strings.TrimSpace(out), "\t")
	if code != 0 || len(f) != 4 || f[0] != it.ID || f[1] != it.PersonID {
		t.Fatalf("reveal: exit %d %q %s", code, out, errs)
	}
	st, err := store.Open(context.Background(), store.Config{Dir: data, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() }) // after a failure; closed below before the next commands
	var name, idNumber string
	var audited int
	if err := st.DB().QueryRow(`SELECT name, id_number FROM read_parquet(?) WHERE person_id = ?`, filepath.Join(snap, "persons.parquet"), it.PersonID).Scan(&name, &idNumber); err != nil {
		t.Fatal(err)
	}
	if f[2] != name || f[3] != idNumber || it.NameMasked != models.MaskName(name) {
		t.Errorf("revealed %q %q, the snapshot has %q %q (listed %q)", f[2], f[3], name, idNumber, it.NameMasked)
	}
	if err := st.DB().QueryRow(`SELECT count(*) FROM `+store.AuditTable+` WHERE who = 'li' AND purpose = 'verification' AND record_key = ? AND why LIKE 'home visit%'`, it.PersonID).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("audit rows: %d (%v), want 2", audited, err)
	}
	st.Close()
	// The dashboards' audit log has the reveal and the refused password.
	log, err := dashboards.OpenAuditLog(filepath.Join(data, "audit.jsonl"), auditKeyOf(t, data))
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := log.Records(context.Background(), "", "")
	log.Close()
	var actions []string
	for _, r := range rs {
		actions = append(actions, r.User+" "+r.Action)
	}
	if len(rs) != 3 || rs[0].Action != "login_failed" || rs[2].Action != "reveal" || rs[2].User != "li" || rs[2].Purpose != "verification" || rs[2].Unit != it.Village || rs[2].Target != it.ID {
		t.Fatalf("audit log: %v", actions)
	}
	// Both chains verify; an edit of either is named.
	if code, out, errs := runPadis("audit", "verify", "--data", data); code != 0 || strings.Count(out, "chain intact") != 2 {
		t.Errorf("audit verify: exit %d %s %s", code, out, errs)
	}
	testAuditTampering(t, data)

	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"worklists", "reveal", "--data", data, "--item", it.ID, "--user", "li"}, 2},
		{[]string{"worklists", "export", "--data", data}, 2},
		{[]string{"worklists", "status", "--data", data, "--item", it.ID, "--status", "done", "--who", "li"}, 1},
		{[]string{"worklists", "list", "--data", data, "--kind", "nothing"}, 1},
	} {
		if code, _, _ := runPadis(tc.args...); code != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.args[1:], code, tc.code)
		}
	}
}
