package cube

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/padis/padis/engine/cpuclock"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

//go:embed refresh.sql
var refreshSQL string

// Refresh builds the cube of version from the cube of the latest earlier
// version of the same scope (the base), recomputing only what changed:
//
//   - each person's inputs (the person's record as the cube reads it and
//     the person's events) are hashed and compared with the base's hashes
//     (cube.persons); the facts of the changed persons and of the other
//     members of their households are computed in both versions, for the
//     base's months, and their difference added to the base's cube at
//     every unit and period above a changed village-month;
//   - the months the base does not have are computed in full, and the
//     periods they complete summed from their months;
//   - the indicator values of the units and periods that changed are
//     recomputed, the others copied.
//
// The result equals a full Build. Refresh builds in full (Result.Reason
// says why) when there is no base built with the same options, catalog
// and code, when the base's tables are gone from the store, when its
// period starts on another date or ends mid-month, or when more than
// maxChangedShare of the persons would be recomputed; and with opts.Full.
func Refresh(ctx context.Context, st *store.Store, version int64, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	if opts.Full {
		return build(ctx, st, version, opts, nil, "")
	}
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("cube refresh: %w", err)
	}
	base, reason, err := findBase(ctx, st, v, opts)
	if err != nil {
		return nil, fmt.Errorf("cube refresh of version %d: %w", version, err)
	}
	if base == nil {
		return build(ctx, st, version, opts, nil, reason)
	}
	return build(ctx, st, version, opts, &incremental{base: base}, "")
}

// findBase returns the version whose cube a refresh of v starts from, or
// nil and the reason there is none.
func findBase(ctx context.Context, st *store.Store, v *store.Version, opts Options) (*store.Version, string, error) {
	if err := migrate(ctx, st.DB()); err != nil {
		return nil, "", err
	}
	var id int64
	var sig sql.NullString
	err := st.DB().QueryRowContext(ctx, `SELECT version, signature FROM cube.runs WHERE scope = ? AND version <> ? AND as_of <= ?
		ORDER BY as_of DESC, version DESC LIMIT 1`, v.Scope, v.ID, v.AsOf).Scan(&id, &sig)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "no earlier cube of the scope", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("find the previous cube: %w", err)
	}
	if sig.String != signature(opts) {
		return nil, fmt.Sprintf("the cube of version %d was built with other options, catalog or code", id), nil
	}
	base, err := st.Version(ctx, id)
	if err != nil {
		return nil, fmt.Sprintf("version %d is no longer in the store", id), nil
	}
	if !base.PeriodStart.Equal(v.PeriodStart) {
		return nil, fmt.Sprintf("the period of version %d starts on %s", id, base.PeriodStart.Format(time.DateOnly)), nil
	}
	if !base.AsOf.Equal(v.AsOf) && base.AsOf.AddDate(0, 0, 1).Day() != 1 {
		return nil, fmt.Sprintf("version %d ends in mid-month (%s)", id, base.AsOf.Format(time.DateOnly)), nil
	}
	for _, t := range []string{models.TablePersons, models.TableEvents} {
		if _, err := st.DB().ExecContext(ctx, `SELECT 1 FROM `+st.Table(id, t)+` LIMIT 0`); err != nil {
			return nil, fmt.Sprintf("the %s of version %d are no longer in the store", t, id), nil
		}
	}
	return base, "", nil
}

// maxChangedShare is the share of the persons above which a refresh builds
// in full: the facts of the recomputed persons are computed twice (in
// both versions), so that with more than about a quarter of the persons a
// refresh costs what a full build does.
var maxChangedShare = 0.25

// incremental is the state of a refresh.
type incremental struct {
	base     *store.Version
	first    int    // the first month of both versions
	baseLast int    // the base's last month
	last     int    // the new version's last month
	reason   string // set by diff when the refresh builds in full after all
}

