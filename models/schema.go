package models

// ColumnType is the logical type of a snapshot column.
type ColumnType string

// Column types of the snapshot format.
const (
	TypeString ColumnType = "VARCHAR"
	TypeDate   ColumnType = "DATE"
	TypeInt    ColumnType = "INTEGER"
	TypeBool   ColumnType = "BOOLEAN"
)

// Column describes one column of a snapshot table.
type Column struct {
	Name     string
	Type     ColumnType
	Required bool   // a row without it is quarantined
	CodeList string // name of the code list its values must belong to, if any
	Division bool   // a 12-digit village code that must exist in the division list
	PII      string // "id" or "name" for personal identifiers kept out of plain sight
	ZH, EN   string // description
}

// Table is the schema of one snapshot table.
type Table struct {
	Name    string // file stem: persons, households, events, sources/police, …
	Key     string // primary-key column
	Columns []Column
	Source  bool // an optional cross-checking source under sources/
}

// Column returns the named column.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// ColumnNames returns the column names in order.
func (t Table) ColumnNames() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// Snapshot table names.
const (
	TablePersons           = "persons"
	TableHouseholds        = "households"
	TableEvents            = "events"
	TablePolice            = "sources/police"
	TableBirthCertificates = "sources/birth_certificates"
	TableDeaths            = "sources/deaths"
	TableBenefitRoll       = "sources/benefit_roll"
)

// PersonsTable is the schema of persons.
var PersonsTable = Table{Name: TablePersons, Key: "person_id", Columns: []Column{
	{Name: "person_id", Type: TypeString, Required: true, ZH: "个案编号", EN: "internal person key"},
	{Name: "id_number", Type: TypeString, PII: "id", ZH: "公民身份号码", EN: "resident ID number"},
	{Name: "name", Type: TypeString, Required: true, PII: "name", ZH: "姓名", EN: "name"},
	{Name: "sex", Type: TypeString, Required: true, CodeList: "sex", ZH: "性别", EN: "sex"},
	{Name: "birth_date", Type: TypeDate, Required: true, ZH: "出生日期", EN: "birth date"},
	{Name: "ethnicity", Type: TypeString, Required: true, CodeList: "ethnicity", ZH: "民族", EN: "ethnicity"},
	{Name: "marital_status", Type: TypeString, CodeList: "marital_status", ZH: "婚姻状况", EN: "marital status"},
	{Name: "education", Type: TypeString, CodeList: "education", ZH: "文化程度", EN: "education"},
	{Name: "reg_place", Type: TypeString, Required: true, Division: true, ZH: "户籍地", EN: "registration place"},
	{Name: "reg_type", Type: TypeString, Required: true, CodeList: "reg_type", ZH: "户口性质", EN: "registration type"},
	{Name: "res_place", Type: TypeString, Required: true, Division: true, ZH: "现居住地", EN: "usual residence"},
	{Name: "household_id", Type: TypeString, Required: true, ZH: "户编号", EN: "household"},
	{Name: "relation", Type: TypeString, Required: true, CodeList: "relation", ZH: "与户主关系", EN: "relation to head"},
	{Name: "vital_status", Type: TypeString, Required: true, CodeList: "vital_status", ZH: "人员状态", EN: "vital status"},
	{Name: "status_date", Type: TypeDate, ZH: "状态变动日期", EN: "date of death or move-out"},
	{Name: "children_born", Type: TypeInt, ZH: "生育子女数", EN: "children ever born"},
	{Name: "children_living", Type: TypeInt, ZH: "现有子女数", EN: "children living"},
	{Name: "contraception", Type: TypeString, CodeList: "contraception", ZH: "避孕方法", EN: "contraceptive method"},
	{Name: "only_child_cert", Type: TypeBool, ZH: "独生子女证", EN: "only-child certificate"},
	{Name: "mother_person_id", Type: TypeString, ZH: "母亲个案编号", EN: "mother's person key"},
	{Name: "father_person_id", Type: TypeString, ZH: "父亲个案编号", EN: "father's person key"},
	{Name: "mother_id_number", Type: TypeString, PII: "id", ZH: "母亲身份号码", EN: "mother's ID number"},
	{Name: "father_id_number", Type: TypeString, PII: "id", ZH: "父亲身份号码", EN: "father's ID number"},
	{Name: "registered_date", Type: TypeDate, Required: true, ZH: "建档日期", EN: "date registered"},
	{Name: "updated_date", Type: TypeDate, ZH: "最后变更日期", EN: "date last changed"},
}}

