package datasets

import (
	"testing"

	"github.com/padis/padis/models"
)

func TestSyntheticScale(t *testing.T) {
	for _, tt := range []struct {
		name  string
		scope models.Scope
		gen   *models.GenInfo
		want  float64
	}{
		{"real data", models.Scope{Province: "51"}, nil, 0},
		{"Sichuan default sample", models.Scope{Province: "51"}, &models.GenInfo{Persons: 300000}, 280},
		{"Sichuan small sample", models.Scope{Province: "51"}, &models.GenInfo{Persons: 50000}, 1700},
		{"nation", models.Scope{Name: "nation"}, &models.GenInfo{Persons: 1_000_000}, 1400},
		{"no persons", models.Scope{Province: "51"}, &models.GenInfo{}, 0},
	} {
		if got := SyntheticScale(tt.scope, tt.gen); got != tt.want {
			t.Errorf("%s: scale %v, want %v", tt.name, got, tt.want)
		}
	}
}
