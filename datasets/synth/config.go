package synth

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Scope names accepted by Config.Scope.
const (
	ScopeProvince   = "province"
	ScopeMonitoring = "monitoring"
)

// Output formats and CSV encodings.
const (
	FormatParquet   = "parquet"
	FormatCSV       = "csv"
	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030"
)

// Defects are the rates of the injected data defects. Each rate is a
// probability in [0, 1]; docs/generator.md gives the exact denominator.
type Defects struct {
	Duplicate          float64 `json:"dup_rate"`                   // person records that get a second card (重卡)
	InvalidID          float64 `json:"invalid_id_rate"`            // person records whose ID number is corrupted
	Missing            float64 `json:"missing_rate"`               // person records with one field left empty
	Undead             float64 `json:"undead_rate"`                // deaths in the period never reported to the FP database (死亡未销户)
	UnregisteredBirth  float64 `json:"unregistered_birth_rate"`    // births never registered in the FP database
	Late               float64 `json:"late_rate"`                  // events registered 90–400 days late
	Unrecorded         float64 `json:"unrecorded_rate"`            // residents known to the police but missing from the FP database (漏管)
	HeapingCounties    int     `json:"heaping_counties"`           // counties whose adults' birth years are heaped on ages ending in 0 or 5
	HeapingShare       float64 `json:"heaping_share"`              // share of adults 30+ heaped in those counties
	PoliceOmission     float64 `json:"police_omission_rate"`       // registered persons missing from the police extract
	CertificateOmitted float64 `json:"certificate_omission_rate"`  // births without a medical birth certificate
	DeathUnrecorded    float64 `json:"death_record_omission_rate"` // deaths missing from the civil/cremation records
	BenefitDead        float64 `json:"benefit_dead_rate"`          // eligible persons deregistered as dead before the payment year kept on the benefit roll
	BenefitIneligible  float64 `json:"benefit_ineligible_rate"`    // near-eligible persons (one rule missed) put on the benefit roll
}

// DefaultDefects returns the default defect rates.
func DefaultDefects() Defects {
	return Defects{
		Duplicate:          0.005,
		InvalidID:          0.003,
		Missing:            0.02,
		Undead:             0.1,
		UnregisteredBirth:  0.01,
		Late:               0.02,
		Unrecorded:         0.005,
		HeapingCounties:    3,
		HeapingShare:       0.15,
		PoliceOmission:     0.003,
		CertificateOmitted: 0.005,
		DeathUnrecorded:    0.06,
		BenefitDead:        0.05,
		BenefitIneligible:  0.02,
	}
}

// Config is a generation request.
type Config struct {
	Province  string   // 2-digit province code (scope province)
	Counties  []string // explicit 6-digit county codes inside Province; empty = all
	Scope     string   // ScopeProvince or ScopeMonitoring
	Persons   int      // persons alive at the period start
	Months    int      // whole months of dynamics ending at AsOf
	Seed      uint64
	AsOf      time.Time // last day of the period
	Out       string    // output directory
	Format    string    // FormatParquet or FormatCSV
	Encoding  string    // CSV only: EncodingUTF8 or EncodingGB18030
	NoSources bool      // skip sources/
	Force     bool      // allow a non-empty output directory
	Workers   int       // concurrent county simulations
	Defects   Defects
	// Producer is written to the manifest; "padis generate" when empty.
	Producer string
	// Shocks are injected departures (none by default), for testing
	// early warnings; see Shock.
	Shocks []Shock
}

// DefaultConfig returns the defaults of padis generate (Out is left empty).
func DefaultConfig() Config {
	return Config{
		Province: "51",
		Scope:    ScopeProvince,
		Persons:  1_000_000,
		Months:   36,
		Seed:     7,
		AsOf:     time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
		Format:   FormatParquet,
		Encoding: EncodingUTF8,
		Workers:  runtime.GOMAXPROCS(0),
		Defects:  DefaultDefects(),
	}
}

// PeriodStart returns the first day of the period: the first day of the
// month Months−1 months before the month of AsOf.
func (c Config) PeriodStart() time.Time {
	y, m, _ := c.AsOf.Date()
	return time.Date(y, m-time.Month(c.Months-1), 1, 0, 0, 0, 0, time.UTC)
}

// check validates the parts of a Config that need no reference data.
func (c Config) check() error {
	switch c.Scope {
	case ScopeProvince, ScopeMonitoring:
	default:
		return fmt.Errorf("scope %q: want province or monitoring", c.Scope)
	}
	if c.Scope == ScopeMonitoring && len(c.Counties) > 0 {
		return fmt.Errorf("counties cannot be combined with scope monitoring")
	}
	if c.Persons < 1 {
		return fmt.Errorf("persons %d: want at least 1", c.Persons)
	}
	if c.Months < 1 {
		return fmt.Errorf("months %d: want at least 1", c.Months)
	}
	if c.Months > 600 {
		return fmt.Errorf("months %d: want at most 600", c.Months)
	}
	if c.AsOf.IsZero() {
		return fmt.Errorf("as-of date is missing")
	}
	if y := c.AsOf.Year(); y < 1990 || y > 2100 {
		return fmt.Errorf("as-of %s: year outside 1990–2100", c.AsOf.Format(time.DateOnly))
	}
	if c.Out == "" {
		return fmt.Errorf("output directory is missing")
	}
	switch c.Format {
	case FormatParquet:
		if c.Encoding != "" && c.Encoding != EncodingUTF8 {
			return fmt.Errorf("encoding %s applies to csv only", c.Encoding)
		}
	case FormatCSV:
		if c.Encoding != EncodingUTF8 && c.Encoding != EncodingGB18030 {
			return fmt.Errorf("encoding %q: want utf-8 or gb18030", c.Encoding)
		}
	default:
		return fmt.Errorf("format %q: want parquet or csv", c.Format)
	}
	if c.Workers < 1 {
		return fmt.Errorf("workers %d: want at least 1", c.Workers)
	}
	d := c.Defects
	for _, r := range []struct {
		name string
		v    float64
	}{
		{"dup-rate", d.Duplicate}, {"invalid-id-rate", d.InvalidID}, {"missing-rate", d.Missing},
		{"undead-rate", d.Undead}, {"unregistered-birth-rate", d.UnregisteredBirth}, {"late-rate", d.Late},
		{"unrecorded-rate", d.Unrecorded}, {"heaping share", d.HeapingShare}, {"police omission", d.PoliceOmission},
		{"certificate omission", d.CertificateOmitted}, {"death-record omission", d.DeathUnrecorded},
		{"benefit dead", d.BenefitDead}, {"benefit ineligible", d.BenefitIneligible},
	} {
		if r.v < 0 || r.v > 1 || r.v != r.v {
			return fmt.Errorf("%s %g: want a probability between 0 and 1", r.name, r.v)
		}
	}
	if d.HeapingCounties < 0 {
		return fmt.Errorf("heaping-counties %d: want 0 or more", d.HeapingCounties)
	}
	for i := range c.Shocks {
		if err := c.Shocks[i].check(); err != nil {
			return err
		}
	}
	return nil
}

// ConfigError is an invalid generation request (a bad flag value, an
// unknown province or county, an unusable output directory).
type ConfigError struct{ Err error }

// Error returns the message of the underlying error.
func (e *ConfigError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

// IsConfigError reports whether err is a *ConfigError.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

// CheckConfig validates the parts of cfg that need no reference data.
func CheckConfig(cfg Config) error {
	if err := cfg.check(); err != nil {
		return &ConfigError{err}
	}
	return nil
}
