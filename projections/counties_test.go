package projections

import (
	"fmt"
	"math"
	"testing"
)

func countyInputs(n int) []*Input {
	ins := make([]*Input, n)
	for i := range ins {
		in := testInput(1, 100)
		in.Name = fmt.Sprintf("county-%d", i)
		k := 0.5 + float64(i)/float64(n)
		for s := Male; s <= Female; s++ {
			for g := range in.Pop[s] {
				in.Pop[s][g] *= k
			}
		}
		in.ASFR = testASFR(1.2 + 0.1*float64(i%5))
		ins[i] = in
	}
	return ins
}

func TestProjectCountiesSumAndAdjust(t *testing.T) {
	ins := countyInputs(7)
	res, err := ProjectCounties(ins, nil, 20, CountyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Parallel results equal serial ones.
	for i, in := range ins {
		r, _ := Project(in, nil, 20)
		if r.Indicators[20].Total != res.Counties[i].Indicators[20].Total {
			t.Errorf("county %d: parallel %v serial %v", i, res.Counties[i].Indicators[20].Total, r.Indicators[20].Total)
		}
	}
	tot := 0.0
	births := 0.0
	for _, c := range res.Counties {
		tot += c.Indicators[20].Total
		births += c.Flows[19].Births
	}
	if !near(res.Sum.Indicators[20].Total, tot, 1e-12) || !near(res.Sum.Flows[19].Births, births, 1e-12) {
		t.Errorf("sum %v vs %v", res.Sum.Indicators[20].Total, tot)
	}
	by30 := 0.0
	for _, c := range res.Counties {
		by30 += c.Flows[19].BirthsByMotherAge[30-15]
	}
	if got := res.Sum.Flows[19].BirthsByMotherAge; len(got) != 35 || by30 <= 0 || !near(got[30-15], by30, 1e-12) {
		t.Errorf("sum of births to mothers aged 30: %v, counties add up to %v", got, by30)
	}
	// Province projected independently with a higher TFR: counties are
	// adjusted cell by cell to its total.
	prov := testInput(1, 100)
	prov.Name = "province"
	for s := Male; s <= Female; s++ {
		for g := range prov.Pop[s] {
			prov.Pop[s][g] = 0
			for _, in := range ins {
				prov.Pop[s][g] += in.Pop[s][g]
			}
		}
	}
	prov.ASFR = testASFR(1.9)
	res, err = ProjectCounties(ins, nil, 20, CountyOptions{Province: prov, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for s := Male; s <= Female; s++ {
		for tt := range res.Sum.Pop[s] {
			for g, v := range res.Sum.Pop[s][tt] {
				if !near(v, res.Province.Pop[s][tt][g], 1e-9) {
					t.Fatalf("%v year %d age %d: adjusted sum %v, province %v", s, tt, g, v, res.Province.Pop[s][tt][g])
				}
			}
		}
	}
	if !near(res.Sum.Flows[5].Births, res.Province.Flows[5].Births, 1e-9) {
		t.Errorf("adjusted births %v vs province %v", res.Sum.Flows[5].Births, res.Province.Flows[5].Births)
	}
	for _, c := range res.Counties {
		sum := 0.0
		for _, b := range c.Flows[5].BirthsByMotherAge {
			sum += b
		}
		if !near(sum, c.Flows[5].Births, 1e-9) {
			t.Errorf("%s: adjusted births by mother's age add up to %v, births %v", c.Name, sum, c.Flows[5].Births)
		}
	}
	// Shares of counties within a cell are preserved by the adjustment.
	c0, c1 := res.Counties[0], res.Counties[1]
	raw0, _ := Project(ins[0], nil, 20)
	raw1, _ := Project(ins[1], nil, 20)
	if got, want := c0.Pop[Female][10][30]/c1.Pop[Female][10][30], raw0.Pop[Female][10][30]/raw1.Pop[Female][10][30]; math.Abs(got-want) > 1e-12 {
		t.Errorf("share ratio %v, want %v", got, want)
	}
	if _, err := ProjectCounties(nil, nil, 10, CountyOptions{}); err == nil {
		t.Error("no inputs accepted")
	}
	bad := countyInputs(3)
	bad[1].Pop[Male] = nil
	if _, err := ProjectCounties(bad, nil, 10, CountyOptions{}); err == nil {
		t.Error("bad county accepted")
	}
}
