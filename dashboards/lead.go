package dashboards

import "github.com/padis/padis/models"

// leadValues returns ind for units in p led by its variant
// (models.Catalog.LeadVariant) where the variant has a value: each unit's
// value of the variant, or of ind where the variant has none (SAE values
// exist only at some levels), and the variant when any unit has it.
func (r *req) leadValues(ind models.Indicator, units []string, p Period) ([]Value, models.Indicator, error) {
	vs, err := r.s.src.Values(r.ctx(), ind.ID, units, p)
	if err != nil {
		return nil, ind, err
	}
	v, ok := r.s.cat.LeadVariant(ind.ID)
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
