package auditchain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
)

// trail builds n chained entries.
func trail(t *testing.T, c *Chain, n int) []Entry {
	t.Helper()
	prev := c.Genesis()
	var es []Entry
	for i := 1; i <= n; i++ {
		e := Entry{Where: fmt.Sprintf("line %d", i), Seq: int64(i), Prev: prev, Canonical: fmt.Appendf(nil, `{"seq":%d,"what":"r%d"}`, i, i)}
		e.Hash = c.Sum(prev, e.Canonical)
		prev = e.Hash
		es = append(es, e)
	}
	return es
}

// renumber gives entries the Where of their new position, as a reader would.
func renumber(es []Entry) []Entry {
	for i := range es {
		es[i].Where = fmt.Sprintf("line %d", i+1)
	}
	return es
}

func TestVerify(t *testing.T) {
	c, err := New([]byte("0123456789abcdef0123456789abcdef"), "test")
	if err != nil {
		t.Fatal(err)
	}
	forged := func(es []Entry) []Entry {
		f := es[2]
		f.Canonical = []byte(`{"seq":3,"what":"forged"}`)
		f.Hash = sum256Hex(f.Canonical) // a forger without the key
		return renumber(slices.Insert(es, 2, f))
	}
	tests := []struct {
		name   string
		change func([]Entry) []Entry
		kind   string
		where  string
	}{
		{"clean", func(es []Entry) []Entry { return es }, "", ""},
		{"edited", func(es []Entry) []Entry { es[2].Canonical = []byte(`{"seq":3,"what":"other"}`); return es }, Edited, "line 3"},
		{"edited prev", func(es []Entry) []Entry { es[3].Prev = es[1].Hash; return es }, Edited, "line 4"},
		{"deleted", func(es []Entry) []Entry { return renumber(slices.Delete(es, 2, 3)) }, Deleted, "line 3"},
		{"deleted first", func(es []Entry) []Entry { return renumber(es[2:]) }, Deleted, "line 1"},
		{"reordered", func(es []Entry) []Entry { es[2], es[3] = es[3], es[2]; return renumber(es) }, Reordered, "line 3"},
		{"inserted copy", func(es []Entry) []Entry { return renumber(slices.Insert(es, 4, es[1])) }, Inserted, "line 5"},
		{"inserted forgery", forged, Inserted, "line 3"},
		{"unchained", func(es []Entry) []Entry { es[1].Hash = ""; return es }, Inserted, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Verify(tt.change(trail(t, c, 6)))
			switch {
			case tt.kind == "" && res.Break != nil:
				t.Fatalf("clean trail broke: %v", res.Break)
			case tt.kind == "":
				if res.Seq != 6 || res.Records != 6 {
					t.Errorf("head seq %d, records %d: want 6, 6", res.Seq, res.Records)
				}
			case res.Break == nil:
				t.Fatalf("tampering not detected")
			case res.Break.Kind != tt.kind || res.Break.Where != tt.where:
				t.Errorf("break %v: want %s at %s", res.Break, tt.kind, tt.where)
			}
		})
	}
	// Another key does not verify the same trail.
	other, _ := New([]byte("fedcba9876543210fedcba9876543210"), "test")
	if res := other.Verify(trail(t, c, 2)); res.Break == nil || res.Break.Where != "line 1" {
		t.Errorf("a trail verified under another key: %+v", res)
	}
}

// sum256Hex is what a forger without the key could compute.
func sum256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
