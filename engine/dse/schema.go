package dse

// FactorsTable records, per version, event, unit (down to the cube's age
// level), period and cell (sex 1 or 2; deaths also by age group), the
// registered events and the stratum whose completeness they were scaled
// by: its unit, sex, age group, counts (register, source records,
// matched), factor n2/m and the factor's relative variance. Lineage reads
// it to explain an adjusted value.
const FactorsTable = "dse.factors"

const ddl = `CREATE SCHEMA IF NOT EXISTS dse;
CREATE TABLE IF NOT EXISTS dse.factors (
	version BIGINT NOT NULL, event VARCHAR NOT NULL, division VARCHAR NOT NULL, level TINYINT NOT NULL,
	ptype VARCHAR NOT NULL, period VARCHAR NOT NULL, sex TINYINT NOT NULL, age_group VARCHAR NOT NULL,
	registered DOUBLE NOT NULL, source_division VARCHAR, source_sex TINYINT, source_age_group VARCHAR,
	source_registered DOUBLE, source_records DOUBLE, source_matched DOUBLE, factor DOUBLE, rel_var DOUBLE)`
