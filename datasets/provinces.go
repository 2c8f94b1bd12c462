package datasets

import (
	"sort"

	"github.com/padis/padis/models"
)

// EthnicShare is the share (%) of one ethnic group in a population.
type EthnicShare struct {
	Code  models.Ethnicity
	Share float64
}

// ProvinceFacts are one province's calibration facts and assumptions for
// 2020. Shares are percentages. Notes says which figures are census figures
// and which are assumptions; docs/datasets.md has the sources.
type ProvinceFacts struct {
	Code          string // 2-digit division code
	Name          string // Chinese name, as in the division list
	NameEN        string
	Population    int64         // 2020 census resident population
	SexRatio      float64       // males per 100 females, 2020 census
	Share0to14    float64       // % aged 0–14, 2020 census
	Share65plus   float64       // % aged 65 and over, 2020 census
	HouseholdSize float64       // persons per family household, 2020 census
	UrbanShare    float64       // % urban, 2020 census
	TFR           float64       // total fertility rate, assumption
	SRB           float64       // sex ratio at birth, assumption
	E0            float64       // life expectancy at birth, assumption
	Ethnic        []EthnicShare // main minorities and their approximate share
	Notes         string
}

// provinceNote is the provenance common to every province.
const provinceNote = "Census 2020: population (exact), age shares, urban share; sex ratio and household size " +
	"as recalled from the provincial census communiqués (may differ in the last digit). " +
	"Assumptions: TFR, SRB and e0 (rounded, census-informed levels), ethnic shares (rounded approximations)."

type eth = EthnicShare

