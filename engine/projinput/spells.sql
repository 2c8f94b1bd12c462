-- Residence spells of one version inside the window [{{ws}}, {{pe}}),
-- restricted to the places of the divisions asked for (table
-- projinput_divs of code prefixes; a spell counts once for every division
-- whose prefix its place starts with), with the division, the person's
-- sex index (0 male, 1 female) and birth date. Persons of
-- unknown sex are left out. The spells themselves come from
-- residence.Spells (engine/residence), the one definition shared with the
-- indicator cube. dies marks a spell ended by the person's death.
CREATE OR REPLACE TEMP TABLE projinput_spells AS
WITH people AS (
	SELECT person_id,
		CASE sex WHEN '1' THEN 0 ELSE 1 END::TINYINT AS sx,
		birth_date AS bd,
		year(birth_date) * 10000 + month(birth_date) * 100 + day(birth_date) AS bymd,
		res_place,
		vital_status = '2' AS dead,
		CASE WHEN vital_status IN ('2', '3') THEN coalesce(status_date, DATE {{ws}}) END AS exit
	FROM {{persons}}
	WHERE birth_date IS NOT NULL AND sex IN ('1', '2') AND birth_date < DATE {{pe}}
), sp AS ({{residence_spells}}
), spd AS (
	-- starts_with(place, div) as an equi-join on the place's prefixes at
	-- the code lengths of the levels ({{prefixes}}: 2, 4, 6, 9, 12); the
	-- births and migration statements below do the same.
	SELECT *, unnest({{prefixes}}) AS div FROM sp
)
SELECT sp.div, sp.person_id, sp.s, sp.e, p.sx, p.bd, p.bymd,
	p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}} AS dies
FROM spd sp JOIN people p ON p.person_id = sp.person_id
JOIN projinput_divs d ON d.div = sp.div
WHERE sp.s < sp.e OR (sp.s = sp.e AND p.dead AND p.exit = sp.e AND sp.e < DATE {{pe}});

-- name: base
-- Residents at the end of the base date (spells still open at the window
-- end) by sex and completed age at the base date, 100 = 100+.
SELECT div, sx, least(({{bymd}} - bymd) // 10000, 100)::INTEGER AS age, count(*)::DOUBLE AS n
FROM projinput_spells
WHERE e = DATE {{pe}} AND s <= DATE {{base}}
GROUP BY ALL;

-- name: exposure
-- Person-years lived in the window by sex and exact single age (each spell
-- split at the birthdays it crosses; days / 365.25), and deaths by sex and
-- age at death; 100 = 100+.
WITH x AS (
	SELECT div, sx, s, e, bd, dies,
		unnest(generate_series(
			least((year(s) * 10000 + month(s) * 100 + day(s) - bymd) // 10000, 100),
			least((year(e) * 10000 + month(e) * 100 + day(e) - bymd) // 10000, 100))) AS a
	FROM projinput_spells
), y AS (
	SELECT div, sx, a, dies, e,
		greatest(s, CAST(bd + to_years(a::INTEGER) AS DATE)) AS lo,
		CASE WHEN a >= 100 THEN e ELSE least(e, CAST(bd + to_years(a::INTEGER + 1) AS DATE)) END AS hi,
		(year(e) * 10000 + month(e) * 100 + day(e) - year(bd) * 10000 - month(bd) * 100 - day(bd)) // 10000 AS age_exit
	FROM x
)
SELECT div, sx, a::INTEGER AS age,
	sum(greatest(hi - lo, 0))::DOUBLE / 365.25 AS py,
	count(*) FILTER (WHERE dies AND least(age_exit, 100) = a)::DOUBLE AS deaths
FROM y
GROUP BY ALL;

-- name: births
-- Births registered in each division in the window by the mother's age at
-- the birth (NULL when the mother is not in the snapshot) and the child's
-- sex index (NULL when unknown).
SELECT d.div, CASE c.sex WHEN '1' THEN 0 WHEN '2' THEN 1 END AS sx,
	(year(e.event_date) * 10000 + month(e.event_date) * 100 + day(e.event_date)
		- year(m.birth_date) * 10000 - month(m.birth_date) * 100 - day(m.birth_date)) // 10000 AS mage,
	count(*)::DOUBLE AS n
FROM (SELECT *, unnest({{prefixes}}) AS div FROM {{events}}
	WHERE event_type = 'birth' AND event_date >= DATE {{ws}} AND event_date < DATE {{pe}}) e
JOIN projinput_divs d ON d.div = e.div
LEFT JOIN {{persons}} c ON c.person_id = e.person_id
LEFT JOIN {{persons}} m ON m.person_id = e.mother_person_id
GROUP BY ALL;

-- name: migration
-- Moves crossing each division's boundary in the window by sex and age at
-- the move: arrivals ("in" at a place of the division) and departures
-- ("out" from a place of the division), except moves inside the division:
-- an arrival matched by the same person's departure from a place of the
-- division on the same day (and vice versa). The pairing is by the records
-- present, not by from_place/to_place, so that a move to a place of the
-- division that the snapshot's scope does not cover (e.g. another county
-- of the province in a county-scope snapshot) counts as a departure.
SELECT d.div, CASE p.sex WHEN '1' THEN 0 ELSE 1 END AS sx,
	least((year(e.event_date) * 10000 + month(e.event_date) * 100 + day(e.event_date)
		- year(p.birth_date) * 10000 - month(p.birth_date) * 100 - day(p.birth_date)) // 10000, 100)::INTEGER AS age,
	count(*) FILTER (WHERE e.event_type = 'in')::DOUBLE AS ins,
	count(*) FILTER (WHERE e.event_type = 'out')::DOUBLE AS outs
FROM (SELECT *, unnest({{prefixes}}) AS div FROM {{events}}
	WHERE event_type IN ('in', 'out') AND event_date >= DATE {{ws}} AND event_date < DATE {{pe}}) e
JOIN projinput_divs d ON d.div = e.div
JOIN {{persons}} p ON p.person_id = e.person_id
WHERE p.sex IN ('1', '2') AND p.birth_date IS NOT NULL AND p.birth_date <= e.event_date
	AND NOT EXISTS (
		SELECT 1 FROM {{events}} o
		WHERE o.person_id = e.person_id AND o.event_date = e.event_date
			AND o.event_type = CASE e.event_type WHEN 'in' THEN 'out' ELSE 'in' END
			AND starts_with(o.place, d.div))
GROUP BY ALL;
