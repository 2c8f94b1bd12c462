package cube

// SetMaxChangedShare sets the share of the persons above which a refresh
// builds in full, and returns a function that restores it.
func SetMaxChangedShare(f float64) (restore func()) {
	old := maxChangedShare
	maxChangedShare = f
	return func() { maxChangedShare = old }
}

// SetMaxValuesShare sets the share of the units and periods above which a
// refresh computes every value, and returns a function that restores it.
func SetMaxValuesShare(f float64) (restore func()) {
	old := maxValuesShare
	maxValuesShare = f
	return func() { maxValuesShare = old }
}
