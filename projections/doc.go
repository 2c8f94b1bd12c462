// Package projections implements the population projections of PADIS:
// period life tables, Brass relational model life tables, the
// cohort-component projection method (single years with annual steps and
// five-year groups with five-year steps), scenarios, probabilistic
// projections, county batches and back-testing.
//
// Slices are plain []float64 indexed by age group; a two-sex quantity is a
// [2][]float64 indexed by Male and Female. The equations are documented in
// docs/projections.md.
package projections
