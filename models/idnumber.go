package models

import (
	"errors"
	"fmt"
	"time"
)

// Resident ID numbers (公民身份号码), GB 11643-1999: 6-digit address code,
// 8-digit birth date YYYYMMDD, 3-digit sequence (odd for men, even for
// women) and a check character computed by ISO 7064 MOD 11-2.

// IDLength is the length of a second-generation resident ID number.
const IDLength = 18

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IDProblem classifies why an ID number is invalid.
type IDProblem string

// Classes of invalid ID numbers.
const (
	IDEmpty        IDProblem = "id_empty"
	IDLengthWrong  IDProblem = "id_length"
	IDFirstGen     IDProblem = "id_first_generation" // 15-digit number of 1984–2004
	IDCharacters   IDProblem = "id_characters"
	IDAddress      IDProblem = "id_address"
	IDBirthDate    IDProblem = "id_birth_date"
	IDCheckChar    IDProblem = "id_check_character"
	IDSequenceZero IDProblem = "id_sequence"

	// Disagreements with the record, from CheckIDAgainst.
	IDBirthMismatch IDProblem = "id_birth_mismatch"
	IDSexMismatch   IDProblem = "id_sex_mismatch"
)

// IDError reports an invalid resident ID number.
type IDError struct {
	Problem IDProblem
	Detail  string
}

func (e *IDError) Error() string { return "invalid ID number: " + e.Detail }

func idErr(p IDProblem, format string, args ...any) error {
	return &IDError{Problem: p, Detail: fmt.Sprintf(format, args...)}
}

// ProblemOf returns the IDProblem of err, or "" when err is not an *IDError.
func ProblemOf(err error) IDProblem {
	var ie *IDError
	if errors.As(err, &ie) {
		return ie.Problem
	}
	return ""
}

// IDCheckCharacter returns the check character ('0'–'9' or 'X') for the
// first 17 digits of an ID number.
func IDCheckCharacter(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, idErr(IDLengthWrong, "need 17 digits, got %d characters", len(first17))
	}
	s := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, idErr(IDCharacters, "character %d is %q, not a digit", i+1, c)
		}
		s += int(c-'0') * idWeights[i]
	}
	v := (12 - s%11) % 11
	if v == 10 {
		return 'X', nil
	}
	return byte('0' + v), nil
}

// IDInfo is what an ID number says about its holder.
type IDInfo struct {
	Address  string    // 6-digit address code at first registration
	Birth    time.Time // birth date (UTC midnight)
	Sequence int       // 0–999
	Sex      Sex       // from the parity of the sequence
}

