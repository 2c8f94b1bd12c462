package synth

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/padis/padis/models"
)

func TestConfigErrors(t *testing.T) {
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(full, "x")
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"unknown province", func(c *Config) { c.Province = "99" }, `province "99"`},
		{"county outside province", func(c *Config) { c.Counties = []string{"110101"} }, `county "110101"`},
		{"unknown county", func(c *Config) { c.Counties = []string{"519999"} }, `county "519999": not in the division list`},
		{"negative rate", func(c *Config) { c.Defects.Duplicate = -0.1 }, "dup-rate -0.1"},
		{"rate above one", func(c *Config) { c.Defects.Late = 2 }, "late-rate 2"},
		{"months", func(c *Config) { c.Months = 0 }, "months 0"},
		{"persons", func(c *Config) { c.Persons = 0 }, "persons 0"},
		{"format", func(c *Config) { c.Format = "xlsx" }, `format "xlsx"`},
		{"encoding with parquet", func(c *Config) { c.Encoding = EncodingGB18030 }, "csv only"},
		{"scope", func(c *Config) { c.Scope = "nation" }, `scope "nation"`},
		{"no out", func(c *Config) { c.Out = "" }, "output directory is missing"},
		{"out not empty", func(c *Config) { c.Out = full }, "is not empty"},
		{"out not a directory", func(c *Config) { c.Out = filepath.Join(notDir, "sub") }, "output directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Persons, cfg.Months = 100, 1
			cfg.Out = t.TempDir()
			c.edit(&cfg)
			_, err := Generate(t.Context(), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if !IsConfigError(err) {
				t.Errorf("%v is not a ConfigError", err)
			}
		})
	}
}

func TestCancelled(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Persons, cfg.Months, cfg.Out = 1000, 2, t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Generate(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestPeriodStart(t *testing.T) {
	cfg := DefaultConfig()
	if got := cfg.PeriodStart(); !got.Equal(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("period start %v, want 2023-01-01", got)
	}
	cfg.Months, cfg.AsOf = 1, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	if got := cfg.PeriodStart(); !got.Equal(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("period start %v, want 2024-02-01", got)
	}
}

func TestCSVGB18030(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Persons, cfg.Months = 3000, 6
	cfg.Format, cfg.Encoding = FormatCSV, EncodingGB18030
	cfg.Out = t.TempDir()
	res, err := Generate(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := res.Manifest.File(models.TablePersons)
	if !ok || f.Path != "persons.csv" || f.Encoding != "GB18030" {
		t.Fatalf("manifest entry %+v", f)
	}
	raw, err := os.ReadFile(filepath.Join(cfg.Out, f.Path))
	if err != nil {
		t.Fatal(err)
	}
	utf, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(utf, raw) {
		t.Fatal("GB18030 file identical to its UTF-8 decoding: not encoded")
	}
	rows, err := csv.NewReader(bytes.NewReader(utf)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(models.PersonsTable.ColumnNames(), ",") {
		t.Errorf("header %v", rows[0])
	}
	if int64(len(rows)-1) != f.Rows {
		t.Errorf("%d rows, manifest says %d", len(rows)-1, f.Rows)
	}
	if _, err := time.Parse(time.DateOnly, rows[1][4]); err != nil {
		t.Errorf("birth_date %q: %v", rows[1][4], err)
	}
	if n := []rune(rows[1][2]); len(n) < 2 || n[0] < 0x4e00 {
		t.Errorf("name %q is not Chinese", rows[1][2])
	}
}

func TestScopesAndEthnicity(t *testing.T) {
	cases := []struct {
		province string
		eth      string
		minShare float64
	}{
		{"54", "04", 0.6}, // Tibetan in Tibet
		{"65", "05", 0.3}, // Uyghur in Xinjiang
		{"45", "08", 0.2}, // Zhuang in Guangxi
	}
	for _, c := range cases {
		t.Run(c.province, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Province, cfg.Persons, cfg.Months, cfg.NoSources = c.province, 6000, 3, true
			s := generateSmall(t, cfg)
			n := 0
			for _, e := range s.persons.str["ethnicity"] {
				if e == c.eth {
					n++
				}
			}
			if share := float64(n) / float64(s.persons.n); share < c.minShare {
				t.Errorf("ethnicity %s: share %.2f, want at least %.2f", c.eth, share, c.minShare)
			}
			for _, p := range s.persons.str["res_place"] {
				if !strings.HasPrefix(p, c.province) {
					t.Fatalf("resident of %s outside province %s", p, c.province)
				}
			}
		})
	}
	cfg := DefaultConfig()
	cfg.Scope, cfg.Persons, cfg.Months, cfg.NoSources = ScopeMonitoring, 12000, 2, true
	s := generateSmall(t, cfg)
	sc := s.res.Manifest.Scope
	if sc.Name != "monitoring" || sc.Kind != "counties" || len(sc.Counties) < 100 {
		t.Errorf("monitoring scope %+v", sc)
	}
	provs := map[string]bool{}
	for _, c := range sc.Counties {
		provs[c[:2]] = true
	}
	if len(provs) < 25 {
		t.Errorf("monitoring panel spans %d provinces", len(provs))
	}
	cfg = DefaultConfig()
	cfg.Counties = []string{"510104", "513433"}
	cfg.Persons, cfg.Months, cfg.NoSources = 4000, 2, true
	s = generateSmall(t, cfg)
	if sc := s.res.Manifest.Scope; sc.Kind != "counties" || len(sc.Counties) != 2 || sc.Province != "51" {
		t.Errorf("county scope %+v", sc)
	}
	urban, rural := 0, 0
	for _, p := range s.persons.str["res_place"] {
		switch p[:6] {
		case "510104":
			urban++
		case "513433":
			rural++
		default:
			t.Fatalf("resident of %s outside the counties", p)
		}
	}
	if urban == 0 || rural == 0 {
		t.Errorf("residents: %d in 510104, %d in 513433", urban, rural)
	}
}
