package projections

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

func ff(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// fr formats a count or rate with 6 decimals (enough for persons and
// rates; CSV is for reading, JSON keeps full precision).
func fr(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

// WriteSummaryCSV writes one row per year: the stock indicators (columns
// named as in SeriesNames) and the flows of the interval starting that
// year (empty on the last row).
func WriteSummaryCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	head := []string{"name", "scenario", "year"}
	head = append(head, SeriesNames...)
	if err := cw.Write(head); err != nil {
		return err
	}
	cols := make(map[string][]float64, len(SeriesNames))
	for _, n := range SeriesNames {
		_, cols[n] = r.Series(n)
	}
	for t, y := range r.Years {
		row := []string{r.Name, r.Scenario, strconv.Itoa(y)}
		for _, n := range SeriesNames {
			v := cols[n]
			if t < len(v) {
				row = append(row, fr(v[t]))
			} else {
				row = append(row, "")
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WritePopulationCSV writes the population in long form:
// name,scenario,year,sex,age,population (age is the group start; the last
// group is open).
func WritePopulationCSV(w io.Writer, r *Result) error {
	if r.Pop[Male] == nil {
		return fmt.Errorf("write population: %q has no population arrays", r.Name)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"name", "scenario", "year", "sex", "age", "population"}); err != nil {
		return err
	}
	for t, y := range r.Years {
		for s := Male; s <= Female; s++ {
			for g, a := range r.Ages {
				if err := cw.Write([]string{r.Name, r.Scenario, strconv.Itoa(y), s.String(), strconv.Itoa(a), fr(r.Pop[s][t][g])}); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteBirthsCSV writes the projected births by the mother's age in long
// form: name,scenario,year,mother_age,births, one row per interval (year
// is its start) and mothers' age group (mother_age is the group start:
// single ages 15…49, or 15, 20, …, 45 with five-year steps).
func WriteBirthsCSV(w io.Writer, r *Result) error {
	if len(r.MotherAges) == 0 {
		return fmt.Errorf("write births: %q has no births by mother's age", r.Name)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"name", "scenario", "year", "mother_age", "births"}); err != nil {
		return err
	}
	for _, fl := range r.Flows {
		for g, a := range r.MotherAges {
			if err := cw.Write([]string{r.Name, r.Scenario, strconv.Itoa(fl.Year), strconv.Itoa(a), fr(fl.BirthsByMotherAge[g])}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteLifeTableCSV writes every column of a life table.
func WriteLifeTableCSV(w io.Writer, lt *LifeTable) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"age", "width", "mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex"}); err != nil {
		return err
	}
	for i, a := range lt.Age {
		width := strconv.Itoa(lt.Width[i])
		if i == len(lt.Age)-1 {
			width = ""
		}
		row := []string{strconv.Itoa(a), width, ff(round(lt.Mx[i], 8)), ff(round(lt.Qx[i], 8)), ff(round(lt.Ax[i], 4)),
			ff(round(lt.Lx[i], 6)), ff(round(lt.Dx[i], 6)), ff(round(lt.NLx[i], 6)), ff(round(lt.Tx[i], 6)), ff(round(lt.Ex[i], 4))}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func round(v float64, digits int) float64 {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	x, _ := strconv.ParseFloat(s, 64)
	return x
}

// WriteComparisonCSV writes scenarios side by side: one row per year and
// one column per scenario for each of the given series.
func WriteComparisonCSV(w io.Writer, c *Comparison, series []string) error {
	cw := csv.NewWriter(w)
	head := []string{"year"}
	for _, s := range series {
		for _, sc := range c.Scenarios {
			head = append(head, s+":"+sc)
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	data := make([][][]float64, len(series))
	for i, s := range series {
		_, data[i] = c.Series(s)
		if data[i] == nil || data[i][0] == nil {
			return fmt.Errorf("unknown series %q", s)
		}
	}
	for t, y := range c.Years {
		row := []string{strconv.Itoa(y)}
		for i := range series {
			for k := range c.Scenarios {
				v := data[i][k]
				if t < len(v) {
					row = append(row, fr(v[t]))
				} else {
					row = append(row, "")
				}
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteBandsCSV writes a probabilistic projection in long form:
// series,year,median,lo80,hi80,lo95,hi95.
func WriteBandsCSV(w io.Writer, r *StochasticResult) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"series", "year", "median", "lo80", "hi80", "lo95", "hi95"}); err != nil {
		return err
	}
	for _, b := range r.Bands {
		for j, y := range b.Years {
			if err := cw.Write([]string{b.Series, strconv.Itoa(y), fr(b.Median[j]), fr(b.Lo80[j]), fr(b.Hi80[j]), fr(b.Lo95[j]), fr(b.Hi95[j])}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteBacktestCSV writes the back-test rows, the totals and a summary
// line per measure.
func WriteBacktestCSV(w io.Writer, r *BacktestReport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"sex", "age_from", "age_to", "observed", "projected", "error", "pct_error", "abs_pct_error"}); err != nil {
		return err
	}
	rows := append(append([]BacktestRow(nil), r.Rows...), r.Totals...)
	for _, x := range rows {
		to := strconv.Itoa(x.AgeTo)
		if x.AgeTo < 0 {
			to = "+"
		}
		if err := cw.Write([]string{x.Sex, strconv.Itoa(x.AgeFrom), to, fr(x.Observed), fr(x.Projected), fr(x.Error), fr(x.PctError), fr(x.AbsPctError)}); err != nil {
			return err
		}
	}
	for _, m := range []struct {
		k string
		v float64
	}{{"MAPE", r.MAPE}, {"MALPE", r.MALPE}, {"median APE", r.MedianAPE}, {"total PE", r.TotalPctError}} {
		if err := cw.Write([]string{"# " + m.k, "", "", "", "", "", fr(m.v), ""}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
