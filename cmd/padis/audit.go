package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/auditchain"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

func init() {
	register(command{
		name:    "audit",
		summary: "check the hash chains of the audit trails",
		subcommands: []subcommand{
			{"verify", "verify the dashboards' audit log and meta.reveal_audit; name the first broken record", runAuditVerify},
		},
	})
}

const auditVerifySynopsis = `audit verify [--data DIR]

Checks the hash chains of the dashboards' audit log (DATA/audit.jsonl and
its rotated files DATA/audit.NNNNNN.jsonl, oldest first) and of the store's
meta.reveal_audit table, with the key of the store (the chain is an HMAC
keyed from the master key: without it nobody can rewrite a record and its
successors). Prints each trail's head (last sequence number and hash): note
it, because deleting the newest records leaves a shorter chain that
verifies. A broken chain is named by its first broken record (file and
line, or table row) and what broke: edited, deleted, reordered, inserted;
the exit status is then 1.`

func runAuditVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit verify", auditVerifySynopsis, stderr)
	sf := addStoreFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	key, err := existingAuditKey(cfg.Dir)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("%w (the table needs the store: stop padis serve, which verifies both trails when it starts)", err)
	}
	defer st.Close()
	trails, err := verifyAuditTrails(ctx, st, key)
	if err != nil {
		return err
	}
	broken := false
	for _, t := range trails {
		fmt.Fprintln(stdout, t)
		broken = broken || t.Break != nil
	}
	if broken {
		return errors.New("audit verify: a chain is broken")
	}
	return nil
}

// existingAuditKey returns the audit chain key of the store in dir
// without creating a key: a store without a key has nothing to verify.
func existingAuditKey(dir string) ([]byte, error) {
	if os.Getenv("PADIS_KEY") == "" && os.Getenv("PADIS_KEY_FILE") == "" {
		if _, err := os.Stat(filepath.Join(dir, pii.KeyFileName)); err != nil {
			return nil, fmt.Errorf("no key (PADIS_KEY, PADIS_KEY_FILE or %s): %w", filepath.Join(dir, pii.KeyFileName), err)
		}
	}
	keys, _, err := pii.LoadKeys(dir, os.Getenv)
	if err != nil {
		return nil, err
	}
	return keys.AuditKey(), nil
}

// auditTrail is the verification of one trail.
type auditTrail struct {
	Name string
	auditchain.Result
}

func (t auditTrail) String() string {
	if t.Break != nil {
		return fmt.Sprintf("%s: BROKEN at %v (%d records read)", t.Name, t.Break, t.Records)
	}
	return fmt.Sprintf("%s: %d records, chain intact; head seq %d hash %s", t.Name, t.Records, t.Seq, t.Head)
}

// verifyAuditTrails verifies the dashboards' audit log of st's data
// directory and the store's meta.reveal_audit. It writes nothing: records
// written before the trails were chained show as unchained until padis
// serve (or the next append) chains them.
func verifyAuditTrails(ctx context.Context, st *store.Store, key []byte) ([]auditTrail, error) {
	path := filepath.Join(st.Config().Dir, "audit.jsonl")
	files, err := dashboards.AuditFiles(path)
	if err != nil {
		return nil, err
	}
	file, err := dashboards.VerifyAuditLog(path, key)
	if err != nil {
		return nil, err
	}
	table, err := pii.VerifyTableAudit(ctx, st.DB(), store.AuditTable, key)
	if err != nil {
		return nil, err
	}
	return []auditTrail{{fmt.Sprintf("audit log %s (%d files)", path, len(files)), file}, {store.AuditTable, table}}, nil
}

// checkAuditAtStart verifies both audit trails for padis serve (after
// chaining the table's rows written before it was chained; the log file's
// are chained when it is opened): a broken
// chain refuses the start unless allow, in which case the warning is
// printed and returned (the server shows it on the audit page).
func checkAuditAtStart(ctx context.Context, st *store.Store, key []byte, allow bool, stderr io.Writer) (warning string, err error) {
	if err := pii.ChainTableAudit(ctx, st.DB(), store.AuditTable, key); err != nil {
		return "", err
	}
	trails, err := verifyAuditTrails(ctx, st, key)
	if err != nil {
		return "", err
	}
	for _, t := range trails {
		if t.Break == nil {
			continue
		}
		if !allow {
			return "", fmt.Errorf("refusing to start: the audit trail is tampered with or damaged: %v\n(investigate with 'padis audit verify'; --allow-broken-audit starts anyway, with a warning)", t)
		}
		warning += t.String() + "\n"
	}
	if warning != "" {
		fmt.Fprintf(stderr, "\n!!! WARNING: AUDIT TRAIL BROKEN !!!\n%s!!! started with --allow-broken-audit: the audit trail cannot be trusted before this point !!!\n\n", warning)
	}
	return warning, nil
}

// revealPolicyFromEnv reads the reveal policy shared by padis serve and
// padis worklists reveal: $PADIS_REVEAL_MIN_REASON (characters),
// $PADIS_REVEAL_LIMIT (records per user and window) and
// $PADIS_REVEAL_WINDOW (a duration, e.g. 1h); unset takes the defaults.
func revealPolicyFromEnv(getenv func(string) string) (models.RevealPolicy, error) {
	var p models.RevealPolicy
	for _, v := range []struct {
		name string
		dst  *int
	}{{"PADIS_REVEAL_MIN_REASON", &p.MinReason}, {"PADIS_REVEAL_LIMIT", &p.Limit}} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return p, usageErrorf("%s=%q: want a whole number of 1 or more", v.name, s)
			}
			*v.dst = n
		}
	}
	if s := getenv("PADIS_REVEAL_WINDOW"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Minute {
			return p, usageErrorf("PADIS_REVEAL_WINDOW=%q: want a duration of at least 1m, e.g. 1h", s)
		}
		p.Window = d
	}
	return p.WithDefaults(), nil
}
