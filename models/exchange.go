package models

// The national exchange (两级信息处理): each province node sends the national
// node a package of additive cube measures and of the few individual records
// the centre holds (cross-province migrants, benefit recipients, the deaths
// the benefit checks need), every identifier replaced by the national
// exchange pseudonym (engine/pii.NationalPseudonym). These are the record
// types both sides of the exchange and the national reconciliation share.

// Roles of a cross-province migrant record, as the sending province's
// records show the person.
const (
	// MigrantOut: registered (户籍) in the sending province and recorded as
	// moved out to another province.
	MigrantOut = "out"
	// MigrantIn: recorded as moved in from another province.
	MigrantIn = "in"
	// MigrantResident: resident in the sending province at as-of while
	// registered in another province (人户分离 across the border).
	MigrantResident = "resident"
)

// CrossMigrant is one person's cross-province migration as one province's
// records show it. Dates are YYYY-MM-DD; an unknown value is "".
type CrossMigrant struct {
	NationalID    string `json:"nid"`                      // national exchange pseudonym of the ID number
	Province      string `json:"province"`                 // sending province, 2 digits
	Role          string `json:"role"`                     // MigrantOut, MigrantIn or MigrantResident
	OtherProvince string `json:"other_province,omitempty"` // the other end as the sender records it (2 digits)
	EventDate     string `json:"event_date,omitempty"`     // date of the move as recorded (out or in)
	County        string `json:"county"`                   // 6-digit county: of residence (in, resident) or of registration (out)
	Sex           string `json:"sex"`                      // GB/T 2261.1: 1 male, 2 female
	BirthDate     string `json:"birth_date"`
	RecordKey     string `json:"record_key"` // the province's own person pseudonym, for feedback on worklist items
}

// Benefit programmes of the national benefit roll.
const (
	// ProgrammeReward is 农村部分计划生育家庭奖励扶助.
	ProgrammeReward = "reward"
	// ProgrammeSpecial is 计划生育家庭特别扶助.
	ProgrammeSpecial = "special"
)

// BenefitRecipient is one person on a province's benefit payment roll for
// a year, with the facts the eligibility rules of DOMAIN.md need.
type BenefitRecipient struct {
	NationalID string  `json:"nid"`
	Province   string  `json:"province"`
	Programme  string  `json:"programme"` // ProgrammeReward or ProgrammeSpecial
	Year       int     `json:"year"`      // payment year
	Amount     float64 `json:"amount"`    // yuan paid in Year
	County     string  `json:"county"`    // 6-digit county of registration
	Sex        string  `json:"sex"`
	BirthDate  string  `json:"birth_date"`
	RuralReg   bool    `json:"rural_reg"` // agricultural registration
	Children   int     `json:"children"`  // live children now
	Daughters  int     `json:"daughters"`
	ChildDied  bool    `json:"child_died"` // the only child died (special assistance)
	RecordKey  string  `json:"record_key"`
}

// CrossDeath is a death known to a province (its register or its
// civil-affairs and cremation records), sent so that the national node can
// check recipients and migrants against deaths anywhere.
type CrossDeath struct {
	NationalID string `json:"nid"`
	Province   string `json:"province"`
	DeathDate  string `json:"death_date"`
	Source     string `json:"source"` // "register", "civil" or "cremation"
}

// Feedback statuses a province returns on a national worklist item.
const (
	FeedbackConfirmed = "confirmed" // the defect is real and has been corrected at source
	FeedbackRejected  = "rejected"  // not a defect (evidence in the note code)
	FeedbackPending   = "pending"   // under investigation
)

// Feedback is a province's answer on one national worklist item, returned
// in its next exchange package.
type Feedback struct {
	ItemID   string `json:"item_id"` // the national worklist item
	Province string `json:"province"`
	Status   string `json:"status"`
	Date     string `json:"date"`             // YYYY-MM-DD the province answered
	Reason   string `json:"reason,omitempty"` // a short code, never personal data
}