// diff compares the persons' hashes (cube_ph) with the base's and creates
// cube_changed (the persons whose hash differs, added and removed
// included) and cube_r (the persons to recompute: the changed ones and
// every person of their households, in either version).
func (inc *incremental) diff(b *builder, st *store.Store, v *store.Version) error {
	s, c := time.Now(), cpuclock.Process()
	np, op := st.Table(v.ID, models.TablePersons), st.Table(inc.base.ID, models.TablePersons)
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE cube_changed AS
SELECT coalesce(n.person_id, o.person_id) AS person_id FROM cube_ph n
FULL JOIN (SELECT person_id, h FROM cube.persons WHERE version = %[1]d) o ON o.person_id = n.person_id
WHERE n.h IS DISTINCT FROM o.h;
CREATE OR REPLACE TEMP TABLE cube_r AS
WITH hh AS (
	SELECT household_id FROM %[2]s WHERE person_id IN (SELECT person_id FROM cube_changed) AND household_id IS NOT NULL
	UNION
	SELECT household_id FROM %[3]s WHERE person_id IN (SELECT person_id FROM cube_changed) AND household_id IS NOT NULL
)
SELECT person_id FROM cube_changed
UNION SELECT person_id FROM %[2]s WHERE household_id IN (SELECT household_id FROM hh)
UNION SELECT person_id FROM %[3]s WHERE household_id IN (SELECT household_id FROM hh);`, inc.base.ID, np, op)
	if _, err := b.conn.ExecContext(b.ctx, q); err != nil {
		return fmt.Errorf("cube refresh: compare the persons with version %d: %w", inc.base.ID, err)
	}
	var all int64
	if err := b.conn.QueryRowContext(b.ctx, `SELECT (SELECT count(*) FROM cube_changed), (SELECT count(*) FROM cube_r), (SELECT count(*) FROM cube_ph)`).Scan(
		&b.res.PersonsChanged, &b.res.PersonsRecomputed, &all); err != nil {
		return fmt.Errorf("cube refresh: %w", err)
	}
	b.res.step("diff", s, c)
	if float64(b.res.PersonsRecomputed) > maxChangedShare*float64(all) {
		inc.reason = fmt.Sprintf("%d of %d persons to recompute (more than %g of them)", b.res.PersonsRecomputed, all, maxChangedShare)
		return nil
	}
	b.res.Mode, b.res.BaseVersion = "incremental", inc.base.ID
	inc.first, inc.baseLast, inc.last = monthIndex(v.PeriodStart), monthIndex(inc.base.AsOf), monthIndex(v.AsOf)
	return nil
}

// facts computes, with facts.sql, cube_vm_r and cube_am_r (the
// recomputed persons in v, the base's months), cube_vm_next and
// cube_am_next (everyone in the months the base lacks) and cube_vm_old
// and cube_am_old (the recomputed persons in the base). all are the
// placeholders of a full build of v.
func (inc *incremental) facts(b *builder, st *store.Store, v *store.Version, vars, all map[string]string) error {
	first, last := inc.first, inc.last
	pe, basePE := v.AsOf.AddDate(0, 0, 1), inc.base.AsOf.AddDate(0, 0, 1)
	persons, events := st.Table(v.ID, models.TablePersons), st.Table(v.ID, models.TableEvents)
	keep := func(suffix string) error {
		return b.exec("keep "+suffix, fmt.Sprintf(`DROP TABLE IF EXISTS cube_vm_%[1]s; DROP TABLE IF EXISTS cube_am_%[1]s;
			ALTER TABLE cube_vm RENAME TO cube_vm_%[1]s; ALTER TABLE cube_am RENAME TO cube_am_%[1]s;`, suffix))
	}
	if err := b.sections(factsSQL, "", all, "spells"); err != nil {
		return err
	}
	changed := factsVars(vars, facts{persons: persons, events: events, dups: "cube_dups", pe: pe, miFrom: first, miTo: inc.baseLast, evFrom: v.PeriodStart, evTo: basePE, only: true})
	if err := b.sections(factsSQL, "changed: ", changed, factSections[1:]...); err != nil {
		return err
	}
	if err := keep("r"); err != nil {
		return err
	}
	if last > inc.baseLast {
		next := factsVars(vars, facts{persons: persons, events: events, dups: "cube_dups", pe: pe, miFrom: inc.baseLast + 1, miTo: last, evFrom: basePE, evTo: pe})
		if err := b.sections(factsSQL, "new months: ", next, factSections[1:]...); err != nil {
			return err
		}
	} else if err := b.exec("new months: none", `CREATE OR REPLACE TEMP TABLE cube_vm AS SELECT * FROM cube_vm_r LIMIT 0;
		CREATE OR REPLACE TEMP TABLE cube_am AS SELECT * FROM cube_am_r LIMIT 0;`); err != nil {
		return err
	}
	if err := keep("next"); err != nil {
		return err
	}
	oldEvents := st.Table(inc.base.ID, models.TableEvents)
	// The base's cube_people holds the recomputed persons and the mothers
	// of their births (births read the mother's age).
	if err := b.exec("base: persons", `CREATE OR REPLACE TEMP TABLE cube_rp AS SELECT person_id FROM cube_r
		UNION SELECT mother_person_id FROM `+oldEvents+` WHERE event_type = 'birth' AND person_id IN (SELECT person_id FROM cube_r) AND mother_person_id IS NOT NULL`); err != nil {
		return err
	}
	// The base's duplicate cards are those its cube left out, whatever the
	// verdicts given since.
	if err := b.exec("base: duplicate cards", dupsSQL("cube_dups_base",
		fmt.Sprintf(`SELECT person_id, kept, kind FROM %s WHERE version = %d`, DuplicatesTable, inc.base.ID), oldEvents)); err != nil {
		return err
	}
	old := factsVars(vars, facts{persons: st.Table(inc.base.ID, models.TablePersons), events: oldEvents, dups: "cube_dups_base", pe: basePE,
		miFrom: first, miTo: inc.baseLast, evFrom: v.PeriodStart, evTo: basePE, only: true})
	if err := b.sections(factsSQL, "base: ", old, append([]string{"people"}, factSections...)...); err != nil {
		return err
	}
	return keep("old")
}

// rollup writes the measures, ages and villages of the new version with
// refresh.sql and rollup.sql, and the values of the units and periods
// that did not change; it returns the table of the units and periods
// whose values must be computed, or "" when most must (then all are).
func (inc *incremental) rollup(b *builder, vars map[string]string, opts Options) (string, error) {
	if err := b.exec("base periods", periodsSQL("cube_pmap_base", inc.first, inc.baseLast)+`;
		CREATE OR REPLACE TEMP TABLE cube_newp AS
		SELECT DISTINCT ptype, period FROM cube_pmap EXCEPT SELECT DISTINCT ptype, period FROM cube_pmap_base;
		CREATE OR REPLACE TEMP TABLE cube_months_base AS SELECT * FROM cube_months WHERE mi <= `+fmt.Sprint(inc.baseLast)+`;
		CREATE OR REPLACE TEMP TABLE cube_dp AS SELECT * FROM cube.measures LIMIT 0;`); err != nil {
		return "", err
	}
	var own []string
	for _, ind := range opts.Catalog.All() {
		if ind.Kind != models.KindStored {
			own = append(own, store.Quote(ind.ID))
		}
	}
	rv := maps.Clone(vars)
	rv["base"] = fmt.Sprint(inc.base.ID)
	rv["span"] = fmt.Sprint(newPeriodsStart(inc.first, inc.baseLast, inc.last))
	rv["neg_cols"] = rollupCols("-%[1]s AS %[1]s", "-%[1]s AS %[1]s")
	rv["nonzero"] = strings.ReplaceAll(rollupCols("sum(%[1]s) <> 0", "sum(%[1]s) <> 0"), ", ", " OR ")
	rv["nonzero_row"] = strings.ReplaceAll(rollupCols("%[1]s <> 0", "%[1]s <> 0"), ", ", " OR ")
	rv["add_cols"] = addCols()
	rv["canon"] = canonCols()
	rv["own_indicators"] = strings.Join(own, ", ")
	// The differences and the new months at every level, the units, and
	// the differences of the base's periods rolled up like a build's.
	if err := b.sections(refreshSQL, "", rv, "deltas"); err != nil {
		return "", err
	}
	for _, r := range []struct{ prefix, vm, lm, am, la string }{
		{"deltas: ", "cube_dvm", "cube_dlm", "cube_dam", "cube_dal"},
		{"new months: ", "cube_vm_next", "cube_nlm", "cube_am_next", "cube_nal"},
	} {
		rv["vm"], rv["lm"], rv["am"], rv["la"] = r.vm, r.lm, r.am, r.la
		if err := b.sections(rollupSQL, r.prefix, rv, "level months", "level ages"); err != nil {
			return "", err
		}
	}
	if err := b.sections(refreshSQL, "", rv, "units"); err != nil {
		return "", err
	}
	rv["lm"], rv["dm"], rv["months"], rv["pmap"], rv["measures_out"] = "cube_dlm", "cube_ddm", "cube_months_base", "cube_pmap_base", "cube_dp"
	if err := b.sections(rollupSQL, "deltas: ", rv, "dense months", "rollup measures"); err != nil {
		return "", err
	}
	if err := b.sections(refreshSQL, "", rv, "delta periods", "measures", "ages", "villages", "affected"); err != nil {
		return "", err
	}
	if err := b.conn.QueryRowContext(b.ctx, `SELECT count(DISTINCT mi), count(DISTINCT village) FROM cube_dvm`).Scan(&b.res.MonthsRecomputed, &b.res.VillagesChanged); err != nil {
		return "", fmt.Errorf("cube refresh: %w", err)
	}
	b.res.MonthsRecomputed += inc.last - inc.baseLast
	// With diffuse changes every county changes in almost every period:
	// computing all the values is then cheaper than selecting and copying.
	var affected, all int64
	if err := b.conn.QueryRowContext(b.ctx, `SELECT (SELECT count(*) FROM cube_ak WHERE level <= ?),
		(SELECT count(*) FROM cube.measures WHERE version = ? AND level <= ?)`, int(opts.ValueLevel), b.version, int(opts.ValueLevel)).Scan(&affected, &all); err != nil {
		return "", fmt.Errorf("cube refresh: %w", err)
	}
	if float64(affected) > maxValuesShare*float64(all) {
		return "", nil
	}
	return "cube_ak", b.sections(refreshSQL, "", rv, "copy values")
}

// maxValuesShare is the share of the units and periods with values above
// which a refresh computes every value instead of copying the unchanged.
var maxValuesShare = 0.5

// addCols is the select list adding the differences k to the base's rows
// o of cube.measures (either may be missing), person-years rounded to a
// multiple of 1/365.25 where they change.
func addCols() string {
	parts := make([]string, len(models.Measures))
	for i, m := range models.Measures {
		id := measureIdent(m.ID)
		if exposureMeasures[m.ID] {
			parts[i] = fmt.Sprintf("CASE WHEN k.division IS NULL THEN o.%[1]s ELSE round((coalesce(o.%[1]s, 0) + k.%[1]s) * 365.25) / 365.25 END AS %[1]s", id)
		} else {
			parts[i] = fmt.Sprintf("coalesce(o.%[1]s, 0) + coalesce(k.%[1]s, 0) AS %[1]s", id)
		}
	}
	return strings.Join(parts, ", ")
}

// newPeriodsStart returns the first month of the periods of first…last
// that first…baseLast does not have (last + 1 when there are none).
func newPeriodsStart(first, baseLast, last int) int {
	type key struct{ ptype, period string }
	had := map[key]bool{}
	for _, p := range periodMap(first, baseLast) {
		had[key{p.ptype, p.period}] = true
	}
	start := last + 1
	for _, p := range periodMap(first, last) {
		if !had[key{p.ptype, p.period}] {
			start = min(start, p.month)
		}
	}
	return start
}
