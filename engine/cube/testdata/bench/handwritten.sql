-- The cube's measures written by hand as one plain SQL script, for the
-- benchmark: the same numbers as cube.measures (every level and period)
-- and cube.age (province to county), in SQL that runs unchanged on DuckDB
-- and PostgreSQL. Placeholders: {{persons}} {{events}} {{ps}} {{pe}}
-- {{months}} {{pmap}} {{first_r12}}. Statements are separated by ";\n".

CREATE TEMP TABLE h_months AS SELECT * FROM (VALUES {{months}}) t(mi, y, m, mstart, mend, eom_ymd, mid_ymd);
CREATE TEMP TABLE h_pmap AS SELECT * FROM (VALUES {{pmap}}) t(mi, ptype, period, last);
CREATE TEMP TABLE h_people AS
WITH p AS (
	SELECT *, (extract(year FROM birth_date) * 10000 + extract(month FROM birth_date) * 100 + extract(day FROM birth_date))::int AS bymd
	FROM {{persons}} WHERE birth_date IS NOT NULL
), kids AS (
	SELECT l.parent, count(*) AS n, count(*) FILTER (WHERE l.sex = '2') AS daughters,
		count(*) FILTER (WHERE l.vital_status = '2') AS dead, max(m.bymd) AS mother_bymd
	FROM (SELECT mother_person_id AS parent, sex, vital_status, mother_person_id AS mother FROM p WHERE mother_person_id IS NOT NULL
		UNION ALL SELECT father_person_id, sex, vital_status, mother_person_id FROM p WHERE father_person_id IS NOT NULL) l
	LEFT JOIN p m ON m.person_id = l.mother
	GROUP BY l.parent
)
SELECT p.person_id, CASE p.sex WHEN '1' THEN 1 WHEN '2' THEN 2 ELSE 0 END AS sex, p.birth_date AS bd, p.bymd, p.res_place,
	left(p.reg_place, 6) AS reg_county, p.household_id, p.vital_status = '2' AS dead,
	CASE WHEN p.vital_status IN ('2', '3') THEN coalesce(p.status_date, DATE {{ps}}) END AS exit,
	coalesce(p.marital_status IN ('20', '21', '22', '23'), false) AS married,
	coalesce(p.contraception IS NOT NULL AND p.contraception <> '00', false) AS contra,
	coalesce(p.reg_type = '1' AND (coalesce(p.children_born, k.n) = 1 OR (coalesce(p.children_born, k.n) = 2 AND k.daughters = 2)), false) AS reward,
	CASE WHEN coalesce(coalesce(p.children_born, k.n) = 1 AND (p.children_living = 0 OR k.dead >= 1), false)
		THEN CASE WHEN p.sex = '2' THEN p.bymd ELSE coalesce(k.mother_bymd, p.bymd) END END AS special_bymd
FROM p LEFT JOIN kids k ON k.parent = p.person_id;
CREATE TEMP TABLE h_spells AS
WITH mig AS (
	SELECT person_id, event_date AS d, event_type AS t, place,
		row_number() OVER (PARTITION BY person_id ORDER BY event_date, CASE WHEN event_type = 'out' THEN 0 ELSE 1 END, event_id) AS seq
	FROM {{events}} WHERE event_type IN ('in', 'out') AND event_date >= DATE {{ps}} AND event_date < DATE {{pe}}
), nxt AS (SELECT mig.*, lead(d) OVER (PARTITION BY person_id ORDER BY seq) AS nd FROM mig),
sp AS (
	SELECT p.person_id, CASE WHEN f.t = 'out' THEN f.place ELSE p.res_place END AS place, greatest(DATE {{ps}}, p.bd) AS s,
		least(coalesce(f.d, DATE {{pe}}), coalesce(p.exit, DATE {{pe}})) AS e
	FROM h_people p LEFT JOIN mig f ON f.person_id = p.person_id AND f.seq = 1
	WHERE f.t IS NULL OR f.t = 'out'
	UNION ALL
	SELECT q.person_id, q.place, q.d, least(coalesce(q.nd, DATE {{pe}}), coalesce(p.exit, DATE {{pe}}))
	FROM nxt q JOIN h_people p ON p.person_id = q.person_id WHERE q.t = 'in'
)
SELECT sp.person_id, sp.place, sp.s, sp.e, p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}} AS dies,
	(extract(year FROM sp.s) * 12 + extract(month FROM sp.s) - 1)::int AS m0,
	(CASE WHEN p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}} THEN extract(year FROM sp.e) * 12 + extract(month FROM sp.e) - 1
		ELSE extract(year FROM greatest(sp.e - 1, sp.s)) * 12 + extract(month FROM greatest(sp.e - 1, sp.s)) - 1 END)::int AS m1,
	p.sex, p.bymd, p.reg_county, p.household_id, p.married, p.contra, p.reward, p.special_bymd
