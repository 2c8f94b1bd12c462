package cube_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
)

// TestAttributesOverTime checks married women 15–49 and contraceptors by
// month against testdata/attrs, where marital status and contraception
// change during 2024 (all in village v1, all women):
//
//	A1 (34) married 10 May, starts contraception 3 Jul (snapshot: married, method 03)
//	B1 (38) divorced 20 Aug (snapshot: divorced)
//	C1 (44) married with method 03, no event
//	D1 (32) married, stops contraception 15 Mar (snapshot: 00)
//	E1 (28) married 1 Feb, divorced 31 Oct (snapshot: divorced)
//	F1 (54) married with method 03: outside 15–49
//
// Married at the end of the month: B1 Jan–Jul, C1 and D1 all year, A1
// May–Dec, E1 Feb–Sep (the divorce on the last day of October counts in
// October). Contraceptors (married and using): C1 all year, D1 Jan–Feb,
// A1 Jul–Dec.
func TestAttributesOverTime(t *testing.T) {
	st := cubetest.OpenStore(t)
	v := cubetest.Load(t, st, "testdata/attrs")
	if _, err := cube.Build(context.Background(), st, v.ID, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	married := []float64{3, 4, 4, 4, 5, 5, 5, 4, 4, 3, 3, 3}
	contra := []float64{2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2}
	for m := 1; m <= 12; m++ {
		p := fmt.Sprintf("2024-%02d", m)
		for _, div := range []string{v1, "51"} {
			if got := measure(t, st, v.ID, div, p, "married_women_15_49"); got != married[m-1] {
				t.Errorf("married women 15–49 in %s %s = %v, want %v", div, p, got, married[m-1])
			}
			if got := measure(t, st, v.ID, div, p, "contraceptors"); got != contra[m-1] {
				t.Errorf("contraceptors in %s %s = %v, want %v", div, p, got, contra[m-1])
			}
		}
	}
	// Stocks of a quarter and a year are those of its last month.
	for _, c := range []struct {
		period          string
		married, contra float64
	}{{"2024-Q1", 4, 1}, {"2024-Q2", 5, 1}, {"2024-Q3", 4, 2}, {"2024", 3, 2}} {
		if got := measure(t, st, v.ID, v1, c.period, "married_women_15_49"); got != c.married {
			t.Errorf("married women 15–49 in %s = %v, want %v", c.period, got, c.married)
		}
		if got := measure(t, st, v.ID, v1, c.period, "contraceptors"); got != c.contra {
			t.Errorf("contraceptors in %s = %v, want %v", c.period, got, c.contra)
		}
	}
	// CPR = contraceptors / married women 15–49 × 100.
	var cpr float64
	if err := st.DB().QueryRow(`SELECT value FROM cube.values WHERE version = ? AND indicator = 'cpr' AND division = '51' AND period = '2024-Q2'`, v.ID).Scan(&cpr); err != nil {
		t.Fatal(err)
	}
	if cpr != 100.0/5 {
		t.Errorf("CPR 2024-Q2 = %v, want 20", cpr)
	}
}
