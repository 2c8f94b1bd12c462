package exchange

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// NationalKeyEnv and NationalKeyFileEnv name where the national exchange
// key (base64, 32 bytes; the same at every node) is read from.
const (
	NationalKeyEnv     = "PADIS_NATIONAL_KEY"
	NationalKeyFileEnv = "PADIS_NATIONAL_KEY_FILE"
)

// NationalKey reads the national exchange key from $PADIS_NATIONAL_KEY or
// the file named by $PADIS_NATIONAL_KEY_FILE. It is never created: every
// node must use the one key the national centre distributes.
func NationalKey(getenv func(string) string) ([]byte, error) {
	s, from := getenv(NationalKeyEnv), NationalKeyEnv
	if s == "" {
		path := getenv(NationalKeyFileEnv)
		if path == "" {
			return nil, fmt.Errorf("exchange: no national exchange key: set %s (base64, 32 bytes) or %s", NationalKeyEnv, NationalKeyFileEnv)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("exchange: national exchange key: %w", err)
		}
		s, from = string(b), path
	}
	k, err := pii.ParseKey(s)
	if err != nil {
		return nil, fmt.Errorf("exchange: national exchange key from %s: %w", from, err)
	}
	return k, nil
}

// ExportOptions select what Export writes.
type ExportOptions struct {
	Scope string // the province's scope key (a 2-digit province)
	Month string // YYYY-MM: the as-of month of the snapshot version to send
	Out   string // package directory (created; must be empty)
	// Since is the previous package (its manifest) for an incremental
	// package: only the months whose digests differ from it are sent.
	// nil: a full package.
	Since       *Manifest
	Sequence    int64 // 0: Since.Sequence+1, or 1
	NationalKey []byte
	SigningKey  ed25519.PrivateKey
	Keys        *pii.Keys // the province's PII keys (vault)
	Now         func() time.Time
}

// Export writes the package of the province's snapshot version whose as-of
// falls in opts.Month, from its cube and its records, and returns the
// manifest. Identifiers are decrypted from the vault (audited as a system
// operation, purpose statistical review) only to compute their national
// pseudonyms; no plaintext identifier is written.
func Export(ctx context.Context, st *store.Store, opts ExportOptions) (*Manifest, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if len(opts.Scope) != 2 {
		return nil, fmt.Errorf("exchange: scope %q: a package is sent by a province (2-digit scope)", opts.Scope)
	}
	v, run, err := exportVersion(ctx, st, opts.Scope, opts.Month)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	if ents, _ := os.ReadDir(opts.Out); len(ents) > 0 {
		return nil, fmt.Errorf("exchange: output directory %s is not empty", opts.Out)
	}
	m := &Manifest{Format: FormatVersion, Province: opts.Scope, Scope: v.Scope, Version: v.ID, Fingerprint: v.Fingerprint,
		AsOf: v.AsOf.Format(time.DateOnly), PeriodStart: v.PeriodStart.Format(time.DateOnly),
		AgeLevel: run.ageLevel, ValueLevel: run.valueLevel, CreatedAt: opts.Now().UTC().Truncate(time.Second)}
	m.Sequence = opts.Sequence
	if m.Sequence == 0 {
		m.Sequence = 1
		if opts.Since != nil {
			m.Sequence = opts.Since.Sequence + 1
		}
	}
	m.ID = PackageID(opts.Scope, m.Sequence)
	if opts.Since != nil {
		if opts.Since.Province != opts.Scope {
			return nil, fmt.Errorf("exchange: previous package %s is of province %s", opts.Since.ID, opts.Since.Province)
		}
		m.Previous = opts.Since.ID
	}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	defer conn.Close()
	digests, err := monthDigests(ctx, conn, v.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range digests {
		m.Months = append(m.Months, d.month)
		m.MonthDigests = append(m.MonthDigests, d.month+":"+d.sum)
	}
	m.Sent = m.Months
	if opts.Since != nil {
		m.Incremental = true
		old := opts.Since.digests()
		m.Sent = nil
		for _, d := range digests {
			if old[d.month] != d.sum {
				m.Sent = append(m.Sent, d.month)
			}
		}
	}
	w := &writer{ctx: ctx, conn: conn, dir: opts.Out, m: m}
	keys := periodsOf(m.Sent)
	if err := w.keysTable(keys); err != nil {
		return nil, err
	}
	cols := cube.MeasureSelect()
	if err := w.copy(KindMeasures, `SELECT `+cols+` FROM cube.measures t SEMI JOIN xchg_keys k ON k.ptype = t.ptype AND k.period = t.period
		WHERE t.version = `+fmt.Sprint(v.ID)+` ORDER BY ALL`); err != nil {
		return nil, err
	}
	if err := w.copy(KindAge, `SELECT division, level, ptype, period, sex, age, pop, py, deaths, births FROM cube.age t
		SEMI JOIN xchg_keys k ON k.ptype = t.ptype AND k.period = t.period WHERE t.version = `+fmt.Sprint(v.ID)+` ORDER BY ALL`); err != nil {
		return nil, err
	}
	if err := w.copy(KindStored, `SELECT indicator, division, level, ptype, period, breakdown, value, lower, upper, numerator, denominator, flag
		FROM cube.values WHERE version = `+fmt.Sprint(v.ID)+` AND indicator IN (`+storedIDs()+`) ORDER BY ALL`); err != nil {
		return nil, err
	}
	if err := w.records(st, v, opts); err != nil {
		return nil, err
	}
	if err := writeSigned(opts.Out, m, opts.SigningKey); err != nil {
		return nil, fmt.Errorf("exchange: write manifest: %w", err)
	}
	return m, nil
}

// cubeRun is what Export needs of the version's cube.runs row.
type cubeRun struct{ ageLevel, valueLevel int }

// exportVersion returns the newest version of scope with a cube whose
// as-of lies in month (YYYY-MM; "" the newest).
func exportVersion(ctx context.Context, st *store.Store, scope, month string) (*store.Version, cubeRun, error) {
	if err := cube.EnsureSchema(ctx, st); err != nil {
		return nil, cubeRun{}, err
	}
	var id int64
	var r cubeRun
	err := st.DB().QueryRowContext(ctx, `SELECT r.version, r.age_level, r.value_level FROM cube.runs r JOIN meta.versions v ON v.id = r.version
		WHERE v.scope = ? AND v.state = ? AND (? = '' OR strftime(r.as_of, '%Y-%m') = ?) ORDER BY r.as_of DESC, r.version DESC LIMIT 1`,
		scope, store.StatePublished, month, month).Scan(&id, &r.ageLevel, &r.valueLevel)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, r, fmt.Errorf("exchange: scope %s has no version with a cube whose as-of is in %q", scope, month)
	}
	if err != nil {
		return nil, r, fmt.Errorf("exchange: find the version: %w", err)
	}
	v, err := st.Version(ctx, id)
	if err != nil {
		return nil, r, fmt.Errorf("exchange: %w", err)
	}
	return v, r, nil
}

