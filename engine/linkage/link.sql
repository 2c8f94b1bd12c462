-- The linkage of one version, statement by statement (run in order on one
-- connection; lk_* are temporary tables). Placeholders: {{P}} persons,
-- {{R}} police, {{D}} deaths, {{C}} birth certificates, {{Q}} quarantine,
-- {{cut}} the last event date a registration is due by (as-of − grace).

-- name: duplicates
-- Cards sharing an ID pseudonym; the kept card is the first registered
-- (ExactDuplicatesSQL in duplicates.go, the definition the cube shares).
CREATE OR REPLACE TEMP TABLE lk_dup AS {{exact_duplicates}};

-- name: kept
-- The row ids of the second and later cards of exact duplicates: they take
-- no part in the comparison with the sources. The statements below leave
-- them out after their joins, on the few joined rows, rather than
-- filtering every card before.
CREATE OR REPLACE TEMP TABLE lk_later AS SELECT rid FROM lk_dup WHERE rk > 1;

-- name: police counties
-- The counties the police extract covers (it holds the province's
-- registrations only): a card registered elsewhere can be linked to a
-- police record by ID but never by name, and is never over-coverage.
CREATE OR REPLACE TEMP TABLE lk_counties AS SELECT DISTINCT left(reg_place, 6) AS county FROM {{R}};

-- name: police
-- One full join on the ID pseudonym; only what needs a second look is
-- kept: unmatched rows of either side and matched rows that disagree,
-- cards without a police record only when registered in a covered county
-- (most are registered outside the province: all that the name link and
-- the over-coverage list look at is in a covered county). The
-- police side carries only its row id and the compared columns (the rest
-- of the few kept records is fetched by row id in the next step), and the
-- later cards of exact duplicates are left out after the join, on the
-- kept rows only: the same as joining the kept cards, since a police record
-- matching a later card also matches the kept card of its group.
CREATE OR REPLACE TEMP TABLE lk_pol_id AS
SELECT p.person_id, r.rid AS r_rid, r.id_number_key AS r_idk, p.name_key AS p_name, p.sex AS p_sex, r.sex AS r_sex,
	p.birth_date AS p_birth, r.birth_date AS r_birth, p.reg_place AS p_reg, r.reg_place AS r_reg, p.res_place AS p_res,
	p.vital_status AS p_status, p.registered_date AS p_registered
FROM (SELECT rowid AS rid, id_number_key, person_id, name_key, sex, birth_date, reg_place, res_place, vital_status, registered_date
		FROM {{P}}) p
	FULL JOIN (SELECT rowid AS rid, id_number_key, sex, birth_date, reg_place FROM {{R}}) r ON p.id_number_key = r.id_number_key
WHERE (p.rid IS NULL OR r.rid IS NULL OR p.sex <> r.sex OR p.birth_date <> r.birth_date OR p.reg_place <> r.reg_place)
	AND (p.rid IS NULL OR p.rid NOT IN (SELECT rid FROM lk_later))
	AND (r.rid IS NOT NULL OR left(p.reg_place, 6) IN (SELECT county FROM lk_counties));

-- name: police records
CREATE OR REPLACE TEMP TABLE lk_pol AS
WITH r AS (
	SELECT rowid AS rid, record_id, name_key, status FROM {{R}}
	WHERE rowid IN (SELECT r_rid FROM lk_pol_id WHERE r_rid IS NOT NULL))
SELECT x.person_id, r.record_id, x.p_name, r.name_key AS r_name, x.r_idk, x.p_sex, x.r_sex,
	x.p_birth, x.r_birth, x.p_reg, x.r_reg, x.p_res, x.p_status, r.status AS r_status, x.p_registered, 'id' AS method
FROM lk_pol_id x LEFT JOIN r ON r.rid = x.r_rid;

