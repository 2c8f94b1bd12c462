// Package exchange builds, signs and verifies the exchange packages a
// province node sends the national node (两级信息处理), and runs the
// national node: it imports packages, keeps every accepted version and
// merges the provinces' cube measures into one national cube in the same
// cube schema, so that engine/query, the dashboards and the report read it
// unchanged.
//
// A package is a directory (or a tar of it) holding manifest.json, its
// Ed25519 signature manifest.sig and Parquet files whose SHA-256 the
// manifest lists. docs/exchange-format.md documents every file and column.
package exchange

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/padis/padis/models"
)

// FormatVersion is the version of the package format this code writes and
// reads.
const FormatVersion = 1

// File names inside a package.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.sig"
)

// Package file kinds (File.Kind).
const (
	KindMeasures = "measures" // cube.measures rows
	KindAge      = "age"      // cube.age rows
	KindMigrants = "migrants" // models.CrossMigrant
	KindBenefits = "benefits" // models.BenefitRecipient
	KindDeaths   = "deaths"   // models.CrossDeath
	KindFeedback = "feedback" // models.Feedback
	KindStored   = "stored"   // cube.values rows of the stored indicators (models.KindStored)
)

// requiredKinds are the files every package has (benefits only when the
// province's version has a benefit roll).
var requiredKinds = []string{KindMeasures, KindAge, KindStored, KindMigrants, KindDeaths, KindFeedback}

// File is one data file of a package.
type File struct {
	Kind   string `json:"kind"`
	Path   string `json:"path"` // relative to the package directory
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Manifest describes one package. The signature covers its bytes as
// written (manifest.json).
type Manifest struct {
	Format       int       `json:"format"`
	ID           string    `json:"id"` // "<province>-<sequence, 6 digits>"
	Province     string    `json:"province"`
	Scope        string    `json:"scope"`          // the province's scope key
	Version      int64     `json:"source_version"` // the province store's snapshot version
	Fingerprint  string    `json:"source_fingerprint"`
	AsOf         string    `json:"as_of"`        // YYYY-MM-DD
	PeriodStart  string    `json:"period_start"` // YYYY-MM-DD
	Months       []string  `json:"months"`       // every month the province's cube covers (YYYY-MM)
	Sent         []string  `json:"sent_months"`  // the months whose rows (and every period containing them) are in this package
	Incremental  bool      `json:"incremental"`  // false: the package replaces everything the nation holds of the province
	Sequence     int64     `json:"sequence"`     // 1, 2, … per province
	Previous     string    `json:"previous,omitempty"`
	AgeLevel     int       `json:"age_level"`     // deepest level of cube.age
	ValueLevel   int       `json:"value_level"`   // deepest level of materialised values
	MonthDigests []string  `json:"month_digests"` // "YYYY-MM:sha256" of each month's measure and age rows
	CreatedAt    time.Time `json:"created_at"`
	Files        []File    `json:"files"`
}

// File returns the entry of kind.
func (m *Manifest) File(kind string) (File, bool) {
	for _, f := range m.Files {
		if f.Kind == kind {
			return f, true
		}
	}
	return File{}, false
}

// digests returns the month digests as a map.
func (m *Manifest) digests() map[string]string {
	out := map[string]string{}
	for _, d := range m.MonthDigests {
		if k, v, ok := strings.Cut(d, ":"); ok {
			out[k] = v
		}
	}
	return out
}

// PackageID returns the id of a province's package number seq.
func PackageID(province string, seq int64) string { return fmt.Sprintf("%s-%06d", province, seq) }

// storedIDs returns the quoted ids of the catalog's stored indicators, the
// values engine packages compute from the records (data quality,
// worklists), which are sent as values since no measure derives them.
func storedIDs() string {
	ids := []string{"''"}
	for _, ind := range models.DefaultCatalog().All() {
		if ind.Kind == models.KindStored {
			ids = append(ids, "'"+strings.ReplaceAll(ind.ID, "'", "''")+"'")
		}
	}
	return strings.Join(ids, ", ")
}

// Key file names in a province's data directory.
const (
	SigningKeyFile = "exchange.key" // base64 Ed25519 seed, mode 0600
	PublicKeyFile  = "exchange.pub" // base64 Ed25519 public key
)

// SigningKey returns the province's signing key kept in dataDir, creating
// the key pair on first use.
func SigningKey(dataDir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dataDir, SigningKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("exchange: generate signing key: %w", err)
		}
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("exchange: %w", err)
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(priv.Seed())+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("exchange: write signing key: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dataDir, PublicKeyFile), []byte(EncodePublicKey(pub)+"\n"), 0o644); err != nil {
			return nil, fmt.Errorf("exchange: write public key: %w", err)
		}
		return priv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("exchange: read signing key: %w", err)
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("exchange: signing key %s is not a base64 Ed25519 seed", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// EncodePublicKey returns the text form of a public key (base64).
func EncodePublicKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParsePublicKey reads the text form of a public key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("not a base64 Ed25519 public key")
	}
	return ed25519.PublicKey(b), nil
}

