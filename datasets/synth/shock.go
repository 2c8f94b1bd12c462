package synth

import (
	"fmt"
	"time"
)

// Shock is an injected departure from a county's rates for some months,
// for testing early-warning detectors: births thinned by a factor (e.g.
// 0.7 for −30 %) and/or a different sex ratio at birth. Shocks are off by
// default; they are recorded in truth.json.
type Shock struct {
	County string `json:"county"` // 6-digit county code in the scope
	From   string `json:"from"`   // first month, YYYY-MM
	Months int    `json:"months"` // number of months
	// Births multiplies the birth rate (each birth is kept with this
	// probability); 0 leaves births unchanged.
	Births float64 `json:"births_factor,omitempty"`
	// SRB is the sex ratio at birth (males per 100 females) during the
	// shock; 0 leaves it unchanged.
	SRB float64 `json:"srb,omitempty"`

	first int // month index year·12 + month − 1 of From
}

// check validates a shock and parses its first month.
func (k *Shock) check() error {
	t, err := time.Parse("2006-01", k.From)
	if err != nil {
		return fmt.Errorf("shock in county %s: from %q: want YYYY-MM", k.County, k.From)
	}
	k.first = t.Year()*12 + int(t.Month()) - 1
	switch {
	case len(k.County) != 6:
		return fmt.Errorf("shock: county %q: want a 6-digit code", k.County)
	case k.Months < 1:
		return fmt.Errorf("shock in county %s: months %d, want at least 1", k.County, k.Months)
	case k.Births < 0 || k.Births > 1 || k.Births != k.Births:
		return fmt.Errorf("shock in county %s: births factor %g, want 0 < factor ≤ 1 (0: unchanged)", k.County, k.Births)
	case k.SRB < 0 || k.SRB > 1000 || k.SRB != k.SRB:
		return fmt.Errorf("shock in county %s: srb %g, want 0 < srb ≤ 1000 (0: unchanged)", k.County, k.SRB)
	case k.Births == 0 && k.SRB == 0:
		return fmt.Errorf("shock in county %s: neither births factor nor srb set", k.County)
	}
	return nil
}

// shockAt returns the shock of county code in month mi of the simulation,
// or nil.
func (s *sim) shockAt(code string, mi int) *Shock {
	if len(s.w.cfg.Shocks) == 0 {
		return nil
	}
	m := s.w.months[mi]
	idx := m.year*12 + m.month - 1
	for i := range s.w.cfg.Shocks {
		k := &s.w.cfg.Shocks[i]
		if k.County == code && idx >= k.first && idx < k.first+k.Months {
			return k
		}
	}
	return nil
}
