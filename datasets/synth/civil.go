package synth

import "time"

// Dates inside the generator are civil days since 1970-01-01 (the Arrow
// Date32 representation). Person-years use a year of daysPerYear days.

const daysPerYear = 365.25

// noDate marks an absent date.
const noDate int32 = -1 << 31

// daysFromCivil returns the day number of y-m-d (proleptic Gregorian). Day
// values past the end of a month roll over, so Feb 29 of a common year is
// Mar 1.
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int32) (y, m, d int) {
	zz := int(z) + 719468
	era := zz / 146097
	if zz < 0 {
		era = (zz - 146096) / 146097
	}
	doe := zz - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// dayOf converts a time to a day number.
func dayOf(t time.Time) int32 {
	y, m, d := t.Date()
	return daysFromCivil(y, int(m), d)
}

// timeOf converts a day number to a UTC midnight time.
func timeOf(z int32) time.Time {
	y, m, d := civilFromDays(z)
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

// ageAt returns the completed age on day z of a person born by-bm-bd; the
// birthday of someone born on Feb 29 is Mar 1 in common years.
func ageAt(by, bm, bd int, z int32) int {
	y, m, d := civilFromDays(z)
	a := y - by
	if m < bm || (m == bm && d < bd) {
		a--
	}
	return a
}

// isLeap reports whether y is a leap year.
func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
