-- Incremental refresh (refresh.go): the cube of {{version}} from the cube
-- of {{base}}, on the connection that computed, with facts.sql,
--   cube_vm_r, cube_am_r      the facts of the recomputed persons (cube_r)
--                             in the new version, months of the base only;
--   cube_vm_old, cube_am_old  the same persons' facts in the base;
--   cube_vm_next, cube_am_next every person's facts in the months the base
--                             does not have;
-- and cube_pmap (every period of the new version), cube_pmap_base (those
-- of the base) and cube_newp (the periods the base does not have). The
-- differences (cube_dvm, cube_dam) and the new months are summed to every
-- level by rollup.sql (cube_dlm, cube_dal, cube_nlm, cube_nal) between
-- "deltas" and "units".
-- Every measure of a village-month is a sum over persons or events, or a
-- distinct count (households, marriages, divorces) over groups whose
-- members are all in cube_r when any is: so new = base + (new − old) of
-- cube_r's facts, at every level and period, and the periods the base
-- lacks are summed from their months. {{span}} is the first month of
-- those periods. Person-years are rounded to the nearest multiple of
-- 1/365.25 (they are sums of days / 365.25) so that differences added
-- month after month do not drift.

-- name: deltas
CREATE OR REPLACE TEMP TABLE cube_dvm AS
SELECT village, mi, {{sum_cols}}, sum(cube_rows) AS cube_rows
FROM (SELECT * FROM cube_vm_r UNION ALL BY NAME SELECT village, mi, {{neg_cols}}, -cube_rows AS cube_rows FROM cube_vm_old)
GROUP BY village, mi
HAVING {{nonzero}} OR sum(cube_rows) <> 0;
CREATE OR REPLACE TEMP TABLE cube_dam AS
SELECT unit, mi, sex, age, sum(pop) AS pop, sum(py) AS py, sum(deaths) AS deaths, sum(births) AS births
FROM (SELECT * FROM cube_am_r UNION ALL SELECT unit, mi, sex, age, -pop, -py, -deaths, -births FROM cube_am_old)
GROUP BY ALL
HAVING sum(pop) <> 0 OR sum(py) <> 0 OR sum(deaths) <> 0 OR sum(births) <> 0;

-- name: units
-- The villages with rows in the new version, its units, the units the
-- base does not have (zero rows in every period of the base) and those
-- only the base has (their rows are dropped).
CREATE OR REPLACE TEMP TABLE cube_vn AS
SELECT village, sum(n)::BIGINT AS n FROM (
	SELECT village, n FROM cube.villages WHERE version = {{base}}
	UNION ALL SELECT village, cube_rows + events FROM cube_dvm
	UNION ALL SELECT village, cube_rows + events FROM cube_vm_next
)
GROUP BY village
HAVING sum(n) > 0;
CREATE OR REPLACE TEMP TABLE cube_units AS
SELECT DISTINCT left(v.village, l.len) AS division, l.level FROM cube_vn v CROSS JOIN {{levels}};
CREATE OR REPLACE TEMP TABLE cube_new_units AS
SELECT division, level FROM cube_units
EXCEPT
SELECT DISTINCT left(v.village, l.len), l.level FROM cube.villages v CROSS JOIN {{levels}} WHERE v.version = {{base}};
CREATE OR REPLACE TEMP TABLE cube_gone_units AS
SELECT DISTINCT left(v.village, l.len) AS division, l.level FROM cube.villages v CROSS JOIN {{levels}} WHERE v.version = {{base}}
EXCEPT
SELECT division, level FROM cube_units;

-- name: delta periods
-- The differences of the base's periods (cube_dp: rolled up by
-- rollup.sql like the measures, for the units above a changed
-- village-month) without the all-zero rows, and zero rows for the units the
-- base does not have; the same for the age rows (sparse: summed by the
-- period map).
DELETE FROM cube_dp WHERE NOT ({{nonzero_row}});
INSERT INTO cube_dp BY NAME
SELECT u.division, u.level, p.ptype, p.period, {{zero_cols}}
FROM cube_new_units u CROSS JOIN (SELECT DISTINCT ptype, period FROM cube_pmap_base) p
ANTI JOIN cube_dp k ON k.division = u.division AND k.ptype = p.ptype AND k.period = p.period;
CREATE OR REPLACE TEMP TABLE cube_dap AS
SELECT d.division, d.level, p.ptype, p.period, d.sex, d.age,
	coalesce(sum(d.pop) FILTER (WHERE p.last), 0) AS pop, sum(d.py) AS py, sum(d.deaths) AS deaths, sum(d.births) AS births
FROM cube_dal d JOIN cube_pmap_base p ON p.mi = d.mi
GROUP BY ALL;

-- name: measures
-- The base's rows plus their difference (none for most), the differences
-- of the units the base does not have, in the base's order; then the new
-- periods of every unit from their months.
INSERT INTO cube.measures BY NAME
SELECT {{version}} AS version, coalesce(o.division, k.division) AS division, coalesce(o.level, k.level) AS level,
	coalesce(o.ptype, k.ptype) AS ptype, coalesce(o.period, k.period) AS period, {{add_cols}}
