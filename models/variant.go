package models

import "strings"

// LeadVariant returns the variant of the indicator id that pages, API
// summaries and reports lead with: the catalog's adjusted variant of it
// (VariantAdjusted: corrected for under-registration), else its
// small-area estimate (VariantSAE); ok is false when the catalog has
// neither or id is itself a variant. It reads the catalog alone, so a
// variant added to the catalog is led with without code of its own.
func (c *Catalog) LeadVariant(id string) (v Indicator, ok bool) {
	if ind, found := c.Get(id); !found || ind.Base != "" {
		return v, false
	}
	for _, kind := range []string{VariantAdjusted, VariantSAE} {
		for _, cid := range c.order {
			if ind := c.byID[cid]; ind.Base == id && ind.Variant == kind {
				return ind, true
			}
		}
	}
	return v, false
}

// CompletenessOf returns the id of the registration-completeness
// indicator behind an adjusted variant of ind — birth_reg_completeness
// for an indicator of births, death_reg_completeness for one of deaths —
// or "" when the catalog has none.
func (c *Catalog) CompletenessOf(ind Indicator) string {
	id := ""
	switch {
	case ind.Method == "tfr" || ind.Method == "asfr" || ind.Method == "mac" || strings.HasPrefix(ind.Numerator, "births"):
		id = "birth_reg_completeness"
	case ind.Method == "e0" || ind.Numerator == "deaths" || ind.Numerator == "infant_deaths":
		id = "death_reg_completeness"
	}
	if _, ok := c.Get(id); !ok {
		return ""
	}
	return id
}
