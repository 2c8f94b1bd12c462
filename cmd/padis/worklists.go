package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

func init() {
	register(command{
		name:    "worklists",
		summary: "cross-source comparison and duplicate cards: build, list, export, set status, reveal",
		subcommands: []subcommand{ // in usage order
			{"build", "link a version with its sources and build its worklists (engine/linkage)", runWorklistsBuild},
			{"list", "list worklist items of a unit, masked", runWorklistsList},
			{"export", "export a unit's worklist as CSV (UTF-8 with BOM, Excel-friendly), masked", runWorklistsExport},
			{"status", "set the status of an item: open, verified, corrected, false_match", runWorklistsStatus},
			{"reveal", "reveal the identity behind an item (a dashboard operator's account; purpose, reason, rate; audited)", runWorklistsReveal},
		},
	})
}

// worklistEnv is what every worklists subcommand needs: a store, the keys
// and the version the flags name.
type worklistEnv struct {
	st      *store.Store
	svc     *linkage.Service
	version int64
}

// openWorklists opens the store and resolves --snapshot / --scope.
func openWorklists(ctx context.Context, sf *storeFlags, version int64, scope string, needVersion bool) (*worklistEnv, error) {
	st, err := sf.open(ctx)
	if err != nil {
		return nil, err
	}
	keys, _, err := pii.LoadKeys(st.Config().Dir, os.Getenv)
	if err != nil {
		st.Close()
		return nil, err
	}
	env := &worklistEnv{st: st, svc: &linkage.Service{Store: st, Keys: keys}, version: version}
	if version == 0 && (needVersion || scope != "") {
		if scope == "" {
			scope = "51"
		}
		v, err := st.Current(ctx, scope)
		if err != nil {
			st.Close()
			return nil, err
		}
		env.version = v.ID
	}
	return env, nil
}

func runWorklistsBuild(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("worklists build", "worklists build [--snapshot V | --scope S] [--grace DAYS] [--match W] [--possible W] [--force] [--json]", stderr)
	sf := addStoreFlags(fs)
	version := fs.Int64("snapshot", 0, "version to link (default: the current version of --scope)")
	scope := fs.String("scope", "51", "scope whose current version is linked")
	grace := fs.Int("grace", 0, "registration allowance in days before the as-of date (default 90)")
	match := fs.Float64("match", 0, "probable-duplicate match threshold, log2 weight (default 20)")
	possible := fs.Float64("possible", 0, "probable-duplicate review threshold (default 12)")
	force := fs.Bool("force", false, "recompute even when the version was linked with the same options")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env, err := openWorklists(ctx, sf, *version, *scope, true)
	if err != nil {
		return err
	}
	defer env.st.Close()
	res, err := linkage.Run(ctx, env.st, env.version, linkage.Options{GraceDays: *grace, Match: *match, Possible: *possible, Force: *force})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "version %d linked in %v%s\n", res.Version, res.Duration.Round(time.Millisecond), map[bool]string{true: " (already linked: indicators rewritten)"}[res.Skipped])
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, k := range linkage.Kinds {
		fmt.Fprintf(tw, "%s\t%s\t\n", k, group(res.Items[k]))
	}
	tw.Flush()
	var links []string
	for k, n := range res.Links {
		links = append(links, fmt.Sprintf("%s %s", k, group(n)))
	}
	sort.Strings(links)
	fmt.Fprintf(stdout, "links: %s\n", strings.Join(links, ", "))
	return nil
}

// addFilterFlags adds the item filter flags.
func addFilterFlags(fs interface {
	Int64Var(*int64, string, int64, string)
	StringVar(*string, string, string, string)
}, f *linkage.Filter) {
	fs.Int64Var(&f.Version, "snapshot", 0, "version (default: the current version of every scope, or of --scope)")
	fs.StringVar(&f.Scope, "scope", "", "scope")
	fs.StringVar(&f.Unit, "unit", "", "division code (any level): items at or below it")
	fs.StringVar(&f.Kind, "kind", "", "worklist kind: "+strings.Join(linkage.Kinds, ", "))
	fs.StringVar(&f.Status, "status", "", "status: "+strings.Join(linkage.Statuses, ", "))
}

