package models

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// The indicator catalog is the one place an indicator is defined: its
// names, unit, formula, interval method and good direction. The cube
// computes base counts (Measures); an indicator is either a measure itself,
// a ratio of two measures, or a named method (TFR, e0, median age…).

// Measure is a base count the cube computes for every unit and period.
type Measure struct {
	ID       string
	ZH, EN   string
	Additive bool // children's values sum to the parent's
	Doc      string
}

// Measures are the base counts. Stock measures ("pop_*", "households",
// "women_15_49"…) are taken at the end of the period; flow measures
// (births, deaths, migrations…) count events whose date falls in the
// period; person_years is exposure lived in the unit during the period.
var Measures = []Measure{
	{"population", "常住人口", "resident population", true, "persons resident and alive at the end of the period"},
	{"pop_male", "男性人口", "male population", true, "resident males at the end of the period"},
	{"pop_female", "女性人口", "female population", true, "resident females at the end of the period"},
	{"pop_0_14", "0-14岁人口", "population aged 0-14", true, ""},
	{"pop_15_59", "15-59岁人口", "population aged 15-59", true, ""},
	{"pop_15_64", "15-64岁人口", "population aged 15-64", true, ""},
	{"pop_60plus", "60岁及以上人口", "population aged 60+", true, ""},
	{"pop_65plus", "65岁及以上人口", "population aged 65+", true, ""},
	{"pop_80plus", "80岁及以上人口", "population aged 80+", true, ""},
	{"households", "户数", "households", true, "family and collective households with at least one resident member"},
	{"household_members", "户内人口", "household members", true, "residents belonging to a counted household"},
	{"person_years", "生存人年数", "person-years lived", true, "exposure lived in the unit during the period, from entry, exit, birth and death dates"},
	{"person_years_female_15_49", "15-49岁妇女人年数", "person-years of women 15-49", true, ""},
	{"women_15_49", "育龄妇女", "women aged 15-49", true, ""},
	{"married_women_15_49", "已婚育龄妇女", "married women aged 15-49", true, ""},
	{"contraceptors", "落实避孕措施已婚育龄妇女", "married women 15-49 using contraception", true, ""},
	{"births", "出生人数", "births", true, ""},
	{"births_male", "出生男婴", "male births", true, ""},
	{"births_female", "出生女婴", "female births", true, ""},
	{"births_order1", "一孩出生", "first births", true, ""},
	{"births_order2", "二孩出生", "second births", true, ""},
	{"births_order3plus", "多孩出生", "third and higher-order births", true, ""},
	{"births_policy", "政策内出生", "policy-conforming births", true, ""},
	{"deaths", "死亡人数", "deaths", true, ""},
	{"infant_deaths", "婴儿死亡", "deaths under age 1", true, ""},
	{"migrants_in", "迁入人数", "in-migrants", true, "moves into the unit"},
	{"migrants_out", "迁出人数", "out-migrants", true, "moves out of the unit"},
	{"migrants_in_inter", "省外迁入", "in-migrants from other provinces", true, ""},
	{"migrants_out_inter", "迁往省外", "out-migrants to other provinces", true, ""},
	{"migrants_in_intra", "省内迁入", "in-migrants from the same province", true, "moves into the unit from another unit of the same province"},
	{"migrants_out_intra", "迁往省内", "out-migrants to the same province", true, "moves out of the unit to another unit of the same province"},
	{"migrant_population", "流动人口", "migrant population", true, "residents whose registration county differs from the residence county"},
	{"marriages", "结婚", "marriages", true, ""},
	{"divorces", "离婚", "divorces", true, ""},
	{"events", "登记事件", "events recorded", true, "events of the period recorded by the snapshot date"},
	{"events_timely", "及时登记事件", "events recorded within 30 days", true, ""},
	{"eligible_reward", "奖励扶助对象", "rural reward programme beneficiaries", true, "rural-registered parents aged 60+ with one child or two daughters"},
	{"eligible_special", "特别扶助对象", "special assistance beneficiaries", true, "parents whose only child died or is disabled, mother aged 49+"},
	{"duplicate_cards_removed", "剔除重卡数", "duplicate cards removed", true, "cards resident at the end of the period that are counted on another card (exact duplicates, confirmed probable duplicates) and left out of population, person-years and deaths"},
}

// IndicatorKind says how an indicator's value is obtained.
type IndicatorKind string

