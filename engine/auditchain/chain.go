// Package auditchain makes audit trails tamper-evident: every record
// carries its sequence number, the hash of the record before it and its
// own hash, a keyed hash (HMAC-SHA256) of the previous hash and the
// record's canonical encoding. Editing, deleting, reordering or inserting
// a record breaks the chain at that record, and without the key nobody can
// compute a chain that verifies.
//
// The dashboards' audit log files and the store's meta.reveal_audit table
// both use it; 'padis audit verify' and padis serve at start check them.
package auditchain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Chain computes and checks the hashes of one audit trail. Its key is
// derived from the store's master key (engine/pii.Keys.AuditKey); name
// separates trails, so that a record cannot be moved from one trail to
// another.
type Chain struct {
	key  []byte
	name string
}

// New returns the chain of the trail name under key.
func New(key []byte, name string) (*Chain, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("audit chain %s: the key is %d bytes, want at least 16", name, len(key))
	}
	return &Chain{key: key, name: name}, nil
}

// Name is the trail's name.
func (c *Chain) Name() string { return c.name }

// Genesis is the value the first record of the trail chains from.
func (c *Chain) Genesis() string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("padis audit genesis v1\x00" + c.name))
	return hex.EncodeToString(m.Sum(nil))
}

// Sum is the hash of a record whose canonical encoding is canonical and
// whose predecessor's hash is prev: HMAC-SHA256(key, prev || "\n" ||
// canonical), hex-encoded.
func (c *Chain) Sum(prev string, canonical []byte) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(prev))
	m.Write([]byte{'\n'})
	m.Write(canonical)
	return hex.EncodeToString(m.Sum(nil))
}

// Entry is one record of a trail as read back for verification.
type Entry struct {
	Where      string // where the record is: "DIR/audit.jsonl line 3", "meta.reveal_audit row 7"
	Seq        int64  // its sequence number (1 for the first record of the trail)
	Prev       string // the hash of the record before, as stored
	Hash       string // its hash, as stored
	Canonical  []byte // its canonical encoding (what Sum covers besides Prev)
	Unreadable error  // the record could not be decoded
}

// Break kinds.
const (
	Edited     = "edited"     // the record's content or chain fields were changed
	Deleted    = "deleted"    // records before this one are missing
	Reordered  = "reordered"  // the record is out of its place
	Inserted   = "inserted"   // the record was added (a forgery or a copy)
	Unreadable = "unreadable" // the record cannot be decoded
)

// Break is the first record where a trail does not verify.
type Break struct {
	Index  int    // position of the record in the entries given to Verify
	Where  string // the record's Where
	Seq    int64  // the record's sequence number as stored
	Kind   string // Edited, Deleted, Reordered, Inserted or Unreadable
	Detail string
}

func (b *Break) Error() string {
	return fmt.Sprintf("%s: %s: %s", b.Where, b.Kind, b.Detail)
}

// Result is what Verify found.
type Result struct {
	Records int    // entries checked
	Head    string // the hash of the last record (the genesis value when empty)
	Seq     int64  // the last record's sequence number
	Break   *Break // nil when the whole trail verifies
}

// Verify checks entries in order and names the first record where the
// chain breaks. What broke is classified from the stored sequence numbers
// and links: a record whose hash is not the keyed hash of its content was
// edited (or, when the record after it links straight to the one before,
// inserted); a genuine record after a gap was preceded by deleted records,
// or by records moved out of place when the missing number comes later; a
// genuine record whose number was already seen is an inserted copy.
// Deleting the newest records leaves a shorter chain that verifies: the
// head (Result.Seq and Head) is what an operator notes to detect that.
func (c *Chain) Verify(entries []Entry) Result {
	res := Result{Records: len(entries), Head: c.Genesis()}
	prev, expect := c.Genesis(), int64(1)
	seen := make(map[int64]bool, len(entries))
	brk := func(i int, kind, format string, args ...any) Result {
		e := entries[i]
		res.Break = &Break{Index: i, Where: e.Where, Seq: e.Seq, Kind: kind, Detail: fmt.Sprintf(format, args...)}
		return res
	}
	for i, e := range entries {
		if e.Unreadable != nil {
			return brk(i, Unreadable, "%v", e.Unreadable)
		}
		if e.Hash == "" {
			return brk(i, Inserted, "the record carries no hash: it was not written by PADIS")
		}
		if !hmac.Equal([]byte(c.Sum(e.Prev, e.Canonical)), []byte(e.Hash)) {
			if i+1 < len(entries) && c.links(entries[i+1], prev, expect) {
				return brk(i, Inserted, "the record's hash does not verify and the record after it links to the one before it")
			}
			return brk(i, Edited, "the record's hash does not match its content (seq %d)", e.Seq)
		}
		if e.Prev != prev || e.Seq != expect {
			switch {
			case e.Seq < expect || seen[e.Seq]:
				return brk(i, Inserted, "a copy of record seq %d, which came earlier; expected seq %d", e.Seq, expect)
			case e.Seq > expect && later(entries[i+1:], expect):
				return brk(i, Reordered, "record seq %d comes before seq %d", e.Seq, expect)
			case e.Seq > expect:
				if expect == e.Seq-1 {
					return brk(i, Deleted, "record seq %d is missing before seq %d", expect, e.Seq)
				}
				return brk(i, Deleted, "records seq %d to %d are missing before seq %d", expect, e.Seq-1, e.Seq)
			default:
				return brk(i, Edited, "the link to the previous record does not match (seq %d)", e.Seq)
			}
		}
		seen[e.Seq] = true
		prev, expect = e.Hash, expect+1
		res.Head, res.Seq = e.Hash, e.Seq
	}
	return res
}

// links reports whether e is the genuine record seq after prev.
func (c *Chain) links(e Entry, prev string, seq int64) bool {
	return e.Unreadable == nil && e.Seq == seq && e.Prev == prev && hmac.Equal([]byte(c.Sum(e.Prev, e.Canonical)), []byte(e.Hash))
}

// later reports whether record seq is among es.
func later(es []Entry, seq int64) bool {
	for _, e := range es {
		if e.Seq == seq && e.Unreadable == nil {
			return true
		}
	}
	return false
}
