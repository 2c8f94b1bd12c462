-- The cube's measures written by hand as one plain SQL script, for the
-- benchmark: the same numbers as cube.measures (every level and period)
-- and cube.age (province to county), in SQL that runs unchanged on DuckDB
-- and PostgreSQL. Placeholders: {{persons}} {{events}} {{ps}} {{pe}}
-- {{months}} {{pmap}}. Statements are separated by ";\n".
--
-- What it does, as an analyst would write it for 10 M persons and 36
-- months (~390 M person-months):
--   1. h_people: one row per person with the attributes the measures
--      read (children counted per parent with one grouped join);
--      h_spells: residence spells inside the period (one initial spell
--      per person, one per arrival), with the months m0…m1 they touch.
--   2. h_pm, a VIEW (not a table): each spell expanded to its months
--      with generate_series and the 36-row month table. Person-months
--      are never stored: each of the three aggregates below streams them.
--   3. h_pvm, the village-month measures of the person-months: one
--      GROUP BY village, month; households as a grouped sub-aggregate
--      (the stock person-months grouped by village, month, household,
--      then counted) instead of count(DISTINCT). h_evm, the event
--      measures (births, moves, marriages …) per village and month;
--      h_vm joins the two.
--   4. h_cm, a narrow intermediate for the age table: person-months
--      grouped by county, month, sex and the ages (a few million rows);
--      h_am: its rows and the births by unit (province, cities,
--      counties), month, sex and age.
--   5. Roll-up: village-months to every unit's months (five levels) in
--      h_um, then to periods (months, quarters, years, rolling 12
--      months) in h_measures: flows (person-years, events) summed over
--      the period's months, stocks (population, households …) taken from
--      its last month. h_age likewise from h_am.
-- Ages are computed in double precision and the measures kept as double
-- precision, like cube.measures (divisions by 10000.0 and sums of bigint
-- would be NUMERIC arithmetic in PostgreSQL and HUGEINT in DuckDB,
-- several times slower per row).

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
	least(floor(((extract(year FROM sp.e) * 10000 + extract(month FROM sp.e) * 100 + extract(day FROM sp.e)) - p.bymd) / 10000.0), 100)::int AS age_exit,
	(extract(year FROM sp.s) * 12 + extract(month FROM sp.s) - 1)::int AS m0,
	(CASE WHEN p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}} THEN extract(year FROM sp.e) * 12 + extract(month FROM sp.e) - 1
		ELSE extract(year FROM greatest(sp.e - 1, sp.s)) * 12 + extract(month FROM greatest(sp.e - 1, sp.s)) - 1 END)::int AS m1,
	p.sex, p.bymd, p.reg_county, p.household_id, p.married, p.contra, p.reward, p.special_bymd
FROM sp JOIN h_people p ON p.person_id = sp.person_id
WHERE sp.s < sp.e OR (p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}});
CREATE TEMP VIEW h_pm AS
SELECT x.place, g.mi, x.sex, x.household_id, x.married, x.contra, x.reg_county, x.reward, x.special_bymd,
	greatest(least(x.e, m.mend) - greatest(x.s, m.mstart), 0) AS days,
	x.s <= m.mend - 1 AND x.e > m.mend - 1 AS stock,
	greatest(least(floor((m.mid_ymd - x.bymd) / CAST(10000 AS double precision)), 100), 0)::int AS age_mid,
	greatest(least(floor((m.eom_ymd - x.bymd) / CAST(10000 AS double precision)), 100), 0)::int AS age_eom,
	floor((m.eom_ymd - x.special_bymd) / CAST(10000 AS double precision)) AS age_mother,
	x.dies AND x.e >= m.mstart AND x.e < m.mend AS death, x.age_exit
FROM h_spells x CROSS JOIN LATERAL generate_series(x.m0, x.m1) AS g(mi) JOIN h_months m ON m.mi = g.mi;
CREATE TEMP TABLE h_births AS
SELECT e.place, (extract(year FROM e.event_date) * 12 + extract(month FROM e.event_date) - 1)::int AS mi, c.sex AS child_sex,
	e.birth_order, e.policy_conforming,
	least(floor(((extract(year FROM e.event_date) * 10000 + extract(month FROM e.event_date) * 100 + extract(day FROM e.event_date)) - m.bymd) / 10000.0), 100)::int AS mother_age
