package dse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Events the completeness is estimated for (column event of FactorsTable).
const (
	EventDeath = "death"
	EventBirth = "birth"
)

// Indicator ids written by Run (the catalog's entries, models/indicator.go).
const (
	DeathCompleteness = "death_reg_completeness"
	BirthCompleteness = "birth_reg_completeness"
)

// Adjusted lists the ids of the adjusted indicators Run writes.
var Adjusted = []string{"deaths_adj", "cdr_adj", "imr_adj", "e0_adj", "births_adj", "cbr_adj", "tfr_adj"}

// AgeGroups are the broad age groups of the death strata (age at death in
// completed years): infants, children, working ages, the old. Their
// completeness differs in most registers (infant deaths escape
// registration most often) and each holds enough deaths in a county-year.
var AgeGroups = []struct {
	Label  string
	Lo, Hi int
}{{"0", 0, 0}, {"1-14", 1, 14}, {"15-59", 15, 59}, {"60+", 60, cube.MaxAge}}

// ageGroup returns the index in AgeGroups of age x.
func ageGroup(x int) int8 {
	for i, g := range AgeGroups {
		if x <= g.Hi {
			return int8(i)
		}
	}
	return int8(len(AgeGroups) - 1)
}

// Options tune Run. The zero value uses the defaults.
type Options struct {
	// GraceDays: only source records of events at least this many days
	// before the as-of date are compared (default 90, linkage's
	// registration allowance): a later event may still be registered in
	// time, and its absence from the register is not yet an omission.
	GraceDays int
	// MinSource is the number of source records a stratum needs to give
	// its own completeness (default cube.MinEvents, 20); a smaller stratum
	// takes the pooled one (see docs/indicators.md).
	MinSource int
}

func (o Options) withDefaults() Options {
	if o.GraceDays == 0 {
		o.GraceDays = 90
	}
	if o.MinSource == 0 {
		o.MinSource = cube.MinEvents
	}
	return o
}

// Result reports a run.
type Result struct {
	Version int64 `json:"version"`
	// Values is the number of rows written into cube.values.
	Values int64 `json:"values"`
	// Deaths and Births are the province totals of the comparison window
	// (all matured months): register, source records compared, matched.
	Deaths Counts `json:"deaths"`
	Births Counts `json:"births"`
	// Excluded is the number of source records left out because they
	// cannot be linked by ID (deaths without the deceased's ID number,
	// certificates without the mother's).
	Excluded map[string]int64 `json:"excluded"`
	Duration time.Duration    `json:"duration"`
}

// Counts are the dual-system counts of one stratum.
type Counts struct {
	Register float64 `json:"register"` // n1: events on the register
	Source   float64 `json:"source"`   // n2: source records compared
	Matched  float64 `json:"matched"`  // m: source records whose event is on the register
}

// cellKey is a stratum of a unit and period: sex 0 (both), 1 or 2; age
// group −1 (all ages) or an index of AgeGroups.
type cellKey struct {
	sex, grp int8
}

var allCell = cellKey{0, -1}

// unitKey is a unit and period.
type unitKey struct {
	div, ptype, period string
}

// strata holds the dual-system counts of one event by unit, period and
// cell, and resolves the completeness factor each cell uses.
type strata struct {
	event string
	min   float64
	cells map[unitKey]map[cellKey]*Counts
	memo  map[srcKey]source
}

// srcKey names a stratum: a unit, period and cell.
type srcKey struct {
	unitKey
	cellKey
}

// source is the stratum whose completeness a cell uses, and its factor.
type source struct {
	srcKey
	factor
	ok bool
}

func newStrata(event string, min int) *strata {
	return &strata{event: event, min: float64(min), cells: map[unitKey]map[cellKey]*Counts{}, memo: map[srcKey]source{}}
}

// at returns the counts of a stratum, creating them.
func (s *strata) at(u unitKey, c cellKey) *Counts {
	m := s.cells[u]
	if m == nil {
		m = map[cellKey]*Counts{}
		s.cells[u] = m
	}
	if m[c] == nil {
		m[c] = &Counts{}
	}
	return m[c]
}

// own returns the factor of the stratum (u, c) from its own counts, when
// it has MinSource source records and a match.
func (s *strata) own(u unitKey, c cellKey) (source, bool) {
	n := s.cells[u][c]
	if n == nil || n.Source < s.min {
		return source{}, false
	}
	f, ok := newFactor(n.Register, n.Source, n.Matched)
	return source{srcKey{u, c}, f, ok}, ok
}

