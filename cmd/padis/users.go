package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/store"
)

func init() {
	register(command{name: "users", summary: "manage dashboard accounts: add, list, disable", run: runUsers})
}

const usersSynopsis = `users add NAME --roles ROLE[,ROLE…] --jurisdiction CODE [--password-stdin] [--data DIR]
       padis users list [--data DIR]
       padis users disable NAME [--data DIR]

Accounts of the dashboards, kept in DIR/users.json (bcrypt hashes). Roles:
viewer, statistician, operator (information centre; may reveal personal
records), admin. The jurisdiction is a division code: the user sees that
unit and the units below it only. 'add' on an existing name replaces the
account (new password, roles and jurisdiction). Without --password-stdin a
random password is generated and printed once.`

// usersStdin is where --password-stdin reads from (replaced in tests).
var usersStdin io.Reader = os.Stdin

func runUsers(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErrorf("want a subcommand: add, list or disable")
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet("users "+sub, usersSynopsis, stderr)
	data := fs.String("data", "", "data `DIR` (default $PADIS_DATA, else ./padis-data)")
	roles := fs.String("roles", "", "comma-separated `roles` (add)")
	juris := fs.String("jurisdiction", "", "division `code` the user may see (add)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (add)")
	switch sub {
	case "add", "list", "disable":
	case "-h", "--help", "-help", "help":
		printHelp(fs)
		return flag.ErrHelp
	default:
		return usageErrorf("unknown subcommand %q: want add, list or disable", sub)
	}
	// Flags may come before or after the name.
	var names []string
	for len(rest) > 0 {
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		names = append(names, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	dir := *data
	if dir == "" {
		cfg, err := store.ConfigFromEnv(os.Getenv)
		if err != nil {
			return usageErrorf("%v", err)
		}
		dir = cfg.Dir
	}
	us, err := dashboards.OpenUserStore(filepath.Join(dir, "users.json"))
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch sub {
	case "list":
		if len(names) > 0 {
			return usageErrorf("list takes no name")
		}
		all, err := us.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLES\tJURISDICTION\tSTATUS\tCREATED")
		for _, u := range all {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			rs := make([]string, len(u.Roles))
			for i, r := range u.Roles {
				rs[i] = string(r)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, strings.Join(rs, ","), u.Jurisdiction, status, u.Created.Format("2006-01-02"))
		}
		return tw.Flush()
	case "disable":
		if len(names) != 1 {
			return usageErrorf("disable takes exactly one user name")
		}
		u, err := us.User(ctx, names[0])
		if errors.Is(err, dashboards.ErrNoUser) {
			return fmt.Errorf("user %q does not exist", names[0])
		}
		if err != nil {
			return err
		}
		u.Disabled = true
		if err := us.Put(ctx, u); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s (a running server logs the user out within a second)\n", u.Name)
		return nil
	}
	if len(names) != 1 {
		return usageErrorf("add takes exactly one user name")
	}
	if *roles == "" || *juris == "" {
		return usageErrorf("add needs --roles and --jurisdiction")
	}
	rs, err := dashboards.ParseRoles(*roles)
	if err != nil {
		return usageErrorf("--roles: %v", err)
	}
	tree, err := datasets.Divisions()
	if err != nil {
		return fmt.Errorf("division list: %w", err)
	}
	pw := ""
	if *pwStdin {
		line, err := bufio.NewReader(usersStdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		pw = dashboards.RandomPassword()
	}
	u, err := dashboards.NewUser(names[0], pw, rs, *juris, tree)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := us.Put(ctx, u); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %s (roles %s, jurisdiction %s)\n", u.Name, *roles, u.Jurisdiction)
	if !*pwStdin {
		fmt.Fprintf(stdout, "password: %s (shown once)\n", pw)
	}
	return nil
}
