package dashboards

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSafeNext: only paths of this site survive; every way of naming
// another site, in clear or percent-encoded, becomes "/".
func TestSafeNext(t *testing.T) {
	hostile := []string{
		"", "evil.example", "//evil.example", "///evil.example", "////evil.example/x",
		"/\\evil.example", "\\\\evil.example", "\\/evil.example", "/x\\y", "/%5Cevil.example", "/%5cevil.example",
		"/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%252F/evil.example", "/%25252F%25252Fevil",
		"/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/%0a/evil.example", "/%0d%0aSet-Cookie:x=1",
		"/ /evil.example", "/%20/evil.example", "/\x00/evil", "/%00/evil", "/\u3000/evil", "/\u2028x", "/\x7f",
		"https://evil.example", "https:evil.example", "http:/evil.example", "javascript:alert(1)", "JavaScript:alert(1)",
		"data:text/html,x", "mailto:x@evil.example", " /units/51", "/units/51//x", "/.//evil.example", "/%zz", "/\xff",
		"https%3A%2F%2Fevil.example", "/%2e%2e//evil",
	}
	for _, n := range hostile {
		if got := safeNext(n); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", n, got)
		}
	}
	fine := []string{"/", "/units/51", "/units/5101?period=2025-06", "/explorer?indicator=tfr&unit=51&level=city", "/alerts/a-srb-5101", "/worklists?unit=510104&kind=duplicate_id"}
	for _, n := range fine {
		if got := safeNext(n); got != n {
			t.Errorf("safeNext(%q) = %q, want it unchanged", n, got)
		}
	}
}

// TestLoginRedirect: the login form and the login page apply safeNext.
func TestLoginRedirect(t *testing.T) {
	e := newTestEnv(t)
	for i, next := range []string{"//evil.example", "/%2F/evil.example", "/\t/evil.example", "https:evil.example", "/\\evil.example", "/panel"} {
		c := newClient(t, e, fmt.Sprintf("10.9.0.%d", i+1))
		page := c.do("GET", "/login?next="+url.QueryEscape(next), nil).Body.String()
		want := "/"
		if next == "/panel" {
			want = next
		}
		if !strings.Contains(page, `name="next" value="`+want+`"`) {
			t.Errorf("login page for next=%q does not carry next=%q", next, want)
		}
		rec := c.do("POST", "/login", "user=province&password=password-province&next="+url.QueryEscape(next))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
			t.Errorf("login with next=%q: %d to %q, want 303 to %q", next, rec.Code, rec.Header().Get("Location"), want)
		}
	}
}

// loginFrom posts a JSON login with the given socket address and headers.
func loginFrom(e *testEnv, remote string, hdr map[string]string, user, pw string) int {
	get := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(get, httptest.NewRequest("GET", "/login", nil))
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(fmt.Sprintf(`{"user":%q,"password":%q}`, user, pw)))
	req.RemoteAddr = remote
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	for _, ck := range get.Result().Cookies() {
		req.AddCookie(ck)
		if ck.Name == "padis_csrf" {
			req.Header.Set("X-CSRF-Token", ck.Value)
		}
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec.Code
}