-- name: police by name
-- Records left over on both sides, linked on (name, birth date, sex,
-- registration township): unique on the police side; on the database side
-- the first registered card (others are probable duplicates).
CREATE OR REPLACE TEMP TABLE lk_pol_name AS
WITH r AS (
	SELECT * FROM lk_pol WHERE person_id IS NULL AND r_name IS NOT NULL
	QUALIFY count(*) OVER (PARTITION BY r_name, r_birth, r_sex, left(r_reg, 9)) = 1),
p AS (
	SELECT * FROM lk_pol WHERE record_id IS NULL
		AND (p_name, p_birth, p_sex, left(p_reg, 9)) IN (SELECT (r_name, r_birth, r_sex, left(r_reg, 9)) FROM r)
	QUALIFY row_number() OVER (PARTITION BY p_name, p_birth, p_sex, left(p_reg, 9) ORDER BY p_registered, person_id) = 1)
SELECT p.person_id, r.record_id, p.p_name, r.r_name, r.r_idk, p.p_sex, r.r_sex, p.p_birth, r.r_birth,
	p.p_reg, r.r_reg, p.p_res, p.p_status, r.r_status, p.p_registered, 'name' AS method
FROM r JOIN p ON r.r_name = p.p_name AND r.r_birth = p.p_birth AND r.r_sex = p.p_sex AND left(r.r_reg, 9) = left(p.p_reg, 9);

