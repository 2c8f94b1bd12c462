package load

// Reason is a stable snake_case code for a row-level problem, with its
// message in Chinese and English.
type Reason struct {
	Code string
	Flag bool // true: the row is accepted and the problem only noted
	ZH   string
	EN   string
}

// Reason codes. They are part of the snapshot format's contract (listed in
// docs/snapshot-format.md); never rename one.
const (
	ReasonMissingRequired      = "missing_required"
	ReasonBadDate              = "bad_date"
	ReasonBadInteger           = "bad_integer"
	ReasonBadBoolean           = "bad_boolean"
	ReasonUnknownCode          = "unknown_code"
	ReasonUnknownDivision      = "unknown_division"
	ReasonIDFormat             = "id_format"
	ReasonIDBirthDate          = "id_birth_date"
	ReasonIDCheckCharacter     = "id_check_character"
	ReasonBirthInFuture        = "birth_in_future"
	ReasonDateAfterSnapshot    = "date_after_snapshot"
	ReasonDeathBeforeBirth     = "death_before_birth"
	ReasonDateBeforeBirth      = "date_before_birth"
	ReasonEventOutsidePeriod   = "event_outside_period"
	ReasonRecordedBeforeEvent  = "recorded_before_event"
	ReasonBadCount             = "bad_count"
	ReasonDuplicateKey         = "duplicate_key"
	ReasonHouseholdUnknown     = "household_unknown"
	ReasonHouseholdQuarantined = "household_quarantined"
	ReasonMotherUnknown        = "mother_unknown"
	ReasonMotherQuarantined    = "mother_quarantined"
	ReasonFatherUnknown        = "father_unknown"
	ReasonFatherQuarantined    = "father_quarantined"
	ReasonPersonUnknown        = "person_unknown"
	ReasonPersonQuarantined    = "person_quarantined"
	ReasonCSVMalformed         = "csv_malformed"
	ReasonOutOfScope           = "out_of_scope"
	// Flags: the row is kept.
	// (household_quarantined, mother_quarantined, father_quarantined and
	// person_quarantined above are flags too: see docs/snapshot-format.md.)
	ReasonIDBirthMismatch   = "id_birth_mismatch"
	ReasonIDSexMismatch     = "id_sex_mismatch"
	ReasonStatusDateMissing = "status_date_missing"
	ReasonHeadUnknown       = "head_unknown"
	ReasonSpouseUnknown     = "spouse_unknown"
)

// Reasons lists every reason in documentation order.
var Reasons = []Reason{
	{ReasonMissingRequired, false, "必填字段缺失", "a required field is empty"},
	{ReasonBadDate, false, "日期无效（应为 YYYY-MM-DD 的真实日期）", "not a real date in YYYY-MM-DD form"},
	{ReasonBadInteger, false, "不是整数", "not a whole number"},
	{ReasonBadBoolean, false, "不是布尔值（true/false）", "not a boolean (true/false)"},
	{ReasonUnknownCode, false, "代码不在代码表中", "code is not in its code list"},
	{ReasonUnknownDivision, false, "行政区划代码不存在", "division code does not exist"},
	{ReasonIDFormat, false, "公民身份号码格式错误（应为18位，前17位数字，末位数字或X）", "ID number is malformed (18 characters: 17 digits and a digit or X)"},
	{ReasonIDBirthDate, false, "公民身份号码中的出生日期无效", "the birth date inside the ID number is not a real date"},
	{ReasonIDCheckCharacter, false, "公民身份号码校验码错误", "ID number check character is wrong"},
	{ReasonBirthInFuture, false, "出生日期晚于快照日期", "birth date is after the snapshot date"},
	{ReasonDateAfterSnapshot, false, "日期晚于快照日期", "date is after the snapshot date"},
	{ReasonDeathBeforeBirth, false, "死亡日期早于出生日期", "death date is before the birth date"},
	{ReasonDateBeforeBirth, false, "日期早于出生日期", "date is before the birth date"},
	{ReasonEventOutsidePeriod, false, "事件日期不在快照期内", "event date is outside the snapshot period"},
	{ReasonRecordedBeforeEvent, false, "登记日期早于发生日期", "recorded before it happened"},
	{ReasonBadCount, false, "数量无效（负数，或现有子女数大于生育子女数）", "count is invalid (negative, or more children living than born)"},
	{ReasonDuplicateKey, false, "主键重复（保留文件中第一条）", "duplicate key (the first row in the file is kept)"},
	{ReasonHouseholdUnknown, false, "户编号在户表中不存在", "household does not exist in the households table"},
	{ReasonHouseholdQuarantined, true, "所属户记录已被隔离", "the household's own row was quarantined"},
	{ReasonMotherUnknown, false, "母亲个案编号不存在", "mother's person key does not exist"},
	{ReasonMotherQuarantined, true, "母亲的记录已被隔离", "the mother's row was quarantined"},
	{ReasonFatherUnknown, false, "父亲个案编号不存在", "father's person key does not exist"},
	{ReasonFatherQuarantined, true, "父亲的记录已被隔离", "the father's row was quarantined"},
	{ReasonPersonUnknown, false, "个案编号在人员表中不存在", "person key does not exist in the persons table"},
	{ReasonPersonQuarantined, true, "该人员的记录已被隔离", "the person's row was quarantined"},
	{ReasonCSVMalformed, false, "CSV 行格式错误（字段数不对、引号不配对、行过长或含非文本字节），该行未读入", "malformed CSV record (wrong number of fields, bad quoting, too long, or bytes that are not text); the record was not read"},
	{ReasonOutOfScope, false, "行政区划不在快照范围内（户籍地和现居住地均不在清单所述省或县内）", "divisions are outside the snapshot's scope (neither registration nor residence is in the manifest's province or counties)"},
	{ReasonIDBirthMismatch, true, "身份号码中的出生日期与出生日期字段不一致", "birth date in the ID number differs from the birth date field"},
	{ReasonIDSexMismatch, true, "身份号码的性别位与性别字段不一致", "sex digit of the ID number differs from the sex field"},
	{ReasonStatusDateMissing, true, "死亡或迁出人员缺少状态变动日期", "dead or moved-out person without a status date"},
	{ReasonHeadUnknown, true, "户主个案编号不在已接收的人员中", "the head is not among the accepted persons"},
	{ReasonSpouseUnknown, true, "配偶个案编号不在已接收的人员中", "the spouse is not among the accepted persons"},
}

// LookupReason returns the reason with code.
func LookupReason(code string) (Reason, bool) {
	for _, r := range Reasons {
		if r.Code == code {
			return r, true
		}
	}
	return Reason{}, false
}
