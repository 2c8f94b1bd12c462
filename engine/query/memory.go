package query

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
)

// memIndex holds one cube version in memory, read once by Reload and never
// changed afterwards (readers use it without a lock; Reload swaps in a new
// one): every row of cube.values (the materialised indicators and the
// values written by other engine packages at every level), the measures of
// the units down to memLevel (for values derived on read and for lineage
// and panel counts), and the population, female person-years and births
// by age of the units of the age table (pyramids, panel TFR).
type memIndex struct {
	version  int64
	builtAt  time.Time
	sig      string // valuesSignature when read
	snapshot SnapshotRef

	divs    []string         // every division of the cube, sorted
	divID   map[string]int32 // code → index in divs
	byLevel [6][]int32       // division indexes of each level, by code

	periods []string         // period labels, by ptype then label (chronological within a ptype)
	ptypes  []string         // ptype of each period
	perID   map[string]int32 // label → index in periods
	ptRange map[string][2]int32

	values map[string]*memValues // by indicator
	brks   []string              // breakdown labels
	flags  []string              // flag labels

	memLevel models.Level     // deepest level whose measures are in memory
	mdiv     map[string]int32 // division (down to the county) → row block of the measures
	mhave    []bool           // block*len(periods)+period → the row exists
	mcols    [][]float64      // by measure, block*len(periods)+period

	// Below the county (down to memLevel) only the months are kept, in
	// compact columns; other periods are summed from their months on read
	// (stocks from the last month), as the cube's roll-up does.
	months  []int32          // period ids of the months, chronological
	monthOf map[int32]int32  // period id of a month → index in months
	sdiv    map[string]int32 // division → block of the monthly measures
	shave   []bool           // block*len(months)+month → the row exists
	scols   []memColumn      // by measure

	ages map[[2]int32]*memAge // (division, period) → age detail

	bytes int64 // approximate size of the index
}

// memValues are the cube.values rows of one indicator, grouped by
// division (rows[start[d]:start[d+1]] for division d) and ordered by
// period and breakdown within a division.
type memValues struct {
	start []int32
	rows  []memValue
}

type memValue struct {
	period    int16
	breakdown int16
	flag      uint8
	v         [5]float64 // value, lower, upper, numerator, denominator (NaN for NULL)
}

// memAge is the age detail of one unit and period kept in memory.
type memAge struct {
	pop    [3][cube.MaxAge + 1]float64 // residents at the end: unknown sex, male, female
	births [50]float64                 // births to women aged 15–49
	pyF    [50]float64                 // female person-years aged 15–49
}

// defaultMemLevel is the deepest level whose measures are held in memory.
const defaultMemLevel = models.LevelVillage

// fullLevel is the deepest level whose measures are kept for every period.
const fullLevel = models.LevelCounty

// memColumn is one measure of the monthly rows below the county, stored
// in the narrowest exact form: 8-, 16- or 32-bit unsigned integers when every
// value is a whole number in range (counts), float64 otherwise.
type memColumn struct {
	u8  []uint8
	u16 []uint16
	u32 []uint32
	f64 []float64
}

func (c *memColumn) at(i int) float64 {
	switch {
	case c.u8 != nil:
		return float64(c.u8[i])
	case c.u16 != nil:
		return float64(c.u16[i])
	case c.u32 != nil:
		return float64(c.u32[i])
	}
	return c.f64[i]
}

// compact returns the column of vals in its narrowest exact form and its
// size in bytes.
func compact(vals []float64) (memColumn, int64) {
	max := 0.0
	for _, v := range vals {
		if v < 0 || v != math.Trunc(v) || v > math.MaxUint32 {
			return memColumn{f64: vals}, int64(len(vals)) * 8
		}
		max = math.Max(max, v)
	}
	if max <= math.MaxUint8 {
		c := make([]uint8, len(vals))
		for i, v := range vals {
			c[i] = uint8(v)
		}
		return memColumn{u8: c}, int64(len(c))
	}
	if max <= math.MaxUint16 {
		c := make([]uint16, len(vals))
		for i, v := range vals {
			c[i] = uint16(v)
		}
		return memColumn{u16: c}, int64(len(c)) * 2
	}
	c := make([]uint32, len(vals))
	for i, v := range vals {
		c[i] = uint32(v)
	}
	return memColumn{u32: c}, int64(len(c)) * 4
}

