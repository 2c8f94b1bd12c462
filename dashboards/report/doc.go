// Package report writes the monthly population situation report
// (人口形势分析月报) of an administrative unit: headline figures with their
// changes, charts, alerts, child-unit and monitoring-county tables, data
// quality, a generated narrative and an appendix of definitions, in Chinese
// or English, as a self-contained HTML page and an A4 PDF.
//
// The pieces, each in a file of its own:
//
//   - the report model (Report, Figure…): every number with its source —
//     indicator, unit, period, value, interval, numerator, denominator and
//     snapshot version — so that a test can check it against the read API;
//   - Builder fills the model from a narrow Reader (reader.go) that an
//     adapter implements over engine/query; the report computes no
//     indicator itself, it only compares the values it is given;
//   - Narrative turns the model into template sentences (narrative.go);
//   - Charts draws the model with package chart (gonum/plot);
//   - RenderHTML and RenderPDF write the documents with the embedded font;
//   - Scheduler runs generation on a cron-style schedule and after each
//     load, archives the files and optionally mails them (SMTP).
//
// Output is reproducible: the same model gives the same bytes apart from
// the generation timestamp, which is printed in one place.
package report
