package reconcile

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestJSONUndefined checks a result with undefined rates and medians (no
// item sent, no answer) encodes, with null for them.
func TestJSONUndefined(t *testing.T) {
	s := ProvinceSummary{Province: "11", Feedback: newRate(0, 0), MedianDays: math.NaN()}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"median_days_to_feedback":null`, `"value":null`, `"province":"11"`, `"den":0`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	b, err = json.Marshal(ProvinceSummary{Feedback: newRate(3, 4), MedianDays: 12})
	if err != nil || !strings.Contains(string(b), `"value":0.75`) || !strings.Contains(string(b), `"median_days_to_feedback":12`) {
		t.Errorf("%s %v", b, err)
	}
}
