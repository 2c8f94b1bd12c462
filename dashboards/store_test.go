package dashboards

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

func TestFileUserStoreRoundTrip(t *testing.T) {
	tree := sharedFake(t).tree
	path := filepath.Join(t.TempDir(), "users.json")
	s, err := OpenUserStore(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pw, err := EnsureAdmin(ctx, s, tree)
	if err != nil || len(pw) < 16 {
		t.Fatalf("EnsureAdmin: %q, %v", pw, err)
	}
	if again, err := EnsureAdmin(ctx, s, tree); err != nil || again != "" {
		t.Fatalf("second EnsureAdmin created another admin (%q, %v)", again, err)
	}
	u, err := NewUser("li.ming", "correct horse", []Role{RoleViewer, RoleOperator}, "510104000000", tree)
	if err != nil {
		t.Fatal(err)
	}
	if u.Jurisdiction != "510104" {
		t.Errorf("jurisdiction %q, want the short code 510104", u.Jurisdiction)
	}
	if err := s.Put(ctx, u); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("users file mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if bytes.Contains(b, []byte("correct horse")) || bytes.Contains(b, []byte(pw)) {
		t.Fatal("a password is stored in clear")
	}
	s2, err := OpenUserStore(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.User(ctx, "li.ming")
	if err != nil || !got.CheckPassword("correct horse") || got.CheckPassword("wrong") || !got.Has(RoleOperator) || got.Has(RoleAdmin) {
		t.Errorf("reloaded user %+v, err %v", got, err)
	}
	admin, _ := s2.User(ctx, "admin")
	if !admin.CheckPassword(pw) || !admin.Has(RoleStatistician) || admin.Jurisdiction != "00" {
		t.Errorf("admin %+v: want the printed password, every role, the nation", admin)
	}
	if us, _ := s2.Users(ctx); len(us) != 2 || us[0].Name != "admin" {
		t.Errorf("Users() = %v", us)
	}
}

func TestNewUserRejectsBadInput(t *testing.T) {
	tree := sharedFake(t).tree
	tests := []struct {
		name, pw, juris string
		roles           []Role
		want            string
	}{
		{"a b", "password1", "51", []Role{RoleViewer}, "user name"},
		{"ok", "short", "51", []Role{RoleViewer}, "at least 8"},
		{"ok", "password1", "99", []Role{RoleViewer}, "not a division code"},
		{"ok", "password1", "51", nil, "at least one role"},
	}
	for _, tt := range tests {
		if _, err := NewUser(tt.name, tt.pw, tt.roles, tt.juris, tree); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewUser(%q,%q,%v,%q) error %v, want %q", tt.name, tt.pw, tt.roles, tt.juris, err, tt.want)
		}
	}
	if _, err := ParseRoles("viewer,boss"); err == nil || !strings.Contains(err.Error(), `"boss"`) {
		t.Errorf("ParseRoles: %v", err)
	}
}

func TestOpenUserStoreReportsBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.json")
	os.WriteFile(path, []byte(`[{"name":"x","roles":["viewer"]}]`), 0o600)
	if _, err := OpenUserStore(path); err == nil || !strings.Contains(err.Error(), "entry 1") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v: want the file and entry named", err)
	}
}

func TestAuditLogAppendAndRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := OpenAuditLog(path, testAuditKey)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t0 := time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC)
	recs := []AuditRecord{
		{Time: t0, User: "op", Action: "reveal", Target: "w-1", Reason: "=HYPERLINK(\"x\")"},
		{Time: t0.Add(time.Minute), User: "admin", Action: "export_audit"},
	}
	for _, r := range recs {
		if err := l.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	l2, _ := OpenAuditLog(path, testAuditKey)
	defer l2.Close()
	got, err := l2.Records(ctx, "op", "")
	if err != nil || len(got) != 1 || got[0].Seq != 1 || got[0].Hash == "" {
		t.Fatalf("Records = %+v, %v", got, err)
	}
	g := got[0]
	g.Seq, g.PrevHash, g.Hash = 0, "", ""
	if g != recs[0] {
		t.Errorf("Records = %+v, want %+v", g, recs[0])
	}
	var buf bytes.Buffer
	all, _ := l2.Records(ctx, "", "")
	if err := WriteAuditCSV(&buf, all); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffseq,time,user,action,target,unit,purpose,reason,request_id,ip,hash\n1,2025-07-01T09:00:00Z,op,reveal,w-1,,,\"'=HYPERLINK(\"\"x\"\")\",,," + all[0].Hash + "\n2,2025-07-01T09:01:00Z,admin,export_audit,,,,,,," + all[1].Hash + "\n"
	if buf.String() != want {
		t.Errorf("CSV:\n%q\nwant\n%q", buf.String(), want)
	}
	os.WriteFile(path, []byte("{not json}\n"), 0o600)
	if _, err := l2.Records(ctx, "", ""); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("corrupt log: %v", err)
	}
}

