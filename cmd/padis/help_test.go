package main

import (
	"sort"
	"strings"
	"testing"
)

// TestHelpEveryCommand runs -h, --help and 'padis help …' for every command
// and every subcommand: each exits 0 and prints its help on standard
// output, nothing on standard error. Before, help went to standard error
// and 'padis alerts detect -h' failed (-h was a CUSUM parameter).
func TestHelpEveryCommand(t *testing.T) {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var cases [][]string
	for _, n := range names {
		c := commands[n]
		cases = append(cases, []string{n, "-h"}, []string{n, "--help"}, []string{"help", n})
		for _, s := range c.subcommands {
			cases = append(cases, []string{n, s.name, "-h"}, []string{n, s.name, "--help"}, []string{"help", n, s.name})
		}
	}
	// Commands whose subcommands are not in a subcommand table.
	cases = append(cases, []string{"users", "add", "-h"}, []string{"users", "list", "-h"}, []string{"bench", "load", "-h"},
		[]string{"project", "backtest", "-h"}, []string{"quarantine", "-h"})
	for _, args := range cases {
		code, stdout, stderr := runPadis(args...)
		if code != 0 || !strings.Contains(stdout, "usage: padis") || stderr != "" {
			t.Errorf("padis %s: exit %d (want 0), stdout %.80q (want the usage), stderr %q (want empty)",
				strings.Join(args, " "), code, stdout, stderr)
		}
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, stdout, stderr := runPadis(args...)
		if code != 0 || !strings.Contains(stdout, "commands:") || stderr != "" {
			t.Errorf("padis %s: exit %d, stdout %.80q, stderr %q; want 0 and the command list on stdout", args[0], code, stdout, stderr)
		}
	}
	// Without a command the list is a usage error: stderr, exit 2.
	if code, stdout, stderr := runPadis(); code != 2 || stdout != "" || !strings.Contains(stderr, "commands:") {
		t.Errorf("padis: exit %d, stdout %q, stderr %.80q; want 2 and the list on stderr", code, stdout, stderr)
	}
	// A wrong flag still prints the usage on stderr and exits 2.
	if code, stdout, stderr := runPadis("alerts", "detect", "--nope"); code != 2 || stdout != "" || !strings.Contains(stderr, "usage: padis alerts detect") {
		t.Errorf("alerts detect --nope: exit %d, stdout %q, stderr %.80q", code, stdout, stderr)
	}
	// The CUSUM decision interval kept a long name.
	if code, stdout, _ := runPadis("alerts", "detect", "-h"); code != 0 || !strings.Contains(stdout, "-cusum-h") {
		t.Errorf("alerts detect -h: exit %d, no -cusum-h in\n%s", code, stdout)
	}
}