// resolve returns the stratum whose completeness cell c of unit u uses
// (the pooling rule of docs/indicators.md): its own; else both sexes of
// the same age group of the unit; else the same cell of the parent unit,
// resolved the same way; at the top, the unit's all-ages both-sexes
// stratum. ok is false when none has enough records.
func (s *strata) resolve(u unitKey, c cellKey) source {
	k := srcKey{u, c}
	if r, ok := s.memo[k]; ok {
		return r
	}
	r, ok := s.own(u, c)
	if !ok && c.sex != 0 {
		r, ok = s.own(u, cellKey{0, c.grp})
	}
	if !ok {
		if p := parent(u.div); p != "" {
			r = s.resolve(unitKey{p, u.ptype, u.period}, c)
			ok = r.ok
		} else if c != allCell {
			r, ok = s.own(u, allCell)
		}
	}
	r.ok = ok
	s.memo[k] = r
	return r
}

// totals sums the month strata of the provinces (all ages, both sexes):
// the counts of the whole window.
func (s *strata) totals() Counts {
	var t Counts
	for u, cells := range s.cells {
		if u.ptype != cube.PeriodMonth || len(u.div) != models.LevelProvince.CodeLen() {
			continue
		}
		if n := cells[allCell]; n != nil {
			t.Register += n.Register
			t.Source += n.Source
			t.Matched += n.Matched
		}
	}
	return t
}

// parent returns the code of the unit above div ("" for a province).
func parent(div string) string {
	l, err := models.LevelOfCode(div)
	if err != nil || l <= models.LevelProvince {
		return ""
	}
	return div[:(l - 1).CodeLen()]
}

// Run estimates the completeness of death and birth registration of
// version by unit and period and writes it, and the adjusted indicators,
// into cube.values (replacing what an earlier run wrote), with the
// factors each unit used in FactorsTable. It needs the version's cube and
// linkage (the pipeline runs it after both); without a cube it does
// nothing.
func Run(ctx context.Context, st *store.Store, version int64, opts Options) (*Result, error) {
	start := time.Now()
	opts = opts.withDefaults()
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("dse: %w", err)
	}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("dse: %w", err)
	}
	defer conn.Close()
	res := &Result{Version: version, Excluded: map[string]int64{}}
	var ageLevel int
	switch err := conn.QueryRowContext(ctx, `SELECT age_level FROM cube.runs WHERE version = ?`, version).Scan(&ageLevel); {
	case errors.Is(err, sql.ErrNoRows):
		return res, nil
	case err != nil:
		if ok, _ := tableExists(ctx, conn, "cube", "runs"); !ok {
			return res, nil
		}
		return nil, fmt.Errorf("dse: version %d: read cube run: %w", version, err)
	}
	if _, err := conn.ExecContext(ctx, ddl); err != nil {
		return nil, fmt.Errorf("dse: create schema: %w", err)
	}
	tables, err := sourceTables(ctx, conn, st, v)
	if err != nil {
		return nil, err
	}
	deaths, births := newStrata(EventDeath, opts.MinSource), newStrata(EventBirth, opts.MinSource)
	if err := readStrata(ctx, conn, st, v, tables, opts, models.Level(ageLevel), deaths, births, res); err != nil {
		return nil, err
	}
	w := &writer{version: version, level: models.Level(ageLevel), deaths: deaths, births: births,
		hasSource: map[string]bool{EventDeath: deaths.totals().Source > 0, EventBirth: births.totals().Source > 0}}
	if err := w.compute(ctx, conn); err != nil {
		return nil, err
	}
	if err := w.save(ctx, conn); err != nil {
		return nil, err
	}
	res.Values = int64(len(w.values))
	res.Deaths, res.Births = deaths.totals(), births.totals()
	res.Duration = time.Since(start)
	return res, nil
}