// Indicator kinds.
const (
	KindCount      IndicatorKind = "count"      // a measure
	KindRate       IndicatorKind = "rate"       // events per person-years × scale
	KindProportion IndicatorKind = "proportion" // part / whole × scale
	KindRatio      IndicatorKind = "ratio"      // a / b × scale, b not a superset of a
	KindMethod     IndicatorKind = "method"     // a named computation
	// KindStored is an indicator computed by an engine package (not from
	// the cube's measures) and stored in cube.values at every level,
	// province to village, by that package: the data-quality indicators
	// (engine/quality) and the worklist sizes (engine/linkage). It names no
	// measures; the cube never derives or materialises it, and a rebuilt
	// cube loses its values until the package runs again.
	KindStored IndicatorKind = "stored"
)

// Interval methods for 95 % intervals.
const (
	IntervalNone         = "none"
	IntervalPoissonExact = "poisson-exact"  // Garwood exact Poisson on the numerator
	IntervalWilson       = "wilson"         // Wilson score for a proportion
	IntervalRatioBinom   = "binomial-ratio" // Wilson on p = a/(a+b), mapped to a/b
	IntervalDifference   = "poisson-difference"
	IntervalDelta        = "delta"  // delta method on the estimator
	IntervalGamma        = "gamma"  // Fay–Feuer gamma interval of a weighted sum of Poisson counts (TFR)
	IntervalChiang       = "chiang" // Chiang's variance of e0
	// IntervalPosterior is the central 95 % interval of an empirical-Bayes
	// posterior (the small-area estimates of engine/sae).
	IntervalPosterior = "posterior"
)

// Indicator is one catalog entry.
type Indicator struct {
	ID          string        `json:"id"`
	ZH          string        `json:"zh"`
	EN          string        `json:"en"`
	Unit        string        `json:"unit"` // "‰", "%", "persons", "years", "children per woman", "per 100 females"…
	Kind        IndicatorKind `json:"kind"`
	Numerator   string        `json:"numerator,omitempty"`   // measure id
	Denominator string        `json:"denominator,omitempty"` // measure id
	Scale       float64       `json:"scale,omitempty"`       // multiply the ratio by this
	Method      string        `json:"method,omitempty"`      // named method for KindMethod
	Interval    string        `json:"interval"`
	Good        string        `json:"good"`            // "up", "down", "range" or "none"
	Range       []float64     `json:"range,omitempty"` // normal range, for Good == "range"
	Breakdown   string        `json:"breakdown,omitempty"`
	FormulaZH   string        `json:"formula_zh"`
	FormulaEN   string        `json:"formula_en"`
	// Decimals is the number of digits after the point a value is printed
	// with: 0 for counts, 1 or 2 for rates. In a catalog file it may be
	// omitted: counts then get 0, other kinds 2 (see LoadFile).
	Decimals int `json:"decimals"`
	// Base names the indicator this one is a variant of ("cdr" for
	// "cdr_adj"); empty for a plain indicator. Variant says which kind:
	// VariantAdjusted (corrected for under-registration with other sources)
	// or VariantSAE (small-area estimate shrunk toward the parent unit).
	// Pages and the report lead with a variant where one exists and show
	// the base value beside it.
	Base    string `json:"base,omitempty"`
	Variant string `json:"variant,omitempty"`
}

// Indicator variants (Indicator.Variant).
const (
	VariantAdjusted = "adjusted"
	VariantSAE      = "sae"
)

// unitsZH translates the catalog's units (English) into Chinese; a unit not
// in it (‰, %) reads the same in both languages.
var unitsZH = map[string]string{
	"persons": "人", "households": "户", "couples": "对", "years": "岁", "items": "条",
	"person-years": "人年", "children per woman": "孩/妇女", "per 100 females": "（女=100）",
	"index": "指数", "points": "分",
}

// UnitLabel returns the indicator's unit in lang.
func (ind Indicator) UnitLabel(lang Lang) string {
	if zh, ok := unitsZH[ind.Unit]; ok && lang != EN {
		return zh
	}
	return ind.Unit
}

// Label returns the indicator's name in lang.
func (ind Indicator) Label(lang Lang) string {
	if lang == EN {
		return ind.EN
	}
	return ind.ZH
}

// Formula returns the indicator's formula in lang.
func (ind Indicator) Formula(lang Lang) string {
	if lang == EN {
		return ind.FormulaEN
	}
	return ind.FormulaZH
}

func count(id, unit string) Indicator {
	m, _ := MeasureByID(id)
	return Indicator{ID: id, ZH: m.ZH, EN: m.EN, Unit: unit, Kind: KindCount, Numerator: id, Interval: IntervalNone, Good: "none",
		FormulaZH: m.ZH + "（人数）", FormulaEN: "count of " + m.EN}
}

