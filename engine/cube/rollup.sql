-- Roll-up of the base facts (cube_vm per village and month, cube_am per
-- age-detail unit, month, sex and age) over the division hierarchy and the
-- calendar into cube.measures and cube.age. Placeholders: {{version}}
-- {{levels}} {{age_levels}} {{first_r12}} and the generated column lists.

-- name: level months
-- Every level by month: the village rows ({{vm}}, cube_vm in a build; one
-- row per village and month) as they are, and their sums by code prefix
-- for the levels above, into {{lm}} (cube_lm).
CREATE OR REPLACE TEMP TABLE {{lm}} AS
SELECT left(v.village, l.len) AS division, l.level, v.mi, {{sum_cols}}
FROM {{vm}} v CROSS JOIN {{levels_above}}
GROUP BY ALL
UNION ALL
SELECT village AS division, {{village_level}} AS level, mi, {{plain_cols}}
FROM {{vm}};

-- name: dense months
-- Every unit × every month of {{months}} (cube_months; zeros where nothing
-- happened) into {{dm}} (cube_dm), so that windows over months are exact:
-- the rows of {{lm}} and zero rows for the months a unit lacks.
CREATE OR REPLACE TEMP TABLE {{dm}} AS
SELECT division, level, mi, {{plain_cols}}
FROM {{lm}}
UNION ALL
SELECT d.division, d.level, m.mi, {{zero_cols}}
FROM (SELECT DISTINCT division, level FROM {{lm}}) d CROSS JOIN {{months}} m
ANTI JOIN {{lm}} x ON x.division = d.division AND x.mi = m.mi;

-- name: rollup measures
-- Months as they are; complete quarters and years from their months
-- (stocks from the last month; {{pmap}}, cube_pmap); rolling 12 months by
-- a window. Into {{measures_out}} (cube.measures).
INSERT INTO {{measures_out}} BY NAME
SELECT {{version}} AS version, division, level, 'month' AS ptype, printf('%04d-%02d', mi // 12, mi % 12 + 1) AS period, {{plain_cols}}
FROM {{dm}}
UNION ALL BY NAME
SELECT {{version}} AS version, d.division, d.level, p.ptype, p.period, {{period_cols}}
FROM {{dm}} d JOIN {{pmap}} p ON p.mi = d.mi AND p.ptype IN ('quarter', 'year')
GROUP BY ALL
UNION ALL BY NAME
SELECT {{version}} AS version, division, level, 'r12' AS ptype, printf('R12-%04d-%02d', mi // 12, mi % 12 + 1) AS period, {{plain_cols}}
FROM (SELECT division, level, mi, {{window_cols}} FROM {{dm}}
	WINDOW w AS (PARTITION BY division ORDER BY mi ROWS BETWEEN 11 PRECEDING AND CURRENT ROW))
WHERE mi >= {{first_r12}}
ORDER BY level, division, ptype, period;

-- name: level ages
-- The same for the age rows: {{am}} (cube_am) into {{la}} (cube_la).
CREATE OR REPLACE TEMP TABLE {{la}} AS
SELECT left(a.unit, l.len) AS division, l.level, a.mi, a.sex, a.age,
	sum(a.pop) AS pop, sum(a.py) AS py, sum(a.deaths) AS deaths, sum(a.births) AS births
FROM {{am}} a CROSS JOIN {{age_levels}}
GROUP BY ALL;

-- name: dense ages
CREATE OR REPLACE TEMP TABLE cube_da AS
SELECT d.division, d.level, m.mi, d.sex, d.age,
	coalesce(x.pop, 0) AS pop, coalesce(x.py, 0) AS py, coalesce(x.deaths, 0) AS deaths, coalesce(x.births, 0) AS births
FROM (SELECT DISTINCT division, level, sex, age FROM cube_la) d CROSS JOIN cube_months m
LEFT JOIN cube_la x ON x.division = d.division AND x.sex = d.sex AND x.age = d.age AND x.mi = m.mi;

-- name: rollup ages
-- Person-years are sums of days / 365.25, rounded here to that exact
-- quotient: zero is then exactly zero (a refresh finds the rows that
-- become empty by adding differences).
INSERT INTO cube.age BY NAME
SELECT * FROM (SELECT * REPLACE (round(py * 365.25) / 365.25 AS py) FROM (
	SELECT {{version}} AS version, division, level, 'month' AS ptype, printf('%04d-%02d', mi // 12, mi % 12 + 1) AS period, sex, age, pop, py, deaths, births
	FROM cube_da
	UNION ALL BY NAME
	SELECT {{version}} AS version, d.division, d.level, p.ptype, p.period, d.sex, d.age,
		coalesce(sum(d.pop) FILTER (WHERE p.last), 0) AS pop, sum(d.py) AS py, sum(d.deaths) AS deaths, sum(d.births) AS births
	FROM cube_da d JOIN cube_pmap p ON p.mi = d.mi AND p.ptype IN ('quarter', 'year')
	GROUP BY ALL
	UNION ALL BY NAME
	SELECT {{version}} AS version, division, level, 'r12' AS ptype, printf('R12-%04d-%02d', mi // 12, mi % 12 + 1) AS period, sex, age, pop, py, deaths, births
	FROM (SELECT division, level, mi, sex, age, pop,
			sum(py) OVER w AS py, sum(deaths) OVER w AS deaths, sum(births) OVER w AS births
		FROM cube_da
		WINDOW w AS (PARTITION BY division, sex, age ORDER BY mi ROWS BETWEEN 11 PRECEDING AND CURRENT ROW))
	WHERE mi >= {{first_r12}}
))
WHERE pop > 0 OR py > 0 OR deaths > 0 OR births > 0
ORDER BY level, division, ptype, period, sex, age;

-- name: villages
-- The rows (person-months and events) of every village over the period:
-- a refresh adds the differences to find the villages, and so the units,
-- of the next version.
INSERT INTO cube.villages
SELECT {{version}}, village, sum(cube_rows + events)::BIGINT FROM cube_vm GROUP BY village;