func runWorklistsList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("worklists list", "worklists list [--unit CODE] [--kind K] [--status S] [--limit N] [--json]", stderr)
	sf := addStoreFlags(fs)
	var f linkage.Filter
	addFilterFlags(fs, &f)
	fs.IntVar(&f.Limit, "limit", 50, "items at most (0: all)")
	fs.IntVar(&f.Offset, "offset", 0, "items to skip")
	asJSON := fs.Bool("json", false, "print JSON")
	langFlag := fs.String("lang", "zh", "language of the table: zh or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	lang, err := parseLang(*langFlag)
	if err != nil {
		return err
	}
	ctx := context.Background()
	env, err := openWorklists(ctx, sf, f.Version, "", false)
	if err != nil {
		return err
	}
	defer env.st.Close()
	items, total, err := env.svc.List(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(struct {
			Total int            `json:"total"`
			Items []linkage.Item `json:"items"`
		}{total, items})
	}
	// Masked names are Chinese: align by display width.
	t := newTable(tr(lang, "条目", "item"), tr(lang, "类别", "kind"), tr(lang, "原因", "reason"), tr(lang, "村（居）", "village"),
		tr(lang, "姓名", "name"), tr(lang, "身份号码", "id number"), tr(lang, "匹配分", "score"), tr(lang, "状态", "status")).alignRight(6)
	for _, it := range items {
		sc := ""
		if it.Score != nil {
			sc = fmt.Sprintf("%.1f", *it.Score)
		}
		t.add(it.ID, it.Kind, it.Reason, it.Village, it.NameMasked, it.IDMasked, sc, it.Status)
	}
	if err := t.write(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, tr(lang, "共 %[2]s 条，列出 %[1]s 条\n", "%s of %s items\n"), group(int64(len(items))), group(int64(total)))
	return nil
}

func runWorklistsExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("worklists export", "worklists export --unit CODE [--kind K] [--status S] [--out FILE|-]", stderr)
	sf := addStoreFlags(fs)
	var f linkage.Filter
	addFilterFlags(fs, &f)
	out := fs.String("out", "-", "CSV file, - for standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.Unit == "" {
		return usageErrorf("worklists export: --unit is required")
	}
	ctx := context.Background()
	env, err := openWorklists(ctx, sf, f.Version, "", false)
	if err != nil {
		return err
	}
	defer env.st.Close()
	w := stdout
	if *out != "-" {
		file, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer file.Close()
		w = file
	}
	n, err := env.svc.ExportCSV(ctx, f, w)
	if err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(stderr, "%d items written to %s\n", n, *out)
	}
	return nil
}

func runWorklistsStatus(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("worklists status", "worklists status --item ID --status S --who USER [--note TEXT]", stderr)
	sf := addStoreFlags(fs)
	item := fs.String("item", "", "item id")
	status := fs.String("status", "", "new status: "+strings.Join(linkage.Statuses, ", "))
	who := fs.String("who", "", "who verified the item")
	note := fs.String("note", "", "note")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *item == "" || *status == "" || *who == "" {
		return usageErrorf("worklists status: --item, --status and --who are required")
	}
	ctx := context.Background()
	env, err := openWorklists(ctx, sf, 0, "", false)
	if err != nil {
		return err
	}
	defer env.st.Close()
	it, err := env.svc.SetStatus(ctx, *item, *status, *who, *note, time.Time{})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s: %s by %s\n", it.ID, it.Kind, it.Status, it.StatusBy)
	return nil
}

const revealSynopsis = `worklists reveal --item ID --user NAME --purpose P --reason TEXT [--password-stdin] [--data DIR]

Prints the name and ID number behind a worklist item. The operator is a
dashboard account (padis users) with the operator role whose jurisdiction
holds the item; its password is read from $PADIS_PASSWORD, or with
--password-stdin from the first line of standard input, or else asked on the
terminal (never a flag). The purpose is one of verification (核查),
law_enforcement (执法), service (服务), statistical_review (统计复核); the
reason needs $PADIS_REVEAL_MIN_REASON characters (default 10), and a user
reveals at most $PADIS_REVEAL_LIMIT records per $PADIS_REVEAL_WINDOW
(default 20 per 1h), counted with the dashboards' reveals. The reveal is
written to the dashboards' audit log (DATA/audit.jsonl) and to the store's
meta.reveal_audit, both hash-chained.`

// revealStdin is where --password-stdin reads from and where the password
// is asked on a terminal (replaced in tests).
var revealStdin io.Reader = os.Stdin

