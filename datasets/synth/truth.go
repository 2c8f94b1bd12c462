package synth

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/padis/padis/models"
)

// Truth is truth.json: the rates the generator used and what it realised.
// Rates are per person-year of daysPerYear days; ages are completed years.
type Truth struct {
	Seed         uint64            `json:"seed"`
	Persons      int               `json:"persons"`
	Months       int               `json:"months"`
	PeriodStart  models.Date       `json:"period_start"`
	AsOf         models.Date       `json:"as_of"`
	Scope        models.Scope      `json:"scope"`
	YearDays     float64           `json:"year_days"`
	Model        map[string]string `json:"model"`
	Seasonality  [12]float64       `json:"birth_seasonality"`
	DefectRates  Defects           `json:"defect_rates"`
	DefectCounts map[string]int    `json:"defect_counts"`
	Provinces    []ProvinceTruth   `json:"provinces"`
	Counties     []CountyTruth     `json:"counties"`
	// Shocks are the injected shocks (Config.Shocks), absent when none.
	Shocks []Shock `json:"shocks,omitempty"`
}

// BySex holds a value for males, females and both sexes.
type BySex struct {
	Male   float64 `json:"male"`
	Female float64 `json:"female"`
	Both   float64 `json:"both"`
}

// ProvinceTruth are the province targets and the rates implied by its
// counties' rates over the realised exposure.
type ProvinceTruth struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Counties  int     `json:"counties"`
	TFRTarget float64 `json:"tfr_target"`
	SRBTarget float64 `json:"srb_target"`
	E0Target  float64 `json:"e0_target"`
	TFR       float64 `json:"tfr"`
	E0        BySex   `json:"e0"`
	SRB       float64 `json:"srb"`
}

// CountyTruth are one county's rates and realised figures.
type CountyTruth struct {
	Code        string       `json:"code"`
	Name        string       `json:"name"`
	Province    string       `json:"province"`
	Kind        string       `json:"kind"`
	BasePersons int          `json:"base_persons"`
	Heaping     bool         `json:"age_heaping"`
	TFR         float64      `json:"tfr"`
	ASFR        []float64    `json:"asfr_15_49"`
	SRB         float64      `json:"srb"`
	E0          BySex        `json:"e0"`
	IMR         BySex        `json:"imr_per_1000"`
	Mx          MxTruth      `json:"mx_0_100"`
	Migration   MigTruth     `json:"migration"`
	Realised    RealisedTrue `json:"realised"`
}

// MxTruth are single-year death rates 0…99 and the open group 100+.
type MxTruth struct {
	Male   []float64 `json:"male"`
	Female []float64 `json:"female"`
}

// MigTruth is the migration schedule used.
type MigTruth struct {
	OutRate      float64   `json:"out_rate"`
	InRate       float64   `json:"in_rate_from_outside"`
	IntraShare   float64   `json:"intra_province_share"`
	MigrantShare float64   `json:"base_migrant_share"`
	OutByAge     []float64 `json:"out_hazard_by_age"`
}

// RealisedTrue holds the realised exposure and events of residents of the
// county (true events, whether recorded or not).
type RealisedTrue struct {
	PersonYears       MxTruth      `json:"person_years"`
	Deaths            [2][]int     `json:"deaths_male_female"`
	BirthsByMotherAge []int        `json:"births_by_mother_age_15_49"`
	BirthsMale        int          `json:"births_male"`
	BirthsFemale      int          `json:"births_female"`
	Years             []YearCounts `json:"years"`
}

// imr returns 1000·q0 of a constant-force table.
func imr(m float64) float64 { return 1000 * (1 - math.Exp(-m)) }

// bothE0 weights the sexes' life expectancies by the sex ratio at birth.
func bothE0(m, f, srb float64) float64 {
	s := srb / 100
	return (s*m + f) / (1 + s)
}

