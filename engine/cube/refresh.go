package cube

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/padis/padis/engine/store"
	"time"
)

// Refresh builds the cube of version incrementally from the cube of the
// latest earlier version of the same scope built with the same options:
// only the village-months whose input fingerprint changed (spells clipped
// to the month with the attributes the measures read, and the month's
// events) are recomputed from the person-months; the others are copied,
// and the age rows of a county-month are recomputed when any of its
// villages changed. The roll-up over levels and periods and the indicator
// values are then recomputed from the merged base, which is cheap. With no
// earlier cube, or with opts.Full, it is a full Build.
func Refresh(ctx context.Context, st *store.Store, version int64, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	if opts.Full {
		return build(ctx, st, version, opts, nil)
	}
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("cube refresh: %w", err)
	}
	var base int64
	err = st.DB().QueryRowContext(ctx, `SELECT version FROM cube.runs WHERE scope = ? AND version <> ? AND as_of <= ? AND age_level = ?
		ORDER BY as_of DESC, version DESC LIMIT 1`, v.Scope, version, v.AsOf, int(opts.AgeLevel)).Scan(&base)
	if errors.Is(err, sql.ErrNoRows) || (err != nil && isMissingTable(err)) {
		return build(ctx, st, version, opts, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("cube refresh of version %d: find the previous cube: %w", version, err)
	}
	return build(ctx, st, version, opts, &incremental{base: base, ageLen: opts.AgeLevel.CodeLen()})
}

// incremental is the state of an incremental build.
type incremental struct {
	base        int64 // version whose cube is reused
	ageLen      int
	mostChanged bool // more than maxChangedShare of the village-months changed: build in full
	agesInFull  bool // more than maxChangedShare of the age units' months changed: recompute the age table in full
}

// ageFilters clears the placeholders restricting the age table to the
// changed units when most of them changed (with diffuse changes every
// county has a changed village in most months, and the filter costs more
// than it saves).
func (inc *incremental) ageFilters(vars map[string]string) {
	if inc.agesInFull {
		vars["am_filter_pm"], vars["am_filter_births"] = "", ""
	}
}

// filters sets the placeholders restricting the fact queries to the
// changed village-months (and the changed units of the age table).
func (inc *incremental) filters(vars map[string]string) {
	vars["vm_filter_pm"] = "SEMI JOIN cube_changed c ON c.c_village = cube_pm.place AND c.c_mi = cube_pm.mi"
	vars["vm_filter_births"] = "SEMI JOIN cube_changed c ON c.c_village = cube_births.place AND c.c_mi = cube_births.mi"
	vars["vm_filter_events"] = "SEMI JOIN cube_changed c ON c.c_village = ev.place AND c.c_mi = ev.mi"
	vars["am_filter_pm"] = fmt.Sprintf("SEMI JOIN cube_changed_units u ON u.c_unit = left(cube_pm.place, %d) AND u.c_mi = cube_pm.mi", inc.ageLen)
	vars["am_filter_births"] = fmt.Sprintf("SEMI JOIN cube_changed_units u ON u.c_unit = left(cube_births.place, %d) AND u.c_mi = cube_births.mi", inc.ageLen)
}

// diff computes cube_changed and cube_changed_units after the
// fingerprints of the new version exist.
func (inc *incremental) diff(ctx context.Context, conn *sql.Conn, res *Result) error {
	s := time.Now()
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE cube_changed AS
SELECT f.village AS c_village, f.mi AS c_mi FROM cube_fp f
ANTI JOIN (SELECT village, mi, fp FROM cube.base WHERE version = %d) b ON b.village = f.village AND b.mi = f.mi AND b.fp = f.fp;
CREATE OR REPLACE TEMP TABLE cube_changed_units AS
SELECT DISTINCT left(c_village, %d) AS c_unit, c_mi FROM cube_changed;`, inc.base, inc.ageLen)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("cube refresh: compare fingerprints with version %d: %w", inc.base, err)
	}
	var months int
	var changed, all int64
	if err := conn.QueryRowContext(ctx, `SELECT count(DISTINCT c_mi), count(DISTINCT c_village), count(*), (SELECT count(*) FROM cube_fp) FROM cube_changed`).Scan(&months, &res.VillagesChanged, &changed, &all); err != nil {
		return fmt.Errorf("cube refresh: %w", err)
	}
	res.Mode, res.BaseVersion, res.MonthsRecomputed = "incremental", inc.base, months
	inc.mostChanged = float64(changed) > maxChangedShare*float64(all)
	var units, allUnits int64
	if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT (SELECT count(*) FROM cube_changed_units),
		(SELECT count(*) FROM (SELECT DISTINCT left(village, %d), mi FROM cube_fp))`, inc.ageLen)).Scan(&units, &allUnits); err != nil {
		return fmt.Errorf("cube refresh: %w", err)
	}
	inc.agesInFull = float64(units) > maxAgeChangedShare*float64(allUnits)
	res.step("diff", s)
	return nil
}

// maxChangedShare is the share of changed village-months above which a
// refresh computes everything as a full build does: filtering the facts
// to the changed village-months and copying the others then costs more
// than it saves (measured: a generated successor snapshot that changed
// every village took 1.5× the CPU of a full build as a refresh).
const maxChangedShare = 0.5

// maxAgeChangedShare is the share of changed (age unit, month) pairs above
// which the age table is recomputed in full (a variable for the tests).
var maxAgeChangedShare = maxChangedShare

// merge adds the unchanged village-months and age rows of the base
// version to cube_vm and cube_am.
func (inc *incremental) merge(ctx context.Context, conn *sql.Conn, res *Result) error {
	s := time.Now()
	q := fmt.Sprintf(`INSERT INTO cube_vm BY NAME
SELECT b.* EXCLUDE (version, fp) FROM cube.base b
SEMI JOIN cube_fp f ON f.village = b.village AND f.mi = b.mi
ANTI JOIN cube_changed c ON c.c_village = b.village AND c.c_mi = b.mi
WHERE b.version = %[1]d;`, inc.base)
	if !inc.agesInFull {
		q += fmt.Sprintf(`
INSERT INTO cube_am BY NAME
SELECT a.division AS unit, p.mi, a.sex, a.age, a.pop, a.py, a.deaths, a.births
FROM cube.age a JOIN cube_pmap p ON p.ptype = 'month' AND p.period = a.period
ANTI JOIN cube_changed_units u ON u.c_unit = a.division AND u.c_mi = p.mi
WHERE a.version = %[1]d AND a.ptype = 'month' AND a.level = %[2]d;`, inc.base, levelOfLen(inc.ageLen))
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("cube refresh: copy unchanged rows of version %d: %w", inc.base, err)
	}
	res.step("copy unchanged", s)
	return nil
}

func levelOfLen(n int) int {
	for _, l := range levelLens {
		if l.len == n {
			return int(l.level)
		}
	}
	return -1
}

func isMissingTable(err error) bool {
	return err != nil && (containsFold(err.Error(), "does not exist") || containsFold(err.Error(), "not found"))
}
