// Package pii keeps personal identifiers out of plain sight in the store.
//
// Resident ID numbers, names and parents' ID numbers are replaced in the
// DuckDB file by keyed pseudonyms (HMAC-SHA256 under a secret key,
// truncated to 128 bits and stored as a DuckDB UUID) that still allow linking and
// counting, and the originals are kept encrypted with AES-256-GCM in a
// vault table for authorised reveal. The keys never enter the database: they
// come from the environment, a key file, or a key created on first run in
// the data directory with owner-only permissions.
package pii
