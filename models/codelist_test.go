package models

import (
	"errors"
	"sort"
	"strconv"
	"testing"
)

// codeListCase exercises one code list through a common interface.
type codeListCase struct {
	name    string
	parse   func(string) (string, error)
	table   CodeTable
	entries int
	unknown []string // codes that must be rejected
}

func listCase[T ~string](l *CodeList[T], entries int, unknown ...string) codeListCase {
	return codeListCase{
		name:    l.Name,
		parse:   func(s string) (string, error) { c, err := l.Parse(s); return string(c), err },
		table:   l.Table(),
		entries: entries,
		unknown: unknown,
	}
}

func allLists() []codeListCase {
	return []codeListCase{
		listCase(SexCodes, 4, "3", "M", "01", ""),
		listCase(MaritalCodes, 8, "11", "1", "99", ""),
		listCase(EthnicityCodes, 58, "00", "57", "99", "1", "汉", ""),
		listCase(EducationCodes, 8, "50", "00", "1", ""),
		listCase(RegTypeCodes, 3, "0", "4", ""),
		listCase(ContraceptionCodes, 10, "10", "0", ""),
		listCase(RelationCodes, 10, "01", "11", ""),
		listCase(EventTypeCodes, 8, "Birth", "adopt", ""),
		listCase(VitalStatusCodes, 3, "0", "4", ""),
		listCase(HouseholdTypeCodes, 2, "0", "3", ""),
	}
}

func TestCodeListsParseOwnCodes(t *testing.T) {
	for _, tc := range allLists() {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.table.Codes) != tc.entries {
				t.Errorf("%d codes, want %d", len(tc.table.Codes), tc.entries)
			}
			if !sort.StringsAreSorted(tc.table.Codes) {
				t.Errorf("Codes not sorted: %v", tc.table.Codes)
			}
			if tc.table.Standard == "" {
				t.Error("no standard named")
			}
			for _, c := range tc.table.Codes {
				got, err := tc.parse(c)
				if err != nil || got != c {
					t.Errorf("Parse(%q) = %q, %v", c, got, err)
				}
				if tc.table.ZH[c] == "" || tc.table.EN[c] == "" {
					t.Errorf("code %q: labels zh %q en %q", c, tc.table.ZH[c], tc.table.EN[c])
				}
			}
		})
	}
}

func TestCodeListsRejectUnknown(t *testing.T) {
	for _, tc := range allLists() {
		for _, u := range tc.unknown {
			_, err := tc.parse(u)
			var uce *UnknownCodeError
			if !errors.As(err, &uce) {
				t.Errorf("%s: Parse(%q) error %v, want *UnknownCodeError", tc.name, u, err)
				continue
			}
			if uce.List != tc.name || uce.Code != u {
				t.Errorf("%s: Parse(%q) error names list %q code %q", tc.name, u, uce.List, uce.Code)
			}
			if uce.Error() == "" {
				t.Errorf("%s: empty error text", tc.name)
			}
		}
	}
}

func TestCodeTablesCoversAll(t *testing.T) {
	tables := CodeTables()
	lists := allLists()
	if len(tables) != len(lists) {
		t.Errorf("CodeTables has %d lists, want %d", len(tables), len(lists))
	}
	for _, tc := range lists {
		tb, ok := tables[tc.name]
		if !ok {
			t.Errorf("CodeTables lacks %s", tc.name)
			continue
		}
		if tb.Name != tc.name || len(tb.Codes) != tc.entries {
			t.Errorf("CodeTables[%s] = %s with %d codes", tc.name, tb.Name, len(tb.Codes))
		}
	}
}

func TestEthnicityCodes(t *testing.T) {
	for i := 1; i <= 56; i++ {
		c := Ethnicity(twoDigits(i))
		if !EthnicityCodes.Valid(c) {
			t.Errorf("ethnicity %s missing", c)
		}
	}
	for _, c := range []Ethnicity{"97", "98"} {
		if !EthnicityCodes.Valid(c) {
			t.Errorf("ethnicity %s missing", c)
		}
	}
	tests := []struct {
		code   Ethnicity
		zh, en string
	}{
		{EthnicHan, "汉族", "Han"},
		{EthnicTibetan, "藏族", "Tibetan"},
		{EthnicUyghur, "维吾尔族", "Uyghur"},
		{EthnicZhuang, "壮族", "Zhuang"},
		{"56", "基诺族", "Jino"},
		{EthnicOther, "其他未识别民族", "other (unrecognised)"},
	}
	for _, tc := range tests {
		if zh, en := EthnicityCodes.Label(tc.code, ZH), EthnicityCodes.Label(tc.code, EN); zh != tc.zh || en != tc.en {
			t.Errorf("labels of %s = %q, %q; want %q, %q", tc.code, zh, en, tc.zh, tc.en)
		}
	}
}

func twoDigits(i int) string {
	s := strconv.Itoa(i)
	if len(s) == 1 {
		s = "0" + s
	}
	return s
}

func TestCodeListLabelsAndEntries(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{SexCodes.Label(SexMale, ZH), "男"},
		{SexCodes.Label(SexFemale, EN), "female"},
		{SexCodes.Label("7", EN), "7"}, // unknown: the code itself
		{MaritalCodes.Label(MaritalDivorced, ZH), "离婚"},
		{EducationCodes.Label(EduUniversity, EN), "university"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("label %q, want %q", tc.got, tc.want)
		}
	}
	if e, ok := SexCodes.Entry(SexNotStated); !ok || e.Label(ZH) != "未说明的性别" || e.Label(EN) != "not stated" {
		t.Errorf("Entry(9) = %+v, %v", e, ok)
	}
	if _, ok := SexCodes.Entry("x"); ok {
		t.Error("Entry of an unknown code succeeded")
	}
	// Entries keeps the standard order and is a copy.
	es := MaritalCodes.Entries()
	if es[0].Code != MaritalNever || es[len(es)-1].Code != MaritalNotStated {
		t.Errorf("Entries order: first %s last %s", es[0].Code, es[len(es)-1].Code)
	}
	es[0].ZH = "changed"
	if MaritalCodes.Label(MaritalNever, ZH) != "未婚" {
		t.Error("changing Entries' result changed the list")
	}
}

func TestMaritalIsMarried(t *testing.T) {
	want := map[Marital]bool{
		MaritalNever: false, MaritalMarried: true, MaritalFirst: true, MaritalRemarried: true,
		MaritalReunited: true, MaritalWidowed: false, MaritalDivorced: false, MaritalNotStated: false,
	}
	for _, e := range MaritalCodes.Entries() {
		w, ok := want[e.Code]
		if !ok {
			t.Errorf("code %s not covered by this test", e.Code)
		}
		if got := e.Code.IsMarried(); got != w {
			t.Errorf("%s.IsMarried() = %v, want %v", e.Code, got, w)
		}
	}
}

func TestNewCodeListRejectsDuplicates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("newCodeList accepted a duplicate code")
		}
	}()
	newCodeList("dup", "test", []CodeEntry[Sex]{{"1", "a", "a"}, {"1", "b", "b"}})
}
