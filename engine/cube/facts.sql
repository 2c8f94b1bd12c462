-- Base facts of one snapshot version, on one connection (temp tables).
-- Placeholders: {{persons}} {{events}} {{ps}} {{pe}} {{agelen}}; cube_months
-- (mi, mstart, mend, eom_ymd, mid_ymd) is created by the caller.
-- A refresh runs the sections on part of the inputs (build.go, facts):
-- {{people_where}} and {{kids_where}} restrict cube_people to some persons,
-- {{pm_where}} the person-months to some persons and {{mi_from}} …
-- {{mi_to}} to some months, {{ev_where}} the events to some persons and
-- {{ev_from}} … {{ev_to}} (dates, end excluded) to the same months; a full
-- build reads everything. {{dups}} lists the cards counted on another card
-- (person_id, kept: duplicate cards, engine/linkage.CountedOnceSQL);
-- {{events}} has their events moved to the kept card (build.go,
-- countedEvents).

-- name: people
-- One row per person with the attributes the measures need. exit is the
-- date of death or move-out (the person is not resident from that day on).
-- married and contra are the snapshot's; m_mi/m_st (c_mi/c_st) list the
-- months of the person's marriage and divorce (contraception start and
-- stop) events up to the period end, ascending, with the state after the
-- month's last event; m_init (c_init) is the state before the first event
-- (the opposite of the first event); see stateAt in build.go. dup marks a
-- card counted on another card: it keeps its row (its residence gives
-- duplicate_cards_removed) but no measure of persons counts it, and a kept
-- card still alive takes the death recorded on one of its duplicates.
CREATE OR REPLACE TEMP TABLE cube_people AS
WITH ae AS (
	SELECT person_id, event_type IN ('marriage', 'divorce') AS marital,
		event_type IN ('marriage', 'contra_start') AS state,
		year(event_date) * 12 + month(event_date) - 1 AS mi,
		row_number() OVER (PARTITION BY person_id, event_type IN ('marriage', 'divorce') ORDER BY event_date, event_id) AS seq,
		row_number() OVER (PARTITION BY person_id, event_type IN ('marriage', 'divorce'), year(event_date) * 12 + month(event_date)
			ORDER BY event_date DESC, event_id DESC) AS last_in_month
	FROM {{events}}
	WHERE event_type IN ('marriage', 'divorce', 'contra_start', 'contra_stop') AND event_date < DATE {{pe}}
), attrs AS (
	SELECT person_id,
		list(mi ORDER BY mi) FILTER (WHERE marital AND last_in_month = 1) AS m_mi,
		list(state ORDER BY mi) FILTER (WHERE marital AND last_in_month = 1) AS m_st,
		bool_or(NOT state) FILTER (WHERE marital AND seq = 1) AS m_init,
		list(mi ORDER BY mi) FILTER (WHERE NOT marital AND last_in_month = 1) AS c_mi,
		list(state ORDER BY mi) FILTER (WHERE NOT marital AND last_in_month = 1) AS c_st,
		bool_or(NOT state) FILTER (WHERE NOT marital AND seq = 1) AS c_init
	FROM ae GROUP BY person_id
), dd AS (
	SELECT d.kept, min(q.status_date) AS status_date
	FROM {{dups}} d JOIN {{persons}} q ON q.person_id = d.person_id
	WHERE q.vital_status = '2' GROUP BY d.kept
), p AS (
	SELECT q.person_id, sex, birth_date, reg_place, reg_type, res_place, household_id,
		CASE WHEN q.vital_status = '1' AND dd.kept IS NOT NULL THEN '2' ELSE q.vital_status END AS vital_status,
		CASE WHEN q.vital_status = '1' AND dd.kept IS NOT NULL THEN dd.status_date ELSE q.status_date END AS status_date,
		marital_status, contraception, children_born, children_living,
		mother_person_id, father_person_id,
		year(birth_date) * 10000 + month(birth_date) * 100 + day(birth_date) AS bymd,
		d.person_id IS NOT NULL AS dup
	FROM {{persons}} q LEFT JOIN {{dups}} d ON d.person_id = q.person_id LEFT JOIN dd ON dd.kept = q.person_id
	WHERE birth_date IS NOT NULL
), links AS (
	SELECT mother_person_id AS parent, c.sex, c.vital_status, c.bymd, c.mother_person_id AS mother FROM p c WHERE mother_person_id IS NOT NULL AND NOT c.dup
	UNION ALL
	SELECT father_person_id, c.sex, c.vital_status, c.bymd, c.mother_person_id FROM p c WHERE father_person_id IS NOT NULL AND NOT c.dup
), kids AS (
	SELECT l.parent, count(*) AS n, count(*) FILTER (WHERE l.sex = '2') AS daughters,
		count(*) FILTER (WHERE l.vital_status = '2') AS dead, max(m.bymd) AS mother_bymd
	FROM links l LEFT JOIN p m ON m.person_id = l.mother
	WHERE true {{kids_where}}
	GROUP BY l.parent
)
SELECT p.person_id,
	CASE p.sex WHEN '1' THEN 1 WHEN '2' THEN 2 ELSE 0 END::TINYINT AS sex,
	p.birth_date AS bd, p.bymd, p.res_place, left(p.reg_place, 6) AS reg_county, p.household_id,
	p.vital_status = '2' AS dead,
	CASE WHEN p.vital_status IN ('2', '3') THEN coalesce(p.status_date, DATE {{ps}}) END AS exit,
	coalesce(p.marital_status IN ('20', '21', '22', '23'), false) AS married,
	coalesce(p.contraception IS NOT NULL AND p.contraception <> '00', false) AS contra,
	coalesce(p.reg_type = '1' AND (coalesce(p.children_born, k.n) = 1
		OR (coalesce(p.children_born, k.n) = 2 AND k.daughters = 2)), false) AS reward_base,
	coalesce(coalesce(p.children_born, k.n) = 1 AND (p.children_living = 0 OR k.dead >= 1), false) AS special_base,
	CASE WHEN NOT coalesce(coalesce(p.children_born, k.n) = 1 AND (p.children_living = 0 OR k.dead >= 1), false) THEN NULL
		WHEN p.sex = '2' THEN p.bymd ELSE coalesce(k.mother_bymd, p.bymd) END AS special_mother_bymd,
	a.m_mi, a.m_st, a.m_init, a.c_mi, a.c_st, a.c_init, p.dup
