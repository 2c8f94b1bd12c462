package main

// The flags and helpers the subcommands share: the store, a snapshot
// version, a unit report's output, the language, numbers for people.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// storeFlags are the flags every store command shares. Unset flags fall
// back to the environment (PADIS_DATA, PADIS_THREADS, PADIS_MEMORY_LIMIT,
// PADIS_TEMP_DIR) and then to the defaults (./padis-data, GOMAXPROCS,
// 8GB, DATA/tmp).
type storeFlags struct {
	data, memoryLimit, tempDir string
	threads                    int
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	f := &storeFlags{}
	fs.StringVar(&f.data, "data", "", "data directory holding padis.duckdb and padis.key (default $PADIS_DATA, else ./padis-data)")
	fs.IntVar(&f.threads, "threads", 0, "DuckDB threads (default $PADIS_THREADS, else the number of CPUs)")
	fs.StringVar(&f.memoryLimit, "memory-limit", "", "memory budget, e.g. 8GB; DuckDB gets 80% of it (default $PADIS_MEMORY_LIMIT, else 8GB)")
	fs.StringVar(&f.tempDir, "temp-dir", "", "DuckDB spill and load work directory (default $PADIS_TEMP_DIR, else DATA/tmp)")
	return f
}

// config merges flags over the environment.
func (f *storeFlags) config() (store.Config, error) {
	cfg, err := store.ConfigFromEnv(os.Getenv)
	if err != nil {
		return store.Config{}, usageErrorf("%v", err)
	}
	if f.data != "" {
		cfg.Dir = f.data
		if os.Getenv("PADIS_TEMP_DIR") == "" {
			cfg.TempDir = ""
		}
	}
	if f.threads != 0 {
		cfg.Threads = f.threads
	}
	if f.memoryLimit != "" {
		cfg.MemoryLimit = f.memoryLimit
	}
	if f.tempDir != "" {
		cfg.TempDir = f.tempDir
	}
	return cfg, nil
}

func (f *storeFlags) open(ctx context.Context) (*store.Store, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, cfg)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// group writes n with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + group(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// versionFlags are --version and --scope, naming one snapshot version.
type versionFlags struct {
	version *int64
	scope   *string
}

func addVersionFlags(fs interface {
	Int64(string, int64, string) *int64
	String(string, string, string) *string
}) versionFlags {
	return versionFlags{fs.Int64("version", 0, "snapshot version"), fs.String("scope", "", "the current version of this scope")}
}

// resolve returns the version named by the flags; with neither, def.
func (f versionFlags) resolve(ctx context.Context, st *store.Store, def func() (int64, error)) (int64, error) {
	return resolveVersion(ctx, st, *f.version, *f.scope, def)
}

// resolveVersion is the one rule of the commands that read a snapshot
// version: version when given, else the current version of scope, else
// def; both given is a usage error.
func resolveVersion(ctx context.Context, st *store.Store, version int64, scope string, def func() (int64, error)) (int64, error) {
	switch {
	case version != 0 && scope != "":
		return 0, usageErrorf("give at most one of --version and --scope")
	case version != 0:
		return version, nil
	case scope != "":
		v, err := st.Current(ctx, scope)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	}
	return def()
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// unitReportFlags are the --division, --json and --csv flags of the
// quality reports on one unit.
type unitReportFlags struct {
	division      *string
	asJSON, asCSV *bool
}

// addUnitReportFlags adds the flags with their usage texts.
func addUnitReportFlags(fs *flag.FlagSet, divisionUsage, jsonUsage, csvUsage string) unitReportFlags {
	return unitReportFlags{fs.String("division", "", divisionUsage), fs.Bool("json", false, jsonUsage), fs.Bool("csv", false, csvUsage)}
}

// parse parses args and requires --division and at most one of --json
// and --csv.
func (u unitReportFlags) parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *u.division == "" {
		return usageErrorf("--division is required")
	}
	if *u.asJSON && *u.asCSV {
		return usageErrorf("give at most one of --json and --csv")
	}
	return nil
}

// parseLang parses a --lang flag: zh (the default) or en.
func parseLang(s string) (models.Lang, error) {
	switch s {
	case "zh", "":
		return models.ZH, nil
	case "en":
		return models.EN, nil
	}
	return 0, usageErrorf("-lang %q: want zh or en", s)
}