// worklist returns the catalog entry of the worklist-size indicator of a
// worklist kind (engine/linkage).
func worklist(kind, zh, en string) Indicator {
	return Indicator{ID: "worklist_" + kind, ZH: "核查清单：" + zh, EN: "worklist: " + en, Unit: "items", Kind: KindStored,
		Interval: IntervalNone, Good: "down", FormulaZH: "待核查条目数（未处理或已核实）", FormulaEN: "outstanding items (open or verified)"}
}

// builtinIndicators is the shipped catalog.
var builtinIndicators = []Indicator{
	count("population", "persons"), count("pop_male", "persons"), count("pop_female", "persons"),
	count("pop_65plus", "persons"), count("pop_80plus", "persons"),
	count("households", "households"), count("births", "persons"), count("deaths", "persons"),
	count("migrants_in", "persons"), count("migrants_out", "persons"), count("migrant_population", "persons"),
	count("marriages", "couples"), count("women_15_49", "persons"), count("married_women_15_49", "persons"),
	count("eligible_reward", "persons"), count("eligible_special", "persons"),
	count("pop_0_14", "persons"), count("pop_15_64", "persons"), count("pop_60plus", "persons"),
	count("migrants_in_inter", "persons"), count("migrants_out_inter", "persons"),
	count("migrants_in_intra", "persons"), count("migrants_out_intra", "persons"),
	count("divorces", "couples"), count("person_years", "person-years"),
	{ID: "cbr", Decimals: 2, ZH: "出生率", EN: "crude birth rate", Unit: "‰", Kind: KindRate, Numerator: "births", Denominator: "person_years", Scale: 1000,
		Interval: IntervalPoissonExact, Good: "none", FormulaZH: "出生人数 / 生存人年数 × 1000", FormulaEN: "births / person-years × 1000"},
	{ID: "cdr", Decimals: 2, ZH: "死亡率", EN: "crude death rate", Unit: "‰", Kind: KindRate, Numerator: "deaths", Denominator: "person_years", Scale: 1000,
		Interval: IntervalPoissonExact, Good: "down", FormulaZH: "死亡人数 / 生存人年数 × 1000", FormulaEN: "deaths / person-years × 1000"},
	{ID: "rni", Decimals: 2, ZH: "自然增长率", EN: "rate of natural increase", Unit: "‰", Kind: KindMethod, Method: "rni",
		Interval: IntervalDifference, Good: "none", FormulaZH: "出生率 − 死亡率", FormulaEN: "CBR − CDR"},
	{ID: "asfr", Decimals: 2, ZH: "年龄别生育率", EN: "age-specific fertility rate", Unit: "‰", Kind: KindMethod, Method: "asfr", Breakdown: "age1_15_49",
		Interval: IntervalPoissonExact, Good: "none", FormulaZH: "x岁妇女生育数 / x岁妇女人年数 × 1000", FormulaEN: "births to women aged x / person-years of women aged x × 1000"},
	{ID: "tfr", Decimals: 2, ZH: "总和生育率", EN: "total fertility rate", Unit: "children per woman", Kind: KindMethod, Method: "tfr",
		Interval: IntervalGamma, Good: "up", FormulaZH: "Σ 年龄别生育率(15–49岁单岁)", FormulaEN: "Σ ASFR(x), x = 15…49"},
	{ID: "mac", Decimals: 1, ZH: "平均生育年龄", EN: "mean age at childbearing", Unit: "years", Kind: KindMethod, Method: "mac",
		Interval: IntervalDelta, Good: "none", FormulaZH: "Σ (x+0.5)·ASFR(x) / Σ ASFR(x)", FormulaEN: "Σ (x+0.5)·ASFR(x) / Σ ASFR(x)"},
	{ID: "srb", Decimals: 1, ZH: "出生人口性别比", EN: "sex ratio at birth", Unit: "per 100 females", Kind: KindRatio, Numerator: "births_male", Denominator: "births_female", Scale: 100,
		Interval: IntervalRatioBinom, Good: "range", Range: []float64{103, 107}, FormulaZH: "出生男婴数 / 出生女婴数 × 100", FormulaEN: "male births / female births × 100"},
	{ID: "share_order1", Decimals: 1, ZH: "一孩占比", EN: "first-birth share", Unit: "%", Kind: KindProportion, Numerator: "births_order1", Denominator: "births", Scale: 100,
		Interval: IntervalWilson, Good: "none", FormulaZH: "一孩出生数 / 出生人数 × 100", FormulaEN: "first births / births × 100"},
	{ID: "share_order2", Decimals: 1, ZH: "二孩占比", EN: "second-birth share", Unit: "%", Kind: KindProportion, Numerator: "births_order2", Denominator: "births", Scale: 100,
		Interval: IntervalWilson, Good: "none", FormulaZH: "二孩出生数 / 出生人数 × 100", FormulaEN: "second births / births × 100"},
	{ID: "share_order3plus", Decimals: 1, ZH: "多孩率", EN: "third-and-higher-order share", Unit: "%", Kind: KindProportion, Numerator: "births_order3plus", Denominator: "births", Scale: 100,
		Interval: IntervalWilson, Good: "none", FormulaZH: "三孩及以上出生数 / 出生人数 × 100", FormulaEN: "3rd+ births / births × 100"},
	{ID: "policy_rate", Decimals: 1, ZH: "政策符合率", EN: "policy-conforming rate", Unit: "%", Kind: KindProportion, Numerator: "births_policy", Denominator: "births", Scale: 100,
		Interval: IntervalWilson, Good: "up", FormulaZH: "政策内出生数 / 出生人数 × 100", FormulaEN: "policy-conforming births / births × 100"},
	{ID: "cpr", Decimals: 1, ZH: "综合避孕率", EN: "contraceptive prevalence rate", Unit: "%", Kind: KindProportion, Numerator: "contraceptors", Denominator: "married_women_15_49", Scale: 100,
		Interval: IntervalWilson, Good: "up", FormulaZH: "落实避孕措施的已婚育龄妇女 / 已婚育龄妇女 × 100", FormulaEN: "married women 15-49 using any method / married women 15-49 × 100"},
	{ID: "imr", Decimals: 2, ZH: "婴儿死亡率", EN: "infant mortality rate", Unit: "‰", Kind: KindProportion, Numerator: "infant_deaths", Denominator: "births", Scale: 1000,
		Interval: IntervalPoissonExact, Good: "down", FormulaZH: "1岁以下死亡人数 / 出生人数 × 1000", FormulaEN: "deaths under age 1 / births × 1000"},
	{ID: "e0", Decimals: 1, ZH: "预期寿命", EN: "life expectancy at birth", Unit: "years", Kind: KindMethod, Method: "e0",
		Interval: IntervalChiang, Good: "up", FormulaZH: "由年龄别死亡率编制时期生命表得出的出生时预期寿命", FormulaEN: "e0 of a period life table from age-specific death rates"},
	{ID: "sex_ratio", Decimals: 1, ZH: "性别比", EN: "sex ratio", Unit: "per 100 females", Kind: KindRatio, Numerator: "pop_male", Denominator: "pop_female", Scale: 100,
		Interval: IntervalRatioBinom, Good: "none", FormulaZH: "男性人口 / 女性人口 × 100", FormulaEN: "males / females × 100"},
	{ID: "share_0_14", Decimals: 1, ZH: "0-14岁人口占比", EN: "share aged 0-14", Unit: "%", Kind: KindProportion, Numerator: "pop_0_14", Denominator: "population", Scale: 100,
		Interval: IntervalWilson, Good: "none", FormulaZH: "0-14岁人口 / 总人口 × 100", FormulaEN: "population 0-14 / population × 100"},
	{ID: "share_15_64", Decimals: 1, ZH: "15-64岁人口占比", EN: "share aged 15-64", Unit: "%", Kind: KindProportion, Numerator: "pop_15_64", Denominator: "population", Scale: 100,
		Interval: IntervalWilson, Good: "none", FormulaZH: "15-64岁人口 / 总人口 × 100", FormulaEN: "population 15-64 / population × 100"},
	{ID: "share_60plus", Decimals: 1, ZH: "60岁及以上人口占比", EN: "share aged 60+", Unit: "%", Kind: KindProportion, Numerator: "pop_60plus", Denominator: "population", Scale: 100,
		Interval: IntervalWilson, Good: "none", FormulaZH: "60岁及以上人口 / 总人口 × 100", FormulaEN: "population 60+ / population × 100"},
	{ID: "share_65plus", Decimals: 1, ZH: "65岁及以上人口占比", EN: "share aged 65+", Unit: "%", Kind: KindProportion, Numerator: "pop_65plus", Denominator: "population", Scale: 100,
		Interval: IntervalWilson, Good: "none", FormulaZH: "65岁及以上人口 / 总人口 × 100", FormulaEN: "population 65+ / population × 100"},
	{ID: "median_age", Decimals: 1, ZH: "年龄中位数", EN: "median age", Unit: "years", Kind: KindMethod, Method: "median_age",
		Interval: IntervalNone, Good: "none", FormulaZH: "单岁人口累计达到一半时的年龄（组内线性插值）", FormulaEN: "age at which the cumulated single-year population reaches half (linear within the year)"},
	{ID: "dependency_total", Decimals: 1, ZH: "总抚养比", EN: "total dependency ratio", Unit: "%", Kind: KindMethod, Method: "dependency_total",
		Interval: IntervalRatioBinom, Good: "none", FormulaZH: "(0-14岁 + 65岁及以上) / 15-64岁 × 100", FormulaEN: "(0-14 + 65+) / 15-64 × 100"},
	{ID: "dependency_child", Decimals: 1, ZH: "少儿抚养比", EN: "child dependency ratio", Unit: "%", Kind: KindRatio, Numerator: "pop_0_14", Denominator: "pop_15_64", Scale: 100,
		Interval: IntervalRatioBinom, Good: "none", FormulaZH: "0-14岁 / 15-64岁 × 100", FormulaEN: "0-14 / 15-64 × 100"},
	{ID: "dependency_old", Decimals: 1, ZH: "老年抚养比", EN: "old-age dependency ratio", Unit: "%", Kind: KindRatio, Numerator: "pop_65plus", Denominator: "pop_15_64", Scale: 100,
		Interval: IntervalRatioBinom, Good: "none", FormulaZH: "65岁及以上 / 15-64岁 × 100", FormulaEN: "65+ / 15-64 × 100"},
	{ID: "aging_index", Decimals: 1, ZH: "老化指数", EN: "aging index", Unit: "%", Kind: KindRatio, Numerator: "pop_65plus", Denominator: "pop_0_14", Scale: 100,
		Interval: IntervalRatioBinom, Good: "none", FormulaZH: "65岁及以上 / 0-14岁 × 100", FormulaEN: "65+ / 0-14 × 100"},
	{ID: "household_size", Decimals: 2, ZH: "户均人口", EN: "average household size", Unit: "persons", Kind: KindRatio, Numerator: "household_members", Denominator: "households", Scale: 1,
		Interval: IntervalNone, Good: "none", FormulaZH: "户内人口 / 户数", FormulaEN: "household members / households"},
	{ID: "timeliness", Decimals: 1, ZH: "登记及时率", EN: "registration timeliness", Unit: "%", Kind: KindProportion, Numerator: "events_timely", Denominator: "events", Scale: 100,
		Interval: IntervalWilson, Good: "up", FormulaZH: "30天内登记的事件 / 登记事件 × 100", FormulaEN: "events recorded within 30 days / events × 100"},
	// Data-quality indicators, written into cube.values by engine/quality
	// (docs/quality.md) for the month of the snapshot's as-of date.
	{ID: "quality_completeness", Decimals: 1, ZH: "信息完整率", EN: "completeness", Unit: "%", Kind: KindStored,
		Interval: IntervalWilson, Good: "up", FormulaZH: "主要字段中应填且有效的项数 / 应填项数 × 100", FormulaEN: "main fields present and valid / fields expected × 100"},
	{ID: "quality_id_validity", Decimals: 1, ZH: "身份号码有效率", EN: "ID-number validity", Unit: "%", Kind: KindStored,
		Interval: IntervalWilson, Good: "up", FormulaZH: "身份号码有效的记录 / 填写并经校验身份号码的记录 × 100", FormulaEN: "records with a valid ID number / records with a checked ID number × 100"},
	{ID: "quality_code_validity", Decimals: 1, ZH: "代码有效率", EN: "code validity", Unit: "%", Kind: KindStored,
		Interval: IntervalWilson, Good: "up", FormulaZH: "代码全部有效的记录 / 经代码校验的记录 × 100", FormulaEN: "records whose codes are all valid / records whose codes were checked × 100"},
	{ID: "quality_consistency", Decimals: 1, ZH: "逻辑一致率", EN: "consistency", Unit: "%", Kind: KindStored,
		Interval: IntervalWilson, Good: "up", FormulaZH: "通过的逻辑校验 / 逻辑校验数 × 100（身份号码与出生日期、性别，年龄与婚姻状况，母亲生育年龄12–55岁，户有户主）", FormulaEN: "consistency checks passed / checks made × 100 (ID vs birth date and sex, age vs marital status, mother aged 12–55 at the birth, household has a head)"},
	{ID: "quality_duplicates", Decimals: 2, ZH: "重卡率", EN: "duplicate cards", Unit: "‰", Kind: KindStored,
		Interval: IntervalWilson, Good: "down", FormulaZH: "重复卡片数 / 人员记录数 × 1000", FormulaEN: "duplicate cards / person records × 1000"},
	{ID: "quality_whipple", Decimals: 1, ZH: "惠普尔指数", EN: "Whipple's index", Unit: "index", Kind: KindStored,
		Interval: IntervalWilson, Good: "down", FormulaZH: "23–62岁中年龄尾数为0或5的人数 / (总人数 / 5) × 100", FormulaEN: "persons 23–62 with ages ending in 0 or 5 / (persons 23–62 / 5) × 100"},
	{ID: "quality_myers", Decimals: 1, ZH: "迈尔斯混合指数", EN: "Myers' blended index", Unit: "index", Kind: KindStored,
		Interval: IntervalNone, Good: "down", FormulaZH: "½ Σ |各尾数混合人口占比 − 10|（10–89岁）", FormulaEN: "½ Σ |blended share of each terminal digit − 10| (ages 10–89)"},
	{ID: "quality_score", Decimals: 1, ZH: "数据质量综合得分", EN: "data-quality score", Unit: "points", Kind: KindStored,
		Interval: IntervalNone, Good: "up", FormulaZH: "各项质量指标得分的加权平均（0–100）", FormulaEN: "weighted mean of the component scores (0–100)"},
	// Worklist sizes, written into cube.values by engine/linkage
	// (docs/quality.md, "Linkage and worklists"): outstanding items (open or
	// verified) of each kind; the denominator is all items of the kind.
	worklist("duplicate", "重卡（身份号码相同）", "duplicate cards (same ID number)"),
	worklist("probable_duplicate", "疑似重卡", "probable duplicate cards"),
	worklist("unregistered", "漏管人员（公安户籍有、库中无）", "unregistered persons (police register only)"),
	worklist("unregistered_birth", "漏报出生（有出生医学证明、无出生记录）", "unregistered births (certificate only)"),
	worklist("undead", "死亡未销户", "deaths not deregistered"),
	worklist("mismatch_sex", "性别与其他来源不一致", "sex differs from a source"),
	worklist("mismatch_birth_date", "出生日期与其他来源不一致", "birth date differs from a source"),
	worklist("mismatch_residence", "户籍地与公安户籍不一致", "registration place differs from the police register"),
	worklist("over_coverage", "疑似虚报（其他来源均无）", "possible over-coverage (unknown to every source)"),
	// Registration completeness and the indicators adjusted for it, written
	// into cube.values by engine/dse (docs/indicators.md, "Completeness of
	// registration and adjusted indicators"): a dual-system estimate from
	// the register and the death records or birth certificates matched by
	// engine/linkage.
	{ID: "death_reg_completeness", Decimals: 1, ZH: "死亡登记完整率", EN: "death registration completeness", Unit: "%", Kind: KindStored,
		Interval: IntervalWilson, Good: "up", FormulaZH: "民政/殡葬死亡记录中已在库登记死亡的 / 有身份号码的死亡记录 × 100（双系统估计 登记死亡 / 估计死亡总数）", FormulaEN: "death records (with an ID number) whose death is on the register / those records × 100 (dual-system: registered / estimated deaths)"},
	{ID: "birth_reg_completeness", Decimals: 1, ZH: "出生登记完整率", EN: "birth registration completeness", Unit: "%", Kind: KindStored,
		Interval: IntervalWilson, Good: "up", FormulaZH: "出生医学证明中已在库登记出生的 / 有母亲身份号码的出生医学证明 × 100（双系统估计）", FormulaEN: "birth certificates (with the mother's ID number) whose birth is on the register / those certificates × 100 (dual-system)"},
	adjusted("deaths", 0, "死亡人数（校正）", "deaths (adjusted)", "persons", IntervalDelta, "登记死亡数 / 分性别年龄组死亡登记完整率", "registered deaths / completeness by sex and age group"),
	adjusted("cdr", 2, "死亡率（校正）", "crude death rate (adjusted)", "‰", IntervalDelta, "校正死亡数 / 人年数 × 1000", "adjusted deaths / person-years × 1000"),
	adjusted("imr", 2, "婴儿死亡率（校正）", "infant mortality rate (adjusted)", "‰", IntervalDelta, "校正婴儿死亡数 / 校正出生数 × 1000", "adjusted infant deaths / adjusted births × 1000"),
	adjusted("e0", 1, "预期寿命（校正）", "life expectancy at birth (adjusted)", "years", IntervalChiang, "按年龄组死亡登记完整率校正死亡数后的简略寿命表", "abridged life table of deaths scaled by the completeness of their sex and age group"),
	adjusted("births", 0, "出生人数（校正）", "births (adjusted)", "persons", IntervalDelta, "登记出生数 / 分性别出生登记完整率", "registered births / birth registration completeness by sex"),
	adjusted("cbr", 2, "出生率（校正）", "crude birth rate (adjusted)", "‰", IntervalDelta, "校正出生数 / 人年数 × 1000", "adjusted births / person-years × 1000"),
	adjusted("tfr", 2, "总和生育率（校正）", "total fertility rate (adjusted)", "children per woman", IntervalDelta, "总和生育率 × 校正出生数 / 登记出生数", "TFR × adjusted births / registered births"),
	// The duplicate cards the cube left out (engine/cube, facts.sql).
	{ID: "duplicate_cards_removed", ZH: "剔除重卡数", EN: "duplicate cards removed", Unit: "items", Kind: KindCount, Numerator: "duplicate_cards_removed",
		Interval: IntervalNone, Good: "none", FormulaZH: "期末常住、已按另一卡片计数而不计入人口、人年数和死亡的卡片数（身份号码相同的重卡及已确认的疑似重卡）",
		FormulaEN: "cards resident at the end of the period counted on another card and left out of population, person-years and deaths (exact duplicates and confirmed probable duplicates)"},
}

