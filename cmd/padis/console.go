package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// consoleHandler is the slog handler of the padis serve console: one line
// per record for a person, "padis: 15:04:05 message (key value, …)", with
// "warning:" or "error:" before a warning or an error. The access log goes
// to its own file (--access-log), never here.
type consoleHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	attrs []slog.Attr
	group string
}

// newConsoleLogger returns a logger writing human-readable lines to w.
func newConsoleLogger(w io.Writer) *slog.Logger {
	return slog.New(&consoleHandler{mu: &sync.Mutex{}, w: w})
}

// Enabled reports whether a record of level l is printed (info and above).
func (h *consoleHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

// Handle prints one record.
func (h *consoleHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString("padis: ")
	if !r.Time.IsZero() {
		b.WriteString(r.Time.Format(time.TimeOnly) + " ")
	}
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString("error: ")
	case r.Level >= slog.LevelWarn:
		b.WriteString("warning: ")
	}
	b.WriteString(r.Message)
	var parts []string
	for _, a := range h.attrs {
		if v, ok := consoleValue(a.Value); ok {
			parts = append(parts, a.Key+" "+v)
		}
	}
	r.Attrs(func(a slog.Attr) bool {
		if v, ok := consoleValue(a.Value); ok && a.Key != "" {
			parts = append(parts, h.key(a.Key)+" "+v)
		}
		return true
	})
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// consoleValue formats an attribute's value for a person: durations to the
// millisecond; a nil value (error <nil>) is left out.
func consoleValue(v slog.Value) (string, bool) {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindDuration:
		return v.Duration().Round(time.Millisecond).String(), true
	case slog.KindAny:
		if v.Any() == nil {
			return "", false
		}
	}
	return v.String(), true
}

// WithAttrs returns a handler that adds attrs to every record.
func (h *consoleHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append([]slog.Attr(nil), h.attrs...)
	for _, a := range attrs {
		c.attrs = append(c.attrs, slog.Attr{Key: h.key(a.Key), Value: a.Value})
	}
	return &c
}

// key prefixes an attribute key with the handler's group.
func (h *consoleHandler) key(k string) string {
	if h.group == "" {
		return k
	}
	return h.group + "." + k
}

// WithGroup returns a handler that prefixes the keys with name.
func (h *consoleHandler) WithGroup(name string) slog.Handler {
	c := *h
	if c.group != "" {
		name = c.group + "." + name
	}
	c.group = name
	return &c
}