// loadIndex reads the cube of run into memory.
func (e *Engine) loadIndex(ctx context.Context, run *Run) (*memIndex, error) {
	ix := &memIndex{version: run.Version, builtAt: run.BuiltAt, divID: map[string]int32{}, perID: map[string]int32{},
		ptRange: map[string][2]int32{}, values: map[string]*memValues{}, mdiv: map[string]int32{}, memLevel: e.memLevel,
		ages: map[[2]int32]*memAge{}, monthOf: map[int32]int32{}, sdiv: map[string]int32{}}
	sv, err := e.st.Version(ctx, run.Version)
	if err != nil {
		return nil, err
	}
	ix.snapshot = SnapshotRef{sv.ID, sv.Scope, sv.AsOf.Format("2006-01-02"), sv.Producer, sv.Fingerprint, sv.SourceDir}
	if err := ix.loadKeys(ctx, e.db); err != nil {
		return nil, err
	}
	if err := ix.loadValues(ctx, e.db); err != nil {
		return nil, err
	}
	if err := ix.loadMeasures(ctx, e.db); err != nil {
		return nil, err
	}
	if err := ix.loadAges(ctx, e.db); err != nil {
		return nil, err
	}
	if err := ix.loadMonthly(ctx, e.db); err != nil {
		return nil, err
	}
	return ix, nil
}

// loadKeys reads the divisions and periods of the cube (from the measures
// and from the values, which other packages may extend).
func (ix *memIndex) loadKeys(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT division FROM cube.measures WHERE version = ?
		UNION SELECT DISTINCT division FROM cube.values WHERE version = ? ORDER BY 1`, ix.version, ix.version)
	if err != nil {
		return fmt.Errorf("divisions: %w", err)
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return fmt.Errorf("divisions: %w", err)
		}
		l, err := models.LevelOfCode(d)
		if err != nil || l > models.LevelVillage { // the nation's rows only in a national node's merged cube
			continue
		}
		ix.divID[d] = int32(len(ix.divs))
		ix.byLevel[l] = append(ix.byLevel[l], int32(len(ix.divs)))
		ix.divs = append(ix.divs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("divisions: %w", err)
	}
	rows, err = db.QueryContext(ctx, `SELECT DISTINCT ptype, period FROM cube.measures WHERE version = ? AND level = 1
		UNION SELECT DISTINCT ptype, period FROM cube.values WHERE version = ? ORDER BY 1, 2`, ix.version, ix.version)
	if err != nil {
		return fmt.Errorf("periods: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pt, p string
		if err := rows.Scan(&pt, &p); err != nil {
			return fmt.Errorf("periods: %w", err)
		}
		id := int32(len(ix.periods))
		if _, dup := ix.perID[p]; dup {
			return fmt.Errorf("periods: label %s used by two period types", p)
		}
		ix.perID[p] = id
		ix.periods = append(ix.periods, p)
		ix.ptypes = append(ix.ptypes, pt)
		r, ok := ix.ptRange[pt]
		if !ok {
			r[0] = id
		}
		r[1] = id + 1
		ix.ptRange[pt] = r
	}
	if len(ix.periods) > math.MaxInt16 {
		return fmt.Errorf("periods: %d periods", len(ix.periods))
	}
	ix.bytes += int64(len(ix.divs))*40 + int64(len(ix.periods))*40
	return rows.Err()
}

// loadValues reads every row of cube.values of the version.
func (ix *memIndex) loadValues(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT indicator, division, ptype, period, breakdown, value, lower, upper, numerator, denominator, flag
		FROM cube.values WHERE version = ? ORDER BY indicator, division, ptype, period, breakdown`, ix.version)
	if err != nil {
		return fmt.Errorf("values: %w", err)
	}
	defer rows.Close()
	brkID, flagID := map[string]int16{}, map[string]uint8{}
	intern16 := func(m map[string]int16, list *[]string, s string) int16 {
		id, ok := m[s]
		if !ok {
			id = int16(len(*list))
			m[s] = id
			*list = append(*list, s)
		}
		return id
	}
	var cur *memValues
	var curInd string
	lastDiv := int32(-1)
	finish := func() {
		if cur == nil {
			return
		}
		for d := lastDiv + 1; d <= int32(len(ix.divs)); d++ {
			cur.start[d] = int32(len(cur.rows))
		}
		ix.bytes += int64(len(cur.start))*4 + int64(cap(cur.rows))*48
	}
	var ind, div, pt, per, brk, flag string
	var nv [5]sql.NullFloat64
	for rows.Next() {
		if err := rows.Scan(&ind, &div, &pt, &per, &brk, &nv[0], &nv[1], &nv[2], &nv[3], &nv[4], &flag); err != nil {
			return fmt.Errorf("values: %w", err)
		}
		d, okd := ix.divID[div]
		p, okp := ix.perID[per]
		if !okd || !okp || ix.ptypes[p] != pt {
			continue
		}
		if cur == nil || ind != curInd {
			finish()
			cur = &memValues{start: make([]int32, len(ix.divs)+1)}
			ix.values[ind] = cur
			curInd, lastDiv = ind, -1
		}
		for ; lastDiv < d; lastDiv++ {
			cur.start[lastDiv+1] = int32(len(cur.rows))
		}
		fid, ok := flagID[flag]
		if !ok {
			fid = uint8(len(ix.flags))
			flagID[flag] = fid
			ix.flags = append(ix.flags, flag)
		}
		mv := memValue{period: int16(p), breakdown: intern16(brkID, &ix.brks, brk), flag: fid}
		for i, n := range nv {
			mv.v[i] = nf(n)
		}
		cur.rows = append(cur.rows, mv)
	}
	finish()
	if len(ix.brks) > math.MaxInt16 || len(ix.flags) > math.MaxUint8 {
		return fmt.Errorf("values: too many breakdowns or flags")
	}
	return rows.Err()
}

