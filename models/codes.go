package models

// Sex is a GB/T 2261.1-2003 sex code.
type Sex string

// Sex codes.
const (
	SexUnknown   Sex = "0"
	SexMale      Sex = "1"
	SexFemale    Sex = "2"
	SexNotStated Sex = "9"
)

// SexCodes is the GB/T 2261.1 code list.
var SexCodes = newCodeList("sex", "GB/T 2261.1-2003", []CodeEntry[Sex]{
	{SexUnknown, "未知的性别", "unknown"},
	{SexMale, "男", "male"},
	{SexFemale, "女", "female"},
	{SexNotStated, "未说明的性别", "not stated"},
})

// Marital is a GB/T 2261.2-2003 marital-status code.
type Marital string

// Marital-status codes.
const (
	MaritalNever     Marital = "10"
	MaritalMarried   Marital = "20"
	MaritalFirst     Marital = "21"
	MaritalRemarried Marital = "22"
	MaritalReunited  Marital = "23"
	MaritalWidowed   Marital = "30"
	MaritalDivorced  Marital = "40"
	MaritalNotStated Marital = "90"
)

// MaritalCodes is the GB/T 2261.2 code list.
var MaritalCodes = newCodeList("marital_status", "GB/T 2261.2-2003", []CodeEntry[Marital]{
	{MaritalNever, "未婚", "never married"},
	{MaritalMarried, "已婚", "married"},
	{MaritalFirst, "初婚", "first marriage"},
	{MaritalRemarried, "再婚", "remarried"},
	{MaritalReunited, "复婚", "remarried to former spouse"},
	{MaritalWidowed, "丧偶", "widowed"},
	{MaritalDivorced, "离婚", "divorced"},
	{MaritalNotStated, "未说明的婚姻状况", "not stated"},
})

// IsMarried reports whether m is one of the currently-married codes (20–23).
func (m Marital) IsMarried() bool {
	return m == MaritalMarried || m == MaritalFirst || m == MaritalRemarried || m == MaritalReunited
}

// Ethnicity is a GB 3304-1991 ethnicity code.
type Ethnicity string

// The ethnicity codes used by name in the code.
const (
	EthnicHan     Ethnicity = "01"
	EthnicMongol  Ethnicity = "02"
	EthnicHui     Ethnicity = "03"
	EthnicTibetan Ethnicity = "04"
	EthnicUyghur  Ethnicity = "05"
	EthnicZhuang  Ethnicity = "08"
	EthnicOther   Ethnicity = "97"
)