FROM p LEFT JOIN kids k ON k.parent = p.person_id
LEFT JOIN attrs a ON a.person_id = p.person_id
WHERE true {{people_where}};

-- name: hashes
-- A hash of each person's inputs to the cube: the cube_people row (all
-- of it) and the person's events (the columns the cube reads, with the
-- mother's birth date, which births read).
-- Events without a person count under ''. Equal hashes in two versions
-- mean equal contributions to every month both versions cover
-- (incremental refresh, refresh.go).
CREATE OR REPLACE TEMP TABLE cube_ph AS
SELECT person_id, hash(bit_xor(h), count(*)) AS h FROM (
	SELECT person_id, hash(cube_people) AS h FROM cube_people
	UNION ALL
	SELECT coalesce(e.person_id, ''), hash(e.event_id, e.event_type, e.event_date, e.recorded_date, e.place, e.from_place,
		e.to_place, e.birth_order, e.policy_conforming, e.mother_person_id, e.spouse_person_id, mo.bymd)
	FROM {{events}} e LEFT JOIN cube_people mo ON mo.person_id = e.mother_person_id
)
GROUP BY person_id;

-- name: spells
-- Residence spells inside [ps, pe): an initial spell from the period start
-- or birth for persons whose first move in the period is not an arrival,
-- and one spell after each arrival ("in"), each ending at the next move,
-- the exit date or the period end. dies marks a spell ended by death; m0…m1
-- are the months the spell touches (the month of the death included, even
-- when the death is on the 1st and no day of that month is lived).
CREATE OR REPLACE TEMP TABLE cube_spells AS
WITH sp AS ({{residence_spells}})
SELECT sp.person_id, sp.place, sp.s, sp.e,
	p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}} AS dies,
	year(sp.s) * 12 + month(sp.s) - 1 AS m0,
	CASE WHEN p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}} THEN year(sp.e) * 12 + month(sp.e) - 1
		ELSE year(greatest(sp.e - 1, sp.s)) * 12 + month(greatest(sp.e - 1, sp.s)) - 1 END AS m1,
	p.sex, p.bymd, p.reg_county, p.household_id, p.married, p.contra, p.reward_base, p.special_base, p.special_mother_bymd,
	p.m_mi, p.m_st, p.m_init, p.c_mi, p.c_st, p.c_init, p.dup
