// Package models holds PADIS's domain types: the code lists of the national
// standards (sex, marital status, ethnicity, education, registration type,
// contraceptive method, relation to household head, event types, vital
// status), resident ID numbers (GB 11643), the administrative-division tree,
// the records of a full-population individual database (persons,
// households, events and the other sources used for cross-checking) and the
// snapshot manifest.
//
// It imports nothing of PADIS's own, so every other package may use it.
package models