// adjusted returns the catalog entry of the variant of base adjusted for
// under-registration (engine/dse): id base_adj, stored, judged good in
// the same direction as base.
func adjusted(base string, decimals int, zh, en, unit, interval, formulaZH, formulaEN string) Indicator {
	good := "none"
	switch base {
	case "imr", "cdr":
		good = "down"
	case "e0", "tfr":
		good = "up"
	}
	return Indicator{ID: base + "_adj", ZH: zh, EN: en, Unit: unit, Kind: KindStored, Interval: interval, Good: good,
		FormulaZH: formulaZH, FormulaEN: formulaEN, Decimals: decimals, Base: base, Variant: VariantAdjusted}
}

// saeVariants are the small-area estimates, written into cube.values by
// engine/sae (docs/indicators.md, "Small-area estimates") for counties,
// townships and villages, years and rolling 12 months: base indicator and
// formula. DefaultCatalog adds them after builtinIndicators.
var saeVariants = []struct{ base, formulaZH, formulaEN string }{
	{"tfr", "上级单位的 TFR/GFR × 经伽马–泊松经验贝叶斯向上级收缩的一般生育率", "TFR/GFR of the unit above × general fertility rate shrunk toward the unit above (gamma–Poisson empirical Bayes)"},
	{"srb", "出生男婴比例经贝塔–二项经验贝叶斯向上级收缩，换算为男/女 × 100", "proportion of boys shrunk toward the unit above (beta–binomial empirical Bayes), as males per 100 females"},
	{"imr", "婴儿死亡率经伽马–泊松经验贝叶斯向上级单位收缩", "infant mortality rate shrunk toward the unit above (gamma–Poisson empirical Bayes)"},
	{"cdr", "死亡率经伽马–泊松经验贝叶斯向上级单位收缩", "crude death rate shrunk toward the unit above (gamma–Poisson empirical Bayes)"},
}

