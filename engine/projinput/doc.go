// Package projinput builds cohort-component projection inputs from a
// loaded snapshot version and back-tests them inside the snapshot.
//
// FromStore computes, set-wise in DuckDB SQL over the version's persons
// and events tables, the base population of a division (code prefix) by
// single year of age 0…100+ and sex at a base date, and the deaths,
// person-years, births by mother's single age 15–49 and child's sex, and
// net migrants by age and sex over a window of years ending at the base
// date; projections.EstimateRates then smooths them into rates (shrinkage
// towards standard schedules, so that small areas get usable rates).
//
// Backtest reconstructs the population at an earlier date inside the same
// snapshot (as-of − years), estimates the rates from the events before that
// date only, projects it to the as-of date and compares the projection with
// the population observed at the as-of date. One snapshot holds the whole
// history of its period, so this is the back-test the records allow
// without a second, later snapshot.
package projinput
