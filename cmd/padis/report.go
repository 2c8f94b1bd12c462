package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/dashboards/report/querysource"
	"github.com/padis/padis/datasets"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/models"
)

func init() {
	register(command{
		name:    "report",
		summary: "write the monthly population situation report (人口形势分析月报) of a unit as HTML and PDF",
		run:     runReport,
	})
}

const reportSynopsis = "report --division CODE --month YYYY-MM [--format html,pdf] [--lang zh,en] [--out DIR] [--data DIR] [--version N] [--archive]"

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", reportSynopsis, stderr)
	sf := addStoreFlags(fs)
	division := fs.String("division", "", "division code of the unit (2, 4 or 6 digits), e.g. 51 for Sichuan; 00 for the national report from the monitoring panel")
	month := fs.String("month", "", "report month YYYY-MM")
	formats := fs.String("format", "html,pdf", "comma-separated output formats: html, pdf")
	langs := fs.String("lang", "zh", "comma-separated languages: zh, en")
	out := fs.String("out", ".", "output directory (created if missing)")
	version := fs.Int64("version", 0, "snapshot version (default: the newest cube covering the division; for 00 the newest monitoring panel)")
	archive := fs.Bool("archive", false, "write into the archive layout OUT/<division>/<month>/ with a manifest, as the server does")
	series := fs.Int("series-months", 36, "months in the births and deaths chart (24–36)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *division == "" || *month == "" {
		return usageErrorf("--division and --month are required")
	}
	code, err := models.NormalizeCode(*division)
	if err != nil {
		return usageErrorf("--division: %v", err)
	}
	m, err := report.ParseMonth(*month)
	if err != nil {
		return usageErrorf("--month: %v", err)
	}
	fmts, err := report.ParseFormats(*formats)
	if err != nil {
		return usageErrorf("--format: %v", err)
	}
	var ls []models.Lang
	for _, l := range strings.Split(*langs, ",") {
		lang, err := report.ParseLang(l)
		if err != nil {
			return usageErrorf("--lang: %v", err)
		}
		ls = append(ls, lang)
	}
	if *series < 24 || *series > 36 {
		return usageErrorf("--series-months %d: want 24 to 36", *series)
	}
	ctx := context.Background()
	start := time.Now()
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// One report reads a few thousand values: reading them from the
	// store's tables is cheaper than loading the cube into memory.
	eng, err := query.NewWithOptions(ctx, st, query.Options{NoMemory: true})
	if err != nil {
		return err
	}
	defer eng.Close()
	tree, err := datasets.Divisions()
	if err != nil {
		return err
	}
	src := querysource.New(eng, tree)
	src.Version, src.Store = *version, st
	b := report.Builder{Reader: src, Catalog: eng.Catalog(), SeriesMonths: *series}
	r, err := b.Build(ctx, code, m)
	if err != nil {
		return err
	}
	built := time.Since(start)
	outs, err := report.Render(r, fmts, ls)
	if err != nil {
		return err
	}
	rendered := time.Since(start) - built
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var paths []string
	if *archive {
		entries, err := report.Archive{Dir: *out}.Store(r, outs)
		if err != nil {
			return err
		}
		for _, e := range entries {
			paths = append(paths, filepath.Join(*out, e.Division, e.Month, e.Name))
		}
	} else {
		for _, o := range outs {
			p := filepath.Join(*out, o.Name)
			if err := os.WriteFile(p, o.Data, 0o644); err != nil {
				return fmt.Errorf("report: %w", err)
			}
			paths = append(paths, p)
		}
	}
	for i, p := range paths {
		fmt.Fprintf(stdout, "%s\t%d bytes\n", p, len(outs[i].Data))
	}
	fmt.Fprintf(stderr, "report %s %s (%s), version %d: %d figures read in %v, rendered in %v\n",
		r.Unit.Code, r.Month, r.Unit.FullName, r.Version, len(r.Figures()), built.Round(time.Millisecond), rendered.Round(time.Millisecond))
	for _, n := range r.Notes {
		fmt.Fprintf(stderr, "note: no %s from this data source\n", n)
	}
	return nil
}
