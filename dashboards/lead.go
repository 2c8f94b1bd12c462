package dashboards

import (
	"strings"

	"github.com/padis/padis/models"
)

// leadVariant returns the variant of ind pages and summaries lead with:
// the catalog's adjusted variant of it (models.VariantAdjusted, corrected
// for under-registration), else its small-area estimate (VariantSAE);
// ok is false when the catalog has neither. It reads the catalog alone,
// so a variant added to it is shown without code of its own.
func leadVariant(cat *models.Catalog, ind models.Indicator) (v models.Indicator, ok bool) {
	if ind.Base != "" {
		return v, false
	}
	for _, kind := range []string{models.VariantAdjusted, models.VariantSAE} {
		for _, c := range cat.All() {
			if c.Base == ind.ID && c.Variant == kind {
				return c, true
			}
		}
	}
	return v, false
}

// completenessOf returns the catalog id of the registration completeness
// behind an adjusted variant of ind (births or deaths, by what ind
// counts), or "" when the catalog has none.
func completenessOf(cat *models.Catalog, ind models.Indicator) string {
	id := ""
	switch {
	case ind.Method == "tfr" || ind.Method == "asfr" || ind.Method == "mac" || strings.HasPrefix(ind.Numerator, "births"):
		id = "birth_reg_completeness"
	case ind.Method == "e0" || ind.Numerator == "deaths" || ind.Numerator == "infant_deaths":
		id = "death_reg_completeness"
	}
	if _, ok := cat.Get(id); !ok {
		return ""
	}
	return id
}

// leadValues returns ind for units in p led by its variant (leadVariant)
// where the variant has a value: each unit's value of the variant, or of
// ind where the variant has none (SAE values exist only at some levels),
// and the indicator the first value comes from.
func (r *req) leadValues(ind models.Indicator, units []string, p Period) ([]Value, models.Indicator, error) {
	vs, err := r.s.src.Values(r.ctx(), ind.ID, units, p)
	if err != nil {
		return nil, ind, err
	}
	v, ok := leadVariant(r.s.cat, ind)
	if !ok {
		return vs, ind, nil
	}
	ws, err := r.s.src.Values(r.ctx(), v.ID, units, p)
	if err != nil {
		return nil, ind, err
	}
	led := false
	for i := range vs {
		if i < len(ws) && ws[i].Value != nil {
			vs[i], led = ws[i], true
		}
	}
	if led {
		return vs, v, nil
	}
	return vs, ind, nil
}
