package exchange

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// signedPackage writes a package with one small file per required kind,
// signed with key, and returns its directory and manifest.
func signedPackage(t *testing.T, key ed25519.PrivateKey, edit func(m *Manifest, dir string)) string {
	t.Helper()
	dir := t.TempDir()
	m := &Manifest{Format: FormatVersion, Province: "11", Scope: "11", Sequence: 2, ID: PackageID("11", 2), Previous: "11-000001",
		AsOf: "2025-12-31", Months: []string{"2025-12"}, Sent: []string{"2025-12"}}
	for _, k := range requiredKinds {
		name := k + ".parquet"
		if err := os.WriteFile(filepath.Join(dir, name), []byte("rows of "+k), 0o644); err != nil {
			t.Fatal(err)
		}
		sum, _ := fileSHA256(filepath.Join(dir, name))
		m.Files = append(m.Files, File{Kind: k, Path: name, Rows: 1, SHA256: sum})
	}
	if edit != nil {
		edit(m, dir)
	}
	if err := writeSigned(dir, m, key); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestVerify: a package verifies against its province's key and is
// refused, with the error of its kind, when anything about it is wrong.
func TestVerify(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	if m, err := Verify(signedPackage(t, key, nil), pub); err != nil || m.ID != "11-000002" {
		t.Fatalf("good package: %v, %v", m, err)
	}
	cases := []struct {
		name  string
		pub   ed25519.PublicKey
		edit  func(m *Manifest, dir string) // before signing
		after func(dir string)              // after signing
		want  error
	}{
		{"another province's key", otherPub, nil, nil, ErrSignature},
		{"manifest changed after signing", pub, nil, func(dir string) {
			p := filepath.Join(dir, ManifestFile)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(b), "2025-12-31", "2026-12-31", 1)), 0o644)
		}, ErrSignature},
		{"signature missing", pub, nil, func(dir string) { os.Remove(filepath.Join(dir, SignatureFile)) }, ErrSignature},
		{"file changed after signing", pub, nil, func(dir string) {
			os.WriteFile(filepath.Join(dir, "age.parquet"), []byte("other rows"), 0o644)
		}, ErrChecksum},
		{"listed file missing", pub, nil, func(dir string) { os.Remove(filepath.Join(dir, "deaths.parquet")) }, ErrIncomplete},
		{"required kind not listed", pub, func(m *Manifest, dir string) {
			m.Files = slices.DeleteFunc(m.Files, func(f File) bool { return f.Kind == KindStored })
		}, nil, ErrIncomplete},
		{"path outside the package", pub, func(m *Manifest, dir string) { m.Files[0].Path = "../measures.parquet" }, nil, ErrFormat},
		{"id not province and sequence", pub, func(m *Manifest, dir string) { m.ID = "11-000009" }, nil, ErrFormat},
		{"another format", pub, func(m *Manifest, dir string) { m.Format = 2 }, nil, ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := signedPackage(t, key, c.edit)
			if c.after != nil {
				c.after(dir)
			}
			_, err := Verify(dir, c.pub)
			if !errors.Is(err, c.want) {
				t.Errorf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

// TestPeriodsOf: a month is sent with its quarter, year and the twelve
// rolling years containing it.
func TestPeriodsOf(t *testing.T) {
	got := periodsOf([]string{"2025-03"})
	want := []periodKey{{"month", "2025-03"}, {"quarter", "2025-Q1"}, {"year", "2025"}}
	for i := 0; i < 12; i++ {
		want = append(want, periodKey{"r12", "R12-" + []string{"2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08",
			"2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"}[i]})
	}
	if !slices.Equal(got, want) {
		t.Errorf("periodsOf(2025-03) = %v\nwant %v", got, want)
	}
	if n := len(periodsOf([]string{"2025-01", "2025-02"})); n != 2+1+1+13 {
		t.Errorf("two months of one quarter: %d periods, want 17", n)
	}
}

// TestNationalKey: the key comes from the environment or a file and is
// never made up.
func TestNationalKey(t *testing.T) {
	k := make([]byte, 32)
	rand.Read(k)
	enc := base64.StdEncoding.EncodeToString(k)
	file := filepath.Join(t.TempDir(), "national.key")
	os.WriteFile(file, []byte(enc+"\n"), 0o600)
	env := func(m map[string]string) func(string) string { return func(s string) string { return m[s] } }
	for _, c := range []struct {
		name string
		env  map[string]string
		ok   bool
	}{
		{"none", nil, false},
		{"env", map[string]string{NationalKeyEnv: enc}, true},
		{"file", map[string]string{NationalKeyFileEnv: file}, true},
		{"short", map[string]string{NationalKeyEnv: base64.StdEncoding.EncodeToString(k[:16])}, false},
		{"missing file", map[string]string{NationalKeyFileEnv: file + ".x"}, false},
	} {
		got, err := NationalKey(env(c.env))
		if (err == nil) != c.ok || c.ok && string(got) != string(k) {
			t.Errorf("%s: %x, %v", c.name, got, err)
		}
	}
}

// TestSigningKey: created once, then read back.
func TestSigningKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := SigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := SigningKey(dir)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("second read: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, SigningKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("signing key file: %v %v, want mode 0600", fi, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, PublicKeyFile))
	if pub, err := ParsePublicKey(string(b)); err != nil || !pub.Equal(k1.Public()) {
		t.Errorf("public key file: %v", err)
	}
}
