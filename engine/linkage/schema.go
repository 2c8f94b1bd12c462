package linkage

import (
	"context"
	"fmt"
)

// Tables of the linkage schema.
const (
	RunsTable   = "linkage.runs"   // one row per linked version: counts and options
	ItemsTable  = "linkage.items"  // worklist items per version
	StatusTable = "linkage.status" // status history per scope and item id (kept across versions)
	ParamsTable = "linkage.params" // Fellegi–Sunter m/u probabilities and weights per version
	// LinksTable holds, per version, every death record and birth
	// certificate linked to a card (source, record_id, person_id, method):
	// the matches of the dual-system estimates (engine/dse).
	LinksTable = "linkage.links"
)

// Worklist kinds (fixed ids).
const (
	KindDuplicate         = "duplicate"           // two cards with the same ID pseudonym
	KindProbableDuplicate = "probable_duplicate"  // a scored pair of cards without a usable ID
	KindUnregistered      = "unregistered"        // 漏管: in the police register, not in the database
	KindUnregisteredBirth = "unregistered_birth"  // 漏报: birth certificate, no birth record
	KindUndead            = "undead"              // 死亡未销户: death record, alive in the database
	KindMismatchSex       = "mismatch_sex"        // sex differs between the database and a source
	KindMismatchBirthDate = "mismatch_birth_date" // birth date differs
	KindMismatchResidence = "mismatch_residence"  // registration place differs from the police register
	KindOverCoverage      = "over_coverage"       // on the register, unknown to every source
)

// Kinds lists the worklist kinds in display order.
var Kinds = []string{KindDuplicate, KindProbableDuplicate, KindUnregistered, KindUnregisteredBirth, KindUndead,
	KindMismatchSex, KindMismatchBirthDate, KindMismatchResidence, KindOverCoverage}

// Item statuses.
const (
	StatusOpen       = "open"
	StatusVerified   = "verified"
	StatusCorrected  = "corrected"
	StatusFalseMatch = "false_match"
)

// Statuses lists the item statuses.
var Statuses = []string{StatusOpen, StatusVerified, StatusCorrected, StatusFalseMatch}

// ddl creates the linkage schema. Items and runs are keyed by version;
// the status history by scope and item id, so that a verdict outlives the
// version it was given on.
const ddl = `CREATE SCHEMA IF NOT EXISTS linkage;
CREATE TABLE IF NOT EXISTS linkage.runs (
	version BIGINT NOT NULL, scope VARCHAR NOT NULL, as_of DATE NOT NULL, built_at TIMESTAMP NOT NULL,
	duration_ms BIGINT NOT NULL, options VARCHAR NOT NULL, counts VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS linkage.items (
	version BIGINT NOT NULL, scope VARCHAR NOT NULL, item_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
	reason VARCHAR NOT NULL, village VARCHAR, person_id VARCHAR, other_person_id VARCHAR,
	source VARCHAR, record_id VARCHAR, score DOUBLE, event_date DATE, evidence VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS linkage.status (
	seq BIGINT NOT NULL, scope VARCHAR NOT NULL, item_id VARCHAR NOT NULL, status VARCHAR NOT NULL,
	who VARCHAR NOT NULL, set_at TIMESTAMP NOT NULL, note VARCHAR NOT NULL, version BIGINT NOT NULL);
CREATE SEQUENCE IF NOT EXISTS linkage.status_seq;
CREATE TABLE IF NOT EXISTS linkage.params (
	version BIGINT NOT NULL, field VARCHAR NOT NULL, m DOUBLE NOT NULL, u DOUBLE NOT NULL,
	agree DOUBLE NOT NULL, disagree DOUBLE NOT NULL);
CREATE TABLE IF NOT EXISTS linkage.links (
	version BIGINT NOT NULL, source VARCHAR NOT NULL, record_id VARCHAR NOT NULL, person_id VARCHAR NOT NULL,
	method VARCHAR NOT NULL);
CREATE OR REPLACE VIEW linkage.current_status AS
	SELECT scope, item_id, status, who, set_at, note, version FROM linkage.status
	QUALIFY row_number() OVER (PARTITION BY scope, item_id ORDER BY set_at DESC, seq DESC) = 1;`

// migrate creates the linkage schema when it does not exist.
func migrate(ctx context.Context, exec func(ctx context.Context, q string) error) error {
	if err := exec(ctx, ddl); err != nil {
		return fmt.Errorf("linkage: create schema: %w", err)
	}
	return nil
}
