package projections

import (
	"fmt"
	"math"
)

// BacktestRow compares projected and observed population in one age
// group of one sex ("both" for the sum of the sexes).
type BacktestRow struct {
	Sex         string  `json:"sex"`
	AgeFrom     int     `json:"age_from"`
	AgeTo       int     `json:"age_to"` // inclusive; -1 for the open group
	Observed    float64 `json:"observed"`
	Projected   float64 `json:"projected"`
	Error       float64 `json:"error"`         // projected − observed
	PctError    float64 `json:"pct_error"`     // 100·(projected − observed)/observed, signed (ALPE)
	AbsPctError float64 `json:"abs_pct_error"` // |PctError| (APE)
}

// BacktestReport summarises a back-test. Accuracy measures follow the
// projection-evaluation literature (Smith, Tayman & Swanson 2013):
// MAPE = mean over age-sex groups of |PE|; MALPE (bias) = mean of the
// signed PE; the totals' PE are the algebraic percent errors of the sums.
// Groups with no observed population are left out of the means.
type BacktestReport struct {
	Name           string        `json:"name"`
	BaseYear       int           `json:"base_year"`
	TargetYear     int           `json:"target_year"`
	Rows           []BacktestRow `json:"rows"`   // by sex and five-year age group
	Totals         []BacktestRow `json:"totals"` // male, female, both
	MAPE           float64       `json:"mape"`
	MALPE          float64       `json:"malpe"`
	MedianAPE      float64       `json:"median_ape"`
	TotalPctError  float64       `json:"total_pct_error"`
	TotalAbsPctErr float64       `json:"total_abs_pct_error"`
	Warnings       []Warning     `json:"warnings,omitempty"`
	Projection     *Result       `json:"-"`
}

// Backtest projects base under sc up to observedYear and compares the
// result with the observed population (same grid as base) by five-year age
// group and sex (single years are grouped 0–4, 5–9, …; the open group is
// kept).
func Backtest(base *Input, sc *Scenario, observed [2][]float64, observedYear int) (*BacktestReport, error) {
	c := base.normalized()
	G := c.OpenAge/c.Step + 1
	for s := Male; s <= Female; s++ {
		if len(observed[s]) != G {
			return nil, fmt.Errorf("backtest: observed %v population has %d age groups, want %d", s, len(observed[s]), G)
		}
	}
	years := observedYear - c.BaseYear
	r, err := Project(base, sc, years)
	if err != nil {
		return nil, fmt.Errorf("backtest: %w", err)
	}
	last := len(r.Years) - 1
	rep := ComparePopulations([2][]float64{r.Pop[Male][last], r.Pop[Female][last]}, observed, c.Step)
	rep.Name, rep.BaseYear, rep.TargetYear = base.Name, c.BaseYear, observedYear
	rep.Warnings = r.Warnings
	rep.Projection = r
	return rep, nil
}

// ComparePopulations computes the back-test measures of projected against
// observed populations on a grid of step-year groups (the last open).
func ComparePopulations(projected, observed [2][]float64, step int) *BacktestReport {
	rep := &BacktestReport{}
	G := len(observed[Male])
	open := (G - 1) * step
	group := 5
	if open%5 != 0 {
		group = step
	}
	var apes []float64
	var sumAPE, sumPE float64
	var tot [3]BacktestRow
	for s := Male; s <= Female; s++ {
		for lo := 0; lo <= open; lo += group {
			hi := lo + group
			row := BacktestRow{Sex: s.String(), AgeFrom: lo, AgeTo: hi - 1}
			if lo == open {
				row.AgeTo = -1
				hi = open + step
			}
			for g := lo / step; g < hi/step && g < G; g++ {
				row.Observed += observed[s][g]
				row.Projected += projected[s][g]
			}
			finish(&row)
			rep.Rows = append(rep.Rows, row)
			if row.Observed > 0 {
				apes = append(apes, row.AbsPctError)
				sumAPE += row.AbsPctError
				sumPE += row.PctError
			}
			tot[s].Observed += row.Observed
			tot[s].Projected += row.Projected
		}
	}
	tot[0].Sex, tot[1].Sex, tot[2].Sex = "male", "female", "both"
	tot[2].Observed = tot[0].Observed + tot[1].Observed
	tot[2].Projected = tot[0].Projected + tot[1].Projected
	for i := range tot {
		tot[i].AgeFrom, tot[i].AgeTo = 0, -1
		finish(&tot[i])
	}
	rep.Totals = tot[:]
	if n := float64(len(apes)); n > 0 {
		rep.MAPE = sumAPE / n
		rep.MALPE = sumPE / n
		rep.MedianAPE = median(apes)
	}
	rep.TotalPctError = tot[2].PctError
	rep.TotalAbsPctErr = tot[2].AbsPctError
	return rep
}

func finish(r *BacktestRow) {
	r.Error = r.Projected - r.Observed
	if r.Observed > 0 {
		r.PctError = 100 * r.Error / r.Observed
		r.AbsPctError = math.Abs(r.PctError)
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return quantile(s, 0.5)
}
