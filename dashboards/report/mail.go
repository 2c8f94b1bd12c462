package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
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
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Mailer sends reports through an SMTP server.
type Mailer struct {
	Config MailConfig
}

// Send mails subject and a plain-text body with attachments to to.
func (m *Mailer) Send(to []string, subject, body string, atts []Attachment, date time.Time) error {
	if !m.Config.Enabled {
		return nil
	}
	if len(to) == 0 {
		return fmt.Errorf("mail %q: no recipients", subject)
	}
	msg := buildMessage(m.Config.From, to, subject, body, atts, date)
	var auth smtp.Auth
	if m.Config.Username != "" {
		host, _, err := net.SplitHostPort(m.Config.Addr)
		if err != nil {
			return fmt.Errorf("mail server %q: %w", m.Config.Addr, err)
		}
		auth = smtp.PlainAuth("", m.Config.Username, m.Config.Password, host)
	}
	if err := smtp.SendMail(m.Config.Addr, auth, m.Config.From, to, msg); err != nil {
		return fmt.Errorf("mail %q to %s via %s: %w", subject, strings.Join(to, ","), m.Config.Addr, err)
	}
	return nil
}

// buildMessage writes a MIME multipart/mixed message. The boundary is
// derived from the content so that the message is deterministic.
func buildMessage(from string, to []string, subject, body string, atts []Attachment, date time.Time) []byte {
	h := sha256.New()
	h.Write([]byte(subject + body))
	for _, a := range atts {
		h.Write(a.Data)
	}
	boundary := "padis-" + hex.EncodeToString(h.Sum(nil))[:32]
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n", boundary)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary)
	writeBase64(&b, []byte(body))
	for _, a := range atts {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=%q\r\n\r\n",
			boundary, a.ContentType, a.Name)
		writeBase64(&b, a.Data)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}

// writeBase64 writes data base64-encoded in lines of 76 characters.
func writeBase64(b *bytes.Buffer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
}