// EthnicityCodes is the GB 3304 code list: the 56 nationalities, the
// unrecognised ones (97) and Chinese citizens of foreign origin (98).
var EthnicityCodes = newCodeList("ethnicity", "GB 3304-1991", []CodeEntry[Ethnicity]{
	{"01", "汉族", "Han"}, {"02", "蒙古族", "Mongol"}, {"03", "回族", "Hui"},
	{"04", "藏族", "Tibetan"}, {"05", "维吾尔族", "Uyghur"}, {"06", "苗族", "Miao"},
	{"07", "彝族", "Yi"}, {"08", "壮族", "Zhuang"}, {"09", "布依族", "Buyei"},
	{"10", "朝鲜族", "Korean"}, {"11", "满族", "Manchu"}, {"12", "侗族", "Dong"},
	{"13", "瑶族", "Yao"}, {"14", "白族", "Bai"}, {"15", "土家族", "Tujia"},
	{"16", "哈尼族", "Hani"}, {"17", "哈萨克族", "Kazakh"}, {"18", "傣族", "Dai"},
	{"19", "黎族", "Li"}, {"20", "傈僳族", "Lisu"}, {"21", "佤族", "Va"},
	{"22", "畲族", "She"}, {"23", "高山族", "Gaoshan"}, {"24", "拉祜族", "Lahu"},
	{"25", "水族", "Sui"}, {"26", "东乡族", "Dongxiang"}, {"27", "纳西族", "Naxi"},
	{"28", "景颇族", "Jingpo"}, {"29", "柯尔克孜族", "Kirgiz"}, {"30", "土族", "Tu"},
	{"31", "达斡尔族", "Daur"}, {"32", "仫佬族", "Mulao"}, {"33", "羌族", "Qiang"},
	{"34", "布朗族", "Blang"}, {"35", "撒拉族", "Salar"}, {"36", "毛南族", "Maonan"},
	{"37", "仡佬族", "Gelao"}, {"38", "锡伯族", "Xibe"}, {"39", "阿昌族", "Achang"},
	{"40", "普米族", "Pumi"}, {"41", "塔吉克族", "Tajik"}, {"42", "怒族", "Nu"},
	{"43", "乌孜别克族", "Uzbek"}, {"44", "俄罗斯族", "Russian"}, {"45", "鄂温克族", "Ewenki"},
	{"46", "德昂族", "De'ang"}, {"47", "保安族", "Bonan"}, {"48", "裕固族", "Yugur"},
	{"49", "京族", "Gin"}, {"50", "塔塔尔族", "Tatar"}, {"51", "独龙族", "Derung"},
	{"52", "鄂伦春族", "Oroqen"}, {"53", "赫哲族", "Hezhen"}, {"54", "门巴族", "Monba"},
	{"55", "珞巴族", "Lhoba"}, {"56", "基诺族", "Jino"},
	{"97", "其他未识别民族", "other (unrecognised)"},
	{"98", "外国血统中国籍人士", "Chinese citizen of foreign origin"},
})

// Education is a GB/T 4658-2006 education-level code.
type Education string

// Education codes.
const (
	EduPostgraduate Education = "10"
	EduUniversity   Education = "20"
	EduCollege      Education = "30"
	EduVocational   Education = "40"
	EduSenior       Education = "60"
	EduJunior       Education = "70"
	EduPrimary      Education = "80"
	EduOther        Education = "90"
)

// EducationCodes is the GB/T 4658 code list (first level).
var EducationCodes = newCodeList("education", "GB/T 4658-2006", []CodeEntry[Education]{
	{EduPostgraduate, "研究生教育", "postgraduate"},
	{EduUniversity, "大学本科", "university"},
	{EduCollege, "大学专科和专科学校", "college"},
	{EduVocational, "中等职业教育", "secondary vocational"},
	{EduSenior, "普通高级中学教育", "senior secondary"},
	{EduJunior, "初级中学教育", "junior secondary"},
	{EduPrimary, "小学教育", "primary"},
	{EduOther, "其他", "other / none"},
})

// RegType is the household-registration (户口) type.
type RegType string

// Registration types.
const (
	RegAgricultural    RegType = "1"
	RegNonAgricultural RegType = "2"
	RegUnified         RegType = "3"
)

// RegTypeCodes lists the registration types. After the 2014 reform new
// registrations are unified resident registrations (居民户口); the older
// agricultural / non-agricultural distinction remains on older records and
// decides eligibility for the rural reward programme.
var RegTypeCodes = newCodeList("reg_type", "户口性质 (公安部)", []CodeEntry[RegType]{
	{RegAgricultural, "农业户口", "agricultural"},
	{RegNonAgricultural, "非农业户口", "non-agricultural"},
	{RegUnified, "居民户口", "unified resident"},
})

// Contraception is a contraceptive-method code of the family-planning
// statistics (避孕方法).
type Contraception string

// Contraceptive methods.
const (
	ContraNone       Contraception = "00"
	ContraVasectomy  Contraception = "01"
	ContraTubal      Contraception = "02"
	ContraIUD        Contraception = "03"
	ContraImplant    Contraception = "04"
	ContraPill       Contraception = "05"
	ContraInjectable Contraception = "06"
	ContraCondom     Contraception = "07"
	ContraSpermicide Contraception = "08"
	ContraOther      Contraception = "09"
)