FROM sp JOIN h_people p ON p.person_id = sp.person_id
WHERE sp.s < sp.e OR (p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}});
CREATE TEMP TABLE h_pm AS
SELECT x.place, g.mi, x.sex, x.household_id, x.married, x.contra, x.reg_county, x.reward, x.special_bymd,
	greatest(least(x.e, m.mend) - greatest(x.s, m.mstart), 0) AS days,
	x.s <= m.mend - 1 AND x.e > m.mend - 1 AS stock,
	greatest(least(floor((m.mid_ymd - x.bymd) / 10000.0), 100), 0)::int AS age_mid,
	greatest(least(floor((m.eom_ymd - x.bymd) / 10000.0), 100), 0)::int AS age_eom,
	floor((m.eom_ymd - x.special_bymd) / 10000.0) AS age_mother,
	x.dies AND x.e >= m.mstart AND x.e < m.mend AS death,
	least(floor(((extract(year FROM x.e) * 10000 + extract(month FROM x.e) * 100 + extract(day FROM x.e)) - x.bymd) / 10000.0), 100)::int AS age_exit
FROM h_spells x CROSS JOIN LATERAL generate_series(x.m0, x.m1) AS g(mi) JOIN h_months m ON m.mi = g.mi;
CREATE TEMP TABLE h_births AS
SELECT e.place, (extract(year FROM e.event_date) * 12 + extract(month FROM e.event_date) - 1)::int AS mi, c.sex AS child_sex,
	e.birth_order, e.policy_conforming,
	least(floor(((extract(year FROM e.event_date) * 10000 + extract(month FROM e.event_date) * 100 + extract(day FROM e.event_date)) - m.bymd) / 10000.0), 100)::int AS mother_age
FROM {{events}} e LEFT JOIN h_people c ON c.person_id = e.person_id LEFT JOIN h_people m ON m.person_id = e.mother_person_id
WHERE e.event_type = 'birth' AND e.event_date >= DATE {{ps}} AND e.event_date < DATE {{pe}};
CREATE TEMP TABLE h_vm AS
SELECT place AS village, mi,
	sum(person_years) AS person_years, sum(person_years_female_15_49) AS person_years_female_15_49,
	sum(population) AS population, sum(pop_male) AS pop_male, sum(pop_female) AS pop_female, sum(pop_0_14) AS pop_0_14,
	sum(pop_15_59) AS pop_15_59, sum(pop_15_64) AS pop_15_64, sum(pop_60plus) AS pop_60plus, sum(pop_65plus) AS pop_65plus,
	sum(pop_80plus) AS pop_80plus, sum(households) AS households, sum(household_members) AS household_members,
	sum(women_15_49) AS women_15_49, sum(married_women_15_49) AS married_women_15_49, sum(contraceptors) AS contraceptors,
	sum(migrant_population) AS migrant_population, sum(eligible_reward) AS eligible_reward, sum(eligible_special) AS eligible_special,
	sum(deaths) AS deaths, sum(infant_deaths) AS infant_deaths,
	sum(births) AS births, sum(births_male) AS births_male, sum(births_female) AS births_female, sum(births_order1) AS births_order1,
	sum(births_order2) AS births_order2, sum(births_order3plus) AS births_order3plus, sum(births_policy) AS births_policy,
	sum(migrants_in) AS migrants_in, sum(migrants_out) AS migrants_out, sum(migrants_in_inter) AS migrants_in_inter,
	sum(migrants_out_inter) AS migrants_out_inter, sum(migrants_in_intra) AS migrants_in_intra, sum(migrants_out_intra) AS migrants_out_intra,
	sum(marriages) AS marriages, sum(divorces) AS divorces, sum(events) AS events, sum(events_timely) AS events_timely
