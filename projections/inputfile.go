package projections

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// inputJSON is the JSON input file format (see docs/projections.md).
type inputJSON struct {
	Name       string           `json:"name"`
	BaseYear   int              `json:"base_year"`
	Step       int              `json:"step"`
	OpenAge    int              `json:"open_age"`
	A0Rule     string           `json:"a0_rule"`
	Population *sexPair         `json:"population"`
	Mortality  *mortalityJSON   `json:"mortality"`
	ASFR       []float64        `json:"asfr"`
	SRB        float64          `json:"srb"`
	Migration  *migrationJSON   `json:"migration"`
	Benefit    *benefitJSON     `json:"benefit"`
	Notes      *json.RawMessage `json:"notes"`
}

type sexPair struct {
	Male   []float64 `json:"male"`
	Female []float64 `json:"female"`
}

type mortalitySex struct {
	Mx    []float64 `json:"mx"`
	Lx    []float64 `json:"Lx"`
	Radix float64   `json:"radix"`
	E0    float64   `json:"e0"`
}

type mortalityJSON struct {
	Ages   []int         `json:"ages"`
	Male   *mortalitySex `json:"male"`
	Female *mortalitySex `json:"female"`
}

type migrationJSON struct {
	Kind   string    `json:"kind"`
	Timing string    `json:"timing"`
	Male   []float64 `json:"male"`
	Female []float64 `json:"female"`
}

type benefitJSON struct {
	Name         string    `json:"name"`
	AnnualAmount float64   `json:"annual_amount"`
	Male         []float64 `json:"male"`
	Female       []float64 `json:"female"`
}

// ReadInputFile reads a projection input from a .json or .csv file
// (formats in docs/projections.md) and validates it. Errors name the
// file and, for CSV, the row and column.
func ReadInputFile(path string) (*Input, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	var in *Input
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		in, err = parseInputJSON(b)
	case ".csv":
		in, err = parseInputCSV(b)
	default:
		return nil, fmt.Errorf("read input %s: unknown extension (want .json or .csv)", path)
	}
	if err == nil {
		err = in.Validate()
	}
	if err != nil {
		return nil, fmt.Errorf("read input %s: %w", path, err)
	}
	if in.Name == "" {
		in.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return in, nil
}

func parseMigrationKind(s string) (MigrationKind, error) {
	switch s {
	case "", "counts":
		return MigrationCounts, nil
	case "rates":
		return MigrationRates, nil
	}
	return 0, fmt.Errorf("migration kind %q: want counts or rates", s)
}

func parseMigrationTiming(s string) (MigrationTiming, error) {
	switch s {
	case "", "half":
		return HalfStartHalfEnd, nil
	case "end":
		return AllAtEnd, nil
	}
	return 0, fmt.Errorf("migration timing %q: want half or end", s)
}

func parseInputJSON(b []byte) (*Input, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f inputJSON
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	in := &Input{Name: f.Name, BaseYear: f.BaseYear, Step: f.Step, OpenAge: f.OpenAge, ASFR: f.ASFR, SRB: f.SRB}
	var err error
	if in.A0, err = ParseA0Rule(f.A0Rule); err != nil {
		return nil, fmt.Errorf("field a0_rule: %w", err)
	}
	if f.Population == nil {
		return nil, errors.New("field population: missing")
	}
	in.Pop = [2][]float64{f.Population.Male, f.Population.Female}
	c := in.normalized()
	if f.Mortality == nil {
		return nil, errors.New("field mortality: missing")
	}
	ages := f.Mortality.Ages
	if ages == nil {
		ages = GroupAges(c.Step, c.OpenAge)
	}
	for s, m := range []*mortalitySex{f.Mortality.Male, f.Mortality.Female} {
		if m == nil {
			return nil, fmt.Errorf("field mortality.%v: missing", Sex(s))
		}
		if n := max(len(m.Mx), len(m.Lx)); n != len(ages) && (n != 0 || m.E0 == 0) {
			return nil, fmt.Errorf("field mortality.%v: %d values for %d ages", Sex(s), n, len(ages))
		}
		in.Mortality[s] = Mortality{Ages: ages, Mx: m.Mx, NLx: m.Lx, Radix: m.Radix, E0: m.E0}
	}
	if m := f.Migration; m != nil {
		if in.Migration.Kind, err = parseMigrationKind(m.Kind); err != nil {
			return nil, fmt.Errorf("field migration.kind: %w", err)
		}
		if in.Migration.Timing, err = parseMigrationTiming(m.Timing); err != nil {
			return nil, fmt.Errorf("field migration.timing: %w", err)
		}
		in.Migration.Net = [2][]float64{m.Male, m.Female}
	}
	if bf := f.Benefit; bf != nil {
		in.Benefit = &Benefit{Name: bf.Name, AnnualAmount: bf.AnnualAmount, Share: [2][]float64{bf.Male, bf.Female}}
	}
	return in, nil
}

// csvTable is a parsed CSV with "# key: value" metadata lines.
type csvTable struct {
	meta   map[string]string
	header []string
	col    map[string]int
	rows   [][]string
	lines  []int // source line of each row
}

