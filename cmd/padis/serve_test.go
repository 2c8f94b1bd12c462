package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/padis/padis/dashboards"
)

// TestMain lets a test start this test binary as the padis command
// (PADIS_TEST_MAIN=1), so that padis serve and padis load run as separate
// processes, as they do in production.
func TestMain(m *testing.M) {
	if os.Getenv("PADIS_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// padisProcess returns a command running padis with args in a child
// process.
func padisProcess(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.SysProcAttr = childAttr()
	cmd.Env = append(os.Environ(), "PADIS_TEST_MAIN=1", "PADIS_KEY=", "PADIS_KEY_FILE=", "PADIS_DATA=", "PADIS_TEMP_DIR=", "PADIS_THREADS=2", "PADIS_MEMORY_LIMIT=2GB")
	return cmd
}

// TestLoadWhileServing: with padis serve holding the store, padis load
// from another process hands the load to the server; readers are answered
// all along, from the previous version until the new cube is published and
// from the new one at once afterwards; the server runs the pipeline and the
// report hook, and the snapshots API lists both versions.
func TestLoadWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts padis serve and padis load processes")
	}
	for _, k := range []string{"PADIS_KEY", "PADIS_KEY_FILE", "PADIS_DATA", "PADIS_TEMP_DIR", "PADIS_THREADS", "PADIS_MEMORY_LIMIT"} {
		t.Setenv(k, "")
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	snap := func(name, seed string) string {
		dir := filepath.Join(tmp, name)
		if code, _, errs := runStore("generate", "--out", dir, "--persons", "3000", "--months", "24", "--seed", seed); code != 0 {
			t.Fatalf("generate %s: %s", name, errs)
		}
		return dir
	}
	s1, s2 := snap("s1", "1"), snap("s2", "2")
	code, out, errs := runStore("load", "--data", data, "--memory-limit", "2GB", s1)
	if code != 0 || !strings.Contains(out, "] cube done in") {
		t.Fatalf("first load: exit %d\n%s\n%s", code, out, errs)
	}

	// The report schedule: one county, archived under data/reports.
	archive := filepath.Join(data, "reports")
	cfg := filepath.Join(tmp, "report.json")
	os.WriteFile(cfg, []byte(`{"divisions":["510104"],"formats":["html"],"archive_dir":"`+archive+`"}`), 0o644)

	srv := padisProcess(t, "serve", "--data", data, "--addr", "127.0.0.1:0", "--no-bootstrap", "--reload", "1h", "--report-config", cfg)
	stdout, _ := srv.StdoutPipe()
	var srvLog bytes.Buffer
	srv.Stderr = &srvLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", srvLog.String())
		}
	}()
	var base, password string
	var console bytes.Buffer // the console after the start-up line
	started, consoleDone := make(chan struct{}), make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for base == "" && sc.Scan() {
			if m := regexp.MustCompile(`password (\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				password = m[1]
			}
			if m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(sc.Text()); m != nil {
				base = m[1]
			}
		}
		close(started)
		io.Copy(&console, stdout)
		close(consoleDone)
	}()
	select {
	case <-started:
	case <-time.After(2 * time.Minute):
		t.Fatal("padis serve did not start in 2 minutes")
	}
	if base == "" || password == "" {
		t.Fatal("padis serve did not start")
	}
	if fi, err := os.Stat(filepath.Join(data, "serve.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("serve.json: %v %v, want mode 0600", fi, err)
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	cookie, err := dashboards.Login(hc, base, "admin", password)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, v any) (int, error) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Cookie", cookie)
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return resp.StatusCode, nil
		}
		return 200, json.NewDecoder(resp.Body).Decode(v)
	}
	// version reads the population of 510104 and the version it came from.
	version := func() (int64, float64, error) {
		var rows struct {
			Rows []struct {
				Value struct {
					Value   *float64
					Lineage struct{ Version int64 }
				}
			}
		}
		code, err := get("/api/v1/units/5101/children?indicator=population", &rows)
		if err != nil || code != 200 {
			return 0, 0, fmt.Errorf("status %d: %v", code, err)
		}
		for _, r := range rows.Rows {
			if r.Value.Value != nil {
				return r.Value.Lineage.Version, *r.Value.Value, nil
			}
		}
		return 0, 0, fmt.Errorf("no value in %+v", rows)
	}
	v1, pop1, err := version()
	if err != nil || v1 != 1 {
		t.Fatalf("before the load: version %d, %v", v1, err)
	}

	// Readers poll while padis load runs in another process.
	type answer struct {
		at      time.Time
		version int64
		err     error
	}
	var (
		mu      sync.Mutex
		answers []answer
	)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				v, _, err := version()
				mu.Lock()
				answers = append(answers, answer{time.Now(), v, err})
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	start := time.Now()
	ld := padisProcess(t, "load", "--data", data, s2)
	var lout, lerr bytes.Buffer
	ld.Stdout, ld.Stderr = &lout, &lerr
	lerrRun := ld.Run()
	end := time.Now()
	v2, pop2, err := version()
	stop()
	wg.Wait()
	if lerrRun != nil {
		t.Fatalf("padis load: %v\nstdout:\n%s\nstderr:\n%s", lerrRun, lout.String(), lerr.String())
	}
	t.Logf("padis load through the server in %s:\n%s%s", end.Sub(start).Round(time.Millisecond), lerr.String(), lout.String())
	for _, want := range []string{"the store is held by padis serve", "the server loads " + s2} {
		if !strings.Contains(lerr.String(), want) {
			t.Errorf("load's stderr lacks %q", want)
		}
	}
	for _, want := range []string{"version 2 of scope 51", "] cube done in", "] report done in"} {
		if !strings.Contains(lout.String(), want) {
			t.Errorf("load's stdout lacks %q", want)
		}
	}
	// Right after padis load returns, readers get the new version.
	if err != nil || v2 != 2 || pop2 == pop1 {
		t.Errorf("after the load: version %d population %v (before %v), %v; want version 2 with other data", v2, pop2, pop1, err)
	}
	var during, old, fresh int
	for _, a := range answers {
		if a.err != nil {
			t.Errorf("reader at %s: %v", a.at.Sub(start), a.err)
			continue
		}
		if a.at.Before(end) && a.at.After(start) {
			during++
		}
		switch a.version {
		case 1:
			old++
		case 2:
			fresh++
		default:
			t.Errorf("reader got version %d", a.version)
		}
	}
	// Versions never go back: once a reader has seen 2, it does not see 1.
	seen2 := time.Time{}
	for _, a := range answers {
		if a.version == 2 && (seen2.IsZero() || a.at.Before(seen2)) {
			seen2 = a.at
		}
	}
	for _, a := range answers {
		if a.version == 1 && !seen2.IsZero() && a.at.After(seen2.Add(time.Second)) {
			t.Errorf("version 1 answered at %s, after version 2 at %s", a.at.Sub(start), seen2.Sub(start))
		}
	}
	t.Logf("readers: %d answers during the load (%d from version 1, %d from version 2), none failed", during, old, fresh)
	if during < 10 || old < 10 {
		t.Errorf("readers were answered %d times during the load, %d times from version 1: want both ≥ 10", during, old)
	}

	// The report hook archived the county's report of the snapshot's month.
	ms, _ := filepath.Glob(filepath.Join(archive, "510104", "*", "510104-*.zh.html"))
	if len(ms) != 1 {
		t.Errorf("archived reports %v, want one after the load", ms)
	}
	// Snapshots: both versions, each with its cube and load report.
	var snaps []struct {
		Version   int64
		Current   bool
		Rows      int64
		CubeBuilt *time.Time `json:"cube_built"`
		Tables    []struct{ Table string }
	}
	if code, err := get("/api/v1/snapshots", &snaps); code != 200 || err != nil {
		t.Fatalf("snapshots: %d %v", code, err)
	}
	if len(snaps) != 2 || snaps[0].Version != 2 || !snaps[0].Current || snaps[1].Current || snaps[0].CubeBuilt == nil || snaps[1].CubeBuilt == nil || len(snaps[0].Tables) == 0 || snaps[0].Rows == 0 {
		t.Errorf("snapshots %+v", snaps)
	}
	// A second submission of the same files: already loaded, nothing to do.
	code2, out2, errs2 := runStore("load", "--data", data, s2)
	if code2 != 0 || !strings.Contains(out2, "already loaded") {
		t.Errorf("second load: exit %d\n%s\n%s", code2, out2, errs2)
	}

	provinceAdmins(t, hc, base, data, s1)

	srv.Process.Signal(syscall.SIGTERM)
	<-consoleDone // read to the end before Wait closes the pipe
	srv.Wait()
	if c := console.String(); !strings.Contains(c, "padis: stopping (signal received)") || !strings.Contains(c, "padis: stopped") {
		t.Errorf("the console does not announce the shutdown:\n%s", c)
	}
	// Requests went to the access log, not to the console.
	if b, err := os.ReadFile(filepath.Join(data, "logs", "access.log")); err != nil || !strings.Contains(string(b), `"uri":"/api/v1/snapshots"`) {
		t.Errorf("access log: %v\n%.300s", err, b)
	}
	// The console has lines for people only: "padis: …", no key=value or
	// JSON records (requests are in the access log, checked above; a
	// handler error names its path on a readable line), no suggestion to
	// start padis serve.
	for _, c := range []string{srvLog.String(), console.String()} {
		for _, line := range strings.Split(strings.TrimSpace(c), "\n") {
			if line == "" || strings.HasPrefix(line, "(") || strings.HasPrefix(line, "  ") {
				continue // continuation lines of a message
			}
			if !strings.HasPrefix(line, "padis") || strings.Contains(line, "msg=") || strings.Contains(line, "level=") || strings.HasPrefix(line, "{") {
				t.Errorf("console line not for people: %q", line)
			}
		}
		if strings.Contains(c, "Next: 'padis serve'") {
			t.Errorf("the console suggests starting padis serve while serving:\n%s", c)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "serve.json")); !os.IsNotExist(err) {
		t.Errorf("serve.json left after shutdown: %v", err)
	}
	// With no server, a load opens the store itself again.
	if code, out, errs := runStore("load", "--data", data, "--no-pipeline", s1); code != 0 || !strings.Contains(out, "already loaded") {
		t.Errorf("load after the server stopped: exit %d\n%s\n%s", code, out, errs)
	}
}

// provinceAdmins checks, on the running server, administrators created
// with 'padis users add' for provinces 51 and 52: the admin of 52 sees no
// version nor load of 51 and may not load a snapshot of 51; the admin of
// 51 may not load from outside the snapshot area, loads a snapshot of 51
// copied into it (already loaded: nothing to do), and sees that load and
// the one the local admin token submitted (scope 51) but not versions of
// other scopes.
func provinceAdmins(t *testing.T, hc *http.Client, base, data, snap string) {
	t.Helper()
	if err := os.CopyFS(filepath.Join(data, "snapshots", "51-copy"), os.DirFS(snap)); err != nil {
		t.Fatal(err)
	}
	cookies := map[string]string{}
	for _, p := range []string{"51", "52"} {
		usersStdin = strings.NewReader("password-of-" + p + "\n")
		var out, errs bytes.Buffer
		if err := runUsers([]string{"add", "padmin" + p, "--roles", "admin", "--jurisdiction", p, "--password-stdin", "--data", data}, &out, &errs); err != nil {
			t.Fatalf("padis users add: %v %s", err, errs.String())
		}
		usersStdin = nil
		var err error
		for range 30 { // the server re-reads users.json within a second
			if cookies[p], err = dashboards.Login(hc, base, "padmin"+p, "password-of-"+p); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	call := func(p, method, path, body string, v any) int {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Cookie", cookies[p])
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
			csrf, _, _ := strings.Cut(strings.TrimPrefix(cookies[p], "padis_csrf="), ";")
			req.Header.Set("X-CSRF-Token", csrf)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if v != nil && resp.StatusCode/100 == 2 {
			if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
		return resp.StatusCode
	}
	var snaps []struct{ Scope string }
	var jobs []dashboards.LoadJob
	if call("52", "GET", "/api/v1/snapshots", "", &snaps); len(snaps) != 0 {
		t.Errorf("the admin of 52 sees versions %+v", snaps)
	}
	if call("52", "GET", "/api/v1/admin/loads", "", &jobs); len(jobs) != 0 {
		t.Errorf("the admin of 52 sees loads %+v", jobs)
	}
	if c := call("52", "POST", "/api/v1/admin/loads", `{"dir":"51-copy"}`, nil); c != 403 {
		t.Errorf("the admin of 52 loads a snapshot of 51: %d, want 403", c)
	}
	if c := call("51", "POST", "/api/v1/admin/loads", `{"dir":"`+snap+`"}`, nil); c != 403 {
		t.Errorf("the admin of 51 loads from outside the snapshot area: %d, want 403", c)
	}
	var job dashboards.LoadJob
	if c := call("51", "POST", "/api/v1/admin/loads", `{"dir":"51-copy","pipeline":false}`, &job); c != 202 || job.Scope != "51" {
		t.Fatalf("the admin of 51 loads a snapshot of 51: %d %+v, want 202", c, job)
	}
	for job.State == dashboards.LoadRunning {
		time.Sleep(100 * time.Millisecond)
		call("51", "GET", "/api/v1/admin/loads/"+job.ID, "", &job)
	}
	if job.State != dashboards.LoadDone {
		t.Errorf("the province admin's load: %+v", job)
	}
	// Its own load and the two the local admin token submitted (scope 51).
	call("51", "GET", "/api/v1/admin/loads", "", &jobs)
	var seen []string
	for _, j := range jobs {
		seen = append(seen, j.User+"/"+j.Scope)
	}
	if got := strings.Join(seen, ","); got != "padmin51/51,local-admin-token/51,local-admin-token/51" {
		t.Errorf("the admin of 51 sees loads %s, want its own and the token's two of scope 51", got)
	}
	if c := call("52", "GET", "/api/v1/admin/loads/"+job.ID, "", nil); c != 404 {
		t.Errorf("the admin of 52 follows a load of 51: %d, want 404", c)
	}
	if call("51", "GET", "/api/v1/snapshots", "", &snaps); len(snaps) == 0 {
		t.Error("the admin of 51 sees no version")
	}
	for _, s := range snaps {
		if s.Scope != "51" {
			t.Errorf("the admin of 51 sees a version of scope %s", s.Scope)
		}
	}
}
