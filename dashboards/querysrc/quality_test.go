package querysrc

import (
	"context"
	"testing"
)

// TestQualityReadsStoredIndicators writes known data-quality values for
// 510104 into the tiny fixture's cube (as engine/quality stores them) and
// reads them back through Quality: 510105 has none.
func TestQualityReadsStoredIndicators(t *testing.T) {
	st, v := tinyStore(t)
	ctx := context.Background()
	rows := []struct {
		ind             string
		value, num, den float64
	}{
		{"quality_completeness", 96, 48, 50},
		{"quality_id_validity", 80, 4, 5},
		{"quality_code_validity", 100, 5, 5},
		{"quality_consistency", 90, 9, 10},
		{"quality_duplicates", 200, 1, 5},
		{"quality_score", 87.5, 875, 1000},
	}
	for _, r := range rows {
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO cube.values VALUES (?, ?, '510104', 3, 'month', '2024-12', '', ?, NULL, NULL, ?, ?, '')`,
			v.ID, r.ind, r.value, r.num, r.den); err != nil {
			t.Fatal(err)
		}
	}
	s := tinyEngine(t, st)
	qs, err := s.Quality(ctx, []string{"510104", "510105"}, "2024-12")
	if err != nil {
		t.Fatal(err)
	}
	q := qs[0]
	if q.Unit != "510104" || q.Records != 5 || q.Completeness == nil || *q.Completeness != 96 || *q.Validity != 80 || *q.CodeValidity != 100 ||
		*q.Consistency != 90 || *q.Duplicates != 200 || q.Score == nil || *q.Score != 87.5 || q.Lineage.Version != v.ID {
		t.Errorf("510104: %+v", q)
	}
	if o := qs[1]; o.Unit != "510105" || o.Score != nil || o.Completeness != nil || o.Records != 0 {
		t.Errorf("510105 has no stored quality values, got %+v", o)
	}
}
