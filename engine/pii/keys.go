package pii

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MasterKeySize is the size in bytes of the master key.
const MasterKeySize = 32

// KeyFileName is the name of the key file created in the data directory
// when no key is configured.
const KeyFileName = "padis.key"

// Keys holds the secrets derived from the master key: one for pseudonyms,
// one for the vault. A Keys value is immutable and safe for concurrent use.
type Keys struct {
	mac []byte // HMAC-SHA256 key for pseudonyms
	enc []byte // AES-256 key for the vault
	aud []byte // HMAC-SHA256 key for the audit hash chains
	// ID is a short public fingerprint of the master key, stored with each
	// version so that a load under another key is detected.
	ID string
}

// KeySource tells where a key came from.
type KeySource struct {
	Kind    string // "env", "file" or "created"
	Path    string // the key file, for kinds file and created
	Created bool   // the key was created by this call
}

// NewKeys derives the pseudonym and vault keys from a 32-byte master key
// with HKDF-SHA256.
func NewKeys(master []byte) (*Keys, error) {
	if len(master) != MasterKeySize {
		return nil, fmt.Errorf("pii: master key is %d bytes, want %d", len(master), MasterKeySize)
	}
	mac, err := hkdf.Key(sha256.New, master, nil, "padis pseudonym hmac v1", 32)
	if err != nil {
		return nil, fmt.Errorf("pii: derive pseudonym key: %w", err)
	}
	enc, err := hkdf.Key(sha256.New, master, nil, "padis vault aes-256-gcm v1", 32)
	if err != nil {
		return nil, fmt.Errorf("pii: derive vault key: %w", err)
	}
	aud, err := hkdf.Key(sha256.New, master, nil, "padis audit chain v1", 32)
	if err != nil {
		return nil, fmt.Errorf("pii: derive audit key: %w", err)
	}
	id, err := hkdf.Key(sha256.New, master, nil, "padis key id v1", 6)
	if err != nil {
		return nil, fmt.Errorf("pii: derive key id: %w", err)
	}
	return &Keys{mac: mac, enc: enc, aud: aud, ID: fmt.Sprintf("%x", id)}, nil
}

// AuditKey is the key of the audit hash chains (auditchain): derived from
// the master key, so that whoever can write an audit file or the store but
// cannot read the key cannot forge a chain that verifies.
func (k *Keys) AuditKey() []byte { return append([]byte(nil), k.aud...) }

// ParseKey decodes a base64 (standard or URL, padded or not) master key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != MasterKeySize {
				return nil, fmt.Errorf("key is %d bytes after base64 decoding, want %d", len(b), MasterKeySize)
			}
			return b, nil
		}
	}
	return nil, errors.New("key is not valid base64")
}

// LoadKeys finds the master key and derives the keys. In order: the
// environment variable PADIS_KEY (base64 of 32 bytes), the file named by
// PADIS_KEY_FILE, the file dataDir/padis.key; when none exists the key file
// is created in dataDir with mode 0600 and the source says so, so that the
// caller can tell the user where it is. getenv is os.Getenv in production.
func LoadKeys(dataDir string, getenv func(string) string) (*Keys, KeySource, error) {
	if s := getenv("PADIS_KEY"); s != "" {
		master, err := ParseKey(s)
		if err != nil {
			return nil, KeySource{}, fmt.Errorf("PADIS_KEY: %w", err)
		}
		k, err := NewKeys(master)
		return k, KeySource{Kind: "env"}, err
	}
	path := getenv("PADIS_KEY_FILE")
	explicit := path != ""
	if !explicit {
		path = filepath.Join(dataDir, KeyFileName)
	}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		master, err := ParseKey(string(b))
		if err != nil {
			return nil, KeySource{}, fmt.Errorf("key file %s: %w", path, err)
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			return nil, KeySource{}, fmt.Errorf("key file %s: permissions %v are open to others; run chmod 600 %s", path, fi.Mode().Perm(), path)
		}
		k, err := NewKeys(master)
		return k, KeySource{Kind: "file", Path: path}, err
	case !errors.Is(err, fs.ErrNotExist) || explicit:
		return nil, KeySource{}, fmt.Errorf("key file: %w", err)
	}
	master := make([]byte, MasterKeySize)
	if _, err := rand.Read(master); err != nil {
		return nil, KeySource{}, fmt.Errorf("create key: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, KeySource{}, fmt.Errorf("create key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, KeySource{}, fmt.Errorf("create key file %s: %w", path, err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(master) + "\n"); err != nil {
		f.Close()
		return nil, KeySource{}, fmt.Errorf("write key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, KeySource{}, fmt.Errorf("write key file %s: %w", path, err)
	}
	k, err := NewKeys(master)
	return k, KeySource{Kind: "created", Path: path, Created: true}, err
}