FROM (
	SELECT place, mi, sum(days) / 365.25 AS person_years,
		coalesce(sum(days) FILTER (WHERE sex = 2 AND age_mid BETWEEN 15 AND 49), 0) / 365.25 AS person_years_female_15_49,
		count(*) FILTER (WHERE stock) AS population, count(*) FILTER (WHERE stock AND sex = 1) AS pop_male,
		count(*) FILTER (WHERE stock AND sex = 2) AS pop_female, count(*) FILTER (WHERE stock AND age_eom <= 14) AS pop_0_14,
		count(*) FILTER (WHERE stock AND age_eom BETWEEN 15 AND 59) AS pop_15_59, count(*) FILTER (WHERE stock AND age_eom BETWEEN 15 AND 64) AS pop_15_64,
		count(*) FILTER (WHERE stock AND age_eom >= 60) AS pop_60plus, count(*) FILTER (WHERE stock AND age_eom >= 65) AS pop_65plus,
		count(*) FILTER (WHERE stock AND age_eom >= 80) AS pop_80plus,
		count(DISTINCT household_id) FILTER (WHERE stock) AS households, count(household_id) FILTER (WHERE stock) AS household_members,
		count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49) AS women_15_49,
		count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49 AND married) AS married_women_15_49,
		count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49 AND married AND contra) AS contraceptors,
		count(*) FILTER (WHERE stock AND reg_county <> left(place, 6)) AS migrant_population,
		count(*) FILTER (WHERE stock AND reward AND age_eom >= 60) AS eligible_reward,
		count(*) FILTER (WHERE stock AND age_mother >= 49) AS eligible_special,
		count(*) FILTER (WHERE death) AS deaths, count(*) FILTER (WHERE death AND age_exit = 0) AS infant_deaths,
		0 AS births, 0 AS births_male, 0 AS births_female, 0 AS births_order1, 0 AS births_order2, 0 AS births_order3plus, 0 AS births_policy,
		0 AS migrants_in, 0 AS migrants_out, 0 AS migrants_in_inter, 0 AS migrants_out_inter, 0 AS migrants_in_intra, 0 AS migrants_out_intra,
		0 AS marriages, 0 AS divorces, 0 AS events, 0 AS events_timely
	FROM h_pm GROUP BY place, mi
	UNION ALL
	SELECT place, mi, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		count(*), count(*) FILTER (WHERE child_sex = 1), count(*) FILTER (WHERE child_sex = 2), count(*) FILTER (WHERE birth_order = 1),
		count(*) FILTER (WHERE birth_order = 2), count(*) FILTER (WHERE birth_order >= 3), count(*) FILTER (WHERE policy_conforming),
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	FROM h_births GROUP BY place, mi
	UNION ALL
	SELECT place, mi, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		count(*) FILTER (WHERE event_type = 'in'), count(*) FILTER (WHERE event_type = 'out'),
		count(*) FILTER (WHERE event_type = 'in' AND left(coalesce(from_place, ''), 2) <> left(place, 2)),
		count(*) FILTER (WHERE event_type = 'out' AND left(coalesce(to_place, ''), 2) <> left(place, 2)),
		count(*) FILTER (WHERE event_type = 'in' AND left(coalesce(from_place, ''), 2) = left(place, 2)),
		count(*) FILTER (WHERE event_type = 'out' AND left(coalesce(to_place, ''), 2) = left(place, 2)),
		count(DISTINCT CASE WHEN event_type = 'marriage' THEN least(person_id, coalesce(spouse_person_id, person_id)) || '|' || greatest(person_id, coalesce(spouse_person_id, person_id)) END),
		count(DISTINCT CASE WHEN event_type = 'divorce' THEN least(person_id, coalesce(spouse_person_id, person_id)) || '|' || greatest(person_id, coalesce(spouse_person_id, person_id)) END),
		count(*), count(*) FILTER (WHERE recorded_date - event_date <= 30)
	FROM (SELECT *, (extract(year FROM event_date) * 12 + extract(month FROM event_date) - 1)::int AS mi FROM {{events}}
		WHERE event_date >= DATE {{ps}} AND event_date < DATE {{pe}}) ev
	GROUP BY place, mi
) u GROUP BY place, mi;
CREATE TEMP TABLE h_measures AS
SELECT left(v.village, l.len) AS division, l.level, p.ptype, p.period,
	sum(person_years) AS person_years, sum(person_years_female_15_49) AS person_years_female_15_49,
	sum(population) FILTER (WHERE p.last) AS population, sum(pop_male) FILTER (WHERE p.last) AS pop_male,
	sum(pop_female) FILTER (WHERE p.last) AS pop_female, sum(pop_0_14) FILTER (WHERE p.last) AS pop_0_14,
	sum(pop_15_59) FILTER (WHERE p.last) AS pop_15_59, sum(pop_15_64) FILTER (WHERE p.last) AS pop_15_64,
	sum(pop_60plus) FILTER (WHERE p.last) AS pop_60plus, sum(pop_65plus) FILTER (WHERE p.last) AS pop_65plus,
	sum(pop_80plus) FILTER (WHERE p.last) AS pop_80plus, sum(households) FILTER (WHERE p.last) AS households,
	sum(household_members) FILTER (WHERE p.last) AS household_members, sum(women_15_49) FILTER (WHERE p.last) AS women_15_49,
	sum(married_women_15_49) FILTER (WHERE p.last) AS married_women_15_49, sum(contraceptors) FILTER (WHERE p.last) AS contraceptors,
	sum(migrant_population) FILTER (WHERE p.last) AS migrant_population, sum(eligible_reward) FILTER (WHERE p.last) AS eligible_reward,
	sum(eligible_special) FILTER (WHERE p.last) AS eligible_special,
	sum(deaths) AS deaths, sum(infant_deaths) AS infant_deaths, sum(births) AS births, sum(births_male) AS births_male,
	sum(births_female) AS births_female, sum(births_order1) AS births_order1, sum(births_order2) AS births_order2,
	sum(births_order3plus) AS births_order3plus, sum(births_policy) AS births_policy, sum(migrants_in) AS migrants_in,
	sum(migrants_out) AS migrants_out, sum(migrants_in_inter) AS migrants_in_inter, sum(migrants_out_inter) AS migrants_out_inter,
	sum(migrants_in_intra) AS migrants_in_intra, sum(migrants_out_intra) AS migrants_out_intra, sum(marriages) AS marriages,
	sum(divorces) AS divorces, sum(events) AS events, sum(events_timely) AS events_timely
