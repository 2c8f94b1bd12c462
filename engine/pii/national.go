package pii

import (
	"crypto/hmac"
	"crypto/sha256"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// NationalPseudonym returns the national exchange pseudonym of an ID number:
// the first 128 bits of HMAC-SHA256(nationalKey, Normalize(id)) in UUID text
// form. Every province and the national node compute it the same way with
// the one national exchange key, which is distinct from each province's own
// pseudonym key, so records of one person meet at the centre while a
// province's store pseudonyms stay unlinkable to other provinces'.
func NationalPseudonym(nationalKey []byte, id string) string {
	mac := hmac.New(sha256.New, nationalKey)
	mac.Write([]byte(Normalize(id)))
	u := duckdb.UUID([PseudonymSize]byte(mac.Sum(nil)[:PseudonymSize]))
	return u.String()
}
