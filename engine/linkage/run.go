package linkage

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/sqlfile"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

//go:embed link.sql
var linkSQL string

// Options tune a linkage run. The zero value uses the defaults.
type Options struct {
	// GraceDays is the registration allowance: births and deaths less than
	// this many days before the as-of date may still be registered in time
	// and give no item (default 90: a registration 90 or more days after
	// the event is a late one, docs/generator.md).
	GraceDays int
	// NewbornDays: persons born less than this many days before the as-of
	// date are not expected in the police register yet (household
	// registration of a newborn takes up to four months) and are never
	// over-coverage items (default 120).
	NewbornDays int
	// Fields are the probable-duplicate comparison fields and their m
	// probabilities (default DefaultFields).
	Fields []Field
	// Match and Possible are the score thresholds (log2 units) of
	// probable duplicates: at or above Match a pair is a probable
	// duplicate, between Possible and Match a possible one for clerical
	// review, below Possible it is not listed (defaults 20 and 12).
	Match, Possible float64
	// Force recomputes a version that was already linked with the same
	// options.
	Force bool
	// CPUTime, when set, returns the process's CPU time so far (as
	// load.Options.CPUTime); each Phase then records the CPU used since
	// the previous one.
	CPUTime func() time.Duration `json:"-"`
}

func (o Options) withDefaults() Options {
	if o.GraceDays == 0 {
		o.GraceDays = 90
	}
	if o.NewbornDays == 0 {
		o.NewbornDays = 120
	}
	if len(o.Fields) == 0 {
		o.Fields = DefaultFields
	}
	if o.Match == 0 {
		o.Match = 20
	}
	if o.Possible == 0 {
		o.Possible = 12
	}
	return o
}

// Result reports a run.
type Result struct {
	Version  int64            `json:"version"`
	Skipped  bool             `json:"skipped"` // already linked with the same options; only the indicators were rewritten
	Items    map[string]int64 `json:"items"`   // items by kind
	Links    map[string]int64 `json:"links"`   // source records linked, by source and method
	Params   []FieldParams    `json:"params"`  // probable-duplicate weights
	Duration time.Duration    `json:"duration"`
	Phases   []Phase          `json:"phases"`

	cpuTime func() time.Duration // Options.CPUTime
	cpuMark time.Duration        // cpuTime at the end of the last phase
}

// Phase is the timing of one statement or step of a run.
type Phase struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration"`
	// Duplicates marks the phases of exact and probable duplicate
	// detection (duplicate cards, u estimation, candidates, scoring and
	// their items); the others are the cross-source comparison and the
	// bookkeeping of the run.
	Duplicates bool `json:"duplicates,omitempty"`
	// CPU is the process's CPU time (all threads) since the previous
	// phase, recorded only with Options.CPUTime.
	CPU time.Duration `json:"cpu,omitempty"`
}

// duplicatePhases are the phases of duplicate detection.
var duplicatePhases = map[string]bool{"duplicates": true, "u estimate": true, "candidates": true, "pairs": true,
	"items duplicate": true, "items probable duplicate": true, "save params": true}

// phase records the time since t0 as phase name.
func (res *Result) phase(name string, t0 time.Time) {
	p := Phase{Name: name, Duration: time.Since(t0), Duplicates: duplicatePhases[name]}
	if res.cpuTime != nil {
		now := res.cpuTime()
		p.CPU, res.cpuMark = now-res.cpuMark, now
	}
	res.Phases = append(res.Phases, p)
}

// DuplicateDuration is the time of the duplicate-detection phases.
func (res *Result) DuplicateDuration() time.Duration {
	d, _ := res.duplicateTimes()
	return d
}

// duplicateTimes is the wall and CPU time of the duplicate-detection phases.
func (res *Result) duplicateTimes() (wall, cpu time.Duration) {
	for _, p := range res.Phases {
		if p.Duplicates {
			wall += p.Duration
			cpu += p.CPU
		}
	}
	return wall, cpu
}