func runWorklistsReveal(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("worklists reveal", revealSynopsis, stderr)
	sf := addStoreFlags(fs)
	item := fs.String("item", "", "item `id`")
	user := fs.String("user", "", "dashboard account `name` of the operator (padis users)")
	purpose := fs.String("purpose", "", "purpose: "+strings.Join(models.RevealPurposes, ", "))
	reason := fs.String("reason", "", "why the identity is needed (recorded)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *item == "" || *user == "" {
		return usageErrorf("worklists reveal: --item and --user are required")
	}
	policy, err := revealPolicyFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	if err := policy.Check(*purpose, *reason); err != nil {
		return usageErrorf("%v", err)
	}
	ctx := context.Background()
	env, err := openWorklists(ctx, sf, 0, "", false)
	if err != nil {
		if cfg, cerr := sf.config(); cerr == nil {
			if si, serr := readServerInfo(cfg.Dir); serr == nil {
				return fmt.Errorf("%w\n(the store is held by padis serve at %s: reveal in its worklists page, with the same account)", err, si.URL)
			}
		}
		return err
	}
	defer env.st.Close()
	env.svc.Policy = policy
	dir := env.st.Config().Dir
	audit, err := dashboards.OpenAuditLog(filepath.Join(dir, "audit.jsonl"), env.svc.Keys.AuditKey())
	if err != nil {
		return err
	}
	defer audit.Close()
	rec := dashboards.AuditRecord{Time: time.Now().UTC(), User: *user, Target: *item, Purpose: *purpose, Reason: strings.Join(strings.Fields(*reason), " "), RequestID: "cli", IP: "local"}
	u, err := operator(ctx, dir, *user, *pwStdin, stderr)
	if err != nil {
		rec.Action, rec.Reason = "login_failed", "worklists reveal: "+err.Error()
		if aerr := audit.Append(ctx, rec); aerr != nil {
			return aerr
		}
		return err
	}
	it, err := env.svc.Item(ctx, *item)
	if err == nil && !dashboards.InScope(u.Jurisdiction, it.Village) {
		err = fmt.Errorf("worklist item %q: %w", *item, linkage.ErrNotFound) // like the dashboards: outside is not found
	}
	if err != nil {
		return err
	}
	rec.Action, rec.Unit = "reveal", it.Village
	if err := audit.Append(ctx, rec); err != nil {
		return err
	}
	id, err := env.svc.Reveal(ctx, *item, u.Name, *purpose, rec.Reason)
	if err != nil {
		refused := rec
		refused.Time, refused.Action, refused.Reason = time.Now().UTC(), "reveal_refused", err.Error()
		if aerr := audit.Append(ctx, refused); aerr != nil {
			return aerr
		}
		return err
	}
	fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", id.ItemID, id.Record, id.Name, id.IDNumber)
	return nil
}

// operator authenticates the dashboard account name with its password
// ($PADIS_PASSWORD, --password-stdin or the terminal) and checks that it
// may reveal: enabled, with the operator role.
func operator(ctx context.Context, dir, name string, pwStdin bool, stderr io.Writer) (dashboards.User, error) {
	users, err := dashboards.OpenUserStore(filepath.Join(dir, "users.json"))
	if err != nil {
		return dashboards.User{}, err
	}
	pw, err := readPassword(name, pwStdin, stderr)
	if err != nil {
		return dashboards.User{}, err
	}
	u, err := users.User(ctx, name)
	if err != nil || u.Disabled || !u.CheckPassword(pw) {
		return dashboards.User{}, fmt.Errorf("user %s: wrong user name or password", name)
	}
	if !u.Has(dashboards.RoleOperator) {
		return dashboards.User{}, fmt.Errorf("user %s: the operator role is needed to reveal", name)
	}
	return u, nil
}

// readPassword reads name's password from $PADIS_PASSWORD, else (pwStdin)
// the first line of revealStdin, else the terminal without echo.
func readPassword(name string, pwStdin bool, stderr io.Writer) (string, error) {
	if pw := os.Getenv("PADIS_PASSWORD"); pw != "" {
		return pw, nil
	}
	if pwStdin {
		line, err := bufio.NewReader(revealStdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if f, ok := revealStdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(stderr, "password of %s: ", name)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	return "", usageErrorf("worklists reveal: no password: set PADIS_PASSWORD, pass --password-stdin, or run on a terminal")
}
