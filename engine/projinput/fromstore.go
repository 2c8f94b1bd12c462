package projinput

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/padis/padis/engine/residence"
	"strings"
	"time"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// OpenAge is the open age group of the inputs (100+).
const OpenAge = 100

// Counts are the raw counts of a division over a window, before smoothing.
type Counts struct {
	Pop    [2][]float64 // base population by single age 0…100+
	Counts projections.Counts
	Prov   Provenance
}

// FromStore builds the projection input of division (a division code or
// code prefix, e.g. "51" or "510104") from snapshot version: the base
// population at the base date and rates estimated with
// projections.EstimateRates from the window's deaths, person-years,
// births and net migration (as rates per person-year). See the package
// documentation and docs/projections.md, "Inputs from the store".
//
// FromStore (with FromStoreAll, its bulk form) is the one builder of a
// division's projection input: `padis project --division`, the
// projections page (dashboards/querysrc), the report's outlook
// (dashboards/report/querysource) and the projection alerts
// (engine/alerts) all call it with Options{}, the defaults (base date the
// as-of date, a 3-year window, migration included, the default
// smoothing), so that they project the same numbers. No migration is a
// scenario (projections.ScenarioZeroMigration), never an input default.
func FromStore(ctx context.Context, st *store.Store, version int64, division string, opts Options) (*projections.Input, *Provenance, error) {
	c, err := CountsFromStore(ctx, st, version, division, opts)
	if err != nil {
		return nil, nil, err
	}
	in, err := c.Input(opts)
	if err != nil {
		return nil, nil, err
	}
	return in, &c.Prov, nil
}

// FromStoreAll builds the projection inputs of several divisions of
// version at once, in one pass over the version's tables, with the same
// statements and smoothing as FromStore: each input is identical to
// FromStore's for that division. Divisions where nobody lived in the
// window are left out of the maps.
func FromStoreAll(ctx context.Context, st *store.Store, version int64, divisions []string, opts Options) (map[string]*projections.Input, map[string]*Provenance, error) {
	cs, err := countsOf(ctx, st, version, divisions, opts)
	if err != nil {
		return nil, nil, err
	}
	ins, provs := make(map[string]*projections.Input, len(cs)), make(map[string]*Provenance, len(cs))
	for d, c := range cs {
		if c.Prov.Population == 0 && c.Prov.PersonYears[0]+c.Prov.PersonYears[1] == 0 {
			continue
		}
		if ins[d], err = c.Input(opts); err != nil {
			return nil, nil, err
		}
		provs[d] = &c.Prov
	}
	return ins, provs, nil
}

// Input smooths the counts with projections.EstimateRates and returns the
// projection input (single ages 0…100+, annual steps, migration as rates).
func (c *Counts) Input(opts Options) (*projections.Input, error) {
	est, err := projections.EstimateRates(&c.Counts, opts.Estimate)
	if err != nil {
		return nil, fmt.Errorf("division %s, version %d: %w", c.Prov.Division, c.Prov.Version, err)
	}
	name := opts.Name
	if name == "" {
		name = "division " + c.Prov.Division
	}
	in := &projections.Input{
		Name:     name,
		BaseYear: c.Prov.BaseDate.Year(),
		Step:     1,
		OpenAge:  OpenAge,
		Pop:      [2][]float64{append([]float64(nil), c.Pop[0]...), append([]float64(nil), c.Pop[1]...)},
	}
	est.Apply(in)
	in.Migration.Timing = projections.HalfStartHalfEnd
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("division %s, version %d: input: %w", c.Prov.Division, c.Prov.Version, err)
	}
	c.Prov.Estimate = est
	return in, nil
}

