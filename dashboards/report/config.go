package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/padis/padis/models"
)

// Config is the report section of the server's configuration (JSON):
//
//	{"schedule": "0 2 3 * *", "after_load": true, "time_zone": "Asia/Shanghai",
//	 "divisions": ["51", "5101"], "formats": ["html", "pdf"], "langs": ["zh"],
//	 "archive_dir": "padis-data/reports",
//	 "mail": {"enabled": false, "addr": "smtp.example.org:587", "from": "padis@example.org",
//	          "username": "padis", "password_env": "PADIS_SMTP_PASSWORD",
//	          "recipients": {"51": ["office@example.org"]}}}
//
// Every field is optional except divisions and archive_dir.
type Config struct {
	Schedule   string     `json:"schedule,omitempty"`   // cron; default DefaultSchedule
	AfterLoad  *bool      `json:"after_load,omitempty"` // generate after each load; default true
	TimeZone   string     `json:"time_zone,omitempty"`  // IANA name; default the local zone
	Divisions  []string   `json:"divisions"`
	Formats    []string   `json:"formats,omitempty"` // default html and pdf
	Langs      []string   `json:"langs,omitempty"`   // default zh
	ArchiveDir string     `json:"archive_dir"`
	Mail       MailConfig `json:"mail"`
}

// ReadConfig decodes a Config; name is used in error messages. Unknown
// fields are errors.
func ReadConfig(r io.Reader, name string) (Config, error) {
	var c Config
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("report config %s: %w", name, err)
	}
	return c, nil
}

// Scheduler validates c and returns the scheduler it describes, building
// reports with b. getenv reads the SMTP password (nil: os.Getenv).
func (c Config) Scheduler(b *Builder, getenv func(string) string) (*Scheduler, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	expr := c.Schedule
	if expr == "" {
		expr = DefaultSchedule
	}
	sched, err := ParseSchedule(expr)
	if err != nil {
		return nil, fmt.Errorf("report config: %w", err)
	}
	s := &Scheduler{Schedule: sched, Builder: b, Archive: Archive{Dir: c.ArchiveDir}, Mail: c.Mail}
	if c.ArchiveDir == "" {
		return nil, fmt.Errorf("report config: archive_dir is required")
	}
	if len(c.Divisions) == 0 {
		return nil, fmt.Errorf("report config: divisions is empty")
	}
	for i, d := range c.Divisions {
		code, err := models.NormalizeCode(d)
		if err != nil {
			return nil, fmt.Errorf("report config: divisions[%d]: %w", i, err)
		}
		s.Divisions = append(s.Divisions, code)
	}
	for i, f := range c.Formats {
		fs, err := ParseFormats(f)
		if err != nil {
			return nil, fmt.Errorf("report config: formats[%d]: %w", i, err)
		}
		s.Formats = append(s.Formats, fs...)
	}
	for i, l := range c.Langs {
		lang, err := ParseLang(l)
		if err != nil {
			return nil, fmt.Errorf("report config: langs[%d]: %w", i, err)
		}
		s.Langs = append(s.Langs, lang)
	}
	if c.TimeZone != "" {
		if s.Location, err = time.LoadLocation(c.TimeZone); err != nil {
			return nil, fmt.Errorf("report config: time_zone: %w", err)
		}
	}
	if c.AfterLoad != nil && !*c.AfterLoad {
		s.NoAfterLoad = true
	}
	if c.Mail.Enabled {
		if c.Mail.Addr == "" || c.Mail.From == "" {
			return nil, fmt.Errorf("report config: mail: addr and from are required when enabled")
		}
		if c.Mail.PasswordEnv != "" {
			s.Mail.Password = getenv(c.Mail.PasswordEnv)
			if s.Mail.Password == "" {
				return nil, fmt.Errorf("report config: mail: environment variable %s is empty", c.Mail.PasswordEnv)
			}
		}
	}
	return s, nil
}
