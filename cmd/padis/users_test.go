package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/padis/padis/dashboards"
)

func TestUsersCommand(t *testing.T) {
	dir := t.TempDir()
	usersStdin = strings.NewReader("a long enough secret\n")
	defer func() { usersStdin = nil }()
	steps := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"users", "add", "li", "--roles", "viewer,operator", "--jurisdiction", "510104", "--data", dir}, 0, "password: ", ""},
		{[]string{"users", "add", "--data", dir, "wang", "--roles", "statistician", "--jurisdiction", "510000", "--password-stdin"}, 0, "added wang (roles statistician, jurisdiction 51)", ""},
		{[]string{"users", "add", "zhao", "--roles", "boss", "--jurisdiction", "51", "--data", dir}, 2, "", `role "boss"`},
		{[]string{"users", "add", "zhao", "--roles", "viewer", "--jurisdiction", "99", "--data", dir}, 2, "", `jurisdiction "99"`},
		{[]string{"users", "add", "zhao", "--data", dir}, 2, "", "needs --roles and --jurisdiction"},
		{[]string{"users", "disable", "wang", "--data", dir}, 0, "disabled wang", ""},
		{[]string{"users", "disable", "nobody", "--data", dir}, 1, "", `user "nobody" does not exist`},
		{[]string{"users", "list", "--data", dir}, 0, "", ""},
		{[]string{"users", "remove", "li"}, 2, "", "unknown subcommand"},
	}
	var listOut string
	for _, s := range steps {
		var out, errb bytes.Buffer
		code := run(s.args, &out, &errb)
		if code != s.code || !strings.Contains(out.String(), s.out) || !strings.Contains(errb.String(), s.err) {
			t.Errorf("padis %s: exit %d, stdout %q, stderr %q; want exit %d, stdout ∋ %q, stderr ∋ %q",
				strings.Join(s.args, " "), code, out.String(), errb.String(), s.code, s.out, s.err)
		}
		if s.args[1] == "list" {
			listOut = out.String()
		}
	}
	for _, re := range []string{`(?m)^li\s+viewer,operator\s+510104\s+active`, `(?m)^wang\s+statistician\s+51\s+disabled`} {
		if !regexp.MustCompile(re).MatchString(listOut) {
			t.Errorf("list output lacks %s:\n%s", re, listOut)
		}
	}
	us, err := dashboards.OpenUserStore(filepath.Join(dir, "users.json"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := us.User(context.Background(), "wang")
	if err != nil || !w.CheckPassword("a long enough secret") {
		t.Errorf("wang's password from stdin does not check: %v", err)
	}
}