// checkDivision accepts a code prefix of 2, 4, 6, 9 or 12 digits.
func checkDivision(d string) error {
	switch len(d) {
	case 2, 4, 6, 9, 12:
	default:
		return fmt.Errorf("division %q: want a code of 2, 4, 6, 9 or 12 digits", d)
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return fmt.Errorf("division %q: want digits only", d)
		}
	}
	return nil
}

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// window resolves the base date and the window [ws, pe) of a version.
func window(v *store.Version, opts Options) (base, ws, pe time.Time, err error) {
	start, asOf := day(v.PeriodStart), day(v.AsOf)
	base = asOf
	if !opts.BaseDate.IsZero() {
		base = day(opts.BaseDate)
	}
	if base.Before(start) || base.After(asOf) {
		return base, ws, pe, fmt.Errorf("base date %s is outside the period %s…%s of version %d",
			base.Format(time.DateOnly), start.Format(time.DateOnly), asOf.Format(time.DateOnly), v.ID)
	}
	pe = base.AddDate(0, 0, 1)
	switch {
	case !opts.WindowStart.IsZero():
		ws = day(opts.WindowStart)
		if ws.After(base) {
			return base, ws, pe, fmt.Errorf("window start %s is after the base date %s", ws.Format(time.DateOnly), base.Format(time.DateOnly))
		}
	default:
		n := opts.WindowYears
		if n == 0 {
			n = DefaultWindowYears
		}
		if n < 0 {
			return base, ws, pe, fmt.Errorf("window of %d years: want a positive number", n)
		}
		ws = pe.AddDate(-n, 0, 0)
	}
	if ws.Before(start) {
		ws = start
	}
	return base, ws, pe, nil
}

// CountsFromStore computes the raw counts behind FromStore (base
// population, deaths, person-years, births, migration) without smoothing.
func CountsFromStore(ctx context.Context, st *store.Store, version int64, division string, opts Options) (*Counts, error) {
	cs, err := countsOf(ctx, st, version, []string{division}, opts)
	if err != nil {
		return nil, err
	}
	c := cs[division]
	if c.Prov.Population == 0 && c.Prov.PersonYears[0]+c.Prov.PersonYears[1] == 0 {
		return nil, fmt.Errorf("projection input of %s, version %d: no residents in the division", division, version)
	}
	return c, nil
}

// prefixes lists a place's code prefixes at the code lengths of the
// levels, so that "place starts with a division code" is an equi-join.
const prefixes = `list_distinct([left(place, 2), left(place, 4), left(place, 6), left(place, 9), left(place, 12)])`

