package projinput

import (
	"context"
	"fmt"
	"strings"

	"github.com/padis/padis/engine/store"
)

// LatestVersion returns the published version with the latest as-of date
// whose scope holds division: a province scope of its province, or a
// counties scope with a county inside which the division lies. Failing
// those, a counties scope with at least one county inside the division
// (the division is then only partly covered, e.g. province 51 in a
// two-county snapshot). Among equal dates the latest loaded wins.
func LatestVersion(ctx context.Context, st *store.Store, division string) (*store.Version, error) {
	if err := checkDivision(division); err != nil {
		return nil, err
	}
	vs, err := st.Versions(ctx, "")
	if err != nil {
		return nil, err
	}
	var full, part *store.Version
	newer := func(a, b *store.Version) bool {
		return b == nil || a.AsOf.After(b.AsOf) || a.AsOf.Equal(b.AsOf) && a.ID > b.ID
	}
	for _, v := range vs {
		sc := v.ScopeDef
		switch {
		case sc.Kind == "province" && sc.Province == division[:2]:
			if newer(v, full) {
				full = v
			}
		default:
			for _, c := range sc.Counties {
				if strings.HasPrefix(division, c) && newer(v, full) {
					full = v
				} else if strings.HasPrefix(c, division) && newer(v, part) {
					part = v
				}
			}
		}
	}
	switch {
	case full != nil:
		return full, nil
	case part != nil:
		return part, nil
	}
	return nil, fmt.Errorf("division %s: no loaded snapshot covers it: %w", division, store.ErrNoVersion)
}
