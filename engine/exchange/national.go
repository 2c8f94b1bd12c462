package exchange

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/engine/cpuclock"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// NationScope is the scope key of the merged national cube in the national
// node's store.
const NationScope = "nation"

// Records are the individual records of the accepted packages, the input
// of the national reconciliation.
type Records struct {
	Migrants []models.CrossMigrant
	Benefits []models.BenefitRecipient
	Deaths   []models.CrossDeath
	Feedback []models.Feedback
}

// Reconciler reconciles the records of every accepted package (migrants
// between origin and destination provinces, benefit recipients against
// deaths and other provinces). The national node calls it after each
// accepted package; engine/reconcile implements it.
type Reconciler interface {
	Reconcile(ctx context.Context, recs Records) error
}

// NoReconcile is the Reconciler that does nothing (until engine/reconcile
// is plugged in).
type NoReconcile struct{}

// Reconcile does nothing.
func (NoReconcile) Reconcile(context.Context, Records) error { return nil }

// Node is the national node: a store holding the trusted provinces'
// public keys, the accepted packages and the merged national cube.
type Node struct {
	st    *store.Store
	dir   string // where accepted packages are kept
	rec   Reconciler
	opts  cube.Options
	mu    sync.Mutex
	tree  *models.DivisionTree
	clock func() time.Time
}

const nationalDDL = `CREATE SCHEMA IF NOT EXISTS national;
CREATE TABLE IF NOT EXISTS national.trust (province VARCHAR NOT NULL, public_key VARCHAR NOT NULL, added_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS national.packages (id VARCHAR NOT NULL, province VARCHAR NOT NULL, sequence BIGINT NOT NULL, previous VARCHAR,
	source_version BIGINT NOT NULL, as_of DATE NOT NULL, period_start DATE NOT NULL, incremental BOOLEAN NOT NULL, sent_months VARCHAR NOT NULL,
	accepted_at TIMESTAMP NOT NULL, path VARCHAR NOT NULL, manifest VARCHAR NOT NULL,
	merge_ms BIGINT, merge_cpu_ms BIGINT, rows_written BIGINT, values_computed BIGINT);
CREATE TABLE IF NOT EXISTS national.migrants (package VARCHAR NOT NULL, nid VARCHAR, province VARCHAR, role VARCHAR, other_province VARCHAR,
	event_date VARCHAR, county VARCHAR, sex VARCHAR, birth_date VARCHAR, record_key VARCHAR);
CREATE TABLE IF NOT EXISTS national.benefits (package VARCHAR NOT NULL, nid VARCHAR, province VARCHAR, programme VARCHAR, year INTEGER, amount DOUBLE,
	county VARCHAR, sex VARCHAR, birth_date VARCHAR, rural_reg BOOLEAN, children INTEGER, daughters INTEGER, child_died BOOLEAN, record_key VARCHAR);
CREATE TABLE IF NOT EXISTS national.deaths (package VARCHAR NOT NULL, nid VARCHAR, province VARCHAR, death_date VARCHAR, source VARCHAR);
CREATE TABLE IF NOT EXISTS national.feedback (package VARCHAR NOT NULL, item_id VARCHAR, province VARCHAR, status VARCHAR, date VARCHAR, reason VARCHAR);`

// OpenNational opens the national node on st (a store of its own, the
// national data directory), with rec as the reconciliation (NoReconcile
// when nil) and tree the division list.
func OpenNational(ctx context.Context, st *store.Store, tree *models.DivisionTree, rec Reconciler) (*Node, error) {
	if rec == nil {
		rec = NoReconcile{}
	}
	if _, err := st.DB().ExecContext(ctx, nationalDDL); err != nil {
		return nil, fmt.Errorf("national node: %w", err)
	}
	if err := cube.EnsureSchema(ctx, st); err != nil {
		return nil, err
	}
	if err := st.SetDivisions(ctx, tree); err != nil {
		return nil, err
	}
	return &Node{st: st, dir: filepath.Join(st.Config().Dir, "packages"), rec: rec, tree: tree, clock: time.Now}, nil
}

