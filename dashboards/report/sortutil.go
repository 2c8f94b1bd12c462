package report

import "sort"

// sortStable sorts s stably by less.
func sortStable[T any](s []T, less func(a, b T) bool) {
	sort.SliceStable(s, func(i, j int) bool { return less(s[i], s[j]) })
}

// sortedFigureKeys returns the keys of m in order.
func sortedFigureKeys(m map[string]Figure) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
