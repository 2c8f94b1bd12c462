package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/exchange"
	"github.com/padis/padis/engine/pii"
)

func init() {
	register(command{name: "export", summary: "write the signed exchange package of a province for the national node", run: runExport})
	register(command{name: "national", summary: "national node: trust provinces, import and send exchange packages, status", subcommands: []subcommand{
		{"trust", "register a province's public key", runNationalTrust},
		{"import", "verify and merge exchange package directories", runNationalImport},
		{"status", "which provinces are current, late or missing", runNationalStatus},
		{"operator", "create a national operator upload token", runNationalOperator},
		{"send", "upload an exchange package to a national node", runNationalSend},
	}})
}

const exportSynopsis = `export --scope 51 [--month YYYY-MM] --out DIR [--since-package ID | --full] [--data DIR]
       padis export --print-public-key [--data DIR]

Writes the exchange package of the province's snapshot version whose as-of
falls in --month (default the newest with a cube): manifest.json signed
with the province's Ed25519 key (DATA/exchange.key, created on first use;
--print-public-key prints the public key the national node registers with
'padis national trust'), the cube's additive measures and age table, and
the cross-province migrants, deaths, benefit roll and feedback with every
identifier replaced by the national exchange pseudonym. The national
exchange key is read from $PADIS_NATIONAL_KEY (base64, 32 bytes) or the
file $PADIS_NATIONAL_KEY_FILE. Each exported manifest is kept in
DATA/exchange/sent/; the next export is incremental against the last one
(only the months whose measures changed) unless --full or --since-package.
See docs/exchange-format.md.`

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", exportSynopsis, stderr)
	sf := addStoreFlags(fs)
	scope := fs.String("scope", "", "the province's scope (2-digit code)")
	month := fs.String("month", "", "as-of month `YYYY-MM` of the snapshot version to send (default the newest)")
	out := fs.String("out", "", "package `DIR` to create (must be empty)")
	since := fs.String("since-package", "", "export incrementally against this earlier package `ID` (default: the last exported)")
	full := fs.Bool("full", false, "a full package (every month), even when an earlier one was exported")
	printKey := fs.Bool("print-public-key", false, "print the province's public key and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	key, err := exchange.SigningKey(cfg.Dir)
	if err != nil {
		return err
	}
	if *printKey {
		fmt.Fprintln(stdout, exchange.EncodePublicKey(key.Public().(ed25519.PublicKey)))
		return nil
	}
	if *scope == "" || *out == "" {
		return usageErrorf("--scope and --out are required")
	}
	if *full && *since != "" {
		return usageErrorf("--full and --since-package exclude each other")
	}
	natKey, err := exchange.NationalKey(os.Getenv)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	keys, _, err := pii.LoadKeys(st.Config().Dir, os.Getenv)
	if err != nil {
		return err
	}
	sentDir := filepath.Join(st.Config().Dir, "exchange", "sent")
	last, err := lastSent(sentDir, *scope)
	if err != nil {
		return err
	}
	opts := exchange.ExportOptions{Scope: *scope, Month: *month, Out: *out, NationalKey: natKey, SigningKey: key, Keys: keys}
	switch {
	case *since != "":
		m, _, err := exchange.ReadManifest(filepath.Join(sentDir, *since))
		if err != nil {
			return fmt.Errorf("--since-package %s: %w", *since, err)
		}
		opts.Since = m
	case !*full && last != nil:
		opts.Since = last
	case last != nil:
		opts.Sequence = last.Sequence + 1
	}
	start := time.Now()
	m, err := exchange.Export(ctx, st, opts)
	if err != nil {
		return err
	}
	keep := filepath.Join(sentDir, m.ID)
	if err := os.MkdirAll(keep, 0o755); err != nil {
		return err
	}
	for _, name := range []string{exchange.ManifestFile, exchange.SignatureFile} {
		b, err := os.ReadFile(filepath.Join(*out, name))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(keep, name), b, 0o644); err != nil {
			return err
		}
	}
	kind := "full"
	if m.Incremental {
		kind = "incremental against " + m.Previous
	}
	fmt.Fprintf(stdout, "wrote package %s (%s) of version %d, as of %s: %d of %d months sent, %d files, %s\n",
		m.ID, kind, m.Version, m.AsOf, len(m.Sent), len(m.Months), len(m.Files), time.Since(start).Round(time.Millisecond))
	for _, f := range m.Files {
		fmt.Fprintf(stdout, "  %-9s %8d rows  %s\n", f.Kind, f.Rows, f.Path)
	}
	return nil
}