-- name: quarantined persons
-- Rejected person rows (their pseudonyms are in the quarantine's JSON):
-- a source record that matches one is not missing from the database, its
-- record was rejected.
CREATE OR REPLACE TEMP TABLE lk_q AS
SELECT v[1] AS person_id, v[2] AS idk, v[3] AS name_key, TRY_CAST(v[4] AS DATE) AS birth_date, v[5] AS sex,
	v[6] AS reg_place, v[7] AS res_place, v[8] AS mother_idk
FROM (SELECT json_extract_string(raw, ['$.person_id', '$.id_number_key', '$.name_key', '$.birth_date', '$.sex',
		'$.reg_place', '$.res_place', '$.mother_id_number_key']) AS v
	FROM {{Q}} WHERE tbl = 'persons' AND action = 'quarantined' AND raw IS NOT NULL
	QUALIFY row_number() OVER (PARTITION BY "row") = 1);

-- name: police quarantined
CREATE OR REPLACE TEMP TABLE lk_pol_q AS
WITH r AS (SELECT * FROM lk_pol WHERE person_id IS NULL AND record_id NOT IN (SELECT record_id FROM lk_pol_name))
SELECT r.record_id, q.person_id FROM r JOIN lk_q q ON q.idk = r.r_idk
UNION
SELECT r.record_id, q.person_id FROM r JOIN lk_q q
	ON q.name_key = r.r_name AND q.birth_date = r.r_birth AND q.sex = r.r_sex AND left(q.reg_place, 9) = left(r.r_reg, 9);

-- name: id hits
-- The cards whose ID pseudonym is on a death record or is a certificate's
-- mother's: one probe of the persons for both sources, with the person's
-- columns the death links and the mothers need (no later pass over
-- persons for either).
CREATE OR REPLACE TEMP TABLE lk_idhits AS
SELECT x.tag, x.record_id, p.rowid AS rid, p.person_id, p.id_number_key, p.sex, p.birth_date, p.res_place,
	p.vital_status, p.status_date
FROM {{P}} p JOIN (
	SELECT id_number_key AS k, 'death' AS tag, record_id FROM {{D}} WHERE id_number_key IS NOT NULL
	UNION ALL
	SELECT DISTINCT mother_id_number_key, 'mother', NULL FROM {{C}} WHERE mother_id_number_key IS NOT NULL) x
ON p.id_number_key = x.k;

-- name: deaths
-- Death records linked on the ID pseudonym, else (when the record has no
-- ID or it matches nobody) on (name, birth date, sex, residence township).
CREATE OR REPLACE TEMP TABLE lk_death AS
WITH byid AS (
	SELECT record_id, 'id' AS method, person_id, sex AS p_sex, birth_date AS p_birth, res_place AS p_res,
		vital_status AS p_status, status_date AS p_status_date
	FROM lk_idhits WHERE tag = 'death' AND rid NOT IN (SELECT rid FROM lk_later)),
rest AS (
	SELECT * FROM {{D}} WHERE record_id NOT IN (SELECT record_id FROM byid) AND birth_date IS NOT NULL
	QUALIFY count(*) OVER (PARTITION BY name_key, birth_date, sex, left(place, 9)) = 1),
byname AS (
	SELECT d.record_id, 'name' AS method, unnest(arg_min({'person_id': p.person_id, 'p_sex': p.sex, 'p_birth': p.birth_date,
		'p_res': p.res_place, 'p_status': p.vital_status, 'p_status_date': p.status_date},
		strftime(p.registered_date, '%Y%m%d') || p.person_id))
	FROM rest d JOIN {{P}} p ON p.name_key = d.name_key AND p.birth_date = d.birth_date AND p.sex = d.sex
		AND left(p.res_place, 9) = left(d.place, 9)
	GROUP BY d.record_id),
l AS (SELECT * FROM byid UNION ALL BY NAME SELECT * FROM byname)
SELECT l.record_id, l.person_id, l.method, d.death_date, d.place, d.source, d.sex AS d_sex, d.birth_date AS d_birth,
	l.p_sex, l.p_birth, l.p_res, l.p_status, l.p_status_date
FROM l JOIN {{D}} d USING (record_id);

-- name: kids
-- Database persons young enough to hold a birth certificate.
CREATE OR REPLACE TEMP TABLE lk_kids AS
SELECT person_id, mother_id_number_key, mother_person_id, name_key, sex, birth_date, res_place, registered_date
FROM {{P}} WHERE birth_date >= (SELECT min(birth_date) FROM {{C}}) AND rowid NOT IN (SELECT rid FROM lk_later);

-- name: mothers
-- The database cards of the certificates' mothers.
CREATE OR REPLACE TEMP TABLE lk_mothers AS
SELECT id_number_key, person_id, res_place FROM lk_idhits WHERE tag = 'mother' AND rid NOT IN (SELECT rid FROM lk_later);

-- name: certificates by mother id
-- Certificates linked to children on (mother's ID pseudonym, birth date,
-- sex); twins pair in order.
CREATE OR REPLACE TEMP TABLE lk_cert AS
SELECT c.cert_no, k.person_id, 'mother_id' AS method
FROM (SELECT cert_no, mother_id_number_key AS mk, child_sex AS sex, birth_date,
		row_number() OVER (PARTITION BY mother_id_number_key, birth_date, child_sex ORDER BY child_name_key, cert_no) AS rk
	FROM {{C}} WHERE mother_id_number_key IS NOT NULL) c
JOIN (SELECT person_id, mother_id_number_key AS mk, sex, birth_date,
		row_number() OVER (PARTITION BY mother_id_number_key, birth_date, sex ORDER BY registered_date, person_id) AS rk
	FROM lk_kids WHERE mother_id_number_key IS NOT NULL) k
USING (mk, sex, birth_date, rk);

-- name: certificates by name
INSERT INTO lk_cert
SELECT c.cert_no, arg_min(k.person_id, strftime(k.registered_date, '%Y%m%d') || k.person_id), 'name'
FROM {{C}} c JOIN lk_kids k ON k.name_key = c.child_name_key AND k.birth_date = c.birth_date AND k.sex = c.child_sex
	AND left(k.res_place, 9) = left(c.place, 9)
WHERE c.cert_no NOT IN (SELECT cert_no FROM lk_cert) AND k.person_id NOT IN (SELECT person_id FROM lk_cert)
GROUP BY c.cert_no;

-- name: certificates by mother record
INSERT INTO lk_cert
SELECT c.cert_no, arg_min(k.person_id, strftime(k.registered_date, '%Y%m%d') || k.person_id), 'mother_record'
FROM {{C}} c JOIN lk_mothers m ON m.id_number_key = c.mother_id_number_key
	JOIN lk_kids k ON k.mother_person_id = m.person_id AND k.birth_date = c.birth_date AND k.sex = c.child_sex
WHERE c.cert_no NOT IN (SELECT cert_no FROM lk_cert) AND k.person_id NOT IN (SELECT person_id FROM lk_cert)
GROUP BY c.cert_no;

-- name: certificates quarantined
INSERT INTO lk_cert
SELECT c.cert_no, min(q.person_id), 'quarantined'
FROM {{C}} c JOIN lk_q q ON q.birth_date = c.birth_date AND q.sex = c.child_sex
	AND (q.mother_idk = c.mother_id_number_key OR q.name_key = c.child_name_key)
WHERE c.cert_no NOT IN (SELECT cert_no FROM lk_cert)
GROUP BY c.cert_no;

-- name: candidates
-- Probable duplicates: every card without an ID pseudonym against the
-- cards of its residence township, blocked on the name pseudonym and,
-- separately, on (birth date, sex).
CREATE OR REPLACE TEMP TABLE lk_cand AS
WITH a AS (SELECT person_id, name_key, birth_date, sex, left(res_place, 9) AS t FROM {{P}} WHERE id_number_key IS NULL)
SELECT least(a.person_id, b.person_id) AS x, greatest(a.person_id, b.person_id) AS y
FROM a JOIN {{P}} b ON b.name_key = a.name_key AND left(b.res_place, 9) = a.t AND b.person_id <> a.person_id
UNION
SELECT least(a.person_id, b.person_id), greatest(a.person_id, b.person_id)
FROM a JOIN {{P}} b ON b.birth_date = a.birth_date AND b.sex = a.sex AND left(b.res_place, 9) = a.t AND b.person_id <> a.person_id;

-- name: pairs
-- Each candidate pair scored (Fellegi–Sunter, weights from linkage.params);
-- the kept card is the first registered.
CREATE OR REPLACE TEMP TABLE lk_pairs AS
WITH s AS (
	SELECT a.person_id AS ap, b.person_id AS bp, a.registered_date AS ar, b.registered_date AS br,
		a.res_place AS a_res, b.res_place AS b_res, {{agreements}}, {{score}} AS score
	FROM lk_cand c JOIN {{P}} a ON a.person_id = c.x JOIN {{P}} b ON b.person_id = c.y)
SELECT CASE WHEN (ar, ap) <= (br, bp) THEN ap ELSE bp END AS kept,
	CASE WHEN (ar, ap) <= (br, bp) THEN bp ELSE ap END AS person_id,
	CASE WHEN (ar, ap) <= (br, bp) THEN b_res ELSE a_res END AS res_place,
	CASE WHEN (ar, ap) <= (br, bp) THEN br ELSE ar END AS registered_date,
	* EXCLUDE (ap, bp, ar, br, a_res, b_res)
FROM s;

-- name: items duplicate
INSERT INTO linkage.items
SELECT {{V}}, {{scope}}, 'dup-' || left(md5({{scope}} || '|duplicate|' || replace(CAST(d.id_number_key AS VARCHAR), '-', '') || '|' || d.person_id), 16),
	'duplicate', 'same_id_number', d.res_place, d.person_id, d.kept, NULL, NULL, NULL, d.registered_date,
	json_object('card', d.rk,
		'database', json_object('person_id', d.person_id, 'registered_date', d.registered_date, 'res_place', d.res_place,
			'household_id', d.household_id, 'vital_status', d.vital_status),
		'kept', json_object('person_id', k.person_id, 'registered_date', k.registered_date, 'res_place', k.res_place,
			'household_id', k.household_id, 'vital_status', k.vital_status))::VARCHAR
FROM lk_dup d JOIN lk_dup k ON k.person_id = d.kept
WHERE d.rk > 1;

-- name: items probable duplicate
INSERT INTO linkage.items
SELECT {{V}}, {{scope}}, 'pdup-' || left(md5({{scope}} || '|probable_duplicate|' || kept || '|' || person_id), 16),
	'probable_duplicate',
	CASE WHEN name_agree = 1 AND birth_date_agree = 1 AND sex_agree = 1 THEN 'same_name_birth_sex_township'
		WHEN score >= {{match}} THEN 'scored_match' ELSE 'scored_possible' END,
	res_place, person_id, kept, NULL, NULL, round(score, 2), registered_date,
	json_object('score', round(score, 2), 'match_threshold', {{match}}, 'possible_threshold', {{possible}},
		'agreement', json_object({{agreement_json}}))::VARCHAR
FROM lk_pairs WHERE score >= {{possible}};

-- name: items unregistered
INSERT INTO linkage.items
SELECT {{V}}, {{scope}}, 'unreg-' || left(md5({{scope}} || '|unregistered|' ||
		coalesce(replace(CAST(r_idk AS VARCHAR), '-', ''), replace(CAST(r_name AS VARCHAR), '-', '') || '|' || r_birth || '|' || r_sex)), 16),
	'unregistered',
	CASE WHEN r_status = '2' THEN 'dead_in_police_register' WHEN r_birth >= {{start}} THEN 'born_in_period'
		ELSE 'not_in_database' END,
	r_reg, NULL, NULL, 'police', record_id, NULL, r_birth,
	json_object('police', json_object('record_id', record_id, 'birth_date', r_birth, 'sex', r_sex,
		'reg_place', r_reg, 'status', r_status, 'has_id_number', r_idk IS NOT NULL))::VARCHAR
FROM lk_pol
WHERE person_id IS NULL
	AND record_id NOT IN (SELECT record_id FROM lk_pol_name)
	AND record_id NOT IN (SELECT record_id FROM lk_pol_q);

-- name: items unregistered birth
INSERT INTO linkage.items
SELECT {{V}}, {{scope}}, 'ubirth-' || left(md5({{scope}} || '|unregistered_birth|' || c.cert_no), 16),
	'unregistered_birth', CASE WHEN m.person_id IS NULL THEN 'no_birth_record_mother_unknown' ELSE 'no_birth_record' END,
	c.place, m.person_id, NULL, 'birth_certificates', c.cert_no, NULL, c.birth_date,
	json_object('birth_certificate', json_object('cert_no', c.cert_no, 'birth_date', c.birth_date, 'sex', c.child_sex,
		'place', c.place, 'issued_date', c.issued_date, 'named', c.child_name_key IS NOT NULL),
		'mother', json_object('person_id', m.person_id, 'res_place', m.res_place))::VARCHAR
FROM {{C}} c LEFT JOIN lk_mothers m ON m.id_number_key = c.mother_id_number_key
WHERE c.cert_no NOT IN (SELECT cert_no FROM lk_cert) AND c.birth_date <= {{cut}};

-- name: items undead
INSERT INTO linkage.items
SELECT {{V}}, {{scope}}, 'undead-' || left(md5({{scope}} || '|undead|' || person_id), 16),
	'undead', 'death_record_linked_by_' || method, p_res, person_id, NULL, 'deaths', record_id, NULL, death_date,
	json_object('database', json_object('person_id', person_id, 'vital_status', p_status, 'res_place', p_res),
		'death_record', json_object('record_id', record_id, 'death_date', death_date, 'place', place,
			'source', source, 'linked_by', method))::VARCHAR
FROM lk_death WHERE p_status = '1' AND death_date <= {{cut}}
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY death_date, record_id) = 1;