// loadMeasures reads the measures of the units down to memLevel.
func (ix *memIndex) loadMeasures(ctx context.Context, db *sql.DB) error {
	np := len(ix.periods)
	var blocks int
	for l := models.LevelNation; l <= ix.memLevel && l <= fullLevel; l++ {
		for _, d := range ix.byLevel[l] {
			ix.mdiv[ix.divs[d]] = int32(blocks)
			blocks++
		}
	}
	ix.mhave = make([]bool, blocks*np)
	ix.mcols = make([][]float64, len(models.Measures))
	for i := range ix.mcols {
		ix.mcols[i] = make([]float64, blocks*np)
	}
	ix.bytes += int64(blocks*np) * int64(1+8*len(models.Measures))
	return scanMeasures(ctx, db, func(div, per string, vals []sql.NullFloat64) {
		b, okb := ix.mdiv[div]
		p, okp := ix.perID[per]
		if !okb || !okp {
			return
		}
		slot := int(b)*np + int(p)
		ix.mhave[slot] = true
		for i, v := range vals {
			ix.mcols[i][slot] = v.Float64
		}
	}, `version = ? AND level <= ?`, ix.version, int(min(ix.memLevel, fullLevel)))
}

// scanMeasures calls fn with the division, period and measures of each
// row of cube.measures matching where.
func scanMeasures(ctx context.Context, db *sql.DB, fn func(div, period string, vals []sql.NullFloat64), where string, args ...any) error {
	rows, err := db.QueryContext(ctx, `SELECT `+cube.MeasureSelect()+` FROM cube.measures WHERE `+where, args...)
	if err != nil {
		return fmt.Errorf("measures: %w", err)
	}
	defer rows.Close()
	var div, pt, per string
	var level int
	vals := make([]sql.NullFloat64, len(models.Measures))
	dest := []any{&div, &level, &pt, &per}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("measures: %w", err)
		}
		fn(div, per, vals)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("measures: %w", err)
	}
	return nil
}

// loadMonthly reads the monthly measures of the units below the county
// down to memLevel into compact columns.
func (ix *memIndex) loadMonthly(ctx context.Context, db *sql.DB) error {
	r, ok := ix.ptRange[cube.PeriodMonth]
	if !ok || ix.memLevel <= fullLevel {
		return nil
	}
	for p := r[0]; p < r[1]; p++ {
		ix.monthOf[p] = int32(len(ix.months))
		ix.months = append(ix.months, p)
	}
	nm := len(ix.months)
	var blocks int
	for l := fullLevel + 1; l <= ix.memLevel && l <= models.LevelVillage; l++ {
		for _, d := range ix.byLevel[l] {
			ix.sdiv[ix.divs[d]] = int32(blocks)
			blocks++
		}
	}
	ix.shave = make([]bool, blocks*nm)
	cols := make([][]float64, len(models.Measures))
	for i := range cols {
		cols[i] = make([]float64, blocks*nm)
	}
	err := scanMeasures(ctx, db, func(div, per string, vals []sql.NullFloat64) {
		b, okb := ix.sdiv[div]
		p, okp := ix.perID[per]
		if !okb || !okp {
			return
		}
		slot := int(b)*nm + int(ix.monthOf[p])
		ix.shave[slot] = true
		for i, v := range vals {
			cols[i][slot] = v.Float64
		}
	}, `version = ? AND level > ? AND level <= ? AND ptype = 'month'`, ix.version, int(fullLevel), int(ix.memLevel))
	if err != nil {
		return fmt.Errorf("monthly %w", err)
	}
	ix.scols = make([]memColumn, len(cols))
	ix.bytes += int64(len(ix.shave))
	for i, c := range cols {
		var n int64
		ix.scols[i], n = compact(c)
		cols[i] = nil
		ix.bytes += n
	}
	return nil
}

