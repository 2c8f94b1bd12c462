// Package chart draws the monthly report's charts with gonum/plot from
// plain inputs (slices and small structs) and renders them to PNG and SVG
// with the embedded CJK font (package fonts), so that Chinese and Latin
// labels come out the same on every machine.
//
// Every chart function returns a *plot.Plot and its natural size; Render
// turns it into bytes. Labels come in Chinese or English (models.Lang).
package chart
