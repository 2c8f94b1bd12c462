package datasets

import (
	"strconv"
	"testing"

	"github.com/padis/padis/models"
)

func TestUrbanVillage(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"多福巷社区居委会", true},
		{"银闸社区居民委员会", true},
		{"新华社区", true},
		{"佳和社区居民委会", true},
		{"光明居委会（筹）", true},
		{"东沟社区村民委员会", false},
		{"小王庄村民委员会", false},
		{"张家村委会", false},
		{"巴彦嘎查", false},
		{"八连生活区", false},
		{"西铁营村", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := UrbanVillage(tc.name); got != tc.want {
			t.Errorf("UrbanVillage(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestUrbanVillageAgreesWithCodes compares the name rule with the class
// coded in the village code: 001–199 and 400–499 are 居委会-type units,
// 200–399 and 500–599 村委会-type ones.
func TestUrbanVillageAgreesWithCodes(t *testing.T) {
	tr := mustDivisions(t)
	vs := tr.Level(models.LevelVillage)
	agree := 0
	for _, v := range vs {
		s, _ := strconv.Atoi(v.Code[9:])
		coded := s < 200 || (s >= 400 && s < 500)
		if UrbanVillage(v.Name) == coded {
			agree++
		}
	}
	if share := float64(agree) / float64(len(vs)); share < 0.995 {
		t.Errorf("name rule agrees with the code class for %.4f of villages, want ≥ 0.995", share)
	}
}

func TestCountyKind(t *testing.T) {
	tests := []struct{ name, want string }{
		{"锦江区", KindDistrict},
		{"浦东新区", KindDistrict},
		{"滨海新区", KindDistrict},
		{"新城区", KindDistrict},
		{"绿园区", KindDistrict},
		{"峰峰矿区", KindDistrict},
		{"碑林区", KindDistrict},
		{"都江堰市", KindCity},
		{"东莞市", KindCity},
		{"平武县", KindCounty},
		{"鄂伦春自治旗", KindCounty},
		{"镇宁布依族苗族自治县", KindCounty},
		{"神农架林区", KindCounty},
		{"六枝特区", KindCounty},
		{"石家庄高新技术产业开发区", KindOther},
		{"兰州新区", KindOther},
		{"苏州工业园区", KindOther},
		{"保定白沟新城", KindOther},
		{"乌拉盖管理区管委会", KindOther},
		{"西沙群岛", KindOther},
		{"", KindOther},
	}
	for _, tc := range tests {
		if got := CountyKind(tc.name); got != tc.want {
			t.Errorf("CountyKind(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestCountyKindOnTheCodeList checks the rule on every county: the
// statistical code list puts functional zones at codes xxxx71–xxxx79.
func TestCountyKindOnTheCodeList(t *testing.T) {
	tr := mustDivisions(t)
	counts := map[string]int{}
	for _, c := range tr.Level(models.LevelCounty) {
		k := CountyKind(c.Name)
		counts[k]++
		if c.Code[4] == '7' && k != KindOther {
			t.Errorf("county %s %s is a functional zone by its code, CountyKind says %q", c.Code, c.Name, k)
		}
	}
	// Rough 2023 totals: ~970 districts, ~400 county-level cities, ~1,470
	// counties and banners, ~130 functional zones.
	ranges := map[string][2]int{KindDistrict: {950, 1000}, KindCity: {390, 410}, KindCounty: {1450, 1490}, KindOther: {120, 150}}
	for k, r := range ranges {
		if counts[k] < r[0] || counts[k] > r[1] {
			t.Errorf("%d counties of kind %s, want %d–%d", counts[k], k, r[0], r[1])
		}
	}
}
