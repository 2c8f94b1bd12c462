package store

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Defaults, safe for a 24 GB machine that also runs the dashboards.
const (
	DefaultDir         = "padis-data"
	DefaultMemoryLimit = "8GB"
	DBFileName         = "padis.duckdb"
)

// Config configures a store.
type Config struct {
	Dir         string // data directory; holds padis.duckdb, the key file and tmp/
	Threads     int    // DuckDB threads; 0 means GOMAXPROCS
	MemoryLimit string // memory budget of the process, e.g. "8GB" (see DuckDBMemoryLimit)
	TempDir     string // DuckDB temp_directory (spill files); "" means Dir/tmp
}

// ConfigFromEnv returns the configuration from the environment: PADIS_DATA
// (else ./padis-data), PADIS_THREADS, PADIS_MEMORY_LIMIT, PADIS_TEMP_DIR.
// getenv is os.Getenv in production. Flags override the result.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{Dir: getenv("PADIS_DATA"), MemoryLimit: getenv("PADIS_MEMORY_LIMIT"), TempDir: getenv("PADIS_TEMP_DIR")}
	if s := getenv("PADIS_THREADS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return Config{}, fmt.Errorf("PADIS_THREADS=%q: want a whole number", s)
		}
		c.Threads = n
	}
	return c.withDefaults(), nil
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Dir == "" {
		c.Dir = DefaultDir
	}
	if c.Threads == 0 {
		c.Threads = runtime.GOMAXPROCS(0)
	}
	if c.MemoryLimit == "" {
		c.MemoryLimit = DefaultMemoryLimit
	}
	if c.TempDir == "" {
		c.TempDir = filepath.Join(c.Dir, "tmp")
	}
	return c
}

// validate rejects values that would be pasted into SQL unsafely.
func (c Config) validate() error {
	if c.Threads < 1 || c.Threads > 1024 {
		return fmt.Errorf("store config: threads %d outside 1–1024", c.Threads)
	}
	if _, _, ok := parseSize(c.MemoryLimit); !ok {
		return fmt.Errorf("store config: memory limit %q: want a size like 8GB or 500MB", c.MemoryLimit)
	}
	if strings.ContainsAny(c.TempDir, "'\x00") {
		return fmt.Errorf("store config: temp directory %q contains a quote", c.TempDir)
	}
	return nil
}

// DuckDBShare is the part of Config.MemoryLimit given to DuckDB as its
// memory_limit. DuckDB's limit covers its buffer pool, not every
// allocation it makes, and the Go side (the vault batches, the functions'
// values) lives outside it: with the whole budget as memory_limit a 20 M
// person load peaked at 8.1 GiB of resident memory under "8GB". The rest
// is that headroom.
const DuckDBShare = 0.8

// DuckDBMemoryLimit returns DuckDB's memory_limit for the configured
// budget: DuckDBShare of it, in the same unit ("8GB" → "6.4GB", "50%" →
// "40%"). The budget must have passed validate.
func (c Config) DuckDBMemoryLimit() string {
	n, unit, _ := parseSize(c.MemoryLimit)
	return strconv.FormatFloat(n*DuckDBShare, 'f', -1, 64) + unit
}

// parseSize splits a size such as "8GB", " 10gb " or "50%" into its number
// and its upper-case unit, and reports whether it is one DuckDB takes.
func parseSize(s string) (n float64, unit string, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	num := strings.TrimRight(s, "KMGTIB%")
	unit = s[len(num):]
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	switch unit {
	case "B", "KB", "MB", "GB", "TB", "KIB", "MIB", "GIB", "TIB", "%":
		return n, unit, err == nil
	}
	return 0, "", false
}

// DBPath returns the path of the DuckDB file.
func (c Config) DBPath() string { return filepath.Join(c.Dir, DBFileName) }
