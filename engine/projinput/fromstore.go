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
	if err := checkDivision(division); err != nil {
		return nil, err
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
		"{{div}}", store.Quote(division),
		"{{residence_spells}}", residence.Spells("people", st.Table(version, models.TableEvents),
			store.Quote(ws.Format(time.DateOnly)), store.Quote(pe.Format(time.DateOnly))),
	)
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("projection input of %s: %w", division, err)
	}
	defer conn.Close()
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS projinput_spells`)

	c := &Counts{Prov: Provenance{
		Version: version, Scope: v.Scope, Division: division,
		BaseDate: base, WindowStart: ws, WindowEnd: base,
		WindowYears: pe.Sub(ws).Hours() / 24 / 365.25,
	}}
	G := OpenAge + 1
	nf := projections.FertileTo - projections.FertileFrom
	cc := &c.Counts
	cc.Ages = projections.SingleAges(OpenAge)
	cc.Births, cc.WomenYears = make([]float64, nf), make([]float64, nf)
	for s := range 2 {
		c.Pop[s] = make([]float64, G)
		cc.Deaths[s], cc.PersonYears[s], cc.NetMigrants[s] = make([]float64, G), make([]float64, G), make([]float64, G)
	}
	run := func(name string, scan func(*sql.Rows) error) error {
		q, err := statement(name, r)
		if err != nil {
			return err
		}
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("projection input of %s, version %d: %s: %w", division, version, name, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("projection input of %s, version %d: %s: %w", division, version, name, err)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("projection input of %s, version %d: %s: %w", division, version, name, err)
		}
		return nil
	}
	q, err := statement("spells", r)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return nil, fmt.Errorf("projection input of %s, version %d: residence spells: %w", division, version, err)
	}
	err = run("base", func(rows *sql.Rows) error {
		var sx, age int
		var n float64
		if err := rows.Scan(&sx, &age, &n); err != nil {
			return err
		}
		if age >= 0 {
			c.Pop[sx][age] += n
			c.Prov.Population += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = run("exposure", func(rows *sql.Rows) error {
		var sx, age int
		var py, d float64
		if err := rows.Scan(&sx, &age, &py, &d); err != nil {
			return err
		}
		if age < 0 {
			return nil
		}
		cc.PersonYears[sx][age] += py
		cc.Deaths[sx][age] += d
		c.Prov.PersonYears[sx] += py
		c.Prov.Deaths[sx] += d
		if sx == 1 && age >= projections.FertileFrom && age < projections.FertileTo {
			cc.WomenYears[age-projections.FertileFrom] += py
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = run("births", func(rows *sql.Rows) error {
		var sx, mage sql.NullInt64
		var n float64
		if err := rows.Scan(&sx, &mage, &n); err != nil {
			return err
		}
		c.Prov.Births += n
		if sx.Valid {
			cc.BirthsBySex[sx.Int64] += n
			c.Prov.BirthsBySex[sx.Int64] += n
		}
		if mage.Valid && mage.Int64 >= projections.FertileFrom && mage.Int64 < projections.FertileTo {
			cc.Births[mage.Int64-projections.FertileFrom] += n
			c.Prov.BirthsASFR += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = run("migration", func(rows *sql.Rows) error {
		var sx, age int
		var in, out float64
		if err := rows.Scan(&sx, &age, &in, &out); err != nil {
			return err
		}
		if age < 0 {
			return nil
		}
		cc.NetMigrants[sx][age] += in - out
		c.Prov.InMigrants[sx] += in
		c.Prov.OutMigrants[sx] += out
		c.Prov.NetMigrants += in - out
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c.Prov.WindowYears > 0 {
		c.Prov.NetPerYear = c.Prov.NetMigrants / c.Prov.WindowYears
	}
	if c.Prov.Population == 0 && c.Prov.PersonYears[0]+c.Prov.PersonYears[1] == 0 {
		return nil, fmt.Errorf("projection input of %s, version %d: no residents in the division", division, version)
	}
	return c, nil
}
