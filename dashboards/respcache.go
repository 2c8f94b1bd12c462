package dashboards

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/models"
)

// respCache keeps the encoded JSON of cacheable API answers for a short
// time. The key holds everything an answer depends on besides the data:
// the request URI, the user's jurisdiction, the language and whether the
// user gets public-facing (suppressed) numbers.
type respCache struct {
	ttl      time.Duration
	max      int // entries
	maxBytes int // total size of the kept bodies
	now      func() time.Time

	mu    sync.RWMutex
	m     map[string]respEntry
	bytes int
}

type respEntry struct {
	b []byte // JSON, or the rendered page content
	// gz is b gzipped (JSON), served as is to clients that accept gzip,
	// or b as flushed deflate blocks (page content, see stitchGzip).
	gz []byte
	// crumbs is the breadcrumb of a cached page content.
	crumbs []Crumb
	exp    time.Time
}

func newRespCache(ttl time.Duration, max, maxBytes int, now func() time.Time) *respCache {
	return &respCache{ttl: ttl, max: max, maxBytes: maxBytes, now: now, m: map[string]respEntry{}}
}

func (c *respCache) get(key string) (respEntry, bool) {
	if c == nil {
		return respEntry{}, false
	}
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || c.now().After(e.exp) {
		return respEntry{}, false
	}
	return e, true
}

func (c *respCache) put(key string, e respEntry) {
	if c == nil {
		return
	}
	size := len(e.b) + len(e.gz)
	if size > c.maxBytes/10 {
		return // one answer may not take a tenth of the cache
	}
	e.exp = c.now().Add(c.ttl)
	c.mu.Lock()
	if len(c.m) >= c.max || c.bytes+size > c.maxBytes {
		c.m, c.bytes = map[string]respEntry{}, 0
	}
	if old, ok := c.m[key]; ok {
		c.bytes -= len(old.b) + len(old.gz)
	}
	c.m[key] = e
	c.bytes += size
	c.mu.Unlock()
}

func (c *respCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m, c.bytes = map[string]respEntry{}, 0
	c.mu.Unlock()
}

// responseKey is the cache key of r.
func (r *req) responseKey() string {
	lang := "zh"
	if r.lang == models.EN {
		lang = "en"
	}
	return r.c.Request().URL.RequestURI() + "|" + r.user.Jurisdiction + "|" + lang + "|" + strconv.FormatBool(r.publicExport())
}

// json answers v as JSON. On a cacheable route (whose answers the gzip
// middleware skips) it keeps the encoding and its gzipped form.
func (r *req) json(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if r.cacheKey == "" {
		return r.c.JSONBlob(http.StatusOK, b)
	}
	e := respEntry{b: b}
	if len(b) >= gzipMin {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(b)
		zw.Close()
		e.gz = buf.Bytes()
	}
	r.s.resp.put(r.cacheKey, e)
	return r.writeJSON(e)
}

// gzipMin is the smallest body worth compressing.
const gzipMin = 1024

// writeJSON writes a cached JSON answer, gzipped when the client accepts it.
func (r *req) writeJSON(e respEntry) error {
	h := r.c.Response().Header()
	h.Add("Vary", "Accept-Encoding")
	if e.gz != nil && strings.Contains(r.c.Request().Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		return r.c.Blob(http.StatusOK, "application/json", e.gz)
	}
	return r.c.Blob(http.StatusOK, "application/json", e.b)
}
