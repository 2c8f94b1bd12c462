package dashboards

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// latinAllowed are the Latin words a Chinese message may hold: codes the
// user types or the API takes, JSON field names, units and the product name.
var latinAllowed = map[string]bool{
	"json": true, "csv": true, "parquet": true, "manifest.json": true, "max_quarantine": true,
	"red": true, "orange": true, "yellow": true, "blue": true, "Q4": true, "R12": true,
	"api/v1/projections/scenarios": true, "R12-2025-12": true, "PADIS": true,
}

var (
	jsonBody   = regexp.MustCompile(`\{[^{}]*\}`)
	verb       = regexp.MustCompile(`%(\[\d+\])?[sdqv]`)
	quoted     = regexp.MustCompile(`"[^"]*"`)
	latinToken = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_./-]*`)
)

// latinWords returns the Latin words of a Chinese text outside JSON bodies,
// format verbs, quoted arguments and the allow-list.
func latinWords(s string) []string {
	s = jsonBody.ReplaceAllString(s, "")
	s = verb.ReplaceAllString(s, "")
	s = quoted.ReplaceAllString(s, "")
	var out []string
	for _, w := range latinToken.FindAllString(s, -1) {
		if !latinAllowed[w] {
			out = append(out, w)
		}
	}
	return out
}

// TestErrorMessagesChinese checks every error message of the catalog: a
// Chinese text with no stray English word, and an English one.
func TestErrorMessagesChinese(t *testing.T) {
	n := 0
	for k, m := range messages {
		if !strings.HasPrefix(k, "err.") && !strings.Contains(k, ".err.") && !strings.HasPrefix(k, "error.") && !strings.HasPrefix(k, "login.") {
			continue
		}
		n++
		if w := latinWords(m[0]); len(w) > 0 {
			t.Errorf("%s: Chinese message %q has English words %v", k, m[0], w)
		}
		if m[1] == "" || m[1] == m[0] {
			t.Errorf("%s: no English message", k)
		}
	}
	if n < 40 {
		t.Errorf("only %d error messages found", n)
	}
}

// TestAPIErrorsInChinese makes the server answer with errors of every
// origin (a handler's own, the scope check, Echo's router) and requires
// a Chinese message by default and an English one with ?lang=en.
func TestAPIErrorsInChinese(t *testing.T) {
	e := newTestEnv(t)
	county := loggedIn(t, e, "county")
	for _, tc := range []struct {
		path   string
		status int
		zh, en string
	}{
		{"/api/v1/units/999999/overview", 404, "未知的区划代码", "Unknown division code"},
		{"/api/v1/units/5201/overview", 403, "超出您的管辖范围", "outside your jurisdiction"},
		{"/api/v1/alerts?level=purple", 400, "预警级别", "want red, orange"},
		{"/api/v1/units/510104/overview?period=someday", 400, "时期", "Period"},
		{"/api/v1/no-such-route", 404, "未找到", "not found"},
	} {
		for _, lang := range []string{"zh", "en"} {
			sep := "?"
			if strings.Contains(tc.path, "?") {
				sep = "&"
			}
			path := tc.path + sep + "lang=" + lang
			rec := county.do("GET", path, nil)
			var body struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != tc.status {
				t.Errorf("%s: %d %q, want %d with a JSON error", path, rec.Code, rec.Body.String(), tc.status)
				continue
			}
			want := tc.zh
			if lang == "en" {
				want = tc.en
			} else if w := latinWords(body.Error); len(w) > 0 {
				t.Errorf("%s: Chinese error %q has English words %v", path, body.Error, w)
			}
			if !strings.Contains(body.Error, want) {
				t.Errorf("%s: error %q, want %q", path, body.Error, want)
			}
		}
	}
}
