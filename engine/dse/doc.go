// Package dse estimates the completeness of death and birth registration
// by dual-system (capture–recapture) estimation, and the indicators
// adjusted for it.
//
// The two systems are the register (the snapshot's persons and events, as
// the cube counts them) and a source: the civil-affairs and cremation death
// records, or the medical birth certificates (出生医学证明), matched to the
// register's cards by engine/linkage (linkage.links). In each stratum
// (unit, period, sex and, for deaths, broad age group) the
// Chandra Sekar–Deming estimate N̂ = n1·n2/m gives the completeness n1/N̂ =
// m/n2; small strata are pooled (Options.MinSource). Run writes into
// cube.values, as a stored indicator at every level, the completeness
// (death_reg_completeness, birth_reg_completeness) and, down to the cube's
// age level, the adjusted indicators (deaths_adj, cdr_adj, imr_adj,
// e0_adj, births_adj, cbr_adj, tfr_adj, catalog variants of their base
// with Variant adjusted), whose intervals include the uncertainty of the
// completeness; FactorsTable keeps the factors each value used, for
// lineage. docs/indicators.md, "Completeness of registration and adjusted
// indicators", states the method, its assumptions and the figures measured
// on generated data.
package dse
