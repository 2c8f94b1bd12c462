// Package detect finds aberrations in count series: months whose births,
// deaths, migrations or infant deaths depart upwards from what the unit's
// own history leads one to expect.
//
// Every method takes a plain []float64 of non-negative counts, one per
// period in time order, and returns one Result per period. The methods are
//
//   - EARSC1, EARSC2, EARSC3: the CDC Early Aberration Reporting System
//     C1, C2 and C3 as implemented by earsC in the R package surveillance
//     (Salmon, Schumacher & Höhle 2016);
//   - CUSUM: a one-sided Poisson CUSUM on standardised or Rossi-transformed
//     residuals against a seasonal Poisson baseline fitted on a training
//     phase (after surveillance's algo.cusum);
//   - Farrington: the quasi-Poisson GLM baseline with seasonal factor,
//     optional trend and down-weighting of past outbreaks of Noufaily et
//     al. (2013), after surveillance's farringtonFlexible, with a negative
//     binomial threshold.
//
// Detect dispatches on a method name. BenjaminiHochberg controls the false
// discovery rate when one p-value per unit is tested across many units.
// docs/alerts.md describes the methods, their parameters and defaults.
package detect
