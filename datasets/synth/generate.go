package synth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/padis/padis/models"
)

// Result describes a finished generation.
type Result struct {
	Manifest *models.Manifest
	Truth    *Truth
	Counties int
	Elapsed  time.Duration
}

// Generate writes a synthetic snapshot to cfg.Out: the tables of
// models.SnapshotTables (Parquet, or CSV on request), manifest.json,
// truth.json and truth/defects. Counties are simulated concurrently on
// cfg.Workers goroutines and written in county order, at most
// cfg.Workers+1 counties being held in memory at a time.
func Generate(ctx context.Context, cfg Config) (*Result, error) {
	return generate(ctx, cfg, nil)
}

// nationEmit is how nation mode changes the writing of one province.
type nationEmit struct {
	hook                 func(*sim) // applied to each county once its ID numbers are assigned
	seqStride, seqOffset int
}

// generate is Generate with the changes of nation mode (ne may be nil).
func generate(ctx context.Context, cfg Config, ne *nationEmit) (*Result, error) {
	begin := time.Now()
	if err := CheckConfig(cfg); err != nil {
		return nil, err
	}
	w, err := newWorld(cfg)
	if err != nil {
		return nil, err
	}
	if err := prepareOut(cfg.Out, cfg.Force); err != nil {
		return nil, &ConfigError{err}
	}
	ws, err := openWriters(cfg)
	if err != nil {
		return nil, err
	}
	if ne != nil {
		ws.hook, ws.seqStride, ws.seqOffset = ne.hook, ne.seqStride, ne.seqOffset
	}
	accs, err := runCounties(ctx, w, ws.emit)
	if err != nil {
		ws.abortAll()
		return nil, err
	}
	entries, err := ws.closeAll()
	if err != nil {
		return nil, err
	}
	scope := w.scopeValue()
	m := &models.Manifest{
		SchemaVersion: models.SchemaVersion, Scope: scope,
		PeriodStart: models.Date{Time: cfg.PeriodStart()}, AsOf: models.Date{Time: cfg.AsOf},
		Producer:  producer(cfg),
		Generator: &models.GenInfo{Seed: cfg.Seed, Persons: cfg.Persons, Months: cfg.Months},
		Files:     entries,
	}
	truth := buildTruth(w, accs, ws.defectCounts, scope)
	if err := writeJSON(filepath.Join(cfg.Out, "truth.json"), truth); err != nil {
		return nil, err
	}
	if err := writeEventual(filepath.Join(cfg.Out, EventualFile), w, accs); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(cfg.Out, "manifest.json"), m); err != nil {
		return nil, err
	}
	return &Result{Manifest: m, Truth: truth, Counties: len(w.scope), Elapsed: time.Since(begin)}, nil
}

func producer(cfg Config) string {
	if cfg.Producer != "" {
		return cfg.Producer
	}
	return "padis generate"
}

// scopeValue returns the manifest scope.
func (w *world) scopeValue() models.Scope {
	if w.scopeKind == "province" {
		return models.Scope{Kind: "province", Province: w.cfg.Province, Name: w.scopeName}
	}
	s := models.Scope{Kind: "counties", Name: w.scopeName}
	if w.cfg.Scope == ScopeProvince {
		s.Province = w.cfg.Province
	}
	for _, sc := range w.scope {
		s.Counties = append(s.Counties, sc.code)
	}
	return s
}

// prepareOut creates the output directory and checks that it is empty
// (unless force) and writable.
func prepareOut(dir string, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory %s: %w", dir, err)
	}
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("output directory %s: %w", dir, err)
	}
	names, err := f.Readdirnames(1)
	f.Close()
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("output directory %s: %w", dir, err)
	}
	if len(names) > 0 && !force {
		return fmt.Errorf("output directory %s is not empty (use --force to overwrite)", dir)
	}
	probe, err := os.CreateTemp(dir, ".padis-probe-*")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// writeJSON writes v indented, with a final newline.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// openWriters opens one writer per output table.
func openWriters(cfg Config) (*writers, error) {
	ws := &writers{migrantSeq: map[int64]int{}, defectCounts: map[string]int{}}
	enc := cfg.Encoding
	open := func(t models.Table) (*tableWriter, error) {
		return newTableWriter(cfg.Out, t, cfg.Format, enc)
	}
	var err error
	targets := []struct {
		dst **tableWriter
		t   models.Table
		src bool
	}{
		{&ws.persons, models.PersonsTable, false}, {&ws.households, models.HouseholdsTable, false},
		{&ws.events, models.EventsTable, false}, {&ws.police, models.PoliceTable, true},
		{&ws.certs, models.BirthCertificatesTable, true}, {&ws.deaths, models.DeathsTable, true},
		{&ws.roll, models.BenefitRollTable, true}, {&ws.defects, DefectsTable, false},
	}
	for _, tg := range targets {
		if tg.src && cfg.NoSources {
			continue
		}
		if *tg.dst, err = open(tg.t); err != nil {
			ws.abortAll()
			return nil, err
		}
	}
	return ws, nil
}

func (ws *writers) all() []*tableWriter {
	var out []*tableWriter
	for _, tw := range []*tableWriter{ws.persons, ws.households, ws.events, ws.police, ws.certs, ws.deaths, ws.roll, ws.defects} {
		if tw != nil {
			out = append(out, tw)
		}
	}
	return out
}

func (ws *writers) abortAll() {
	for _, tw := range ws.all() {
		tw.abort()
	}
}

// closeAll closes every writer and returns the manifest entries of the
// snapshot tables (truth/defects is not part of the snapshot).
func (ws *writers) closeAll() ([]models.FileEntry, error) {
	var entries []models.FileEntry
	var first error
	for _, tw := range ws.all() {
		e, err := tw.close()
		if err != nil && first == nil {
			first = err
		}
		if tw != ws.defects {
			entries = append(entries, e)
		}
	}
	return entries, first
}

// runCounties simulates the counties on cfg.Workers goroutines and hands
// them to sink in county order; it returns the merged truth accumulators.
func runCounties(ctx context.Context, w *world, sink func(*sim) error) ([]*acc, error) {
	n := len(w.scope)
	results := make([]chan *sim, n)
	for i := range results {
		results[i] = make(chan *sim, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, w.cfg.Workers+1)
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for k := 0; k < n; k++ {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	for i := 0; i < w.cfg.Workers; i++ {
		go func() {
			for k := range jobs {
				s := newSim(w, w.scope[k])
				s.run()
				s.finalize()
				results[k] <- s
			}
		}()
	}
	accs := make([]*acc, n)
	for k := range accs {
		accs[k] = newAcc()
	}
	for k := 0; k < n; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var s *sim
		select {
		case s = <-results[k]:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if err := sink(s); err != nil {
			return nil, err
		}
		for _, j := range sortedKeys(s.tr.accs) {
			accs[j].merge(s.tr.accs[j])
		}
		<-sem
	}
	return accs, nil
}

// sortedKeys returns the keys of m in increasing order.
func sortedKeys(m map[int]*acc) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
