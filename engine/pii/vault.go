package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
)

// The vault keeps the original values of a table's PII columns. Rows are
// sealed in batches (one AES-256-GCM message per batch of up to
// MaxBatchRows rows, i.e. per DuckDB vector) so that a load pays one GCM
// per 2,048 rows and reveal decrypts one small batch. A row points into the
// vault with a locator: batch<<16 | index.

// MaxBatchRows is the largest number of rows in one vault batch.
const MaxBatchRows = 1 << 16

// Locator returns the vault locator of row index i of batch.
func Locator(batch int64, i int) int64 { return batch<<16 | int64(i) }

// SplitLocator returns the batch and index of a locator.
func SplitLocator(loc int64) (batch int64, i int) { return loc >> 16, int(loc & 0xffff) }

// Batch is one sealed vault batch.
type Batch struct {
	Table string // snapshot table, e.g. persons
	ID    int64  // batch number, unique within a version
	Nonce []byte
	Data  []byte // ciphertext and tag
}

// EncodeRows serialises rows of nullable fields: per field a uvarint of
// len+1 (0 for NULL) followed by the bytes.
func EncodeRows(dst []byte, rows [][]*string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(rows)))
	for _, r := range rows {
		dst = binary.AppendUvarint(dst, uint64(len(r)))
		for _, f := range r {
			if f == nil {
				dst = binary.AppendUvarint(dst, 0)
				continue
			}
			dst = binary.AppendUvarint(dst, uint64(len(*f))+1)
			dst = append(dst, *f...)
		}
	}
	return dst
}

// appendField appends one field as EncodeRows does, Normalize applied
// (the vault keeps the value that was pseudonymised).
func appendField(dst []byte, v string, ok bool) []byte {
	if !ok {
		return binary.AppendUvarint(dst, 0)
	}
	head, x := normalized(v)
	if !x {
		return append(binary.AppendUvarint(dst, uint64(len(head))+1), head...)
	}
	return append(append(binary.AppendUvarint(dst, uint64(len(head))+2), head...), 'X')
}

// DecodeRow returns the fields of row i of an encoded batch.
func DecodeRow(b []byte, i int) ([]*string, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return nil, errors.New("vault batch: bad header")
	}
	b = b[k:]
	if uint64(i) >= n || i < 0 {
		return nil, fmt.Errorf("vault batch: row %d of %d", i, n)
	}
	for r := 0; ; r++ {
		nf, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, errors.New("vault batch: truncated row")
		}
		b = b[k:]
		var out []*string
		for f := uint64(0); f < nf; f++ {
			l, k := binary.Uvarint(b)
			if k <= 0 || uint64(len(b)-k) < l-min(l, 1) {
				return nil, errors.New("vault batch: truncated field")
			}
			b = b[k:]
			if l == 0 {
				out = append(out, nil)
				continue
			}
			s := string(b[:l-1])
			b = b[l-1:]
			out = append(out, &s)
		}
		if r == i {
			return out, nil
		}
	}
}

// Sealer seals and opens vault batches under a Keys' vault key. It is safe
// for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// Sealer returns a vault sealer under k.
func (k *Keys) Sealer() (*Sealer, error) {
	block, err := aes.NewCipher(k.enc)
	if err != nil {
		return nil, fmt.Errorf("pii: vault cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("pii: vault cipher: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// aad binds a batch to its version, table and number, so that a batch
// cannot be moved elsewhere without failing authentication.
func aad(version int64, table string, batch int64) []byte {
	return fmt.Appendf(nil, "padis-vault|v%d|%s|%d", version, table, batch)
}

// Seal encrypts an encoded batch plaintext.
func (s *Sealer) Seal(version int64, table string, batch int64, plain []byte) (Batch, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return Batch{}, fmt.Errorf("pii: nonce: %w", err)
	}
	return Batch{Table: table, ID: batch, Nonce: nonce, Data: s.aead.Seal(nil, nonce, plain, aad(version, table, batch))}, nil
}

// Open decrypts a batch.
func (s *Sealer) Open(version int64, b Batch) ([]byte, error) {
	p, err := s.aead.Open(nil, b.Nonce, b.Data, aad(version, b.Table, b.ID))
	if err != nil {
		return nil, fmt.Errorf("pii: vault batch %s/%d of version %d does not decrypt (wrong key or tampered): %w", b.Table, b.ID, version, err)
	}
	return p, nil
}
