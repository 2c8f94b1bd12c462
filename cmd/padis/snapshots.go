package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/padis/padis/engine/pipeline"
	"io"
	"strconv"
	"time"

	"github.com/padis/padis/engine/store"
)

func init() {
	register(command{
		name:    "snapshots",
		summary: "list the loaded snapshot versions, or drop one",
		run:     runSnapshots,
	})
}

const snapshotsSynopsis = "snapshots [--data DIR] [--scope S] [--json] [--drop VERSION]"

// runSnapshots is padis snapshots.
func runSnapshots(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("snapshots", snapshotsSynopsis, stderr)
	sf := addStoreFlags(fs)
	scope := fs.String("scope", "", "only this scope (e.g. 51 or monitoring)")
	asJSON := fs.Bool("json", false, "print the versions as JSON")
	drop := fs.Int64("drop", 0, "drop this version (its tables, quarantine and vault)")
	langFlag := fs.String("lang", "zh", "language of the table and messages: zh or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	lang, err := parseLang(*langFlag)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *drop != 0 {
		v, err := st.Version(ctx, *drop)
		if err != nil {
			return err
		}
		if err := pipeline.Drop(ctx, st, *drop); err != nil {
			return err
		}
		fmt.Fprintf(stdout, tr(lang, "已删除版本 %d（范围 %s，截至 %s）\n", "dropped version %d of scope %s (as of %s)\n"), v.ID, v.Scope, v.AsOf.Format(time.DateOnly))
		if cur, err := st.Current(ctx, v.Scope); err == nil {
			fmt.Fprintf(stdout, tr(lang, "范围 %s 的当前版本现为 %d（截至 %s）\n", "current version of scope %s is now %d (as of %s)\n"), v.Scope, cur.ID, cur.AsOf.Format(time.DateOnly))
		} else {
			fmt.Fprintf(stdout, tr(lang, "范围 %s 已无任何版本\n", "scope %s has no version left\n"), v.Scope)
		}
		return nil
	}
	vs, err := st.Versions(ctx, *scope)
	if err != nil {
		return err
	}
	current := map[int64]bool{}
	for _, v := range vs {
		if cur, err := st.Current(ctx, v.Scope); err == nil {
			current[cur.ID] = true
		}
	}
	if *asJSON {
		type row struct {
			*store.Version
			Current bool `json:"current"`
		}
		out := make([]row, len(vs))
		for i, v := range vs {
			out[i] = row{v, current[v.ID]}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(vs) == 0 {
		fmt.Fprintf(stdout, tr(lang, "%s 中尚未加载任何快照\n", "no snapshot loaded in %s\n"), st.Config().Dir)
		return nil
	}
	t := newTable(tr(lang, "版本", "version"), tr(lang, "范围", "scope"), tr(lang, "截至", "as of"), tr(lang, "加载时间", "loaded at"),
		tr(lang, "输入行数", "rows in"), tr(lang, "接受", "accepted"), tr(lang, "隔离", "quarantined"), tr(lang, "耗时", "duration")).alignRight(4, 5, 6, 7)
	for _, v := range vs {
		in, acc, qu := v.Totals()
		mark := ""
		if current[v.ID] {
			mark = " *"
		}
		t.add(strconv.FormatInt(v.ID, 10)+mark, v.Scope, v.AsOf.Format(time.DateOnly),
			v.LoadedAt.Local().Format("2006-01-02 15:04"), group(in), group(acc), group(qu), v.Duration.Round(time.Millisecond).String())
	}
	if err := t.write(stdout); err != nil {
		return err
	}
	fmt.Fprintln(stdout, tr(lang, "* 该范围的当前版本", "* current version of its scope"))
	return nil
}