// tableExists reports whether schema.table exists.
func tableExists(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, schema, table string) (bool, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?`, schema, table).Scan(&n); err != nil {
		return false, fmt.Errorf("dse: look up %s.%s: %w", schema, table, err)
	}
	return n > 0, nil
}

// sourceTables returns the version's death records and birth certificates
// tables ("" when the snapshot has none), checking that the linkage has
// kept its links for the version.
func sourceTables(ctx context.Context, conn *sql.Conn, st *store.Store, v *store.Version) (map[string]string, error) {
	out := map[string]string{}
	for ev, t := range map[string]models.Table{EventDeath: models.DeathsTable, EventBirth: models.BirthCertificatesTable} {
		ok, err := tableExists(ctx, conn, store.SchemaName(v.ID), store.TableName(t.Name))
		if err != nil {
			return nil, err
		}
		if ok {
			out[ev] = st.Table(v.ID, t.Name)
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	var runs, links int64
	err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+linkage.RunsTable+` WHERE version = $1),
		(SELECT count(*) FROM `+linkage.LinksTable+` WHERE version = $1)`, v.ID).Scan(&runs, &links)
	if err != nil {
		return nil, fmt.Errorf("dse: version %d: read the linkage (run it first): %w", v.ID, err)
	}
	if runs == 0 {
		return nil, fmt.Errorf("dse: version %d has not been linked: run the linkage first", v.ID)
	}
	if links == 0 {
		var records int64
		for _, t := range out {
			var n int64
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
				return nil, fmt.Errorf("dse: count %s: %w", t, err)
			}
			records += n
		}
		if records > 0 {
			return nil, fmt.Errorf("dse: version %d was linked before the linkage kept its links (%s): link it again (padis worklists build --force), then run the pipeline", v.ID, linkage.LinksTable)
		}
	}
	return out, nil
}

// readStrata fills the source counts (n2, m) of every unit (province to
// village) and period, and the register counts (n1) of the units down to
// the age level.
func readStrata(ctx context.Context, conn *sql.Conn, st *store.Store, v *store.Version, tables map[string]string, opts Options,
	ageLevel models.Level, deaths, births *strata, res *Result) error {
	cut := v.AsOf.AddDate(0, 0, -opts.GraceDays)
	if _, err := conn.ExecContext(ctx, cube.PeriodsSQL("dse_pm", v.PeriodStart, v.AsOf)); err != nil {
		return fmt.Errorf("dse: period map: %w", err)
	}
	defer conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.main.dse_pm`)
	persons := st.Table(v.ID, models.TablePersons)
	window := []any{v.ID, v.PeriodStart, cut, int(ageLevel)}
	if t := tables[EventDeath]; t != "" {
		// A record counts as matched when linkage linked it to a card the
		// register has as dead (vital_status 2).
		q := `WITH d AS (
	SELECT d.place, year(d.death_date) * 12 + month(d.death_date) - 1 AS mi,
		CASE WHEN d.sex IN ('1', '2') THEN CAST(d.sex AS TINYINT) ELSE 9 END AS sex,
		date_sub('year', coalesce(d.birth_date, p.birth_date), d.death_date) AS age,
		coalesce(p.vital_status = '2', false) AS matched
	FROM ` + t + ` d LEFT JOIN ` + linkage.LinksTable + ` l ON l.version = $1 AND l.source = 'deaths' AND l.record_id = d.record_id
		LEFT JOIN ` + persons + ` p ON p.person_id = l.person_id
	WHERE d.id_number_key IS NOT NULL AND d.death_date BETWEEN $2 AND $3)
` + strataSelect(`CASE WHEN age IS NULL OR age < 0 THEN 9 WHEN age = 0 THEN 0 WHEN age < 15 THEN 1 WHEN age < 60 THEN 2 ELSE 3 END`, "d")
		if err := scanStrata(ctx, conn, deaths, q, window...); err != nil {
			return err
		}
		var n int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+t+` WHERE id_number_key IS NULL AND death_date BETWEEN $1 AND $2`,
			v.PeriodStart, cut).Scan(&n); err != nil {
			return fmt.Errorf("dse: count death records without ID: %w", err)
		}
		res.Excluded["deaths_without_id_number"] = n
	}
	if t := tables[EventBirth]; t != "" {
		// A certificate counts as matched when linkage linked it to a
		// loaded card (not a quarantined row).
		q := `WITH d AS (
	SELECT c.place, year(c.birth_date) * 12 + month(c.birth_date) - 1 AS mi,
		CASE WHEN c.child_sex IN ('1', '2') THEN CAST(c.child_sex AS TINYINT) ELSE 9 END AS sex,
		coalesce(l.method <> 'quarantined', false) AS matched
	FROM ` + t + ` c LEFT JOIN ` + linkage.LinksTable + ` l ON l.version = $1 AND l.source = 'birth_certificates' AND l.record_id = c.cert_no
	WHERE c.mother_id_number_key IS NOT NULL AND c.birth_date BETWEEN $2 AND $3)
` + strataSelect(`-1`, "d")
		if err := scanStrata(ctx, conn, births, q, window...); err != nil {
			return err
		}
		var n int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+t+` WHERE mother_id_number_key IS NULL AND birth_date BETWEEN $1 AND $2`,
			v.PeriodStart, cut).Scan(&n); err != nil {
			return fmt.Errorf("dse: count certificates without the mother's ID: %w", err)
		}
		res.Excluded["birth_certificates_without_mother_id_number"] = n
	}
	// Register counts: deaths by sex and age group from the age table,
	// births by sex from the measures, down to the age level.
	regDeaths := `WITH a AS (
	SELECT division, ptype, period, CASE WHEN sex IN (1, 2) THEN sex ELSE 9 END AS sex,
		CASE WHEN age = 0 THEN 0 WHEN age < 15 THEN 1 WHEN age < 60 THEN 2 ELSE 3 END AS grp, deaths
	FROM cube.age WHERE version = $1 AND level <= $2 AND deaths > 0)
SELECT division, ptype, period, coalesce(sex, 0), coalesce(grp, -1), sum(deaths)
FROM a GROUP BY GROUPING SETS ((division, ptype, period, sex, grp), (division, ptype, period, grp), (division, ptype, period, sex), (division, ptype, period))`
	if err := scanRegister(ctx, conn, deaths, regDeaths, v.ID, int(ageLevel)); err != nil {
		return err
	}
	regBirths := `SELECT division, ptype, period, s.sex, -1, s.n FROM cube.measures,
	LATERAL (SELECT * FROM (VALUES (0, births), (1, births_male), (2, births_female)) t(sex, n)) s
WHERE version = $1 AND level <= $2 AND s.n > 0`
	if err := scanRegister(ctx, conn, births, regBirths, v.ID, int(ageLevel)); err != nil {
		return err
	}
	return nil
}

