package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/engine/notify/notifytest"
	"github.com/padis/padis/models"
)

func newTestScheduler(t *testing.T, mailAddr string) *Scheduler {
	f := newFakeReader()
	return &Scheduler{
		Builder:   &Builder{Reader: f, Now: func() time.Time { return fixedTime }},
		Divisions: []string{"51", "5101"},
		Formats:   []string{FormatPDF, FormatHTML},
		Langs:     []models.Lang{models.ZH},
		Archive:   Archive{Dir: t.TempDir()},
		Mail: MailConfig{Enabled: mailAddr != "", Addr: mailAddr, From: "padis@example.org",
			Recipients: map[string][]string{"51": {"leader@sc.example.org", "office@sc.example.org"}}},
	}
}

// TestSchedulerGenerateArchivesAndMails generates two units' reports,
// checks the archive and that the province's leaders got one mail with
// the archived PDF attached.
func TestSchedulerGenerateArchivesAndMails(t *testing.T) {
	srv := notifytest.StartSMTP(t)
	s := newTestScheduler(t, srv.Addr())
	entries, err := s.Generate(context.Background(), Month{2025, 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Fatalf("%d archived documents, want 4", len(entries))
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails sent, want 1 (only 51 has recipients)", len(msgs))
	}
	if strings.Join(msgs[0].To, ",") != "leader@sc.example.org,office@sc.example.org" || msgs[0].From != "padis@example.org" {
		t.Errorf("envelope from %s to %v", msgs[0].From, msgs[0].To)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "四川省2025年10月人口形势分析月报" {
		t.Errorf("subject %q", subject)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	mr := multipart.NewReader(msg.Body, params["boundary"])
	archived, err := s.Archive.Path([]string{"51"}, "51", "2025-10", "51-2025-10.zh.pdf")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(archived)
	found := false
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FileName() == "51-2025-10.zh.pdf" {
			b, _ := io.ReadAll(base64Reader(p))
			found = bytes.Equal(b, want)
		}
	}
	if !found {
		t.Error("the mail does not carry the archived PDF")
	}
}

// TestArchiveScope checks listing and download respect jurisdiction.
func TestArchiveScope(t *testing.T) {
	s := newTestScheduler(t, "")
	if _, err := s.Generate(context.Background(), Month{2025, 10}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		scope []string
		want  int
	}{{[]string{"00"}, 4}, {[]string{"51"}, 4}, {[]string{"5101"}, 2}, {[]string{"510104"}, 0}, {[]string{"52"}, 0}} {
		got, err := s.Archive.List(tc.scope)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("scope %v lists %d documents, want %d", tc.scope, len(got), tc.want)
		}
		for _, e := range got {
			if !InScope(e.Division, tc.scope) {
				t.Errorf("scope %v lists %s", tc.scope, e.Division)
			}
		}
	}
	if _, err := s.Archive.Path([]string{"5101"}, "51", "2025-10", "51-2025-10.zh.pdf"); !errors.Is(err, ErrOutOfScope) {
		t.Errorf("city user downloading the province report: error %v, want ErrOutOfScope", err)
	}
	if _, err := s.Archive.Path([]string{"51"}, "51", "2025-10", "../../etc/passwd"); err == nil {
		t.Error("path traversal accepted")
	}
	if _, err := s.Archive.Path([]string{"51"}, "51", "2025-09", "51-2025-09.zh.pdf"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing report: error %v", err)
	}
}

// TestSchedulerRun checks Run waits until the next scheduled time and then
// reports on the month before.
func TestSchedulerRun(t *testing.T) {
	s := newTestScheduler(t, "")
	s.Divisions = []string{"5101"}
	s.Formats = []string{FormatHTML}
	s.Location = time.UTC
	now := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	ctx, cancel := context.WithCancel(context.Background())
	var waits []time.Duration
	s.After = func(d time.Duration) <-chan time.Time {
		waits = append(waits, d)
		ch := make(chan time.Time, 1)
		if len(waits) == 1 {
			now = now.Add(d)
			ch <- now
		} else {
			cancel()
		}
		return ch
	}
	if err := s.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
	if waits[0] != 40*time.Hour {
		t.Errorf("first wait %v, want 40h (to 3 Nov 02:00)", waits[0])
	}
	if waits[1] != time.Duration(30*24)*time.Hour {
		t.Errorf("second wait %v, want 720h (to 3 Dec 02:00)", waits[1])
	}
	got, _ := s.Archive.List([]string{"00"})
	if len(got) != 1 || got[0].Month != "2025-10" || got[0].Division != "5101" {
		t.Errorf("archive after one run: %+v", got)
	}
}

func TestBuildMessageDeterministic(t *testing.T) {
	atts := []Attachment{{Name: "a.pdf", ContentType: "application/pdf", Data: bytes.Repeat([]byte("x"), 200)}}
	a := buildMessage("f@x", []string{"t@x"}, "主题", "正文", atts, fixedTime)
	b := buildMessage("f@x", []string{"t@x"}, "主题", "正文", atts, fixedTime)
	if !bytes.Equal(a, b) {
		t.Error("two builds of one message differ")
	}
	for _, l := range strings.Split(string(a), "\r\n") {
		if len(l) > 998 {
			t.Fatalf("line of %d characters", len(l))
		}
	}
}

func base64Reader(r io.Reader) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, r)
}