// monthSpan returns the months (indexes in ix.months) of a period: one
// month, the three of a quarter, the twelve of a year or of a rolling
// year.
func (ix *memIndex) monthSpan(p int32) (first, n int, ok bool) {
	pt, label := ix.ptypes[p], ix.periods[p]
	var last string
	switch pt {
	case cube.PeriodMonth:
		last, n = label, 1
	case cube.PeriodQuarter:
		var q int
		fmt.Sscanf(label[6:], "%d", &q)
		last, n = fmt.Sprintf("%s-%02d", label[:4], 3*q), 3
	case cube.PeriodYear:
		last, n = label+"-12", 12
	case cube.PeriodR12:
		last, n = strings.TrimPrefix(label, "R12-"), 12
	default:
		return 0, 0, false
	}
	lp, okl := ix.perID[last]
	if !okl {
		return 0, 0, false
	}
	li, okm := ix.monthOf[lp]
	if !okm || int(li)+1 < n {
		return 0, 0, false
	}
	return int(li) + 1 - n, n, true
}

// loadAges reads the population by sex and age and the births and female
// person-years by age 15–49 of every unit and period of the age table.
func (ix *memIndex) loadAges(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT division, period, sex, age, pop, py, births FROM cube.age
		WHERE version = ?`, ix.version)
	if err != nil {
		return fmt.Errorf("ages: %w", err)
	}
	defer rows.Close()
	var div, per string
	var sex, age int
	var pop, py, births float64
	for rows.Next() {
		if err := rows.Scan(&div, &per, &sex, &age, &pop, &py, &births); err != nil {
			return fmt.Errorf("ages: %w", err)
		}
		d, okd := ix.divID[div]
		p, okp := ix.perID[per]
		if !okd || !okp || sex < 0 || sex > 2 || age < 0 || age > cube.MaxAge {
			continue
		}
		k := [2]int32{d, p}
		a := ix.ages[k]
		if a == nil {
			a = &memAge{}
			ix.ages[k] = a
		}
		a.pop[sex][age] += pop
		if sex == 2 && age >= 15 && age <= 49 {
			a.births[age] += births
			a.pyF[age] += py
		}
	}
	ix.bytes += int64(len(ix.ages)) * (int64(3*(cube.MaxAge+1)+100)*8 + 64)
	return rows.Err()
}

// valueRows returns the rows of indicator ind for division div whose
// periods are in [lo, hi), and whether the index holds the indicator.
func (ix *memIndex) valueRows(ind, div string, lo, hi int32) ([]memValue, bool) {
	mv := ix.values[ind]
	if mv == nil {
		return nil, false
	}
	d, ok := ix.divID[div]
	if !ok {
		return nil, true
	}
	rows := mv.rows[mv.start[d]:mv.start[d+1]]
	i := sort.Search(len(rows), func(i int) bool { return int32(rows[i].period) >= lo })
	j := i + sort.Search(len(rows)-i, func(k int) bool { return int32(rows[i+k].period) >= hi })
	return rows[i:j], true
}

// value converts a row to a cube.Value.
func (ix *memIndex) value(ind, div string, mv memValue) cube.Value {
	l, _ := models.LevelOfCode(div)
	return cube.Value{Version: ix.version, Indicator: ind, Division: div, Level: l, PeriodType: ix.ptypes[mv.period],
		Period: ix.periods[mv.period], Breakdown: ix.brks[mv.breakdown], Value: mv.v[0], Lower: mv.v[1], Upper: mv.v[2],
		Numerator: mv.v[3], Denominator: mv.v[4], Flag: ix.flags[mv.flag]}
}

// periodRange returns the period ids of one period, or of every period of
// ptype when period is "".
func (ix *memIndex) periodRange(ptype, period string) (lo, hi int32, ok bool) {
	if period == "" {
		r, ok := ix.ptRange[ptype]
		return r[0], r[1], ok
	}
	p, ok := ix.perID[period]
	if !ok || ix.ptypes[p] != ptype {
		return 0, 0, false
	}
	return p, p + 1, true
}

// stored returns the materialised values of ind for the divisions, in the
// periods of ptype (one period, or all when period is ""); ok is false
// when the index does not hold the indicator.
func (ix *memIndex) stored(ind string, divs []string, ptype, period string) (out []cube.Value, ok bool) {
	if ix.values[ind] == nil {
		return nil, false
	}
	lo, hi, okp := ix.periodRange(ptype, period)
	if !okp {
		return nil, true
	}
	for _, div := range divs {
		rows, _ := ix.valueRows(ind, div, lo, hi)
		for _, mv := range rows {
			out = append(out, ix.value(ind, div, mv))
		}
	}
	return out, true
}

// counts returns the measures of a unit and period held in memory (in
// buf when it has room); ok is false when the unit's measures are not in
// memory.
func (ix *memIndex) counts(div, period string, buf cube.Counts) (c cube.Counts, present, ok bool) {
	if cap(buf) >= len(models.Measures) {
		c = buf[:len(models.Measures)]
	} else {
		c = make(cube.Counts, len(models.Measures))
	}
	p, okp := ix.perID[period]
	if b, okb := ix.mdiv[div]; okb {
		if !okp {
			return nil, false, true
		}
		slot := int(b)*len(ix.periods) + int(p)
		if !ix.mhave[slot] {
			return nil, false, true
		}
		for i, col := range ix.mcols {
			c[i] = col[slot]
		}
		return c, true, true
	}
	b, okb := ix.sdiv[div]
	if !okb {
		return nil, false, ix.inMemory(div)
	}
	if !okp {
		return nil, false, true
	}
	first, n, okm := ix.monthSpan(p)
	if !okm {
		return nil, false, true
	}
	base := int(b) * len(ix.months)
	for m := first; m < first+n; m++ {
		if !ix.shave[base+m] {
			return nil, false, true
		}
	}
	last := base + first + n - 1
	for i, m := range models.Measures {
		col := &ix.scols[i]
		if cube.IsStock(m.ID) {
			c[i] = col.at(last)
			continue
		}
		var sum float64
		for s := base + first; s <= last; s++ {
			sum += col.at(s)
		}
		c[i] = sum
	}
	return c, true, true
}

// inMemory reports whether the measures of div's level are in memory.
func (ix *memIndex) inMemory(div string) bool {
	l, err := models.LevelOfCode(div)
	return err == nil && l <= ix.memLevel
}

// derived derives ind from the in-memory measures of the divisions in the
// periods of ptype (one period, or all when period is ""); ok is false
// when some division's measures are not in memory.
func (ix *memIndex) derived(ind models.Indicator, divs []string, ptype, period string) (out []cube.Value, ok bool, err error) {
	lo, hi, okp := ix.periodRange(ptype, period)
	for _, div := range divs {
		if !ix.inMemory(div) {
			return nil, false, nil
		}
	}
	if !okp {
		return nil, true, nil
	}
	buf := make(cube.Counts, len(models.Measures))
	for _, div := range divs {
		l, _ := models.LevelOfCode(div)
		for p := lo; p < hi; p++ {
			c, present, _ := ix.counts(div, ix.periods[p], buf)
			if !present {
				continue
			}
			v, err := cube.Derive(ind, c)
			if err != nil {
				return nil, true, err
			}
			v.Version, v.Division, v.Level, v.PeriodType, v.Period = ix.version, div, l, ix.ptypes[p], ix.periods[p]
			out = append(out, v)
		}
	}
	return out, true, nil
}

// within returns the divisions of level whose code starts with prefix, in
// code order.
func (ix *memIndex) within(level models.Level, prefix string) []string {
	if level < models.LevelProvince || level > models.LevelVillage {
		return nil
	}
	ids := ix.byLevel[level]
	i := sort.Search(len(ids), func(i int) bool { return ix.divs[ids[i]] >= prefix })
	var out []string
	for ; i < len(ids) && strings.HasPrefix(ix.divs[ids[i]], prefix); i++ {
		out = append(out, ix.divs[ids[i]])
	}
	return out
}

// age returns the age detail of a unit and period.
func (ix *memIndex) age(div, period string) *memAge {
	d, okd := ix.divID[div]
	p, okp := ix.perID[period]
	if !okd || !okp {
		return nil
	}
	return ix.ages[[2]int32{d, p}]
}
