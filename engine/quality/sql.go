package quality

import (
	"fmt"
	"strings"

	"github.com/padis/padis/models"
)

// The measures are computed set-wise in DuckDB: one aggregate per village
// (the additive counts), rolled up to every level by code prefix; the
// lag quantiles and the heaping indices, which are not additive, are
// computed per unit from the rows or the age counts.

// villageColumns are the additive per-village counts, in table order.
func villageColumns() []string {
	cols := []string{"records", "accepted", "quarantined"}
	for _, f := range Fields {
		cols = append(cols, "exp_"+f.Name, "ok_"+f.Name)
	}
	cols = append(cols, "id_den", "id_num", "code_den", "code_num",
		"cons_id_den", "cons_id_num", "cons_marital_den", "cons_marital_num",
		"cons_mother_den", "cons_mother_num", "cons_head_den", "cons_head_num",
		"events", "events_timely", "lag_sum")
	for i := range LagBins {
		cols = append(cols, lagBinColumn(i))
	}
	return append(cols, "dup_cards", "items", "items_done")
}

// levelsSQL is the code length and level of every level below the nation.
func levelsSQL() string {
	var parts []string
	for l := models.LevelProvince; l <= models.LevelVillage; l++ {
		parts = append(parts, fmt.Sprintf("(%d, %d)", l.CodeLen(), l))
	}
	return "(VALUES " + strings.Join(parts, ", ") + ") lv(len, level)"
}

// ageSQL is the age in completed years at as-of of the date column col.
func ageSQL(col string, asOfYear, asOfMD int) string {
	return fmt.Sprintf("(%d - year(%s) - CASE WHEN month(%s) * 100 + day(%s) > %d THEN 1 ELSE 0 END)", asOfYear, col, col, col, asOfMD)
}

