package synth

// Person flags.
const (
	flagNative       uint16 = 1 << iota // registered in the county that generated it
	flagEntryPending                    // birth or in-migration not yet registered at as-of
	flagUnregBirth                      // defect: birth never registered
	flagUnrecorded                      // defect: on the police register only (漏管)
	flagDeathPending                    // died; death registered after as-of
	flagUndead                          // defect: death never reported (死亡未销户)
	flagOutPending                      // left the scope; move registered after as-of
	flagBorn                            // born in the period
	flagInMigrant                       // came from outside the scope in the period
)

// absentFlags mark persons missing from the FP database.
const absentFlags = flagEntryPending | flagUnregBirth | flagUnrecorded

// Vital statuses of the simulation.
const (
	alive    uint8 = 1
	dead     uint8 = 2
	movedOut uint8 = 3
)

// null markers for small codes.
const null8 uint8 = 255

// person is one simulated individual (the truth; the FP database view is
// derived from it when the rows are written).
type person struct {
	birth, entry, exit     int32
	regDate, updated       int32
	regVillage, resVillage int32
	hh                     int32
	mother, father, spouse int32
	lastBirth              int32
	remD, remM, remB       float32
	by                     int16
	bm, bd                 uint8
	sex                    uint8 // 1 male, 2 female
	eth                    uint8 // GB 3304 number
	marital                uint8 // 10, 21, 22, 30, 40; null8
	edu                    uint8 // GB/T 4658 number; null8
	regType                uint8
	rel                    uint8 // GB/T 4761 number (2 = head)
	status                 uint8
	contra                 uint8 // 0 none, 1…9 method, null8 not applicable
	born, living           uint8 // null8 for men and girls under 15
	surname                uint8
	onlyChild              bool
	resCounty              int16 // scope index, −1 outside
	flags                  uint16
	id                     string
	name                   string
}

// absent reports whether the person is missing from the FP database.
func (p *person) absent() bool { return p.flags&absentFlags != 0 }

// household is one household; members lists every person ever in it.
type household struct {
	head    int32
	place   int32
	typ     uint8 // 1 family, 2 collective
	reg     int32
	members []int32
}

// event is one true event of the simulation.
type event struct {
	typ      uint8
	order    uint8
	policy   int8 // −1 null
	method   uint8
	person   int32
	date     int32
	rec      int32 // recorded date; noDate = never / not yet
	place    int32
	from, to int32 // village indices, −1 none
	mother   int32
	spouse   int32
	seq      int32 // position for event ids
}

// Event types (indices into eventTypes).
const (
	evBirth uint8 = iota
	evDeath
	evIn
	evOut
	evMarriage
	evDivorce
	evContraStart
	evContraStop
)

var eventTypeNames = [...]string{"birth", "death", "in", "out", "marriage", "divorce", "contra_start", "contra_stop"}