// Trust registers (or replaces) the public key of a province.
func (n *Node) Trust(ctx context.Context, province string, pub ed25519.PublicKey) error {
	if _, ok := n.tree.Lookup(province); !ok || len(province) != 2 {
		return fmt.Errorf("national node: %q is not a province code", province)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	_, err := n.st.DB().ExecContext(ctx, `DELETE FROM national.trust WHERE province = ?; `, province)
	if err == nil {
		_, err = n.st.DB().ExecContext(ctx, `INSERT INTO national.trust VALUES (?, ?, ?)`, province, EncodePublicKey(pub), n.clock().UTC())
	}
	if err != nil {
		return fmt.Errorf("national node: trust %s: %w", province, err)
	}
	return nil
}

// publicKey returns the registered key of province.
func (n *Node) publicKey(ctx context.Context, province string) (ed25519.PublicKey, error) {
	var s string
	err := n.st.DB().QueryRowContext(ctx, `SELECT public_key FROM national.trust WHERE province = ?`, province).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: no public key registered for province %q (padis national trust)", ErrUntrusted, province)
	}
	if err != nil {
		return nil, fmt.Errorf("national node: %w", err)
	}
	return ParsePublicKey(s)
}

// ImportResult describes an accepted package.
type ImportResult struct {
	ID             string        `json:"id"`
	Province       string        `json:"province"`
	Incremental    bool          `json:"incremental"`
	SentMonths     []string      `json:"sent_months"`
	RowsWritten    int64         `json:"rows_written"` // measure and age rows of the province written
	ValuesComputed int64         `json:"values_computed"`
	Duration       time.Duration `json:"duration"`
	CPU            time.Duration `json:"cpu"`
}

// Import verifies the package in dir and, when it passes, keeps a copy,
// stores its records and merges its measures into the national cube, in
// one transaction. A refused package changes nothing; the error says why
// (it wraps ErrSignature, ErrChecksum, ErrIncomplete, ErrUntrusted,
// ErrOrder or ErrFormat).
func (n *Node) Import(ctx context.Context, dir string) (*ImportResult, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	m, _, err := ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	pub, err := n.publicKey(ctx, m.Province)
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", m.ID, err)
	}
	if m, err = Verify(dir, pub); err != nil {
		return nil, err
	}
	if err := n.checkOrder(ctx, m); err != nil {
		return nil, fmt.Errorf("package %s: %w", m.ID, err)
	}
	conn, err := n.st.DB().Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := checkContents(ctx, conn, dir, m); err != nil {
		return nil, fmt.Errorf("package %s: %w", m.ID, err)
	}
	keep := filepath.Join(n.dir, m.ID)
	if err := copyPackage(dir, keep, m); err != nil {
		return nil, fmt.Errorf("package %s: keep a copy: %w", m.ID, err)
	}
	res, err := n.merge(ctx, conn, keep, m)
	if err != nil {
		os.RemoveAll(keep)
		return nil, fmt.Errorf("package %s: merge: %w", m.ID, err)
	}
	recs, err := n.Records(ctx)
	if err != nil {
		return res, err
	}
	if err := n.rec.Reconcile(ctx, recs); err != nil {
		return res, fmt.Errorf("package %s accepted; reconciliation: %w", m.ID, err)
	}
	return res, nil
}