// strataSelect aggregates the records of cte d (place, mi, sex, matched
// and the age-group expression grp) into every unit (prefix of place) and
// period of the map dse_pm: by sex and age group down to the age level
// ($4), all ages and both sexes below it.
func strataSelect(grp, cte string) string {
	return `, r AS (SELECT place, mi, sex, ` + grp + ` AS grp, matched FROM ` + cte + `),
lv AS (SELECT * FROM (VALUES (1, 2), (2, 4), (3, 6), (4, 9), (5, 12)) l(level, len))
SELECT left(place, len) AS division, level, ptype, period, coalesce(sex, 0) AS sex, coalesce(grp, -1) AS grp,
	count(*) AS n2, count(*) FILTER (WHERE matched) AS m
FROM r JOIN dse_pm USING (mi) CROSS JOIN lv
WHERE length(place) >= len
GROUP BY GROUPING SETS ((division, level, ptype, period, sex, grp), (division, level, ptype, period, grp),
	(division, level, ptype, period, sex), (division, level, ptype, period))
HAVING (level <= $4 OR (GROUPING(sex) = 1 AND GROUPING(grp) = 1))`
}

// scanStrata reads rows (division, level, ptype, period, sex, grp, n2, m)
// into s; cells of an unknown sex or age (9) are kept only in the totals.
func scanStrata(ctx context.Context, conn *sql.Conn, s *strata, q string, args ...any) error {
	return scanRows(ctx, conn, s.event+" records", q, args, func(rows *sql.Rows) error {
		var u unitKey
		var level int
		var c cellKey
		var n2, m float64
		if err := rows.Scan(&u.div, &level, &u.ptype, &u.period, &c.sex, &c.grp, &n2, &m); err != nil {
			return err
		}
		if c.sex != 9 && c.grp != 9 {
			n := s.at(u, c)
			n.Source, n.Matched = n2, m
		}
		return nil
	})
}