// saeVariant returns the catalog entry of the small-area estimate of b:
// stored, with a posterior interval, named, scaled and judged like b.
func saeVariant(b Indicator, formulaZH, formulaEN string) Indicator {
	return Indicator{ID: b.ID + "_sae", ZH: b.ZH + "（小区域估计）", EN: b.EN + " (small-area estimate)", Unit: b.Unit, Kind: KindStored,
		Interval: IntervalPosterior, Good: b.Good, Range: b.Range, Decimals: b.Decimals, FormulaZH: formulaZH, FormulaEN: formulaEN,
		Base: b.ID, Variant: VariantSAE}
}

// MeasureByID returns the measure with the given id.
func MeasureByID(id string) (Measure, bool) {
	for _, m := range Measures {
		if m.ID == id {
			return m, true
		}
	}
	return Measure{}, false
}

// Catalog is a set of indicators keyed by id.
type Catalog struct {
	byID  map[string]Indicator
	order []string
}

// DefaultCatalog returns the shipped catalog.
func DefaultCatalog() *Catalog {
	c := &Catalog{byID: map[string]Indicator{}}
	for _, ind := range builtinIndicators {
		if err := c.Add(ind); err != nil {
			panic("models: builtin catalog: " + err.Error())
		}
	}
	for _, s := range saeVariants {
		if err := c.Add(saeVariant(c.byID[s.base], s.formulaZH, s.formulaEN)); err != nil {
			panic("models: builtin catalog: " + err.Error())
		}
	}
	return c
}

