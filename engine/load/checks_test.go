package load

import (
	"slices"
	"testing"
)

// TestRefsOrder: the reference checks run target by target, so refs must
// list the references of one target together, in the order of targets;
// otherwise a row with two unknown references would be quarantined for the
// second.
func TestRefsOrder(t *testing.T) {
	last := 0
	for _, r := range refs {
		i := slices.Index(targets, r.target)
		if i < 0 {
			t.Fatalf("ref %s.%s: target %s is not in targets", r.table, r.col, r.target)
		}
		if i < last {
			t.Errorf("ref %s.%s to %s comes after a reference to %s", r.table, r.col, r.target, targets[last])
		}
		last = i
	}
}
