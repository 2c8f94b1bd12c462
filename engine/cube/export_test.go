package cube

// SetMaxAgeChangedShare sets the share of changed age units above which a
// refresh recomputes the age table in full, and returns a function that
// restores it.
func SetMaxAgeChangedShare(f float64) (restore func()) {
	old := maxAgeChangedShare
	maxAgeChangedShare = f
	return func() { maxAgeChangedShare = old }
}
