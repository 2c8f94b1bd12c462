package sae

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Indicators are the catalog ids (models.KindStored, Variant
// models.VariantSAE) that Run writes into cube.values.
var Indicators = []string{"tfr_sae", "srb_sae", "imr_sae", "cdr_sae"}

// Levels are the levels Run estimates, top down: each level is shrunk
// toward the estimate of its parent (a county toward its city's direct
// rate). Run estimates whole years and rolling 12 months (monthly values
// are left to the direct estimates); villages get the years and the
// newest rolling 12 months only, as every rolling window of every village
// would triple the rows of cube.values.
var Levels = []models.Level{models.LevelCounty, models.LevelTownship, models.LevelVillage}

// Result describes a run.
type Result struct {
	Version int64 `json:"version"`
	Periods int   `json:"periods"`
	// Values is the number of rows written into cube.values; 0 when the
	// version has no cube yet.
	Values   int64         `json:"values"`
	Duration time.Duration `json:"duration"`
}

// The measures Run reads from cube.measures, in the order of counts.
var measures = []string{"births", "births_male", "births_female", "deaths", "infant_deaths", "person_years", "person_years_female_15_49"}

// Positions in counts.
const (
	mBirths = iota
	mMale
	mFemale
	mDeaths
	mInfant
	mPY
	mPYF
)

// counts are the measures of one unit and period, indexed like measures.
type counts [7]float64

// rate is one gamma–Poisson indicator: y events in x exposure, the value
// y/x × scale.
type rate struct {
	id    string
	y, x  int // positions in counts
	scale float64
	tfr   bool // multiplied by the TFR/GFR ratio of the nearest ancestor with a TFR
}

var rates = []rate{
	{"cdr_sae", mDeaths, mPY, 1000, false},
	{"imr_sae", mInfant, mBirths, 1000, false},
	{"tfr_sae", mBirths, mPYF, 1, true},
}

// Run computes the small-area estimates of version from its cube and
// replaces the version's *_sae rows of cube.values: for every year and
// rolling 12 months (villages: the newest only), the counties (shrunk
// toward their city's direct rate, or their province's when they are
// their city's only county), then the townships (toward their county's
// estimate), then the villages (toward their township's). A unit without exposure gets no
// value. Running it twice gives the same table; a version without a cube
// is left alone (Values 0).
func Run(ctx context.Context, st *store.Store, version int64) (*Result, error) {
	t0 := time.Now()
	res := &Result{Version: version}
	if err := cube.EnsureSchema(ctx, st); err != nil {
		return nil, fmt.Errorf("small-area estimates of version %d: %w", version, err)
	}
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("small-area estimates of version %d: %w", version, err)
	}
	defer conn.Close()
	var hasCube bool
	if err := conn.QueryRowContext(ctx, `SELECT count(*) > 0 FROM `+cube.RunsTable+` WHERE version = ?`, version).Scan(&hasCube); err != nil {
		return nil, fmt.Errorf("small-area estimates of version %d: %w", version, err)
	}
	if !hasCube {
		return res, nil
	}
	periods, err := readPeriods(ctx, conn, version)
	if err != nil {
		return nil, fmt.Errorf("small-area estimates of version %d: %w", version, err)
	}
	res.Periods = len(periods)
	cat := models.DefaultCatalog()
	// The gamma and beta quantiles of the intervals take most of the
	// time (about 0.1 ms a value): the periods are estimated in parallel.
	byPeriod := make([][]cube.Value, len(periods))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				byPeriod[i] = periods[i].estimate(cat)
			}
		})
	}
	for i := range periods {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []cube.Value
	for _, vs := range byPeriod {
		out = append(out, vs...)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("small-area estimates of version %d: %w", version, err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	if _, err := conn.ExecContext(ctx, `DELETE FROM `+cube.ValuesTable+` WHERE version = ? AND indicator IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(Indicators)), ", ")+`)`, append([]any{version}, anys(Indicators)...)...); err != nil {
		return nil, fmt.Errorf("small-area estimates of version %d: clear: %w", version, err)
	}
	if err := cube.AppendValues(conn, version, out); err != nil {
		return nil, fmt.Errorf("small-area estimates of version %d: %w", version, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("small-area estimates of version %d: commit: %w", version, err)
	}
	committed = true
	res.Values = int64(len(out))
	res.Duration = time.Since(t0)
	return res, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// period holds the counts of every unit (city to village) of one period
// and the TFRs the cube computed (down to its age level).
type period struct {
	ptype, label string
	counts       map[string]*counts
	byLevel      map[models.Level][]string // division codes in table order
	tfr          map[string]float64
}

// readPeriods reads the measures of the provinces and the units below them,
// and the TFRs, of every year and rolling 12 months of version.
func readPeriods(ctx context.Context, conn *sql.Conn, version int64) ([]*period, error) {
	cols := make([]string, len(measures))
	for i, m := range measures {
		cols[i] = `coalesce("` + m + `", 0)`
	}
	rows, err := conn.QueryContext(ctx, `SELECT division, level, ptype, period, `+strings.Join(cols, ", ")+` FROM `+cube.MeasuresTable+`
		WHERE version = ? AND level >= ? AND (ptype = ? OR ptype = ? AND (level < ? OR period = (SELECT max(period) FROM `+cube.MeasuresTable+`
			WHERE version = ? AND ptype = ?)))
		ORDER BY ptype, period, level, division`,
		version, int(models.LevelProvince), cube.PeriodYear, cube.PeriodR12, int(models.LevelVillage), version, cube.PeriodR12)
	if err != nil {
		return nil, fmt.Errorf("measures: %w", err)
	}
	defer rows.Close()
	var out []*period
	byKey := map[[2]string]*period{}
	for rows.Next() {
		var div, ptype, label string
		var level int
		c := new(counts)
		dest := []any{&div, &level, &ptype, &label}
		for i := range c {
			dest = append(dest, &c[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("measures: %w", err)
		}
		k := [2]string{ptype, label}
		p := byKey[k]
		if p == nil {
			p = &period{ptype: ptype, label: label, counts: map[string]*counts{},
				byLevel: map[models.Level][]string{}, tfr: map[string]float64{}}
			byKey[k] = p
			out = append(out, p)
		}
		p.counts[div] = c
		p.byLevel[models.Level(level)] = append(p.byLevel[models.Level(level)], div)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("measures: %w", err)
	}
	rows.Close()
	rows, err = conn.QueryContext(ctx, `SELECT division, ptype, period, value FROM `+cube.ValuesTable+`
		WHERE version = ? AND indicator = 'tfr' AND breakdown = '' AND ptype IN (?, ?) AND value > 0`, version, cube.PeriodYear, cube.PeriodR12)
	if err != nil {
		return nil, fmt.Errorf("tfr: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var div, ptype, label string
		var v float64
		if err := rows.Scan(&div, &ptype, &label, &v); err != nil {
			return nil, fmt.Errorf("tfr: %w", err)
		}
		if p := byKey[[2]string{ptype, label}]; p != nil {
			p.tfr[div] = v
		}
	}
	return out, rows.Err()
}

// above returns the counts of the nearest unit above div (level l) whose
// exposure (the sum of the measures at positions x) exceeds div's own:
// the unit a county is shrunk toward, its city, or its province when the
// county is its city's only one in the scope. Nil when there is none.
func (p *period) above(div string, l models.Level, x ...int) *counts {
	own := p.counts[div]
	for lv := l - 1; lv >= models.LevelProvince; lv-- {
		c := p.counts[div[:lv.CodeLen()]]
		if c == nil {
			continue
		}
		var a, b float64
		for _, i := range x {
			a, b = a+c[i], b+own[i]
		}
		if a > b*(1+1e-9) {
			return c
		}
	}
	return nil
}

// parentCode returns the code of the unit above div at level l.
func parentCode(div string, l models.Level) string { return div[:(l - 1).CodeLen()] }

// fertilityFactor returns TFR/GFR of the nearest unit above div whose
// TFR the cube computed (NaN when none): the ratio that turns a general
// fertility rate (births per woman-year 15–49) into a TFR under that
// unit's age pattern of fertility and age structure.
func (p *period) fertilityFactor(div string, l models.Level) float64 {
	for lv := l - 1; lv >= models.LevelProvince; lv-- {
		code := div[:lv.CodeLen()]
		t, ok := p.tfr[code]
		c := p.counts[code]
		if !ok || c == nil || !(c[mBirths] > 0) || !(c[mPYF] > 0) {
			continue
		}
		return t / (c[mBirths] / c[mPYF])
	}
	return math.NaN()
}

// estimate returns the small-area estimates of one period.
func (p *period) estimate(cat *models.Catalog) []cube.Value {
	var out []cube.Value
	emit := func(id, div string, l models.Level, val, lo, hi, num, den float64) {
		ind, _ := cat.Get(id)
		v := cube.Value{Indicator: id, Division: div, Level: l, PeriodType: p.ptype, Period: p.label,
			Value: val, Lower: lo, Upper: hi, Numerator: num, Denominator: den}
		cube.Assess(ind, &v)
		out = append(out, v)
	}
	for _, r := range rates {
		post := map[string]Gamma{}
		for _, l := range Levels {
			var units []string
			var y, x []float64
			var parent []Gamma
			for _, div := range p.byLevel[l] {
				pc := parentCode(div, l)
				c := p.counts[div]
				// The parent without the unit: the direct rate of the
				// nearest unit above with other exposure (counties), or
				// the parent's posterior, less the unit's events and
				// exposure.
				var pg Gamma
				if l == Levels[0] {
					if pcs := p.above(div, l, r.x); pcs != nil {
						pg = Jeffreys(pcs[r.y], pcs[r.x])
					}
				} else {
					var ok bool
					if pg, ok = post[pc]; !ok {
						continue
					}
				}
				pg = Gamma{pg.Shape - c[r.y], pg.Rate - c[r.x]}
				if pg.Rate < 1e-9*(pg.Rate+c[r.x]) {
					pg.Rate = 0 // nothing else to borrow from
				}
				units, y, x, parent = append(units, div), append(y, c[r.y]), append(x, c[r.x]), append(parent, pg)
			}
			_, g := ShrinkPoisson(y, x, parent)
			for i, div := range units {
				post[div] = g[i]
				if !(x[i] > 0) {
					continue
				}
				scale := r.scale
				if r.tfr {
					scale *= p.fertilityFactor(div, l)
					if math.IsNaN(scale) {
						continue
					}
				}
				lo, hi := g[i].Interval()
				emit(r.id, div, l, g[i].Mean()*scale, lo*scale, hi*scale, y[i], x[i])
			}
		}
	}
	// SRB: the proportion of boys among the births of known sex.
	post := map[string]Beta{}
	for _, l := range Levels {
		var units []string
		var k, n []float64
		var parent []Beta
		for _, div := range p.byLevel[l] {
			pc := parentCode(div, l)
			c := p.counts[div]
			var pb Beta
			if l == Levels[0] {
				if pcs := p.above(div, l, mMale, mFemale); pcs != nil {
					pb = JeffreysBeta(pcs[mMale], pcs[mMale]+pcs[mFemale])
				}
			} else {
				var ok bool
				if pb, ok = post[pc]; !ok {
					continue
				}
			}
			pb = Beta{pb.A - c[mMale], pb.B - c[mFemale]}
			units, k, n, parent = append(units, div), append(k, c[mMale]), append(n, c[mMale]+c[mFemale]), append(parent, pb)
		}
		_, b := ShrinkBinomial(k, n, parent)
		for i, div := range units {
			post[div] = b[i]
			if !(n[i] > 0) {
				continue
			}
			lo, hi := b[i].Interval()
			emit("srb_sae", div, l, odds(b[i].Mean()), odds(lo), odds(hi), k[i], n[i]-k[i])
		}
	}
	return out
}

// odds returns the sex ratio 100·p/(1 − p) of a proportion of boys p.
func odds(p float64) float64 { return 100 * p / (1 - p) }