// scanRegister reads rows (division, ptype, period, sex, grp, n1) into s.
func scanRegister(ctx context.Context, conn *sql.Conn, s *strata, q string, args ...any) error {
	return scanRows(ctx, conn, "registered "+s.event+"s", q, args, func(rows *sql.Rows) error {
		var u unitKey
		var c cellKey
		var n1 float64
		if err := rows.Scan(&u.div, &u.ptype, &u.period, &c.sex, &c.grp, &n1); err != nil {
			return err
		}
		if c.sex != 9 {
			s.at(u, c).Register = n1
		}
		return nil
	})
}

// scanRows runs q and calls row for each row; errors name what.
func scanRows(ctx context.Context, conn *sql.Conn, what, q string, args []any, row func(*sql.Rows) error) error {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("dse: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return fmt.Errorf("dse: %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("dse: %s: %w", what, err)
	}
	return nil
}

// writer computes the values of one version.
type writer struct {
	version        int64
	level          models.Level
	deaths, births *strata
	values         []cube.Value
	factors        []factorRow
	hasSource      map[string]bool // events with source records
}

// factorRow is one row of FactorsTable.
type factorRow struct {
	event string
	unit  unitKey
	level models.Level
	cell  cellKey
	reg   float64
	src   source
}

// catalog entries of the indicators written.
var catalog = models.DefaultCatalog()

func indicator(id string) models.Indicator {
	ind, ok := catalog.Get(id)
	if !ok {
		panic("dse: indicator " + id + " is not in the catalog")
	}
	return ind
}

// put appends a value of indicator id for unit u, judged by cube.Assess.
// An adjusted indicator of an event without any source record (a snapshot
// without that source) is not written: it would be empty everywhere.
func (w *writer) put(id string, u unitKey, level models.Level, breakdown string, e est, num, den float64) {
	for _, ev := range eventsOf(id) {
		if !w.hasSource[ev] {
			return
		}
	}
	ind := indicator(id)
	v := cube.Value{Version: w.version, Indicator: id, Division: u.div, Level: level, PeriodType: u.ptype, Period: u.period,
		Breakdown: breakdown, Value: e.v, Lower: e.lo, Upper: e.hi, Numerator: num, Denominator: den}
	if math.IsNaN(e.v) {
		v.Flag = cube.FlagEmpty
	}
	cube.Assess(ind, &v)
	w.values = append(w.values, v)
}

var nan = est{math.NaN(), math.NaN(), math.NaN()}

// completeness writes the completeness values of every unit and period
// with source records: m/n2 × 100 with its Wilson interval, the total and,
// down to the age level, by sex and (deaths) by age group.
func (w *writer) completeness(s *strata, id string) {
	for u, cells := range s.cells {
		level, err := models.LevelOfCode(u.div)
		if err != nil {
			continue
		}
		for c, n := range cells {
			if n.Source == 0 {
				continue
			}
			var breakdown string
			switch {
			case c == allCell:
			case level > w.level:
				continue
			case c.grp == -1:
				breakdown = fmt.Sprintf("sex=%d", c.sex)
			case c.sex == 0:
				breakdown = "age=" + AgeGroups[c.grp].Label
			default:
				continue
			}
			lo, hi := cube.Wilson(n.Matched, n.Source)
			w.put(id, u, level, breakdown, est{100 * n.Matched / n.Source, 100 * lo, 100 * hi}, n.Matched, n.Source)
		}
	}
}

// compute derives every value.
func (w *writer) compute(ctx context.Context, conn *sql.Conn) error {
	w.completeness(w.deaths, DeathCompleteness)
	w.completeness(w.births, BirthCompleteness)
	tfrInd, e0Ind := indicator("tfr"), indicator("e0")
	for _, ptype := range []string{cube.PeriodMonth, cube.PeriodQuarter, cube.PeriodYear, cube.PeriodR12} {
		ages, order, err := cube.ReadAgesWhere(ctx, conn, w.version, "level <= ? AND ptype = ?", int(w.level), ptype)
		if err != nil {
			return fmt.Errorf("dse: %w", err)
		}
		for _, k := range order {
			if err := w.unit(k, ages[k], tfrInd, e0Ind); err != nil {
				return err
			}
		}
	}
	return nil
}

// adjusted is an adjusted count: the registered count, the adjusted one
// and the relative variance of their ratio from the completeness factors.
type adjusted struct {
	reg, adj float64
	bySrc    map[srcKey]float64 // adjusted events per source stratum
	rv       map[srcKey]float64
	fallback source // the unit's all-ages factor, for a zero count
	ok       bool
}

