package dashboards

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkRequests measures single requests through the whole middleware
// chain on a warm cache (in-test source).
func BenchmarkRequests(b *testing.B) {
	e := newTestEnv(b)
	c := loggedIn(b, e, "province")
	for _, path := range []string{"/api/v1/units/5101/overview", "/units/5101", "/api/v1/units/5101/pyramid", "/api/v1/units/5101/children?indicator=cbr"} {
		b.Run(path, func(b *testing.B) {
			c.do("GET", path, nil)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				req.AddCookie(httpCookie(sessionCookie, c.cookies[sessionCookie]))
				req.AddCookie(httpCookie("padis_csrf", c.cookies["padis_csrf"])) // as a browser does
				rec := httptest.NewRecorder()
				e.srv.Handler().ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
