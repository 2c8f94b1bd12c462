package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/dashboards/querysrc"
	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/dashboards/report/querysource"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/exchange"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/pipeline"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

func init() {
	register(command{name: "serve", summary: "serve the leadership dashboards and the JSON API (Echo)", run: runServe})
}

const serveSynopsis = `serve [--addr 127.0.0.1:8080] [--data DIR] [--snapshot-root DIR] [--trusted-proxy ADDR,…] [flags]

Serves the dashboards (pages and /api/v1, described at /api/v1/openapi.json)
on the cube of the store in DIR. Accounts are in DIR/users.json (manage them
with 'padis users'); on the first start with no account an admin with a
random password is created and the password printed once. The audit log is
DIR/audit.jsonl (rotated at 64 MiB into DIR/audit.NNNNNN.jsonl). At start
the hash chains of the audit log and of the store's meta.reveal_audit are
verified (as 'padis audit verify'): a broken chain refuses the start, unless
--allow-broken-audit. Reveals need a purpose, a reason of
$PADIS_REVEAL_MIN_REASON characters (default 10) and are limited to
$PADIS_REVEAL_LIMIT records per user per $PADIS_REVEAL_WINDOW (default 20
per 1h). The reports page lists the archive of 'padis report
--archive --out DIR/reports' (--reports to change). New cube builds are picked up every --reload interval;
requests keep reading the previous version until then.

Dashboard administrators may start loads of snapshot directories under
--snapshot-root only (default DIR/snapshots, where the default data is
generated), and a province administrator only of snapshots whose
manifest's scope lies in the province.

The console shows start-up, shutdown and errors; one line per request
goes to the access log, DIR/logs/access.log (JSON, rotated at 10 MB, five
old files kept; --access-log to move it). Behind a reverse proxy, give its
address with --trusted-proxy (IPs or CIDR ranges, comma-separated): only
then is the client address read from X-Forwarded-For (login throttling,
audit, access log); otherwise forwarding headers are ignored.

While serving, 'padis load --data DIR SNAPSHOT' hands the load to this
server (DIR/serve.json, mode 0600, holds its address and an admin token
for /api/v1/admin/loads): the server loads the snapshot and runs the
post-load pipeline in the background, readers see the previous version
until the new cube is published, then the new one.

The server writes the monthly reports by itself: on the schedule of the
report configuration (--report-config, default DIR/report.json when it
exists: see docs/report.md; without one, every province with a cube,
html and pdf in Chinese, at 02:00 on the 3rd of each month) and after each
successful load through the server.

With --national the data directory is the national node's: exchange
packages are uploaded to POST /api/v1/national/packages (a tar archive or
multipart/form-data; 'Authorization: Bearer TOKEN' of a national operator,
'padis national operator'), verified against the provinces' registered
keys ('padis national trust') and merged into the national cube, which the
pages read like any cube; GET /api/v1/national/status lists the provinces
as current, late or missing. See docs/exchange-format.md.

On a store with no snapshot at all, serve first runs the set-up of 'padis
demo' (the default synthetic province 51 and the monitoring panel,
generated, loaded and cubed) so that it works with nothing configured;
--no-bootstrap turns that off.`

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", serveSynopsis, stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (host:port)")
	sf := addStoreFlags(fs)
	minCell := fs.Int("min-cell", dashboards.DefaultMinCell, "public-facing exports suppress counts below `N`")
	reload := fs.Duration("reload", 30*time.Second, "how often to look for newly built cubes")
	timeout := fs.Duration("timeout", 30*time.Second, "per-request time limit")
	noBoot := fs.Bool("no-bootstrap", false, "do not generate and load the default data when the store is empty")
	reports := fs.String("reports", "", "monthly report archive `DIR` written by 'padis report --archive' (default DATA/reports)")
	reportConfig := fs.String("report-config", "", "report schedule configuration `FILE` (JSON; default DATA/report.json if it exists)")
	noSchedule := fs.Bool("no-report-schedule", false, "do not generate reports on a schedule nor after loads")
	snapRoot := fs.String("snapshot-root", "", "directory under which dashboard administrators may load snapshots (default DATA/snapshots)")
	proxies := fs.String("trusted-proxy", "", "comma-separated `addresses` (IPs or CIDR ranges) of reverse proxies whose X-Forwarded-For is believed")
	accessLog := fs.String("access-log", "", "access log `FILE`, rotated at 10 MB, 5 old files kept (default DATA/logs/access.log)")
	national := fs.Bool("national", false, "serve as the national node: the store is the national data directory, accepting exchange packages on "+exchange.UploadPath+" from national operators ('padis national operator'); no default data is set up")
	allowBrokenAudit := fs.Bool("allow-broken-audit", false, "start even when an audit trail's hash chain is broken (a loud warning on the console and the audit page)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *minCell < 1 {
		return usageErrorf("--min-cell %d: want 1 or more", *minCell)
	}
	if *reload < time.Second {
		return usageErrorf("--reload %s: want at least 1s", *reload)
	}
	trusted := strings.Split(*proxies, ",")
	if _, err := dashboards.ParseTrustedProxies(trusted); err != nil {
		return usageErrorf("--trusted-proxy: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The console is for people: start-up, shutdown, errors, loads.
	logger := newConsoleLogger(stderr)

	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	dir := st.Config().Dir
	if vs, err := st.Versions(ctx, ""); err != nil {
		return err
	} else if len(vs) == 0 && !*noBoot && !*national {
		fmt.Fprintln(stdout, "padis: the store is empty; setting up the default data first (as 'padis demo')")
		if err := bootstrap(ctx, st, defaultBootstrapOptions(), stdout, stderr); err != nil {
			return fmt.Errorf("set up the default data: %w", err)
		}
	}
	eng, err := query.New(ctx, st, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	tree, err := datasets.Divisions()
	if err != nil {
		return fmt.Errorf("division list: %w", err)
	}
	users, err := dashboards.OpenUserStore(filepath.Join(dir, "users.json"))
	if err != nil {
		return err
	}
	keys, ksrc, err := pii.LoadKeys(dir, os.Getenv)
	if err != nil {
		return err
	}
	if ksrc.Created {
		fmt.Fprintf(stderr, "padis: created the PII key %s (mode 0600). Back it up: without it the vault cannot be revealed.\n", ksrc.Path)
	}
	audit, err := dashboards.OpenAuditLog(filepath.Join(dir, "audit.jsonl"), keys.AuditKey())
	if err != nil {
		return err
	}
	defer audit.Close()
	// A log written before chaining was chained by the open; the check
	// verifies what it continues.
	auditWarning, err := checkAuditAtStart(ctx, st, keys.AuditKey(), *allowBrokenAudit, stderr)
	if err != nil {
		return err
	}
	if auditWarning != "" {
		logger.Error("audit trail broken; started with --allow-broken-audit", "detail", auditWarning)
	}
	reveal, err := revealPolicyFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	if pw, err := dashboards.EnsureAdmin(ctx, users, tree); err != nil {
		return err
	} else if pw != "" {
		fmt.Fprintf(stdout, "padis: created the first account: user admin, password %s\n(shown once; change it with 'padis users add admin --roles admin --jurisdiction 00 --password-stdin')\n", pw)
	}
	if *accessLog == "" {
		*accessLog = filepath.Join(dir, "logs", "access.log")
	}
	alog, err := dashboards.OpenRotatingFile(*accessLog, 10<<20, 5)
	if err != nil {
		return err
	}
	defer alog.Close()
	if *snapRoot == "" {
		*snapRoot = filepath.Join(dir, "snapshots")
	}
	if *snapRoot, err = filepath.Abs(*snapRoot); err != nil {
		return err
	}
	if err := os.MkdirAll(*snapRoot, 0o750); err != nil {
		return fmt.Errorf("snapshot area: %w", err)
	}
	var sched *report.Scheduler
	if !*noSchedule {
		if sched, err = serverScheduler(st, eng, tree, *reportConfig, *reports, logger); err != nil {
			return err
		}
	}
	if *reports == "" {
		*reports = filepath.Join(dir, "reports")
		if sched != nil {
			*reports = sched.Archive.Dir
		}
	}
	var srv *dashboards.Server
	var runsSeen string
	refresh := func(ctx context.Context) {
		if err := eng.Reload(ctx); err != nil {
			logger.Error("reload cube list", "error", err)
			return
		}
		if sig := runsSignature(eng.Runs()); sig != runsSeen {
			runsSeen = sig
			srv.Invalidate()
		}
	}
	loader := &serverLoader{ctx: ctx, st: st, keys: keys, tree: tree, log: logger, refresh: func(ctx context.Context) {
		srv.Invalidate() // values of a version may change without a new cube
		refresh(ctx)
	}}
	if sched != nil {
		loader.hooks = func() []pipeline.Step { return []pipeline.Step{reportHook(sched)} }
	}
	defer loader.wait()
	runsSeen = runsSignature(eng.Runs())
	srvCfg := dashboards.Config{
		Source: querysrc.New(eng, tree).WithLoads(st).WithStore(st).WithKeys(keys).WithRevealPolicy(reveal), Users: users, Audit: audit, Logger: logger,
		Reveal: reveal, AuditWarning: auditWarning,
		Reports: querysrc.Reports{Archive: report.Archive{Dir: *reports}},
		MinCell: *minCell, RequestTimeout: *timeout, Loader: loader, AdminToken: rand.Text(),
		AccessLog: slog.New(slog.NewJSONHandler(alog, nil)), TrustedProxies: trusted, SnapshotRoot: *snapRoot,
	}
	if *national {
		node, err := exchange.OpenNational(ctx, st, tree, nationalReconciler{dir: st.Config().Dir, log: logger})
		if err != nil {
			return err
		}
		srvCfg.Mounts = map[string]http.Handler{"/api/v1/national/": &exchange.Handler{Node: node, Dir: dir, Log: logger,
			OnImport: func() { loader.refresh(ctx) }}}
		srvCfg.NationalStatus = func(ctx context.Context) ([]dashboards.ProvinceReport, error) {
			sts, err := node.Status(ctx, "")
			out := make([]dashboards.ProvinceReport, len(sts))
			for i, s := range sts {
				out[i] = dashboards.ProvinceReport{Code: s.Province, Name: s.Name, Status: s.Status, AsOf: s.AsOf, LastPackage: s.LastID}
			}
			return out, err
		}
	}
	srv, err = dashboards.New(srvCfg)
	if err != nil {
		return err
	}
	if len(eng.Runs()) == 0 {
		logger.Warn("no cube has been built yet: pages will show no data until a load (padis load, which builds it) or 'padis indicators compute' has run", "data", dir)
	}
	var reloadMu sync.Mutex // the ticker and the loader both refresh
	refreshLocked := loader.refresh
	loader.refresh = func(ctx context.Context) {
		reloadMu.Lock()
		defer reloadMu.Unlock()
		refreshLocked(ctx)
	}
	go func() {
		t := time.NewTicker(*reload)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				reloadMu.Lock()
				refresh(ctx)
				reloadMu.Unlock()
			}
		}
	}()
	if sched != nil {
		go func() {
			if err := sched.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				logger.Error("report schedule stopped", "error", err)
			}
		}()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	removeInfo, err := writeServerInfo(dir, serverInfo{URL: "http://" + ln.Addr().String(), PID: os.Getpid(), Token: srvCfg.AdminToken})
	if err != nil {
		ln.Close()
		return err
	}
	defer removeInfo()
	fmt.Fprintf(stdout, "padis: serving the dashboards on http://%s/ (data %s); Ctrl-C stops\n", ln.Addr(), dir)
	fmt.Fprintf(stdout, "padis: access log %s; snapshot area %s\n", *accessLog, *snapRoot)
	// Ctrl-C (or SIGTERM) is announced at once, the end when shutdown is
	// over.
	served, announced := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(announced)
		select {
		case <-ctx.Done():
		case <-served:
			if ctx.Err() == nil {
				return
			}
		}
		fmt.Fprintln(stdout, "padis: stopping (signal received): requests in flight get up to 10 s, a running load is cancelled")
	}()
	err = srv.Serve(ctx, ln)
	close(served)
	<-announced
	if err == nil {
		fmt.Fprintln(stdout, "padis: stopped")
	}
	return err
}

