package synth

import (
	"math"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

func TestCivilDays(t *testing.T) {
	for z := daysFromCivil(1890, 1, 1); z < daysFromCivil(2110, 1, 1); z += 7 {
		y, m, d := civilFromDays(z)
		if got := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); dayOf(got) != z || !timeOf(z).Equal(got) {
			t.Fatalf("day %d: %04d-%02d-%02d does not round-trip", z, y, m, d)
		}
	}
	cases := []struct {
		birth, on string
		age       int
	}{
		{"2000-02-29", "2001-02-28", 0}, {"2000-02-29", "2001-03-01", 1}, {"2000-02-29", "2004-02-29", 4},
		{"1990-06-15", "2025-06-14", 34}, {"1990-06-15", "2025-06-15", 35},
	}
	for _, c := range cases {
		b, _ := time.Parse(time.DateOnly, c.birth)
		on, _ := time.Parse(time.DateOnly, c.on)
		if got := ageAt(b.Year(), int(b.Month()), b.Day(), dayOf(on)); got != c.age {
			t.Errorf("born %s, age on %s = %d, want %d", c.birth, c.on, got, c.age)
		}
	}
}

func TestBrassLifeTable(t *testing.T) {
	for _, e0 := range []float64{65, 72, 78, 84} {
		for sex := 0; sex < 2; sex++ {
			mx := brassMx(sex, e0)
			if got := lifeExpectancy(mx[:]); math.Abs(got-e0) > 1e-6 {
				t.Errorf("sex %d: e0 %.6f, want %.1f", sex, got, e0)
			}
			for x := 1; x < maxAge; x++ {
				if x > 12 && mx[x] < mx[x-1] {
					t.Fatalf("sex %d e0 %.0f: mx not rising after 12 (age %d)", sex, e0, x)
				}
			}
		}
	}
	imr := 1000 * (1 - math.Exp(-brassMx(0, 76.5)[0]))
	if imr < 3 || imr > 8 {
		t.Errorf("male IMR at e0 76.5 is %.1f‰, want 3–8‰", imr)
	}
	west := 1000 * (1 - math.Exp(-brassMx(0, 70)[0]))
	if west <= imr {
		t.Errorf("IMR at e0 70 (%.1f‰) not above IMR at 76.5 (%.1f‰)", west, imr)
	}
}

func TestASFRShape(t *testing.T) {
	for _, mean := range []float64{27, 28.8, 30} {
		f := asfrStandard(mean)
		var s, m float64
		for i, v := range f {
			s += v
			m += v * (float64(i) + 15.5)
		}
		if math.Abs(s-1) > 1e-9 || math.Abs(m-mean) > 0.5 {
			t.Errorf("mean %.1f: sum %.6f, mean age %.2f", mean, s, m)
		}
	}
}

func TestBasePyramidShares(t *testing.T) {
	// on 1 January 2021 the ages are the 2020 census ages
	p := basePyramid(2021, 0.161, 0.1693)
	var tot, young, old float64
	for s := 0; s < 2; s++ {
		for a := 0; a <= maxAge; a++ {
			tot += p[s][a]
			if a < 15 {
				young += p[s][a]
			}
			if a >= 65 {
				old += p[s][a]
			}
		}
	}
	if math.Abs(young/tot-0.161) > 1e-9 || math.Abs(old/tot-0.1693) > 1e-9 {
		t.Errorf("shares 0–14 %.4f, 65+ %.4f; want 0.161, 0.1693", young/tot, old/tot)
	}
	// the 1962–1975 baby boom is larger than the cohorts of the 2000s
	if p[0][50]+p[1][50] < 1.3*(p[0][18]+p[1][18]) {
		t.Errorf("age 50 (%.2f) not well above age 18 (%.2f)", p[0][50]+p[1][50], p[0][18]+p[1][18])
	}
}

func TestMigrationAndSeasonality(t *testing.T) {
	m := migrationSchedule(0.02, basePyramid(2023, 0.18, 0.135))
	peak := 0
	for a := range m {
		if m[a] > m[peak] {
			peak = a
		}
	}
	if peak < 18 || peak > 29 {
		t.Errorf("migration peaks at age %d, want 18–29", peak)
	}
	days := [12]float64{31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	var s, d float64
	for i, v := range birthSeasonality {
		s += v * days[i]
		d += days[i]
	}
	if math.Abs(s/d-1) > 1e-12 || birthSeasonality[1] >= birthSeasonality[9] {
		t.Errorf("seasonality %v", birthSeasonality)
	}
}

func TestIDNumbers(t *testing.T) {
	birth := dayOf(time.Date(1987, 3, 9, 0, 0, 0, 0, time.UTC))
	for _, seq := range []int{1, 2, 349, 700, 999} {
		id := genID("510104", birth, seq)
		info, err := models.ParseIDNumber(id)
		if err != nil || info.Sequence != seq || info.Address != "510104" || !info.Birth.Equal(timeOf(birth)) {
			t.Fatalf("seq %d: %s parses as %+v (%v)", seq, id, info, err)
		}
	}
	valid := genID("540102", birth, 11)
	cases := []struct {
		kind uint8
		want models.IDProblem
	}{
		{defInvalidCheck, models.IDCheckChar}, {defInvalidFirstGen, models.IDFirstGen},
		{defInvalidLength, models.IDLengthWrong}, {defInvalidDate, models.IDBirthDate},
	}
	for _, c := range cases {
		if got := models.ProblemOf(models.ValidateIDNumber(corruptID(valid, c.kind))); got != c.want {
			t.Errorf("corruption %d: problem %q, want %q", c.kind, got, c.want)
		}
	}
}

func TestPolicyConforming(t *testing.T) {
	d := func(s string) int32 {
		tm, _ := time.Parse(time.DateOnly, s)
		return dayOf(tm)
	}
	cases := []struct {
		date           string
		order          int
		married, rural bool
		want           bool
	}{
		{"2015-06-01", 2, true, false, false}, {"2015-06-01", 2, true, true, true},
		{"2019-06-01", 2, true, false, true}, {"2019-06-01", 3, true, false, false},
		{"2023-06-01", 3, true, false, true}, {"2023-06-01", 4, true, true, false},
		{"2023-06-01", 1, false, false, false},
	}
	for _, c := range cases {
		if got := policyConforming(d(c.date), c.order, c.married, c.rural); got != c.want {
			t.Errorf("%s order %d married %v rural %v: %v", c.date, c.order, c.married, c.rural, got)
		}
	}
}