// sourceTables are the sources the linkage reads, by placeholder.
var sourceTables = map[string]models.Table{"R": models.PoliceTable, "D": models.DeathsTable, "C": models.BirthCertificatesTable}

// Run links version: it replaces the version's items, runs row and
// parameters, and writes the worklist sizes into cube.values. Running it
// again with the same options changes nothing.
func Run(ctx context.Context, st *store.Store, version int64, opts Options) (*Result, error) {
	start := time.Now()
	opts = opts.withDefaults()
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("linkage: %w", err)
	}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("linkage: %w", err)
	}
	defer conn.Close()
	exec := func(ctx context.Context, q string) error { _, err := conn.ExecContext(ctx, q); return err }
	if err := migrate(ctx, exec); err != nil {
		return nil, err
	}
	optJSON, _ := json.Marshal(opts)
	res := &Result{Version: version, Items: map[string]int64{}, Links: map[string]int64{}, cpuTime: opts.CPUTime}
	if res.cpuTime != nil {
		res.cpuMark = res.cpuTime()
	}
	var prev string
	err = conn.QueryRowContext(ctx, `SELECT options FROM linkage.runs WHERE version = ?`, version).Scan(&prev)
	switch {
	case err == nil && prev == string(optJSON) && !opts.Force:
		res.Skipped = true
		if err := res.readCounts(ctx, conn, version); err != nil {
			return nil, err
		}
	case err == nil || err == sql.ErrNoRows:
		if err := link(ctx, conn, st, v, opts, res); err != nil {
			cleanup(conn)
			return nil, err
		}
		t0 := time.Now()
		cleanup(conn)
		res.phase("cleanup", t0)
		res.Duration = time.Since(start)
		t0 = time.Now()
		if err := res.save(ctx, conn, v, string(optJSON)); err != nil {
			return nil, err
		}
		res.phase("save run", t0)
	default:
		return nil, fmt.Errorf("linkage: read runs: %w", err)
	}
	t0 := time.Now()
	if err := writeIndicators(ctx, conn, v); err != nil {
		return nil, err
	}
	if !res.Skipped {
		res.phase("indicators", t0)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// cleanup drops the temporary tables of a run.
func cleanup(conn *sql.Conn) {
	rows, err := conn.QueryContext(context.Background(), `SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = 'temp' AND table_name LIKE 'lk\_%' ESCAPE '\'`)
	if err != nil {
		return
	}
	var drops []string
	for rows.Next() {
		var n, typ string
		if rows.Scan(&n, &typ) == nil {
			kind := "TABLE"
			if strings.Contains(typ, "VIEW") {
				kind = "VIEW"
			}
			drops = append(drops, "DROP "+kind+" IF EXISTS temp.main."+store.Ident(n))
		}
	}
	rows.Close()
	for _, d := range drops {
		conn.ExecContext(context.Background(), d)
	}
}

// link computes the items of v inside one transaction.
func link(ctx context.Context, conn *sql.Conn, st *store.Store, v *store.Version, opts Options, res *Result) error {
	vars := map[string]string{
		"P": st.Table(v.ID, models.TablePersons), "Q": st.Table(v.ID, store.QuarantineTable),
		"V": fmt.Sprint(v.ID), "scope": store.Quote(v.Scope),
		"start":   "DATE '" + v.PeriodStart.Format("2006-01-02") + "'",
		"cut":     "DATE '" + v.AsOf.AddDate(0, 0, -opts.GraceDays).Format("2006-01-02") + "'",
		"newborn": "DATE '" + v.AsOf.AddDate(0, 0, -opts.NewbornDays).Format("2006-01-02") + "'",
		"match":   fmt.Sprint(opts.Match), "possible": fmt.Sprint(opts.Possible),
	}
	vars["exact_duplicates"] = ExactDuplicatesSQL(vars["P"])
	for ph, t := range sourceTables {
		name, err := sourceTable(ctx, conn, st, v.ID, t)
		if err != nil {
			return err
		}
		vars[ph] = name
	}
	t0 := time.Now()
	var persons int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+vars["P"]).Scan(&persons); err != nil {
		return fmt.Errorf("linkage: count persons: %w", err)
	}
	u, err := estimateU(ctx, conn, vars["P"], opts.Fields, persons)
	if err != nil {
		return fmt.Errorf("linkage: version %d: %w", v.ID, err)
	}
	res.Params = params(opts.Fields, u)
	vars["agreements"], vars["score"], vars["agreement_json"] = scoreSQL(opts.Fields, res.Params)
	res.phase("u estimate", t0)

	// The work tables are temporary and built outside the transaction
	// (committing them inside it cost a second at 10 M persons); the
	// transaction covers the writes of the version's rows only, from the
	// first section that inserts into the linkage schema to the commit.
	committed, begun := false, false
	defer func() {
		if begun && !committed {
			conn.ExecContext(context.Background(), `ROLLBACK`)
		}
	}()
	begin := func() error {
		if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
			return fmt.Errorf("linkage: %w", err)
		}
		begun = true
		t0 := time.Now()
		for _, q := range []string{`DELETE FROM linkage.items WHERE version = ?`, `DELETE FROM linkage.runs WHERE version = ?`, `DELETE FROM linkage.params WHERE version = ?`, `DELETE FROM linkage.links WHERE version = ?`} {
			if _, err := conn.ExecContext(ctx, q, v.ID); err != nil {
				return fmt.Errorf("linkage: clear version %d: %w", v.ID, err)
			}
		}
		res.phase("clear version", t0)
		return nil
	}
	for _, s := range sqlfile.Sections(linkSQL) {
		if !begun && strings.Contains(s.SQL, "INTO linkage.") {
			if err := begin(); err != nil {
				return err
			}
		}
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, sqlfile.Expand(s.SQL, vars)); err != nil {
			return fmt.Errorf("linkage: version %d: %s: %w", v.ID, s.Name, err)
		}
		res.phase(s.Name, t0)
	}
	if !begun {
		if err := begin(); err != nil {
			return err
		}
	}
	t0 = time.Now()
	for _, p := range res.Params {
		if _, err := conn.ExecContext(ctx, `INSERT INTO linkage.params VALUES (?, ?, ?, ?, ?, ?)`, v.ID, p.Field, p.M, p.U, p.Agree, p.Disagree); err != nil {
			return fmt.Errorf("linkage: save params: %w", err)
		}
	}
	res.phase("save params", t0)
	t0 = time.Now()
	if err := countLinks(ctx, conn, vars["R"], res); err != nil {
		return err
	}
	res.phase("count links", t0)
	t0 = time.Now()
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("linkage: commit version %d: %w", v.ID, err)
	}
	committed = true
	res.phase("commit", t0)
	t0 = time.Now()
	defer res.phase("count items", t0)
	return res.readCounts(ctx, conn, v.ID)
}