func newAdjusted() *adjusted {
	return &adjusted{bySrc: map[srcKey]float64{}, rv: map[srcKey]float64{}, ok: true}
}

// add adds reg registered events of cell c of unit u.
func (a *adjusted) add(s *strata, u unitKey, c cellKey, reg float64) source {
	r := s.resolve(u, c)
	if reg == 0 {
		return r
	}
	if !r.ok {
		a.ok = false
		return r
	}
	a.reg += reg
	a.adj += reg * r.f
	a.bySrc[r.srcKey] += reg * r.f
	a.rv[r.srcKey] = r.rv
	return r
}

// relVar is the relative variance of adj/reg: the adjusted events of
// cells sharing a factor vary together, different factors independently.
func (a *adjusted) relVar() float64 {
	if !(a.adj > 0) {
		return a.fallback.rv
	}
	v := 0.0
	for k, n := range a.bySrc {
		v += n * n * a.rv[k]
	}
	return v / (a.adj * a.adj)
}

// factor returns adj/reg and its relative variance; for a zero count the
// unit's fallback factor. ok is false when a cell with events has no
// completeness, or a zero count no fallback.
func (a *adjusted) factor() (f, rv float64, ok bool) {
	switch {
	case !a.ok:
		return 0, 0, false
	case a.reg > 0:
		return a.adj / a.reg, a.relVar(), true
	}
	return a.fallback.f, a.fallback.rv, a.fallback.ok
}

// est returns the adjusted count with its interval (NaN when it has no
// factor).
func (a *adjusted) est() est {
	f, rv, ok := a.factor()
	if !ok {
		return nan
	}
	return adjCount(a.reg, f, rv)
}

// unit computes the adjusted values of one unit and period from its age
// counts.
func (w *writer) unit(k cube.AgeKey, a *cube.AgeCounts, tfrInd, e0Ind models.Indicator) error {
	u := unitKey{k.Division, k.PeriodType, k.Period}
	var py float64
	for s := 0; s < 3; s++ {
		for x := 0; x <= cube.MaxAge; x++ {
			py += a.PY[s][x]
		}
	}
	// Deaths by sex and age group; deaths of an unknown sex take the
	// both-sexes factor of their age group.
	deaths, infant := newAdjusted(), newAdjusted()
	deaths.fallback = w.deaths.resolve(u, allCell)
	infant.fallback = w.deaths.resolve(u, cellKey{0, 0})
	var cellFactor [3][4]source
	for s := 0; s < 3; s++ {
		for g := range AgeGroups {
			var reg float64
			for x := AgeGroups[g].Lo; x <= AgeGroups[g].Hi; x++ {
				reg += a.Deaths[s][x]
			}
			c := cellKey{int8(s), int8(g)}
			r := deaths.add(w.deaths, u, c, reg)
			if g == 0 {
				infant.add(w.deaths, u, c, reg)
			}
			cellFactor[s][g] = r
			if s > 0 && w.hasSource[EventDeath] {
				w.factors = append(w.factors, factorRow{EventDeath, u, k.Level, c, reg, r})
			}
		}
	}
	// Births by sex (from the register's strata), unknown sex with the
	// both-sexes factor.
	births := newAdjusted()
	births.fallback = w.births.resolve(u, allCell)
	var bm, bf, ball float64
	if cells := w.births.cells[u]; cells != nil {
		if n := cells[cellKey{1, -1}]; n != nil {
			bm = n.Register
		}
		if n := cells[cellKey{2, -1}]; n != nil {
			bf = n.Register
		}
		if n := cells[allCell]; n != nil {
			ball = n.Register
		}
	}
	for _, b := range []struct {
		sex int8
		n   float64
	}{{1, bm}, {2, bf}, {0, ball - bm - bf}} {
		c := cellKey{b.sex, -1}
		r := births.add(w.births, u, c, b.n)
		if b.sex > 0 && w.hasSource[EventBirth] {
			w.factors = append(w.factors, factorRow{EventBirth, u, k.Level, c, b.n, r})
		}
	}
	de, be, ie := deaths.est(), births.est(), infant.est()
	w.put("deaths_adj", u, k.Level, "", de, deaths.reg, completenessOf(deaths))
	w.put("births_adj", u, k.Level, "", be, births.reg, completenessOf(births))
	if py > 0 {
		w.put("cdr_adj", u, k.Level, "", de.scale(1000/py), de.v, py)
		w.put("cbr_adj", u, k.Level, "", be.scale(1000/py), be.v, py)
	} else {
		w.put("cdr_adj", u, k.Level, "", nan, de.v, py)
		w.put("cbr_adj", u, k.Level, "", nan, be.v, py)
	}
	// IMR: the registered proportion's Wilson interval (the base's
	// method) scaled by the ratio of the infant deaths' and births'
	// factors, widened by both factors' variances.
	ime := nan
	fi, rvi, oki := infant.factor()
	fb, rvb, okb := births.factor()
	if oki && okb && births.reg > 0 {
		lo, hi := cube.Wilson(infant.reg, births.reg)
		ime = widen(est{infant.reg / births.reg, lo, hi}, fi/fb, rvi+rvb).scale(1000)
	}
	w.put("imr_adj", u, k.Level, "", ime, ie.v, be.v)
	// TFR: the registered TFR and its interval scaled by the births'
	// factor (the certificates do not give the mother's age).
	tfrs, err := cube.Methods(tfrInd, a)
	if err != nil {
		return fmt.Errorf("dse: %w", err)
	}
	tfr := tfrs[0]
	te := nan
	if !math.IsNaN(tfr.Value) && okb {
		te = widen(est{tfr.Value, tfr.Lower, tfr.Upper}, fb, rvb)
	}
	w.put("tfr_adj", u, k.Level, "", te, be.v, tfr.Denominator)
	if k.PeriodType != cube.PeriodMonth {
		return w.e0(u, k.Level, a, cellFactor, e0Ind)
	}
	return nil
}

