package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/dashboards/querysrc"
	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/query"
)

func init() {
	register(command{name: "serve", summary: "serve the leadership dashboards and the JSON API (Echo)", run: runServe})
}

const serveSynopsis = `serve [--addr 127.0.0.1:8080] [--data DIR] [flags]

Serves the dashboards (pages and /api/v1, described at /api/v1/openapi.json)
on the cube of the store in DIR. Accounts are in DIR/users.json (manage them
with 'padis users'); on the first start with no account an admin with a
random password is created and the password printed once. The audit log is
DIR/audit.jsonl. The reports page lists the archive of 'padis report
--archive --out DIR/reports' (--reports to change). New cube builds are picked up every --reload interval;
requests keep reading the previous version until then.

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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	dir := st.Config().Dir
	if vs, err := st.Versions(ctx, ""); err != nil {
		return err
	} else if len(vs) == 0 && !*noBoot {
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
	if pw, err := dashboards.EnsureAdmin(ctx, users, tree); err != nil {
		return err
	} else if pw != "" {
		fmt.Fprintf(stdout, "padis: created the first account: user admin, password %s\n(shown once; change it with 'padis users add admin --roles admin --jurisdiction 00 --password-stdin')\n", pw)
	}
	audit, err := dashboards.OpenAuditLog(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		return err
	}
	defer audit.Close()
	if *reports == "" {
		*reports = filepath.Join(dir, "reports")
	}
	srv, err := dashboards.New(dashboards.Config{
		Source: querysrc.New(eng, tree), Users: users, Audit: audit, Logger: logger,
		Reports: querysrc.Reports{Archive: report.Archive{Dir: *reports}},
		MinCell: *minCell, RequestTimeout: *timeout,
	})
	if err != nil {
		return err
	}
	if len(eng.Runs()) == 0 {
		logger.Warn("no cube has been built yet: pages will show no data until 'padis indicators compute' has run", "data", dir)
	}
	go func() {
		t := time.NewTicker(*reload)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := eng.Reload(ctx); err != nil {
					logger.Error("reload cube list", "error", err)
				}
			}
		}
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "padis: serving the dashboards on http://%s/ (data %s); Ctrl-C stops\n", ln.Addr(), dir)
	return srv.Serve(ctx, ln)
}
