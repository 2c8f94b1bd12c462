package dashboards

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCachedAnswersAreIdenticalAndGzipped(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	get := func(path string, gz bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		req.AddCookie(httpCookie(sessionCookie, c.cookies[sessionCookie]))
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		return rec
	}
	for _, path := range []string{"/api/v1/units/5101/overview", "/api/v1/explorer?indicator=cbr&unit=5101&level=county"} {
		first := get(path, false).Body.Bytes()
		second := get(path, true)
		if second.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: cached answer not gzipped", path)
		}
		zr, err := gzip.NewReader(second.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(zr)
		if !bytes.Equal(b, first) {
			t.Errorf("%s: cached answer differs from the first", path)
		}
		if third := get(path, false).Body.Bytes(); !bytes.Equal(third, first) {
			t.Errorf("%s: plain cached answer differs", path)
		}
	}
	// Another jurisdiction never gets the province user's cached answer.
	county := loggedIn(t, e, "county")
	if rec := county.do("GET", "/api/v1/units/5101/overview", nil); rec.Code != 403 {
		t.Errorf("county user got %d for a cached province answer, want 403", rec.Code)
	}
	// Viewers and statisticians get different explorer answers (small cells).
	viewer := loggedIn(t, e, "countyviewer")
	stat := loggedIn(t, e, "county")
	p := "/api/v1/explorer?indicator=births&unit=510104017&level=village&period=2025-04"
	if bytes.Equal(viewer.do("GET", p, nil).Body.Bytes(), stat.do("GET", p, nil).Body.Bytes()) {
		t.Error("viewer and statistician share a cached explorer answer")
	}
}

func TestRespCacheBounds(t *testing.T) {
	now := time.Unix(0, 0)
	c := newRespCache(time.Second, 3, 100, func() time.Time { return now })
	c.put("big", respEntry{b: make([]byte, 11)})
	if _, ok := c.get("big"); ok {
		t.Error("an answer over a tenth of the cache was kept")
	}
	for i := 0; i < 12; i++ {
		c.put(fmt.Sprint(i), respEntry{b: make([]byte, 9)})
		if c.bytes > 100 || len(c.m) > 3 {
			t.Fatalf("cache holds %d bytes in %d entries (max 100, 3)", c.bytes, len(c.m))
		}
	}
	if _, ok := c.get("11"); !ok {
		t.Error("the newest answer is missing")
	}
	now = now.Add(2 * time.Second)
	if _, ok := c.get("11"); ok {
		t.Error("an expired answer was served")
	}
}

// TestCachedPageGzip: the stitched gzip of a cached page decodes to the
// same page as the plain answer, for two users with their own layout.
func TestCachedPageGzip(t *testing.T) {
	e := newTestEnv(t)
	for _, user := range []string{"province", "admin"} {
		c := loggedIn(t, e, user)
		plain := c.do("GET", "/units/5101", nil)
		req := httptest.NewRequest("GET", "/units/5101", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.AddCookie(httpCookie(sessionCookie, c.cookies[sessionCookie]))
		req.AddCookie(httpCookie("padis_csrf", c.cookies["padis_csrf"]))
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: status %d, encoding %q", user, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		got, err := io.ReadAll(zr) // checks the CRC and the length
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		if string(got) != plain.Body.String() {
			t.Errorf("%s: gzip page differs from the plain one (%d vs %d bytes)", user, len(got), plain.Body.Len())
		}
		if !strings.Contains(string(got), "成都市") || !strings.Contains(string(got), `<span class="who">`+user) || strings.Contains(string(got), string(contentMarker)) {
			t.Errorf("%s: page lacks its content or layout", user)
		}
	}
}