FROM (SELECT * FROM cube.measures WHERE version = {{base}}) o
FULL JOIN cube_dp k ON k.division = o.division AND k.ptype = o.ptype AND k.period = o.period
ANTI JOIN cube_gone_units g ON g.division = coalesce(o.division, k.division);
INSERT INTO cube.measures BY NAME
SELECT {{version}} AS version, * REPLACE ({{canon}}) FROM (
	SELECT u.division, u.level, n.ptype, n.period, {{coalesce_cols}}
	FROM cube_units u CROSS JOIN cube_newp n
	LEFT JOIN (
		SELECT d.division, p.ptype, p.period, {{period_cols}}
		FROM (
			SELECT o.division, o.level, m.mi, {{plain_cols}}
			FROM cube.measures o JOIN cube_pmap m ON m.ptype = 'month' AND m.period = o.period
			WHERE o.version = {{base}} AND o.ptype = 'month' AND m.mi >= {{span}}
			UNION ALL BY NAME
			SELECT division, level, mi, {{plain_cols}} FROM cube_dlm WHERE mi >= {{span}}
			UNION ALL BY NAME
			SELECT division, level, mi, {{plain_cols}} FROM cube_nlm
		) d JOIN cube_pmap p ON p.mi = d.mi
		SEMI JOIN cube_newp np ON np.ptype = p.ptype AND np.period = p.period
		GROUP BY ALL
	) x ON x.division = u.division AND x.ptype = n.ptype AND x.period = n.period
)
ORDER BY level, division, ptype, period;

-- name: ages
-- Likewise for the age rows, without the rows that become empty.
INSERT INTO cube.age BY NAME
SELECT {{version}} AS version, coalesce(o.division, k.division) AS division, coalesce(o.level, k.level) AS level,
	coalesce(o.ptype, k.ptype) AS ptype, coalesce(o.period, k.period) AS period, coalesce(o.sex, k.sex) AS sex, coalesce(o.age, k.age) AS age,
	coalesce(o.pop, 0) + coalesce(k.pop, 0) AS pop,
	CASE WHEN k.division IS NULL THEN o.py ELSE round((coalesce(o.py, 0) + k.py) * 365.25) / 365.25 END AS py,
	coalesce(o.deaths, 0) + coalesce(k.deaths, 0) AS deaths, coalesce(o.births, 0) + coalesce(k.births, 0) AS births
FROM (SELECT * FROM cube.age WHERE version = {{base}}) o
FULL JOIN cube_dap k ON k.division = o.division AND k.ptype = o.ptype AND k.period = o.period AND k.sex = o.sex AND k.age = o.age
WHERE k.division IS NULL OR coalesce(o.pop, 0) + k.pop > 0 OR round((coalesce(o.py, 0) + k.py) * 365.25) > 0
	OR coalesce(o.deaths, 0) + k.deaths > 0 OR coalesce(o.births, 0) + k.births > 0;
INSERT INTO cube.age BY NAME
SELECT {{version}} AS version, * FROM (
	SELECT d.division, d.level, p.ptype, p.period, d.sex, d.age,
		coalesce(sum(d.pop) FILTER (WHERE p.last), 0) AS pop, round(sum(d.py) * 365.25) / 365.25 AS py, sum(d.deaths) AS deaths, sum(d.births) AS births
	FROM (
		SELECT o.division, o.level, m.mi, o.sex, o.age, o.pop, o.py, o.deaths, o.births
		FROM cube.age o JOIN cube_pmap m ON m.ptype = 'month' AND m.period = o.period
		WHERE o.version = {{base}} AND o.ptype = 'month' AND m.mi >= {{span}}
		UNION ALL BY NAME
		SELECT division, level, mi, sex, age, pop, py, deaths, births FROM cube_dal WHERE mi >= {{span}}
		UNION ALL BY NAME
		SELECT division, level, mi, sex, age, pop, py, deaths, births FROM cube_nal
	) d JOIN cube_pmap p ON p.mi = d.mi
	SEMI JOIN cube_newp np ON np.ptype = p.ptype AND np.period = p.period
	GROUP BY ALL
)
WHERE pop > 0 OR py > 0 OR deaths > 0 OR births > 0
ORDER BY level, division, ptype, period, sex, age;

-- name: affected
-- The units and periods whose measures or ages changed, or that the base
-- does not have: their values are computed (materialize).
CREATE OR REPLACE TEMP TABLE cube_ak AS
SELECT division, level, ptype, period FROM cube_dp
UNION
SELECT division, level, ptype, period FROM cube_dap
UNION
SELECT u.division, u.level, n.ptype, n.period FROM cube_units u CROSS JOIN cube_newp n;

-- name: copy values
-- The other units and periods keep the base's values, except the
-- indicators other packages store.
INSERT INTO cube.values BY NAME
SELECT v.* REPLACE ({{version}} AS version) FROM cube.values v
ANTI JOIN cube_ak k ON k.division = v.division AND k.ptype = v.ptype AND k.period = v.period
ANTI JOIN cube_gone_units g ON g.division = v.division
WHERE v.version = {{base}} AND v.indicator IN ({{own_indicators}});

-- name: villages
INSERT INTO cube.villages SELECT {{version}}, village, n FROM cube_vn;