FROM {{events}} e LEFT JOIN h_people c ON c.person_id = e.person_id LEFT JOIN h_people m ON m.person_id = e.mother_person_id
WHERE e.event_type = 'birth' AND e.event_date >= DATE {{ps}} AND e.event_date < DATE {{pe}};
CREATE TEMP TABLE h_pvm AS
SELECT p.*, h.households
FROM (
	SELECT place, mi, sum(days) / 365.25 AS person_years,
		coalesce(sum(days) FILTER (WHERE sex = 2 AND age_mid BETWEEN 15 AND 49), 0) / 365.25 AS person_years_female_15_49,
		count(*) FILTER (WHERE stock) AS population, count(*) FILTER (WHERE stock AND sex = 1) AS pop_male,
		count(*) FILTER (WHERE stock AND sex = 2) AS pop_female, count(*) FILTER (WHERE stock AND age_eom <= 14) AS pop_0_14,
		count(*) FILTER (WHERE stock AND age_eom BETWEEN 15 AND 59) AS pop_15_59, count(*) FILTER (WHERE stock AND age_eom BETWEEN 15 AND 64) AS pop_15_64,
		count(*) FILTER (WHERE stock AND age_eom >= 60) AS pop_60plus, count(*) FILTER (WHERE stock AND age_eom >= 65) AS pop_65plus,
		count(*) FILTER (WHERE stock AND age_eom >= 80) AS pop_80plus, count(household_id) FILTER (WHERE stock) AS household_members,
		count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49) AS women_15_49,
		count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49 AND married) AS married_women_15_49,
		count(*) FILTER (WHERE stock AND sex = 2 AND age_eom BETWEEN 15 AND 49 AND married AND contra) AS contraceptors,
		count(*) FILTER (WHERE stock AND reg_county <> left(place, 6)) AS migrant_population,
		count(*) FILTER (WHERE stock AND reward AND age_eom >= 60) AS eligible_reward,
		count(*) FILTER (WHERE stock AND age_mother >= 49) AS eligible_special,
		count(*) FILTER (WHERE death) AS deaths, count(*) FILTER (WHERE death AND age_exit = 0) AS infant_deaths
	FROM h_pm GROUP BY place, mi
) p LEFT JOIN (
	SELECT place, mi, count(*) AS households
	FROM (SELECT place, mi, household_id FROM h_pm WHERE stock AND household_id IS NOT NULL GROUP BY place, mi, household_id) hh
	GROUP BY place, mi
) h ON h.place = p.place AND h.mi = p.mi;
CREATE TEMP TABLE h_evm AS
SELECT place, mi,
	sum(births) AS births, sum(births_male) AS births_male, sum(births_female) AS births_female,
	sum(births_order1) AS births_order1, sum(births_order2) AS births_order2, sum(births_order3plus) AS births_order3plus,
	sum(births_policy) AS births_policy, sum(migrants_in) AS migrants_in, sum(migrants_out) AS migrants_out,
	sum(migrants_in_inter) AS migrants_in_inter, sum(migrants_out_inter) AS migrants_out_inter,
	sum(migrants_in_intra) AS migrants_in_intra, sum(migrants_out_intra) AS migrants_out_intra, sum(marriages) AS marriages,
	sum(divorces) AS divorces, sum(events) AS events, sum(events_timely) AS events_timely
