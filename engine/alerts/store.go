package alerts

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Tables of schema alerts, keyed by snapshot version.
const (
	RunsTable    = "alerts.runs"    // one row per evaluated version
	AlertsTable  = "alerts.alerts"  // one row per version and alert
	HistoryTable = "alerts.history" // every change of every alert
)

const ddl = `CREATE SCHEMA IF NOT EXISTS alerts;
CREATE TABLE IF NOT EXISTS alerts.runs (version BIGINT NOT NULL, scope VARCHAR NOT NULL, evaluated_at TIMESTAMP NOT NULL,
	rules_digest VARCHAR NOT NULL, rules INTEGER NOT NULL, candidates INTEGER NOT NULL, duration_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts.alerts (version BIGINT NOT NULL, id VARCHAR NOT NULL, rule VARCHAR NOT NULL, kind VARCHAR NOT NULL,
	indicator VARCHAR NOT NULL, division VARCHAR NOT NULL, level TINYINT NOT NULL, unit_name VARCHAR NOT NULL,
	ptype VARCHAR NOT NULL, period VARCHAR NOT NULL, condition VARCHAR NOT NULL,
	value DOUBLE, lower DOUBLE, upper DOUBLE, expected DOUBLE, numerator DOUBLE, denominator DOUBLE, p_value DOUBLE,
	threshold DOUBLE, colour VARCHAR NOT NULL, explanation_zh VARCHAR NOT NULL, explanation_en VARCHAR NOT NULL,
	status VARCHAR NOT NULL, first_seen TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL,
	ack_user VARCHAR, ack_note VARCHAR, ack_at TIMESTAMP, resolved_at TIMESTAMP, group_id VARCHAR);
ALTER TABLE alerts.alerts ADD COLUMN IF NOT EXISTS group_id VARCHAR;
CREATE TABLE IF NOT EXISTS alerts.history (version BIGINT NOT NULL, id VARCHAR NOT NULL, seq BIGINT NOT NULL, event_at TIMESTAMP NOT NULL,
	action VARCHAR NOT NULL, colour VARCHAR NOT NULL, value DOUBLE, user_name VARCHAR, note VARCHAR);`

// EnsureSchema creates the alert tables when they do not exist.
func EnsureSchema(ctx context.Context, st *store.Store) error {
	if _, err := st.DB().ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("alerts schema: %w", err)
	}
	return nil
}

// Drop deletes every alert, history row and run of version.
func Drop(ctx context.Context, st *store.Store, version int64) error {
	if err := EnsureSchema(ctx, st); err != nil {
		return err
	}
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("drop alerts of version %d: %w", version, err)
	}
	defer tx.Rollback()
	for _, t := range []string{RunsTable, AlertsTable, HistoryTable} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE version = ?`, version); err != nil {
			return fmt.Errorf("drop alerts of version %d: %s: %w", version, t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("drop alerts of version %d: %w", version, err)
	}
	return nil
}

const alertColumns = `version, id, rule, kind, indicator, division, level, unit_name, ptype, period, condition,
	value, lower, upper, expected, numerator, denominator, p_value, threshold, colour, explanation_zh, explanation_en,
	status, first_seen, last_seen, ack_user, ack_note, ack_at, resolved_at, group_id`

// queryer is a *sql.DB, *sql.Conn or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readAlerts returns the alerts selected by where (a condition on the
// alerts table) and args.
func readAlerts(ctx context.Context, q queryer, where string, args ...any) ([]Alert, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+alertColumns+` FROM alerts.alerts WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var level int
		var v, lo, hi, ex, num, den, p, thr nullFloat
		var au, an, gid sql.NullString
		var aa, ra sql.NullTime
		if err := rows.Scan(&a.Version, &a.ID, &a.Rule, &a.Kind, &a.Indicator, &a.Division, &level, &a.UnitName, &a.PeriodType, &a.Period, &a.Condition,
			&v, &lo, &hi, &ex, &num, &den, &p, &thr, &a.Colour, &a.ExplanationZH, &a.ExplanationEN,
			&a.Status, &a.FirstSeen, &a.LastSeen, &au, &an, &aa, &ra, &gid); err != nil {
			return nil, fmt.Errorf("read alerts: %w", err)
		}
		a.Level = models.Level(level)
		a.Value, a.Lower, a.Upper, a.Expected, a.Numerator, a.Denominator, a.PValue, a.Threshold = v.f(), lo.f(), hi.f(), ex.f(), num.f(), den.f(), p.f(), thr.f()
		a.AckUser, a.AckNote, a.GroupID = au.String, an.String, gid.String
		if aa.Valid {
			a.AckAt = aa.Time.UTC()
		}
		if ra.Valid {
			a.Resolved = ra.Time.UTC()
		}
		a.FirstSeen, a.LastSeen = a.FirstSeen.UTC(), a.LastSeen.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// readHistory returns the history of the alerts of version (all when ids