// checkOrder refuses a package that does not follow the province's last
// accepted one: sequence last+1, previous naming it, as-of not earlier;
// an incremental package needs a previous one.
func (n *Node) checkOrder(ctx context.Context, m *Manifest) error {
	if len(m.Province) != 2 || m.Scope != m.Province {
		return fmt.Errorf("%w: scope %q is not the province %q", ErrFormat, m.Scope, m.Province)
	}
	var lastID string
	var seq int64
	var asOf time.Time
	err := n.st.DB().QueryRowContext(ctx, `SELECT id, sequence, as_of FROM national.packages WHERE province = ? ORDER BY sequence DESC LIMIT 1`, m.Province).Scan(&lastID, &seq, &asOf)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if m.Sequence != seq+1 {
		return fmt.Errorf("%w: sequence %d, the next of province %s is %d", ErrOrder, m.Sequence, m.Province, seq+1)
	}
	if seq > 0 && m.Previous != lastID {
		return fmt.Errorf("%w: previous package %q, the last accepted is %s", ErrOrder, m.Previous, lastID)
	}
	if m.Incremental && seq == 0 {
		return fmt.Errorf("%w: an incremental package needs an accepted full package of the province first", ErrOrder)
	}
	if seq > 0 && m.AsOf < asOf.Format(time.DateOnly) {
		return fmt.Errorf("%w: as-of %s is before the last accepted package's %s", ErrOrder, m.AsOf, asOf.Format(time.DateOnly))
	}
	var lv, av sql.NullInt64
	if err := n.st.DB().QueryRowContext(ctx, `SELECT max(value_level), max(age_level) FROM cube.runs WHERE scope = ?`, NationScope).Scan(&lv, &av); err != nil {
		return err
	}
	if lv.Valid && (int(lv.Int64) != m.ValueLevel || int(av.Int64) != m.AgeLevel) {
		return fmt.Errorf("%w: cube levels (age %d, values %d) differ from the national cube's (age %d, values %d)", ErrFormat, m.AgeLevel, m.ValueLevel, av.Int64, lv.Int64)
	}
	return nil
}

// checkContents checks the data files against the manifest: rows as
// listed, the measure columns of this catalog, every unit in the province,
// every period one of the sent months', and every record of the province.
func checkContents(ctx context.Context, conn *sql.Conn, dir string, m *Manifest) error {
	for _, s := range m.Sent {
		if !slices.Contains(m.Months, s) {
			return fmt.Errorf("%w: sent month %s is not among the months covered", ErrFormat, s)
		}
	}
	pq := func(kind string) string {
		f, _ := m.File(kind)
		return `read_parquet(` + store.Quote(filepath.Join(dir, f.Path)) + `)`
	}
	for _, f := range m.Files {
		var rows int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+pq(f.Kind)).Scan(&rows); err != nil {
			return fmt.Errorf("%w: %s is not a readable Parquet file: %v", ErrFormat, f.Path, err)
		}
		if rows != f.Rows {
			return fmt.Errorf("%w: %s has %d rows, the manifest says %d", ErrIncomplete, f.Path, rows, f.Rows)
		}
	}
	rows, err := conn.QueryContext(ctx, `SELECT name FROM parquet_schema(`+store.Quote(filepath.Join(dir, KindMeasures+".parquet"))+`) WHERE num_children IS NULL`)
	if err != nil {
		return fmt.Errorf("%w: measures: %v", ErrFormat, err)
	}
	var have []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		have = append(have, c)
	}
	rows.Close()
	want := []string{"division", "level", "ptype", "period"}
	for _, ms := range models.Measures {
		want = append(want, ms.ID)
	}
	if !slices.Equal(have, want) {
		return fmt.Errorf("%w: measures.parquet has columns %s, this node's catalog wants %s", ErrFormat, strings.Join(have, ","), strings.Join(want, ","))
	}
	keys := periodsOf(m.Sent)
	var kv []string
	for _, k := range keys {
		kv = append(kv, fmt.Sprintf("(%s, %s)", store.Quote(k.ptype), store.Quote(k.period)))
	}
	inKeys := "(ptype, period) NOT IN (SELECT * FROM (VALUES " + strings.Join(append(kv, "('', '')"), ", ") + "))"
	checks := []struct{ what, q string }{
		{"units outside the province", `SELECT count(*) FROM ` + pq(KindMeasures) + ` WHERE left(division, 2) <> ` + store.Quote(m.Province)},
		{"age rows outside the province", `SELECT count(*) FROM ` + pq(KindAge) + ` WHERE left(division, 2) <> ` + store.Quote(m.Province)},
		{"stored values outside the province or of no stored indicator", `SELECT count(*) FROM ` + pq(KindStored) + ` WHERE left(division, 2) <> ` + store.Quote(m.Province) +
			` OR indicator NOT IN (` + storedIDs() + `)`},
		{"rows of periods not sent", `SELECT count(*) FROM ` + pq(KindMeasures) + ` WHERE ` + inKeys},
		{"migrant records of another province", `SELECT count(*) FROM ` + pq(KindMigrants) + ` WHERE province <> ` + store.Quote(m.Province)},
		{"death records of another province", `SELECT count(*) FROM ` + pq(KindDeaths) + ` WHERE province <> ` + store.Quote(m.Province)},
	}
	for _, c := range checks {
		var bad int64
		if err := conn.QueryRowContext(ctx, c.q).Scan(&bad); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFormat, c.what, err)
		}
		if bad > 0 {
			return fmt.Errorf("%w: %d %s (scope %s)", ErrFormat, bad, c.what, m.Province)
		}
	}
	var months int64
	if err := conn.QueryRowContext(ctx, `SELECT count(DISTINCT period) FROM `+pq(KindMeasures)+` WHERE ptype = 'month' AND level = 1`).Scan(&months); err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if months != int64(len(m.Sent)) {
		return fmt.Errorf("%w: the province's rows hold %d of the %d sent months", ErrIncomplete, months, len(m.Sent))
	}
	return nil
}