// HouseholdsTable is the schema of households.
var HouseholdsTable = Table{Name: TableHouseholds, Key: "household_id", Columns: []Column{
	{Name: "household_id", Type: TypeString, Required: true, ZH: "户编号", EN: "household key"},
	{Name: "head_person_id", Type: TypeString, Required: true, ZH: "户主个案编号", EN: "head's person key"},
	{Name: "place", Type: TypeString, Required: true, Division: true, ZH: "住址", EN: "address (village)"},
	{Name: "household_type", Type: TypeString, Required: true, CodeList: "household_type", ZH: "户别", EN: "household type"},
	{Name: "registered_date", Type: TypeDate, ZH: "立户日期", EN: "date registered"},
}}

// EventsTable is the schema of events.
var EventsTable = Table{Name: TableEvents, Key: "event_id", Columns: []Column{
	{Name: "event_id", Type: TypeString, Required: true, ZH: "事件编号", EN: "event key"},
	{Name: "event_type", Type: TypeString, Required: true, CodeList: "event_type", ZH: "事件类型", EN: "event type"},
	{Name: "person_id", Type: TypeString, Required: true, ZH: "个案编号", EN: "person key"},
	{Name: "event_date", Type: TypeDate, Required: true, ZH: "发生日期", EN: "date of occurrence"},
	{Name: "recorded_date", Type: TypeDate, Required: true, ZH: "登记日期", EN: "date recorded"},
	{Name: "place", Type: TypeString, Required: true, Division: true, ZH: "登记地", EN: "place registered"},
	{Name: "from_place", Type: TypeString, ZH: "迁出地", EN: "migration origin"},
	{Name: "to_place", Type: TypeString, ZH: "迁入地", EN: "migration destination"},
	{Name: "birth_order", Type: TypeInt, ZH: "孩次", EN: "birth order"},
	{Name: "policy_conforming", Type: TypeBool, ZH: "是否政策内", EN: "policy-conforming"},
	{Name: "mother_person_id", Type: TypeString, ZH: "母亲个案编号", EN: "mother's person key"},
	{Name: "spouse_person_id", Type: TypeString, ZH: "配偶个案编号", EN: "spouse's person key"},
	{Name: "method", Type: TypeString, CodeList: "contraception", ZH: "避孕方法", EN: "contraceptive method"},
}}

// PoliceTable is the schema of the police household-register extract.
var PoliceTable = Table{Name: TablePolice, Key: "record_id", Source: true, Columns: []Column{
	{Name: "record_id", Type: TypeString, Required: true, ZH: "记录编号", EN: "record key"},
	{Name: "id_number", Type: TypeString, PII: "id", ZH: "公民身份号码", EN: "resident ID number"},
	{Name: "name", Type: TypeString, Required: true, PII: "name", ZH: "姓名", EN: "name"},
	{Name: "sex", Type: TypeString, Required: true, CodeList: "sex", ZH: "性别", EN: "sex"},
	{Name: "birth_date", Type: TypeDate, Required: true, ZH: "出生日期", EN: "birth date"},
	{Name: "reg_place", Type: TypeString, Required: true, Division: true, ZH: "户籍地", EN: "registration place"},
	{Name: "status", Type: TypeString, Required: true, CodeList: "vital_status", ZH: "户籍状态", EN: "register status"},
}}

