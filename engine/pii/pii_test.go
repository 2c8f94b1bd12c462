package pii

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKeys(t *testing.T) *Keys {
	t.Helper()
	k, err := NewKeys(bytes.Repeat([]byte{1}, MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestPseudonymIsHMAC checks the pseudonym against crypto/hmac directly.
func TestPseudonymIsHMAC(t *testing.T) {
	k := testKeys(t)
	for _, tc := range []struct{ in, norm string }{
		{"510104197003150112", "510104197003150112"},
		{" 51010419760606191x ", "51010419760606191X"},
		{"张伟", "张伟"},
		{"", ""},
	} {
		m := hmac.New(sha256.New, k.mac)
		m.Write([]byte(tc.norm))
		h := hex.EncodeToString(m.Sum(nil))[:2*PseudonymSize]
		want := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		if got := k.Pseudonym(tc.in); got != want {
			t.Errorf("Pseudonym(%q) = %s, want %s", tc.in, got, want)
		}
	}
	other, _ := NewKeys(bytes.Repeat([]byte{2}, MasterKeySize))
	if other.Pseudonym("张伟") == k.Pseudonym("张伟") {
		t.Error("two keys give the same pseudonym")
	}
	if k.Pseudonym("张伟") != k.Pseudonym("张伟 ") {
		t.Error("surrounding space changes the pseudonym")
	}
}

func TestKeysAreSeparated(t *testing.T) {
	k := testKeys(t)
	if bytes.Equal(k.mac, k.enc) {
		t.Fatal("HMAC and AES keys are equal")
	}
	if bytes.Equal(k.mac, bytes.Repeat([]byte{1}, MasterKeySize)) {
		t.Fatal("HMAC key is the master key")
	}
}

func strp(s string) *string { return &s }

func TestVaultRoundTrip(t *testing.T) {
	rows := [][]*string{
		{strp("510104197003150112"), strp("张伟"), nil, nil},
		{nil, strp(""), strp("x"), strp(strings.Repeat("长", 300))},
		{strp("a"), strp("b"), strp("c"), strp("d")},
	}
	plain := EncodeRows(nil, rows)
	k := testKeys(t)
	s, err := k.Sealer()
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Seal(3, "persons", 9, plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Data, []byte("张伟")) || bytes.Contains(b.Data, []byte("510104197003150112")) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := s.Open(3, b)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range rows {
		row, err := DecodeRow(got, i)
		if err != nil {
			t.Fatal(err)
		}
		for j := range want {
			if (want[j] == nil) != (row[j] == nil) || (want[j] != nil && *want[j] != *row[j]) {
				t.Errorf("row %d field %d differs", i, j)
			}
		}
	}
	if _, err := DecodeRow(got, 3); err == nil {
		t.Error("row past the end decoded")
	}
	// Moving a batch to another version, table or number fails.
	for _, tc := range []struct {
		version int64
		b       Batch
	}{
		{4, b},
		{3, Batch{Table: "events", ID: b.ID, Nonce: b.Nonce, Data: b.Data}},
		{3, Batch{Table: b.Table, ID: 10, Nonce: b.Nonce, Data: b.Data}},
	} {
		if _, err := s.Open(tc.version, tc.b); err == nil {
			t.Errorf("batch opened as version %d table %s id %d", tc.version, tc.b.Table, tc.b.ID)
		}
	}
	tampered := append([]byte(nil), b.Data...)
	tampered[0] ^= 1
	if _, err := s.Open(3, Batch{Table: b.Table, ID: b.ID, Nonce: b.Nonce, Data: tampered}); err == nil {
		t.Error("tampered batch opened")
	}
}

func TestLocator(t *testing.T) {
	for _, tc := range []struct {
		batch int64
		i     int
	}{{1, 0}, {1, 2047}, {123456, 17}} {
		b, i := SplitLocator(Locator(tc.batch, tc.i))
		if b != tc.batch || i != tc.i {
			t.Errorf("locator of %d/%d splits to %d/%d", tc.batch, tc.i, b, i)
		}
	}
}

func TestLoadKeys(t *testing.T) {
	master := bytes.Repeat([]byte{9}, MasterKeySize)
	enc := base64.StdEncoding.EncodeToString(master)
	want, _ := NewKeys(master)

	t.Run("env", func(t *testing.T) {
		k, src, err := LoadKeys(t.TempDir(), env(map[string]string{"PADIS_KEY": enc}))
		if err != nil || src.Kind != "env" || k.ID != want.ID {
			t.Fatalf("got %v %+v %v", k, src, err)
		}
	})
	t.Run("bad env", func(t *testing.T) {
		if _, _, err := LoadKeys(t.TempDir(), env(map[string]string{"PADIS_KEY": "c2hvcnQ="})); err == nil || !strings.Contains(err.Error(), "PADIS_KEY") {
			t.Fatalf("short key accepted: %v", err)
		}
	})
	t.Run("file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "k")
		os.WriteFile(p, []byte(enc+"\n"), 0o600)
		k, src, err := LoadKeys(t.TempDir(), env(map[string]string{"PADIS_KEY_FILE": p}))
		if err != nil || src.Path != p || k.ID != want.ID {
			t.Fatalf("got %+v %v", src, err)
		}
	})
	t.Run("file open to others", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "k")
		os.WriteFile(p, []byte(enc), 0o644)
		if _, _, err := LoadKeys(t.TempDir(), env(map[string]string{"PADIS_KEY_FILE": p})); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("world-readable key accepted: %v", err)
		}
	})
	t.Run("created then reused", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		k1, src, err := LoadKeys(dir, env(nil))
		if err != nil || !src.Created || src.Path != filepath.Join(dir, KeyFileName) {
			t.Fatalf("got %+v %v", src, err)
		}
		fi, err := os.Stat(src.Path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file mode %v, %v", fi.Mode().Perm(), err)
		}
		k2, src2, err := LoadKeys(dir, env(nil))
		if err != nil || src2.Created || k2.ID != k1.ID {
			t.Fatalf("second run: %+v %v", src2, err)
		}
	})
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestAppendFieldIsNormalizedEncodeRows checks the encoder padis_seal uses
// against EncodeRows of the normalised values.
func TestAppendFieldIsNormalizedEncodeRows(t *testing.T) {
	for _, tc := range []struct {
		v  string
		ok bool
	}{
		{"", false}, {"", true}, {" 51010419760606191x ", true}, {"51010419760606191X", true},
		{"5101041976060619x", true}, {" 张伟\t", true}, {"x", true},
	} {
		var want *string
		if tc.ok {
			want = strp(Normalize(tc.v))
		}
		if got, w := appendField(nil, tc.v, tc.ok), EncodeRows(nil, [][]*string{{want}})[2:]; !bytes.Equal(got, w) {
			t.Errorf("appendField(%q, %v) = %q, want %q", tc.v, tc.ok, got, w)
		}
	}
}

func TestNationalPseudonym(t *testing.T) {
	k1, k2 := []byte("national-key-one"), []byte("national-key-two")
	a := NationalPseudonym(k1, "11010519491231002x")
	if a != NationalPseudonym(k1, " 11010519491231002X ") {
		t.Fatal("the national pseudonym depends on the ID number's spelling")
	}
	if a == NationalPseudonym(k2, "11010519491231002X") {
		t.Fatal("two national keys give the same pseudonym")
	}
	if len(a) != 36 || strings.Contains(a, "1101051949") {
		t.Fatalf("national pseudonym %q is not a UUID text hiding the ID number", a)
	}
}