// copyPackage copies the listed files and the manifest of a package into
// dst (created; it must not exist).
func copyPackage(src, dst string, m *Manifest) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s exists", dst)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	names := []string{ManifestFile, SignatureFile}
	for _, f := range m.Files {
		names = append(names, f.Path)
	}
	for _, name := range names {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
			os.RemoveAll(dst)
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// nationVersion returns the id of the national cube's version, creating
// the (empty) version on first use.
func (n *Node) nationVersion(ctx context.Context) (int64, error) {
	cur, err := n.st.Current(ctx, NationScope)
	if err == nil {
		return cur.ID, nil
	}
	if !errors.Is(err, store.ErrNoVersion) {
		return 0, err
	}
	now := n.clock().UTC()
	v := &store.Version{Scope: NationScope, ScopeDef: models.Scope{Kind: "counties", Name: NationScope, Counties: []string{"000000"}},
		AsOf: now, PeriodStart: now, Producer: "padis national", Fingerprint: "national merge", KeyID: "-", StartedAt: now}
	if err := n.st.Begin(ctx, v); err != nil {
		return 0, err
	}
	v.LoadedAt = now
	if err := n.st.Publish(ctx, v); err != nil {
		return 0, err
	}
	return v.ID, nil
}

// merge writes the package's rows into the national cube and tables in
// one transaction.
func (n *Node) merge(ctx context.Context, conn *sql.Conn, dir string, m *Manifest) (*ImportResult, error) {
	start, cpu0 := time.Now(), cpuclock.Process()
	version, err := n.nationVersion(ctx)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{ID: m.ID, Province: m.Province, Incremental: m.Incremental, SentMonths: m.Sent}
	exec := func(q string, args ...any) error {
		_, err := conn.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec(`BEGIN TRANSACTION`); err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	pq := func(kind string) string {
		f, _ := m.File(kind)
		return `read_parquet(` + store.Quote(filepath.Join(dir, f.Path)) + `)`
	}
	// The periods the package replaces: all the province's when full.
	if err := exec(`CREATE OR REPLACE TEMP TABLE xchg_keys AS SELECT DISTINCT ptype, period FROM ` + pq(KindMeasures)); err != nil {
		return nil, err
	}
	prov, ver := store.Quote(m.Province), fmt.Sprint(version)
	replace := "t.ptype = k.ptype AND t.period = k.period"
	if !m.Incremental {
		replace = "true"
	}
	for _, t := range []string{cube.MeasuresTable, cube.AgeTable, cube.ValuesTable} {
		if err := exec(`DELETE FROM ` + t + ` t WHERE version = ` + ver + ` AND left(division, 2) = ` + prov +
			` AND EXISTS (SELECT 1 FROM xchg_keys k WHERE ` + replace + `)`); err != nil {
			return nil, fmt.Errorf("replace the province's rows: %w", err)
		}
	}
	if err := exec(`INSERT INTO cube.measures BY NAME SELECT ` + ver + ` AS version, * FROM ` + pq(KindMeasures)); err != nil {
		return nil, fmt.Errorf("measures: %w", err)
	}
	if err := exec(`INSERT INTO cube.age BY NAME SELECT ` + ver + ` AS version, * FROM ` + pq(KindAge)); err != nil {
		return nil, fmt.Errorf("age table: %w", err)
	}
	// The nation's rows of the periods touched: the sums of the provinces'.
	// Stocks too: every province's stock is taken at the same period end.
	var sums []string
	for _, ms := range models.Measures {
		id := `"` + ms.ID + `"`
		sums = append(sums, "sum("+id+") AS "+id)
	}
	nation := store.Quote(models.NationCode)
	if err := exec(`DELETE FROM cube.measures t WHERE version = ` + ver + ` AND division = ` + nation + ` AND EXISTS (SELECT 1 FROM xchg_keys k WHERE ` + replace + `);
		DELETE FROM cube.age t WHERE version = ` + ver + ` AND division = ` + nation + ` AND EXISTS (SELECT 1 FROM xchg_keys k WHERE ` + replace + `);
		DELETE FROM cube.values t WHERE version = ` + ver + ` AND division = ` + nation + ` AND EXISTS (SELECT 1 FROM xchg_keys k WHERE ` + replace + `);`); err != nil {
		return nil, fmt.Errorf("nation rows: %w", err)
	}
	keysOfNation := "xchg_keys"
	if !m.Incremental {
		keysOfNation = "(SELECT DISTINCT ptype, period FROM cube.measures WHERE version = " + ver + " AND level = 1)"
	}
	if err := exec(`INSERT INTO cube.measures BY NAME SELECT ` + ver + ` AS version, ` + nation + ` AS division, 0 AS level, t.ptype, t.period, ` + strings.Join(sums, ", ") + `
		FROM cube.measures t SEMI JOIN ` + keysOfNation + ` k ON k.ptype = t.ptype AND k.period = t.period WHERE t.version = ` + ver + ` AND t.level = 1 GROUP BY t.ptype, t.period;
		INSERT INTO cube.age BY NAME SELECT ` + ver + ` AS version, ` + nation + ` AS division, 0 AS level, t.ptype, t.period, sex, age,
			sum(pop) AS pop, sum(py) AS py, sum(deaths) AS deaths, sum(births) AS births
		FROM cube.age t SEMI JOIN ` + keysOfNation + ` k ON k.ptype = t.ptype AND k.period = t.period WHERE t.version = ` + ver + ` AND t.level = 1 GROUP BY ALL;`); err != nil {
		return nil, fmt.Errorf("nation rows: %w", err)
	}
	// The values of the units and periods written, by the cube's own
	// derivation.
	if err := exec(`CREATE OR REPLACE TEMP TABLE xchg_only AS SELECT DISTINCT division, ptype, period FROM cube.measures t
		SEMI JOIN ` + keysOfNation + ` k ON k.ptype = t.ptype AND k.period = t.period
		WHERE t.version = ` + ver + ` AND (left(t.division, 2) = ` + prov + ` OR t.division = ` + nation + `)`); err != nil {
		return nil, err
	}
	opts := n.opts
	opts.AgeLevel, opts.ValueLevel = models.Level(m.AgeLevel), models.Level(m.ValueLevel)
	if res.ValuesComputed, err = cube.Materialize(ctx, conn, version, opts, "xchg_only"); err != nil {
		return nil, err
	}
	// The stored indicators' values (data quality, worklists) as the
	// province computed them: always sent whole, they replace the
	// province's.
	if err := exec(`DELETE FROM cube.values WHERE version = ` + ver + ` AND left(division, 2) = ` + prov + ` AND indicator IN (` + storedIDs() + `);
		INSERT INTO cube.values BY NAME SELECT ` + ver + ` AS version, * FROM ` + pq(KindStored)); err != nil {
		return nil, fmt.Errorf("stored values: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+pq(KindMeasures)+`) + (SELECT count(*) FROM `+pq(KindAge)+`)`).Scan(&res.RowsWritten); err != nil {
		return nil, err
	}
	// Records: the province's current ones are those of its latest package.
	for _, r := range []struct{ table, kind string }{{"national.migrants", KindMigrants}, {"national.benefits", KindBenefits},
		{"national.deaths", KindDeaths}, {"national.feedback", KindFeedback}} {
		if _, ok := m.File(r.kind); !ok {
			continue
		}
		if err := exec(`INSERT INTO `+r.table+` BY NAME SELECT ? AS package, * FROM `+pq(r.kind), m.ID); err != nil {
			return nil, fmt.Errorf("%s: %w", r.kind, err)
		}
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	sent, _ := json.Marshal(m.Sent)
	res.Duration, res.CPU = time.Since(start), cpuclock.Process()-cpu0
	if err := exec(`INSERT INTO national.packages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.Province, m.Sequence, m.Previous,
		m.Version, m.AsOf, m.PeriodStart, m.Incremental, string(sent), n.clock().UTC(), dir, string(raw),
		res.Duration.Milliseconds(), res.CPU.Milliseconds(), res.RowsWritten, res.ValuesComputed); err != nil {
		return nil, fmt.Errorf("record the package: %w", err)
	}
	if err := n.recordRun(ctx, conn, version, m); err != nil {
		return nil, err
	}
	if err := exec(`COMMIT`); err != nil {
		return nil, err
	}
	committed = true
	conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.xchg_keys; DROP TABLE IF EXISTS temp.xchg_only`)
	return res, nil
}

// recordRun rewrites the national cube's row of cube.runs and its
// version's scope (the counties of every province merged) and dates, so
// that engine/query reads it like any cube.
func (n *Node) recordRun(ctx context.Context, conn *sql.Conn, version int64, m *Manifest) error {
	var provs []string
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT province FROM national.packages ORDER BY 1`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p string
		rows.Scan(&p)
		provs = append(provs, p)
	}
	rows.Close()
	var counties []string
	for _, d := range n.tree.Level(models.LevelCounty) {
		if slices.Contains(provs, d.Code[:2]) {
			counties = append(counties, d.Code)
		}
	}
	sort.Strings(counties)
	def, err := json.Marshal(models.Scope{Kind: "counties", Name: NationScope, Counties: counties})
	if err != nil {
		return err
	}
	var asOf, ps time.Time
	if err := conn.QueryRowContext(ctx, `SELECT max(as_of), min(period_start) FROM (SELECT province, arg_max(as_of, sequence) AS as_of, arg_max(period_start, sequence) AS period_start
		FROM national.packages GROUP BY province)`).Scan(&asOf, &ps); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `UPDATE meta.versions SET scope_def = ?, as_of = ?, period_start = ? WHERE id = ?`, string(def), asOf, ps, version); err != nil {
		return err
	}
	var mrows int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM cube.measures WHERE version = ?`, version).Scan(&mrows); err != nil {
		return err
	}
	months := int((asOf.Year()*12 + int(asOf.Month())) - (ps.Year()*12 + int(ps.Month())) + 1)
	if _, err := conn.ExecContext(ctx, `DELETE FROM cube.runs WHERE version = ?`, version); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO cube.runs BY NAME SELECT ? AS version, ? AS scope, ? AS as_of, ? AS period_start, ? AS built_at,
		'merge' AS mode, NULL AS base_version, 0 AS duration_ms, ? AS age_level, ? AS value_level, ? AS measure_rows, ? AS months,
		? AS months_recomputed, 0 AS villages_changed`, version, NationScope, asOf, ps, n.clock().UTC(), m.AgeLevel, m.ValueLevel, mrows, months, len(m.Sent))
	return err
}

// Records returns the individual records of every accepted package.
func (n *Node) Records(ctx context.Context) (Records, error) {
	var r Records
	err := scanInto(ctx, n.st.DB(), `SELECT nid, province, role, other_province, event_date, county, sex, birth_date, record_key FROM national.migrants`, func(s scanner) error {
		var x models.CrossMigrant
		var op, ed sql.NullString
		err := s.Scan(&x.NationalID, &x.Province, &x.Role, &op, &ed, &x.County, &x.Sex, &x.BirthDate, &x.RecordKey)
		x.OtherProvince, x.EventDate = op.String, ed.String
		r.Migrants = append(r.Migrants, x)
		return err
	})
	if err == nil {
		err = scanInto(ctx, n.st.DB(), `SELECT nid, province, programme, year, amount, county, sex, birth_date, rural_reg, children, daughters, child_died, record_key FROM national.benefits`, func(s scanner) error {
			var x models.BenefitRecipient
			err := s.Scan(&x.NationalID, &x.Province, &x.Programme, &x.Year, &x.Amount, &x.County, &x.Sex, &x.BirthDate, &x.RuralReg, &x.Children, &x.Daughters, &x.ChildDied, &x.RecordKey)
			r.Benefits = append(r.Benefits, x)
			return err
		})
	}
	if err == nil {
		err = scanInto(ctx, n.st.DB(), `SELECT nid, province, coalesce(death_date, ''), source FROM national.deaths`, func(s scanner) error {
			var x models.CrossDeath
			err := s.Scan(&x.NationalID, &x.Province, &x.DeathDate, &x.Source)
			r.Deaths = append(r.Deaths, x)
			return err
		})
	}
	if err == nil {
		err = scanInto(ctx, n.st.DB(), `SELECT item_id, province, status, date, coalesce(reason, '') FROM national.feedback`, func(s scanner) error {
			var x models.Feedback
			err := s.Scan(&x.ItemID, &x.Province, &x.Status, &x.Date, &x.Reason)
			r.Feedback = append(r.Feedback, x)
			return err
		})
	}
	if err != nil {
		return r, fmt.Errorf("national records: %w", err)
	}
	return r, nil
}

type scanner interface{ Scan(...any) error }

func scanInto(ctx context.Context, db *sql.DB, q string, fn func(scanner) error) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Province statuses.
const (
	StatusCurrent = "current" // sent the expected month
	StatusLate    = "late"    // sent, but an earlier month
	StatusMissing = "missing" // sent nothing
)

// ProvinceStatus is one province's reporting state at the national node.
type ProvinceStatus struct {
	Province   string    `json:"province"`
	Name       string    `json:"name"`
	Status     string    `json:"status"`
	Trusted    bool      `json:"trusted"`
	LastID     string    `json:"last_package,omitempty"`
	AsOf       string    `json:"as_of,omitempty"`
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
	Packages   int       `json:"packages"`
}

// Status returns every province of the division list with its state: the
// expected month is month (YYYY-MM), or when "" the newest as-of month of
// any accepted package.
func (n *Node) Status(ctx context.Context, month string) ([]ProvinceStatus, error) {
	byProv := map[string]*ProvinceStatus{}
	var out []ProvinceStatus
	for _, d := range n.tree.Level(models.LevelProvince) {
		out = append(out, ProvinceStatus{Province: d.Code, Name: d.Name, Status: StatusMissing})
	}
	for i := range out {
		byProv[out[i].Province] = &out[i]
	}
	err := scanInto(ctx, n.st.DB(), `SELECT province FROM national.trust`, func(s scanner) error {
		var p string
		if err := s.Scan(&p); err != nil {
			return err
		}
		if ps := byProv[p]; ps != nil {
			ps.Trusted = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("national status: %w", err)
	}
	latest := ""
	err = scanInto(ctx, n.st.DB(), `SELECT province, arg_max(id, sequence), strftime(arg_max(as_of, sequence), '%Y-%m-%d'), arg_max(accepted_at, sequence), count(*)
		FROM national.packages GROUP BY province`, func(s scanner) error {
		var x ProvinceStatus
		if err := s.Scan(&x.Province, &x.LastID, &x.AsOf, &x.AcceptedAt, &x.Packages); err != nil {
			return err
		}
		if ps := byProv[x.Province]; ps != nil {
			ps.LastID, ps.AsOf, ps.AcceptedAt, ps.Packages = x.LastID, x.AsOf, x.AcceptedAt, x.Packages
		}
		latest = max(latest, x.AsOf[:7])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("national status: %w", err)
	}
	if month == "" {
		month = latest
	}
	for i := range out {
		switch {
		case out[i].AsOf == "":
			out[i].Status = StatusMissing
		case out[i].AsOf[:7] >= month:
			out[i].Status = StatusCurrent
		default:
			out[i].Status = StatusLate
		}
	}
	return out, nil
}
