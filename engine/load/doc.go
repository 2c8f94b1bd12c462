// Package load loads a snapshot directory into the store: it checks the
// manifest (row counts, SHA-256), reads each table from Parquet, CSV
// (UTF-8 or GB18030) or Arrow IPC, validates every row set-wise in DuckDB
// SQL, moves bad rows to the version's quarantine, replaces personal
// identifiers by pseudonyms and vault locators (engine/pii), and publishes
// the version atomically. See docs/snapshot-format.md and docs/store.md.
package load