FROM h_vm v JOIN h_pmap p ON p.mi = v.mi
CROSS JOIN (VALUES (2, 1), (4, 2), (6, 3), (9, 4), (12, 5)) l(len, level)
GROUP BY 1, 2, 3, 4;
CREATE TEMP TABLE h_age AS
SELECT left(x.unit, l.len) AS division, l.level, p.ptype, p.period, x.sex, x.age,
	coalesce(sum(x.pop) FILTER (WHERE p.last), 0) AS pop, sum(x.py) AS py, sum(x.deaths) AS deaths, sum(x.births) AS births
FROM (
	SELECT left(place, 6) AS unit, mi, sex, age, sum(pop) AS pop, sum(py) AS py, sum(deaths) AS deaths, sum(births) AS births FROM (
		SELECT place, mi, sex, age_eom AS age, 1 AS pop, 0.0 AS py, 0 AS deaths, 0 AS births FROM h_pm WHERE stock
		UNION ALL SELECT place, mi, sex, age_mid, 0, days / 365.25, 0, 0 FROM h_pm WHERE days > 0
		UNION ALL SELECT place, mi, sex, age_exit, 0, 0, 1, 0 FROM h_pm WHERE death
		UNION ALL SELECT place, mi, 2, mother_age, 0, 0, 0, 1 FROM h_births WHERE mother_age IS NOT NULL
	) r GROUP BY 1, 2, 3, 4
) x JOIN h_pmap p ON p.mi = x.mi
CROSS JOIN (VALUES (2, 1), (4, 2), (6, 3)) l(len, level)
GROUP BY 1, 2, 3, 4, 5, 6
