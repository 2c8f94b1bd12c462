package datasets

import (
	"math"

	"github.com/padis/padis/models"
)

// SyntheticScale returns how many real residents one generated person of
// a synthetic snapshot stands for: the 2020 census population of the
// snapshot's scope (its province, or the nation for a scope without one)
// over the generator's persons, rounded to two significant digits (the
// default sample of Sichuan: 83.7 million over 300,000 gives 280). It
// returns 0 when gen is nil (real data) or has no persons.
func SyntheticScale(scope models.Scope, gen *models.GenInfo) float64 {
	if gen == nil || gen.Persons <= 0 {
		return 0
	}
	pop := Census2020.Population - MilitaryPopulation
	if p, ok := Province(scope.Province); ok && scope.Province != "" {
		pop = p.Population
	}
	r := float64(pop) / float64(gen.Persons)
	if r < 1 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(r))-1)
	return math.Round(r/mag) * mag
}
