package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// ErrNotComputed is returned when no quality run covers a request.
var ErrNotComputed = errors.New("quality measures not computed")

// read returns the measures of the rows of quality.measures matching
// where (over alias m), ordered by as-of, level and division.
func read(ctx context.Context, st *store.Store, where string, args ...any) ([]*Measures, error) {
	if err := migrate(ctx, st.DB()); err != nil {
		return nil, err
	}
	cols := outColumns()
	q := `SELECT m.division, m.level, m.` + strings.Join(cols, ", m.") + `, m.version, r.linkage, r.min_heaping_pop, r.period
FROM quality.measures m JOIN quality.runs r USING (version) WHERE ` + where + ` ORDER BY r.as_of, m.version, m.level, m.division`
	rows, err := st.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("quality measures: %w", err)
	}
	defer rows.Close()
	var out []*Measures
	for rows.Next() {
		var version int64
		var linkage bool
		var minPop int
		var period string
		u, err := scanUnit(rows, cols, &version, &linkage, &minPop, &period)
		if err != nil {
			return nil, fmt.Errorf("quality measures: %w", err)
		}
		m := measuresOf(u.r, linkage, minPop)
		m.Version, m.Division, m.Level, m.Period = version, u.division, u.level, period
		out = append(out, m)
	}
	return out, rows.Err()
}

func normalize(divisions []string) ([]string, error) {
	out := make([]string, len(divisions))
	for i, d := range divisions {
		c, err := models.NormalizeCode(d)
		if err != nil || c == models.NationCode {
			return nil, fmt.Errorf("quality: division %q: not a province to village code", d)
		}
		out[i] = c
	}
	return out, nil
}

