package datasets

// NationalFacts are national figures for 2020, most from the seventh
// population census (2020-11-01) communiqués, with their source.
// Shares are percentages (17.95 means 17.95 %), rates per 1,000.
type NationalFacts struct {
	Population              int64   // census total, including 2,000,000 active military
	SexRatio                float64 // males per 100 females
	Share0to14              float64 // % aged 0–14
	Share15to59             float64 // % aged 15–59
	Share60plus             float64 // % aged 60 and over
	Share65plus             float64 // % aged 65 and over
	HouseholdSize           float64 // persons per family household
	UrbanShare              float64 // % living in towns and cities
	Migrants                int64   // floating population (流动人口)
	InterProvincialMigrants int64   // of which across provinces
	Births2020              int64   // births in calendar 2020
	CBR                     float64 // crude birth rate 2020, ‰
	CDR                     float64 // crude death rate 2020, ‰
	TFR                     float64 // total fertility rate 2020
	SRB                     float64 // sex ratio at birth 2020, boys per 100 girls
	E0                      float64 // life expectancy at birth 2020, years
	Source                  string
}

// MilitaryPopulation is the active military counted in the national census
// total but in no province.
const MilitaryPopulation = 2_000_000

// Census2020 holds the national 2020 figures.
var Census2020 = NationalFacts{
	Population:              1_411_778_724,
	SexRatio:                105.07,
	Share0to14:              17.95,
	Share15to59:             63.35,
	Share60plus:             18.70,
	Share65plus:             13.50,
	HouseholdSize:           2.62,
	UrbanShare:              63.89,
	Migrants:                375_816_759,
	InterProvincialMigrants: 124_837_153,
	Births2020:              12_020_000,
	CBR:                     8.52,
	CDR:                     7.07,
	TFR:                     1.3,
	SRB:                     111.3,
	E0:                      77.93,
	Source: "NBS, Communiqués of the Seventh National Population Census Nos. 1–7 (2021-05-11): population, " +
		"sex ratio, age shares, household size, urban share, migrants; NBS, Statistical Communiqué on the 2020 " +
		"National Economic and Social Development (2021-02-28): births, CBR, CDR; State Council census office, " +
		"census main data (2021): TFR 1.3, SRB 111.3; NHC, 2020 Statistical Bulletin on Health: e0 77.93",
}
