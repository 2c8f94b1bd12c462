package quality

import (
	"context"
	"fmt"
)

// Duplicate cards and worklist feedback come from engine/linkage's tables
// (schema linkage): linkage.runs has a row per linked version;
// linkage.items the worklist items of a version (kind, village); the view
// linkage.current_status the latest status of each item (by scope and
// item id). They are read, never written, and only when the version has
// been linked: without it the two measures are absent, not zero.

// linkageKinds are the worklist kinds that are duplicate cards.
var duplicateKinds = []string{"duplicate", "probable_duplicate"}

// linkageSQL returns the SELECT giving, per village, the duplicate cards
// (items of the duplicate kinds not judged a false match), the worklist
// items and those verified or corrected; "" when version is not linked.
func linkageSQL(ctx context.Context, db execer, version int64) (string, error) {
	rows, err := db.QueryContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'linkage' AND table_name IN ('runs', 'items')`)
	if err != nil {
		return "", fmt.Errorf("linkage tables: %w", err)
	}
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return "", fmt.Errorf("linkage tables: %w", err)
		}
	}
	rows.Close()
	if n < 2 {
		return "", nil
	}
	var linked bool
	rows, err = db.QueryContext(ctx, `SELECT count(*) > 0 FROM linkage.runs WHERE version = ?`, version)
	if err != nil {
		return "", fmt.Errorf("linkage runs: %w", err)
	}
	for rows.Next() {
		if err := rows.Scan(&linked); err != nil {
			rows.Close()
			return "", fmt.Errorf("linkage runs: %w", err)
		}
	}
	rows.Close()
	if !linked {
		return "", nil
	}
	return fmt.Sprintf(`SELECT i.village AS place,
	count(*) FILTER (WHERE i.kind IN %s AND coalesce(s.status, 'open') <> 'false_match') AS dup_cards,
	count(*) AS items,
	count(*) FILTER (WHERE s.status IN ('verified', 'corrected')) AS items_done
FROM linkage.items i LEFT JOIN linkage.current_status s ON s.scope = i.scope AND s.item_id = i.item_id
WHERE i.version = %d AND i.village IN (SELECT place FROM q_v_rec)
GROUP BY i.village`, sqlList(duplicateKinds), version), nil
}
