package report

import (
	"time"

	"github.com/padis/padis/engine/notify"
)

// MailConfig configures delivery by e-mail. Mail is off unless Enabled.
type MailConfig struct {
	Enabled  bool   `json:"enabled"`
	Addr     string `json:"addr"` // SMTP server host:port
	From     string `json:"from"`
	Username string `json:"username,omitempty"` // PLAIN authentication when set (TLS required except to localhost)
	Password string `json:"-"`                  // from the environment variable PasswordEnv, never from a file
	// PasswordEnv names the environment variable holding the password.
	PasswordEnv string `json:"password_env,omitempty"`
	// Recipients lists, by division code, who receives that unit's
	// report.
	Recipients map[string][]string `json:"recipients,omitempty"`
}

// Attachment is a file attached to a mail.
type Attachment = notify.Attachment

// Mailer sends reports through an SMTP server (engine/notify).
type Mailer struct {
	Config MailConfig
}

// Send mails subject and a plain-text body with attachments to to.
func (m *Mailer) Send(to []string, subject, body string, atts []Attachment, date time.Time) error {
	if !m.Config.Enabled {
		return nil
	}
	s := notify.SMTP{Addr: m.Config.Addr, From: m.Config.From, Username: m.Config.Username, Password: m.Config.Password}
	return s.Send(to, subject, body, atts, date)
}

// buildMessage writes the MIME message (notify.BuildMessage).
var buildMessage = notify.BuildMessage
