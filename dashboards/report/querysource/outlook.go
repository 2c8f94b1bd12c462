package querysource

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/engine/query"
	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

var _ report.OutlookReader = (*Source)(nil)

// OutlookScenario names the projection the outlook shows.
const OutlookScenario = "constant-rates"

// Outlook projects the unit's population years ahead with the projections
// package from API values only: the population by sex and single year of
// age at the end of month (the pyramid), the age-specific fertility rates,
// the sex ratio at birth and the life expectancy by sex of the 12 months
// ending with month (mortality by the Brass logit model on the PADIS
// standard with that e0; the standard table itself for a sex whose e0 is
// empty for want of deaths, and the scenario name then says so), held
// constant, without migration. It returns report.ErrNotAvailable when the
// cube has no population by age or fertility rates for the unit.
func (s *Source) Outlook(ctx context.Context, division string, month report.Month, years int) (*report.Outlook, error) {
	if division == models.NationCode {
		return nil, fmt.Errorf("outlook of the nation: the monitoring panel gives no population by age: %w", report.ErrNotAvailable)
	}
	r, err := s.run(division)
	if err != nil {
		return nil, err
	}
	na := func(what string) error {
		return fmt.Errorf("outlook %s %s: no %s: %w", division, month, what, report.ErrNotAvailable)
	}
	pyr, err := s.Engine.Pyramid(ctx, division, month.String(), r.Version)
	if absent(err) {
		return nil, na("population by age")
	}
	if err != nil {
		return nil, err
	}
	period := month.R12()
	get := func(ind string) ([]float64, []string, error) {
		vs, err := s.Engine.Get(ctx, query.Key{Indicator: ind, Division: division, Period: period, Version: r.Version})
		if err != nil {
			return nil, nil, err
		}
		var vals []float64
		var bds []string
		for _, v := range vs {
			vals = append(vals, v.Value)
			bds = append(bds, v.Breakdown)
		}
		return vals, bds, nil
	}
	in := &projections.Input{Name: division, BaseYear: month.Year, Step: 1, OpenAge: 100}
	for sex := 0; sex < 2; sex++ {
		in.Pop[sex] = make([]float64, 101)
	}
	copy(in.Pop[0], pyr.Male[:])
	copy(in.Pop[1], pyr.Female[:])
	// ASFR by single age 15…49, per 1,000 women in the API.
	vals, bds, err := get("asfr")
	if absent(err) {
		return nil, na("fertility rates")
	}
	if err != nil {
		return nil, err
	}
	in.ASFR = make([]float64, projections.FertileTo-projections.FertileFrom)
	for i, b := range bds {
		age, ok := strings.CutPrefix(b, "age=")
		if !ok {
			continue
		}
		x, err := strconv.Atoi(age)
		if err != nil || x < projections.FertileFrom || x >= projections.FertileTo {
			continue
		}
		if !math.IsNaN(vals[i]) {
			in.ASFR[x-projections.FertileFrom] = vals[i] / 1000
		}
	}
	srb, _, err := get("srb")
	if err == nil && len(srb) > 0 && srb[0] > 0 && !math.IsNaN(srb[0]) {
		in.SRB = srb[0]
	}
	e0, bds, err := get("e0")
	if err != nil && !absent(err) {
		return nil, err
	}
	for i, b := range bds {
		sex := -1
		switch b {
		case "sex=1":
			sex = 0
		case "sex=2":
			sex = 1
		}
		if sex >= 0 && !math.IsNaN(e0[i]) && e0[i] > 0 {
			in.Mortality[sex] = projections.Mortality{E0: e0[i]}
		}
	}
	// Too few deaths for a life table (the API's e0 is empty): the PADIS
	// standard life table of that sex, which the outlook's note names.
	standard := false
	for sex := range in.Mortality {
		if in.Mortality[sex].E0 == 0 {
			in.Mortality[sex].E0 = projections.StandardLifeTable(projections.Sex(sex)).E0()
			standard = true
		}
	}
	res, err := projections.Project(in, nil, years)
	if err != nil {
		return nil, fmt.Errorf("outlook %s %s: %w", division, month, err)
	}
	out := &report.Outlook{Scenario: OutlookScenario, Years: append([]int(nil), res.Years...)}
	if standard {
		out.Scenario += "+standard-mortality"
	}
	_, out.Total = res.Series("total")
	_, out.Aged65 = res.Series("age_65_plus")
	_, s611 := res.Series("school_6_11")
	_, s1214 := res.Series("school_12_14")
	out.SchoolAge = make([]float64, len(s611))
	for i := range s611 {
		out.SchoolAge[i] = s611[i] + s1214[i]
	}
	return out, nil
}
