package alerts

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/models"
)

// Grouping (docs/alerts.md, "Grouped alerts"): when one rule fires for
// the same period at groupMin or more children of a unit, one grouped
// alert is raised at the unit, listing the children; the children's
// alerts are linked to it (GroupID) and take the status grouped instead
// of new. Two alerts are read as quickly as one that lists them, so
// fewer are not grouped, whatever their share of the children.
const groupMin = 3

// groupKey identifies the alerts grouped together.
type groupKey struct{ rule, parent, period string }

// group adds the grouped alerts to cands and links their children.
func (ev *evaluation) group(cands []Alert, rules map[string]*Rule) []Alert {
	byKey := map[groupKey][]int{}
	for i, a := range cands {
		if a.Level <= models.LevelProvince {
			continue
		}
		k := groupKey{a.Rule, models.AncestorCode(a.Division, a.Level-1), a.Period}
		byKey[k] = append(byKey[k], i)
	}
	keys := make([]groupKey, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.rule != b.rule {
			return a.rule < b.rule
		}
		if a.parent != b.parent {
			return a.parent < b.parent
		}
		return a.period < b.period
	})
	for _, k := range keys {
		idx := byKey[k]
		total := math.NaN()
		if ch, err := ev.tree.Children(k.parent); err == nil && len(ch) > 0 {
			total = float64(len(ch))
		}
		n := len(idx)
		if n < groupMin || !ev.evaluated(k.parent) {
			continue
		}
		g := ev.groupAlert(rules[k.rule], k, cands, idx, total)
		for _, i := range idx {
			cands[i].GroupID = g.ID
		}
		cands = append(cands, g)
	}
	return cands
}

// groupAlert builds the grouped alert of the children cands[idx] of
// k.parent (total children in the division tree, NaN when unknown).
func (ev *evaluation) groupAlert(r *Rule, k groupKey, cands []Alert, idx []int, total float64) Alert {
	first := cands[idx[0]]
	g := ev.newAlert(r, k.parent, first.Level-1, first.PeriodType, k.period)
	g.ID = AlertID(r.ID+"#group", k.parent, k.period)
	children := make([]Alert, len(idx))
	for j, i := range idx {
		children[j] = cands[i]
	}
	// Most severe first, then by unit.
	sort.Slice(children, func(i, j int) bool {
		if ri, rj := colourRank(children[i].Colour), colourRank(children[j].Colour); ri != rj {
			return ri > rj
		}
		return children[i].Division < children[j].Division
	})
	g.Colour, g.Condition = children[0].Colour, children[0].Condition
	g.Value, g.Numerator, g.Denominator = float64(len(children)), float64(len(children)), total
	parentName := ev.unitName(k.parent)
	var names []string
	for _, c := range children {
		n := strings.TrimPrefix(c.UnitName, parentName)
		if n == "" {
			n = c.UnitName
		}
		names = append(names, fmt.Sprintf("%s(%s)", n, c.Colour))
	}
	iz, ie := ev.indicatorNames(r)
	pz, pe := periodText(g.PeriodType, g.Period)
	if g.PeriodType == "projection" {
		pz, pe = g.Period, g.Period
	}
	of := ""
	ofEN := ""
	if !math.IsNaN(total) {
		of = fmt.Sprintf("（共%d个）", int(total))
		ofEN = fmt.Sprintf(" of the %d", int(total))
	}
	listZH := strings.NewReplacer("(red)", "（红色）", "(orange)", "（橙色）", "(yellow)", "（黄色）", "(blue)", "（蓝色）").Replace(strings.Join(names, "、"))
	g.ExplanationZH = fmt.Sprintf("%s%s%s：%d个下级单位%s触发预警，最高%s预警：%s", parentName, pz, iz, len(children), of, colourZH[g.Colour], listZH)
	g.ExplanationEN = fmt.Sprintf("%s, %s, %s: %d%s units below it raised alerts, the most severe %s: %s",
		parentName, pe, ie, len(children), ofEN, g.Colour, strings.Join(names, ", "))
	return g
}

// indicatorNames returns the names of a rule's indicator: the catalog's,
// the measure's, the projected quantity's, or the id.
func (ev *evaluation) indicatorNames(r *Rule) (zh, en string) {
	if ind, ok := ev.catalog.Get(r.Indicator); ok && ind.ZH != "" {
		return ind.ZH, ind.EN
	}
	if m, ok := measureNames[r.Indicator]; ok {
		return m.ZH, m.EN
	}
	if n, ok := projectedNames[r.Indicator]; ok {
		return n[0], n[1]
	}
	return r.Indicator, r.Indicator
}

// Current periods (docs/alerts.md, "Superseded periods"): the alerts of
// a rule about periods older than these are superseded. currentMonths is
// the number of latest months judged that are current for monthly rules.
const currentMonths = 3

// setCurrent records, per rule, the first current period: for threshold
// rules the version's latest period of the rule's type (the latest
// currentMonths months for monthly rules), for aberration rules the
// latest currentMonths months judged (months is the series' months);
// projection rules are always current.
func (ev *evaluation) setCurrent(ctx context.Context, rules []Rule, months []string) error {
	latest := map[string]string{}
	rows, err := ev.db.QueryContext(ctx, `SELECT ptype, max(period) FROM cube.measures WHERE version = ? GROUP BY ptype`, ev.version)
	if err != nil {
		return fmt.Errorf("latest periods: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pt, p string
		if err := rows.Scan(&pt, &p); err != nil {
			return fmt.Errorf("latest periods: %w", err)
		}
		latest[pt] = p
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("latest periods: %w", err)
	}
	ev.currentFrom = map[string]string{}
	for i := range rules {
		r := &rules[i]
		switch r.Kind {
		case KindThreshold:
			if p, ok := latest[r.PeriodType]; ok {
				if r.PeriodType == cube.PeriodMonth {
					p = addMonths(p, 1-currentMonths)
				}
				ev.currentFrom[r.ID] = p
			}
		case KindAberration:
			if last := len(months) - 1 - r.skipRecent(); last >= 0 {
				ev.currentFrom[r.ID] = months[max(0, last-currentMonths+1)]
			}
		}
	}
	return nil
}

// isCurrent reports whether alert a is about a current period of its
// rule (see setCurrent); true when the rule has no current periods
// recorded.
func (ev *evaluation) isCurrent(a Alert) bool {
	from, ok := ev.currentFrom[a.Rule]
	return !ok || a.Period >= from
}

// addMonths adds n months to a YYYY-MM label (the label itself when it
// is not one).
func addMonths(label string, n int) string {
	var y, m int
	if _, err := fmt.Sscanf(label, "%d-%d", &y, &m); err != nil || len(label) != 7 {
		return label
	}
	k := y*12 + m - 1 + n
	return fmt.Sprintf("%04d-%02d", k/12, k%12+1)
}
