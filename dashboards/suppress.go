package dashboards

// DefaultMinCell is the smallest count a public-facing export shows.
const DefaultMinCell = 5

// Suppressed reports whether a cell based on count must be suppressed in a
// public-facing export: a count between 1 and min−1 (zero is shown: it
// reveals nobody). A rate is suppressed when its numerator or denominator
// is.
func Suppressed(count float64, min int) bool {
	return count > 0 && count < float64(min)
}

// suppressValue blanks v's value, interval, parts and provisional figures
// (the registered count and its nowcast) when its numerator or
// denominator is a small cell; it returns whether it did.
func suppressValue(v *Value, min int) bool {
	small := false
	if v.Numerator != nil && Suppressed(*v.Numerator, min) {
		small = true
	}
	if v.Denominator != nil && Suppressed(*v.Denominator, min) {
		small = true
	}
	if v.Numerator == nil && v.Denominator == nil && v.Value != nil && Suppressed(*v.Value, min) {
		small = true
	}
	if small {
		v.Value, v.Lo, v.Hi, v.Numerator, v.Denominator = nil, nil, nil, nil, nil
		v.Registered, v.Nowcast, v.NowcastLower, v.NowcastUpper = nil, nil, nil, nil
	}
	return small
}