// Filter returns a catalog of the indicators of c that keep accepts, in
// c's order (e.g. the registered indicators alone, without variants).
func (c *Catalog) Filter(keep func(Indicator) bool) *Catalog {
	out := &Catalog{byID: map[string]Indicator{}}
	for _, id := range c.order {
		if ind := c.byID[id]; keep(ind) {
			out.byID[id] = ind
			out.order = append(out.order, id)
		}
	}
	return out
}

// knownMethods are the named computations the engine implements.
var knownMethods = map[string]bool{"rni": true, "asfr": true, "tfr": true, "mac": true, "e0": true, "median_age": true, "dependency_total": true}

// Add validates ind and adds it. A user-defined indicator must be a count,
// rate, proportion or ratio of existing measures; a KindStored indicator
// names no measures (its values come from the engine package that stores
// them).
func (c *Catalog) Add(ind Indicator) error {
	if ind.ID == "" || ind.ZH == "" || ind.EN == "" {
		return fmt.Errorf("indicator %q: id, zh and en are required", ind.ID)
	}
	if _, dup := c.byID[ind.ID]; dup {
		return fmt.Errorf("indicator %q is defined twice", ind.ID)
	}
	switch ind.Kind {
	case KindCount:
		if _, ok := MeasureByID(ind.Numerator); !ok {
			return fmt.Errorf("indicator %q: unknown measure %q", ind.ID, ind.Numerator)
		}
	case KindRate, KindProportion, KindRatio:
		for _, m := range []string{ind.Numerator, ind.Denominator} {
			if _, ok := MeasureByID(m); !ok {
				return fmt.Errorf("indicator %q: unknown measure %q", ind.ID, m)
			}
		}
		if ind.Scale == 0 {
			return fmt.Errorf("indicator %q: scale is required (1, 100 or 1000)", ind.ID)
		}
	case KindMethod:
		if !knownMethods[ind.Method] {
			return fmt.Errorf("indicator %q: unknown method %q", ind.ID, ind.Method)
		}
	case KindStored:
	default:
		return fmt.Errorf("indicator %q: kind %q is not count, rate, proportion, ratio, method or stored", ind.ID, ind.Kind)
	}
	switch ind.Interval {
	case IntervalNone, IntervalPoissonExact, IntervalWilson, IntervalRatioBinom, IntervalDifference, IntervalDelta, IntervalGamma, IntervalChiang, IntervalPosterior:
	case "":
		ind.Interval = IntervalNone
	default:
		return fmt.Errorf("indicator %q: unknown interval method %q", ind.ID, ind.Interval)
	}
	if ind.Decimals < 0 || ind.Decimals > 6 {
		return fmt.Errorf("indicator %q: decimals %d: want 0 to 6", ind.ID, ind.Decimals)
	}
	switch ind.Good {
	case "up", "down", "range", "none":
	case "":
		ind.Good = "none"
	default:
		return fmt.Errorf("indicator %q: good must be up, down, range or none", ind.ID)
	}
	c.byID[ind.ID] = ind
	c.order = append(c.order, ind.ID)
	return nil
}

