package query

import (
	"context"
	"fmt"
	"math"

	"github.com/padis/padis/engine/cube"
)

var nan = math.NaN()

// Pyramid is the population of a unit at the end of a period by sex and
// single year of age (index 100 = 100+).
type Pyramid struct {
	Version  int64                    `json:"version"`
	Division string                   `json:"division"`
	Period   string                   `json:"period"`
	Male     [cube.MaxAge + 1]float64 `json:"male"`
	Female   [cube.MaxAge + 1]float64 `json:"female"`
	Unknown  [cube.MaxAge + 1]float64 `json:"unknown_sex"`
}

// FiveYear returns the pyramid in 5-year groups 0–4 … 95–99 and 100+
// (21 groups) for male and female.
func (p *Pyramid) FiveYear() (male, female [21]float64) {
	for x := 0; x <= cube.MaxAge; x++ {
		g := min(x/5, 20)
		male[g] += p.Male[x]
		female[g] += p.Female[x]
	}
	return male, female
}

// Pyramid returns the population pyramid of a unit at the end of a period.
func (e *Engine) Pyramid(ctx context.Context, division, period string, version int64) (*Pyramid, error) {
	r, err := e.resolve(Key{Indicator: "median_age", Division: division, Period: period, Version: version}, true)
	if err != nil {
		return nil, err
	}
	p := &Pyramid{Version: r.run.Version, Division: r.division, Period: r.period}
	if ix := r.run.ix; ix != nil {
		a := ix.age(r.division, r.period)
		if a == nil {
			return nil, fmt.Errorf("pyramid of %s %s: %w", r.division, r.period, ErrNotFound)
		}
		p.Unknown, p.Male, p.Female = a.pop[0], a.pop[1], a.pop[2]
		return p, nil
	}
	a, ok, err := cube.ReadAges(ctx, e.db, r.run.Version, r.division, r.ptype, r.period)
	if err != nil {
		return nil, fmt.Errorf("pyramid of %s %s: %w", r.division, r.period, err)
	}
	if !ok {
		return nil, fmt.Errorf("pyramid of %s %s: %w", r.division, r.period, ErrNotFound)
	}
	p.Unknown, p.Male, p.Female = a.Pop[0], a.Pop[1], a.Pop[2]
	return p, nil
}
