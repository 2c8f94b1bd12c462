package cube

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "embed"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/datasets/synth"
	"github.com/padis/padis/engine/cpuclock"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/sqlfile"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

//go:embed testdata/bench/handwritten.sql
var handwrittenSQL string

// BenchmarkCube measures, in one run on one generated snapshot (province
// 51, 36 months, default defects; PADIS_CUBE_PERSONS persons, default
// 1,000,000; PADIS_CUBE_WORK keeps the snapshot and store between runs):
//
//   - the full cube build against the same numbers computed by the plain
//     SQL of testdata/bench/handwritten.sql in DuckDB (best of 2 each,
//     alternated), and, when PostgreSQL 15 is installed, in PostgreSQL
//     started on 127.0.0.1 by the benchmark;
//   - an incremental refresh for a typical monthly update (the previous
//     month's snapshot is derived from this one) against a full build;
//
// engine/query's BenchmarkQueries then times the query API on this cube.
//
// Run: go test -run XXX -bench Cube -benchtime 1x -timeout 60m ./engine/cube
func BenchmarkCube(b *testing.B) {
	ctx := context.Background()
	persons := 1_000_000
	if s := os.Getenv("PADIS_CUBE_PERSONS"); s != "" {
		persons, _ = strconv.Atoi(s)
	}
	work := os.Getenv("PADIS_CUBE_WORK")
	if work == "" {
		work = b.TempDir()
	}
	snap := filepath.Join(work, fmt.Sprintf("snapshot-%d", persons))
	if _, err := os.Stat(filepath.Join(snap, "manifest.json")); err != nil {
		cfg := synth.DefaultConfig()
		cfg.Persons, cfg.Out, cfg.NoSources, cfg.Force, cfg.Workers = persons, snap, true, true, 2
		t0 := time.Now()
		if _, err := synth.Generate(ctx, cfg); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d persons in %s", persons, time.Since(t0).Round(time.Millisecond))
	}
	st, err := store.Open(ctx, store.Config{Dir: filepath.Join(work, fmt.Sprintf("store-%d", persons)), Threads: 2, MemoryLimit: "8GB"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// Cap DuckDB's spill files (the 10 M hand-written script spills).
	if _, err := st.DB().ExecContext(ctx, `SET max_temp_directory_size = '15GB'`); err != nil {
		b.Fatal(err)
	}
	cur, err := st.Current(ctx, "51")
	if err != nil {
		tree, err := datasets.Divisions()
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		rep, err := load.Load(ctx, st, snap, load.Options{Keys: cubetest.Keys(b), Divisions: tree})
		if err != nil {
			b.Fatal(err)
		}
		cur = rep.Version
		b.Logf("loaded in %s", time.Since(t0).Round(time.Millisecond))
	}
	var np, ne int64
	st.DB().QueryRow(`SELECT (SELECT count(*) FROM `+st.Table(cur.ID, models.TablePersons)+`), (SELECT count(*) FROM `+st.Table(cur.ID, models.TableEvents)+`)`).Scan(&np, &ne)
	b.Logf("version %d: %d person rows, %d event rows, %s … %s", cur.ID, np, ne, cur.PeriodStart.Format(time.DateOnly), cur.AsOf.Format(time.DateOnly))

	// 1. Full build vs hand-written SQL, alternated, best of
	// PADIS_CUBE_ROUNDS (default 2).
	rounds := 2
	if s := os.Getenv("PADIS_CUBE_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	padis, hand := make([]timing, rounds), make([]timing, rounds)
	var res *Result
	// PADIS_CUBE_HAND=skip leaves the hand-written SQL out (to measure the
	// refresh alone).
	skipHand := os.Getenv("PADIS_CUBE_HAND") == "skip"
	for i := 0; i < rounds; i++ {
		if !skipHand {
			var steps []string
			hand[i] = timed(func() error {
				var err error
				steps, err = runHandwritten(ctx, st, cur)
				return err
			})
			b.Logf("round %d: hand-written DuckDB steps %s", i+1, strings.Join(steps, ", "))
		}
		padis[i] = timed(func() error {
			var err error
			res, err = Build(ctx, st, cur.ID, Options{})
			return err
		})
		b.Logf("round %d: PADIS %s, hand-written DuckDB %s", i+1, padis[i], hand[i])
	}
	bp, bh := best(padis), best(hand)
	b.Logf("cube: %d measure rows, %d age rows, %d values; steps %v", res.MeasureRows, res.AgeRows, res.ValueRows, res.Steps)
	b.ReportMetric(bp.wall.Seconds(), "padis-s")
	if !skipHand {
		checkSameNumbers(b, st, cur.ID)
		b.ReportMetric(bh.wall.Seconds(), "duckdb-hand-s")
		b.ReportMetric(bp.wall.Seconds()/bh.wall.Seconds(), "padis/hand")
		b.ReportMetric(bp.cpu.Seconds()/bh.cpu.Seconds(), "padis/hand-cpu")
	}

	// 2. PostgreSQL (PADIS_CUBE_PG=skip leaves it out: it takes minutes).
	if os.Getenv("PADIS_CUBE_PG") == "skip" {
		b.Log("PostgreSQL: skipped (PADIS_CUBE_PG=skip)")
	} else if pg, err := postgresTime(ctx, b, st, cur, work); err != nil {
		b.Logf("PostgreSQL: %v", err)
	} else {
		b.ReportMetric(pg.wall.Seconds(), "postgres-s")
		b.ReportMetric(bp.wall.Seconds()/pg.wall.Seconds(), "padis/postgres")
		b.ReportMetric(bp.cpu.Seconds()/pg.cpu.Seconds(), "padis/postgres-cpu")
	}

	// PADIS_CUBE_REFRESH=skip stops after the full build (10 M runs).
	if os.Getenv("PADIS_CUBE_REFRESH") == "skip" {
		return
	}
	// 3. Monthly update: refresh from the previous month's cube.
	prev := previousMonth(ctx, b, st, cur)
	if _, err := Build(ctx, st, prev.ID, Options{}); err != nil {
		b.Fatal(err)
	}
	var inc *Result
	ti := timed(func() error {
		var err error
		inc, err = Refresh(ctx, st, cur.ID, Options{})
		return err
	})
	if inc.Mode != "incremental" {
		b.Fatalf("refresh mode %s", inc.Mode)
	}
	var hashed int64
	st.DB().QueryRow(`SELECT count(*) FROM cube.persons WHERE version = ?`, cur.ID).Scan(&hashed)
	b.Logf("refresh from version %d: %s; %d of %d persons changed, %d recomputed; %d of %d months, %d villages changed; %d of %d values computed; steps %v",
		prev.ID, ti, inc.PersonsChanged, hashed, inc.PersonsRecomputed, inc.MonthsRecomputed, inc.Months, inc.VillagesChanged, inc.ValuesComputed, inc.ValueRows, inc.Steps)
	if !skipHand {
		checkSameNumbers(b, st, cur.ID)
	}
	b.ReportMetric(ti.wall.Seconds(), "refresh-s")
	b.ReportMetric(ti.wall.Seconds()/bp.wall.Seconds(), "refresh/full")
	b.ReportMetric(ti.cpu.Seconds()/bp.cpu.Seconds(), "refresh/full-cpu")
}

// timing is the wall and process CPU time of one run.
type timing struct{ wall, cpu time.Duration }

func (t timing) String() string {
	return fmt.Sprintf("%s (cpu %s)", t.wall.Round(time.Millisecond), t.cpu.Round(time.Millisecond))
}

func timed(fn func() error) timing {
	c0 := cpuclock.Process()
	t0 := time.Now()
	if err := fn(); err != nil {
		panic(err)
	}
	return timing{time.Since(t0), cpuclock.Process() - c0}
}

func best(ts []timing) timing {
	b := ts[0]
	for _, t := range ts[1:] {
		if t.wall < b.wall {
			b = t
		}
	}
	return b
}

// handVars returns the placeholders of handwritten.sql.
func handVars(persons, events string, v *store.Version) map[string]string {
	first, last := monthIndex(v.PeriodStart), monthIndex(v.AsOf)
	pe := v.AsOf.AddDate(0, 0, 1)
	var months, pmap []string
	for mi := first; mi <= last; mi++ {
		s, e := monthStart(mi), monthStart(mi+1)
		if e.After(pe) {
			e = pe
		}
		months = append(months, fmt.Sprintf("(%d, %d, %d, DATE '%s', DATE '%s', %d, %d)", mi, mi/12, mi%12+1,
			s.Format(time.DateOnly), e.Format(time.DateOnly), ymd(e.AddDate(0, 0, -1)), ymd(s.AddDate(0, 0, 14))))
	}
	for _, p := range periodMap(first, last) {
		pmap = append(pmap, fmt.Sprintf("(%d, '%s', '%s', %t)", p.month, p.ptype, p.period, p.last))
	}
	return map[string]string{"persons": persons, "events": events, "ps": store.Quote(v.PeriodStart.Format(time.DateOnly)),
		"pe": store.Quote(pe.Format(time.DateOnly)), "months": strings.Join(months, ", "), "pmap": strings.Join(pmap, ", ")}
}

// runHandwritten runs handwritten.sql on one DuckDB connection and keeps
// its results as main.h_measures and main.h_age. It returns the wall time
// of each statement that took a second or more ("h_vm 12.3s").
func runHandwritten(ctx context.Context, st *store.Store, v *store.Version) ([]string, error) {
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var steps []string
	script := sqlfile.Expand(handwrittenSQL, handVars(st.Table(v.ID, models.TablePersons), st.Table(v.ID, models.TableEvents), v))
	for _, stmt := range handStatements(script) {
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return steps, fmt.Errorf("hand-written SQL: %w\n%s", err, stmt)
		}
		if d := time.Since(t0); d >= time.Second {
			steps = append(steps, handName(stmt)+" "+d.Round(100*time.Millisecond).String())
		}
	}
	// Persist the results like the cube does.
	for _, t := range []string{"h_measures", "h_age"} {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE main.`+t+` AS SELECT * FROM temp.`+t); err != nil {
			return steps, err
		}
	}
	conn.ExecContext(ctx, `DROP VIEW IF EXISTS temp.h_pm`)
	for _, t := range []string{"h_months", "h_pmap", "h_people", "h_spells", "h_births", "h_pvm", "h_evm", "h_vm", "h_cm", "h_am", "h_um", "h_measures", "h_age"} {
		conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.`+t)
	}
	return steps, nil
}

// handStatements splits the expanded hand-written script into its
// statements (separated by ";\n"), comments and empty ones left out.
func handStatements(script string) []string {
	var out []string
	for _, stmt := range strings.Split(script, ";\n") {
		if s := strings.TrimSpace(stripComments(stmt)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// handName is the name of the table or view a statement creates ("h_vm").
func handName(stmt string) string {
	f := strings.Fields(stmt)
	for i, w := range f {
		if (w == "TABLE" || w == "VIEW") && i+1 < len(f) {
			return f[i+1]
		}
	}
	return f[0]
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// checkSameNumbers compares the cube with the hand-written tables.
func checkSameNumbers(b *testing.B, st *store.Store, version int64) {
	if err := sameNumbers(st, version, "main.h_measures"); err != nil {
		b.Fatalf("cube and hand-written SQL differ: %v", err)
	}
}

// sameNumbers compares the version's cube.measures with the rows of rel
// (a table or table function with the columns of h_measures) for every
// unit down to counties and every period: births, person-years,
// population, households and special assistance.
func sameNumbers(st *store.Store, version int64, rel string) error {
	var bad, n, nh int
	err := st.DB().QueryRow(`SELECT count(*) FROM cube.measures c JOIN (SELECT * FROM `+rel+` WHERE level <= 3) h USING (division, level, ptype, period)
		WHERE c.version = ? AND c.level <= 3 AND (abs(c.births - h.births) > 1e-6 OR abs(c.person_years - h.person_years) > 1e-6
		OR abs(c.population - coalesce(h.population, 0)) > 1e-6 OR abs(c.eligible_special - coalesce(h.eligible_special, 0)) > 1e-6
		OR abs(c.households - coalesce(h.households, 0)) > 1e-6)`, version).Scan(&bad)
	if err != nil {
		return err
	}
	st.DB().QueryRow(`SELECT count(*) FROM cube.measures WHERE version = ? AND level <= 3`, version).Scan(&n)
	st.DB().QueryRow(`SELECT count(*) FROM ` + rel + ` WHERE level <= 3`).Scan(&nh)
	if bad > 0 || n == 0 || n != nh {
		return fmt.Errorf("%d rows differ; %d vs %d rows down to counties", bad, n, nh)
	}
	return nil
}

// previousMonth derives the snapshot of one month earlier from v: events
// recorded after its as-of date removed, persons registered after it
// removed, deaths and move-outs after it undone. It is published as a
// version of the same scope (not through the loader: the tables are
// copies of a loaded version).
func previousMonth(ctx context.Context, b *testing.B, st *store.Store, v *store.Version) *store.Version {
	asOf := time.Date(v.AsOf.Year(), v.AsOf.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	pv := &store.Version{Scope: v.Scope, ScopeDef: v.ScopeDef, AsOf: asOf, PeriodStart: v.PeriodStart, Producer: "bench: previous month of " + strconv.FormatInt(v.ID, 10),
		Fingerprint: fmt.Sprintf("bench-prev-%d-%d", v.ID, time.Now().UnixNano()), KeyID: v.KeyID, StartedAt: time.Now()}
	if err := st.Begin(ctx, pv); err != nil {
		b.Fatal(err)
	}
	d := store.Quote(asOf.Format(time.DateOnly))
	for _, q := range []string{
		`CREATE TABLE ` + st.Table(pv.ID, models.TablePersons) + ` AS SELECT * REPLACE (
			CASE WHEN status_date > DATE ` + d + ` THEN '1' ELSE vital_status END AS vital_status,
			CASE WHEN status_date > DATE ` + d + ` THEN NULL ELSE status_date END AS status_date)
		FROM ` + st.Table(v.ID, models.TablePersons) + ` WHERE registered_date <= DATE ` + d,
		`CREATE TABLE ` + st.Table(pv.ID, models.TableEvents) + ` AS SELECT * FROM ` + st.Table(v.ID, models.TableEvents) + ` WHERE recorded_date <= DATE ` + d,
		`CREATE TABLE ` + st.Table(pv.ID, models.TableHouseholds) + ` AS SELECT * FROM ` + st.Table(v.ID, models.TableHouseholds),
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			st.Abandon(pv)
			b.Fatal(err)
		}
	}
	pv.LoadedAt = time.Now()
	if err := st.Publish(ctx, pv); err != nil {
		b.Fatal(err)
	}
	return pv
}

// postgresTime exports the version's persons and events, starts a
// PostgreSQL 15 server on 127.0.0.1 in a temporary cluster, loads them and
// times handwritten.sql there (the computation only: wall, and the CPU of
// the server's processes). It returns an error when PostgreSQL is not
// installed.
//
// The server is set up for one analytical session on this machine: 2
// parallel workers (the machine's cores), work_mem 512 MB, shared_buffers
// 2 GB, no durability (fsync, full-page writes and synchronous commit off,
// minimal WAL), temporary files capped at 20 GB. The script runs as
// written except that its TEMP tables are created UNLOGGED (PostgreSQL
// never scans temporary tables in parallel workers; unlogged tables skip
// the WAL just the same) and each table is ANALYZEd after it is created
// (autovacuum would come too late for the next statement's plan).
func postgresTime(ctx context.Context, b *testing.B, st *store.Store, v *store.Version, work string) (timing, error) {
	bin := "/usr/lib/postgresql/15/bin"
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		return timing{}, fmt.Errorf("not installed (%v)", err)
	}
	dir, err := os.MkdirTemp(work, "pg-")
	if err != nil {
		return timing{}, err
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	data := filepath.Join(dir, "data")
	asPG := func(name string, args ...string) *exec.Cmd {
		if os.Geteuid() == 0 {
			return exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
		}
		return exec.CommandContext(ctx, name, args...)
	}
	if out, err := asPG(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale").CombinedOutput(); err != nil {
		return timing{}, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	port := strconv.Itoa(20000 + os.Getpid()%20000)
	opts := "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c work_mem=512MB" +
		" -c max_worker_processes=8 -c max_parallel_workers=2 -c max_parallel_workers_per_gather=2" +
		" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0" +
		" -c max_wal_size=20GB -c temp_file_limit=20GB"
	if out, err := asPG(filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start").CombinedOutput(); err != nil {
		return timing{}, fmt.Errorf("pg_ctl start: %v\n%s", err, out)
	}
	defer asPG(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop").Run()
	psql := func(script string) (string, error) {
		f := filepath.Join(dir, fmt.Sprintf("s%d.sql", time.Now().UnixNano()))
		if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
			return "", err
		}
		out, err := exec.CommandContext(ctx, "psql", "-X", "-q", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-f", f).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("psql: %v\n%s", err, out)
		}
		return string(out), nil
	}
	// Export and load the columns the computation reads.
	pcols := "person_id, sex, birth_date, reg_place, reg_type, res_place, household_id, vital_status, status_date, marital_status, contraception, children_born, children_living, mother_person_id, father_person_id"
	ecols := "event_id, event_type, person_id, event_date, recorded_date, place, from_place, to_place, birth_order, policy_conforming, mother_person_id, spouse_person_id"
	pcsv, ecsv := filepath.Join(dir, "persons.csv"), filepath.Join(dir, "events.csv")
	for _, q := range []string{
		`COPY (SELECT ` + pcols + ` FROM ` + st.Table(v.ID, models.TablePersons) + `) TO ` + store.Quote(pcsv) + ` (HEADER)`,
		`COPY (SELECT ` + ecols + ` FROM ` + st.Table(v.ID, models.TableEvents) + `) TO ` + store.Quote(ecsv) + ` (HEADER)`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			return timing{}, err
		}
	}
	os.Chmod(pcsv, 0o644)
	os.Chmod(ecsv, 0o644)
	ddl := `CREATE UNLOGGED TABLE persons (person_id text, sex text, birth_date date, reg_place text, reg_type text, res_place text, household_id text,
		vital_status text, status_date date, marital_status text, contraception text, children_born int, children_living int, mother_person_id text, father_person_id text);
	CREATE UNLOGGED TABLE events (event_id text, event_type text, person_id text, event_date date, recorded_date date, place text, from_place text, to_place text,
		birth_order int, policy_conforming boolean, mother_person_id text, spouse_person_id text);
	\copy persons FROM '` + pcsv + `' CSV HEADER
	\copy events FROM '` + ecsv + `' CSV HEADER
	ANALYZE persons; ANALYZE events;`
	t0 := time.Now()
	if _, err := psql(ddl); err != nil {
		return timing{}, err
	}
	b.Logf("PostgreSQL: exported and loaded in %s", time.Since(t0).Round(time.Second))
	os.Remove(pcsv)
	os.Remove(ecsv)
	// The script, statement by statement, each timed by psql.
	var sb strings.Builder
	sb.WriteString("\\timing on\n")
	for _, stmt := range handStatements(sqlfile.Expand(handwrittenSQL, handVars("persons", "events", v))) {
		stmt = strings.Replace(stmt, "CREATE TEMP TABLE", "CREATE UNLOGGED TABLE", 1)
		stmt = strings.Replace(stmt, "CREATE TEMP VIEW", "CREATE VIEW", 1)
		name := handName(stmt)
		sb.WriteString("\\echo step " + name + "\n" + stmt + ";\n")
		if strings.HasPrefix(stmt, "CREATE UNLOGGED TABLE") {
			sb.WriteString("ANALYZE " + name + ";\n")
		}
	}
	cpu0, err := postgresCPU(data)
	if err != nil {
		return timing{}, err
	}
	t0 = time.Now()
	out, err := psql(sb.String())
	if err != nil {
		return timing{}, err
	}
	wall := time.Since(t0)
	time.Sleep(200 * time.Millisecond) // the backend exits and is reaped
	cpu1, err := postgresCPU(data)
	if err != nil {
		return timing{}, err
	}
	// Step times: the statement's "Time:" lines after each "step" line.
	var steps []string
	var step string
	var ms float64
	for _, l := range strings.Split(out, "\n") {
		if n, ok := strings.CutPrefix(l, "step "); ok {
			if ms >= 1000 {
				steps = append(steps, fmt.Sprintf("%s %.1fs", step, ms/1000))
			}
			step, ms = n, 0
		} else if f := strings.Fields(l); len(f) >= 2 && f[0] == "Time:" {
			x, _ := strconv.ParseFloat(f[1], 64)
			ms += x
		}
	}
	if ms >= 1000 {
		steps = append(steps, fmt.Sprintf("%s %.1fs", step, ms/1000))
	}
	// Same numbers as the cube.
	mcsv := filepath.Join(dir, "measures.csv")
	if _, err := psql(`\copy (SELECT division, level, ptype, period, births, person_years, population, eligible_special, households FROM h_measures WHERE level <= 3) TO '` + mcsv + `' CSV HEADER`); err != nil {
		return timing{}, err
	}
	if err := sameNumbers(st, v.ID, `read_csv(`+store.Quote(mcsv)+`, header = true, types = {'division': 'VARCHAR', 'ptype': 'VARCHAR', 'period': 'VARCHAR'})`); err != nil {
		return timing{}, fmt.Errorf("PostgreSQL and the cube differ: %w", err)
	}
	b.Log("PostgreSQL: same numbers as the cube down to counties")
	t := timing{wall, cpu1 - cpu0}
	b.Logf("PostgreSQL 15 on 127.0.0.1:%s: hand-written SQL %s; steps (with ANALYZE) %s", port, t, strings.Join(steps, ", "))
	return t, nil
}

// postgresCPU is the CPU time (user + system) used so far by the server
// of the cluster in data: the postmaster and its children that have
// exited (backends and parallel workers), from /proc.
func postgresCPU(data string) (time.Duration, error) {
	pid, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	stat, err := os.ReadFile("/proc/" + strings.SplitN(string(pid), "\n", 2)[0] + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name: utime, stime, cutime, cstime are
	// fields 14–17 of stat, in clock ticks (100 per second).
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	var ticks int64
	for _, x := range f[11:15] {
		n, _ := strconv.ParseInt(x, 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}