// is empty), per id in order.
func readHistory(ctx context.Context, q queryer, version int64, ids ...string) (map[string][]Event, error) {
	query := `SELECT id, seq, event_at, action, colour, value, user_name, note FROM alerts.history WHERE version = ?`
	args := []any{version}
	if len(ids) == 1 {
		query += ` AND id = ?`
		args = append(args, ids[0])
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY id, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("read alert history: %w", err)
	}
	defer rows.Close()
	out := map[string][]Event{}
	for rows.Next() {
		var id string
		var seq int64
		var e Event
		var v nullFloat
		var u, n sql.NullString
		if err := rows.Scan(&id, &seq, &e.At, &e.Action, &e.Colour, &v, &u, &n); err != nil {
			return nil, fmt.Errorf("read alert history: %w", err)
		}
		e.At, e.Version, e.Value, e.User, e.Note = e.At.UTC(), version, v.f(), u.String, n.String
		out[id] = append(out[id], e)
	}
	return out, rows.Err()
}

// null returns nil for NaN and ±Inf (stored as NULL).
func null(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// histEvent is a history row to write.
type histEvent struct {
	id string
	Event
}

// sync merges the candidates of an evaluation into the alerts of version
// and returns the counts and the alerts newly raised (for delivery). See
// docs/alerts.md, "Lifecycle".
func (ev *evaluation) sync(ctx context.Context, cands []Alert, res *Result) ([]Alert, error) {
	conn, err := ev.st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("alerts of version %d: %w", ev.version, err)
	}
	defer conn.Close()
	curList, err := readAlerts(ctx, conn, `version = ?`, ev.version)
	if err != nil {
		return nil, err
	}
	cur := map[string]Alert{}
	for _, a := range curList {
		cur[a.ID] = a
	}
	var evaluated int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM alerts.runs WHERE version = ?`, ev.version).Scan(&evaluated); err != nil {
		return nil, fmt.Errorf("alerts of version %d: %w", ev.version, err)
	}
	// On the first evaluation of a version, carry the alerts of the
	// latest earlier evaluated version of the same scope.
	prev := map[string]Alert{}
	var prevVersion *int64
	if evaluated == 0 {
		var pv sql.NullInt64
		if err := conn.QueryRowContext(ctx, `SELECT max(version) FROM alerts.runs WHERE scope = ? AND version < ?`, ev.scope, ev.version).Scan(&pv); err != nil {
			return nil, fmt.Errorf("alerts of version %d: %w", ev.version, err)
		}
		if pv.Valid {
			prevVersion = &pv.Int64
			list, err := readAlerts(ctx, conn, `version = ?`, pv.Int64)
			if err != nil {
				return nil, err
			}
			for _, a := range list {
				prev[a.ID] = a
			}
		}
	}

	now := ev.now
	var final []Alert
	var events []histEvent
	var raised []Alert
	var carried []string
	event := func(a Alert, action string) {
		events = append(events, histEvent{a.ID, Event{At: now, Version: ev.version, Action: action, Colour: a.Colour, Value: a.Value}})
	}
	seen := map[string]bool{}
	sort.Slice(cands, func(i, j int) bool { return cands[i].ID < cands[j].ID })
	for _, c := range cands {
		if seen[c.ID] {
			return nil, fmt.Errorf("alerts of version %d: alert %s (%s %s %s) found twice", ev.version, c.ID, c.Rule, c.Division, c.Period)
		}
		seen[c.ID] = true
		old, inCur := cur[c.ID]
		if !inCur {
			old, inCur = prev[c.ID], false
		}
		_, inPrev := prev[c.ID]
		fresh := false // raised or reopened in this evaluation
		stored := ""   // the status stored before this evaluation
		switch {
		case inCur || inPrev:
			stored = old.Status
			c.FirstSeen, c.LastSeen = old.FirstSeen, old.LastSeen
			c.Status, c.AckUser, c.AckNote, c.AckAt = baseStatus(old), old.AckUser, old.AckNote, old.AckAt
			if inPrev {
				carried = append(carried, c.ID)
				c.LastSeen = now
			}
			switch {
			case c.Status == StatusResolved:
				c.Status, c.AckUser, c.AckNote, c.AckAt = StatusNew, "", "", time.Time{}
				c.LastSeen = now
				event(c, ActionReopened)
				fresh = true
			case !sameAlert(old, c):
				if colourRank(c.Colour) > colourRank(old.Colour) && c.Status == StatusAcknowledged {
					// A more severe colour needs a new acknowledgement.
					c.Status = StatusNew
				}
				c.LastSeen = now
				event(c, ActionChanged)
				res.Changed++
			}
		default:
			c.Status, c.FirstSeen, c.LastSeen = StatusNew, now, now
			event(c, ActionRaised)
			fresh = true
		}
		// Derived statuses: an alert about a superseded period, or one of
		// the children of a grouped alert, is not a new item.
		switch {
		case !ev.isCurrent(c):
			c.Status = StatusSuperseded
		case c.GroupID != "" && c.Status == StatusNew:
			c.Status = StatusGrouped
		}
		if c.Status != stored && (c.Status == StatusSuperseded || c.Status == StatusGrouped) {
			event(c, c.Status)
		}
		switch c.Status {
		case StatusNew:
			if fresh {
				res.New++
				raised = append(raised, c)
			}
		case StatusSuperseded:
			res.Superseded++
		case StatusGrouped:
			res.Grouped++
		}
		final = append(final, c)
	}
	resolve := func(a Alert) {
		a.Version = ev.version
		if a.Status != StatusResolved {
			a.Status, a.Resolved = StatusResolved, now
			event(a, ActionResolved)
			res.Resolved++
		}
		final = append(final, a)
	}
	for _, a := range curList {
		switch {
		case seen[a.ID]:
		case !ev.inScope(a.Division):
			final = append(final, a) // not evaluated: left as it is
		default:
			resolve(a)
		}
	}
	prevIDs := make([]string, 0, len(prev))
	for id := range prev {
		prevIDs = append(prevIDs, id)
	}
	sort.Strings(prevIDs)
	for _, id := range prevIDs {
		if a := prev[id]; !seen[id] {
			carried = append(carried, id)
			if ev.inScope(a.Division) {
				resolve(a)
			} else {
				a.Version = ev.version
				final = append(final, a)
			}
		}
	}
	if len(events) == 0 && len(final) == len(curList) && evaluated > 0 {
		return nil, nil // nothing changed: idempotent
	}
	sort.Slice(final, func(i, j int) bool { return final[i].ID < final[j].ID })
	sort.Strings(carried)

	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		return nil, fmt.Errorf("alerts of version %d: %w", ev.version, err)
	}
	err = ev.write(ctx, conn, final, events, carried, prevVersion, res)
	if err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return nil, fmt.Errorf("alerts of version %d: %w", ev.version, err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return nil, fmt.Errorf("alerts of version %d: %w", ev.version, err)
	}
	return raised, nil
}

// baseStatus returns the lifecycle status of a stored alert without the
// derived statuses: a superseded or grouped alert is new, or acknowledged
// when it was acknowledged.
func baseStatus(a Alert) string {
	switch a.Status {
	case StatusSuperseded, StatusGrouped:
		if !a.AckAt.IsZero() {
			return StatusAcknowledged
		}
		return StatusNew
	}
	return a.Status
}

// sameAlert reports whether a re-evaluation found the same numbers.
func sameAlert(a, b Alert) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return a.Colour == b.Colour && a.Condition == b.Condition && a.GroupID == b.GroupID && eq(a.Value, b.Value) && eq(a.Lower, b.Lower) && eq(a.Upper, b.Upper) &&
		eq(a.Threshold, b.Threshold) && a.ExplanationZH == b.ExplanationZH && a.ExplanationEN == b.ExplanationEN
}

// write replaces the alerts of the version, copies the history of the
// carried alerts from the previous version, appends the new events and
// records the run.
func (ev *evaluation) write(ctx context.Context, conn *sql.Conn, final []Alert, events []histEvent, carried []string, prevVersion *int64, res *Result) error {
	if _, err := conn.ExecContext(ctx, `DELETE FROM alerts.alerts WHERE version = ?`, ev.version); err != nil {
		return err
	}
	// Every alert of the previous version is carried (raised again or
	// resolved), with its history.
	if prevVersion != nil && len(carried) > 0 {
		if _, err := conn.ExecContext(ctx, `INSERT INTO alerts.history SELECT ?, id, seq, event_at, action, colour, value, user_name, note
			FROM alerts.history WHERE version = ?`, ev.version, *prevVersion); err != nil {
			return err
		}
	}
	var seq int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM alerts.history WHERE version = ?`, ev.version).Scan(&seq); err != nil {
		return err
	}
	err := appendRows(conn, "alerts", "alerts", len(final), func(i int) []driver.Value {
		a := final[i]
		return []driver.Value{ev.version, a.ID, a.Rule, a.Kind, a.Indicator, a.Division, int8(a.Level), a.UnitName, a.PeriodType, a.Period, a.Condition,
			null(a.Value), null(a.Lower), null(a.Upper), null(a.Expected), null(a.Numerator), null(a.Denominator), null(a.PValue), null(a.Threshold),
			a.Colour, a.ExplanationZH, a.ExplanationEN, a.Status, a.FirstSeen.UTC(), a.LastSeen.UTC(),
			nullString(a.AckUser), nullString(a.AckNote), nullTime(a.AckAt), nullTime(a.Resolved), nullString(a.GroupID)}
	})
	if err != nil {
		return err
	}
	err = appendRows(conn, "alerts", "history", len(events), func(i int) []driver.Value {
		e := events[i]
		return []driver.Value{ev.version, e.id, seq + int64(i) + 1, e.At.UTC(), e.Action, e.Colour, null(e.Value), nullString(e.User), nullString(e.Note)}
	})
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `DELETE FROM alerts.runs WHERE version = ?`, ev.version); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO alerts.runs VALUES (?, ?, ?, ?, ?, ?, ?)`, ev.version, ev.scope, ev.now.UTC(),
		ev.digest, res.Rules, res.Candidates, time.Since(ev.start).Milliseconds())
	return err
}

// appendRows appends n rows to schema.table with DuckDB's appender.
func appendRows(conn *sql.Conn, schema, table string, n int, row func(int) []driver.Value) error {
	if n == 0 {
		return nil
	}
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", schema, table)
		if err != nil {
			return err
		}
		for i := range n {
			if err := app.AppendRow(row(i)...); err != nil {
				app.Close()
				return fmt.Errorf("%s.%s: %w", schema, table, err)
			}
		}
		return app.Close()
	})
}

// ErrNotFound is returned for an unknown alert id.
var ErrNotFound = errors.New("alert not found")