// ParseIDNumber validates an 18-character ID number (length, characters,
// birth date real, sequence, check character) and returns what it encodes.
// A lower-case 'x' check character is accepted. The address code is checked
// only for shape; whether it exists is the division tree's business.
func ParseIDNumber(s string) (IDInfo, error) {
	switch {
	case len(s) == 0:
		return IDInfo{}, idErr(IDEmpty, "empty")
	case len(s) == 15 && allDigits(s):
		return IDInfo{}, idErr(IDFirstGen, "15-digit first-generation number %s must be upgraded to 18 digits", MaskIDNumber(s))
	case len(s) != IDLength:
		return IDInfo{}, idErr(IDLengthWrong, "length %d, want 18", len(s))
	}
	if !allDigits(s[:17]) {
		return IDInfo{}, idErr(IDCharacters, "first 17 characters must be digits")
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if !(last >= '0' && last <= '9') && last != 'X' {
		return IDInfo{}, idErr(IDCharacters, "check character %q is not a digit or X", s[17])
	}
	if s[0] == '0' || s[:2] == "00" {
		return IDInfo{}, idErr(IDAddress, "address code %s does not start with a province code", s[:6])
	}
	birth, ok := parseIDDate(s[6:14])
	if !ok {
		return IDInfo{}, idErr(IDBirthDate, "birth date %s is not a real date", s[6:14])
	}
	if birth.Year() < 1850 {
		return IDInfo{}, idErr(IDBirthDate, "birth year %d is implausible", birth.Year())
	}
	seq := int(s[14]-'0')*100 + int(s[15]-'0')*10 + int(s[16]-'0')
	if seq == 0 {
		return IDInfo{}, idErr(IDSequenceZero, "sequence number 000 is not issued")
	}
	want, _ := IDCheckCharacter(s[:17])
	if want != last {
		return IDInfo{}, idErr(IDCheckChar, "check character is %c, want %c", s[17], want)
	}
	sex := SexFemale
	if seq%2 == 1 {
		sex = SexMale
	}
	return IDInfo{Address: s[:6], Birth: birth, Sequence: seq, Sex: sex}, nil
}

// parseIDDate parses eight digits YYYYMMDD as time.Parse("20060102")
// does, at UTC midnight, and reports whether they are a real date. It is
// what every loaded ID number goes through, so it avoids time.Parse's
// layout interpretation (a third of the ID check's cost).
func parseIDDate(d string) (time.Time, bool) {
	if len(d) != 8 || !allDigits(d) {
		return time.Time{}, false
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	y, m, day := num(d[:4]), num(d[4:6]), num(d[6:])
	if m < 1 || m > 12 || day < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day { // past the month's end: time.Date normalised it
		return time.Time{}, false
	}
	return t, true
}

// ValidateIDNumber reports whether s is a well-formed ID number.
func ValidateIDNumber(s string) error {
	_, err := ParseIDNumber(s)
	return err
}

// CheckIDAgainst validates s and checks that it agrees with a record's
// birth date and sex. asOf, when not zero, rejects birth dates after it.
func CheckIDAgainst(s string, birth time.Time, sex Sex, asOf time.Time) error {
	info, err := ParseIDNumber(s)
	if err != nil {
		return err
	}
	if !asOf.IsZero() && info.Birth.After(asOf) {
		return idErr(IDBirthDate, "birth date %s is after %s", info.Birth.Format(time.DateOnly), asOf.Format(time.DateOnly))
	}
	if !birth.IsZero() && !sameDay(info.Birth, birth) {
		return &IDError{Problem: IDBirthMismatch, Detail: fmt.Sprintf("ID says born %s, record says %s", info.Birth.Format(time.DateOnly), birth.Format(time.DateOnly))}
	}
	if (sex == SexMale || sex == SexFemale) && info.Sex != sex {
		return &IDError{Problem: IDSexMismatch, Detail: fmt.Sprintf("ID sequence says sex %s, record says %s", info.Sex, sex)}
	}
	return nil
}

// GenerateIDNumber builds a valid ID number from a 6-digit address code, a
// birth date and a sequence 1–999 (odd for men, even for women).
func GenerateIDNumber(address string, birth time.Time, seq int) (string, error) {
	if len(address) != 6 || !allDigits(address) || address[0] == '0' {
		return "", fmt.Errorf("generate ID number: address code %q is not 6 digits", address)
	}
	if seq < 1 || seq > 999 {
		return "", fmt.Errorf("generate ID number: sequence %d outside 1–999", seq)
	}
	if y := birth.Year(); y < 1850 || y > 9999 {
		return "", fmt.Errorf("generate ID number: birth year %d outside 1850–9999", y)
	}
	var b [18]byte
	copy(b[:6], address)
	copy(b[6:14], birth.Format("20060102"))
	b[14] = byte('0' + seq/100)
	b[15] = byte('0' + seq/10%10)
	b[16] = byte('0' + seq%10)
	c, err := IDCheckCharacter(string(b[:17]))
	if err != nil {
		return "", fmt.Errorf("generate ID number: %w", err)
	}
	b[17] = c
	return string(b[:]), nil
}

// MaskIDNumber hides the birth date and the middle of an ID number for
// display: 510104********1234. Strings shorter than 14 characters, which
// could not keep the first 6 and last 4 and still hide 4, are masked
// entirely.
func MaskIDNumber(s string) string {
	n := len(s)
	if n < 14 {
		return stars(n)
	}
	return s[:6] + stars(n-10) + s[n-4:]
}

// MaskName keeps the family name (first character) and masks the rest:
// 张** for 张三丰.
func MaskName(name string) string {
	r := []rune(name)
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + stars(len(r)-1)
}

func stars(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '*'
	}
	return string(b)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
