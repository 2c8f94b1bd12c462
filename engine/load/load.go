package load

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Load loads the snapshot in dir into st as a new version and publishes it.
//
// A mismatch with the manifest (row counts, checksums), an unreadable file
// or a file without a required column aborts the load with an error
// naming the file; the previous version stays current and nothing of the
// failed load remains. Row-level problems never abort: the row goes to the
// quarantine. Loading files that were loaded before returns the existing
// version with Report.AlreadyLoaded set.
func Load(ctx context.Context, st *store.Store, dir string, opts Options) (*Report, error) {
	if opts.Keys == nil {
		return nil, errors.New("load: no PII keys")
	}
	if _, err := opts.maxQuarantine(); err != nil {
		return nil, err
	}
	l := &loader{st: st, opts: opts, log: opts.Logger, now: opts.Now}
	if l.log == nil {
		l.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if l.now == nil {
		l.now = time.Now
	}
	unlock := st.LockLoad()
	defer unlock()
	rep, err := l.load(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	return rep, nil
}

type loader struct {
	st      *store.Store
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	started time.Time
	rep     Report
	conn    *sql.Conn
	version *store.Version

	rowsDone atomic.Int64 // rows of the tables already read
	session  atomic.Pointer[pii.SealSession]
	phase    atomic.Value // string
	table    atomic.Value // string
	total    int64
}

func (l *loader) load(ctx context.Context, dir string) (*Report, error) {
	l.started = l.now()
	sd, err := openSnapshotDir(dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir) // recorded as given, before symlink resolution
	if err != nil {
		return nil, err
	}
	m, inputs, err := readManifest(sd)
	if err != nil {
		return nil, err
	}
	if want := l.opts.ExpectScope; want != "" && m.Scope.Key() != want {
		return nil, fmt.Errorf("manifest.json: scope %s, but the load was allowed for scope %s (the manifest changed after it was checked); nothing loaded", m.Scope.Key(), want)
	}
	for _, in := range inputs {
		l.total += in.entry.Rows
	}
	if l.opts.Divisions != nil {
		if err := l.timed(ctx, "divisions", func() error { return l.st.SetDivisions(ctx, l.opts.Divisions) }); err != nil {
			return nil, err
		}
	}
	if n, err := l.st.DivisionCount(ctx); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, errors.New("the store has no division list to validate division codes against")
	}
	tmp, err := os.MkdirTemp(l.st.Config().TempDir, store.WorkDirPrefix)
	if err != nil {
		return nil, fmt.Errorf("temp directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	stopProgress := l.startProgress()
	defer stopProgress()

	l.setPhase("verify", "")
	if err := l.timed(ctx, "verify", func() error { return verify(ctx, inputs, l.st.Config().Threads, tmp) }); err != nil {
		return nil, err
	}
	fp := fingerprint(m)
	if v, err := l.st.FindLoaded(ctx, m.Scope.Key(), fp); err != nil {
		return nil, err
	} else if v != nil {
		l.log.Info("already loaded", "version", v.ID, "scope", v.Scope)
		l.rep.Version, l.rep.AlreadyLoaded = v, true
		return &l.rep, nil
	}
	for _, in := range inputs {
		if in.readAs == "csv" && in.rowsIn != in.entry.Rows {
			return nil, fmt.Errorf("%s: %d data rows but the manifest says %d", in.entry.Path, in.rowsIn, in.entry.Rows)
		}
	}

	v := &store.Version{
		Scope: m.Scope.Key(), ScopeDef: m.Scope, AsOf: m.AsOf.Time, PeriodStart: m.PeriodStart.Time,
		Producer: m.Producer, Fingerprint: fp, KeyID: l.opts.Keys.ID, StartedAt: l.started.UTC(), SourceDir: abs,
		Generator: m.Generator,
	}
	if err := l.st.Begin(ctx, v); err != nil {
		return nil, err
	}
	l.version = v
	published := false
	defer func() {
		if !published {
			if err := l.st.Abandon(v); err != nil {
				l.log.Error("abandon failed load", "version", v.ID, "err", err)
			}
		}
	}()
	l.log.Info("load started", "version", v.ID, "scope", v.Scope, "as_of", v.AsOf.Format(time.DateOnly), "rows", l.total)

	conn, err := l.st.DB().Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	l.conn = conn
	restore, err := loadSettings(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := restore(); err != nil {
			l.log.Error("restore DuckDB settings", "err", err)
		}
	}()
	if err := l.stage(ctx, m, inputs); err != nil {
		return nil, err
	}
	if err := l.publish(ctx, v); err != nil {
		return nil, err
	}
	published = true
	return &l.rep, nil
}

// loadSettings changes two DuckDB settings until restore is called.
//
// The automatic checkpoint threshold is raised, so that the load is
// checkpointed once, after it (by the next write or the closing of the
// store), instead of whenever its write-ahead log passes the threshold: a
// checkpoint in the middle of the load, and the final one after the DELETE
// of quarantined rows, cost more together than the single one (1 M
// persons, alternating runs: 8.5–10.4 CPU-s against 5.7–6.5; see
// docs/performance.md). A load killed meanwhile leaves a longer log for
// DuckDB to replay on the next open, which then drops the unfinished
// version as before (TestKillMidLoad).
//
// Insertion order is not preserved. A read statement that must preserve
// it inserts each input batch (a Parquet row group, a CSV chunk) as a row
// group of its own, which DuckDB writes to disk half full (about 64 k of
// the 122,880 rows a row group holds) and then, at the next checkpoint,
// reads back, merges and compresses again: that second pass cost about as
// much CPU as the read itself (1 M persons: CREATE TABLE AS 4.2 CPU-s, the
// checkpoint after it 3.3; without the order, 4.1 and 0.01). The loaded
// tables need no physical order: every row carries its file row number in
// _row, and every query that needs an order says so.
//
// Both settings are database-wide; loads are serialised by Store.LockLoad,
// and other connections only see rows in another physical order.
func loadSettings(ctx context.Context, conn *sql.Conn) (restore func() error, err error) {
	set := map[string]string{"checkpoint_threshold": "'1TB'", "preserve_insertion_order": "false"}
	was := map[string]string{}
	for name, value := range set {
		var v string
		if err := conn.QueryRowContext(ctx, `SELECT CAST(current_setting(`+q(name)+`) AS VARCHAR)`).Scan(&v); err != nil {
			return nil, fmt.Errorf("setting %s: %w", name, err)
		}
		was[name] = v
		if _, err := conn.ExecContext(ctx, `SET `+name+` = `+value); err != nil {
			return nil, fmt.Errorf("setting %s: %w", name, err)
		}
	}
	return func() error {
		// With its own context: a cancelled load must restore them too.
		var errs []error
		for name, v := range was {
			if _, err := conn.ExecContext(context.Background(), `SET `+name+` = `+q(v)); err != nil {
				errs = append(errs, fmt.Errorf("restore %s: %w", name, err))
			}
		}
		return errors.Join(errs...)
	}, nil
}

// stage reads every file into the version's schema and checks it.
func (l *loader) stage(ctx context.Context, m *models.Manifest, inputs []*input) error {
	v := l.version
	fns, err := pii.NewFunctions(l.opts.Keys)
	if err != nil {
		return err
	}
	if err := fns.Register(l.conn); err != nil {
		return err
	}
	if err := registerFunctions(l.conn); err != nil {
		return err
	}
	for _, ddl := range []string{l.st.QuarantineDDL(v.ID), vaultDDL(l.st, v.ID), "DROP TABLE IF EXISTS load_problems", problemsDDL} {
		if _, err := l.conn.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("prepare version %d: %w", v.ID, err)
		}
	}
	vw, err := startVaultWriter(ctx, l.st.DB(), v.ID)
	if err != nil {
		return err
	}
	vaultOpen := true
	defer func() {
		fns.SetSession(nil)
		if vaultOpen {
			vw.abandon()
		}
	}()
	var batches atomic.Int64
	loaded := map[string]bool{}
	stats := map[string]*store.TableStats{}
	for _, in := range inputs {
		ts, err := l.readTable(ctx, m, in, fns, pii.NewSealSession(v.ID, in.entry.Table, &batches, vw.ch, vw.done))
		if err != nil {
			return err
		}
		loaded[in.entry.Table] = true
		stats[in.entry.Table] = ts
	}
	fns.SetSession(nil)
	l.session.Store(nil)
	vaultOpen = false
	if err := l.timed(ctx, "vault", vw.finish); err != nil {
		return err
	}

	l.setPhase("check", "")
	malformed := map[string][]string{}
	for _, in := range inputs {
		for _, mr := range in.malformed {
			if mr.Key != "" {
				malformed[in.entry.Table] = append(malformed[in.entry.Table], mr.Key)
			}
		}
	}
	c := &checker{conn: l.conn, st: l.st, version: v.ID, loaded: loaded, exec: l.exec, scope: m.Scope, malformed: malformed}
	if err := c.run(ctx); err != nil {
		return err
	}
	if err := checkScope(m.Scope, inputs, c.outside); err != nil {
		return err
	}
	if err := l.quarantine(ctx, inputs); err != nil {
		return err
	}
	for _, in := range inputs {
		v.Tables = append(v.Tables, *stats[in.entry.Table])
	}
	return l.count(ctx, inputs)
}

// readTable reads one file into its table in a single statement.
func (l *loader) readTable(ctx context.Context, m *models.Manifest, in *input, fns *pii.Functions, sess *pii.SealSession) (*store.TableStats, error) {
	l.setPhase("read", in.entry.Table)
	colType := map[string]string{}
	if in.readAs == "csv" {
		for _, c := range in.columns {
			colType[c] = "VARCHAR"
		}
	} else {
		in.readAs, in.readPath = "parquet", in.path
		rows, err := l.conn.QueryContext(ctx, `DESCRIBE SELECT * FROM read_parquet(`+q(in.path)+`)`)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot read as Parquet: %s", in.entry.Path, redact(err))
		}
		for rows.Next() {
			var name, typ string
			var null, key, def, extra sql.NullString
			if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
				rows.Close()
				return nil, fmt.Errorf("%s: %w", in.entry.Path, err)
			}
			colType[name] = typ
			in.columns = append(in.columns, name)
		}
		rows.Close()
	}
	ts := &store.TableStats{Table: in.entry.Table, File: in.entry.Path, Format: in.entry.Format, Encoding: in.encoding, SHA256: strings.ToLower(in.entry.SHA256)}
	var missingRequired []string
	for _, c := range in.schema.Columns {
		if _, ok := colType[c.Name]; !ok {
			if c.Required || c.Name == in.schema.Key {
				missingRequired = append(missingRequired, c.Name)
			} else {
				ts.Missing = append(ts.Missing, c.Name)
			}
		}
	}
	if len(missingRequired) > 0 {
		// The columns found are counted, not named: a file that is no
		// data file (a key, a password file) has its content there.
		known := 0
		for _, c := range in.columns {
			if _, ok := in.schema.Column(c); ok {
				known++
			}
		}
		return nil, fmt.Errorf("%s: wrong schema for table %s: required column(s) %s missing (the file has %d columns, %d of them of the table)",
			in.entry.Path, in.entry.Table, strings.Join(missingRequired, ", "), len(in.columns), known)
	}
	for i, c := range in.columns {
		if strings.HasPrefix(c, "_") {
			return nil, fmt.Errorf("%s: column %d: names starting with _ are reserved", in.entry.Path, i+1)
		}
	}
	t := &tableSQL{in: in, colType: colType, asOf: m.AsOf.Time, start: m.PeriodStart.Time, target: l.st.Table(l.version.ID, in.entry.Table)}
	ts.Extra = t.extras()
	if len(ts.Missing) > 0 {
		l.log.Warn("optional columns missing; they are loaded as empty", "file", in.entry.Path, "columns", ts.Missing)
	}
	if len(ts.Extra) > 0 {
		l.log.Info("unknown columns kept aside in _extra", "file", in.entry.Path, "columns", ts.Extra)
	}
	fns.SetSession(sess)
	l.session.Store(sess)
	if _, err := l.exec(ctx, "read "+in.entry.Table, t.build()); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// DuckDB's message may quote a value or a whole line of the file.
		return nil, fmt.Errorf("%s: %s", in.entry.Path, redact(err))
	}
	l.session.Store(nil)
	var n int64
	if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FROM `+t.target).Scan(&n); err != nil {
		return nil, fmt.Errorf("%s: %w", in.entry.Path, err)
	}
	l.rowsDone.Add(n)
	if in.readAs == "parquet" {
		in.rowsIn = n
	}
	if got := n + int64(len(in.malformed)); got != in.rowsIn || in.rowsIn != in.entry.Rows {
		return nil, fmt.Errorf("%s: read %d rows (%d malformed), the file has %d and the manifest says %d", in.entry.Path, n, len(in.malformed), in.rowsIn, in.entry.Rows)
	}
	if sess.Rows() != n {
		return nil, fmt.Errorf("%s: sealed %d rows of %d", in.entry.Path, sess.Rows(), n)
	}
	ts.RowsIn = in.rowsIn
	if ts.RowsIn == 0 && slices.Contains(requiredTables, in.entry.Table) {
		return nil, fmt.Errorf("%s: table %s has no data rows: a snapshot without them is not credible, and is not published", in.entry.Path, in.entry.Table)
	}
	if len(in.malformed) > 0 {
		if l.rep.Malformed == nil {
			l.rep.Malformed = map[string]int{}
		}
		l.rep.Malformed[in.entry.Table] = len(in.malformed)
	}
	return ts, nil
}

// quarantine moves the rows with problems out of the tables into the
// quarantine, and records the flags.
func (l *loader) quarantine(ctx context.Context, inputs []*input) error {
	var vals []string
	for _, r := range Reasons {
		vals = append(vals, "("+q(r.Code)+", "+q(r.ZH)+", "+q(r.EN)+")")
	}
	if _, err := l.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE load_reasons (code VARCHAR, zh VARCHAR, en VARCHAR); INSERT INTO load_reasons VALUES `+strings.Join(vals, ", ")); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	qt := l.st.Table(l.version.ID, store.QuarantineTable)
	for _, in := range inputs {
		tb, file, t := in.entry.Table, in.entry.Path, l.st.Table(l.version.ID, in.entry.Table)
		for _, mr := range in.malformed {
			r, _ := LookupReason(ReasonCSVMalformed)
			if _, err := l.conn.ExecContext(ctx, `INSERT INTO `+qt+` VALUES (?, ?, ?, NULL, ?, 'quarantined', ?, ?, ?, NULL)`,
				tb, file, mr.Row, ReasonCSVMalformed, mr.Detail, r.ZH, r.EN); err != nil {
				return fmt.Errorf("quarantine: %w", err)
			}
		}
		steps := []struct{ phase, sql string }{
			{"quarantine rows " + tb, fmt.Sprintf(`INSERT INTO %[1]s
SELECT %[2]s, %[3]s, r._row, split_part(r._problem, ':', 2), split_part(r._problem, ':', 1), 'quarantined',
	json_extract_string(r._raw, split_part(r._problem, ':', 2)), m.zh, m.en, r._raw
FROM %[4]s r JOIN load_reasons m ON m.code = split_part(r._problem, ':', 1)
WHERE r._problem IS NOT NULL`, qt, q(tb), q(file), t)},
			{"quarantine checks " + tb, fmt.Sprintf(`INSERT INTO %[1]s
SELECT %[2]s, %[3]s, p."row", p.field, p.reason, p.action,
	json_extract_string(%[5]s, p.field), m.zh, m.en, %[5]s
FROM load_problems p JOIN %[4]s r ON r._row = p."row" JOIN load_reasons m ON m.code = p.reason
WHERE p.tbl = %[2]s`, qt, q(tb), q(file), t, rowJSON(in, "r"))},
			{"quarantine flags " + tb, fmt.Sprintf(`INSERT INTO %[1]s
SELECT %[2]s, %[3]s, r._row, split_part(r._flag, ':', 2), split_part(r._flag, ':', 1), 'flagged',
	NULL, m.zh, m.en, %[5]s
FROM %[4]s r JOIN load_reasons m ON m.code = split_part(r._flag, ':', 1)
WHERE r._flag IS NOT NULL AND r._problem IS NULL
	AND r._row NOT IN (SELECT "row" FROM load_problems WHERE tbl = %[2]s AND action = 'quarantined')`, qt, q(tb), q(file), t, rowJSON(in, "r"))},
			{"delete quarantined " + tb, fmt.Sprintf(`DELETE FROM %[1]s WHERE _problem IS NOT NULL
	OR _row IN (SELECT "row" FROM load_problems WHERE tbl = %[2]s AND action = 'quarantined')`, t, q(tb))},
			{"drop work columns " + tb, fmt.Sprintf(`ALTER TABLE %[1]s DROP COLUMN _problem; ALTER TABLE %[1]s DROP COLUMN _raw`, t)},
		}
		// Skip the statements that have nothing to do: on a clean table
		// only the cheap count and the column drop run.
		var problems, flags, checks int64
		if err := l.conn.QueryRowContext(ctx, `SELECT count(_problem), count(_flag) FILTER (WHERE _problem IS NULL) FROM `+t).Scan(&problems, &flags); err != nil {
			return fmt.Errorf("quarantine %s: %w", tb, err)
		}
		if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FROM load_problems WHERE tbl = ?`, tb).Scan(&checks); err != nil {
			return fmt.Errorf("quarantine %s: %w", tb, err)
		}
		need := []bool{problems > 0, checks > 0, flags > 0, problems > 0 || checks > 0, true}
		for i, s := range steps {
			if !need[i] {
				continue
			}
			if _, err := l.exec(ctx, s.phase, s.sql); err != nil {
				return fmt.Errorf("quarantine %s: %w", tb, err)
			}
		}
	}
	_, err := l.conn.ExecContext(ctx, `DROP TABLE load_problems; DROP TABLE load_reasons; `+dropKeys())
	return err
}

// rowJSON is a staged row as JSON: its schema columns (PII as
// pseudonyms), the vault locator and any extra columns.
func rowJSON(in *input, alias string) string {
	var fs []string
	for _, c := range in.schema.Columns {
		name := c.Name
		if c.PII != "" {
			name = pii.KeyColumn(name)
		}
		fs = append(fs, id(name)+" := "+alias+"."+id(name))
	}
	fs = append(fs, pii.LocatorColumn+" := "+alias+"."+pii.LocatorColumn)
	for _, c := range in.columns {
		if _, ok := in.schema.Column(c); !ok {
			fs = append(fs, colExtra+" := "+alias+"."+colExtra)
			break
		}
	}
	return "CAST(to_json(struct_pack(" + strings.Join(fs, ", ") + ")) AS VARCHAR)"
}

// count fills the per-table counts and checks conservation: rows read =
// rows accepted + rows quarantined.
func (l *loader) count(ctx context.Context, inputs []*input) error {
	qt := l.st.Table(l.version.ID, store.QuarantineTable)
	for i := range l.version.Tables {
		ts := &l.version.Tables[i]
		t := l.st.Table(l.version.ID, ts.Table)
		if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&ts.Accepted); err != nil {
			return err
		}
		if err := l.conn.QueryRowContext(ctx, `SELECT count(DISTINCT "row") FILTER (WHERE action = 'quarantined'), count(DISTINCT "row") FILTER (WHERE action = 'flagged') FROM `+qt+` WHERE tbl = ?`, ts.Table).Scan(&ts.Quarantined, &ts.Flagged); err != nil {
			return err
		}
		if ts.Accepted+ts.Quarantined != ts.RowsIn {
			return fmt.Errorf("%s: conservation violated: %d rows read, %d accepted + %d quarantined", ts.File, ts.RowsIn, ts.Accepted, ts.Quarantined)
		}
		if err := l.checkQuarantine(ctx, ts); err != nil {
			return err
		}
	}
	return nil
}

// checkQuarantine refuses a required table with more of its rows
// quarantined than the bound (Options.MaxQuarantine), naming its most
// frequent reasons, unless Options.Force; a forced table records the
// override.
func (l *loader) checkQuarantine(ctx context.Context, ts *store.TableStats) error {
	bound, _ := l.opts.maxQuarantine()
	if !slices.Contains(requiredTables, ts.Table) || ts.RowsIn == 0 {
		return nil
	}
	share := float64(ts.Quarantined) / float64(ts.RowsIn)
	if share <= bound {
		return nil
	}
	if l.opts.Force {
		ts.Forced = &store.QuarantineOverride{Bound: bound, Share: share, By: l.opts.Actor, At: l.now().UTC()}
		l.rep.Forced = append(l.rep.Forced, fmt.Sprintf("%s: %.1f %% quarantined > %.1f %% (by %s)", ts.Table, 100*share, 100*bound, cmp.Or(l.opts.Actor, "unnamed")))
		l.log.Warn("quarantine bound overridden (--force)", "table", ts.Table, "share", share, "bound", bound, "by", l.opts.Actor)
		return nil
	}
	qt := l.st.Table(l.version.ID, store.QuarantineTable)
	rows, err := l.conn.QueryContext(ctx, `SELECT reason, count(DISTINCT "row") AS n FROM `+qt+` WHERE tbl = ? AND action = 'quarantined' GROUP BY reason ORDER BY n DESC, reason LIMIT 5`, ts.Table)
	if err != nil {
		return err
	}
	defer rows.Close()
	var top []string
	for rows.Next() {
		var reason string
		var n int64
		if err := rows.Scan(&reason, &n); err != nil {
			return err
		}
		top = append(top, fmt.Sprintf("%s %d", reason, n))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return fmt.Errorf("%s: %d of %d rows of %s quarantined (%.1f %%), more than the bound of %.1f %%; most frequent reasons: %s. The snapshot is not credible and was not published (see padis load --max-quarantine, or --force to publish it anyway)",
		ts.File, ts.Quarantined, ts.RowsIn, ts.Table, 100*share, 100*bound, strings.Join(top, ", "))
}

// checkScope refuses a snapshot in which most rows of a required table
// lie outside the manifest's scope (outside, counted whatever the rows'
// other problems): it is another scope's data under this one's name (a
// province-64 population sent as 11). Force does not override this.
func checkScope(scope models.Scope, inputs []*input, outside map[string]int64) error {
	for _, in := range inputs {
		if n := outside[in.entry.Table]; 2*n > in.rowsIn {
			where := "province " + scope.Province
			if len(scope.Counties) > 0 {
				where = fmt.Sprintf("the %d counties", len(scope.Counties))
			}
			return fmt.Errorf("%s: %d of %d rows of %s lie outside the manifest's scope %s (%s): the snapshot is not this scope's and was not published",
				in.entry.Path, n, in.rowsIn, in.entry.Table, scope.Key(), where)
		}
	}
	return nil
}

// publish makes the version current.
func (l *loader) publish(ctx context.Context, v *store.Version) error {
	l.setPhase("publish", "")
	// Every statement so far committed durably (DuckDB's WAL); the
	// publish transaction is the only thing that makes the version visible.
	v.LoadedAt = l.now().UTC()
	v.Duration = l.now().Sub(l.started)
	if err := l.st.Publish(ctx, v); err != nil {
		return err
	}
	summary, err := l.st.QuarantineSummary(ctx, v.ID)
	if err != nil {
		return err
	}
	l.rep.Version, l.rep.Quarantine = v, summary
	in, acc, qu := v.Totals()
	l.log.Info("load published", "version", v.ID, "scope", v.Scope, "rows", in, "accepted", acc, "quarantined", qu, "duration", v.Duration.Round(time.Millisecond))
	return nil
}

// exec runs one statement on the load's connection, timing it.
func (l *loader) exec(ctx context.Context, phase, query string) (int64, error) {
	t0, c0 := l.now(), l.cpu()
	res, err := l.conn.ExecContext(ctx, query)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("%s: %w", phase, err)
	}
	n, _ := res.RowsAffected()
	d := l.now().Sub(t0)
	l.rep.Phases = append(l.rep.Phases, PhaseTime{Phase: phase, Duration: d, CPU: l.cpu() - c0, Rows: n})
	l.log.Debug("step", "phase", phase, "duration", d.Round(time.Millisecond), "rows", n)
	return n, nil
}

// timed runs fn and records its duration.
func (l *loader) timed(ctx context.Context, phase string, fn func() error) error {
	t0, c0 := l.now(), l.cpu()
	err := fn()
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	l.rep.Phases = append(l.rep.Phases, PhaseTime{Phase: phase, Duration: l.now().Sub(t0), CPU: l.cpu() - c0})
	return err
}

// cpu returns the process CPU time when the options can tell it, else 0.
func (l *loader) cpu() time.Duration {
	if l.opts.CPUTime == nil {
		return 0
	}
	return l.opts.CPUTime()
}

func (l *loader) setPhase(phase, table string) {
	l.phase.Store(phase)
	l.table.Store(table)
	if l.opts.Progress != nil {
		l.opts.Progress(l.progress())
	}
}

func (l *loader) progress() Progress {
	rows := l.rowsDone.Load()
	if s := l.session.Load(); s != nil {
		rows += s.Rows()
	}
	phase, _ := l.phase.Load().(string)
	table, _ := l.table.Load().(string)
	return Progress{Phase: phase, Table: table, Rows: rows, Total: l.total, Elapsed: l.now().Sub(l.started)}
}

// startProgress reports progress periodically until stopped.
func (l *loader) startProgress() (stop func()) {
	if l.opts.Progress == nil {
		return func() {}
	}
	every := l.opts.ProgressEvery
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				l.opts.Progress(l.progress())
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
