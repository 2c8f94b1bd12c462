// Package notify delivers messages by SMTP e-mail and by webhook (an HTTP
// POST of a JSON document). It is shared by the early warnings
// (engine/alerts) and the monthly report (dashboards/report), and holds no
// state: every call gets its configuration.
package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"os"
	"strings"
	"time"
)

// SMTP is an SMTP server and sender.
type SMTP struct {
	Addr     string `json:"addr"` // host:port
	From     string `json:"from"`
	Username string `json:"username,omitempty"` // PLAIN authentication when set (TLS required except to localhost)
	Password string `json:"-"`                  // never from a file: from PasswordEnv
	// PasswordEnv names the environment variable holding the password.
	PasswordEnv string `json:"password_env,omitempty"`
}

// Attachment is a file attached to a mail.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Send mails subject and a plain-text body with attachments to to.
func (s SMTP) Send(to []string, subject, body string, atts []Attachment, date time.Time) error {
	if len(to) == 0 {
		return fmt.Errorf("mail %q: no recipients", subject)
	}
	msg := BuildMessage(s.From, to, subject, body, atts, date)
	var auth smtp.Auth
	if s.Username != "" {
		host, _, err := net.SplitHostPort(s.Addr)
		if err != nil {
			return fmt.Errorf("mail server %q: %w", s.Addr, err)
		}
		auth = smtp.PlainAuth("", s.Username, s.Password, host)
	}
	if err := smtp.SendMail(s.Addr, auth, s.From, to, msg); err != nil {
		return fmt.Errorf("mail %q to %s via %s: %w", subject, strings.Join(to, ","), s.Addr, err)
	}
	return nil
}

// BuildMessage writes a MIME multipart/mixed message. The boundary is
// derived from the content so that the message is deterministic.
func BuildMessage(from string, to []string, subject, body string, atts []Attachment, date time.Time) []byte {
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

// Webhook is an HTTP endpoint that receives JSON documents by POST.
type Webhook struct {
	URL string `json:"url"`
	// Headers are added to every request (e.g. an authorisation token
	// name; values may be read from the environment with HeaderEnv).
	Headers map[string]string `json:"headers,omitempty"`
	// HeaderEnv maps a header to the environment variable holding its
	// value, so that secrets stay out of the file.
	HeaderEnv map[string]string `json:"header_env,omitempty"`
	// Timeout in seconds (default 10).
	Timeout float64 `json:"timeout_seconds,omitempty"`
}

// Post sends payload as JSON and fails unless the answer is 2xx.
func (w Webhook) Post(ctx context.Context, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", w.URL, err)
	}
	timeout := time.Duration(w.Timeout * float64(time.Second))
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", w.URL, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	for k, v := range w.Headers {
		req.Header.Set(k, v)
	}
	for k, env := range w.HeaderEnv {
		req.Header.Set(k, os.Getenv(env))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", w.URL, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %s: %s", w.URL, resp.Status)
	}
	return nil
}

// Config is a delivery configuration file: a webhook and e-mail, each off
// unless enabled.
//
//	{"webhook": {"enabled": true, "url": "https://…/hook"},
//	 "mail": {"enabled": true, "addr": "smtp.example.org:587", "from": "padis@example.org",
//	          "username": "padis", "password_env": "PADIS_SMTP_PASSWORD", "to": ["duty@example.org"]},
//	 "colours": ["orange", "red"]}
type Config struct {
	Webhook struct {
		Enabled bool `json:"enabled"`
		Webhook
	} `json:"webhook"`
	Mail struct {
		Enabled bool `json:"enabled"`
		SMTP
		To []string `json:"to"`
	} `json:"mail"`
	// Colours that are delivered (default orange and red).
	Colours []string `json:"colours,omitempty"`
}

// Enabled reports whether any channel is on.
func (c *Config) Enabled() bool { return c != nil && (c.Webhook.Enabled || c.Mail.Enabled) }

// ReadConfig decodes a Config (unknown fields are errors) and reads the
// mail password from the environment; name is used in error messages.
func ReadConfig(r io.Reader, name string, getenv func(string) string) (*Config, error) {
	var c Config
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("notify config %s: %w", name, err)
	}
	if c.Webhook.Enabled && c.Webhook.URL == "" {
		return nil, fmt.Errorf("notify config %s: webhook enabled without url", name)
	}
	if c.Mail.Enabled && (c.Mail.Addr == "" || c.Mail.From == "" || len(c.Mail.To) == 0) {
		return nil, fmt.Errorf("notify config %s: mail enabled without addr, from and to", name)
	}
	if c.Mail.PasswordEnv != "" {
		c.Mail.Password = getenv(c.Mail.PasswordEnv)
	}
	if len(c.Colours) == 0 {
		c.Colours = []string{"orange", "red"}
	}
	return &c, nil
}

// LoadConfig reads a Config file.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("notify config: %w", err)
	}
	defer f.Close()
	return ReadConfig(f, path, os.Getenv)
}