func TestPeriod(t *testing.T) {
	tests := []struct {
		in         string
		shift      int
		want, year string
	}{
		{"2025-06", -1, "2025-05", "2024-06"},
		{"2025-01", -1, "2024-12", "2024-01"},
		{"2025-06", -35, "2022-07", "2024-06"},
		{"2025-Q1", -1, "2024-Q4", "2024-Q1"},
		{"2025", 2, "2027", "2024"},
		{"R12-2025-06", -1, "R12-2025-05", "R12-2024-06"},
		{"R12-2025-01", 1, "R12-2025-02", "R12-2024-01"},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Shift(tt.shift); string(got) != tt.want {
			t.Errorf("%s.Shift(%d) = %s, want %s", tt.in, tt.shift, got, tt.want)
		}
		if got := p.YearAgo(); string(got) != tt.year {
			t.Errorf("%s.YearAgo() = %s, want %s", tt.in, got, tt.year)
		}
	}
	for _, bad := range []string{"", "2025-13", "2025-Q5", "25-01", "2025-1", "R12-2025-13", "R12-2025", "R12-2025-Q1"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

// TestPeriodMonthsAndDefault checks the months of each period kind, the
// default period pages open on (the latest complete year, or the rolling
// 12 months, never the latest month alone) and the labels in zh and en.
func TestPeriodMonthsAndDefault(t *testing.T) {
	for _, tt := range []struct {
		in          Period
		n           int
		first, last Period
	}{{"2025-06", 1, "2025-06", "2025-06"}, {"2025-Q2", 3, "2025-04", "2025-06"}, {"2025", 12, "2025-01", "2025-12"}, {"R12-2025-06", 12, "2024-07", "2025-06"}} {
		ms := tt.in.Months()
		if len(ms) != tt.n || ms[0] != tt.first || ms[len(ms)-1] != tt.last || tt.in.LastMonth() != tt.last {
			t.Errorf("%s: months %v", tt.in, ms)
		}
	}
	for latest, want := range map[Period]Period{"2025-06": "R12-2025-06", "2025-12": "2025", "2025-01": "R12-2025-01"} {
		if got := DefaultPeriod(latest); got != want {
			t.Errorf("DefaultPeriod(%s) = %s, want %s", latest, got, want)
		}
	}
	for p, want := range map[Period][2]string{"2025-06": {"2025年6月", "Jun 2025"}, "2025-Q4": {"2025年第4季度", "2025 Q4"}, "2025": {"2025年", "2025"},
		"R12-2025-06": {"截至2025年6月的12个月", "12 months to Jun 2025"}} {
		if zh, en := p.Label(models.ZH), p.Label(models.EN); zh != want[0] || en != want[1] {
			t.Errorf("%s: labels %q, %q, want %q", p, zh, en, want)
		}
	}
}

func TestSuppressValue(t *testing.T) {
	tests := []struct {
		num, den *float64
		val      *float64
		want     bool
	}{
		{ptr(3), ptr(1000), ptr(3), true},
		{ptr(0), ptr(1000), ptr(0), false},
		{ptr(5), ptr(1000), ptr(5), false},
		{ptr(40), ptr(4), ptr(1000), true},
		{nil, nil, ptr(2), true},
		{nil, nil, ptr(7), false},
	}
	for _, tt := range tests {
		v := Value{Numerator: tt.num, Denominator: tt.den, Value: tt.val, Lo: ptr(1)}
		if got := suppressValue(&v, DefaultMinCell); got != tt.want || (got && (v.Value != nil || v.Lo != nil || v.Numerator != nil)) {
			t.Errorf("suppress(num %v, den %v, value %v) = %v (value now %v), want %v", deref(tt.num), deref(tt.den), deref(tt.val), got, v.Value, tt.want)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestLoginLimiterWindow(t *testing.T) {
	l := newLoginLimiter(2, time.Minute)
	t0 := time.Unix(0, 0)
	l.fail("k", t0)
	l.fail("k", t0.Add(10*time.Second))
	if l.allow("k", t0.Add(30*time.Second)) {
		t.Error("third attempt within the window allowed")
	}
	if !l.allow("k", t0.Add(61*time.Second)) {
		t.Error("attempt after the first failure left the window refused")
	}
	if !l.allow("other", t0) {
		t.Error("another key is limited")
	}
}

func TestGeoKeysMatchDivisions(t *testing.T) {
	e := newTestEnv(t)
	for _, tt := range []struct {
		code  string
		level string
		min   int
	}{{"00", "province", 31}, {"51", "city", 21}, {"11", "city", 1}, {"5101", "county", 20}, {"1309", "county", 16}} {
		b, ok := e.srv.geo.get(tt.code)
		if !ok {
			t.Fatalf("no map for %s", tt.code)
		}
		seen := map[string]bool{}
		for _, m := range codeRE.FindAllStringSubmatch(string(b), -1) {
			d, ok := e.src.tree.Lookup(m[1])
			if !ok || d.Level.String() != tt.level || d.Parent != tt.code && tt.code != "00" {
				t.Errorf("map %s: feature code %s is not a %s below it", tt.code, m[1], tt.level)
			}
			seen[m[1]] = true
		}
		if len(seen) < tt.min {
			t.Errorf("map %s keys %d units, want ≥ %d", tt.code, len(seen), tt.min)
		}
	}
	if !e.srv.geo.has("5101") {
		t.Error("Chengdu has no county map")
	}
	if e.srv.geo.has("510104") {
		t.Error("a county map (townships) is claimed; none is vendored")
	}
}

// TestDisableTakesEffectInARunningServer disables a logged-in user through
// a second store on the same file (as `padis users disable` does) and
// checks that the server refuses the session within the reload delay.
func TestDisableTakesEffectInARunningServer(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	if rec := c.do("GET", "/api/v1/me", nil); rec.Code != 200 {
		t.Fatalf("me: %d", rec.Code)
	}
	other, err := OpenUserStore(filepath.Join(e.dir, "users.json"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := other.User(context.Background(), "province")
	u.Disabled = true
	time.Sleep(10 * time.Millisecond) // a distinct modification time
	if err := other.Put(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		rec := c.do("GET", "/api/v1/me", nil)
		if rec.Code == 401 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("disabled user still served (%d) after 3 s", rec.Code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