// BirthCertificatesTable is the schema of the health birth certificates.
var BirthCertificatesTable = Table{Name: TableBirthCertificates, Key: "cert_no", Source: true, Columns: []Column{
	{Name: "cert_no", Type: TypeString, Required: true, ZH: "出生医学证明编号", EN: "certificate number"},
	{Name: "child_name", Type: TypeString, PII: "name", ZH: "新生儿姓名", EN: "child's name"},
	{Name: "child_sex", Type: TypeString, Required: true, CodeList: "sex", ZH: "新生儿性别", EN: "child's sex"},
	{Name: "birth_date", Type: TypeDate, Required: true, ZH: "出生日期", EN: "birth date"},
	{Name: "mother_id_number", Type: TypeString, PII: "id", ZH: "母亲身份号码", EN: "mother's ID number"},
	{Name: "mother_name", Type: TypeString, Required: true, PII: "name", ZH: "母亲姓名", EN: "mother's name"},
	{Name: "place", Type: TypeString, Required: true, Division: true, ZH: "母亲住址", EN: "mother's residence"},
	{Name: "issued_date", Type: TypeDate, Required: true, ZH: "签发日期", EN: "date issued"},
}}

// DeathsTable is the schema of the civil-affairs and cremation death records.
var DeathsTable = Table{Name: TableDeaths, Key: "record_id", Source: true, Columns: []Column{
	{Name: "record_id", Type: TypeString, Required: true, ZH: "记录编号", EN: "record key"},
	{Name: "id_number", Type: TypeString, PII: "id", ZH: "公民身份号码", EN: "resident ID number"},
	{Name: "name", Type: TypeString, Required: true, PII: "name", ZH: "姓名", EN: "name"},
	{Name: "sex", Type: TypeString, Required: true, CodeList: "sex", ZH: "性别", EN: "sex"},
	{Name: "birth_date", Type: TypeDate, ZH: "出生日期", EN: "birth date"},
	{Name: "death_date", Type: TypeDate, Required: true, ZH: "死亡日期", EN: "death date"},
	{Name: "place", Type: TypeString, Required: true, Division: true, ZH: "死亡地/户籍地", EN: "place"},
	{Name: "source", Type: TypeString, Required: true, ZH: "来源(civil/cremation)", EN: "source (civil or cremation)"},
}}

// BenefitRollTable is the schema of the province's benefit payment roll
// (奖励扶助 and 特别扶助 recipients paid in a year), with the facts the
// eligibility rules of the programmes need as the roll records them.
var BenefitRollTable = Table{Name: TableBenefitRoll, Key: "record_id", Source: true, Columns: []Column{
	{Name: "record_id", Type: TypeString, Required: true, ZH: "记录编号", EN: "record key"},
	{Name: "id_number", Type: TypeString, Required: true, PII: "id", ZH: "公民身份号码", EN: "resident ID number"},
	{Name: "name", Type: TypeString, Required: true, PII: "name", ZH: "姓名", EN: "name"},
	{Name: "programme", Type: TypeString, Required: true, ZH: "项目(reward 奖励扶助/special 特别扶助)", EN: "programme (reward or special)"},
	{Name: "year", Type: TypeInt, Required: true, ZH: "发放年度", EN: "payment year"},
	{Name: "amount", Type: TypeInt, Required: true, ZH: "发放金额(元)", EN: "amount paid (yuan)"},
	{Name: "reg_place", Type: TypeString, Required: true, Division: true, ZH: "户籍地", EN: "registration place"},
	{Name: "sex", Type: TypeString, Required: true, CodeList: "sex", ZH: "性别", EN: "sex"},
	{Name: "birth_date", Type: TypeDate, Required: true, ZH: "出生日期", EN: "birth date"},
	{Name: "rural_reg", Type: TypeBool, Required: true, ZH: "农业户口", EN: "agricultural registration"},
	{Name: "children", Type: TypeInt, Required: true, ZH: "现存子女数", EN: "living children"},
	{Name: "daughters", Type: TypeInt, Required: true, ZH: "现存女儿数", EN: "living daughters"},
	{Name: "child_died", Type: TypeBool, Required: true, ZH: "独生子女死亡", EN: "only child died"},
}}

// SnapshotTables lists every table of the snapshot format in load order.
var SnapshotTables = []Table{PersonsTable, HouseholdsTable, EventsTable, PoliceTable, BirthCertificatesTable, DeathsTable, BenefitRollTable}
