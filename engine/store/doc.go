// Package store owns the PADIS DuckDB database: its configuration, the
// catalog of snapshot versions, the division list used for validation and
// the quarantine of rejected rows.
//
// Each loaded snapshot is a version with its own DuckDB schema v<N>
// holding the tables persons, households, events (and police,
// birth_certificates, deaths when the snapshot has sources), its
// quarantine and its PII vault. A version is "loading" while engine/load
// fills it and becomes visible only when it is published, which is a tiny
// transaction on the catalog; versions still "loading" when the store is
// opened again (a killed or failed load) are dropped then.
//
// Engine packages query a version with plain SQL through DB and Table;
// dashboards never see the handle (they read through engine/query).
package store
