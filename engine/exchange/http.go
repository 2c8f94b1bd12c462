package exchange

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// UploadPath is the national node's upload endpoint; StatusPath its
// province status.
const (
	UploadPath = "/api/v1/national/packages"
	StatusPath = "/api/v1/national/status"
)

// OperatorsFile is the file in the national data directory holding the
// national operators' upload credentials (names and SHA-256 of tokens).
const OperatorsFile = "national-operators.json"

// Operator is one national operator credential: provinces' nodes upload
// with "Authorization: Bearer TOKEN"; only the token's hash is kept.
type Operator struct {
	Name      string    `json:"name"`
	TokenHash string    `json:"token_sha256"`
	CreatedAt time.Time `json:"created_at"`
}

var operatorsMu sync.Mutex

// AddOperator creates a national operator credential in dir and returns
// its token, which is shown once.
func AddOperator(dir, name string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", errors.New("national operator: a name is required")
	}
	operatorsMu.Lock()
	defer operatorsMu.Unlock()
	ops, err := readOperators(dir)
	if err != nil {
		return "", err
	}
	for _, o := range ops {
		if o.Name == name {
			return "", fmt.Errorf("national operator %q exists", name)
		}
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	ops = append(ops, Operator{Name: name, TokenHash: tokenHash(tok), CreatedAt: time.Now().UTC()})
	out, err := json.MarshalIndent(ops, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, OperatorsFile), out, 0o600); err != nil {
		return "", fmt.Errorf("national operator: %w", err)
	}
	return tok, nil
}

func tokenHash(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func readOperators(dir string) ([]Operator, error) {
	b, err := os.ReadFile(filepath.Join(dir, OperatorsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("national operators: %w", err)
	}
	var ops []Operator
	if err := json.Unmarshal(b, &ops); err != nil {
		return nil, fmt.Errorf("national operators: %s: %w", OperatorsFile, err)
	}
	return ops, nil
}

// Handler serves the national node's API: POST UploadPath (a package as
// a tar archive, or multipart/form-data with one part per file) and GET
// StatusPath, both for national operators only.
type Handler struct {
	Node *Node
	Dir  string // the national data directory (operators file, incoming packages)
	Log  *slog.Logger
	// MaxBytes bounds an upload (default 4 GiB).
	MaxBytes int64
	// OnImport, when set, is called after a package was accepted (the
	// server re-reads the cube list).
	OnImport func()
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := h.operator(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="padis national"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "a national operator token is required (Authorization: Bearer TOKEN; padis national operator)"})
		return
	}
	switch {
	case r.URL.Path == UploadPath && r.Method == http.MethodPost:
		h.upload(w, r, op)
	case r.URL.Path == StatusPath && r.Method == http.MethodGet:
		st, err := h.Node.Status(r.Context(), r.URL.Query().Get("month"))
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"provinces": st})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such national endpoint"})
	}
}

// operator returns the national operator whose token the request carries.
func (h *Handler) operator(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return "", false
	}
	ops, err := readOperators(h.Dir)
	if err != nil {
		return "", false
	}
	sum := tokenHash(tok)
	for _, o := range ops {
		if subtle.ConstantTimeCompare([]byte(sum), []byte(o.TokenHash)) == 1 {
			return o.Name, true
		}
	}
	return "", false
}

func (h *Handler) upload(w http.ResponseWriter, r *http.Request, op string) {
	limit := h.MaxBytes
	if limit == 0 {
		limit = 4 << 30
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	tmp, err := os.MkdirTemp(filepath.Join(h.Dir), "incoming-")
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	defer os.RemoveAll(tmp)
	if err := receive(r, tmp); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "upload: " + err.Error()})
		return
	}
	res, err := h.Node.Import(r.Context(), tmp)
	log := h.Log
	if log == nil {
		log = slog.Default()
	}
	if err != nil {
		log.Warn("national package refused", "operator", op, "error", err)
		writeJSON(w, refusalStatus(err), map[string]string{"error": err.Error()})
		return
	}
	if h.OnImport != nil {
		h.OnImport()
	}
	log.Info("national package accepted", "operator", op, "package", res.ID, "months", len(res.SentMonths), "duration", res.Duration)
	writeJSON(w, http.StatusCreated, res)
}

// refusalStatus maps a refusal to an HTTP status.
func refusalStatus(err error) int {
	switch {
	case errors.Is(err, ErrUntrusted):
		return http.StatusForbidden
	case errors.Is(err, ErrOrder):
		return http.StatusConflict
	case errors.Is(err, ErrSignature), errors.Is(err, ErrChecksum), errors.Is(err, ErrIncomplete), errors.Is(err, ErrFormat):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// receive writes the files of an uploaded package into dir: a tar archive
// (any content type but multipart) or multipart/form-data, one file part
// per file. Only plain file names are accepted.
func receive(r *http.Request, dir string) error {
	put := func(name string, src io.Reader) error {
		if name != filepath.Base(name) || name == "." || name == ".." || strings.HasPrefix(name, ".") {
			return fmt.Errorf("file name %q: a package holds plain file names only", name)
		}
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, src); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if p.FileName() == "" {
				continue
			}
			if err := put(p.FileName(), p); err != nil {
				return err
			}
		}
	}
	tr := tar.NewReader(r.Body)
	for {
		hd, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a tar archive: %w", err)
		}
		if hd.Typeflag == tar.TypeDir {
			continue
		}
		if hd.Typeflag != tar.TypeReg {
			return fmt.Errorf("tar entry %q is not a regular file", hd.Name)
		}
		if err := put(strings.TrimPrefix(hd.Name, "./"), tr); err != nil {
			return err
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Tar writes the files of the package in dir as a tar archive.
func Tar(dir string, w io.Writer) error {
	m, _, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	names := []string{ManifestFile, SignatureFile}
	for _, f := range m.Files {
		names = append(names, f.Path)
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg, ModTime: m.CreatedAt}); err != nil {
			return err
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	return tw.Close()
}

// Send uploads the package in dir to a national node at baseURL with a
// national operator token and returns the node's answer.
func Send(ctx context.Context, client *http.Client, baseURL, token, dir string) (*ImportResult, error) {
	var buf bytes.Buffer
	if err := Tar(dir, &buf); err != nil {
		return nil, fmt.Errorf("send %s: %w", dir, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(baseURL, "/")+UploadPath, &buf)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-tar")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("send %s: %w", dir, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated {
		var e struct{ Error string }
		json.Unmarshal(body, &e)
		return nil, fmt.Errorf("send %s: the national node refused it (%s): %s", dir, resp.Status, e.Error)
	}
	var res ImportResult
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, fmt.Errorf("send %s: %w", dir, err)
	}
	return &res, nil
}