FROM sp JOIN cube_people p ON p.person_id = sp.person_id
WHERE sp.s < sp.e OR (sp.s = sp.e AND p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}});

-- name: person_months
-- One row per spell and calendar month it touches: days lived in the
-- month, residence at the end of the month (stock), ages at mid-month and
-- at the end of the month, marital status and contraception at the end of
-- the month, and the death when it falls in the month.
CREATE OR REPLACE TEMP VIEW cube_pm AS
WITH x AS (
	SELECT sp.*, unnest(generate_series(greatest(sp.m0, {{mi_from}}), least(sp.m1, {{mi_to}}))) AS mi
	FROM cube_spells sp
	WHERE sp.m1 >= {{mi_from}} AND sp.m0 <= {{mi_to}} {{pm_where}}
)
SELECT x.place, x.mi, x.sex, x.household_id, {{married_at}} AS married, {{contra_at}} AS contra, x.reg_county,
	x.reward_base, x.special_base, x.special_mother_bymd, x.dup,
	greatest(least(x.e, m.mend) - greatest(x.s, m.mstart), 0) AS days,
	x.s <= m.mend - 1 AND x.e > m.mend - 1 AS stock,
	greatest(least((m.mid_ymd - x.bymd) // 10000, 100), 0)::SMALLINT AS age_mid,
	greatest(least((m.eom_ymd - x.bymd) // 10000, 100), 0)::SMALLINT AS age_eom,
	(m.eom_ymd - x.special_mother_bymd) // 10000 AS age_mother_eom,
	x.dies AND x.e >= m.mstart AND x.e < m.mend AS death,
	least((year(x.e) * 10000 + month(x.e) * 100 + day(x.e) - x.bymd) // 10000, 100)::SMALLINT AS age_exit
FROM x JOIN cube_months m ON m.mi = x.mi;

-- name: births
-- Births of the period with the child's sex and the mother's age at the
-- birth (NULL when the mother is not in the snapshot).
CREATE OR REPLACE TEMP TABLE cube_births AS
SELECT e.place, year(e.event_date) * 12 + month(e.event_date) - 1 AS mi,
	c.sex AS child_sex, e.birth_order, e.policy_conforming,
	least((year(e.event_date) * 10000 + month(e.event_date) * 100 + day(e.event_date) - m.bymd) // 10000, 100)::SMALLINT AS mother_age
FROM {{events}} e
LEFT JOIN cube_people c ON c.person_id = e.person_id
LEFT JOIN cube_people m ON m.person_id = e.mother_person_id
WHERE e.event_type = 'birth' AND e.event_date >= DATE {{ev_from}} AND e.event_date < DATE {{ev_to}} {{ev_where}};

-- name: village_months
-- The base measures per village and month, and cube_rows: the
-- person-months of the village-month (a village is in the cube when it has
-- person-months or events). Each measure comes from one of four
-- aggregations, each with one row per village-month (pm: person-months,
-- hh: households, bi: births, ev: events), joined to the village-months
-- any of them has ({{vm_cols}}: zero where the aggregation has no row).
-- The person-months of duplicate cards (dup) count only in dc
-- (duplicate_cards_removed: the cards resident at the end of the month)
-- and in cube_rows (a village with rows is in the cube).
CREATE OR REPLACE TEMP TABLE cube_vm AS
WITH pm AS MATERIALIZED (
	SELECT place, mi,
{{pm_measures}},
		count(*) AS cube_rows
	FROM cube_pm WHERE NOT dup GROUP BY place, mi
), dc AS MATERIALIZED (
	SELECT place, mi, count(*) FILTER (WHERE stock) AS duplicate_cards_removed, count(*) AS cube_rows
	FROM cube_pm WHERE dup GROUP BY place, mi
), hh AS MATERIALIZED (
	SELECT place, mi, count(*) AS households, sum(n) AS household_members
	FROM (SELECT place, mi, household_id, count(*) AS n FROM cube_pm
		WHERE stock AND household_id IS NOT NULL AND NOT dup GROUP BY ALL) hh
	GROUP BY place, mi
), bi AS MATERIALIZED (
	SELECT place, mi,
		count(*) AS births,
		count(*) FILTER (WHERE child_sex = 1) AS births_male,
		count(*) FILTER (WHERE child_sex = 2) AS births_female,
		count(*) FILTER (WHERE birth_order = 1) AS births_order1,
		count(*) FILTER (WHERE birth_order = 2) AS births_order2,
		count(*) FILTER (WHERE birth_order >= 3) AS births_order3plus,
		count(*) FILTER (WHERE policy_conforming) AS births_policy
	FROM cube_births GROUP BY place, mi
), ev AS MATERIALIZED (
	SELECT place, mi,
		count(*) FILTER (WHERE event_type = 'in') AS migrants_in,
		count(*) FILTER (WHERE event_type = 'out') AS migrants_out,
		count(*) FILTER (WHERE event_type = 'in' AND left(coalesce(from_place, ''), 2) <> left(place, 2)) AS migrants_in_inter,
		count(*) FILTER (WHERE event_type = 'out' AND left(coalesce(to_place, ''), 2) <> left(place, 2)) AS migrants_out_inter,
		count(*) FILTER (WHERE event_type = 'in' AND left(coalesce(from_place, ''), 2) = left(place, 2)) AS migrants_in_intra,
		count(*) FILTER (WHERE event_type = 'out' AND left(coalesce(to_place, ''), 2) = left(place, 2)) AS migrants_out_intra,
		count(DISTINCT CASE WHEN event_type = 'marriage' THEN least(person_id, coalesce(spouse_person_id, person_id)) || '|' || greatest(person_id, coalesce(spouse_person_id, person_id)) END) AS marriages,
		count(DISTINCT CASE WHEN event_type = 'divorce' THEN least(person_id, coalesce(spouse_person_id, person_id)) || '|' || greatest(person_id, coalesce(spouse_person_id, person_id)) END) AS divorces,
		count(*) AS events,
		count(*) FILTER (WHERE recorded_date - event_date <= 30) AS events_timely
	FROM (SELECT *, year(event_date) * 12 + month(event_date) - 1 AS mi FROM {{events}} e
		WHERE e.event_date >= DATE {{ev_from}} AND e.event_date < DATE {{ev_to}} {{ev_where}}) ev
	GROUP BY place, mi
), k AS (
	SELECT place, mi FROM pm UNION SELECT place, mi FROM dc UNION SELECT place, mi FROM hh UNION SELECT place, mi FROM bi UNION SELECT place, mi FROM ev
)
SELECT k.place AS village, k.mi, {{vm_cols}}, (coalesce(pm.cube_rows, 0) + coalesce(dc.cube_rows, 0))::HUGEINT AS cube_rows
FROM k
LEFT JOIN pm ON pm.place = k.place AND pm.mi = k.mi
LEFT JOIN dc ON dc.place = k.place AND dc.mi = k.mi
LEFT JOIN hh ON hh.place = k.place AND hh.mi = k.mi
LEFT JOIN bi ON bi.place = k.place AND bi.mi = k.mi
LEFT JOIN ev ON ev.place = k.place AND ev.mi = k.mi;

-- name: age_months
-- Age-specific counts per unit at the age-detail level, month, sex and
-- single year of age (100 = 100+): population at the end of the month,
-- person-years (age at mid-month), deaths (age at death) and births to
-- women of that age (sex 2 rows); duplicate cards not counted.
CREATE OR REPLACE TEMP TABLE cube_am AS
SELECT unit, mi, sex, age, sum(pop) AS pop, sum(py) AS py, sum(deaths) AS deaths, sum(births) AS births
FROM (
	SELECT left(place, {{agelen}}) AS unit, mi, sex, age_eom AS age, count(*)::DOUBLE AS pop, 0::DOUBLE AS py, 0::DOUBLE AS deaths, 0::DOUBLE AS births
	FROM cube_pm WHERE stock AND NOT dup GROUP BY ALL
	UNION ALL
	SELECT left(place, {{agelen}}), mi, sex, age_mid, 0, sum(days) / 365.25, 0, 0
	FROM cube_pm WHERE days > 0 AND NOT dup GROUP BY ALL
	UNION ALL
	SELECT left(place, {{agelen}}), mi, sex, age_exit, 0, 0, count(*), 0
	FROM cube_pm WHERE death AND NOT dup GROUP BY ALL
	UNION ALL
	SELECT left(place, {{agelen}}), mi, 2::TINYINT, mother_age, 0, 0, 0, count(*)
	FROM cube_births WHERE mother_age IS NOT NULL GROUP BY ALL
)
GROUP BY ALL;
