package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/padis/padis/engine/notify"
	"github.com/padis/padis/engine/notify/notifytest"
	"github.com/padis/padis/engine/store"
)

// lcRules is one SRB rule on counties, with the given yellow threshold.
func lcRules(t *testing.T, yellow float64) []Rule {
	t.Helper()
	for _, r := range DefaultRules() {
		if r.ID == "srb_high" {
			r.ID, r.Levels = "lc_srb", []string{"county"}
			r.Thresholds.Yellow, r.Thresholds.Orange, r.Thresholds.Red = &yellow, nil, nil
			return []Rule{r}
		}
	}
	t.Fatal("srb_high missing")
	return nil
}

func at(h int) time.Time { return time.Date(2026, 1, 5, h, 0, 0, 0, time.UTC) }

// actions returns the actions of a history.
func actions(h []Event) string {
	var s []string
	for _, e := range h {
		s = append(s, e.Action)
	}
	return strings.Join(s, ",")
}

// TestLifecycle runs the lifecycle of alerts on the shock fixture: raise,
// idempotent re-evaluation, acknowledgement, resolution when the
// condition clears, reopening, carry-over from an earlier version, and
// Drop.
func TestLifecycle(t *testing.T) {
	f := generated(t, "shock")
	ctx := context.Background()
	st, v := f.st, f.version
	if err := Drop(ctx, st, v); err != nil {
		t.Fatal(err)
	}
	defer Drop(ctx, st, v)
	// Yellow at 100 so that the latest year (the current period; alerts
	// of 2023 and 2024 are superseded) raises alerts too.
	rules := lcRules(t, 100)
	res, err := Evaluate(ctx, st, v, Options{Rules: rules, Now: at(1)})
	if err != nil {
		t.Fatal(err)
	}
	n, sup := res.New, res.Superseded
	if n == 0 || sup == 0 || res.Candidates != n+sup || res.Resolved != 0 {
		t.Fatalf("first evaluation: %+v", res)
	}
	first, _ := List(ctx, st, Filter{Version: v})
	// Idempotent: nothing changes, not even last seen.
	res, err = Evaluate(ctx, st, v, Options{Rules: rules, Now: at(2)})
	if err != nil {
		t.Fatal(err)
	}
	if res.New+res.Changed+res.Resolved != 0 {
		t.Errorf("second evaluation changed something: %+v", res)
	}
	second, _ := List(ctx, st, Filter{Version: v})
	b1, _ := json.Marshal(first)
	b2, _ := json.Marshal(second)
	if string(b1) != string(b2) {
		t.Errorf("re-evaluation changed the stored alerts:\n%s\n%s", b1, b2)
	}
	for len(first) > 0 && first[0].Status != StatusNew {
		first = first[1:]
	}
	id := first[0].ID
	if first[0].Period != "2025" || first[0].ID != AlertID("lc_srb", first[0].Division, first[0].Period) {
		t.Errorf("id %s is not AlertID(rule, unit, period)", first[0].ID)
	}
	// Acknowledge, then re-evaluate: it stays acknowledged.
	a, err := Acknowledge(ctx, st, id, "王科长", "已核实出生登记", at(3))
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != StatusAcknowledged || a.AckUser != "王科长" || a.AckNote != "已核实出生登记" || !a.AckAt.Equal(at(3)) {
		t.Errorf("acknowledged alert: %+v", a)
	}
	if _, err := Evaluate(ctx, st, v, Options{Rules: rules, Now: at(4)}); err != nil {
		t.Fatal(err)
	}
	if a, _ = Get(ctx, st, id, v); a.Status != StatusAcknowledged {
		t.Errorf("status after re-evaluation: %s", a.Status)
	}
	// The condition clears: every alert is resolved.
	res, err = Evaluate(ctx, st, v, Options{Rules: lcRules(t, 500), Now: at(5)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resolved != n+sup || res.Candidates != 0 {
		t.Errorf("clearing evaluation: %+v, want %d resolved", res, n+sup)
	}
	if open, _ := List(ctx, st, Filter{Version: v, Open: true}); len(open) != 0 {
		t.Errorf("%d open alerts after clearing", len(open))
	}
	if _, err := Acknowledge(ctx, st, id, "王科长", "", at(5)); !errors.Is(err, ErrResolved) {
		t.Errorf("acknowledging a resolved alert: %v", err)
	}
	// And comes back.
	res, err = Evaluate(ctx, st, v, Options{Rules: rules, Now: at(6)})
	if err != nil {
		t.Fatal(err)
	}
	if res.New != n {
		t.Errorf("reopening evaluation: %+v", res)
	}
	a, err = Get(ctx, st, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(a.History); got != "raised,acknowledged,resolved,reopened" || a.Status != StatusNew || !a.FirstSeen.Equal(at(1)) {
		t.Errorf("history %s, status %s, first seen %v", got, a.Status, a.FirstSeen)
	}
	if _, err := Get(ctx, st, "nosuchid", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}

	// Carry-over: move this version's alerts to an earlier version of
	// the same scope (−1), acknowledge one, add one that will not be
	// found again, and evaluate the version afresh.
	db := st.DB()
	for _, tbl := range []string{RunsTable, AlertsTable, HistoryTable} {
		if _, err := db.ExecContext(ctx, `UPDATE `+tbl+` SET version = -1 WHERE version = ?`, v); err != nil {
			t.Fatal(err)
		}
	}
	defer Drop(ctx, st, -1)
	if _, err := Acknowledge(ctx, st, id, "李主任", "持续关注", at(7)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO alerts.alerts SELECT * REPLACE ('gone0000gone0000' AS id, 'gone' AS rule) FROM alerts.alerts WHERE version = -1 AND id = ?`, id); err != nil {
		t.Fatal(err)
	}
	res, err = Evaluate(ctx, st, v, Options{Rules: rules, Now: at(8)})
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 0 || res.Resolved != 1 {
		t.Errorf("carry-over evaluation: %+v, want 0 new and the vanished alert resolved", res)
	}
	a, _ = Get(ctx, st, id, v)
	if a.Status != StatusAcknowledged || a.AckUser != "李主任" || !a.FirstSeen.Equal(at(1)) || !a.LastSeen.Equal(at(8)) || a.Version != v {
		t.Errorf("carried alert: %+v", a)
	}
	if got := actions(a.History); got != "raised,acknowledged,resolved,reopened,acknowledged" {
		t.Errorf("carried history %s", got)
	}
	if g, _ := Get(ctx, st, "gone0000gone0000", v); g.Status != StatusResolved || actions(g.History) != "resolved" {
		t.Errorf("vanished alert: %+v", g)
	}
	// Filters.
	all, _ := List(ctx, st, Filter{Version: v})
	under := func(prefix string) (n int) {
		for _, a := range all {
			if strings.HasPrefix(a.Division, prefix) {
				n++
			}
		}
		return n
	}
	for _, u := range []string{"5113", "5117", "5101"} {
		l, _ := List(ctx, st, Filter{Version: v, Units: []string{u}})
		if len(l) != under(u) {
			t.Errorf("units under %s: %d of %d, want %d", u, len(l), len(all), under(u))
		}
	}
	if under("5113") < 2 || under("5101") != 0 {
		t.Errorf("alerts under 5113 (南充市, the SRB-120 county): %d, under 5101: %d", under("5113"), under("5101"))
	}
	if l, _ := List(ctx, st, Filter{Version: v, Status: StatusResolved}); len(l) != 1 {
		t.Errorf("resolved: %d, want 1", len(l))
	}
	if _, err := List(ctx, st, Filter{Colour: "purple"}); err == nil {
		t.Error("colour purple accepted")
	}
	// Drop.
	if err := Drop(ctx, st, v); err != nil {
		t.Fatal(err)
	}
	if l, _ := List(ctx, st, Filter{Version: v}); len(l) != 0 {
		t.Errorf("%d alerts after Drop", len(l))
	}
}

// TestDelivery evaluates with a webhook and a fake SMTP server: new
// orange/red alerts are delivered once, blue/yellow never, and a
// re-evaluation delivers nothing.
func TestDelivery(t *testing.T) {
	f := generated(t, "shock")
	ctx := context.Background()
	if err := Drop(ctx, f.st, f.version); err != nil {
		t.Fatal(err)
	}
	defer Drop(ctx, f.st, f.version)
	var mu sync.Mutex
	var posts []Delivery
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var d Delivery
		if err := json.Unmarshal(b, &d); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		posts = append(posts, d)
		mu.Unlock()
	}))
	defer hook.Close()
	mail := notifytest.StartSMTP(t)
	cfg, err := notify.ReadConfig(strings.NewReader(`{"webhook": {"enabled": true, "url": "`+hook.URL+`"},
		"mail": {"enabled": true, "addr": "`+mail.Addr()+`", "from": "padis@example.org", "to": ["duty@example.org"]}}`), "test", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	// Share 65+ on counties with blue 1 %, yellow 3 %, orange 8 %: every
	// county is orange in the current year (its share is far above 8 %
	// with a tight interval); earlier years are superseded, not sent.
	var rules []Rule
	for _, r := range DefaultRules() {
		if r.ID == "aging_65plus" {
			b, y, o := 1.0, 3.0, 8.0
			r.Levels, r.Thresholds = []string{"county"}, Thresholds{Blue: &b, Yellow: &y, Orange: &o}
			rules = append(rules, r)
		}
	}
	res, err := Evaluate(ctx, f.st, f.version, Options{Rules: rules, Now: at(1), Notify: cfg})
	if err != nil {
		t.Fatal(err)
	}
	// Only new alerts about current periods are delivered.
	fresh, err := List(ctx, f.st, Filter{Version: f.version, Status: StatusNew, MinColour: Orange})
	if err != nil {
		t.Fatal(err)
	}
	want := len(fresh)
	if want == 0 {
		t.Fatalf("no new orange/red SRB alert in the fixture: %+v", res.ByColour)
	}
	if res.Notified != want || len(posts) != 1 || len(posts[0].Alerts) != want || len(mail.Messages()) != 1 {
		t.Fatalf("delivered %d (want %d), %d posts, %d mails", res.Notified, want, len(posts), len(mail.Messages()))
	}
	for _, a := range posts[0].Alerts {
		if a.Colour != Orange && a.Colour != Red {
			t.Errorf("delivered a %s alert", a.Colour)
		}
	}
	if !strings.Contains(string(mail.Messages()[0].Data), "Subject: =?UTF-8?") {
		t.Errorf("mail: %s", mail.Messages()[0].Data)
	}
	res, err = Evaluate(ctx, f.st, f.version, Options{Rules: rules, Now: at(2), Notify: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if res.Notified != 0 || len(posts) != 1 || len(mail.Messages()) != 1 {
		t.Errorf("re-evaluation delivered again: %d, %d posts, %d mails", res.Notified, len(posts), len(mail.Messages()))
	}
}

// TestEvaluated tells a version never evaluated (also in a store without
// the alert tables) from one evaluated, with or without alerts.
func TestEvaluated(t *testing.T) {
	ctx := context.Background()
	empty, err := store.Open(ctx, store.Config{Dir: t.TempDir(), Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if ok, err := Evaluated(ctx, empty, 1); ok || err != nil {
		t.Errorf("store without alert tables: evaluated %v, %v", ok, err)
	}
	f := generated(t, "shock")
	st, v := f.st, f.version
	if err := Drop(ctx, st, v); err != nil {
		t.Fatal(err)
	}
	defer Drop(ctx, st, v)
	if ok, err := Evaluated(ctx, st, v); ok || err != nil {
		t.Errorf("before Evaluate: evaluated %v, %v", ok, err)
	}
	// A threshold no county reaches: evaluated, no alert.
	res, err := Evaluate(ctx, st, v, Options{Rules: lcRules(t, 1000), Now: at(1)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Candidates != 0 {
		t.Fatalf("SRB above 1000: %d alerts", res.Candidates)
	}
	if ok, err := Evaluated(ctx, st, v); !ok || err != nil {
		t.Errorf("after Evaluate: evaluated %v, %v", ok, err)
	}
	if ok, err := Evaluated(ctx, st, v+1); ok || err != nil {
		t.Errorf("another version: evaluated %v, %v", ok, err)
	}
	if err := Drop(ctx, st, v); err != nil {
		t.Fatal(err)
	}
	if ok, err := Evaluated(ctx, st, v); ok || err != nil {
		t.Errorf("after Drop: evaluated %v, %v", ok, err)
	}
}
