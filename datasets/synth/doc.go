// Package synth generates synthetic PADIS snapshots: a realistic population
// of real villages of a province, a county list or the monitoring panel,
// simulated month by month (births, deaths, migration, marriage, divorce,
// contraception), recorded with registration lags, cross-checking sources
// (police register, birth certificates, death records), injected data
// defects at configurable rates, and the ground truth beside the data.
//
// Generate is the entry point; docs/generator.md documents the model, the
// defaults and the output layout. Output is deterministic: the same Config
// gives byte-identical data files whatever the number of workers.
package synth
