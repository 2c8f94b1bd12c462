package dashboards

import (
	"strings"
	"testing"
)

// TestScreenRefreshBounds: the screen's refresh interval is 5 to 3600
// seconds; anything else is refused with a translated message.
func TestScreenRefreshBounds(t *testing.T) {
	e := newTestEnv(t)
	c := loggedIn(t, e, "province")
	for _, tt := range []struct {
		q    string
		want int
	}{{"5", 200}, {"3600", 200}, {"4", 400}, {"3601", 400}, {"x", 400}} {
		rec := c.do("GET", "/api/v1/screen?lang=zh&refresh="+tt.q, nil)
		if rec.Code != tt.want {
			t.Errorf("refresh=%s: status %d, want %d", tt.q, rec.Code, tt.want)
		}
		if tt.want == 400 && !strings.Contains(rec.Body.String(), "刷新间隔") {
			t.Errorf("refresh=%s: error %s is not the translated message", tt.q, rec.Body)
		}
	}
}
