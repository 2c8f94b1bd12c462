// Package query is the one read API of the indicator cube: an indicator
// for a unit and period, its children (drill-down), its ancestors, its
// time series, a population pyramid, a table of all units at a level, the
// monitoring panel and the lineage of any value; and the export of values
// as JSON, CSV (UTF-8 with BOM), Arrow IPC stream and Parquet.
//
// Values come from the cube tables written by engine/cube: cube.values
// where they are materialised, otherwise derived on read from cube.measures
// with cube.Derive, the same code that materialises them.
package query
