package linkage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/padis/padis/engine/store"
)

// IndicatorPrefix prefixes the worklist-size indicators: worklist_<kind>.
const IndicatorPrefix = "worklist_"

// effectiveItems is the items with their current status. A status given
// on an earlier version carries over (the item id is the same real case);
// an item marked corrected that is still present in a snapshot taken after
// the correction is open again (reopened).
const effectiveItems = `SELECT i.*, r.as_of,
	s.status IS NOT NULL AND s.status = 'corrected' AND CAST(s.set_at AS DATE) < r.as_of AS reopened,
	CASE WHEN s.status IS NULL OR (s.status = 'corrected' AND CAST(s.set_at AS DATE) < r.as_of) THEN 'open' ELSE s.status END AS status,
	s.who AS status_by, s.set_at AS status_at, s.note AS status_note
FROM linkage.items i JOIN linkage.runs r USING (version)
LEFT JOIN linkage.current_status s ON s.scope = i.scope AND s.item_id = i.item_id`

// cubeExists reports whether the cube's values table exists.
func cubeExists(ctx context.Context, conn *sql.Conn) (bool, error) {
	var n int
	err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'cube' AND table_name = 'values'`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("linkage: look up cube.values: %w", err)
	}
	return n > 0, nil
}

// writeIndicators replaces the worklist_<kind> values of version v in
// cube.values: for every unit province → village that the cube has for
// the as-of month (and every unit holding an item), value = numerator =
// outstanding items (status open or verified), denominator = all items.
// Without a cube (never built) it does nothing.
func writeIndicators(ctx context.Context, conn *sql.Conn, v *store.Version) error {
	ok, err := cubeExists(ctx, conn)
	if err != nil || !ok {
		return err
	}
	if err := dropIndicators(ctx, conn, v.ID); err != nil {
		return err
	}
	period := v.AsOf.Format("2006-01")
	kinds := make([]string, len(Kinds))
	for i, k := range Kinds {
		kinds[i] = store.Quote(k)
	}
	q := `INSERT INTO cube.values
WITH it AS (` + effectiveItems + ` WHERE i.version = $1 AND i.village IS NOT NULL),
lv AS (SELECT * FROM (VALUES (1, 2), (2, 4), (3, 6), (4, 9), (5, 12)) l(level, len)),
cv AS (
	SELECT village, kind, count(*) FILTER (WHERE status IN ('open', 'verified')) AS outstanding, count(*) AS total
	FROM it GROUP BY ALL),
c AS (
	SELECT left(village, len) AS division, level, kind, sum(outstanding) AS outstanding, sum(total) AS total
	FROM cv, lv GROUP BY ALL),
units AS (
	SELECT DISTINCT division, level FROM cube.values WHERE version = $1 AND ptype = 'month' AND period = $2 AND level BETWEEN 1 AND 5
	UNION SELECT division, level FROM c),
kinds AS (SELECT unnest([` + strings.Join(kinds, ", ") + `]) AS kind)
SELECT $1, '` + IndicatorPrefix + `' || k.kind, u.division, u.level, 'month', $2, '',
	coalesce(c.outstanding, 0), NULL, NULL, coalesce(c.outstanding, 0), coalesce(c.total, 0), ''
FROM units u CROSS JOIN kinds k LEFT JOIN c ON c.division = u.division AND c.level = u.level AND c.kind = k.kind`
	if _, err := conn.ExecContext(ctx, q, v.ID, period); err != nil {
		return fmt.Errorf("linkage: write worklist indicators of version %d: %w", v.ID, err)
	}
	return nil
}

// dropIndicators deletes the worklist values of version from cube.values.
func dropIndicators(ctx context.Context, conn *sql.Conn, version int64) error {
	ok, err := cubeExists(ctx, conn)
	if err != nil || !ok {
		return err
	}
	if _, err := conn.ExecContext(ctx, `DELETE FROM cube.values WHERE version = ? AND starts_with(indicator, '`+IndicatorPrefix+`')`, version); err != nil {
		return fmt.Errorf("linkage: drop worklist indicators of version %d: %w", version, err)
	}
	return nil
}
