package datasets

import "strings"

// Village-level name endings. In the 2023 code list 居委会-type units are
// coded 001–199 and 400–499, 村委会-type units 200–399 and 500–599; the
// name rule below agrees with that coding for more than 99.8 % of the
// 620,573 villages (see TestUrbanVillageAgreesWithCodes).
var (
	ruralVillageEndings = []string{"村民委员会", "村委会", "村民委会"}
	urbanVillageMarks   = []string{"居民委员会", "居委会", "居民委会", "社区"}
)

// UrbanVillage reports whether a village-level unit is urban (a 居委会 or
// 社区) rather than rural (a 村委会, 嘎查, 生活区 …), from its name. A name
// ending in 村民委员会 is rural even when it contains 社区 (e.g.
// 东沟社区村民委员会); a trailing parenthesis is ignored.
func UrbanVillage(name string) bool {
	name = trimParenthesis(name)
	for _, e := range ruralVillageEndings {
		if strings.HasSuffix(name, e) {
			return false
		}
	}
	for _, m := range urbanVillageMarks {
		if strings.Contains(name, m) {
			return true
		}
	}
	return false
}

// trimParenthesis drops one trailing "（…）" or "(…)".
func trimParenthesis(name string) string {
	for _, p := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if strings.HasSuffix(name, p[1]) {
			if i := strings.LastIndex(name, p[0]); i > 0 {
				return name[:i]
			}
		}
	}
	return name
}

// County kinds returned by CountyKind.
const (
	KindDistrict = "district" // 市辖区: urban
	KindCity     = "city"     // 县级市: mixed
	KindCounty   = "county"   // 县, 自治县, 旗, 自治旗, 神农架林区, 六枝特区: rural
	KindOther    = "other"    // 开发区, 新区, 管理区, 群岛 …: functional zones and the like
)

// otherCountyEndings end the names of county-level functional zones:
// development zones, new areas, industrial parks, management areas, the
// Sansha islands.
var otherCountyEndings = []string{
	"开发区", "工业园区", "产业园区", "化工园区", "创意园区", "示范区", "实验区",
	"试验区", "管理区", "管委会", "行政委员会", "新城", "群岛", "海域", "新区",
	"名胜区", "食品区", "聚集区", "集聚区",
}

// namedKinds are the names the endings get wrong: 市辖区 whose names end in
// 新区 but which are ordinary urban districts, and the rural 林区 and 特区.
var namedKinds = map[string]string{
	"浦东新区": KindDistrict, "滨海新区": KindDistrict, "沈北新区": KindDistrict, "清新区": KindDistrict,
	"神农架林区": KindCounty, "六枝特区": KindCounty,
}

// CountyKind classifies a county-level unit by its name: KindDistrict
// ("district", 市辖区, urban), KindCity ("city", 县级市, mixed), KindCounty
// ("county", 县/旗/自治县 and the 林区/特区, rural) or KindOther ("other", e.g.
// 开发区/新区/管理区).
func CountyKind(name string) string {
	if k, ok := namedKinds[name]; ok {
		return k
	}
	for _, e := range otherCountyEndings {
		if strings.HasSuffix(name, e) {
			return KindOther
		}
	}
	switch {
	case strings.HasSuffix(name, "区"):
		return KindDistrict
	case strings.HasSuffix(name, "市"):
		return KindCity
	case strings.HasSuffix(name, "县"), strings.HasSuffix(name, "旗"):
		return KindCounty
	}
	return KindOther
}
