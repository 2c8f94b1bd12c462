package linkage

import (
	"context"

	"github.com/padis/padis/engine/store"
)

// ExactDuplicatesSQL is the one definition of exact duplicate cards (重卡):
// the cards of the persons table persons that share an ID-number pseudonym
// with another card. Each row is a card of such a group with its row id
// (rid), person_id, the group's kept card (kept: the first registered,
// then the smallest person_id; the generator's duplicates are later
// registered copies of the original, docs/generator.md) and its rank in
// the group (rk: 1 for the kept card). The linkage lists rk > 1 as
// duplicate items; the cube counts only the kept card (engine/cube).
//
// The ID groups are found on a 64-bit hash of the pseudonym (a cheap
// aggregation over all cards); the few cards in a repeated hash are then
// grouped on the pseudonym itself, so a hash collision adds no card.
func ExactDuplicatesSQL(persons string) string {
	return `WITH h AS (SELECT hash(id_number_key) AS h FROM ` + persons + ` WHERE id_number_key IS NOT NULL GROUP BY 1 HAVING count(*) > 1)
SELECT rowid AS rid, id_number_key, person_id, registered_date, res_place, household_id, vital_status,
	first_value(person_id) OVER w AS kept, row_number() OVER w AS rk
FROM ` + persons + `
WHERE id_number_key IS NOT NULL AND hash(id_number_key) IN (SELECT h FROM h)
WINDOW w AS (PARTITION BY id_number_key ORDER BY registered_date, person_id)
QUALIFY count(*) OVER (PARTITION BY id_number_key) > 1`
}

// CountedOnceSQL returns the query of the cards of the persons table
// persons (a version of scope) that person-based measures must not count,
// each with the card counted instead (person_id, kept, kind):
//
//   - the later cards of exact duplicates (ExactDuplicatesSQL), unless
//     the worklist item of the card is marked false_match (two people
//     sharing an ID number);
//   - the later cards of probable duplicates whose worklist item is
//     confirmed (status verified or corrected), on any version of the
//     scope, when both cards are in persons; an open or rejected
//     (false_match) probable duplicate is counted.
//
// A verdict is kept per scope and item (linkage.status), so that it
// applies to the cards of every later version. A card appears once (an
// exact duplicate before a probable one); when the kept card of a
// confirmed probable duplicate is itself a later exact card, its group's
// kept card is named. The linkage schema must exist (EnsureSchema).
func CountedOnceSQL(persons, scope string) string {
	sc := store.Quote(scope)
	return `WITH st AS (
	SELECT i.kind, i.person_id, i.other_person_id, s.status
	FROM linkage.items i JOIN linkage.current_status s ON s.scope = i.scope AND s.item_id = i.item_id
	WHERE i.scope = ` + sc + ` AND i.kind IN ('` + KindDuplicate + `', '` + KindProbableDuplicate + `')
), ex AS (
	SELECT person_id, kept FROM (` + ExactDuplicatesSQL(persons) + `)
	WHERE rk > 1 AND person_id NOT IN (SELECT person_id FROM st WHERE kind = '` + KindDuplicate + `' AND status = '` + StatusFalseMatch + `')
), pr AS (
	SELECT person_id, min(other_person_id) AS kept FROM st
	WHERE kind = '` + KindProbableDuplicate + `' AND status IN ('` + StatusVerified + `', '` + StatusCorrected + `')
		AND person_id IN (SELECT person_id FROM ` + persons + `) AND other_person_id IN (SELECT person_id FROM ` + persons + `)
		AND person_id NOT IN (SELECT person_id FROM ex)
	GROUP BY person_id
)
SELECT person_id, kept, '` + KindDuplicate + `' AS kind FROM ex
UNION ALL
SELECT pr.person_id, coalesce(ex.kept, pr.kept), '` + KindProbableDuplicate + `' FROM pr LEFT JOIN ex ON ex.person_id = pr.kept`
}

// EnsureSchema creates the linkage tables of st when they do not exist
// yet, so that readers (the cube's duplicate cards) can query them before
// the first linkage run.
func EnsureSchema(ctx context.Context, st *store.Store) error {
	return migrate(ctx, func(ctx context.Context, q string) error { _, err := st.DB().ExecContext(ctx, q); return err })
}