// completenessOf is registered / adjusted, the overall completeness of an
// adjusted count (the denominator of the *_adj count values).
func completenessOf(a *adjusted) float64 {
	if !a.ok || !(a.adj > 0) {
		return math.NaN()
	}
	return a.reg / a.adj
}

// e0 writes e0_adj (total and by sex) of one unit and period: the cube's
// life table (cube.Methods) of the deaths scaled by the factor of their
// sex and age group. Its interval adds to Chiang's variance (computed on
// the registered number of deaths: the events observed) the variance of
// e0 over Draws simulated sets of factors, each factor drawn log-normal
// with its relative variance (cells sharing a factor draw it together).
func (w *writer) e0(u unitKey, level models.Level, a *cube.AgeCounts, fac [3][4]source, e0Ind models.Indicator) error {
	adj := *a
	ok := true
	for s := 0; s < 3; s++ {
		for x := 0; x <= cube.MaxAge; x++ {
			if a.Deaths[s][x] == 0 {
				continue
			}
			r := fac[s][ageGroup(x)]
			if !r.ok {
				ok = false
			}
			adj.Deaths[s][x] = a.Deaths[s][x] * r.f
		}
	}
	vals, err := cube.Methods(e0Ind, &adj)
	if err != nil {
		return fmt.Errorf("dse: %w", err)
	}
	breakdowns := [][]int{{0, 1, 2}, {1}, {2}}
	cse := completenessSE(a, fac, breakdowns)
	for i, v := range vals {
		e := nan
		if ok && !math.IsNaN(v.Value) {
			var dReg, dAdj float64
			for _, s := range breakdowns[i] {
				for x := 0; x <= cube.MaxAge; x++ {
					dReg += a.Deaths[s][x]
					dAdj += adj.Deaths[s][x]
				}
			}
			se := (v.Upper - v.Value) / z95 * math.Sqrt(dAdj/dReg)
			se = math.Hypot(se, cse[i])
			e = est{v.Value, v.Value - z95*se, v.Value + z95*se}
		}
		w.put("e0_adj", u, level, v.Breakdown, e, v.Numerator, v.Denominator)
	}
	return nil
}

