package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"

	"github.com/padis/padis/datasets/synth"
)

func init() {
	register(command{
		name:    "generate",
		summary: "write a synthetic snapshot (Parquet/CSV + manifest) with its ground truth",
		run:     runGenerate,
	})
}

const generateSynopsis = "generate --out DIR [--province 51 | --counties C1,C2 | --scope monitoring | --nation [--scale 0.001] [--provinces C1,C2]] [--persons N] [--months N] [--seed N] [flags]"

// runGenerate parses the flags of padis generate and runs the generator.
func runGenerate(args []string, stdout, stderr io.Writer) error {
	def := synth.DefaultConfig()
	fs := newFlagSet("generate", generateSynopsis, stderr)
	province := fs.String("province", def.Province, "2-digit province code of the scope (e.g. 51 Sichuan, 54 Tibet, 65 Xinjiang)")
	counties := fs.String("counties", "", "comma-separated 6-digit county codes inside --province (default: every county of the province)")
	scope := fs.String("scope", def.Scope, "province (the province or --counties) or monitoring (the 120-county national monitoring panel, all provinces)")
	persons := fs.Int("persons", def.Persons, "persons alive at the period start, before the dynamics")
	months := fs.Int("months", def.Months, "whole months of history ending at --as-of")
	seed := fs.Uint64("seed", def.Seed, "random seed; the same seed and flags give byte-identical data files")
	asOf := fs.String("as-of", def.AsOf.Format(time.DateOnly), "snapshot date YYYY-MM-DD; the period is the --months whole months ending at it")
	out := fs.String("out", "", "output directory (required; must be empty unless --force)")
	force := fs.Bool("force", false, "write into a non-empty output directory, overwriting files")
	format := fs.String("format", def.Format, "table format: parquet or csv")
	encoding := fs.String("encoding", def.Encoding, "csv encoding: utf-8 or gb18030 (csv only)")
	noSources := fs.Bool("no-sources", false, "do not write the cross-checking sources (sources/police, birth_certificates, deaths)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "counties simulated concurrently (output does not depend on it)")
	d := def.Defects
	fs.Float64Var(&d.Duplicate, "dup-rate", d.Duplicate, "share of person records given a duplicate card (重卡)")
	fs.Float64Var(&d.InvalidID, "invalid-id-rate", d.InvalidID, "share of person records whose ID number is corrupted")
	fs.Float64Var(&d.Missing, "missing-rate", d.Missing, "share of person records with one field left empty")
	fs.Float64Var(&d.Undead, "undead-rate", d.Undead, "share of deaths in the period never reported to the FP database (死亡未销户); 0.1 ≈ 0.2–0.3 % of persons over 36 months")
	fs.Float64Var(&d.UnregisteredBirth, "unregistered-birth-rate", d.UnregisteredBirth, "share of births never registered in the FP database")
	fs.Float64Var(&d.Late, "late-rate", d.Late, "share of events registered 90–400 days after they happened")
	fs.Float64Var(&d.Unrecorded, "unrecorded-rate", d.Unrecorded, "share of residents known to the police but missing from the FP database (漏管)")
	fs.IntVar(&d.HeapingCounties, "heaping-counties", d.HeapingCounties, "number of counties whose adults' birth years are heaped on ages ending in 0 or 5")
	nation := fs.Bool("nation", false, "write one snapshot per province (DIR/<code>/) with cross-province flows and benefit rolls, and DIR/truth/national.json; --persons is then --scale × each province's population")
	scale := fs.Float64("scale", 0.001, "with --nation: persons per province = scale × its 2020 census population")
	provinces := fs.String("provinces", "", "with --nation: comma-separated 2-digit province codes (default: all 31)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return usageErrorf("--out is required")
	}
	day, err := time.Parse(time.DateOnly, *asOf)
	if err != nil {
		return usageErrorf("--as-of %q: want a date YYYY-MM-DD", *asOf)
	}
	cfg := def
	cfg.Province, cfg.Scope, cfg.Persons, cfg.Months, cfg.Seed = *province, strings.ToLower(*scope), *persons, *months, *seed
	cfg.AsOf, cfg.Out, cfg.Force, cfg.Format, cfg.Encoding = day, *out, *force, strings.ToLower(*format), strings.ToLower(*encoding)
	cfg.NoSources, cfg.Workers, cfg.Defects = *noSources, *workers, d
	if cfg.Encoding == "utf8" {
		cfg.Encoding = synth.EncodingUTF8
	}
	if *counties != "" {
		for _, c := range strings.Split(*counties, ",") {
			if c = strings.TrimSpace(c); c != "" {
				cfg.Counties = append(cfg.Counties, c)
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *nation {
		if len(cfg.Counties) > 0 || cfg.Scope != synth.ScopeProvince {
			return usageErrorf("--nation cannot be combined with --counties or --scope")
		}
		return runGenerateNation(ctx, cfg, *scale, *provinces, stdout)
	}
	if err := synth.CheckConfig(cfg); err != nil {
		return usageErrorf("%v", err)
	}
	res, err := synth.Generate(ctx, cfg)
	if err != nil {
		if synth.IsConfigError(err) {
			return usageErrorf("%v", err)
		}
		return err
	}
	var rows int64
	for _, f := range res.Manifest.Files {
		rows += f.Rows
	}
	fmt.Fprintf(stdout, "wrote %s: scope %s, %d counties, %d files, %d rows, %s\n",
		cfg.Out, res.Manifest.Scope.Key(), res.Counties, len(res.Manifest.Files), rows, res.Elapsed.Round(time.Millisecond))
	return nil
}

// runGenerateNation runs padis generate --nation.
func runGenerateNation(ctx context.Context, base synth.Config, scale float64, provinces string, stdout io.Writer) error {
	nc := synth.NationConfig{Base: base, Scale: scale, Out: base.Out, Defects: synth.DefaultNationDefects()}
	for _, p := range strings.Split(provinces, ",") {
		if p = strings.TrimSpace(p); p != "" {
			nc.Provinces = append(nc.Provinces, p)
		}
	}
	begin := time.Now()
	truth, err := synth.GenerateNation(ctx, nc)
	if err != nil {
		if synth.IsConfigError(err) {
			return usageErrorf("%v", err)
		}
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d provinces, %d matched cross-province moves, %d cross-province defects, national population %d (plain sum %d, %d double counted), %s\n",
		base.Out, len(truth.Provinces), truth.Moves, len(truth.Entries), truth.Population, truth.PlainSum, truth.DoubleCounted, time.Since(begin).Round(time.Millisecond))
	return nil
}
