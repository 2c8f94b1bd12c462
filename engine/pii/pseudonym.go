package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"unsafe"
)

// PseudonymLen is the length in hex characters of a pseudonym (128 bits).
const PseudonymLen = 32

// Pseudonymizer computes pseudonyms. It is not safe for concurrent use;
// make one per goroutine with Keys.Pseudonymizer.
type Pseudonymizer struct {
	mac hash.Hash
	sum [sha256.Size]byte
	out [PseudonymLen]byte
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

// Pseudonym returns the hex of the first 128 bits of
// HMAC-SHA256(key, Normalize(v)).
func (p *Pseudonymizer) Pseudonym(v string) string {
	return string(p.Append(nil, v))
}

var upperX = []byte{'X'}

// Append appends the pseudonym of v to dst: Normalize without copying v.
func (p *Pseudonymizer) Append(dst []byte, v string) []byte {
	head, x := normalized(v)
	p.mac.Reset()
	p.mac.Write(unsafe.Slice(unsafe.StringData(head), len(head))) // the hash only reads it
	if x {
		p.mac.Write(upperX)
	}
	p.mac.Sum(p.sum[:0])
	hex.Encode(p.out[:], p.sum[:PseudonymLen/2])
	return append(dst, p.out[:]...)
}

// Pseudonym is a convenience that computes one pseudonym under k.
func (k *Keys) Pseudonym(v string) string {
	return k.Pseudonymizer().Pseudonym(v)
}
