package models

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Valid ID numbers. The check character is worked out by hand with the
// weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, S = Σ dᵢwᵢ and
// check = (12 − S mod 11) mod 11 ('X' for 10).
var validIDs = []struct {
	id    string
	birth string
	seq   int
	sex   Sex
}{
	// GB 11643-1999's own example: S = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4
	// = 167, 167 mod 11 = 2, 12 − 2 = 10 → X.
	{"11010519491231002X", "1949-12-31", 2, SexFemale},
	// The standard's second example: S = 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2
	// = 195, 195 mod 11 = 8, 12 − 8 = 4.
	{"440524188001010014", "1880-01-01", 1, SexMale},
	// S = 35+9+0+5+0+16+2+9+48+15+7+18+30+5+0+0+2 = 201, mod 11 = 3 → 9.
	{"510104198512310019", "1985-12-31", 1, SexMale},
	// 2000-02-29 is a real date. S = 116, mod 11 = 6 → 6.
	{"110101200002290026", "2000-02-29", 2, SexFemale},
	// S = 189, mod 11 = 2 → X, sequence 123 is odd: male.
	{"65010219700101123X", "1970-01-01", 123, SexMale},
	// S = 209, mod 11 = 0 → (12 − 0) mod 11 = 1.
	{"510104198512310051", "1985-12-31", 5, SexMale},
	// S = 199 + 0·8 + 1·4 + 9·2 = 221, mod 11 = 1 → 11 mod 11 = 0.
	{"510104198512310190", "1985-12-31", 19, SexMale},
	// Lower-case x is accepted.
	{"11010519491231002x", "1949-12-31", 2, SexFemale},
}

func TestParseIDNumberValid(t *testing.T) {
	for _, tc := range validIDs {
		info, err := ParseIDNumber(tc.id)
		if err != nil {
			t.Errorf("ParseIDNumber(%s): %v", tc.id, err)
			continue
		}
		if info.Address != tc.id[:6] || info.Birth.Format(time.DateOnly) != tc.birth || info.Sequence != tc.seq || info.Sex != tc.sex {
			t.Errorf("ParseIDNumber(%s) = %+v, want birth %s seq %d sex %s", tc.id, info, tc.birth, tc.seq, tc.sex)
		}
		if err := ValidateIDNumber(tc.id); err != nil {
			t.Errorf("ValidateIDNumber(%s): %v", tc.id, err)
		}
		c, err := IDCheckCharacter(tc.id[:17])
		if err != nil || c != strings.ToUpper(tc.id[17:])[0] {
			t.Errorf("IDCheckCharacter(%s) = %c, %v", tc.id[:17], c, err)
		}
	}
}

