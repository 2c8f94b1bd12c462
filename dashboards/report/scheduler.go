package report

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/models"
)

// Scheduler generates, archives and mails the monthly reports: on its
// cron schedule (for the month before the run) and after each successful
// load (AfterLoad). The server runs it with Run in a goroutine.
type Scheduler struct {
	Schedule  *Schedule // nil: DefaultSchedule
	Builder   *Builder
	Divisions []string      // units to report on
	Formats   []string      // nil: html and pdf
	Langs     []models.Lang // nil: Chinese
	Archive   Archive
	Mail      MailConfig
	// Location is the time zone the schedule is read in (nil: time.Local).
	Location *time.Location
	// Now returns the current time (nil: time.Now); After waits (nil:
	// time.After). Tests replace both.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
	// Logf reports each generation (nil: silent).
	Logf func(format string, args ...any)
	// NoAfterLoad turns the after-load hook off.
	NoAfterLoad bool

	mu sync.Mutex // one generation at a time
}

// ReportMonth is the month a scheduled run at t reports on: the month
// before t's.
func ReportMonth(t time.Time) Month {
	return Month{t.Year(), int(t.Month())}.Add(-1)
}

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Scheduler) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}

// Run waits for each scheduled time and generates the reports of the
// month before, until ctx is cancelled (it then returns ctx.Err()). A
// failed generation is logged and does not stop the schedule.
func (s *Scheduler) Run(ctx context.Context) error {
	sched := s.Schedule
	if sched == nil {
		var err error
		if sched, err = ParseSchedule(DefaultSchedule); err != nil {
			return err
		}
	}
	loc := s.Location
	if loc == nil {
		loc = time.Local
	}
	after := s.After
	if after == nil {
		after = time.After
	}
	for {
		now := s.now().In(loc)
		next := sched.Next(now)
		if next.IsZero() {
			return fmt.Errorf("schedule %q never fires", sched)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-after(next.Sub(now)):
		}
		if _, err := s.Generate(ctx, ReportMonth(next)); err != nil {
			s.logf("report: scheduled run %s: %v", next.Format(time.RFC3339), err)
		}
	}
}

// AfterLoad is the hook the loader calls after a successful load whose
// data end with month: it regenerates that month's reports.
func (s *Scheduler) AfterLoad(ctx context.Context, month Month) ([]Entry, error) {
	if s.NoAfterLoad {
		return nil, nil
	}
	return s.Generate(ctx, month)
}

// Generate builds, renders, archives and (when mail is enabled) mails the
// reports of every division for month. It goes on after a unit fails and
// returns the archived entries with the failures joined.
func (s *Scheduler) Generate(ctx context.Context, month Month) ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	formats, langs := s.Formats, s.Langs
	if formats == nil {
		formats = []string{FormatHTML, FormatPDF}
	}
	if langs == nil {
		langs = []models.Lang{models.ZH}
	}
	var all []Entry
	var errs []error
	for _, div := range s.Divisions {
		if err := ctx.Err(); err != nil {
			return all, err
		}
		start := s.now()
		r, err := s.Builder.Build(ctx, div, month)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		outs, err := Render(r, formats, langs)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		entries, err := s.Archive.Store(r, outs)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, entries...)
		s.logf("report %s %s: %d documents archived in %v", div, month, len(entries), s.now().Sub(start).Round(time.Millisecond))
		if err := s.mail(r, outs); err != nil {
			errs = append(errs, err)
		}
	}
	return all, errors.Join(errs...)
}

// mail sends the unit's documents to its recipients.
func (s *Scheduler) mail(r *Report, outs []Output) error {
	if !s.Mail.Enabled {
		return nil
	}
	to := s.Mail.Recipients[r.Unit.Code]
	if len(to) == 0 {
		return nil
	}
	m, _ := ParseMonth(r.Month)
	name := r.Unit.FullName
	if name == "" {
		name = r.Unit.Name
	}
	subject := name + m.Label(models.ZH) + "人口形势分析月报"
	var body strings.Builder
	fmt.Fprintf(&body, "%s\n\n", subject)
	for _, p := range Narrative(r, models.ZH) {
		body.WriteString(p + "\n\n")
	}
	fmt.Fprintf(&body, "数据版本：%d（%s）\n", r.Version, r.Snapshot)
	var atts []Attachment
	for _, o := range outs {
		ct := "text/html; charset=utf-8"
		if o.Format == FormatPDF {
			ct = "application/pdf"
		}
		atts = append(atts, Attachment{Name: o.Name, ContentType: ct, Data: o.Data})
	}
	return (&Mailer{Config: s.Mail}).Send(to, subject, body.String(), atts, r.GeneratedAt)
}
