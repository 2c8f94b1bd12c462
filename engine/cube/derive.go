package cube

import (
	"fmt"
	"math"

	"github.com/padis/padis/models"
)

// Derivable reports whether ind can be derived from the base measures of
// a unit alone (every kind except the age-specific named methods and the
// stored indicators, models.KindStored).
func Derivable(ind models.Indicator) bool {
	if ind.Kind == models.KindStored {
		return false
	}
	if ind.Kind != models.KindMethod {
		return true
	}
	return ind.Method == "rni" || ind.Method == "dependency_total"
}

// Derive computes indicator ind from the measures c of one unit and
// period: the value, its numerator and denominator (unscaled counts) and
// the 95 % interval given by ind.Interval, judged by Assess. The caller fills the key fields
// of the result. It returns an error for an age-specific method, which
// needs the age table (see Methods).
func Derive(ind models.Indicator, c Counts) (Value, error) {
	v, err := derive(ind, c)
	Assess(ind, &v)
	return v, err
}

func derive(ind models.Indicator, c Counts) (Value, error) {
	v := Value{Indicator: ind.ID, Value: math.NaN(), Lower: math.NaN(), Upper: math.NaN(), Numerator: math.NaN(), Denominator: math.NaN()}
	switch ind.Kind {
	case models.KindCount:
		v.Numerator = c.Get(ind.Numerator)
		v.Value = v.Numerator
		return v, nil
	case models.KindRate, models.KindProportion, models.KindRatio:
		num, den := c.Get(ind.Numerator), c.Get(ind.Denominator)
		v.Numerator, v.Denominator = num, den
		if !(den > 0) {
			v.Flag = FlagEmpty
			return v, nil
		}
		v.Value = num / den * ind.Scale
		v.Lower, v.Upper = interval(ind.Interval, num, den)
		if ind.Kind == models.KindProportion {
			// A part of a whole is at most the whole: the Poisson limits
			// of a proportion (IMR) exceed 1 for a handful of births
			// (0 of 1: 3.689).
			v.Upper = math.Min(v.Upper, 1)
		}
		v.Lower *= ind.Scale
		v.Upper *= ind.Scale
		return v, nil
	case models.KindMethod:
		switch ind.Method {
		case "rni":
			b, d, py := c.Get("births"), c.Get("deaths"), c.Get("person_years")
			v.Numerator, v.Denominator = b-d, py
			if !(py > 0) {
				v.Flag = FlagEmpty
				return v, nil
			}
			v.Value = (b - d) / py * 1000
			lo, hi := PoissonDifference(b, d)
			v.Lower, v.Upper = lo/py*1000, hi/py*1000
			return v, nil
		case "dependency_total":
			num := c.Get("pop_0_14") + c.Get("pop_65plus")
			den := c.Get("pop_15_64")
			v.Numerator, v.Denominator = num, den
			if !(den > 0) {
				v.Flag = FlagEmpty
				return v, nil
			}
			v.Value = num / den * 100
			v.Lower, v.Upper = interval(ind.Interval, num, den)
			v.Lower *= 100
			v.Upper *= 100
			return v, nil
		}
	}
	return v, fmt.Errorf("indicator %s: method %q needs the age table", ind.ID, ind.Method)
}

// interval returns the 95 % interval of num/den (unscaled) by method.
func interval(method string, num, den float64) (lo, hi float64) {
	switch method {
	case models.IntervalPoissonExact:
		l, h := PoissonExact(num)
		return l / den, h / den
	case models.IntervalWilson:
		return Wilson(num, den)
	case models.IntervalRatioBinom:
		return RatioBinomial(num, den)
	}
	return math.NaN(), math.NaN()
}
