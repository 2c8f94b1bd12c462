package notify_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/engine/notify"
	"github.com/padis/padis/engine/notify/notifytest"
)

var fixed = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)

// TestSMTPSend sends a mail with an attachment to the fake server and
// decodes the body back.
func TestSMTPSend(t *testing.T) {
	srv := notifytest.StartSMTP(t)
	s := notify.SMTP{Addr: srv.Addr(), From: "padis@example.org"}
	atts := []notify.Attachment{{Name: "a.csv", ContentType: "text/csv", Data: []byte("x,y\n1,2\n")}}
	if err := s.Send([]string{"duty@example.org", "chief@example.org"}, "预警 warnings", "成都市出生人口性别比偏高", atts, fixed); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "padis@example.org" || strings.Join(m.To, ",") != "duty@example.org,chief@example.org" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	data := string(m.Data)
	body := base64.StdEncoding.EncodeToString([]byte("成都市出生人口性别比偏高"))
	for _, want := range []string{"Subject: =?UTF-8?b?", body, `filename="a.csv"`, "Date: Mon, 05 Jan 2026 08:00:00 +0000"} {
		if !strings.Contains(data, want) {
			t.Errorf("message lacks %q:\n%s", want, data)
		}
	}
	if err := s.Send(nil, "x", "y", nil, fixed); err == nil {
		t.Error("no recipients accepted")
	}
}

// TestBuildMessageDeterministic: the same content gives the same bytes.
func TestBuildMessageDeterministic(t *testing.T) {
	a := notify.BuildMessage("f@x", []string{"t@x"}, "主题", "正文", nil, fixed)
	b := notify.BuildMessage("f@x", []string{"t@x"}, "主题", "正文", nil, fixed)
	if string(a) != string(b) {
		t.Error("two builds differ")
	}
}

// TestWebhookPost posts to an httptest server and checks the JSON, the
// headers and the handling of a failing endpoint.
func TestWebhookPost(t *testing.T) {
	var got map[string]any
	var auth, ctype string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		auth, ctype = r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &got); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	t.Setenv("TEST_HOOK_TOKEN", "Bearer s3cret")
	h := notify.Webhook{URL: srv.URL + "/hook", HeaderEnv: map[string]string{"Authorization": "TEST_HOOK_TOKEN"}}
	if err := h.Post(context.Background(), map[string]any{"alerts": 2, "unit": "成都市"}); err != nil {
		t.Fatal(err)
	}
	if got["unit"] != "成都市" || got["alerts"] != 2.0 || auth != "Bearer s3cret" || !strings.HasPrefix(ctype, "application/json") {
		t.Errorf("received %v, auth %q, content type %q", got, auth, ctype)
	}
	h.URL = srv.URL + "/fail"
	if err := h.Post(context.Background(), map[string]int{"x": 1}); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("failing endpoint: err = %v", err)
	}
}

// TestReadConfig: defaults, the password from the environment, errors.
func TestReadConfig(t *testing.T) {
	env := func(k string) string { return map[string]string{"PW": "pw"}[k] }
	c, err := notify.ReadConfig(strings.NewReader(`{"mail": {"enabled": true, "addr": "h:25", "from": "a@b", "to": ["c@d"], "password_env": "PW"}}`), "t", env)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Enabled() || c.Mail.Password != "pw" || strings.Join(c.Colours, ",") != "orange,red" || c.Webhook.Enabled {
		t.Errorf("config %+v", c)
	}
	for _, bad := range []string{`{"webhook": {"enabled": true}}`, `{"mail": {"enabled": true, "addr": "h:25"}}`, `{"mail": {"password": "x"}}`, `{"other": 1}`} {
		if _, err := notify.ReadConfig(strings.NewReader(bad), "t", env); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	var off *notify.Config
	if off.Enabled() {
		t.Error("nil config enabled")
	}
}