// TestLoginThrottleAddress: forwarding headers from a client that is not
// a configured proxy change nothing; through a configured proxy, the
// forwarded address is the client's.
func TestLoginThrottleAddress(t *testing.T) {
	e := newTestEnv(t)
	e.srv.userLimiter.max = 1000 // this test is about addresses
	// An attacker rotating X-Forwarded-For and X-Real-IP on every try is
	// still one address.
	var codes []int
	for i := range 25 {
		spoof := fmt.Sprintf("203.0.113.%d", i+1)
		codes = append(codes, loginFrom(e, "198.51.100.7:5000", map[string]string{"X-Forwarded-For": spoof, "X-Real-IP": spoof}, fmt.Sprintf("nobody%d", i), "guess-guess"))
	}
	if n := strings.Count(fmt.Sprint(codes), "429"); n != 5 || codes[19] != 401 || codes[20] != 429 {
		t.Errorf("spoofed forwarding headers: answers %v, want 20×401 then 429", codes)
	}
	// Loopback and private addresses are not trusted by default either.
	for _, remote := range []string{"127.0.0.1:5000", "10.1.2.3:5000"} {
		for i := range 21 {
			loginFrom(e, remote, map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i+1)}, "nobody", "guess-guess")
		}
		if c := loginFrom(e, remote, map[string]string{"X-Forwarded-For": "203.0.113.200"}, "nobody", "guess-guess"); c != 429 {
			t.Errorf("from %s with a new X-Forwarded-For: %d, want 429", remote, c)
		}
	}

	// Behind a configured proxy, clients are told apart by the header.
	e2 := newTestEnv(t)
	srv, err := New(Config{Source: e2.src, Users: e2.users, Audit: e2.audit, Logger: e2.srv.log, TrustedProxies: []string{"192.0.2.10", "2001:db8::/32"}})
	if err != nil {
		t.Fatal(err)
	}
	e2.srv = srv
	for i := range 20 {
		loginFrom(e2, "192.0.2.10:443", map[string]string{"X-Forwarded-For": "203.0.113.1"}, fmt.Sprintf("x%d", i), "guess-guess")
	}
	if c := loginFrom(e2, "192.0.2.10:443", map[string]string{"X-Forwarded-For": "203.0.113.1"}, "y", "guess-guess"); c != 429 {
		t.Errorf("client behind the proxy after 20 failures: %d, want 429", c)
	}
	if c := loginFrom(e2, "192.0.2.10:443", map[string]string{"X-Forwarded-For": "203.0.113.2"}, "province", "password-province"); c != 200 {
		t.Errorf("another client behind the proxy: %d, want 200", c)
	}
	// A client prepending a forged address is still itself: the proxy
	// appends the real one, and the rightmost untrusted address counts.
	if c := loginFrom(e2, "192.0.2.10:443", map[string]string{"X-Forwarded-For": "203.0.113.99, 203.0.113.1"}, "y", "guess-guess"); c != 429 {
		t.Errorf("forged left-hand X-Forwarded-For: %d, want 429", c)
	}
	if _, err := ParseTrustedProxies([]string{"not-an-ip"}); err == nil {
		t.Error("a bad proxy address is accepted")
	}
}

// TestLoginThrottleAccount: guessing one account's password from many
// addresses is throttled too.
func TestLoginThrottleAccount(t *testing.T) {
	e := newTestEnv(t)
	var codes []int
	for i := range 7 {
		codes = append(codes, loginFrom(e, fmt.Sprintf("198.51.100.%d:5000", i+1), nil, "county", "guess-guess"))
	}
	if !slices.Equal(codes, []int{401, 401, 401, 401, 401, 429, 429}) {
		t.Errorf("one account from 7 addresses: %v, want five 401 then 429", codes)
	}
	if c := loginFrom(e, "198.51.100.99:5000", nil, "province", "password-province"); c != 200 {
		t.Errorf("another account: %d, want 200", c)
	}
}

// TestLoginTiming: an unknown user name takes as long to refuse as a wrong
// password (one bcrypt comparison each), within 20 % on the median.
func TestLoginTiming(t *testing.T) {
	old := bcryptCost
	bcryptCost = 8 // ≈ 15 ms per comparison: well above the noise
	defer func() { bcryptCost = old }()
	e := newTestEnv(t)
	e.srv.addrLimiter.max, e.srv.userLimiter.max = 1000, 1000
	// A round interleaves the three kinds of failed login and compares
	// their medians. Other test binaries share the machine's cores, so a
	// round may be disturbed: the test fails only when three rounds in a
	// row are out of bounds (before the dummy hash, an unknown user took
	// 0.06 of a wrong password's time in every round).
	const n, rounds = 15, 3
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	round := func() (problems []string) {
		var unknown, wrong, disabled []time.Duration
		for i := range n {
			for _, x := range []struct {
				user string
				into *[]time.Duration
			}{{fmt.Sprintf("no-such-user-%d", i), &unknown}, {"county", &wrong}, {"gone", &disabled}} {
				start := time.Now()
				if c := loginFrom(e, "198.51.100.1:5000", nil, x.user, "wrong-password"); c != 401 {
					t.Fatalf("login %s: %d, want 401", x.user, c)
				}
				*x.into = append(*x.into, time.Since(start))
			}
		}
		mw := median(wrong)
		for name, d := range map[string][]time.Duration{"unknown user": unknown, "disabled user": disabled} {
			m := median(d)
			if r := float64(m) / float64(mw); r < 0.8 || r > 1.2 {
				problems = append(problems, fmt.Sprintf("%s: median %v, wrong password %v: ratio %.2f, want within 20 %%", name, m, mw, r))
			}
			t.Logf("%s median %v, wrong password median %v", name, m, mw)
		}
		return problems
	}
	var problems []string
	for range rounds {
		if problems = round(); len(problems) == 0 {
			return
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
}