// Read returns the measures and score of each division (any form
// models.NormalizeCode accepts) in version, in the order given; a unit
// without person records is left out.
func Read(ctx context.Context, st *store.Store, version int64, divisions []string) ([]*Measures, error) {
	codes, err := normalize(divisions)
	if err != nil {
		return nil, err
	}
	all, err := read(ctx, st, `m.version = ? AND list_contains(string_split(?, ','), m.division)`, version, strings.Join(codes, ","))
	if err != nil {
		return nil, err
	}
	by := map[string]*Measures{}
	for _, m := range all {
		by[m.Division] = m
	}
	var out []*Measures
	for _, c := range codes {
		if m, ok := by[c]; ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// Units returns the measures of every unit at level within the division
// prefix within ("" for all) in version, ordered by code.
func Units(ctx context.Context, st *store.Store, version int64, within string, level models.Level) ([]*Measures, error) {
	if within != "" {
		codes, err := normalize([]string{within})
		if err != nil {
			return nil, err
		}
		within = codes[0]
	}
	return read(ctx, st, `m.version = ? AND m.level = ? AND starts_with(m.division, ?)`, version, int(level), within)
}

// Run is one computed version (a row of quality.runs).
type RunInfo struct {
	Version    int64     `json:"version"`
	Scope      string    `json:"scope"`
	AsOf       time.Time `json:"as_of"`
	Period     string    `json:"period"`
	Units      int64     `json:"units"`
	Records    int64     `json:"records"`
	Unplaced   int64     `json:"unplaced"`
	Linkage    bool      `json:"linkage"`
	CubeValues int64     `json:"cube_values"`
}

// Runs returns the computed versions of scope ("" for all), newest as-of
// first.
func Runs(ctx context.Context, st *store.Store, scope string) ([]RunInfo, error) {
	if err := migrate(ctx, st.DB()); err != nil {
		return nil, err
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT version, scope, as_of, period, units, records, unplaced, linkage, cube_values
FROM quality.runs WHERE ? = '' OR scope = ? ORDER BY as_of DESC, version DESC`, scope, scope)
	if err != nil {
		return nil, fmt.Errorf("quality runs: %w", err)
	}
	defer rows.Close()
	var out []RunInfo
	for rows.Next() {
		var r RunInfo
		if err := rows.Scan(&r.Version, &r.Scope, &r.AsOf, &r.Period, &r.Units, &r.Records, &r.Unplaced, &r.Linkage, &r.CubeValues); err != nil {
			return nil, fmt.Errorf("quality runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// VersionFor returns the newest computed version holding division whose
// as-of month is period (YYYY-MM) or, for a quarter or year (YYYY-Qn,
// YYYY), the newest within it; "" means the newest of all.
func VersionFor(ctx context.Context, st *store.Store, division, period string) (int64, error) {
	codes, err := normalize([]string{division})
	if err != nil {
		return 0, err
	}
	if err := migrate(ctx, st.DB()); err != nil {
		return 0, err
	}
	lo, hi := "0000-00", "9999-99"
	switch {
	case period == "":
	case len(period) == 4:
		lo, hi = period+"-01", period+"-12"
	case len(period) == 7 && period[4] == '-' && period[5] == 'Q':
		q := int(period[6] - '0')
		if q < 1 || q > 4 {
			return 0, fmt.Errorf("quality: period %q", period)
		}
		lo, hi = fmt.Sprintf("%s-%02d", period[:4], 3*q-2), fmt.Sprintf("%s-%02d", period[:4], 3*q)
	case len(period) == 7:
		lo, hi = period, period
	default:
		return 0, fmt.Errorf("quality: period %q, want YYYY-MM, YYYY-Qn or YYYY", period)
	}
	var v int64
	err = st.DB().QueryRowContext(ctx, `SELECT r.version FROM quality.runs r SEMI JOIN quality.measures m ON m.version = r.version AND m.division = ?
WHERE r.period BETWEEN ? AND ? ORDER BY r.as_of DESC, r.version DESC LIMIT 1`, codes[0], lo, hi).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("quality of %s %s: %w", codes[0], period, ErrNotComputed)
	}
	if err != nil {
		return 0, fmt.Errorf("quality: %w", err)
	}
	return v, nil
}

// Point is one version of a unit's score series.
type Point struct {
	Version  int64     `json:"version"`
	AsOf     time.Time `json:"as_of"`
	Period   string    `json:"period"`
	Score    float64   `json:"-"` // NaN when the unit has no component
	ScoreJS  *float64  `json:"score"`
	Change   *float64  `json:"change"` // from the previous point; nil for the first
	Measures *Measures `json:"measures"`
}

// Series returns division's measures and score in every computed version
// of scope, oldest as-of first, with the score's change from one version
// to the next (the trend).
func Series(ctx context.Context, st *store.Store, scope, division string) ([]Point, error) {
	codes, err := normalize([]string{division})
	if err != nil {
		return nil, err
	}
	ms, err := read(ctx, st, `m.division = ? AND r.scope = ?`, codes[0], scope)
	if err != nil {
		return nil, err
	}
	runs, err := Runs(ctx, st, scope)
	if err != nil {
		return nil, err
	}
	asOf := map[int64]time.Time{}
	for _, r := range runs {
		asOf[r.Version] = r.AsOf
	}
	out := make([]Point, len(ms))
	for i, m := range ms {
		out[i] = Point{Version: m.Version, AsOf: asOf[m.Version], Period: m.Period, Score: m.Score.Value, ScoreJS: finite(m.Score.Value), Measures: m}
		if i > 0 {
			out[i].Change = finite(m.Score.Value - out[i-1].Score)
		}
	}
	return out, nil
}

// LagDistribution returns the registration-lag distribution of division's
// events in version.
func LagDistribution(ctx context.Context, st *store.Store, version int64, division string) (Lags, error) {
	ms, err := Read(ctx, st, version, []string{division})
	if err != nil {
		return Lags{}, err
	}
	if len(ms) == 0 {
		return Lags{}, fmt.Errorf("quality of %s in version %d: %w", division, version, ErrNotComputed)
	}
	return ms[0].Lags, nil
}
