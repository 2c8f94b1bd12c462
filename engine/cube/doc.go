// Package cube computes the commission's indicators from a loaded snapshot
// version and materialises them as cube tables in the store's DuckDB file
// (schema cube).
//
// The computation is set-wise inside DuckDB: residence spells are
// reconstructed from the persons and events of the version (birth or entry
// or period start → death, move-out or period end), expanded to
// person-months, and aggregated into base measures (models.Measures) per
// village and month; the measures are rolled up the division hierarchy by
// code prefix (village 12 → township 9 → county 6 → city 4 → province 2)
// and the calendar (month → quarter, year, rolling 12 months). Age-specific
// counts (population, person-years, deaths, births by mother's age) are
// kept by sex and single year of age down to Options.AgeLevel, from which
// the named methods (ASFR, TFR, mean age at childbearing, e0, median age)
// are computed. Rates, proportions and ratios are derived from the measures
// with their numerator, denominator and 95 % interval (Derive).
//
// docs/indicators.md describes the definitions, the interval methods and
// the tables.
package cube