// round rounds to d decimals (for a readable truth.json).
func round(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// buildTruth assembles truth.json from the world and the merged accumulators.
func buildTruth(w *world, accs []*acc, counts map[string]int, scope models.Scope) *Truth {
	cfg := w.cfg
	t := &Truth{
		Seed: cfg.Seed, Persons: cfg.Persons, Months: cfg.Months,
		PeriodStart: models.Date{Time: cfg.PeriodStart()}, AsOf: models.Date{Time: cfg.AsOf},
		Scope: scope, YearDays: daysPerYear, Seasonality: birthSeasonality,
		DefectRates: cfg.Defects, DefectCounts: counts, Shocks: cfg.Shocks,
		Model: map[string]string{
			"age_structure": "2020 census single years (5-year groups split linearly), moved to the period start, rescaled to the province 0-14 and 65+ shares, reshaped by county kind",
			"fertility":     "gamma-shaped ASFR, mean age 28.8 (29.8 in districts), sd 5.6, scaled to the county TFR; births follow the hazard ASFR x seasonality, shared among women by marital status, contraception and parity so that expected births equal ASFR x exposure",
			"mortality":     "Brass logit (beta 1) on a Siler standard, alpha solved for the county e0 by sex; constant force within single years of age; e0 of the constant-force table",
			"migration":     "Rogers-Castro age schedule for initiators (heads move with their household), scaled to the county out-rate; in-migration from outside the scope at in_rate per resident-year",
			"e0_both":       "sex-specific e0 weighted by the sex ratio at birth",
		},
	}
	provAcc := map[string][]int{}
	for k, sc := range w.scope {
		a := accs[k]
		ct := CountyTruth{Code: sc.code, Name: sc.name, Province: sc.province, Kind: sc.kind, BasePersons: sc.persons, Heaping: sc.heaping,
			TFR: sc.tfr, SRB: sc.srb}
		ct.ASFR = append([]float64(nil), sc.asfr[:]...)
		ct.E0 = BySex{Male: sc.e0[0], Female: sc.e0[1], Both: bothE0(sc.e0[0], sc.e0[1], sc.srb)}
		ct.IMR = BySex{Male: imr(sc.mx[0][0]), Female: imr(sc.mx[1][0])}
		s := sc.srb / 100
		ct.IMR.Both = (s*ct.IMR.Male + ct.IMR.Female) / (1 + s)
		ct.Mx = MxTruth{Male: append([]float64(nil), sc.mx[0][:]...), Female: append([]float64(nil), sc.mx[1][:]...)}
		ct.Migration = MigTruth{OutRate: sc.outRate, InRate: sc.inRate, IntraShare: sc.intraShare, MigrantShare: sc.migrantShare, OutByAge: append([]float64(nil), sc.mig[:]...)}
		r := RealisedTrue{BirthsMale: a.births[0], BirthsFemale: a.births[1], BirthsByMotherAge: append([]int(nil), a.birthsByAge[:]...)}
		r.PersonYears.Male = make([]float64, maxAge+1)
		r.PersonYears.Female = make([]float64, maxAge+1)
		for x := 0; x <= maxAge; x++ {
			r.PersonYears.Male[x] = round(a.pyDays[0][x]/daysPerYear, 4)
			r.PersonYears.Female[x] = round(a.pyDays[1][x]/daysPerYear, 4)
		}
		r.Deaths = [2][]int{append([]int(nil), a.deaths[0][:]...), append([]int(nil), a.deaths[1][:]...)}
		for y := w.startYear; y <= cfg.AsOf.Year(); y++ {
			if c, ok := a.years[y]; ok {
				r.Years = append(r.Years, *c)
			} else {
				r.Years = append(r.Years, YearCounts{Year: y})
			}
		}
		ct.Realised = r
		t.Counties = append(t.Counties, ct)
		provAcc[sc.province] = append(provAcc[sc.province], k)
	}
	for _, code := range w.provOrder {
		ks, ok := provAcc[code]
		if !ok {
			continue
		}
		pp := w.provinces[code]
		pt := ProvinceTruth{Code: code, Name: pp.facts.Name, Counties: len(ks), TFRTarget: pp.facts.TFR, SRBTarget: pp.facts.SRB, E0Target: pp.facts.E0}
		// exposure-weighted rates of the counties
		var births [2]float64
		for x := 0; x < 35; x++ {
			var num, den float64
			for _, k := range ks {
				e := accs[k].pyDays[1][15+x] + 1e-9
				num += w.scope[k].asfr[x] * e
				den += e
			}
			pt.TFR += num / den
		}
		var e0 [2]float64
		for sx := 0; sx < 2; sx++ {
			mx := make([]float64, maxAge+1)
			for x := 0; x <= maxAge; x++ {
				var num, den float64
				for _, k := range ks {
					e := accs[k].pyDays[sx][x] + 1e-9
					num += w.scope[k].mx[sx][x] * e
					den += e
				}
				mx[x] = num / den
			}
			e0[sx] = lifeExpectancy(mx)
		}
		for _, k := range ks {
			sc := w.scope[k]
			b := float64(accs[k].births[0]+accs[k].births[1]) + 1e-9
			births[0] += b * sc.srb / (100 + sc.srb)
			births[1] += b * 100 / (100 + sc.srb)
		}
		pt.SRB = 100 * births[0] / births[1]
		pt.E0 = BySex{Male: e0[0], Female: e0[1], Both: bothE0(e0[0], e0[1], pt.SRB)}
		t.Provinces = append(t.Provinces, pt)
	}
	return t
}

// EventualFile is the truth table of the counts that will eventually be
// registered: county, event_type (birth, death, in, out), month (YYYY-MM
// of the event date), registered (in the events table, i.e. registered by
// as-of) and eventual (registered by as-of or later; events never
// registered, such as unregistered births and undead deaths, are in
// neither). The county is that of the event place. Moves inside the scope
// registered after as-of are not simulated (docs/generator.md), so their
// eventual count equals the registered one.
const EventualFile = "truth/eventual_counts.csv"

// writeEventual writes EventualFile from the merged accumulators.
func writeEventual(path string, w *world, accs []*acc) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	cw := csv.NewWriter(f)
	cw.Write([]string{"county", "event_type", "month", "registered", "eventual"})
	for k, sc := range w.scope {
		keys := make([]eventualKey, 0, len(accs[k].eventual))
		for key := range accs[k].eventual {
			keys = append(keys, key)
		}
		slices.SortFunc(keys, func(a, b eventualKey) int {
			if a.typ != b.typ {
				return int(a.typ) - int(b.typ)
			}
			return a.month - b.month
		})
		for _, key := range keys {
			c := accs[k].eventual[key]
			cw.Write([]string{sc.code, eventTypeNames[key.typ], fmt.Sprintf("%04d-%02d", key.month/12, key.month%12+1), strconv.Itoa(c[0]), strconv.Itoa(c[1])})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// EventualCount is one row of EventualFile.
type EventualCount struct {
	County, EventType, Month string
	Registered, Eventual     int
}

// ReadEventual reads EventualFile from the output directory dir.
func ReadEventual(dir string) ([]EventualCount, error) {
	path := filepath.Join(dir, filepath.FromSlash(EventualFile))
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []EventualCount
	for i, r := range recs[min(1, len(recs)):] {
		c := EventualCount{County: r[0], EventType: r[1], Month: r[2]}
		var err1, err2 error
		c.Registered, err1 = strconv.Atoi(r[3])
		c.Eventual, err2 = strconv.Atoi(r[4])
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("read %s row %d: %w", path, i+2, err)
		}
		out = append(out, c)
	}
	return out, nil
}