// lastSent returns the manifest of the province's last exported package
// kept in dir, or nil.
func lastSent(dir, province string) (*exchange.Manifest, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), province+"-") {
			ids = append(ids, e.Name())
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	sort.Strings(ids)
	m, _, err := exchange.ReadManifest(filepath.Join(dir, ids[len(ids)-1]))
	return m, err
}

// openNational opens the national node on the store of the flags.
func openNational(ctx context.Context, sf *storeFlags) (*exchange.Node, func(), error) {
	st, err := sf.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	tree, err := datasets.Divisions()
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	n, err := exchange.OpenNational(ctx, st, tree, nationalReconciler{dir: st.Config().Dir})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return n, func() { st.Close() }, nil
}

func runNationalTrust(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("national trust", "national trust --province 51 --key FILE [--data DIR]", stderr)
	sf := addStoreFlags(fs)
	prov := fs.String("province", "", "2-digit province code")
	keyFile := fs.String("key", "", "`FILE` holding the province's public key ('padis export --print-public-key')")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *prov == "" || *keyFile == "" {
		return usageErrorf("--province and --key are required")
	}
	b, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	pub, err := exchange.ParsePublicKey(string(b))
	if err != nil {
		return fmt.Errorf("%s: %w", *keyFile, err)
	}
	ctx := context.Background()
	n, done, err := openNational(ctx, sf)
	if err != nil {
		return err
	}
	defer done()
	if err := n.Trust(ctx, *prov, pub); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "province %s trusted\n", *prov)
	return nil
}

func runNationalImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("national import", "national import [--data DIR] PACKAGE_DIR...", stderr)
	sf := addStoreFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErrorf("give one or more package directories")
	}
	ctx := context.Background()
	n, done, err := openNational(ctx, sf)
	if err != nil {
		return err
	}
	defer done()
	for _, dir := range fs.Args() {
		res, err := n.Import(ctx, dir)
		if err != nil {
			return fmt.Errorf("%s refused: %w", dir, err)
		}
		fmt.Fprintf(stdout, "accepted %s: %d months, %d rows merged, %d values computed, %s (CPU %s)\n",
			res.ID, len(res.SentMonths), res.RowsWritten, res.ValuesComputed, res.Duration.Round(time.Millisecond), res.CPU.Round(time.Millisecond))
	}
	return nil
}

func runNationalStatus(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("national status", "national status [--month YYYY-MM] [--json] [--data DIR]", stderr)
	sf := addStoreFlags(fs)
	month := fs.String("month", "", "expected `YYYY-MM` (default the newest month received)")
	asJSON := fs.Bool("json", false, "JSON output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	n, done, err := openNational(ctx, sf)
	if err != nil {
		return err
	}
	defer done()
	sts, err := n.Status(ctx, *month)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(sts)
	}
	for _, s := range sts {
		fmt.Fprintf(stdout, "%s %-8s %-7s %s %s\n", s.Province, s.Status, map[bool]string{true: "trusted", false: "-"}[s.Trusted], s.LastID, s.AsOf)
	}
	return nil
}

func runNationalOperator(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("national operator", "national operator --name NAME [--data DIR]", stderr)
	sf := addStoreFlags(fs)
	name := fs.String("name", "", "operator name (e.g. the sending province's node)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return err
	}
	tok, err := exchange.AddOperator(cfg.Dir, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func runNationalSend(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("national send", "national send --url URL PACKAGE_DIR  (token in $PADIS_NATIONAL_TOKEN)", stderr)
	url := fs.String("url", "", "base `URL` of the national node, e.g. http://127.0.0.1:8080")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	tok := os.Getenv("PADIS_NATIONAL_TOKEN")
	if *url == "" || fs.NArg() != 1 || tok == "" {
		return usageErrorf("give --url, one package directory and $PADIS_NATIONAL_TOKEN")
	}
	res, err := exchange.Send(context.Background(), &http.Client{Timeout: 10 * time.Minute}, *url, tok, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "accepted %s: %d months, %d rows merged\n", res.ID, len(res.SentMonths), res.RowsWritten)
	return nil
}