func TestParseIDNumberInvalid(t *testing.T) {
	tests := []struct {
		name, id string
		want     IDProblem
	}{
		{"empty", "", IDEmpty},
		{"too short", "11010519491231002", IDLengthWrong},
		{"too long", "11010519491231002X1", IDLengthWrong},
		{"first generation", "110105491231002", IDFirstGen},
		{"15 with a letter", "11010549123100X", IDLengthWrong},
		{"letter inside", "1101051949123A002X", IDCharacters},
		{"space inside", "110105 9491231002X", IDCharacters},
		{"bad check symbol", "11010519491231002Y", IDCharacters},
		{"full-width digits", "１１０１０５19491231002X", IDLengthWrong},
		{"address starts 0", "01010519491231002X", IDAddress},
		{"address 00", "00010519491231002X", IDAddress},
		{"February 30", "110105199902300011", IDBirthDate},
		{"not a leap year", "110105200102290011", IDBirthDate},
		{"month 13", "110105199913010011", IDBirthDate},
		{"day 00", "110105199901000011", IDBirthDate},
		{"year 1800", "110105180001010011", IDBirthDate},
		{"sequence 000", "110105194912310000", IDSequenceZero},
		{"wrong check", "110105194912310021", IDCheckChar},
		{"wrong check X", "44052418800101001X", IDCheckChar},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIDNumber(tc.id)
			if got := ProblemOf(err); got != tc.want {
				t.Errorf("ParseIDNumber(%q): problem %q (%v), want %q", tc.id, got, err, tc.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "invalid ID number: ") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

// TestParseIDNumberSequenceZeroNeedsCheck makes sure the sequence test is
// not masked by the check character: 000 with its correct check character.
func TestParseIDNumberSequenceZeroNeedsCheck(t *testing.T) {
	c, err := IDCheckCharacter("11010519491231000")
	if err != nil {
		t.Fatal(err)
	}
	if p := ProblemOf(ValidateIDNumber("11010519491231000" + string(c))); p != IDSequenceZero {
		t.Errorf("sequence 000 with a right check character: problem %q, want %q", p, IDSequenceZero)
	}
}

func TestFirstGenerationMasked(t *testing.T) {
	_, err := ParseIDNumber("110105491231002")
	if err == nil || strings.Contains(err.Error(), "491231") {
		t.Errorf("first-generation error %v shows the birth date", err)
	}
}

func TestIDCheckCharacterErrors(t *testing.T) {
	if _, err := IDCheckCharacter("1234"); ProblemOf(err) != IDLengthWrong {
		t.Errorf("short input: %v", err)
	}
	if _, err := IDCheckCharacter("1101051949123100X"); ProblemOf(err) != IDCharacters {
		t.Errorf("letter input: %v", err)
	}
	if ProblemOf(nil) != "" || ProblemOf(errTest("x")) != "" {
		t.Error("ProblemOf of a non-ID error is not empty")
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCheckIDAgainst(t *testing.T) {
	const id = "11010519491231002X" // born 1949-12-31, female
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name  string
		id    string
		birth time.Time
		sex   Sex
		asOf  time.Time
		want  IDProblem
	}{
		{"agrees", id, day("1949-12-31"), SexFemale, day("2024-01-01"), ""},
		{"agrees, other zone", id, time.Date(1949, 12, 31, 23, 0, 0, 0, shanghai), SexFemale, time.Time{}, ""},
		{"no record birth or sex", id, time.Time{}, SexUnknown, time.Time{}, ""},
		{"sex not stated", id, day("1949-12-31"), SexNotStated, time.Time{}, ""},
		{"birth differs", id, day("1949-12-30"), SexFemale, time.Time{}, IDBirthMismatch},
		{"sex differs", id, day("1949-12-31"), SexMale, time.Time{}, IDSexMismatch},
		{"born after as-of", "110101200002290026", day("2000-02-29"), SexFemale, day("2000-01-01"), IDBirthDate},
		{"born on as-of", "110101200002290026", day("2000-02-29"), SexFemale, day("2000-02-29"), ""},
		{"invalid number", "110105194912310021", time.Time{}, SexUnknown, time.Time{}, IDCheckChar},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckIDAgainst(tc.id, tc.birth, tc.sex, tc.asOf)
			if got := ProblemOf(err); got != tc.want {
				t.Errorf("CheckIDAgainst: problem %q (%v), want %q", got, err, tc.want)
			}
		})
	}
}

func TestGenerateIDNumberRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	addresses := []string{"110101", "510104", "650102", "441900", "350527"}
	lo, hi := day("1900-01-01").Unix(), day("2025-12-31").Unix()
	for i := 0; i < 5000; i++ {
		addr := addresses[rng.IntN(len(addresses))]
		birth := time.Unix(lo+rng.Int64N(hi-lo), 0).UTC().Truncate(24 * time.Hour)
		seq := 1 + rng.IntN(999)
		id, err := GenerateIDNumber(addr, birth, seq)
		if err != nil {
			t.Fatalf("GenerateIDNumber(%s, %s, %d): %v", addr, birth, seq, err)
		}
		info, err := ParseIDNumber(id)
		if err != nil {
			t.Fatalf("ParseIDNumber(%s) of a generated number: %v", id, err)
		}
		wantSex := SexFemale
		if seq%2 == 1 {
			wantSex = SexMale
		}
		if info.Address != addr || !info.Birth.Equal(birth) || info.Sequence != seq || info.Sex != wantSex {
			t.Fatalf("round trip of %s %s %d: got %+v", addr, birth.Format(time.DateOnly), seq, info)
		}
		if err := CheckIDAgainst(id, birth, wantSex, time.Time{}); err != nil {
			t.Fatalf("CheckIDAgainst(%s): %v", id, err)
		}
	}
}

func TestGenerateIDNumberKnown(t *testing.T) {
	id, err := GenerateIDNumber("110105", day("1949-12-31"), 2)
	if err != nil || id != "11010519491231002X" {
		t.Errorf("GenerateIDNumber of the standard's example = %q, %v", id, err)
	}
}

func TestGenerateIDNumberErrors(t *testing.T) {
	tests := []struct {
		name, addr string
		birth      time.Time
		seq        int
	}{
		{"short address", "11010", day("1990-01-01"), 1},
		{"letters", "11010A", day("1990-01-01"), 1},
		{"address 0", "010105", day("1990-01-01"), 1},
		{"sequence 0", "110105", day("1990-01-01"), 0},
		{"sequence 1000", "110105", day("1990-01-01"), 1000},
		{"year 1800", "110105", day("1800-01-01"), 1},
		{"zero time", "110105", time.Time{}, 1},
	}
	for _, tc := range tests {
		if id, err := GenerateIDNumber(tc.addr, tc.birth, tc.seq); err == nil {
			t.Errorf("%s: GenerateIDNumber = %q, want an error", tc.name, id)
		}
	}
}

func TestMasking(t *testing.T) {
	tests := []struct{ got, want string }{
		{MaskIDNumber("11010519491231002X"), "110105********002X"},
		{MaskIDNumber("110105491231002"), "110105*****1002"},
		{MaskIDNumber("12345678901234"), "123456****1234"},
		{MaskIDNumber("1234567890123"), "*************"}, // too short to hide 4 in the middle
		{MaskIDNumber("1234567890"), "**********"},
		{MaskIDNumber(""), ""},
		{MaskName("张三丰"), "张**"},
		{MaskName("欧阳娜娜"), "欧***"},
		{MaskName("李"), "李"},
		{MaskName(""), ""},
		{MaskName("Li Lei"), "L*****"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestParseIDDateAgreesWithTimeParse checks parseIDDate against
// time.Parse("20060102") on every day-of-month 00–39 of every month 00–13
// of years around the leap-year rules, and on malformed strings.
func TestParseIDDateAgreesWithTimeParse(t *testing.T) {
	var cases []string
	for _, y := range []int{0, 1, 1849, 1850, 1900, 1999, 2000, 2023, 2024, 2100, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 39; d++ {
				cases = append(cases, fmt.Sprintf("%04d%02d%02d", y, m, d))
			}
		}
	}
	cases = append(cases, "", "2024011", "202401011", "2024-1-1", "2024 101", "2O240101", "+0240101")
	for _, c := range cases {
		want, werr := time.Parse("20060102", c)
		got, ok := parseIDDate(c)
		if ok != (werr == nil) || (ok && !got.Equal(want)) || (ok && got.Location() != time.UTC) {
			t.Errorf("parseIDDate(%q) = %v, %v; time.Parse: %v, %v", c, got, ok, want, werr)
		}
	}
}

func BenchmarkParseIDNumber(b *testing.B) {
	for b.Loop() {
		if _, err := ParseIDNumber("11010519491231002X"); err != nil {
			b.Fatal(err)
		}
	}
}
