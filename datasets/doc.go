// Package datasets holds PADIS's embedded reference data: the 2023
// statistical division tree (nation to village), the 2020 census figures
// for the nation and the 31 provinces with the calibration assumptions the
// synthetic generator and the projections start from, and the default panel
// of 120 monitoring counties (监测县).
//
// Sources, and which numbers are census figures and which are assumptions,
// are in docs/datasets.md. The division data is under the WTFPL
// (data/LICENSE).
package datasets

//go:generate go run ./internal/gendivisions -src ../../shared/data/divisions -out data/divisions.txt.gz