// LoadFile adds the indicators of a JSON catalog file (an array of
// indicators) to c; name is used in error messages.
func (c *Catalog) LoadFile(r io.Reader, name string) error {
	// fileIndicator tells an omitted "decimals" from 0.
	type fileIndicator struct {
		Indicator
		Decimals *int `json:"decimals"`
	}
	var entries []fileIndicator
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entries); err != nil {
		return fmt.Errorf("indicator catalog %s: %w", name, err)
	}
	for i, e := range entries {
		ind := e.Indicator
		switch {
		case e.Decimals != nil:
			ind.Decimals = *e.Decimals
		case ind.Kind != KindCount:
			ind.Decimals = 2
		}
		if ind.Kind == KindMethod || ind.Kind == KindStored {
			return fmt.Errorf("indicator catalog %s: entry %d (%s): a catalog file may only define count, rate, proportion or ratio indicators", name, i+1, ind.ID)
		}
		if err := c.Add(ind); err != nil {
			return fmt.Errorf("indicator catalog %s: entry %d: %w", name, i+1, err)
		}
	}
	return nil
}

// Get returns the indicator with the given id.
func (c *Catalog) Get(id string) (Indicator, bool) {
	ind, ok := c.byID[id]
	return ind, ok
}

// All returns the indicators in catalog order.
func (c *Catalog) All() []Indicator {
	out := make([]Indicator, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.byID[id])
	}
	return out
}

// IDs returns the indicator ids, sorted.
func (c *Catalog) IDs() []string {
	ids := append([]string(nil), c.order...)
	sort.Strings(ids)
	return ids
}
