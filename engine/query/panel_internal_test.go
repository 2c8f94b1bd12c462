package query

import (
	"math"
	"testing"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

// TestPanelZeroEvents checks the panel estimate of a domain without a
// single event: the upper bound is positive for every kind (TFR was
// 0–0). Two counties of weights 2 and 3, each with 500 person-years and
// 10 woman-years at every age 15–49, no event; by hand, with g0 =
// −ln 0.025 = 3.6888795 the exact Poisson limit of 0 events and the
// largest weight 3:
//   - count: g0 · 3 = 11.066638;
//   - CDR: g0 · 3 / (2·500 + 3·500) × 1000 = 4.4266553 ‰;
//   - TFR: the gamma limit of zero births, weights 3/Pₓ with
//     Pₓ = 2·10 + 3·10 = 50 at each age: g0 · 3/50 = 0.22133277.
func TestPanelZeroEvents(t *testing.T) {
	const g0 = 3.6888794541139363
	cat := models.DefaultCatalog()
	units := make([]panelUnit, 2)
	for i, w := range []float64{2, 3} {
		u := panelUnit{county: datasets.MonitoringCounty{Code: "51010" + string(rune('4'+i)), Province: "51", Stratum: "51-rural", Weight: w},
			x: 500, present: true}
		for x := 15; x <= 49; x++ {
			u.px[x] = 10
		}
		units[i] = u
	}
	for _, c := range []struct {
		id string
		hi float64
	}{{"deaths", g0 * 3}, {"cdr", g0 * 3 / 2500 * 1000}, {"tfr", g0 * 3 / 50}} {
		ind, _ := cat.Get(c.id)
		in := append([]panelUnit(nil), units...)
		if ind.Kind == models.KindCount {
			for i := range in {
				in[i].x = 1
			}
		}
		est := estimate(ind, in)
		if est.Estimate != 0 || est.Lower != 0 || math.Abs(est.Upper-c.hi) > 1e-6*c.hi {
			t.Errorf("%s with no event: %v [%v, %v], want 0 [0, %v]", c.id, est.Estimate, est.Lower, est.Upper, c.hi)
		}
	}
}
