package synth

import (
	"math"
	"testing"
	"time"
)

// exposure adds the days of [from, to) lived at each completed age to py
// (person-days by single age, last = open group).
func exposure(py []float64, birth, from, to int32) {
	by, bm, bd := civilFromDays(birth)
	for from < to {
		y, _, _ := civilFromDays(from)
		next := daysFromCivil(y, bm, bd) // birthday this year
		if next <= from {
			next = daysFromCivil(y+1, bm, bd)
		}
		end := min(next, to)
		a := min(ageAt(by, bm, bd, from), len(py)-1)
		py[a] += float64(end - from)
		from = end
	}
}

// lifeTableE0 returns e0 of the constant-force life table of death counts
// and exposure (years) by single age, and its standard error by the delta
// method with Var(m̂x) = Dx / Ex².
func lifeTableE0(d []int, e []float64) (e0, se float64) {
	n := len(d)
	m := make([]float64, n)
	for x := range m {
		m[x] = float64(d[x]) / e[x]
	}
	l := make([]float64, n+1)
	l[0] = 1
	for x := 0; x < n-1; x++ {
		l[x+1] = l[x] * math.Exp(-m[x])
	}
	big := make([]float64, n) // Lx
	for x := 0; x < n-1; x++ {
		if m[x] > 0 {
			big[x] = (l[x] - l[x+1]) / m[x]
		} else {
			big[x] = l[x]
		}
	}
	big[n-1] = l[n-1] / m[n-1]
	tail := make([]float64, n+1) // T_x
	for x := n - 1; x >= 0; x-- {
		tail[x] = tail[x+1] + big[x]
	}
	e0 = tail[0]
	var v float64
	for x := 0; x < n; x++ {
		var g float64
		if x == n-1 {
			g = -l[x] / (m[x] * m[x])
		} else if m[x] == 0 {
			g = -l[x]/2 - tail[x+1]
		} else {
			mx := m[x]
			// d/dm of l·(1−e^−m)/m, then the later ages scaled by e^−m
			g = l[x]*(mx*math.Exp(-mx)-(1-math.Exp(-mx)))/(mx*mx) - math.Exp(-mx)*tail[x+1]
		}
		v += g * g * float64(d[x]) / (e[x] * e[x])
	}
	return e0, math.Sqrt(v)
}

// TestRatesRecoveredFromRecords generates one rural county of 200,000
// persons without defects, computes TFR, SRB and e0 from the records alone
// and checks them against truth.json within three standard errors.
//
// Exposure is counted from the records (base persons from the period
// start, in-migrants from their in-event, children from birth; to death,
// out-event or the window end). The window is the first 36 whole months of
// a 39-month period, so that every event in it is registered by as-of (lags
// are under 90 days without late registrations) and the birth seasonality
// averages out. Standard errors: TFR, Var = Σ Bx/Ex² (Poisson births);
// SRB, binomial on the male share p, SE = 100·SE(p)/(1−p)²; e0, delta
// method on the constant-force life table with Var(m̂x) = Dx/Ex².
func TestRatesRecoveredFromRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test skipped in -short mode")
	}
	cfg := DefaultConfig()
	cfg.Counties = []string{"511702"} // 达川区, Dazhou
	cfg.Persons, cfg.Months = 200000, 39
	cfg.Defects = Defects{}
	cfg.NoSources = true
	s := generateSmall(t, cfg)
	ct := s.res.Truth.Counties[0]
	start := dayOf(cfg.PeriodStart())
	windowEnd := dayOf(time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)) // exclusive
	if windowEnd-start < 1090 {
		t.Fatalf("window %d days", windowEnd-start)
	}
	p, e := s.persons, s.events
	row := map[string]int{}
	for r := 0; r < p.n; r++ {
		row[p.str["person_id"][r]] = r
	}
	entry := make([]int32, p.n)
	for r := range entry {
		entry[r] = max(start, p.date["birth_date"][r])
	}
	exit := make([]int32, p.n)
	for r := range exit {
		exit[r] = windowEnd
		if sd := p.date["status_date"][r]; sd != noDate && sd < windowEnd {
			exit[r] = sd
		}
	}
	var births [35]int
	var boys, girls int
	deaths := [2][]int{make([]int, maxAge+1), make([]int, maxAge+1)}
	for r := 0; r < e.n; r++ {
		d := e.date["event_date"][r]
		pr := row[e.str["person_id"][r]]
		switch e.str["event_type"][r] {
		case "in":
			entry[pr] = d
		}
		if d >= windowEnd {
			continue
		}
		switch e.str["event_type"][r] {
		case "birth":
			if p.str["sex"][pr] == "1" {
				boys++
			} else {
				girls++
			}
			mr := row[e.str["mother_person_id"][r]]
			mb := p.date["birth_date"][mr]
			y, m, dd := civilFromDays(mb)
			if a := ageAt(y, m, dd, d); a >= 15 && a <= 49 {
				births[a-15]++
			}
		case "death":
			y, m, dd := civilFromDays(p.date["birth_date"][pr])
			sx := 0
			if p.str["sex"][pr] == "2" {
				sx = 1
			}
			deaths[sx][min(ageAt(y, m, dd, d), maxAge)]++
		}
	}
	py := [2][]float64{make([]float64, maxAge+1), make([]float64, maxAge+1)}
	for r := 0; r < p.n; r++ {
		sx := 0
		if p.str["sex"][r] == "2" {
			sx = 1
		}
		if entry[r] < exit[r] {
			exposure(py[sx], p.date["birth_date"][r], entry[r], exit[r])
		}
	}
	for sx := range py {
		for x := range py[sx] {
			py[sx][x] /= daysPerYear
		}
	}
	var tfr, varTFR float64
	for x := 0; x < 35; x++ {
		ex := py[1][15+x]
		tfr += float64(births[x]) / ex
		varTFR += float64(births[x]) / (ex * ex)
	}
	check := func(name string, got, se, want float64) {
		t.Helper()
		t.Logf("%s: records %.3f ± %.3f, truth %.3f", name, got, se, want)
		if math.Abs(got-want) > 3*se {
			t.Errorf("%s = %.3f from the records, truth %.3f: more than 3 SE (%.3f) apart", name, got, want, se)
		}
	}
	check("TFR", tfr, math.Sqrt(varTFR), ct.TFR)
	n := float64(boys + girls)
	pm := float64(boys) / n
	check("SRB", 100*pm/(1-pm), 100*math.Sqrt(pm*(1-pm)/n)/((1-pm)*(1-pm)), ct.SRB)
	for sx, name := range []string{"e0 male", "e0 female"} {
		e0, se := lifeTableE0(deaths[sx], py[sx])
		want := ct.E0.Male
		if sx == 1 {
			want = ct.E0.Female
		}
		check(name, e0, se, want)
	}
}