// statements returns the statements building the temp tables of a run,
// by name, in order; the last leaves q_out, one row per unit.
func statements(v map[string]string, withLinkage bool) [][2]string {
	r := strings.NewReplacer(
		"{{persons}}", v["persons"], "{{households}}", v["households"], "{{events}}", v["events"],
		"{{quarantine}}", v["quarantine"], "{{age}}", v["age"], "{{age_status}}", v["age_status"],
		"{{mother_age}}", v["mother_age"], "{{ps}}", v["ps"], "{{pe}}", v["pe"],
		"{{levels}}", levelsSQL(),
	)
	x := func(s string) string { return r.Replace(s) }
	var bins []string
	for i, b := range LagBins {
		cond := fmt.Sprintf("lag >= %d", b.Lo)
		if b.Hi >= 0 {
			cond += fmt.Sprintf(" AND lag <= %d", b.Hi)
		}
		bins = append(bins, fmt.Sprintf("count(*) FILTER (WHERE %s) AS lag_b%d", cond, i))
	}
	cols := villageColumns()
	out := [][2]string{
		{"quarantined rows", x(`CREATE OR REPLACE TEMP TABLE q_qrow AS
SELECT "row" AS r, any_value(raw) AS raw,
	coalesce(list(DISTINCT field) FILTER (WHERE field IS NOT NULL), []) AS fields,
	bool_or(reason IN ` + sqlList(reasonsBeforeCodes) + `) AS early,
	bool_or(reason = 'unknown_code') AS bad_code_list,
	bool_or(reason IN ` + sqlList(reasonsBadCode) + `) AS bad_code,
	bool_or(reason IN ` + sqlList(reasonsBadID) + ` AND field = 'id_number') AS bad_id
FROM {{quarantine}} WHERE tbl = 'persons' AND action = 'quarantined'
GROUP BY "row"`)},
		// Every person record: accepted rows in their residence; quarantined
		// rows in the village of their raw residence code when it exists,
		// else in the village of their household; else unplaced (NULL).
		{"records", x(`CREATE OR REPLACE TEMP TABLE q_rec AS
SELECT place, quarantined, {{age}} AS age, vital, ` + fieldOKs() + `, id_checked, id_valid, code_checked, code_valid
FROM (
	SELECT res_place AS place, false AS quarantined, birth_date AS b, vital_status AS vital, ` + okAccepted() + `,
		id_number_key IS NOT NULL AS id_checked, id_number_key IS NOT NULL AS id_valid, true AS code_checked, true AS code_valid
	FROM {{persons}}
	UNION ALL
	SELECT coalesce(d.code, h.place) AS place, true AS quarantined, TRY_CAST(raw->>'birth_date' AS DATE) AS b,
		nullif(raw->>'vital_status', '') AS vital, ` + okQuarantined() + `,
		nullif(raw->>'id_number_key', '') IS NOT NULL AND NOT early AND NOT bad_code_list AS id_checked,
		nullif(raw->>'id_number_key', '') IS NOT NULL AND NOT early AND NOT bad_code_list AND NOT bad_id AS id_valid,
		NOT early AS code_checked, NOT early AND NOT bad_code AS code_valid
	FROM q_qrow q
	LEFT JOIN meta.divisions d ON d.code = nullif(q.raw->>'res_place', '')
	LEFT JOIN {{households}} h ON h.household_id = nullif(q.raw->>'household_id', '')
)`)},
		{"village records", `CREATE OR REPLACE TEMP TABLE q_v_rec AS
SELECT place, count(*) AS records, count(*) FILTER (WHERE NOT quarantined) AS accepted, count(*) FILTER (WHERE quarantined) AS quarantined,
	` + fieldColumns() + `,
	count(*) FILTER (WHERE id_checked) AS id_den, count(*) FILTER (WHERE id_valid) AS id_num,
	count(*) FILTER (WHERE code_checked) AS code_den, count(*) FILTER (WHERE code_checked AND code_valid) AS code_num
FROM q_rec WHERE place IS NOT NULL GROUP BY place`},
		{"consistency", x(`CREATE OR REPLACE TEMP TABLE q_v_cons AS
SELECT p.res_place AS place,
	count(*) FILTER (WHERE p.id_number_key IS NOT NULL) AS cons_id_den,
	count(*) FILTER (WHERE p.id_number_key IS NOT NULL AND f.r IS NULL) AS cons_id_num,
	count(*) FILTER (WHERE p.marital_status IS NOT NULL) AS cons_marital_den,
	count(*) FILTER (WHERE p.marital_status IS NOT NULL AND NOT (p.marital_status NOT IN ('10', '90') AND {{age_status}} < ` + fmt.Sprint(MinMarriedAge) + `)) AS cons_marital_num,
	count(m.person_id) AS cons_mother_den,
	count(*) FILTER (WHERE m.person_id IS NOT NULL AND {{mother_age}} BETWEEN ` + fmt.Sprintf("%d AND %d", MotherAgeMin, MotherAgeMax) + `) AS cons_mother_num
FROM {{persons}} p
LEFT JOIN (SELECT DISTINCT "row" AS r FROM {{quarantine}} WHERE tbl = 'persons' AND action = 'flagged' AND reason IN ` + sqlList(flagsIDMismatch) + `) f ON f.r = p._row
LEFT JOIN {{persons}} m ON m.person_id = p.mother_person_id
GROUP BY p.res_place`)},
		{"household heads", x(`CREATE OR REPLACE TEMP TABLE q_v_head AS
SELECT h.place, count(*) AS cons_head_den, count(p.person_id) AS cons_head_num
FROM {{households}} h LEFT JOIN {{persons}} p ON p.person_id = h.head_person_id AND p.household_id = h.household_id
GROUP BY h.place`)},
		{"registration lags", x(`CREATE OR REPLACE TEMP TABLE q_lag AS
SELECT place, recorded_date - event_date AS lag FROM {{events}}
WHERE event_date >= DATE {{ps}} AND event_date < DATE {{pe}};
CREATE OR REPLACE TEMP TABLE q_v_ev AS
SELECT place, count(*) AS events, count(*) FILTER (WHERE lag <= ` + fmt.Sprint(TimelyDays) + `) AS events_timely, sum(lag) AS lag_sum,
	` + strings.Join(bins, ", ") + `
FROM q_lag GROUP BY place`)},
	}
	link := v["link"]
	if !withLinkage {
		link = `SELECT CAST(NULL AS VARCHAR) AS place, 0 AS dup_cards, 0 AS items, 0 AS items_done WHERE false`
	}
	out = append(out, [2]string{"linkage", `CREATE OR REPLACE TEMP TABLE q_v_link AS ` + link})
	parts := []string{"q_v_rec", "q_v_cons", "q_v_head", "q_v_ev", "q_v_link"}
	var union []string
	for _, p := range parts {
		union = append(union, "SELECT * FROM "+p)
	}
	var coalesced []string
	for _, c := range cols {
		coalesced = append(coalesced, fmt.Sprintf("coalesce(sum(%s), 0) AS %s", c, c))
	}
	out = append(out,
		[2]string{"villages", `CREATE OR REPLACE TEMP TABLE q_v AS
SELECT place, ` + strings.Join(coalesced, ", ") + `
FROM (` + strings.Join(union, " UNION ALL BY NAME ") + `) GROUP BY place`},
		[2]string{"roll-up", x(`CREATE OR REPLACE TEMP TABLE q_u AS
SELECT left(place, lv.len) AS division, lv.level, ` + sumColumns(cols, "") + `
FROM q_v, {{levels}} GROUP BY ALL`)},
		[2]string{"lag quantiles", x(`CREATE OR REPLACE TEMP TABLE q_uq AS
SELECT left(place, lv.len) AS division, lv.level, quantile_disc(lag, [0.5, 0.9, 0.95]) AS q, max(lag) AS lag_max
FROM q_lag, {{levels}} GROUP BY ALL`)},
		[2]string{"age counts", x(`CREATE OR REPLACE TEMP TABLE q_age AS
SELECT left(v.place, lv.len) AS division, lv.level, v.age, sum(v.n) AS n
FROM (SELECT res_place AS place, age, count(*) AS n FROM (SELECT res_place, ` + v["age_alive"] + ` AS age FROM {{persons}} WHERE vital_status = '1')
	WHERE age BETWEEN ` + fmt.Sprintf("%d AND %d", MyersFrom, MyersTo) + ` GROUP BY ALL) v, {{levels}}
GROUP BY ALL`)},
		// Whipple over 23–62 on digits 0 and 5; Myers' blended index over
		// 10–89 (weights j+1 over 10–79 and 9−j over 20–89, j = the digit),
		// the same definitions as Whipple and Myers in heaping.go.
		[2]string{"heaping", fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE q_uh AS
WITH w AS (
	SELECT division, level,
		sum(n) FILTER (WHERE age BETWEEN %[1]d AND %[2]d) AS pop_whipple,
		sum(n) FILTER (WHERE age BETWEEN %[1]d AND %[2]d AND age %% 5 = 0) AS whipple_num,
		sum(n) AS pop_myers
	FROM q_age GROUP BY ALL
), b AS (
	SELECT division, level, age %% 10 AS d,
		sum(n * ((CASE WHEN age <= %[4]d THEN age %% 10 + 1 ELSE 0 END) + (CASE WHEN age >= %[5]d THEN 9 - age %% 10 ELSE 0 END))) AS blended
	FROM q_age GROUP BY ALL
), m AS (
	SELECT division, level, 0.5 * (sum(abs(100 * blended / t - 10)) + 10 * (10 - count(*))) AS myers -- a digit without persons departs by 10
	FROM (SELECT *, sum(blended) OVER (PARTITION BY division, level) AS t FROM b) GROUP BY ALL
)
SELECT w.division, w.level, coalesce(pop_whipple, 0) AS pop_whipple, coalesce(whipple_num, 0) AS whipple_num, pop_myers, myers
FROM w LEFT JOIN m USING (division, level)`, WhippleFrom, WhippleTo, 0, MyersTo-10, MyersFrom+10)},
		[2]string{"units", `CREATE OR REPLACE TEMP TABLE q_out AS
SELECT u.*, q.q[1] AS lag_p50, q.q[2] AS lag_p90, q.q[3] AS lag_p95, q.lag_max,
	coalesce(h.pop_whipple, 0) AS pop_whipple, coalesce(h.whipple_num, 0) AS whipple_num,
	coalesce(h.pop_myers, 0) AS pop_myers, h.myers
FROM q_u u LEFT JOIN q_uq q USING (division, level) LEFT JOIN q_uh h USING (division, level)`},
	)
	return out
}

// fieldOKs lists the ok_<f> columns.
func fieldOKs() string {
	cols := make([]string, len(Fields))
	for i, f := range Fields {
		cols[i] = "ok_" + f.Name
	}
	return strings.Join(cols, ", ")
}

// tempTables are dropped at the end of a run.
var tempTables = []string{"q_qrow", "q_rec", "q_v_rec", "q_v_cons", "q_v_head", "q_lag", "q_v_ev", "q_v_link", "q_v", "q_u", "q_uq", "q_age", "q_uh", "q_out"}
