package dashboards

import (
	"testing"

	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// TestScenarioLabels checks that every built-in scenario of the registry
// has a zh and an en label in the translation catalog, distinct from its
// key, and that the page lists the registry in its order.
func TestScenarioLabels(t *testing.T) {
	reg := projections.BuiltinScenarios()
	page := builtinScenarios(models.EN)
	if len(page) != len(reg) {
		t.Fatalf("page offers %d scenarios, registry has %d", len(page), len(reg))
	}
	for i, sc := range reg {
		m, ok := messages[sc.LabelKey]
		if !ok || m[0] == "" || m[1] == "" {
			t.Errorf("%s: no zh and en label under %q", sc.Name, sc.LabelKey)
		}
		if page[i].Name != sc.Name || page[i].Label != m[1] {
			t.Errorf("page scenario %d: %s %q, want %s %q", i, page[i].Name, page[i].Label, sc.Name, m[1])
		}
	}
}
