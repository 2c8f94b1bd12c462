package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

func init() {
	register(command{
		name:    "quarantine",
		summary: "query or export to CSV the rows a load quarantined or flagged",
		run:     runQuarantine,
	})
}

const quarantineSynopsis = "quarantine (--snapshot V | --scope S) [--table T] [--reason R] [--field F] [--action quarantined|flagged] [--summary] [--csv FILE|-] [--limit N]"

// runQuarantine is padis quarantine.
func runQuarantine(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("quarantine", quarantineSynopsis, stderr)
	sf := addStoreFlags(fs)
	version := fs.Int64("snapshot", 0, "snapshot version (see padis snapshots)")
	scope := fs.String("scope", "", "use the current version of this scope instead of --snapshot")
	var f store.QuarantineFilter
	fs.StringVar(&f.Table, "table", "", "only this table (persons, households, events, sources/police, …)")
	fs.StringVar(&f.Reason, "reason", "", "only this reason code (see docs/snapshot-format.md)")
	fs.StringVar(&f.Field, "field", "", "only problems of this field")
	fs.StringVar(&f.Action, "action", "", "only quarantined rows or only flagged rows")
	fs.IntVar(&f.Limit, "limit", 0, "at most this many rows (default: all for --csv, 50 on screen)")
	summary := fs.Bool("summary", false, "print counts by table and reason instead of rows")
	csvOut := fs.String("csv", "", "export to this CSV file (- for stdout) for the people who fix the rows")
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
	if (*version == 0) == (*scope == "") {
		return usageErrorf("give exactly one of --snapshot and --scope")
	}
	switch f.Action {
	case "", store.ActionQuarantined, store.ActionFlagged:
	default:
		return usageErrorf("--action %q: want quarantined or flagged", f.Action)
	}
	ctx := context.Background()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *scope != "" {
		v, err := st.Current(ctx, *scope)
		if err != nil {
			return err
		}
		*version = v.ID
	}
	if *summary {
		counts, err := st.QuarantineSummary(ctx, *version)
		if err != nil {
			return err
		}
		t := newTable(tr(lang, "表", "table"), tr(lang, "原因", "reason"), tr(lang, "处理", "action"), tr(lang, "行数", "rows")).alignRight(3)
		for _, c := range counts {
			t.add(c.Table, c.Reason, actionWord(c.Action, lang), group(c.Count))
		}
		return t.write(stdout)
	}
	if *csvOut != "" {
		w := stdout
		if *csvOut != "-" {
			file, err := os.Create(*csvOut)
			if err != nil {
				return err
			}
			defer file.Close()
			w = file
		}
		n, err := st.ExportQuarantineCSV(ctx, *version, f, w)
		if err != nil {
			return err
		}
		if *csvOut != "-" {
			fmt.Fprintf(stdout, tr(lang, "已写出 %s 行到 %s\n", "wrote %s rows to %s\n"), group(int64(n)), *csvOut)
		}
		return nil
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	rows, err := st.Quarantine(ctx, *version, f)
	if err != nil {
		return err
	}
	t := newTable(tr(lang, "表", "table"), tr(lang, "文件", "file"), tr(lang, "行", "row"), tr(lang, "字段", "field"),
		tr(lang, "原因", "reason"), tr(lang, "处理", "action"), tr(lang, "值", "value"), tr(lang, "说明", "message")).alignRight(2)
	for _, r := range rows {
		t.add(r.Table, r.File, strconv.FormatInt(int64(r.Row), 10), r.Field, r.Reason, actionWord(r.Action, lang), oneLine(r.Value), tr(lang, r.MessageZH, r.MessageEN))
	}
	if err := t.write(stdout); err != nil {
		return err
	}
	if len(rows) == f.Limit {
		fmt.Fprintf(stdout, tr(lang, "（仅列前 %d 行；更多请用 --limit 或 --csv）\n", "(first %d rows; use --limit or --csv for more)\n"), f.Limit)
	}
	return nil
}

func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\t", " ", "\r", " ").Replace(s)
}

// actionWord names a quarantine action in lang.
func actionWord(action string, lang models.Lang) string {
	switch action {
	case store.ActionQuarantined:
		return tr(lang, "隔离", action)
	case store.ActionFlagged:
		return tr(lang, "标记", action)
	}
	return action
}