// sourceTable returns the qualified name of a source table of the version,
// or an empty temporary stand-in with its columns when the snapshot had
// no such source (its kinds then stay empty).
func sourceTable(ctx context.Context, conn *sql.Conn, st *store.Store, version int64, t models.Table) (string, error) {
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?`,
		store.SchemaName(version), store.TableName(t.Name)).Scan(&n); err != nil {
		return "", fmt.Errorf("linkage: look up %s: %w", t.Name, err)
	}
	if n > 0 {
		return st.Table(version, t.Name), nil
	}
	var cols []string
	for _, c := range t.Columns {
		name, typ := c.Name, string(c.Type)
		if c.PII != "" {
			name, typ = pii.KeyColumn(c.Name), pii.KeyType
		}
		cols = append(cols, store.Ident(name)+" "+typ)
	}
	empty := "lk_empty_" + store.TableName(t.Name)
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+empty+` (`+strings.Join(cols, ", ")+`)`); err != nil {
		return "", fmt.Errorf("linkage: stand-in for %s: %w", t.Name, err)
	}
	return empty, nil
}

// countLinks records how many source records were linked, and how.
func countLinks(ctx context.Context, conn *sql.Conn, police string, res *Result) error {
	q := `SELECT 'police_id', (SELECT count(*) FROM ` + police + `) - (SELECT count(*) FROM lk_pol WHERE person_id IS NULL)
UNION ALL SELECT 'police_' || method, count(*) FROM (SELECT method FROM lk_pol_name) GROUP BY 1
UNION ALL SELECT 'police_quarantined', count(*) FROM lk_pol_q
UNION ALL SELECT 'deaths_' || method, count(*) FROM lk_death GROUP BY 1
UNION ALL SELECT 'birth_certificates_' || method, count(*) FROM lk_cert GROUP BY 1
UNION ALL SELECT 'duplicate_pairs_scored', count(*) FROM lk_pairs`
	if err := countsInto(ctx, conn, res.Links, q); err != nil {
		return fmt.Errorf("linkage: count links: %w", err)
	}
	return nil
}

// countsInto runs q, whose rows are (key, count), and stores each count
// in m under its key.
func countsInto(ctx context.Context, conn *sql.Conn, m map[string]int64, q string, args ...any) error {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		m[k] = n
	}
	return rows.Err()
}

// readCounts fills res.Items (and, for a skipped run, the saved links and
// parameters) from the stored tables.
func (res *Result) readCounts(ctx context.Context, conn *sql.Conn, version int64) error {
	for _, k := range Kinds {
		res.Items[k] = 0
	}
	if err := countsInto(ctx, conn, res.Items, `SELECT kind, count(*) FROM linkage.items WHERE version = ? GROUP BY kind`, version); err != nil {
		return fmt.Errorf("linkage: count items: %w", err)
	}
	if !res.Skipped {
		return nil
	}
	var counts string
	if err := conn.QueryRowContext(ctx, `SELECT counts FROM linkage.runs WHERE version = ?`, version).Scan(&counts); err != nil {
		return fmt.Errorf("linkage: read run: %w", err)
	}
	var saved Result
	if err := json.Unmarshal([]byte(counts), &saved); err != nil {
		return fmt.Errorf("linkage: read run: %w", err)
	}
	res.Links, res.Params = saved.Links, saved.Params
	return nil
}

// save writes the runs row.
func (res *Result) save(ctx context.Context, conn *sql.Conn, v *store.Version, options string) error {
	counts, _ := json.Marshal(struct {
		Items  map[string]int64 `json:"items"`
		Links  map[string]int64 `json:"links"`
		Params []FieldParams    `json:"params"`
	}{res.Items, res.Links, res.Params})
	_, err := conn.ExecContext(ctx, `INSERT INTO linkage.runs VALUES (?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.Scope, v.AsOf, time.Now().UTC(), res.Duration.Milliseconds(), options, string(counts))
	if err != nil {
		return fmt.Errorf("linkage: save run: %w", err)
	}
	return nil
}

// Drop removes the rows of version from the linkage tables and its
// worklist indicators from cube.values. Status history is kept: it
// belongs to the real case, not to the version.
func Drop(ctx context.Context, st *store.Store, version int64) error {
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return fmt.Errorf("linkage: drop version %d: %w", version, err)
	}
	defer conn.Close()
	exec := func(ctx context.Context, q string) error { _, err := conn.ExecContext(ctx, q); return err }
	if err := migrate(ctx, exec); err != nil {
		return err
	}
	for _, t := range []string{ItemsTable, RunsTable, ParamsTable, LinksTable} {
		if _, err := conn.ExecContext(ctx, `DELETE FROM `+t+` WHERE version = ?`, version); err != nil {
			return fmt.Errorf("linkage: drop version %d from %s: %w", version, t, err)
		}
	}
	return dropIndicators(ctx, conn, version)
}
