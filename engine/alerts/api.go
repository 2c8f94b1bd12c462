package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Filter selects alerts for List. Zero fields select everything.
type Filter struct {
	// Version is the snapshot version; 0 takes the latest evaluated
	// version of every scope.
	Version int64
	// Units keeps the alerts of units at or below any of these codes
	// (any form models.NormalizeCode accepts).
	Units []string
	// Level keeps one unit level.
	Level models.Level
	// Colour keeps one colour; MinColour keeps it and the more severe.
	Colour, MinColour string
	// Status keeps one status (Statuses); Open keeps new and
	// acknowledged: not resolved, not superseded by a newer period, not
	// a child shown through its grouped alert.
	Status string
	Open   bool
	// Indicator, Rule, Kind and Period keep one of each.
	Indicator, Rule, Kind, Period string
	// Limit caps the number of alerts (0: no limit).
	Limit int
}

// Validate reports the first value of f that names no colour, status or
// division code, so that a caller can reject a bad filter before opening
// the store.
func (f Filter) Validate() error {
	for _, u := range f.Units {
		if _, err := models.NormalizeCode(u); err != nil {
			return err
		}
	}
	for _, c := range []string{f.Colour, f.MinColour} {
		if c != "" && colourRank(c) == 0 {
			return fmt.Errorf("colour %q: want blue, yellow, orange or red", c)
		}
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		return fmt.Errorf("status %q: want one of %s", f.Status, strings.Join(Statuses, ", "))
	}
	return nil
}

// where returns the SQL condition and arguments of f.
func (f Filter) where() (string, []any, error) {
	if err := f.Validate(); err != nil {
		return "", nil, err
	}
	var conds []string
	var args []any
	if f.Version > 0 {
		conds = append(conds, `version = ?`)
		args = append(args, f.Version)
	} else {
		conds = append(conds, `version IN (SELECT max(version) FROM alerts.runs GROUP BY scope)`)
	}
	if len(f.Units) > 0 {
		var or []string
		for _, u := range f.Units {
			c, _ := models.NormalizeCode(u)
			if c == models.NationCode {
				or = append(or, `true`)
				continue
			}
			or = append(or, `starts_with(division, ?)`)
			args = append(args, c)
		}
		conds = append(conds, `(`+strings.Join(or, " OR ")+`)`)
	}
	if f.Level > 0 {
		conds = append(conds, `level = ?`)
		args = append(args, int(f.Level))
	}
	if f.Colour != "" {
		conds = append(conds, `colour = ?`)
		args = append(args, f.Colour)
	}
	if f.MinColour != "" {
		k := colourRank(f.MinColour)
		var in []string
		for _, c := range Colours[k-1:] {
			in = append(in, store.Quote(c))
		}
		conds = append(conds, `colour IN (`+strings.Join(in, ",")+`)`)
	}
	if f.Status != "" {
		conds = append(conds, `status = ?`)
		args = append(args, f.Status)
	}
	if f.Open {
		conds = append(conds, `status IN ('new', 'acknowledged')`)
	}
	for _, c := range []struct{ col, v string }{{"indicator", f.Indicator}, {"rule", f.Rule}, {"kind", f.Kind}, {"period", f.Period}} {
		if c.v != "" {
			conds = append(conds, c.col+` = ?`)
			args = append(args, c.v)
		}
	}
	return strings.Join(conds, " AND "), args, nil
}

// Evaluated reports whether Evaluate has stored its results for version,
// so that a caller can tell a version without alerts from one never
// evaluated. It does not create the alert tables: a store without them
// has evaluated nothing.
func Evaluated(ctx context.Context, st *store.Store, version int64) (bool, error) {
	var n int
	err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'alerts' AND table_name = 'runs'`).Scan(&n)
	if err == nil && n > 0 {
		err = st.DB().QueryRowContext(ctx, `SELECT count(*) FROM alerts.runs WHERE version = ?`, version).Scan(&n)
	}
	if err != nil {
		return false, fmt.Errorf("alerts of version %d: evaluated: %w", version, err)
	}
	return n > 0, nil
}

// List returns the alerts matching f, the most severe first, then by
// unit, rule and period (without history; see Get).
func List(ctx context.Context, st *store.Store, f Filter) ([]Alert, error) {
	if err := EnsureSchema(ctx, st); err != nil {
		return nil, err
	}
	where, args, err := f.where()
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	where += ` ORDER BY CASE colour WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END, division, rule, period, version`
	if f.Limit > 0 {
		where += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	return readAlerts(ctx, st.DB(), where, args...)
}

// Get returns alert id of version (0: the latest version holding it) with
// its history; ErrNotFound when unknown.
func Get(ctx context.Context, st *store.Store, id string, version int64) (Alert, error) {
	if err := EnsureSchema(ctx, st); err != nil {
		return Alert{}, err
	}
	var list []Alert
	var err error
	if version > 0 {
		list, err = readAlerts(ctx, st.DB(), `id = ? AND version = ?`, id, version)
	} else {
		list, err = readAlerts(ctx, st.DB(), `id = ? ORDER BY version DESC LIMIT 1`, id)
	}
	if err != nil {
		return Alert{}, err
	}
	if len(list) == 0 {
		return Alert{}, fmt.Errorf("alert %s: %w", id, ErrNotFound)
	}
	a := list[0]
	h, err := readHistory(ctx, st.DB(), a.Version, a.ID)
	if err != nil {
		return Alert{}, err
	}
	a.History = h[a.ID]
	children, err := readAlerts(ctx, st.DB(), `version = ? AND group_id = ? ORDER BY division`, a.Version, a.ID)
	if err != nil {
		return Alert{}, err
	}
	for _, c := range children {
		a.Children = append(a.Children, c.ID)
	}
	return a, nil
}

// ErrResolved is returned when acknowledging a resolved alert.
var ErrResolved = errors.New("alert is resolved")

// Acknowledge records that user acknowledged alert id (in the latest
// version holding it) with a note at time at, and returns the alert with
// its history. Acknowledging again replaces the user and note and adds a
// history event.
func Acknowledge(ctx context.Context, st *store.Store, id, user, note string, at time.Time) (Alert, error) {
	if strings.TrimSpace(user) == "" {
		return Alert{}, fmt.Errorf("acknowledge alert %s: user is required", id)
	}
	a, err := Get(ctx, st, id, 0)
	if err != nil {
		return Alert{}, err
	}
	if a.Status == StatusResolved {
		return Alert{}, fmt.Errorf("acknowledge alert %s: %w", id, ErrResolved)
	}
	at = at.UTC().Truncate(time.Microsecond)
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return Alert{}, fmt.Errorf("acknowledge alert %s: %w", id, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		return Alert{}, fmt.Errorf("acknowledge alert %s: %w", id, err)
	}
	err = func() error {
		if _, err := conn.ExecContext(ctx, `UPDATE alerts.alerts SET status = ?, ack_user = ?, ack_note = ?, ack_at = ? WHERE version = ? AND id = ?`,
			StatusAcknowledged, user, nullString(note), at, a.Version, id); err != nil {
			return err
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO alerts.history SELECT ?, ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM alerts.history WHERE version = ?`,
			a.Version, id, at, ActionAcknowledged, a.Colour, null(a.Value), user, nullString(note), a.Version)
		return err
	}()
	if err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return Alert{}, fmt.Errorf("acknowledge alert %s: %w", id, err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return Alert{}, fmt.Errorf("acknowledge alert %s: %w", id, err)
	}
	return Get(ctx, st, id, a.Version)
}