// countsOf computes the counts of several divisions in one pass over the
// version's tables: the same statements whether one division is asked
// for or many, so that both give identical numbers. Every division is in
// the map, with zero counts when nobody lived there.
func countsOf(ctx context.Context, st *store.Store, version int64, divisions []string, opts Options) (map[string]*Counts, error) {
	if len(divisions) == 0 {
		return map[string]*Counts{}, nil
	}
	var vals []string
	for _, d := range divisions {
		if err := checkDivision(d); err != nil {
			return nil, err
		}
		vals = append(vals, "("+store.Quote(d)+")")
	}
	what := divisions[0]
	if len(divisions) > 1 {
		what = fmt.Sprintf("%d divisions", len(divisions))
	}
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, err
	}
	base, ws, pe, err := window(v, opts)
	if err != nil {
		return nil, fmt.Errorf("version %d: %w", version, err)
	}
	r := strings.NewReplacer(
		"{{persons}}", st.Table(version, models.TablePersons),
		"{{events}}", st.Table(version, models.TableEvents),
		"{{ws}}", store.Quote(ws.Format(time.DateOnly)),
		"{{pe}}", store.Quote(pe.Format(time.DateOnly)),
		"{{base}}", store.Quote(base.Format(time.DateOnly)),
		"{{bymd}}", fmt.Sprint(base.Year()*10000+int(base.Month())*100+base.Day()),
		"{{prefixes}}", prefixes,
		"{{residence_spells}}", residence.Spells("people", st.Table(version, models.TableEvents),
			store.Quote(ws.Format(time.DateOnly)), store.Quote(pe.Format(time.DateOnly))),
	)
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("projection input of %s: %w", what, err)
	}
	defer conn.Close()
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS projinput_spells; DROP TABLE IF EXISTS projinput_divs`)
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE projinput_divs AS SELECT DISTINCT div FROM (VALUES `+strings.Join(vals, ", ")+`) t(div)`); err != nil {
		return nil, fmt.Errorf("projection input of %s, version %d: %w", what, version, err)
	}

	G := OpenAge + 1
	nf := projections.FertileTo - projections.FertileFrom
	out := make(map[string]*Counts, len(divisions))
	for _, d := range divisions {
		c := &Counts{Prov: Provenance{
			Version: version, Scope: v.Scope, Division: d,
			BaseDate: base, WindowStart: ws, WindowEnd: base,
			WindowYears: pe.Sub(ws).Hours() / 24 / 365.25,
		}}
		cc := &c.Counts
		cc.Ages = projections.SingleAges(OpenAge)
		cc.Births, cc.WomenYears = make([]float64, nf), make([]float64, nf)
		for s := range 2 {
			c.Pop[s] = make([]float64, G)
			cc.Deaths[s], cc.PersonYears[s], cc.NetMigrants[s] = make([]float64, G), make([]float64, G), make([]float64, G)
		}
		out[d] = c
	}
	// run scans the rows of a named statement into the counts of the
	// division each row starts with.
	run := func(name string, dest []any, add func(c *Counts)) error {
		q, err := statement(name, r)
		if err != nil {
			return err
		}
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("projection input of %s, version %d: %s: %w", what, version, name, err)
		}
		defer rows.Close()
		var div string
		args := append([]any{&div}, dest...)
		for rows.Next() {
			if err := rows.Scan(args...); err != nil {
				return fmt.Errorf("projection input of %s, version %d: %s: %w", what, version, name, err)
			}
			c, ok := out[div]
			if !ok {
				return fmt.Errorf("projection input of %s, version %d: %s: unexpected division %q", what, version, name, div)
			}
			add(c)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("projection input of %s, version %d: %s: %w", what, version, name, err)
		}
		return nil
	}
	q, err := statement("spells", r)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return nil, fmt.Errorf("projection input of %s, version %d: residence spells: %w", what, version, err)
	}
	var sx, age int
	var a, b float64
	var nsx, mage sql.NullInt64
	err = run("base", []any{&sx, &age, &a}, func(c *Counts) {
		if age >= 0 {
			c.Pop[sx][age] += a
			c.Prov.Population += a
		}
	})
	if err != nil {
		return nil, err
	}
	err = run("exposure", []any{&sx, &age, &a, &b}, func(c *Counts) { // a person-years, b deaths
		if age < 0 {
			return
		}
		cc := &c.Counts
		cc.PersonYears[sx][age] += a
		cc.Deaths[sx][age] += b
		c.Prov.PersonYears[sx] += a
		c.Prov.Deaths[sx] += b
		if sx == 1 && age >= projections.FertileFrom && age < projections.FertileTo {
			cc.WomenYears[age-projections.FertileFrom] += a
		}
	})
	if err != nil {
		return nil, err
	}
	err = run("births", []any{&nsx, &mage, &a}, func(c *Counts) {
		c.Prov.Births += a
		if nsx.Valid {
			c.Counts.BirthsBySex[nsx.Int64] += a
			c.Prov.BirthsBySex[nsx.Int64] += a
		}
		if mage.Valid && mage.Int64 >= projections.FertileFrom && mage.Int64 < projections.FertileTo {
			c.Counts.Births[mage.Int64-projections.FertileFrom] += a
			c.Prov.BirthsASFR += a
		}
	})
	if err != nil {
		return nil, err
	}
	err = run("migration", []any{&sx, &age, &a, &b}, func(c *Counts) { // a in, b out
		if age < 0 {
			return
		}
		c.Counts.NetMigrants[sx][age] += a - b
		c.Prov.InMigrants[sx] += a
		c.Prov.OutMigrants[sx] += b
		c.Prov.NetMigrants += a - b
	})
	if err != nil {
		return nil, err
	}
	for _, c := range out {
		if c.Prov.WindowYears > 0 {
			c.Prov.NetPerYear = c.Prov.NetMigrants / c.Prov.WindowYears
		}
	}
	return out, nil
}