-- name: mismatches
-- The linked pairs that differ in a compared value (most death links agree).
CREATE OR REPLACE TEMP TABLE lk_mis AS
SELECT * FROM (
	SELECT person_id, 'police' AS source, record_id, method, p_sex, r_sex AS s_sex, p_birth, r_birth AS s_birth,
		p_reg, r_reg AS s_place, p_res
	FROM (SELECT * FROM lk_pol WHERE person_id IS NOT NULL AND record_id IS NOT NULL
		UNION ALL BY NAME SELECT * FROM lk_pol_name)
	UNION ALL
	SELECT person_id, 'deaths', record_id, method, p_sex, d_sex, p_birth, d_birth, NULL, NULL, p_res FROM lk_death)
WHERE p_sex <> s_sex OR p_birth <> s_birth OR p_reg <> s_place;

-- name: items mismatch
-- The evidence lists the police record before the death record.
INSERT INTO linkage.items
WITH m AS (
	SELECT 'mismatch_sex' AS kind, 'msex' AS pre, *, p_sex AS db_value, s_sex AS src_value FROM lk_mis WHERE p_sex <> s_sex
	UNION ALL BY NAME
	SELECT 'mismatch_birth_date' AS kind, 'mbirth' AS pre, *, CAST(p_birth AS VARCHAR) AS db_value, CAST(s_birth AS VARCHAR) AS src_value FROM lk_mis WHERE p_birth <> s_birth
	UNION ALL BY NAME
	SELECT 'mismatch_residence' AS kind, 'mres' AS pre, *, p_reg AS db_value, s_place AS src_value FROM lk_mis WHERE source = 'police' AND p_reg <> s_place)