func readCSVTable(r io.Reader) (*csvTable, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	t := &csvTable{meta: map[string]string{}, col: map[string]int{}}
	var body bytes.Buffer
	var lineOf []int
	for i, line := range strings.Split(string(b), "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "#") {
			if k, v, ok := strings.Cut(strings.TrimPrefix(trim, "#"), ":"); ok {
				t.meta[strings.TrimSpace(strings.ToLower(k))] = strings.TrimSpace(v)
			}
			continue
		}
		if trim == "" {
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
		lineOf = append(lineOf, i+1)
	}
	cr := csv.NewReader(&body)
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	if len(recs) < 2 {
		return nil, errors.New("csv: need a header row and at least one data row")
	}
	for i, h := range recs[0] {
		h = strings.ToLower(strings.TrimSpace(h))
		t.header = append(t.header, h)
		t.col[h] = i
	}
	t.rows = recs[1:]
	t.lines = lineOf[1:]
	return t, nil
}

func (t *csvTable) has(name string) bool { _, ok := t.col[name]; return ok }

// float returns the value of column name in row i; blank means NaN
// (callers decide whether blanks are allowed).
func (t *csvTable) float(i int, name string) (float64, bool, error) {
	j, ok := t.col[name]
	if !ok || j >= len(t.rows[i]) {
		return 0, false, nil
	}
	s := strings.TrimSpace(t.rows[i][j])
	if s == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, fmt.Errorf("line %d, column %s: invalid number %q", t.lines[i], name, s)
	}
	return v, true, nil
}

func (t *csvTable) column(name string, required bool) ([]float64, error) {
	if !t.has(name) {
		if required {
			return nil, fmt.Errorf("missing column %s", name)
		}
		return nil, nil
	}
	out := make([]float64, len(t.rows))
	for i := range t.rows {
		v, ok, err := t.float(i, name)
		if err != nil {
			return nil, err
		}
		if !ok {
			if required {
				return nil, fmt.Errorf("line %d, column %s: empty value", t.lines[i], name)
			}
			v = 0
		}
		out[i] = v
	}
	return out, nil
}

func (t *csvTable) ages() ([]int, error) {
	if !t.has("age") {
		return nil, errors.New("missing column age")
	}
	ages := make([]int, len(t.rows))
	for i, r := range t.rows {
		s := strings.TrimSuffix(strings.TrimSpace(r[t.col["age"]]), "+")
		a, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("line %d, column age: invalid age %q", t.lines[i], r[t.col["age"]])
		}
		ages[i] = a
	}
	return ages, nil
}

func (t *csvTable) metaInt(key string, def int) (int, error) {
	s, ok := t.meta[key]
	if !ok {
		return def, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("metadata %s: invalid integer %q", key, s)
	}
	return v, nil
}

func (t *csvTable) metaFloat(key string, def float64) (float64, error) {
	s, ok := t.meta[key]
	if !ok {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("metadata %s: invalid number %q", key, s)
	}
	return v, nil
}