type monthDigest struct{ month, sum string }

// monthDigests returns, per month of the version's cube, a digest of its
// measure and age rows (every level), so that a later package sends only
// the months that changed.
func monthDigests(ctx context.Context, conn *sql.Conn, version int64) ([]monthDigest, error) {
	rows, err := conn.QueryContext(ctx, `SELECT period, count(*)::VARCHAR || '/' || bit_xor(h)::VARCHAR FROM (
		SELECT period, hash(`+cube.MeasureSelect()+`) AS h FROM cube.measures WHERE version = ? AND ptype = 'month'
		UNION ALL
		SELECT period, hash(division, sex, age, pop, py, deaths, births) FROM cube.age WHERE version = ? AND ptype = 'month'
	) GROUP BY period ORDER BY period`, version, version)
	if err != nil {
		return nil, fmt.Errorf("exchange: month digests: %w", err)
	}
	defer rows.Close()
	var out []monthDigest
	for rows.Next() {
		var d monthDigest
		if err := rows.Scan(&d.month, &d.sum); err != nil {
			return nil, fmt.Errorf("exchange: month digests: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// periodKey is one period of the cube.
type periodKey struct{ ptype, period string }

// periodsOf returns the periods of the cube containing one of months: the
// months themselves, their quarters and years, and the rolling 12 months
// ending in any of the 12 months from each.
func periodsOf(months []string) []periodKey {
	seen := map[periodKey]bool{}
	var out []periodKey
	add := func(k periodKey) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, m := range months {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			continue
		}
		add(periodKey{cube.PeriodMonth, m})
		add(periodKey{cube.PeriodQuarter, fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)})
		add(periodKey{cube.PeriodYear, fmt.Sprint(t.Year())})
		for i := 0; i < 12; i++ {
			add(periodKey{cube.PeriodR12, "R12-" + t.AddDate(0, i, 0).Format("2006-01")})
		}
	}
	return out
}

// writer writes the files of one package.
type writer struct {
	ctx  context.Context
	conn *sql.Conn
	dir  string
	m    *Manifest
}

// keysTable creates the temp table xchg_keys (ptype, period).
func (w *writer) keysTable(keys []periodKey) error {
	q := `CREATE OR REPLACE TEMP TABLE xchg_keys (ptype VARCHAR, period VARCHAR)`
	if _, err := w.conn.ExecContext(w.ctx, q); err != nil {
		return fmt.Errorf("exchange: %w", err)
	}
	for _, k := range keys {
		if _, err := w.conn.ExecContext(w.ctx, `INSERT INTO xchg_keys VALUES (?, ?)`, k.ptype, k.period); err != nil {
			return fmt.Errorf("exchange: %w", err)
		}
	}
	return nil
}

// copy writes the result of query as the Parquet file of kind and lists it
// in the manifest.
func (w *writer) copy(kind, query string) error {
	name := kind + ".parquet"
	path := filepath.Join(w.dir, name)
	if _, err := w.conn.ExecContext(w.ctx, `COPY (`+query+`) TO `+store.Quote(path)+` (FORMAT parquet, COMPRESSION zstd)`); err != nil {
		return fmt.Errorf("exchange: write %s: %w", name, err)
	}
	var n int64
	if err := w.conn.QueryRowContext(w.ctx, `SELECT count(*) FROM read_parquet(`+store.Quote(path)+`)`).Scan(&n); err != nil {
		return fmt.Errorf("exchange: count %s: %w", name, err)
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return fmt.Errorf("exchange: %w", err)
	}
	w.m.Files = append(w.m.Files, File{Kind: kind, Path: name, Rows: n, SHA256: sum})
	return nil
}

// writeRecords writes rows (JSON-tagged record structs) as the Parquet file
// of kind with the given DuckDB column types (in the JSON field order).
func (w *writer) writeRecords(kind string, rows any, columns string) error {
	b, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("exchange: %s: %w", kind, err)
	}
	tmp := filepath.Join(w.dir, "."+kind+".json")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("exchange: %w", err)
	}
	defer os.Remove(tmp)
	return w.copy(kind, `SELECT * FROM read_json(`+store.Quote(tmp)+`, format = 'array', columns = {`+columns+`})`)
}