SELECT {{V}}, {{scope}}, any_value(pre) || '-' || left(md5({{scope}} || '|' || kind || '|' || person_id), 16),
	kind, 'differs_from_' || string_agg(DISTINCT source, '_and_' ORDER BY source), any_value(p_res), person_id, NULL,
	string_agg(DISTINCT source, ',' ORDER BY source), min(record_id), NULL, NULL,
	json_object('database', json_object('person_id', person_id, 'value', any_value(db_value), 'res_place', any_value(p_res)),
		'sources', to_json(list(json_object('source', source, 'record_id', record_id, 'linked_by', method,
			'value', src_value) ORDER BY source DESC, record_id)))::VARCHAR
FROM m GROUP BY kind, person_id;

-- name: items over-coverage
-- The cards of lk_pol without a police record are all registered in a
-- county the police extract covers (see police).
INSERT INTO linkage.items
SELECT {{V}}, {{scope}}, 'over-' || left(md5({{scope}} || '|over_coverage|' || person_id), 16),
	'over_coverage', 'unknown_to_sources', p_res, person_id, NULL, NULL, NULL, NULL, p_registered,
	json_object('database', json_object('person_id', person_id, 'birth_date', p_birth, 'sex', p_sex, 'reg_place', p_reg,
		'res_place', p_res, 'registered_date', p_registered),
		'not_found_in', json_array('police', 'deaths', 'birth_certificates'))::VARCHAR
FROM lk_pol
WHERE record_id IS NULL AND p_status = '1' AND p_birth <= {{newborn}}
	AND person_id NOT IN (SELECT person_id FROM lk_pol_name)
	AND person_id NOT IN (SELECT person_id FROM lk_death)
	AND person_id NOT IN (SELECT person_id FROM lk_cert WHERE person_id IS NOT NULL)
	AND person_id NOT IN (SELECT person_id FROM lk_pairs WHERE score >= {{possible}});

-- name: links
-- The death records and birth certificates linked to a card, kept for the
-- dual-system estimates of registration completeness (engine/dse).
INSERT INTO linkage.links
SELECT {{V}}, 'deaths', record_id, person_id, method FROM lk_death
UNION ALL
SELECT {{V}}, 'birth_certificates', cert_no, person_id, method FROM lk_cert WHERE person_id IS NOT NULL;