func parseInputCSV(b []byte) (*Input, error) {
	t, err := readCSVTable(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	ages, err := t.ages()
	if err != nil {
		return nil, err
	}
	in := &Input{Name: t.meta["name"]}
	if in.BaseYear, err = t.metaInt("base_year", 0); err != nil {
		return nil, err
	}
	step := 1
	if len(ages) > 1 {
		step = ages[1] - ages[0]
	}
	if in.Step, err = t.metaInt("step", step); err != nil {
		return nil, err
	}
	if in.OpenAge, err = t.metaInt("open_age", ages[len(ages)-1]); err != nil {
		return nil, err
	}
	if in.SRB, err = t.metaFloat("srb", 105); err != nil {
		return nil, err
	}
	if in.A0, err = ParseA0Rule(t.meta["a0"]); err != nil {
		return nil, fmt.Errorf("metadata a0: %w", err)
	}
	for i, a := range ages {
		if a != i*in.Step {
			return nil, fmt.Errorf("line %d, column age: age %d, want %d (ages 0, %d, …, %d)", t.lines[i], a, i*in.Step, in.Step, in.OpenAge)
		}
	}
	for s, suf := range []string{"_m", "_f"} {
		if in.Pop[s], err = t.column("pop"+suf, true); err != nil {
			return nil, err
		}
		m := Mortality{Ages: ages}
		if m.E0, err = t.metaFloat("e0"+suf, 0); err != nil {
			return nil, err
		}
		switch {
		case t.has("mx" + suf):
			m.Mx, err = t.column("mx"+suf, true)
		case t.has("lx" + suf):
			m.NLx, err = t.column("lx"+suf, true)
			if err == nil {
				m.Radix, err = t.metaFloat("radix", 1)
			}
		case m.E0 > 0:
		default:
			err = fmt.Errorf("missing column mx%s (or Lx%s, or metadata e0%s)", suf, suf, suf)
		}
		if err != nil {
			return nil, err
		}
		in.Mortality[s] = m
		if in.Migration.Net[s], err = t.column("mig"+suf, false); err != nil {
			return nil, err
		}
	}
	if in.Migration.Kind, err = parseMigrationKind(t.meta["migration_kind"]); err != nil {
		return nil, fmt.Errorf("metadata migration_kind: %w", err)
	}
	if in.Migration.Timing, err = parseMigrationTiming(t.meta["migration_timing"]); err != nil {
		return nil, fmt.Errorf("metadata migration_timing: %w", err)
	}
	in.ASFR = make([]float64, FertileTo-FertileFrom)
	if t.has("asfr") {
		for i, a := range ages {
			v, ok, err := t.float(i, "asfr")
			if err != nil {
				return nil, err
			}
			if !ok || v == 0 {
				continue
			}
			if a < FertileFrom || a+in.Step > FertileTo {
				return nil, fmt.Errorf("line %d, column asfr: fertility at age %d outside %d–%d", t.lines[i], a, FertileFrom, FertileTo-1)
			}
			for x := a; x < a+in.Step; x++ { // a five-year group rate applies to each of its years
				in.ASFR[x-FertileFrom] = v
			}
		}
	}
	if t.has("elig_m") || t.has("elig_f") {
		bf := &Benefit{Name: t.meta["benefit_name"]}
		if bf.AnnualAmount, err = t.metaFloat("benefit_amount", 0); err != nil {
			return nil, err
		}
		for s, suf := range []string{"_m", "_f"} {
			if bf.Share[s], err = t.column("elig"+suf, false); err != nil {
				return nil, err
			}
		}
		in.Benefit = bf
	}
	return in, nil
}

// LifeTableInput is a single-sex life-table input read from CSV.
type LifeTableInput struct {
	Ages []int
	Mx   []float64
	Ax   []float64 // NaN where not given
}

// ReadLifeTableCSV reads a life-table input: a column age and either mx or
// deaths with exposure (person-years; "population" is accepted as an
// alias); optional columns width (checked against the ages) and ax. Ages
// are the interval starts, single years or abridged; the last row is the
// open group.
func ReadLifeTableCSV(path string) (*LifeTableInput, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read life table: %w", err)
	}
	defer f.Close()
	lti, err := parseLifeTableCSV(f)
	if err != nil {
		return nil, fmt.Errorf("read life table %s: %w", path, err)
	}
	return lti, nil
}

func parseLifeTableCSV(r io.Reader) (*LifeTableInput, error) {
	t, err := readCSVTable(r)
	if err != nil {
		return nil, err
	}
	ages, err := t.ages()
	if err != nil {
		return nil, err
	}
	lti := &LifeTableInput{Ages: ages, Mx: make([]float64, len(ages)), Ax: make([]float64, len(ages))}
	expo := "exposure"
	if !t.has(expo) && t.has("population") {
		expo = "population"
	}
	useMx := t.has("mx")
	if !useMx && !(t.has("deaths") && t.has(expo)) {
		return nil, errors.New("need a column mx or the columns deaths and exposure")
	}
	for i := range t.rows {
		if useMx {
			v, ok, err := t.float(i, "mx")
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("line %d, column mx: empty value", t.lines[i])
			}
			lti.Mx[i] = v
		} else {
			d, ok1, err := t.float(i, "deaths")
			if err != nil {
				return nil, err
			}
			e, ok2, err := t.float(i, expo)
			if err != nil {
				return nil, err
			}
			if !ok1 || !ok2 || e <= 0 {
				return nil, fmt.Errorf("line %d: deaths %v and %s %v: both required, exposure > 0", t.lines[i], d, expo, e)
			}
			lti.Mx[i] = d / e
		}
		if lti.Mx[i] < 0 {
			return nil, fmt.Errorf("line %d: negative death rate %v", t.lines[i], lti.Mx[i])
		}
		a, ok, err := t.float(i, "ax")
		if err != nil {
			return nil, err
		}
		if !ok {
			a = nanValue()
		}
		lti.Ax[i] = a
		if w, ok, err := t.float(i, "width"); err != nil {
			return nil, err
		} else if ok && i+1 < len(ages) && int(w) != ages[i+1]-ages[i] {
			return nil, fmt.Errorf("line %d, column width: %v but the next age starts %d years later", t.lines[i], w, ages[i+1]-ages[i])
		}
	}
	return lti, nil
}

// ReadPopulationCSV reads a population by age and sex: columns age, male
// and female on a projection grid. A "# year: YYYY" line gives its date.
func ReadPopulationCSV(path string) (pop [2][]float64, ages []int, year int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return pop, nil, 0, fmt.Errorf("read population: %w", err)
	}
	defer f.Close()
	wrap := func(e error) error { return fmt.Errorf("read population %s: %w", path, e) }
	t, err := readCSVTable(f)
	if err != nil {
		return pop, nil, 0, wrap(err)
	}
	if ages, err = t.ages(); err != nil {
		return pop, nil, 0, wrap(err)
	}
	if year, err = t.metaInt("year", 0); err != nil {
		return pop, nil, 0, wrap(err)
	}
	for s, name := range []string{"male", "female"} {
		if pop[s], err = t.column(name, true); err != nil {
			return pop, nil, 0, wrap(err)
		}
	}
	return pop, ages, year, nil
}