// provinceTable is sorted by code. Columns: code, name, English name,
// population, sex ratio, 0–14 %, 65+ %, household size, urban %, TFR, SRB,
// e0, minorities, extra note.
var provinceTable = []ProvinceFacts{
	{"11", "北京市", "Beijing", 21_893_095, 104.65, 11.84, 13.30, 2.31, 87.55, 0.87, 107.0, 82.4, []eth{{"11", 1.5}, {"03", 1.1}}, "Municipality; very low fertility."},
	{"12", "天津市", "Tianjin", 13_866_009, 106.31, 13.47, 14.75, 2.40, 84.70, 0.92, 108.0, 81.3, []eth{{"03", 1.3}, {"11", 0.7}}, "Municipality."},
	{"13", "河北省", "Hebei", 74_610_235, 102.02, 20.22, 13.92, 2.75, 60.07, 1.48, 110.0, 77.8, []eth{{"11", 2.8}, {"03", 0.8}, {"02", 0.3}}, ""},
	{"14", "山西省", "Shanxi", 34_915_616, 104.06, 16.35, 12.90, 2.52, 62.53, 1.24, 108.0, 77.9, []eth{{"03", 0.2}}, ""},
	{"15", "内蒙古自治区", "Inner Mongolia", 24_049_155, 104.26, 14.04, 13.05, 2.33, 67.48, 1.05, 106.0, 77.6, []eth{{"02", 17.7}, {"11", 2.0}, {"03", 0.9}, {"31", 0.3}}, "Autonomous region."},
	{"21", "辽宁省", "Liaoning", 42_591_407, 98.83, 11.12, 17.42, 2.27, 72.14, 0.92, 107.0, 78.7, []eth{{"11", 12.2}, {"02", 1.6}, {"03", 0.6}, {"10", 0.5}}, "North-east: very low fertility, old."},
	{"22", "吉林省", "Jilin", 24_073_453, 99.69, 11.71, 15.61, 2.35, 62.64, 0.88, 106.0, 78.3, []eth{{"10", 3.9}, {"11", 3.1}, {"02", 0.6}}, "North-east: very low fertility."},
	{"23", "黑龙江省", "Heilongjiang", 31_850_088, 100.35, 10.32, 15.61, 2.23, 65.61, 0.76, 106.0, 78.0, []eth{{"11", 2.0}, {"10", 0.8}, {"02", 0.4}}, "North-east: lowest fertility of the provinces."},
	{"31", "上海市", "Shanghai", 24_870_895, 107.33, 9.80, 16.28, 2.32, 89.30, 0.74, 107.0, 82.8, []eth{{"03", 0.3}}, "Municipality; lowest fertility, highest e0."},
	{"32", "江苏省", "Jiangsu", 84_748_016, 101.88, 15.21, 16.20, 2.60, 73.44, 1.12, 110.0, 79.3, []eth{{"03", 0.2}}, ""},
	{"33", "浙江省", "Zhejiang", 64_567_588, 109.04, 13.45, 13.27, 2.35, 72.17, 1.04, 109.0, 80.2, []eth{{"22", 0.3}, {"06", 0.5}, {"15", 0.4}}, "Many inter-provincial in-migrants."},
	{"34", "安徽省", "Anhui", 61_027_171, 103.94, 19.24, 15.01, 2.61, 58.33, 1.39, 114.0, 77.9, []eth{{"03", 0.6}}, "SRB historically high."},
	{"35", "福建省", "Fujian", 41_540_086, 106.94, 19.32, 11.10, 2.73, 68.75, 1.30, 112.0, 78.5, []eth{{"22", 1.0}}, ""},
	{"36", "江西省", "Jiangxi", 45_188_635, 106.62, 21.96, 11.89, 2.91, 60.44, 1.54, 116.0, 77.6, []eth{{"22", 0.2}}, "SRB historically high."},
	{"37", "山东省", "Shandong", 101_527_453, 100.94, 18.78, 15.13, 2.70, 63.05, 1.39, 110.0, 79.2, []eth{{"03", 0.5}}, ""},
	{"41", "河南省", "Henan", 99_365_519, 100.60, 23.14, 13.49, 2.92, 55.43, 1.40, 111.0, 77.6, []eth{{"03", 1.0}}, ""},
	{"42", "湖北省", "Hubei", 57_752_557, 105.83, 16.31, 14.59, 2.61, 62.89, 1.19, 113.0, 78.0, []eth{{"15", 3.7}, {"06", 0.3}}, "SRB historically high."},
	{"43", "湖南省", "Hunan", 66_444_864, 104.77, 19.52, 14.81, 2.62, 58.76, 1.38, 114.0, 77.9, []eth{{"15", 4.0}, {"06", 3.3}, {"12", 1.3}, {"13", 1.1}}, "SRB historically high."},
	{"44", "广东省", "Guangdong", 126_012_510, 113.08, 18.85, 8.58, 2.59, 74.15, 1.36, 115.0, 79.3, []eth{{"08", 1.3}, {"15", 0.5}, {"06", 0.5}, {"13", 0.3}}, "Largest population; young labour in-migration lifts the sex ratio; SRB historically high."},
	{"45", "广西壮族自治区", "Guangxi", 50_126_804, 108.30, 23.63, 12.20, 2.99, 54.20, 1.94, 112.0, 77.4, []eth{{"08", 31.4}, {"13", 3.6}, {"06", 1.0}, {"12", 0.6}, {"32", 0.3}}, "Autonomous region; high fertility."},
	{"46", "海南省", "Hainan", 10_081_232, 112.86, 19.97, 10.43, 3.03, 60.27, 1.65, 118.0, 79.0, []eth{{"19", 15.1}, {"06", 0.8}}, "Highest SRB."},
	{"50", "重庆市", "Chongqing", 32_054_159, 102.21, 15.91, 17.08, 2.49, 69.46, 1.15, 108.0, 78.6, []eth{{"15", 4.5}, {"06", 1.5}}, "Municipality, largely rural counties; old."},
	{"51", "四川省", "Sichuan", 83_674_866, 102.19, 16.10, 16.93, 2.51, 56.73, 1.22, 108.0, 77.9, []eth{{"07", 3.4}, {"04", 1.8}, {"33", 0.4}}, "Yi in Liangshan, Tibetans in Ganzi/Aba, Qiang in Aba."},
	{"52", "贵州省", "Guizhou", 38_562_148, 104.13, 23.97, 11.56, 2.73, 53.15, 2.04, 113.0, 75.2, []eth{{"06", 11.2}, {"09", 6.6}, {"12", 4.2}, {"15", 3.5}, {"07", 2.5}, {"37", 1.4}, {"25", 0.9}}, "Highest fertility."},
	{"53", "云南省", "Yunnan", 47_209_277, 107.24, 19.57, 10.75, 2.95, 50.05, 1.51, 108.0, 74.0, []eth{{"07", 10.7}, {"16", 3.6}, {"14", 3.4}, {"18", 2.8}, {"06", 2.6}, {"08", 2.5}, {"03", 1.5}, {"20", 1.5}}, "Most ethnically diverse province."},
	{"54", "西藏自治区", "Tibet", 3_648_100, 110.32, 24.53, 5.67, 3.19, 35.73, 1.93, 105.0, 72.2, []eth{{"04", 86.0}, {"54", 0.3}}, "Autonomous region; youngest, most rural, lowest e0."},
	{"61", "陕西省", "Shaanxi", 39_528_999, 104.80, 17.33, 13.32, 2.64, 62.66, 1.27, 110.0, 77.8, []eth{{"03", 0.4}}, ""},
	{"62", "甘肃省", "Gansu", 25_019_831, 103.13, 19.40, 12.58, 2.88, 52.23, 1.51, 111.0, 75.6, []eth{{"03", 5.0}, {"26", 2.5}, {"04", 2.0}}, ""},
	{"63", "青海省", "Qinghai", 5_923_957, 105.68, 20.81, 8.68, 2.78, 60.08, 1.62, 106.0, 73.5, []eth{{"04", 24.6}, {"03", 14.8}, {"30", 3.5}, {"35", 1.9}, {"02", 1.7}}, ""},
	{"64", "宁夏回族自治区", "Ningxia", 7_202_654, 103.61, 20.38, 9.62, 2.68, 64.96, 1.60, 107.0, 76.6, []eth{{"03", 36.6}}, "Autonomous region."},
	{"65", "新疆维吾尔自治区", "Xinjiang", 25_852_345, 106.85, 22.46, 7.76, 2.65, 56.53, 1.60, 106.0, 75.6, []eth{{"05", 45.0}, {"17", 6.3}, {"03", 4.4}, {"29", 0.8}, {"02", 0.7}}, "Autonomous region."},
}

func init() {
	for i := range provinceTable {
		p := &provinceTable[i]
		if p.Notes == "" {
			p.Notes = provinceNote
		} else {
			p.Notes = p.Notes + " " + provinceNote
		}
	}
}

// Provinces returns the facts of all 31 provinces, sorted by code. The
// slice is a copy; changing it changes nothing here.
func Provinces() []ProvinceFacts {
	out := make([]ProvinceFacts, len(provinceTable))
	for i, p := range provinceTable {
		p.Ethnic = append([]EthnicShare(nil), p.Ethnic...)
		out[i] = p
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Province returns the facts of the province with the 2-digit code (or a
// padded form such as "510000").
func Province(code string) (ProvinceFacts, bool) {
	if c, err := models.NormalizeCode(code); err == nil && len(c) == 2 {
		code = c
	}
	for _, p := range provinceTable {
		if p.Code == code {
			p.Ethnic = append([]EthnicShare(nil), p.Ethnic...)
			return p, true
		}
	}
	return ProvinceFacts{}, false
}
