package query

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/dse"
	"github.com/padis/padis/models"
)

// Lineage says where a value came from: the snapshot version, the cube
// build, the indicator's formula and the counts it was computed from.
type Lineage struct {
	Value     cube.Value         `json:"value"`
	Indicator models.Indicator   `json:"indicator"`
	Snapshot  SnapshotRef        `json:"snapshot"`
	Cube      Run                `json:"cube"`
	Counts    map[string]float64 `json:"counts"` // the measures the formula reads, for the unit and period
	// Adjustment explains a value adjusted for under-registration
	// (engine/dse): the completeness each sex and age group was scaled by.
	Adjustment *dse.Explanation `json:"adjustment,omitempty"`
	// DuplicatesRemoved is the number of duplicate cards (重卡) left out of
	// the counts (measure duplicate_cards_removed of the unit and period:
	// exact duplicates and confirmed probable ones, resident at the end
	// of the period), present when the formula reads a measure of persons
	// (population, person-years, deaths…); Note and NoteZH say it in words.
	DuplicatesRemoved *float64 `json:"duplicates_removed,omitempty"`
	Note              string   `json:"note,omitempty"`
	NoteZH            string   `json:"note_zh,omitempty"`
}

// noteDuplicates sets the duplicate cards of l from the unit's counts c
// when the formula of l reads a measure of persons.
func (l *Lineage) noteDuplicates(c cube.Counts) {
	var persons []string
	for _, id := range formulaMeasures(l.Indicator) {
		if cube.CountsPersons(id) {
			persons = append(persons, id)
		}
	}
	n := c.Get(cube.DuplicatesMeasure)
	if len(persons) == 0 || math.IsNaN(n) {
		return
	}
	l.DuplicatesRemoved = &n
	verb, last := "excludes", len(persons)-1
	if last > 0 {
		verb, persons = "exclude", append(persons[:last-1], persons[last-1]+" and "+persons[last])
	}
	l.Note = fmt.Sprintf("%s %s %g duplicate cards (counted on another card)", strings.Join(persons, ", "), verb, n)
	l.NoteZH = fmt.Sprintf("%s已剔除重卡%g张（已按另一卡片计数）", strings.Join(persons, "、"), n)
}

// SnapshotRef identifies the snapshot version behind a value.
type SnapshotRef struct {
	Version     int64  `json:"version"`
	Scope       string `json:"scope"`
	AsOf        string `json:"as_of"`
	Producer    string `json:"producer"`
	Fingerprint string `json:"fingerprint"`
	SourceDir   string `json:"source_dir"`
}

// Lineage returns the lineage of the total value of k.
func (e *Engine) Lineage(ctx context.Context, k Key) (*Lineage, error) {
	v, err := e.Value(ctx, k)
	if err != nil {
		return nil, err
	}
	r, err := e.resolve(k, true)
	if err != nil {
		return nil, err
	}
	l := &Lineage{Value: v, Indicator: r.ind, Cube: *r.run, Counts: map[string]float64{}}
	measures := formulaMeasures(r.ind)
	if base, ok := e.cat.Get(r.ind.Base); ok && r.ind.Variant == models.VariantAdjusted {
		measures = formulaMeasures(base) // the registered counts the adjusted value scales
		if l.Adjustment, err = dse.Explain(ctx, e.db, r.run.Version, r.ind.ID, base.ID, r.division, r.ptype, r.period); err != nil {
			return nil, fmt.Errorf("lineage: %w", err)
		}
	}
	if ix := r.run.ix; ix != nil {
		l.Snapshot = ix.snapshot
		if c, present, ok := ix.counts(r.division, r.period, nil); ok {
			if present {
				for _, id := range measures {
					l.Counts[id] = c.Get(id)
				}
				l.noteDuplicates(c)
			}
			return l, nil
		}
	} else {
		sv, err := e.st.Version(ctx, r.run.Version)
		if err != nil {
			return nil, fmt.Errorf("lineage: %w", err)
		}
		l.Snapshot = SnapshotRef{sv.ID, sv.Scope, sv.AsOf.Format("2006-01-02"), sv.Producer, sv.Fingerprint, sv.SourceDir}
	}
	rows, err := e.measureStmt.QueryContext(ctx, r.run.Version, r.division, r.ptype, r.period)
	if err != nil {
		return nil, fmt.Errorf("lineage: %w", err)
	}
	mrows, err := cube.ScanMeasureRows(rows)
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("lineage: %w", err)
	}
	if len(mrows) == 1 {
		for _, id := range measures {
			l.Counts[id] = mrows[0].Counts.Get(id)
		}
		l.noteDuplicates(mrows[0].Counts)
	}
	return l, nil
}

// formulaMeasures lists the measures an indicator's formula reads.
func formulaMeasures(ind models.Indicator) []string {
	switch ind.Kind {
	case models.KindCount:
		return []string{ind.Numerator}
	case models.KindMethod:
		switch ind.Method {
		case "rni":
			return []string{"births", "deaths", "person_years"}
		case "dependency_total":
			return []string{"pop_0_14", "pop_65plus", "pop_15_64"}
		case "asfr", "tfr", "mac":
			return []string{"births", "person_years_female_15_49"}
		case "e0":
			return []string{"deaths", "person_years"}
		case "median_age":
			return []string{"population"}
		}
		return nil
	}
	return []string{ind.Numerator, ind.Denominator}
}
