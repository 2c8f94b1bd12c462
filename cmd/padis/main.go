// Command padis is the Population Administration & Decision Information
// System: it generates synthetic snapshots, loads provincial snapshots into
// the DuckDB store, computes indicators, projections and alerts, and serves
// the leadership dashboards.
//
// Each subcommand lives in a file of its own and registers itself with
// register from an init function; main only dispatches.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one padis subcommand.
type command struct {
	name    string // first word on the command line
	summary string // one line for the usage list
	// run executes the command with the arguments after its name. It
	// returns errUsage (possibly wrapped) when the arguments are wrong.
	run func(args []string, stdout, stderr io.Writer) error
	// subcommands, when set, make run dispatch on the first argument to
	// one of them (run is then left nil).
	subcommands []subcommand
}

var commands = map[string]command{}

// register adds a subcommand; it panics on a duplicate name, which is a
// programming error caught by any test that starts the binary.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("padis: duplicate command " + c.name)
	}
	if c.subcommands != nil {
		name, subs := c.name, c.subcommands
		c.run = func(args []string, stdout, stderr io.Writer) error {
			return dispatch(name, subs, args, stdout, stderr)
		}
	}
	commands[c.name] = c
}

// errUsage marks an error caused by wrong arguments; main exits with 2.
var errUsage = errors.New("usage error")

// usageErrorf returns an error wrapping errUsage with a message for the user.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// newFlagSet returns a flag set that reports errors instead of exiting, with
// a usage text that starts with the command's synopsis. The usage text goes
// to standard output when asked for (-h, --help) and to standard error after
// a wrong flag (see parseFlags).
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: padis %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// consoleErr is the standard error that run hands to the commands: it also
// carries standard output, where help asked for with -h or --help goes.
type consoleErr struct {
	io.Writer
	stdout io.Writer
}

// helpOutput returns where help goes for a command given stderr: the
// standard output carried by a consoleErr, else stderr itself (tests that
// call a command function directly).
func helpOutput(stderr io.Writer) io.Writer {
	if c, ok := stderr.(consoleErr); ok {
		return c.stdout
	}
	return stderr
}

// printHelp prints the usage text of fs to standard output.
func printHelp(fs *flag.FlagSet) {
	out := fs.Output()
	fs.SetOutput(helpOutput(out))
	fs.Usage()
	fs.SetOutput(out)
}

// parseFlags parses args with fs and turns flag errors into usage errors.
// It returns flag.ErrHelp untouched so that -h exits 0; the help text then
// goes to standard output, an error and the usage text to standard error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		_, werr := helpOutput(out).Write(buf.Bytes())
		if werr != nil {
			return werr
		}
		return err
	}
	if _, werr := out.Write(buf.Bytes()); werr != nil {
		return werr
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// warnIgnored writes a warning to stderr for each of the flags names that
// was given on the command line but is ignored; why says when, e.g. "with
// --children". A flag silently ignored leaves the user believing it acted.
func warnIgnored(fs *flag.FlagSet, stderr io.Writer, why string, names ...string) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range names {
		if set[n] {
			fmt.Fprintf(stderr, "padis %s: warning: --%s is ignored %s\n", fs.Name(), n, why)
		}
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// isHelp reports whether a command-line word asks for help.
func isHelp(a string) bool {
	return a == "-h" || a == "--help" || a == "-help" || a == "help"
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	if isHelp(args[0]) {
		if len(args) == 1 {
			printUsage(stdout)
			return 0
		}
		// padis help CMD [SUB]: the help of that command.
		args = append(args[1:len(args):len(args)], "-h")
	}
	stderr = consoleErr{Writer: stderr, stdout: stdout}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "padis: unknown command %q\n\n", args[0])
		printUsage(stderr)
		return 2
	}
	err := c.run(args[1:], stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "padis %s: %s\n(run 'padis %s -h' for help)\n", c.name, strings.TrimPrefix(err.Error(), errUsage.Error()+": "), c.name)
		return 2
	default:
		fmt.Fprintf(stderr, "padis %s: %v\n", c.name, err)
		return 1
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "padis — Population Administration & Decision Information System (人口宏观管理与决策信息系统)")
	fmt.Fprintln(w, "\nusage: padis <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'padis <command> -h' for a command's flags.")
}

// subcommand is one subcommand of a command with several (padis alerts,
// padis indicators, padis quality).
type subcommand struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

// dispatch runs the subcommand of parent named by args[0], or prints the
// list of subcommands.
func dispatch(parent string, subs []subcommand, args []string, stdout, stderr io.Writer) error {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "usage: padis %s <subcommand> [flags]\n\nsubcommands:\n", parent)
		for _, s := range subs {
			fmt.Fprintf(w, "  %-8s %s\n", s.name, s.summary)
		}
		fmt.Fprintf(w, "\nRun 'padis %s <subcommand> -h' for its flags.\n", parent)
	}
	if len(args) == 0 {
		usage(stderr)
		return usageErrorf("missing subcommand")
	}
	if isHelp(args[0]) {
		if len(args) > 1 { // padis help CMD SUB
			args = append(args[1:len(args):len(args)], "-h")
		} else {
			usage(stdout)
			return flag.ErrHelp
		}
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return usageErrorf("unknown subcommand %q", args[0])
}