// completenessSE returns, for each breakdown (the sexes it sums), the
// standard error of e0 from the completeness factors by the delta method:
// e0's derivative with respect to the log of each factor (numerically,
// all the cells sharing the factor moved together) times the factor's
// relative variance, summed over the independent factors.
func completenessSE(a *cube.AgeCounts, fac [3][4]source, breakdowns [][]int) []float64 {
	const h = 1e-4
	var srcs []srcKey
	seen := map[srcKey]bool{}
	rv := map[srcKey]float64{}
	for s := range fac {
		for g := range fac[s] {
			if r := fac[s][g]; r.ok && !seen[r.srcKey] {
				seen[r.srcKey] = true
				srcs = append(srcs, r.srcKey)
				rv[r.srcKey] = r.rv
			}
		}
	}
	d := make([]float64, cube.MaxAge+1)
	p := make([]float64, cube.MaxAge+1)
	lifeExp := func(sexes []int, moved srcKey, step float64) float64 {
		clear(d)
		clear(p)
		for _, s := range sexes {
			for x := 0; x <= cube.MaxAge; x++ {
				p[x] += a.PY[s][x]
				f := fac[s][ageGroup(x)]
				if a.Deaths[s][x] == 0 || !f.ok {
					continue
				}
				k := f.f
				if f.srcKey == moved {
					k *= math.Exp(step)
				}
				d[x] += a.Deaths[s][x] * k
			}
		}
		e0, _ := cube.LifeExpectancy(d, p)
		return e0
	}
	out := make([]float64, len(breakdowns))
	for b, sexes := range breakdowns {
		e0 := lifeExp(sexes, srcKey{}, 0)
		v := 0.0
		for _, k := range srcs {
			g := (lifeExp(sexes, k, h) - e0) / h
			if !math.IsNaN(g) {
				v += g * g * rv[k]
			}
		}
		out[b] = math.Sqrt(v)
	}
	return out
}

// save replaces the version's values and factors.
func (w *writer) save(ctx context.Context, conn *sql.Conn) error {
	if err := deleteVersion(ctx, conn, w.version); err != nil {
		return err
	}
	err := conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "cube", "values")
		if err != nil {
			return err
		}
		for _, v := range w.values {
			if err := app.AppendRow(w.version, v.Indicator, v.Division, int8(v.Level), v.PeriodType, v.Period, v.Breakdown,
				null(v.Value), null(v.Lower), null(v.Upper), null(v.Numerator), null(v.Denominator), v.Flag); err != nil {
				app.Close()
				return err
			}
		}
		if err := app.Close(); err != nil {
			return err
		}
		app, err = duckdb.NewAppender(dc.(driver.Conn), "", "dse", "factors")
		if err != nil {
			return err
		}
		for _, f := range w.factors {
			s, t := w.deaths, f.src
			if f.event == EventBirth {
				s = w.births
			}
			var srcDiv, srcAge any
			var srcSex any
			var n Counts
			if t.ok {
				srcDiv, srcSex, srcAge = t.div, t.sex, groupLabel(t.grp)
				n = *s.cells[t.unitKey][t.cellKey]
			}
			if err := app.AppendRow(w.version, f.event, f.unit.div, int8(f.level), f.unit.ptype, f.unit.period, f.cell.sex, groupLabel(f.cell.grp),
				f.reg, srcDiv, srcSex, srcAge, n.Register, n.Source, n.Matched, null(t.f), null(t.rv)); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		return fmt.Errorf("dse: write version %d: %w", w.version, err)
	}
	return nil
}

// deleteVersion deletes what Run wrote for version: its values in
// cube.values and its rows of FactorsTable.
func deleteVersion(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, version int64) error {
	ids := make([]string, 0, 2+len(Adjusted))
	for _, id := range append([]string{DeathCompleteness, BirthCompleteness}, Adjusted...) {
		ids = append(ids, store.Quote(id))
	}
	for _, q := range []string{`DELETE FROM cube.values WHERE version = ? AND indicator IN (` + strings.Join(ids, ", ") + `)`,
		`DELETE FROM ` + FactorsTable + ` WHERE version = ?`} {
		if _, err := db.ExecContext(ctx, q, version); err != nil {
			return fmt.Errorf("dse: clear version %d: %w", version, err)
		}
	}
	return nil
}

// Drop removes what Run wrote for version (pipeline.Drop).
func Drop(ctx context.Context, st *store.Store, version int64) error {
	if err := cube.EnsureSchema(ctx, st); err != nil {
		return fmt.Errorf("dse: drop version %d: %w", version, err)
	}
	if _, err := st.DB().ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("dse: create schema: %w", err)
	}
	return deleteVersion(ctx, st.DB(), version)
}

// groupLabel is the label of an age group index ("" for all ages).
func groupLabel(g int8) string {
	if g < 0 {
		return ""
	}
	return AgeGroups[g].Label
}

// null maps NaN to NULL.
func null(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}
