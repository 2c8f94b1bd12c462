package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"strings"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// PseudonymSize is the size in bytes of a pseudonym: the first 128 bits
// of the HMAC. The store keeps it as a DuckDB UUID (16 bytes, fixed width:
// half the size of its hex, and cheaper to hash and join on).
const PseudonymSize = 16

// Pseudonymizer computes pseudonyms. It is not safe for concurrent use;
// make one per goroutine with Keys.Pseudonymizer.
type Pseudonymizer struct {
	mac hash.Hash
	sum [sha256.Size]byte
}

// Pseudonymizer returns a new pseudonymizer under k.
func (k *Keys) Pseudonymizer() *Pseudonymizer {
	return &Pseudonymizer{mac: hmac.New(sha256.New, k.mac)}
}

// Normalize is the canonical form a value is pseudonymised in: surrounding
// space removed and a lower-case ID check character 'x' upper-cased, so
// that the same person gets the same pseudonym across files.
func Normalize(v string) string {
	if head, x := normalized(v); x {
		return head + "X"
	}
	return strings.TrimSpace(v)
}

// normalized returns Normalize(v) without copying: the trimmed value, cut
// before a final lower-case ID check character 'x' when x is true (the
// normal form is then head + "X").
func normalized(v string) (head string, x bool) {
	v = strings.TrimSpace(v)
	if n := len(v); n == 18 && v[n-1] == 'x' {
		return v[:n-1], true
	}
	return v, false
}

var upperX = []byte{'X'}

// Sum returns the pseudonym of v: the first 128 bits of
// HMAC-SHA256(key, Normalize(v)), normalising without copying v.
func (p *Pseudonymizer) Sum(v string) [PseudonymSize]byte {
	head, x := normalized(v)
	p.mac.Reset()
	p.mac.Write(unsafe.Slice(unsafe.StringData(head), len(head))) // the hash only reads it
	if x {
		p.mac.Write(upperX)
	}
	p.mac.Sum(p.sum[:0])
	return [PseudonymSize]byte(p.sum[:PseudonymSize])
}

// Pseudonym returns the pseudonym of v as the store prints it: the UUID
// text form of Sum (8-4-4-4-12 hexadecimal digits). DuckDB compares a UUID
// column with this text, or with the 32 digits without hyphens.
func (p *Pseudonymizer) Pseudonym(v string) string {
	u := duckdb.UUID(p.Sum(v))
	return u.String()
}

// Pseudonym is a convenience that computes one pseudonym under k.
func (k *Keys) Pseudonym(v string) string {
	return k.Pseudonymizer().Pseudonym(v)
}