// runsSignature identifies a list of cubes.
func runsSignature(runs []query.Run) string {
	var b strings.Builder
	for _, r := range runs {
		fmt.Fprintf(&b, "%d@%s,", r.Version, r.BuiltAt.Format(time.RFC3339Nano))
	}
	return b.String()
}

// serverScheduler makes the report scheduler of padis serve from the
// configuration file (path, else DATA/report.json when it exists), or the
// default: every province with a cube, archived in archiveDir (default
// DATA/reports), on report.DefaultSchedule.
func serverScheduler(st *store.Store, eng *query.Engine, tree *models.DivisionTree, path, archiveDir string, logger *slog.Logger) (*report.Scheduler, error) {
	dir := st.Config().Dir
	if archiveDir == "" {
		archiveDir = filepath.Join(dir, "reports")
	}
	cfg := report.Config{ArchiveDir: archiveDir}
	if path == "" {
		if _, err := os.Stat(filepath.Join(dir, "report.json")); err == nil {
			path = filepath.Join(dir, "report.json")
		}
	}
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("report configuration: %w", err)
		}
		defer f.Close()
		if cfg, err = report.ReadConfig(f, path); err != nil {
			return nil, err
		}
		if cfg.ArchiveDir == "" {
			cfg.ArchiveDir = archiveDir
		}
	} else {
		for _, r := range eng.Runs() {
			if r.Scope != query.MonitoringScope && len(r.Scope) == 2 && !slices.Contains(cfg.Divisions, r.Scope) {
				cfg.Divisions = append(cfg.Divisions, r.Scope)
			}
		}
		if len(cfg.Divisions) == 0 {
			logger.Warn("no province cube yet: the report schedule has no unit to report on (set divisions in DATA/report.json)")
			return nil, nil
		}
	}
	src := querysource.New(eng, tree)
	src.Store = st
	sched, err := cfg.Scheduler(&report.Builder{Reader: src, Catalog: eng.Catalog()}, os.Getenv)
	if err != nil {
		return nil, err
	}
	sched.Logf = func(format string, args ...any) { logger.Info(fmt.Sprintf(format, args...)) }
	logger.Info("report schedule", "schedule", sched.Schedule.String(), "divisions", sched.Divisions, "archive", sched.Archive.Dir, "after_load", !sched.NoAfterLoad)
	return sched, nil
}

// reportHook is the pipeline hook generating the monthly reports of the
// loaded version's month: the month of its as-of date when that is the
// month's last day, else the month before.
func reportHook(sched *report.Scheduler) pipeline.Step {
	return pipeline.Step{Name: "report", Run: func(ctx context.Context, st *store.Store, version int64) error {
		v, err := st.Version(ctx, version)
		if err != nil {
			return err
		}
		_, err = sched.AfterLoad(ctx, snapshotMonth(v.AsOf))
		return err
	}}
}

// snapshotMonth is the last whole month a snapshot as of asOf covers.
func snapshotMonth(asOf time.Time) report.Month { return report.ReportMonth(asOf.AddDate(0, 0, 1)) }
