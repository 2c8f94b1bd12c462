package report

import (
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

func TestConfigScheduler(t *testing.T) {
	const good = `{"schedule": "30 1 3 * *", "after_load": false, "time_zone": "Asia/Shanghai",
		"divisions": ["510000", "5101"], "formats": ["pdf"], "langs": ["zh", "en"], "archive_dir": "/tmp/a",
		"mail": {"enabled": true, "addr": "127.0.0.1:25", "from": "p@x", "username": "p", "password_env": "PW",
		         "recipients": {"51": ["a@x"]}}}`
	c, err := ReadConfig(strings.NewReader(good), "padis.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Scheduler(&Builder{}, func(k string) string { return map[string]string{"PW": "secret"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if s.Schedule.String() != "30 1 3 * *" || !s.NoAfterLoad || s.Location.String() != "Asia/Shanghai" ||
		strings.Join(s.Divisions, ",") != "51,5101" || strings.Join(s.Formats, ",") != "pdf" ||
		len(s.Langs) != 2 || s.Langs[1] != models.EN || s.Mail.Password != "secret" || s.Archive.Dir != "/tmp/a" {
		t.Errorf("scheduler %+v", s)
	}
	next := s.Schedule.Next(time.Date(2025, 11, 1, 0, 0, 0, 0, s.Location))
	if want := time.Date(2025, 11, 3, 1, 30, 0, 0, s.Location); !next.Equal(want) {
		t.Errorf("next run %v, want %v", next, want)
	}
	for _, tc := range []struct{ cfg, want string }{
		{`{"divisions": ["51"]}`, "archive_dir is required"},
		{`{"archive_dir": "/a"}`, "divisions is empty"},
		{`{"archive_dir": "/a", "divisions": ["5x"]}`, "divisions[0]"},
		{`{"archive_dir": "/a", "divisions": ["51"], "schedule": "0 2 3 *"}`, "want 5 fields"},
		{`{"archive_dir": "/a", "divisions": ["51"], "formats": ["doc"]}`, "formats[0]"},
		{`{"archive_dir": "/a", "divisions": ["51"], "langs": ["fr"]}`, "langs[0]"},
		{`{"archive_dir": "/a", "divisions": ["51"], "time_zone": "Mars/Base"}`, "time_zone"},
		{`{"archive_dir": "/a", "divisions": ["51"], "mail": {"enabled": true}}`, "addr and from are required"},
		{`{"archive_dir": "/a", "divisions": ["51"], "mail": {"enabled": true, "addr": "h:25", "from": "f", "password_env": "NOPE"}}`, "NOPE is empty"},
	} {
		c, err := ReadConfig(strings.NewReader(tc.cfg), "c.json")
		if err == nil {
			_, err = c.Scheduler(&Builder{}, func(string) string { return "" })
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.cfg, err, tc.want)
		}
	}
	if _, err := ReadConfig(strings.NewReader(`{"shedule": "x"}`), "c.json"); err == nil || !strings.Contains(err.Error(), "c.json") {
		t.Errorf("unknown field: error %v", err)
	}
}