// fileSHA256 returns the hex SHA-256 of a file.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeSigned writes m as manifest.json and its signature into dir.
func writeSigned(dir string, m *Manifest, key ed25519.PrivateKey) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), b, 0o644); err != nil {
		return err
	}
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, b))
	return os.WriteFile(filepath.Join(dir, SignatureFile), []byte(sig+"\n"), 0o644)
}

// ReadManifest reads a package's manifest without verifying it.
func ReadManifest(dir string) (*Manifest, []byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, nil, fmt.Errorf("package %s: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, fmt.Errorf("package %s: %s is not a valid manifest: %w", dir, ManifestFile, err)
	}
	return &m, b, nil
}

// Errors of verification; every refusal wraps one.
var (
	ErrSignature  = errors.New("signature does not verify")
	ErrChecksum   = errors.New("checksum mismatch")
	ErrIncomplete = errors.New("package incomplete")
	ErrUntrusted  = errors.New("province not trusted")
	ErrOrder      = errors.New("out of order")
	ErrFormat     = errors.New("bad package")
)

// Verify checks a package directory against the public key of its
// province: the signature of manifest.json, the format, the files (each
// listed file present with its SHA-256, every required kind there, no
// path leaving the directory). It returns the manifest.
func Verify(dir string, pub ed25519.PublicKey) (*Manifest, error) {
	m, raw, err := ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	sb, err := os.ReadFile(filepath.Join(dir, SignatureFile))
	if err != nil {
		return nil, fmt.Errorf("package %s: %w: %s missing", m.ID, ErrSignature, SignatureFile)
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sb)))
	if err != nil || !ed25519.Verify(pub, raw, sig) {
		return nil, fmt.Errorf("package %s: %w against the registered key of province %s", m.ID, ErrSignature, m.Province)
	}
	if m.Format != FormatVersion {
		return nil, fmt.Errorf("package %s: %w: format %d, this node reads %d", m.ID, ErrFormat, m.Format, FormatVersion)
	}
	if m.ID != PackageID(m.Province, m.Sequence) {
		return nil, fmt.Errorf("package %s: %w: id does not match province %s and sequence %d", m.ID, ErrFormat, m.Province, m.Sequence)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		clean := filepath.Clean(f.Path)
		if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") || strings.ContainsRune(clean, filepath.Separator) {
			return nil, fmt.Errorf("package %s: %w: file path %q", m.ID, ErrFormat, f.Path)
		}
		sum, err := fileSHA256(filepath.Join(dir, clean))
		if err != nil {
			return nil, fmt.Errorf("package %s: %w: %s (%s) is missing", m.ID, ErrIncomplete, f.Path, f.Kind)
		}
		if sum != f.SHA256 {
			return nil, fmt.Errorf("package %s: %w: %s has SHA-256 %s, the manifest says %s", m.ID, ErrChecksum, f.Path, sum, f.SHA256)
		}
		seen[f.Kind] = true
	}
	for _, k := range requiredKinds {
		if !seen[k] {
			return nil, fmt.Errorf("package %s: %w: no %s file", m.ID, ErrIncomplete, k)
		}
	}
	return m, nil
}
