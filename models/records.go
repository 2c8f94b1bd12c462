package models

import "time"

// The records of a full-population individual database (全员人口个案信息库).
// Dates are civil dates; a zero time.Time means "absent".

// Person is one individual record.
type Person struct {
	PersonID       string // the provincial database's internal key
	IDNumber       string // resident ID number; may be missing or invalid in raw data
	Name           string
	Sex            Sex
	BirthDate      time.Time
	Ethnicity      Ethnicity
	Marital        Marital
	Education      Education
	RegPlace       string // 户籍地: 12-digit village code
	RegType        RegType
	ResPlace       string // usual residence: 12-digit village code
	HouseholdID    string
	Relation       Relation
	Status         VitalStatus
	StatusDate     time.Time // date of death or move-out; zero when alive
	ChildrenBorn   int       // children ever born (women 15+)
	ChildrenLiving int
	Contraception  Contraception // married women 15+ (kept after 49); "" otherwise
	OnlyChildCert  bool          // holds an only-child certificate (独生子女父母光荣证)
	MotherID       string        // mother's PersonID, for children born in the database
	FatherID       string
	MotherIDNumber string
	FatherIDNumber string
	RegisteredDate time.Time // record created
	UpdatedDate    time.Time // record last changed
}

// Household is one household (户).
type Household struct {
	HouseholdID    string
	HeadID         string // PersonID of the head
	Place          string // 12-digit village code of the household's address
	Type           HouseholdType
	RegisteredDate time.Time
}

// Event is one vital or administrative event of a person.
type Event struct {
	EventID      string
	Type         EventType
	PersonID     string    // the person the event happened to (the child, for a birth)
	Date         time.Time // when it happened
	RecordedDate time.Time // when it was entered in the database
	Place        string    // 12-digit village code where it was registered
	FromPlace    string    // migration: origin (12-digit village, or a 6-digit county outside the province)
	ToPlace      string    // migration: destination
	BirthOrder   int       // birth: 1, 2, 3, …
	PolicyOK     *bool     // birth: conforms to the birth policy
	MotherID     string    // birth: the mother's PersonID
	SpouseID     string    // marriage/divorce: the spouse's PersonID
	Method       Contraception
}

// PoliceRecord is one row of a police household-register extract (公安户籍).
type PoliceRecord struct {
	RecordID  string
	IDNumber  string
	Name      string
	Sex       Sex
	BirthDate time.Time
	RegPlace  string // 12-digit village code
	Status    VitalStatus
}

// BirthCertificate is one medical birth certificate (出生医学证明).
type BirthCertificate struct {
	CertNo         string
	ChildName      string
	ChildSex       Sex
	BirthDate      time.Time
	MotherIDNumber string
	MotherName     string
	Place          string // 12-digit village code of the mother's residence
	IssuedDate     time.Time
}

// DeathRecord is one civil-affairs or cremation death record.
type DeathRecord struct {
	RecordID  string
	IDNumber  string
	Name      string
	Sex       Sex
	BirthDate time.Time
	DeathDate time.Time
	Place     string // 12-digit village code
	Source    string // "civil" (民政) or "cremation" (殡葬)
}
