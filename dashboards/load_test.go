package dashboards

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	loadRun      = flag.Bool("load", false, "run the load test (TestLoad)")
	loadURL      = flag.String("load.url", "", "base URL of a running padis serve on 127.0.0.1 (default: an in-process server on the test source)")
	loadUser     = flag.String("load.user", "admin", "user to log in as (with -load.url)")
	loadPassword = flag.String("load.password", "", "password (with -load.url)")
	loadClients  = flag.Int("load.clients", 200, "concurrent clients")
	loadDuration = flag.Duration("load.duration", 60*time.Second, "duration of the load")
	loadUnits    = flag.String("load.units", "51,5101,510104,5103,5107,510104017", "units the clients read")
)

// TestLoad is a bounded load test on the loopback interface: -load.clients
// clients each send requests back to back for -load.duration, drawn in
// turn from a mix of page and API reads over -load.units. It reports the
// latency percentiles and errors; it fails on any error. Run it with
//
//	go test ./dashboards -run TestLoad -load [-load.url http://127.0.0.1:8080 -load.password …]
func TestLoad(t *testing.T) {
	if !*loadRun {
		t.Skip("load test: run with -load")
	}
	base := *loadURL
	user, pw := *loadUser, *loadPassword
	if base == "" {
		e := newTestEnv(t)
		base, user, pw = serveTest(t, e), "admin", "password-admin"
	}
	u, err := url.Parse(base)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
		t.Fatalf("-load.url %q: the load test only targets the loopback interface", base)
	}
	tr := &http.Transport{MaxIdleConns: *loadClients * 2, MaxIdleConnsPerHost: *loadClients * 2, DisableCompression: false}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cookies := loginForLoad(t, hc, base, user, pw)

	units := strings.Split(*loadUnits, ",")
	var paths []string
	for _, un := range units {
		paths = append(paths,
			"/api/v1/units/"+un+"/overview",
			"/units/"+un,
			"/api/v1/units/"+un+"/children?indicator=cbr",
			"/api/v1/units/"+un+"/series?indicator=births",
			"/api/v1/explorer?indicator=tfr&unit="+un,
		)
		if len(un) <= 6 { // the cube has age detail down to counties
			paths = append(paths, "/api/v1/units/"+un+"/pyramid")
		}
	}
	type sample struct {
		d    time.Duration
		path int
	}
	var (
		mu      sync.Mutex
		samples []sample
		errs    atomic.Int64
		errMsg  sync.Map
		next    atomic.Int64
	)
	deadline := time.Now().Add(*loadDuration)
	var wg sync.WaitGroup
	for c := 0; c < *loadClients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []sample
			for time.Now().Before(deadline) {
				i := int(next.Add(1)) % len(paths)
				req, _ := http.NewRequest("GET", base+paths[i], nil)
				req.Header.Set("Accept-Encoding", "gzip")
				req.Header.Set("Cookie", cookies)
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				d := time.Since(t0)
				if err != nil {
					errs.Add(1)
					errMsg.Store(paths[i], err.Error())
					continue
				}
				local = append(local, sample{d, i})
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(samples) == 0 {
		t.Fatal("no request succeeded")
	}
	pct := func(ds []time.Duration, q float64) time.Duration {
		return ds[min(len(ds)-1, int(q*float64(len(ds))))]
	}
	all := make([]time.Duration, len(samples))
	byPath := map[int][]time.Duration{}
	for i, s := range samples {
		all[i] = s.d
		byPath[s.path] = append(byPath[s.path], s.d)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	t.Logf("load: %d clients × %s on %s: %d requests (%.0f/s), p50 %s, p90 %s, p99 %s, max %s, errors %d",
		*loadClients, *loadDuration, base, len(all), float64(len(all))/loadDuration.Seconds(),
		pct(all, .5).Round(time.Microsecond*100), pct(all, .9).Round(time.Microsecond*100), pct(all, .99).Round(time.Microsecond*100), all[len(all)-1].Round(time.Millisecond), errs.Load())
	for i, p := range paths {
		ds := byPath[i]
		if len(ds) == 0 {
			continue
		}
		sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
		t.Logf("  %-55s n=%6d p50 %8s p99 %8s", p, len(ds), pct(ds, .5).Round(time.Microsecond*100), pct(ds, .99).Round(time.Microsecond*100))
	}
	errMsg.Range(func(k, v any) bool { t.Errorf("%s: %s", k, v); return true })
}

// loginForLoad logs in once and returns the Cookie header the clients
// share (session and CSRF cookies, as a browser keeps them).
func loginForLoad(t *testing.T, hc *http.Client, base, user, pw string) string {
	cookies, err := Login(hc, base, user, pw)
	if err != nil {
		t.Fatal(err)
	}
	return cookies
}