FROM (
	SELECT place, mi, count(*) AS births, count(*) FILTER (WHERE child_sex = 1) AS births_male,
		count(*) FILTER (WHERE child_sex = 2) AS births_female, count(*) FILTER (WHERE birth_order = 1) AS births_order1,
		count(*) FILTER (WHERE birth_order = 2) AS births_order2, count(*) FILTER (WHERE birth_order >= 3) AS births_order3plus,
		count(*) FILTER (WHERE policy_conforming) AS births_policy,
		0 AS migrants_in, 0 AS migrants_out, 0 AS migrants_in_inter, 0 AS migrants_out_inter, 0 AS migrants_in_intra, 0 AS migrants_out_intra,
		0 AS marriages, 0 AS divorces, 0 AS events, 0 AS events_timely
	FROM h_births GROUP BY place, mi
	UNION ALL
	SELECT place, mi, 0, 0, 0, 0, 0, 0, 0,
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
CREATE TEMP TABLE h_vm AS
SELECT place AS village, mi,
	CAST(coalesce(p.person_years, 0) AS double precision) AS person_years,
	CAST(coalesce(p.person_years_female_15_49, 0) AS double precision) AS person_years_female_15_49,
	CAST(coalesce(p.population, 0) AS double precision) AS population,
	CAST(coalesce(p.pop_male, 0) AS double precision) AS pop_male,
	CAST(coalesce(p.pop_female, 0) AS double precision) AS pop_female,
	CAST(coalesce(p.pop_0_14, 0) AS double precision) AS pop_0_14,
	CAST(coalesce(p.pop_15_59, 0) AS double precision) AS pop_15_59,
	CAST(coalesce(p.pop_15_64, 0) AS double precision) AS pop_15_64,
	CAST(coalesce(p.pop_60plus, 0) AS double precision) AS pop_60plus,
	CAST(coalesce(p.pop_65plus, 0) AS double precision) AS pop_65plus,
	CAST(coalesce(p.pop_80plus, 0) AS double precision) AS pop_80plus,
	CAST(coalesce(p.households, 0) AS double precision) AS households,
	CAST(coalesce(p.household_members, 0) AS double precision) AS household_members,
	CAST(coalesce(p.women_15_49, 0) AS double precision) AS women_15_49,
	CAST(coalesce(p.married_women_15_49, 0) AS double precision) AS married_women_15_49,
	CAST(coalesce(p.contraceptors, 0) AS double precision) AS contraceptors,
	CAST(coalesce(p.migrant_population, 0) AS double precision) AS migrant_population,
	CAST(coalesce(p.eligible_reward, 0) AS double precision) AS eligible_reward,
	CAST(coalesce(p.eligible_special, 0) AS double precision) AS eligible_special,
	CAST(coalesce(p.deaths, 0) AS double precision) AS deaths,
	CAST(coalesce(p.infant_deaths, 0) AS double precision) AS infant_deaths,
	CAST(coalesce(e.births, 0) AS double precision) AS births,
	CAST(coalesce(e.births_male, 0) AS double precision) AS births_male,
	CAST(coalesce(e.births_female, 0) AS double precision) AS births_female,
	CAST(coalesce(e.births_order1, 0) AS double precision) AS births_order1,
	CAST(coalesce(e.births_order2, 0) AS double precision) AS births_order2,
	CAST(coalesce(e.births_order3plus, 0) AS double precision) AS births_order3plus,
	CAST(coalesce(e.births_policy, 0) AS double precision) AS births_policy,
	CAST(coalesce(e.migrants_in, 0) AS double precision) AS migrants_in,
	CAST(coalesce(e.migrants_out, 0) AS double precision) AS migrants_out,
	CAST(coalesce(e.migrants_in_inter, 0) AS double precision) AS migrants_in_inter,
	CAST(coalesce(e.migrants_out_inter, 0) AS double precision) AS migrants_out_inter,
	CAST(coalesce(e.migrants_in_intra, 0) AS double precision) AS migrants_in_intra,
	CAST(coalesce(e.migrants_out_intra, 0) AS double precision) AS migrants_out_intra,
	CAST(coalesce(e.marriages, 0) AS double precision) AS marriages,
	CAST(coalesce(e.divorces, 0) AS double precision) AS divorces,
	CAST(coalesce(e.events, 0) AS double precision) AS events,
	CAST(coalesce(e.events_timely, 0) AS double precision) AS events_timely
FROM h_pvm p FULL JOIN h_evm e USING (place, mi);
CREATE TEMP TABLE h_cm AS
SELECT left(place, 6) AS county, mi, sex, age_eom, age_mid, CASE WHEN death THEN age_exit END AS age_death,
	CAST(count(*) FILTER (WHERE stock) AS double precision) AS pop, CAST(sum(days) AS double precision) AS days,
	CAST(count(*) FILTER (WHERE death) AS double precision) AS deaths
FROM h_pm GROUP BY 1, 2, 3, 4, 5, 6;
CREATE TEMP TABLE h_am AS
SELECT left(r.unit, l.len) AS division, l.level, r.mi, r.sex, r.age,
	sum(r.pop) AS pop, sum(r.py) AS py, sum(r.deaths) AS deaths, sum(r.births) AS births
FROM (
	SELECT county AS unit, mi, sex, age_eom AS age, pop, 0.0 AS py, 0 AS deaths, 0 AS births FROM h_cm WHERE pop > 0
	UNION ALL SELECT county, mi, sex, age_mid, 0, days / 365.25, 0, 0 FROM h_cm WHERE days > 0
	UNION ALL SELECT county, mi, sex, age_death, 0, 0, deaths, 0 FROM h_cm WHERE deaths > 0
	UNION ALL SELECT left(place, 6), mi, 2, mother_age, 0, 0, 0, 1 FROM h_births WHERE mother_age IS NOT NULL
) r CROSS JOIN (VALUES (2, 1), (4, 2), (6, 3)) l(len, level)
GROUP BY 1, 2, 3, 4, 5;
CREATE TEMP TABLE h_age AS
SELECT division, level, ptype, period, sex, age, coalesce(s.pop, 0) AS pop, f.py, f.deaths, f.births
FROM (
	SELECT a.division, a.level, p.ptype, p.period, a.sex, a.age, sum(a.py) AS py, sum(a.deaths) AS deaths, sum(a.births) AS births
	FROM h_am a JOIN h_pmap p ON p.mi = a.mi GROUP BY 1, 2, 3, 4, 5, 6
) f LEFT JOIN (
	SELECT a.division, a.level, p.ptype, p.period, a.sex, a.age, a.pop
	FROM h_am a JOIN h_pmap p ON p.mi = a.mi AND p.last
) s USING (division, level, ptype, period, sex, age);
CREATE TEMP TABLE h_um AS
SELECT left(v.village, l.len) AS division, l.level, v.mi,
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
FROM h_vm v CROSS JOIN (VALUES (2, 1), (4, 2), (6, 3), (9, 4), (12, 5)) l(len, level)
GROUP BY 1, 2, 3;
CREATE TEMP TABLE h_measures AS
SELECT division, level, ptype, period, f.person_years, f.person_years_female_15_49,
	s.population, s.pop_male, s.pop_female, s.pop_0_14, s.pop_15_59, s.pop_15_64, s.pop_60plus, s.pop_65plus, s.pop_80plus,
	s.households, s.household_members, s.women_15_49, s.married_women_15_49, s.contraceptors, s.migrant_population,
	s.eligible_reward, s.eligible_special,
	f.deaths, f.infant_deaths, f.births, f.births_male, f.births_female, f.births_order1, f.births_order2, f.births_order3plus,
	f.births_policy, f.migrants_in, f.migrants_out, f.migrants_in_inter, f.migrants_out_inter, f.migrants_in_intra,
	f.migrants_out_intra, f.marriages, f.divorces, f.events, f.events_timely
FROM (
	SELECT u.division, u.level, p.ptype, p.period,
		sum(person_years) AS person_years, sum(person_years_female_15_49) AS person_years_female_15_49,
		sum(deaths) AS deaths, sum(infant_deaths) AS infant_deaths, sum(births) AS births, sum(births_male) AS births_male,
		sum(births_female) AS births_female, sum(births_order1) AS births_order1, sum(births_order2) AS births_order2,
		sum(births_order3plus) AS births_order3plus, sum(births_policy) AS births_policy, sum(migrants_in) AS migrants_in,
		sum(migrants_out) AS migrants_out, sum(migrants_in_inter) AS migrants_in_inter, sum(migrants_out_inter) AS migrants_out_inter,
		sum(migrants_in_intra) AS migrants_in_intra, sum(migrants_out_intra) AS migrants_out_intra, sum(marriages) AS marriages,
		sum(divorces) AS divorces, sum(events) AS events, sum(events_timely) AS events_timely
	FROM h_um u JOIN h_pmap p ON p.mi = u.mi
	GROUP BY 1, 2, 3, 4
) f LEFT JOIN (
	SELECT u.*, p.ptype, p.period FROM h_um u JOIN h_pmap p ON p.mi = u.mi AND p.last
) s USING (division, level, ptype, period)
