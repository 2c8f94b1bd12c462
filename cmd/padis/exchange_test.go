package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/exchange"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// nationTest is a three-province nation: each province a node of its own
// (separate processes and data directories), the national node a padis
// serve --national process.
type nationTest struct {
	password string // of the national node's first admin
	t        *testing.T
	tmp      string
	env      []string
	provs    []string
	snaps    map[string]string // province → snapshot directory
	datas    map[string]string // province → data directory
	pkgs     map[string]string // province → its first package
	natDir   string
}

// proc runs padis in a child process with the test's environment and
// returns its standard output; it fails the test on a non-zero exit.
func (n *nationTest) proc(args ...string) string {
	n.t.Helper()
	out, err := n.procErr(args...)
	if err != nil {
		n.t.Fatalf("padis %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (n *nationTest) procErr(args ...string) (string, error) {
	cmd := padisProcess(n.t, args...)
	cmd.Env = append(cmd.Env, n.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%w: %s", err, errb.String())
	}
	return out.String(), nil
}

// parallel runs fn for every province at once (separate processes).
func (n *nationTest) parallel(fn func(p string)) {
	var wg sync.WaitGroup
	for _, p := range n.provs {
		wg.Add(1)
		go func() { defer wg.Done(); fn(p) }()
	}
	wg.Wait()
}

// TestNationalExchange is the correctness test of the national level
// (issue 18): three provincial nodes load their provinces, export signed
// packages, upload them over HTTP to a national node, which must hold the
// cube of one store loading all three provinces' records (counts exact,
// rates to 1e-9), refuse bad packages without changing anything, hold no
// plaintext identifier, and merge an incremental package touching only
// that province's rows.
func TestNationalExchange(t *testing.T) {
	if testing.Short() {
		t.Skip("runs padis load, export and serve processes")
	}
	for _, k := range []string{"PADIS_KEY", "PADIS_KEY_FILE", "PADIS_DATA", "PADIS_TEMP_DIR", "PADIS_THREADS", "PADIS_MEMORY_LIMIT", exchange.NationalKeyEnv, exchange.NationalKeyFileEnv} {
		t.Setenv(k, "")
	}
	natKey := make([]byte, 32)
	rand.Read(natKey)
	tmp := t.TempDir()
	n := &nationTest{t: t, tmp: tmp, env: []string{exchange.NationalKeyEnv + "=" + base64.StdEncoding.EncodeToString(natKey), "PADIS_THREADS=1"},
		provs: []string{"11", "12", "13"}, snaps: map[string]string{}, datas: map[string]string{}, pkgs: map[string]string{}, natDir: filepath.Join(tmp, "nation")}
	for i, p := range n.provs {
		n.snaps[p], n.datas[p], n.pkgs[p] = filepath.Join(tmp, "snap"+p), filepath.Join(tmp, "data"+p), filepath.Join(tmp, "pkg"+p)
		if code, _, errs := runStore("generate", "--province", p, "--out", n.snaps[p], "--persons", "1500", "--months", "13", "--seed", fmt.Sprint(i+1), "--workers", "1"); code != 0 {
			t.Fatalf("generate %s: %s", p, errs)
		}
	}
	// The provincial nodes: load, export, print the public key.
	pubs := map[string]string{}
	var mu sync.Mutex
	n.parallel(func(p string) {
		n.proc("load", "--data", n.datas[p], "--quiet", n.snaps[p])
		n.proc("export", "--data", n.datas[p], "--scope", p, "--month", "2025-12", "--out", n.pkgs[p])
		k := n.proc("export", "--data", n.datas[p], "--print-public-key")
		mu.Lock()
		pubs[p] = k
		mu.Unlock()
	})
	checkNoPlaintext(t, n)

	// The national node: operators, trusted keys, then serve.
	tok := strings.TrimSpace(n.proc("national", "operator", "--data", n.natDir, "--name", "test"))
	for _, p := range n.provs {
		kf := filepath.Join(tmp, "pub"+p)
		os.WriteFile(kf, []byte(pubs[p]), 0o644)
		n.proc("national", "trust", "--data", n.natDir, "--province", p, "--key", kf)
	}
	base, stop := n.serveNational()
	hc := &http.Client{Timeout: 5 * time.Minute}
	ctx := context.Background()
	send := func(dir string) (*exchange.ImportResult, error) { return exchange.Send(ctx, hc, base, tok, dir) }

	// Refusals first (nothing accepted yet): each a clear error, nothing
	// changed.
	bad := n.badPackages()
	for _, c := range bad {
		_, err := sendMultipart(hc, base, tok, c.dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: send = %v, want a refusal containing %q", c.name, err, c.want)
		}
	}
	if _, err := exchange.Send(ctx, hc, base, "not-a-token", n.pkgs["11"]); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("upload without a national operator token: %v, want 401", err)
	}
	full := map[string]*exchange.ImportResult{}
	for _, p := range n.provs {
		res, err := send(n.pkgs[p])
		if err != nil {
			t.Fatalf("send %s: %v", p, err)
		}
		full[p] = res
	}
	if _, err := send(n.pkgs["12"]); err == nil || !strings.Contains(err.Error(), "out of order") {
		t.Errorf("the same package again: %v, want out of order", err)
	}
	landing := n.landingPage(hc, base)
	stop()

	// The reference: one store loading all three provinces' records.
	combined := n.combinedStore()
	nat := filepath.Join(n.natDir, store.DBFileName)
	provDBs := map[string]string{}
	for _, p := range n.provs {
		provDBs[p] = filepath.Join(n.datas[p], store.DBFileName)
	}
	compareCubes(t, nat, combined, provDBs)

	// The national node reconciled the three provinces' records after each
	// package (engine/reconcile through nationalReconciler).
	rb, err := os.ReadFile(filepath.Join(n.natDir, ReconcileFile))
	if err != nil {
		t.Fatalf("no reconciliation after the imports: %v", err)
	}
	var rec struct {
		Reporting  []string `json:"reporting"`
		Population struct {
			PlainSum  int64 `json:"plain_sum"`
			Corrected int64 `json:"corrected"`
		} `json:"population"`
	}
	if err := json.Unmarshal(rb, &rec); err != nil || strings.Join(rec.Reporting, ",") != "11,12,13" {
		t.Errorf("reconciliation %s: reporting %v (%v), want 11,12,13", ReconcileFile, rec.Reporting, err)
	}

	// engine/query reads the national cube like any cube.
	st, err := store.Open(ctx, store.Config{Dir: n.natDir, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := query.NewWithOptions(ctx, st, query.Options{NoMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range n.provs {
		v, err := eng.Value(ctx, query.Key{Indicator: "tfr", Division: p, Period: "2025"})
		if err != nil || math.IsNaN(v.Value) {
			t.Errorf("national cube: tfr of %s in 2025: %v %v", p, v.Value, err)
		}
	}
	natPop, err := eng.Value(ctx, query.Key{Indicator: "population", Division: models.NationCode, Period: "2025-12"})
	if err != nil {
		t.Errorf("national cube: population of the nation: %v", err)
	}
	var sum float64
	for _, p := range n.provs {
		v, _ := eng.Value(ctx, query.Key{Indicator: "population", Division: p, Period: "2025-12"})
		sum += v.Value
	}
	if natPop.Value != sum || sum == 0 {
		t.Errorf("population of the nation %v, of the three provinces %v", natPop.Value, sum)
	}
	// The national landing page: the nation's key figures from the merged
	// cube, every reporting province with a value for the map.
	if landing.pop == nil || *landing.pop != sum {
		t.Errorf("national overview: population key figure %v, want %v", landing.pop, sum)
	}
	for _, p := range n.provs {
		if !landing.children[p] {
			t.Errorf("national overview: province %s has no value for the map", p)
		}
		if landing.status[p] != exchange.StatusCurrent {
			t.Errorf("national overview: province %s is %q on the card, want current", p, landing.status[p])
		}
	}
	if landing.status["14"] != exchange.StatusMissing {
		t.Errorf("national overview: province 14 is %q on the card, want missing", landing.status["14"])
	}
	eng.Close()
	tree, _ := datasets.Divisions()
	node, err := exchange.OpenNational(ctx, st, tree, nil)
	if err != nil {
		t.Fatal(err)
	}
	sts, err := node.Status(ctx, "2025-12")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		want := exchange.StatusMissing
		if s.Province == "11" || s.Province == "12" || s.Province == "13" {
			want = exchange.StatusCurrent
		}
		if s.Status != want {
			t.Errorf("status of %s: %s, want %s", s.Province, s.Status, want)
		}
	}
	st.Close()

	// Province 13 sends a new month (its next snapshot, as of January): the
	// package is incremental, and the merge touches only 13's rows and the
	// nation's.
	before := provinceDigests(t, nat)
	next := filepath.Join(tmp, "snap13b")
	if code, _, errs := runStore("generate", "--province", "13", "--out", next, "--persons", "1500", "--months", "14", "--as-of", "2026-01-31", "--seed", "3", "--workers", "1"); code != 0 {
		t.Fatalf("generate 13b: %s", errs)
	}
	n.proc("load", "--data", n.datas["13"], "--quiet", next)
	pkg13b := filepath.Join(tmp, "pkg13b")
	out := n.proc("export", "--data", n.datas["13"], "--scope", "13", "--out", pkg13b)
	if !strings.Contains(out, "incremental against 13-000001") {
		t.Errorf("second export of 13: %s, want incremental against 13-000001", out)
	}
	base, stop = n.serveNational()
	inc, err := exchange.Send(ctx, hc, base, tok, pkg13b)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if !inc.Incremental || inc.ID != "13-000002" {
		t.Errorf("incremental package: %+v", inc)
	}
	after := provinceDigests(t, nat)
	for _, p := range []string{"11", "12"} {
		if before[p] != after[p] {
			t.Errorf("the merge of 13's new month changed the rows of province %s", p)
		}
	}
	if before["13"] == after["13"] {
		t.Error("the merge of 13's new month did not change 13's rows")
	}
	// After the incremental merge, 13's rows are those of 13's new cube.
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ATTACH '` + nat + `' AS n (READ_ONLY); ATTACH '` + filepath.Join(n.datas["13"], store.DBFileName) + `' AS p (READ_ONLY)`); err != nil {
		t.Fatal(err)
	}
	var nrows, nbad int64
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE a.indicator IS NULL OR b.indicator IS NULL OR a.flag <> b.flag
			OR (a.value IS NULL) <> (b.value IS NULL) OR abs(a.value - b.value) > 1e-9 * greatest(abs(b.value), 1e-300))
		FROM (SELECT * FROM n.cube.values WHERE left(division, 2) = '13') a
		FULL JOIN (SELECT * FROM p.cube.values WHERE version = (SELECT max(version) FROM p.cube.runs)) b USING (indicator, division, ptype, period, breakdown)`).Scan(&nrows, &nbad); err != nil {
		t.Fatal(err)
	}
	if nrows == 0 || nbad > 0 {
		t.Errorf("after the incremental merge, %d of %d values of province 13 differ from its own new cube", nbad, nrows)
	}
	st, err = store.Open(ctx, store.Config{Dir: n.natDir, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	node, err = exchange.OpenNational(ctx, st, tree, nil)
	if err != nil {
		t.Fatal(err)
	}
	sts, err = node.Status(ctx, "")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if want := map[string]string{"11": exchange.StatusLate, "12": exchange.StatusLate, "13": exchange.StatusCurrent}[s.Province]; want != "" && s.Status != want {
			t.Errorf("after 13 sent January: status of %s is %s, want %s", s.Province, s.Status, want)
		}
	}
	t.Logf("merge of province 13: full %s wall, %s CPU, %d rows; incremental (%d months sent) %s wall, %s CPU, %d rows",
		full["13"].Duration, full["13"].CPU, full["13"].RowsWritten, len(inc.SentMonths), inc.Duration, inc.CPU, inc.RowsWritten)
}

// serveNational starts padis serve --national on the national directory
// and returns its base URL and a function stopping it.
func (n *nationTest) serveNational() (string, func()) {
	t := n.t
	srv := padisProcess(t, "serve", "--national", "--data", n.natDir, "--addr", "127.0.0.1:0", "--no-report-schedule", "--reload", "1h")
	srv.Env = append(srv.Env, n.env...)
	stdout, _ := srv.StdoutPipe()
	var log bytes.Buffer
	srv.Stderr = &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	var base string
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for base == "" && sc.Scan() {
			if m := regexp.MustCompile(`password (\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				n.password = m[1]
			}
			if m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(sc.Text()); m != nil {
				base = m[1]
			}
		}
		close(started)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case <-started:
	case <-time.After(3 * time.Minute):
		t.Fatal("padis serve --national did not start")
	}
	if base == "" {
		srv.Wait()
		t.Fatalf("padis serve --national did not start:\n%s", log.String())
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			srv.Process.Signal(syscall.SIGTERM)
			srv.Wait()
		})
	}
	t.Cleanup(stop)
	return base, stop
}

type badPackage struct{ name, dir, want string }

// badPackages makes refused variants of province 11's package.
func (n *nationTest) badPackages() []badPackage {
	t := n.t
	variant := func(name string, edit func(dir string)) string {
		dir := filepath.Join(n.tmp, "bad-"+name)
		os.MkdirAll(dir, 0o755)
		ents, _ := os.ReadDir(n.pkgs["11"])
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(n.pkgs["11"], e.Name()))
			os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644)
		}
		edit(dir)
		return dir
	}
	// A manifest edited after signing (a sequence number skipped).
	badSig := variant("signature", func(dir string) {
		p := filepath.Join(dir, exchange.ManifestFile)
		b, _ := os.ReadFile(p)
		os.WriteFile(p, bytes.Replace(b, []byte(`"as_of": "2025-12-31"`), []byte(`"as_of": "2026-12-31"`), 1), 0o644)
	})
	// A data file changed after signing.
	tampered := variant("tampered", func(dir string) {
		p := filepath.Join(dir, "measures.parquet")
		b, _ := os.ReadFile(p)
		b[len(b)/2] ^= 0xff
		os.WriteFile(p, b, 0o644)
	})
	// A file left out.
	missing := variant("missing", func(dir string) { os.Remove(filepath.Join(dir, "age.parquet")) })
	// An incremental package before any full one: province 12's node
	// exports twice, the second (incremental) is sent first.
	second := filepath.Join(n.tmp, "pkg12-second")
	n.proc("export", "--data", n.datas["12"], "--scope", "12", "--out", second)
	// A province whose key is not registered.
	unknown := filepath.Join(n.tmp, "snap14")
	if code, _, errs := runStore("generate", "--province", "14", "--out", unknown, "--persons", "300", "--months", "12", "--workers", "1"); code != 0 {
		t.Fatalf("generate 14: %s", errs)
	}
	d14 := filepath.Join(n.tmp, "data14")
	n.proc("load", "--data", d14, "--quiet", unknown)
	pkg14 := filepath.Join(n.tmp, "pkg14")
	n.proc("export", "--data", d14, "--scope", "14", "--out", pkg14)
	return []badPackage{
		{"bad signature", badSig, "signature does not verify"},
		{"tampered file", tampered, "checksum mismatch"},
		{"missing file", missing, "package incomplete"},
		{"wrong order", second, "out of order"},
		{"unknown province", pkg14, "province not trusted"},
	}
}

// checkNoPlaintext reads every ID number and name of the snapshots and
// requires that none occurs in any package: in the raw bytes of every file
// (ID numbers) and in any decoded Parquet value (both).
func checkNoPlaintext(t *testing.T, n *nationTest) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	secrets := map[string]bool{}
	for _, p := range n.provs {
		for _, q := range []string{
			`SELECT id_number FROM read_parquet('%s/persons.parquet') UNION ALL SELECT name FROM read_parquet('%[1]s/persons.parquet')`,
			`SELECT id_number FROM read_parquet('%s/sources/deaths.parquet') UNION ALL SELECT name FROM read_parquet('%[1]s/sources/deaths.parquet')`,
		} {
			rows, err := db.Query(fmt.Sprintf(q, n.snaps[p]))
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s sql.NullString
				rows.Scan(&s)
				if len(s.String) >= 6 { // every ID number; names of two or more characters
					secrets[s.String] = true
				}
			}
			rows.Close()
		}
	}
	if len(secrets) < 1000 {
		t.Fatalf("only %d identifiers read from the snapshots", len(secrets))
	}
	for _, p := range n.provs {
		ents, _ := os.ReadDir(n.pkgs[p])
		for _, e := range ents {
			path := filepath.Join(n.pkgs[p], e.Name())
			raw, _ := os.ReadFile(path)
			for s := range secrets {
				if len(s) >= 15 && bytes.Contains(raw, []byte(s)) {
					t.Errorf("package %s: %s holds an ID number in plaintext", p, e.Name())
				}
			}
			if !strings.HasSuffix(e.Name(), ".parquet") {
				continue
			}
			rows, err := db.Query(`SELECT COLUMNS(*)::VARCHAR FROM read_parquet('` + path + `')`)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]sql.NullString, len(cols))
				dest := make([]any, len(cols))
				for i := range vals {
					dest[i] = &vals[i]
				}
				rows.Scan(dest...)
				for i, v := range vals {
					if secrets[v.String] {
						t.Errorf("package %s: %s column %s holds an identifier of the snapshot", p, e.Name(), cols[i])
					}
				}
			}
			rows.Close()
		}
	}
}

// combinedStore loads one snapshot holding the records of all three
// provinces (scope: every county of them) and returns its database file.
func (n *nationTest) combinedStore() string {
	t := n.t
	dir := filepath.Join(n.tmp, "snap-all")
	os.MkdirAll(filepath.Join(dir, "sources"), 0o755)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first, err := models.ReadManifest(filepath.Join(n.snaps["11"], "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		t.Fatal(err)
	}
	m := *first
	m.Generator = nil
	m.Scope = models.Scope{Kind: "counties", Name: "all3"}
	for _, d := range tree.Level(models.LevelCounty) {
		if p := d.Code[:2]; p == "11" || p == "12" || p == "13" {
			m.Scope.Counties = append(m.Scope.Counties, d.Code)
		}
	}
	m.Files = nil
	for _, f := range first.Files {
		var srcs []string
		for _, p := range n.provs {
			srcs = append(srcs, "'"+filepath.Join(n.snaps[p], f.Path)+"'")
		}
		out := filepath.Join(dir, f.Path)
		if _, err := db.Exec(`COPY (SELECT * FROM read_parquet([` + strings.Join(srcs, ", ") + `])) TO '` + out + `' (FORMAT parquet)`); err != nil {
			t.Fatal(err)
		}
		var rows int64
		db.QueryRow(`SELECT count(*) FROM read_parquet('` + out + `')`).Scan(&rows)
		sum, _ := exchangeSHA(out)
		m.Files = append(m.Files, models.FileEntry{Table: f.Table, Path: f.Path, Format: "parquet", Rows: rows, SHA256: sum})
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644)
	data := filepath.Join(n.tmp, "data-all")
	n.proc("load", "--data", data, "--quiet", dir)
	return filepath.Join(data, store.DBFileName)
}

// compareCubes requires the national cube (every unit but the nation) to
// equal the combined store's: the same measure and age rows and values of
// every indicator derived from them, counts exact, everything else to 1e-9
// relative. The stored indicators (data quality, worklists) are the
// provinces' own, as each province's store has them: linking the records
// of three provinces in one store finds other cross-source matches (that
// is the national reconciliation's job), so they are compared with the
// provinces' stores.
func compareCubes(t *testing.T, national, combined string, provinces map[string]string) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ATTACH '` + national + `' AS n (READ_ONLY); ATTACH '` + combined + `' AS c (READ_ONLY)`); err != nil {
		t.Fatal(err)
	}
	ver := func(alias, scope string) int64 {
		var v int64
		if err := db.QueryRow(`SELECT max(version) FROM `+alias+`.cube.runs WHERE scope = ?`, scope).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	nv, cv := ver("n", exchange.NationScope), ver("c", "all3")
	var stored []string
	for _, ind := range models.DefaultCatalog().All() {
		if ind.Kind == models.KindStored {
			stored = append(stored, "'"+ind.ID+"'")
		}
	}
	notStored := "indicator NOT IN (" + strings.Join(stored, ", ") + ")"
	check := func(what, q string, args ...any) {
		var n, bad int64
		var worst sql.NullFloat64
		if err := db.QueryRow(q, args...).Scan(&n, &bad, &worst); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n == 0 || bad > 0 {
			t.Errorf("%s: %d of %d rows differ (worst relative difference %v)", what, bad, n, worst.Float64)
		}
		t.Logf("%s: %d rows compared, worst relative difference %g", what, n, worst.Float64)
	}
	rel := func(a, b string) string {
		return fmt.Sprintf("abs(%s - %s) / greatest(abs(%[1]s), abs(%[2]s), 1e-300)", a, b)
	}
	// Counts exact; person-years (sums of days / 365.25) to 1e-9.
	var diffs []string
	for _, m := range models.Measures {
		c := `"` + m.ID + `"`
		if strings.HasPrefix(m.ID, "person_years") {
			diffs = append(diffs, fmt.Sprintf("coalesce(%s, 1)", rel("a."+c, "b."+c)))
		} else {
			diffs = append(diffs, fmt.Sprintf("CASE WHEN a.%s IS DISTINCT FROM b.%[1]s THEN 1 ELSE 0 END", c))
		}
	}
	check("cube.measures", `SELECT count(*), count(*) FILTER (WHERE a_div IS NULL OR b_div IS NULL OR d > 1e-9), max(d) FROM (
		SELECT a.division AS a_div, b.division AS b_div, greatest(`+strings.Join(diffs, ", ")+`) AS d
		FROM (SELECT * FROM n.cube.measures WHERE version = ? AND division <> '00') a
		FULL JOIN (SELECT * FROM c.cube.measures WHERE version = ?) b ON a.division = b.division AND a.ptype = b.ptype AND a.period = b.period)`, nv, cv)
	valuesFrom := `FROM (SELECT * FROM n.cube.values WHERE version = ? AND division <> '00' AND ` + notStored + `) a
		FULL JOIN (SELECT * FROM c.cube.values WHERE version = ? AND ` + notStored + `) b USING (indicator, division, ptype, period, breakdown)
		WHERE true`
	badValue := `a.indicator IS NULL OR b.indicator IS NULL OR a.flag <> b.flag
		OR (a.value IS NULL) <> (b.value IS NULL) OR coalesce(` + rel("a.value", "b.value") + `, 0) > 1e-9
		OR coalesce(` + rel("a.lower", "b.lower") + `, 0) > 1e-9 OR coalesce(` + rel("a.upper", "b.upper") + `, 0) > 1e-9
		OR (a.numerator IS DISTINCT FROM b.numerator AND coalesce(` + rel("a.numerator", "b.numerator") + `, 1) > 1e-9)`
	check("cube.values", `SELECT count(*), count(*) FILTER (WHERE `+badValue+`), max(coalesce(`+rel("a.value", "b.value")+`, 0)) `+valuesFrom, nv, cv)
	if t.Failed() {
		rows, err := db.Query(`SELECT indicator, count(*), any_value(division || ' ' || period || ' ' || breakdown), any_value(a.value::VARCHAR || ' ' || a.flag),
			any_value(b.value::VARCHAR || ' ' || b.flag) `+valuesFrom+` AND (`+badValue+`) GROUP BY indicator`, nv, cv)
		for err == nil && rows.Next() {
			var ind, key string
			var k int
			var av, bv sql.NullString
			rows.Scan(&ind, &k, &key, &av, &bv)
			t.Logf("  %s: %d rows differ, e.g. %s: national %q, combined %q", ind, k, key, av.String, bv.String)
		}
	}
	for p, path := range provinces {
		if _, err := db.Exec(`ATTACH '` + path + `' AS p` + p + ` (READ_ONLY)`); err != nil {
			t.Fatal(err)
		}
		check("stored values of "+p, `SELECT count(*), count(*) FILTER (WHERE a.indicator IS NULL OR b.indicator IS NULL OR a.value IS DISTINCT FROM b.value OR a.flag <> b.flag), 0
			FROM (SELECT * FROM n.cube.values WHERE version = ? AND left(division, 2) = ? AND NOT `+notStored+`) a
			FULL JOIN (SELECT * FROM p`+p+`.cube.values WHERE version = (SELECT max(version) FROM p`+p+`.cube.runs) AND NOT `+notStored+`) b
			USING (indicator, division, ptype, period, breakdown)`, nv, p)
	}
	check("cube.age", `SELECT count(*), count(*) FILTER (WHERE a.pop IS DISTINCT FROM b.pop OR a.deaths IS DISTINCT FROM b.deaths OR a.births IS DISTINCT FROM b.births
			OR coalesce(`+rel("a.py", "b.py")+`, 1) > 1e-9), max(coalesce(`+rel("a.py", "b.py")+`, 0))
		FROM (SELECT * FROM n.cube.age WHERE version = ? AND division <> '00') a
		FULL JOIN (SELECT * FROM c.cube.age WHERE version = ?) b USING (division, ptype, period, sex, age)`, nv, cv)
	// The nation's own rows: the sums of the three provinces'.
	check("nation measures", `SELECT count(*), count(*) FILTER (WHERE abs(a.population - b.population) > 0 OR `+rel("a.person_years", "b.person_years")+` > 1e-9), 0
		FROM (SELECT * FROM n.cube.measures WHERE version = ? AND division = '00') a
		JOIN (SELECT ptype, period, sum(population) AS population, sum(person_years) AS person_years FROM c.cube.measures WHERE version = ? AND level = 1 GROUP BY ALL) b
		USING (ptype, period)`, nv, cv)
	var tfr float64
	if err := db.QueryRow(`SELECT value FROM n.cube.values WHERE version = ? AND division = '00' AND indicator = 'tfr' AND ptype = 'year' AND period = '2025'`, nv).Scan(&tfr); err != nil {
		t.Fatalf("national tfr: %v", err)
	}
	ages := &cube.AgeCounts{}
	rows, err := db.Query(`SELECT sex, age, pop, py, deaths, births FROM c.cube.age WHERE version = ? AND level = 1 AND ptype = 'year' AND period = '2025'`, cv)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sex, age int
		var pop, py, d, b float64
		rows.Scan(&sex, &age, &pop, &py, &d, &b)
		ages.Add(sex, age, pop, py, d, b)
	}
	rows.Close()
	tfrInd, _ := models.DefaultCatalog().Get("tfr")
	want, _ := cube.Methods(tfrInd, ages)
	if math.Abs(tfr-want[0].Value) > 1e-9*want[0].Value {
		t.Errorf("national TFR 2025 = %v, the three provinces' summed age table gives %v", tfr, want[0].Value)
	}
}

// provinceDigests returns a digest of each province's rows in the
// national cube (measures, age and values).
func provinceDigests(t *testing.T, national string) map[string]string {
	db, err := sql.Open("duckdb", national+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	rows, err := db.Query(`SELECT p, string_agg(h, '/' ORDER BY t) FROM (
		SELECT 'm' AS t, left(division, 2) AS p, (count(*) || ':' || bit_xor(hash(` + cube.MeasureSelect() + `))) AS h FROM cube.measures GROUP BY ALL
		UNION ALL SELECT 'a', left(division, 2), count(*) || ':' || bit_xor(hash(division, ptype, period, sex, age, pop, py, deaths, births)) FROM cube.age GROUP BY ALL
		UNION ALL SELECT 'v', left(division, 2), count(*) || ':' || bit_xor(hash(indicator, division, ptype, period, breakdown, value, lower, upper)) FROM cube.values GROUP BY ALL
	) GROUP BY p`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p, h string
		rows.Scan(&p, &h)
		out[p] = h
	}
	return out
}

func exchangeSHA(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// sendMultipart uploads the files of dir as multipart/form-data, whatever
// they are (Send refuses to tar a package missing a file).
func sendMultipart(hc *http.Client, base, token, dir string) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		w, _ := mw.CreateFormFile("file", e.Name())
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		w.Write(b)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+exchange.UploadPath, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("%s: %s", resp.Status, b)
	}
	return string(b), nil
}

// landing is what the national overview shows.
type landing struct {
	pop      *float64          // the nation's population key figure
	status   map[string]string // province → reporting state on the card
	children map[string]bool   // provinces with a value in the children table (the map's colours)
}

// landingPage reads the national overview of December 2025 through the
// dashboards' API as the national node's admin.
func (n *nationTest) landingPage(hc *http.Client, base string) landing {
	t := n.t
	cookie, err := dashboards.Login(hc, base, "admin", n.password)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/units/00/overview?period=2025-12", nil)
	req.Header.Set("Cookie", cookie)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var o dashboards.Overview
	if err := json.NewDecoder(resp.Body).Decode(&o); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("national overview: %s %v", resp.Status, err)
	}
	out := landing{children: map[string]bool{}, status: map[string]string{}}
	for _, p := range o.Provinces {
		out.status[p.Code] = p.Status
	}
	for _, k := range o.KeyFigures {
		if k.Indicator.ID == "population" {
			out.pop = k.Now.Value
		}
	}
	for _, r := range o.Children.Rows {
		for _, v := range r.Values {
			if v != nil {
				out.children[r.Code] = true
			}
		}
	}
	return out
}