// ContraceptionCodes lists the contraceptive methods.
var ContraceptionCodes = newCodeList("contraception", "计划生育统计避孕方法", []CodeEntry[Contraception]{
	{ContraNone, "未避孕", "none"},
	{ContraVasectomy, "男性绝育", "vasectomy"},
	{ContraTubal, "女性绝育", "tubal ligation"},
	{ContraIUD, "宫内节育器", "IUD"},
	{ContraImplant, "皮下埋植", "implant"},
	{ContraPill, "口服避孕药", "oral pill"},
	{ContraInjectable, "避孕针", "injectable"},
	{ContraCondom, "避孕套", "condom"},
	{ContraSpermicide, "外用避孕药", "spermicide"},
	{ContraOther, "其他方法", "other method"},
})

// Relation is a relation to the household head, GB/T 4761-2008 (first level).
type Relation string

// Relations to the head.
const (
	RelHead        Relation = "02"
	RelSpouse      Relation = "10"
	RelSon         Relation = "20"
	RelDaughter    Relation = "30"
	RelGrandchild  Relation = "40"
	RelParent      Relation = "50"
	RelGrandparent Relation = "60"
	RelSibling     Relation = "70"
	RelOtherKin    Relation = "80"
	RelNonKin      Relation = "99"
)

// RelationCodes is the GB/T 4761 code list.
var RelationCodes = newCodeList("relation", "GB/T 4761-2008", []CodeEntry[Relation]{
	{RelHead, "户主", "head"},
	{RelSpouse, "配偶", "spouse"},
	{RelSon, "子", "son"},
	{RelDaughter, "女", "daughter"},
	{RelGrandchild, "孙子女", "grandchild"},
	{RelParent, "父母", "parent"},
	{RelGrandparent, "祖父母或外祖父母", "grandparent"},
	{RelSibling, "兄弟姐妹", "sibling"},
	{RelOtherKin, "其他亲属", "other relative"},
	{RelNonKin, "非亲属", "non-relative"},
})

// EventType is the kind of a vital or administrative event.
type EventType string

// Event types.
const (
	EventBirth       EventType = "birth"
	EventDeath       EventType = "death"
	EventMigrateIn   EventType = "in"
	EventMigrateOut  EventType = "out"
	EventMarriage    EventType = "marriage"
	EventDivorce     EventType = "divorce"
	EventContraStart EventType = "contra_start"
	EventContraStop  EventType = "contra_stop"
)

// EventTypeCodes lists the event types.
var EventTypeCodes = newCodeList("event_type", "PADIS", []CodeEntry[EventType]{
	{EventBirth, "出生", "birth"},
	{EventDeath, "死亡", "death"},
	{EventMigrateIn, "迁入", "in-migration"},
	{EventMigrateOut, "迁出", "out-migration"},
	{EventMarriage, "结婚", "marriage"},
	{EventDivorce, "离婚", "divorce"},
	{EventContraStart, "落实避孕措施", "contraception started"},
	{EventContraStop, "停止避孕措施", "contraception stopped"},
})

// VitalStatus is a person's status in the database.
type VitalStatus string

// Vital statuses.
const (
	StatusAlive    VitalStatus = "1"
	StatusDead     VitalStatus = "2"
	StatusMovedOut VitalStatus = "3"
)

// VitalStatusCodes lists the vital statuses.
var VitalStatusCodes = newCodeList("vital_status", "PADIS", []CodeEntry[VitalStatus]{
	{StatusAlive, "在册", "alive, on the register"},
	{StatusDead, "死亡", "dead"},
	{StatusMovedOut, "迁出", "moved out"},
})

// HouseholdType distinguishes family from collective households.
type HouseholdType string

// Household types.
const (
	HouseholdFamily     HouseholdType = "1"
	HouseholdCollective HouseholdType = "2"
)

// HouseholdTypeCodes lists the household types.
var HouseholdTypeCodes = newCodeList("household_type", "户别", []CodeEntry[HouseholdType]{
	{HouseholdFamily, "家庭户", "family household"},
	{HouseholdCollective, "集体户", "collective household"},
})
