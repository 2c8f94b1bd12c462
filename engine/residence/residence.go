// Package residence defines, once, how a person's residence spells are
// reconstructed from the records: the basis of every exposure (person-years)
// figure in PADIS. The indicator cube and the projection inputs both build
// their spells with Spells.
package residence

import "strings"

// Spells returns an SQL query yielding one row per residence spell inside
// the window [from, to): person_id, place (12-digit village), s (first
// day), e (the day after the last, or the exit date).
//
// people must name a relation with the columns person_id, bd (birth date),
// res_place (residence at the snapshot date) and exit (date of death or
// move-out, NULL when the person is still on the register); events the
// snapshot's events table; from and to are SQL date literals (quoted).
//
// The rules (docs/indicators.md, "Residence and exposure"):
//   - the moves are the person's "in" and "out" events from the window
//     start on, ordered by date, "out" before "in" on the same day;
//   - a person whose first such move is not an arrival has an initial
//     spell from the window start (or birth) at the origin of that first
//     move-out, else at res_place;
//   - every arrival starts a spell at its place;
//   - a spell ends at the next move, the exit date or the window end,
//     whichever comes first.
//
// Moves after the window end are read too: a person whose first move
// after the window start is an arrival was not resident before it, even
// when the window ends before the arrival (as in back-tests whose window
// ends before the snapshot date).
//
// Spells may be empty (s = e): callers keep those only where they matter
// (a death on the day of arrival).
func Spells(people, events, from, to string) string {
	return strings.NewReplacer("{{people}}", people, "{{events}}", events, "{{from}}", from, "{{to}}", to).Replace(spellsSQL)
}

const spellsSQL = `WITH residence_moves AS (
	SELECT person_id, event_date AS d, event_type AS t, place,
		row_number() OVER (PARTITION BY person_id ORDER BY event_date, CASE WHEN event_type = 'out' THEN 0 ELSE 1 END, event_id) AS seq
	FROM {{events}}
	WHERE event_type IN ('in', 'out') AND event_date >= DATE {{from}}
), residence_next AS (
	SELECT *, lead(d) OVER (PARTITION BY person_id ORDER BY seq) AS nd FROM residence_moves
)
SELECT p.person_id, CASE WHEN f.t = 'out' THEN f.place ELSE p.res_place END AS place,
	greatest(DATE {{from}}, p.bd) AS s,
	least(coalesce(f.d, DATE {{to}}), coalesce(p.exit, DATE {{to}}), DATE {{to}}) AS e
FROM {{people}} p LEFT JOIN (SELECT * FROM residence_moves WHERE seq = 1) f ON f.person_id = p.person_id
WHERE f.t IS NULL OR f.t = 'out'
UNION ALL
SELECT q.person_id, q.place, q.d,
	least(coalesce(q.nd, DATE {{to}}), coalesce(p.exit, DATE {{to}}), DATE {{to}})
FROM residence_next q JOIN {{people}} p ON p.person_id = q.person_id
WHERE q.t = 'in' AND q.d < DATE {{to}}`