// Column types of the record files, in the JSON field order of the models
// types.
const (
	migrantColumns  = `nid: 'VARCHAR', province: 'VARCHAR', role: 'VARCHAR', other_province: 'VARCHAR', event_date: 'VARCHAR', county: 'VARCHAR', sex: 'VARCHAR', birth_date: 'VARCHAR', record_key: 'VARCHAR'`
	benefitColumns  = `nid: 'VARCHAR', province: 'VARCHAR', programme: 'VARCHAR', year: 'INTEGER', amount: 'DOUBLE', county: 'VARCHAR', sex: 'VARCHAR', birth_date: 'VARCHAR', rural_reg: 'BOOLEAN', children: 'INTEGER', daughters: 'INTEGER', child_died: 'BOOLEAN', record_key: 'VARCHAR'`
	deathColumns    = `nid: 'VARCHAR', province: 'VARCHAR', death_date: 'VARCHAR', source: 'VARCHAR'`
	feedbackColumns = `item_id: 'VARCHAR', province: 'VARCHAR', status: 'VARCHAR', date: 'VARCHAR', reason: 'VARCHAR'`
)

// records writes the migrant, benefit, death and feedback files.
func (w *writer) records(st *store.Store, v *store.Version, opts ExportOptions) error {
	ids, err := newIDReader(st, v.ID, opts.Keys, opts.NationalKey)
	if err != nil {
		return err
	}
	prov := opts.Scope
	persons, events := st.Table(v.ID, models.TablePersons), st.Table(v.ID, models.TableEvents)
	// Cross-province migrants: moves across the border recorded as events,
	// and residents registered in another province.
	q := fmt.Sprintf(`SELECT p.person_id, p._vault, e.event_type, CASE WHEN e.event_type = 'out' THEN left(e.to_place, 2) ELSE left(e.from_place, 2) END,
		strftime(e.event_date, '%%Y-%%m-%%d'), CASE WHEN e.event_type = 'out' THEN left(p.reg_place, 6) ELSE left(e.place, 6) END,
		p.sex, strftime(p.birth_date, '%%Y-%%m-%%d'), p.id_number_key::VARCHAR
	FROM %[1]s e JOIN %[2]s p USING (person_id)
	WHERE (e.event_type = 'out' AND left(coalesce(e.to_place, ''), 2) NOT IN ('', '%[3]s'))
	   OR (e.event_type = 'in' AND left(coalesce(e.from_place, ''), 2) NOT IN ('', '%[3]s'))
	UNION ALL
	SELECT p.person_id, p._vault, 'resident', left(p.reg_place, 2), '', left(p.res_place, 6), p.sex, strftime(p.birth_date, '%%Y-%%m-%%d'), p.id_number_key::VARCHAR
	FROM %[2]s p WHERE p.vital_status = '1' AND left(p.res_place, 2) = '%[3]s' AND left(p.reg_place, 2) <> '%[3]s'
	ORDER BY 1, 3, 5`, events, persons, prov)
	var migrants []models.CrossMigrant
	err = ids.each(w.ctx, models.PersonsTable, q, func(nid string, r []sql.NullString) {
		role := r[0].String
		if role == string(models.EventMigrateIn) {
			role = models.MigrantIn
		} else if role == string(models.EventMigrateOut) {
			role = models.MigrantOut
		}
		migrants = append(migrants, models.CrossMigrant{NationalID: nid, Province: prov, Role: role, OtherProvince: r[1].String, EventDate: r[2].String,
			County: r[3].String, Sex: r[4].String, BirthDate: r[5].String, RecordKey: r[6].String})
	})
	if err != nil {
		return err
	}
	if err := w.writeRecords(KindMigrants, nonNil(migrants), migrantColumns); err != nil {
		return err
	}
	// Deaths: the register's dead, and the civil-affairs and cremation
	// records.
	q = fmt.Sprintf(`SELECT person_id, _vault, strftime(status_date, '%%Y-%%m-%%d'), 'register' FROM %s WHERE vital_status = '2' ORDER BY 1`, persons)
	var deaths []models.CrossDeath
	add := func(nid string, r []sql.NullString) {
		deaths = append(deaths, models.CrossDeath{NationalID: nid, Province: prov, DeathDate: r[0].String, Source: r[1].String})
	}
	if err := ids.each(w.ctx, models.PersonsTable, q, add); err != nil {
		return err
	}
	if ok, err := hasTable(w.ctx, st, v.ID, models.TableDeaths); err != nil {
		return err
	} else if ok {
		q = fmt.Sprintf(`SELECT record_id, _vault, strftime(death_date, '%%Y-%%m-%%d'), source FROM %s ORDER BY 1`, st.Table(v.ID, models.TableDeaths))
		if err := ids.each(w.ctx, models.DeathsTable, q, add); err != nil {
			return err
		}
	}
	if err := w.writeRecords(KindDeaths, nonNil(deaths), deathColumns); err != nil {
		return err
	}
	// The benefit roll, when the version has one.
	if ok, err := hasTable(w.ctx, st, v.ID, models.TableBenefitRoll); err != nil {
		return err
	} else if ok {
		q = fmt.Sprintf(`SELECT record_id, _vault, programme, year::VARCHAR, amount::VARCHAR, left(reg_place, 6), sex, strftime(birth_date, '%%Y-%%m-%%d'),
			rural_reg::VARCHAR, children::VARCHAR, daughters::VARCHAR, child_died::VARCHAR, id_number_key::VARCHAR FROM %s ORDER BY 1`, st.Table(v.ID, models.TableBenefitRoll))
		var roll []models.BenefitRecipient
		err := ids.each(w.ctx, models.BenefitRollTable, q, func(nid string, r []sql.NullString) {
			var b models.BenefitRecipient
			fmt.Sscan(r[1].String, &b.Year)
			fmt.Sscan(r[2].String, &b.Amount)
			fmt.Sscan(r[7].String, &b.Children)
			fmt.Sscan(r[8].String, &b.Daughters)
			b.NationalID, b.Province, b.Programme, b.County, b.Sex, b.BirthDate = nid, prov, r[0].String, r[3].String, r[4].String, r[5].String
			b.RuralReg, b.ChildDied, b.RecordKey = r[6].String == "true", r[9].String == "true", r[10].String
			roll = append(roll, b)
		})
		if err != nil {
			return err
		}
		if err := w.writeRecords(KindBenefits, nonNil(roll), benefitColumns); err != nil {
			return err
		}
	}
	// Feedback on national worklist items: the province holds none until
	// the national reconciliation sends worklists back.
	if err := w.writeRecords(KindFeedback, []models.Feedback{}, feedbackColumns); err != nil {
		return err
	}
	return ids.audit(w.ctx, w.m.ID)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// hasTable reports whether version has the snapshot table.
func hasTable(ctx context.Context, st *store.Store, version int64, table string) (bool, error) {
	var n int
	err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?`,
		store.SchemaName(version), store.TableName(table)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("exchange: %w", err)
	}
	return n > 0, nil
}

// idReader decrypts the ID numbers of records from a version's vault, one
// batch at a time, and turns them into national pseudonyms.
type idReader struct {
	st      *store.Store
	version int64
	keys    *pii.Keys
	sealer  *pii.Sealer
	natKey  []byte
	counts  map[string]int // decrypted per table, for the audit
	missing int            // records without an ID number (left out)
}

func newIDReader(st *store.Store, version int64, keys *pii.Keys, natKey []byte) (*idReader, error) {
	if keys == nil {
		return nil, errors.New("exchange: the province's PII keys are needed to read the vault")
	}
	if len(natKey) == 0 {
		return nil, errors.New("exchange: no national exchange key")
	}
	s, err := keys.Sealer()
	if err != nil {
		return nil, err
	}
	return &idReader{st: st, version: version, keys: keys, sealer: s, natKey: natKey, counts: map[string]int{}}, nil
}

// each runs q, whose columns are the record key, the vault locator and
// further columns, and calls fn with the national pseudonym of each row's
// ID number and the further columns. Rows without an ID number are
// skipped (counted).
func (r *idReader) each(ctx context.Context, t models.Table, q string, fn func(nid string, rest []sql.NullString)) error {
	field := slices.Index(pii.PIIColumns(t), "id_number")
	if field < 0 {
		return fmt.Errorf("exchange: %s has no id_number", t.Name)
	}
	rows, err := r.st.DB().QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("exchange: read %s: %w", t.Name, err)
	}
	cols, _ := rows.Columns()
	type rec struct {
		loc  int64
		rest []sql.NullString
	}
	byBatch := map[int64][]rec{}
	var order []int64
	for rows.Next() {
		var key string
		var loc sql.NullInt64
		rest := make([]sql.NullString, len(cols)-2)
		dest := []any{&key, &loc}
		for i := range rest {
			dest = append(dest, &rest[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return fmt.Errorf("exchange: read %s: %w", t.Name, err)
		}
		if !loc.Valid {
			r.missing++
			continue
		}
		b, _ := pii.SplitLocator(loc.Int64)
		if _, ok := byBatch[b]; !ok {
			order = append(order, b)
		}
		byBatch[b] = append(byBatch[b], rec{loc.Int64, rest})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("exchange: read %s: %w", t.Name, err)
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	vault := r.st.Table(r.version, pii.VaultTable)
	for _, b := range order {
		batch := pii.Batch{Table: t.Name, ID: b}
		if err := r.st.DB().QueryRowContext(ctx, `SELECT nonce, data FROM `+vault+` WHERE tbl = ? AND batch = ?`, t.Name, b).Scan(&batch.Nonce, &batch.Data); err != nil {
			return fmt.Errorf("exchange: %s: vault batch %d: %w", t.Name, b, err)
		}
		plain, err := r.sealer.Open(r.version, batch)
		if err != nil {
			return fmt.Errorf("exchange: %s: %w", t.Name, err)
		}
		for _, x := range byBatch[b] {
			_, i := pii.SplitLocator(x.loc)
			row, err := pii.DecodeRow(plain, i)
			if err != nil {
				return fmt.Errorf("exchange: %s: %w", t.Name, err)
			}
			if field >= len(row) || row[field] == nil || strings.TrimSpace(*row[field]) == "" {
				r.missing++
				continue
			}
			r.counts[t.Name]++
			fn(pii.NationalPseudonym(r.natKey, *row[field]), x.rest)
		}
	}
	return nil
}

// audit records the decryption in the store's reveal audit as a system
// operation (who "system", purpose statistical review), one record per
// table read, naming the package and the count, never a value.
func (r *idReader) audit(ctx context.Context, pkg string) error {
	rec := pii.TableAudit(r.st.DB(), store.AuditTable, r.keys.AuditKey())
	tables := make([]string, 0, len(r.counts))
	for t := range r.counts {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		err := rec(ctx, pii.AuditRecord{RevealRequest: pii.RevealRequest{Version: r.version, Table: t, Key: "exchange " + pkg, Field: "id_number",
			Who: "system", Purpose: models.PurposeStatisticalReview,
			Why: fmt.Sprintf("exchange package %s: %d ID numbers turned into national pseudonyms", pkg, r.counts[t])},
			When: time.Now(), Outcome: "revealed"})
		if err != nil {
			return fmt.Errorf("exchange: audit: %w", err)
		}
	}
	return nil
}
