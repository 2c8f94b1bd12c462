package models

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in, want string
		level    Level
	}{
		{"00", "00", LevelNation},
		{"51", "51", LevelProvince},
		{"510000", "51", LevelProvince},
		{"510000000000", "51", LevelProvince},
		{"5101", "5101", LevelCity},
		{"510100", "5101", LevelCity},
		{"510100000000", "5101", LevelCity},
		{"510104", "510104", LevelCounty},
		{"510104000000", "510104", LevelCounty},
		{"510104001", "510104001", LevelTownship},
		{"510104001000", "510104001", LevelTownship},
		{"510104001001", "510104001001", LevelVillage},
		{"510104000001", "510104000001", LevelVillage},
	}
	for _, tc := range tests {
		got, err := NormalizeCode(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		l, err := LevelOfCode(tc.in)
		if err != nil || l != tc.level {
			t.Errorf("LevelOfCode(%q) = %s, %v; want %s", tc.in, l, err, tc.level)
		}
	}
	for _, bad := range []string{"", "5", "510", "51010", "5101040", "51010400100", "5101040010011", "51a1", "５１", "0051", "000000", "000000000000", " 51"} {
		if got, err := NormalizeCode(bad); err == nil {
			t.Errorf("NormalizeCode(%q) = %q, want an error", bad, got)
		}
		if _, err := LevelOfCode(bad); err == nil {
			t.Errorf("LevelOfCode(%q) succeeded", bad)
		}
	}
}

func TestPadAndAncestorCode(t *testing.T) {
	pads := map[string]string{
		"51": "510000000000", "5101": "510100000000", "510104": "510104000000",
		"510104001": "510104001000", "510104001001": "510104001001",
	}
	for in, want := range pads {
		if got := PadCode(in); got != want {
			t.Errorf("PadCode(%q) = %q, want %q", in, got, want)
		}
		if back, _ := NormalizeCode(PadCode(in)); back != in {
			t.Errorf("NormalizeCode(PadCode(%q)) = %q", in, back)
		}
	}
	const v = "510104001001"
	tests := []struct {
		code string
		l    Level
		want string
	}{
		{v, LevelNation, "00"},
		{v, LevelProvince, "51"},
		{v, LevelCity, "5101"},
		{v, LevelCounty, "510104"},
		{v, LevelTownship, "510104001"},
		{v, LevelVillage, v},
		{"5101", LevelCity, "5101"},
		{"5101", LevelVillage, "5101"}, // no deeper ancestor: the code itself
		{"51", LevelNation, "00"},
	}
	for _, tc := range tests {
		if got := AncestorCode(tc.code, tc.l); got != tc.want {
			t.Errorf("AncestorCode(%q, %s) = %q, want %q", tc.code, tc.l, got, tc.want)
		}
	}
}

func TestLevelNames(t *testing.T) {
	for l := LevelNation; l <= LevelVillage; l++ {
		for _, name := range []string{l.Label(EN), l.Label(ZH), l.String()} {
			got, err := ParseLevel(name)
			if err != nil || got != l {
				t.Errorf("ParseLevel(%q) = %s, %v; want %s", name, got, err, l)
			}
		}
	}
	if LevelCounty.Label(ZH) != "县" || LevelTownship.String() != "township" || LevelVillage.CodeLen() != 12 {
		t.Error("level names or code lengths wrong")
	}
	if _, err := ParseLevel("district"); err == nil {
		t.Error("ParseLevel(district) succeeded")
	}
	if s := Level(9).Label(EN); s != "level 9" {
		t.Errorf("Level(9).Label = %q", s)
	}
}

// smallTree is a hand-made tree in no particular order, with a placeholder
// city 市辖区, a county under a province-administered group and a county
// whose short code looks padded (441900).
var smallTree = []Division{
	{Code: "510104001001", Name: "锦官驿社区居委会"},
	{Code: "51", Name: "四川省"},
	{Code: "5101", Name: "成都市"},
	{Code: "510104", Name: "锦江区"},
	{Code: "510104001", Name: "督院街街道"},
	{Code: "510104001002", Name: "东门街社区居委会"},
	{Code: "510105", Name: "青羊区"},
	{Code: "11", Name: "北京市"},
	{Code: "1101", Name: "市辖区"},
	{Code: "110101", Name: "东城区"},
	{Code: "42", Name: "湖北省"},
	{Code: "4290", Name: "省直辖县级行政区划"},
	{Code: "429004", Name: "仙桃市"},
	{Code: "44", Name: "广东省"},
	{Code: "4419", Name: "东莞市"},
	{Code: "441900", Name: "东莞市", Level: LevelCounty},
	{Code: "441900003", Name: "东城街道"},
}

func buildSmall(t *testing.T) *DivisionTree {
	t.Helper()
	tr, err := NewDivisionTree(smallTree)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func codes(ds []Division) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Code
	}
	return out
}

func TestDivisionTreeLookup(t *testing.T) {
	tr := buildSmall(t)
	tests := []struct {
		code, want, name, parent string
		level                    Level
	}{
		{"00", "00", "全国", "", LevelNation},
		{"51", "51", "四川省", "00", LevelProvince},
		{"510000", "51", "四川省", "00", LevelProvince},
		{"510100000000", "5101", "成都市", "51", LevelCity},
		{"510104", "510104", "锦江区", "5101", LevelCounty},
		{"510104001001", "510104001001", "锦官驿社区居委会", "510104001", LevelVillage},
		{"4419", "4419", "东莞市", "44", LevelCity},
		{"441900", "441900", "东莞市", "4419", LevelCounty},
		{"441900003", "441900003", "东城街道", "441900", LevelTownship},
	}
	for _, tc := range tests {
		d, ok := tr.Lookup(tc.code)
		if !ok || d.Code != tc.want || d.Name != tc.name || d.Parent != tc.parent || d.Level != tc.level {
			t.Errorf("Lookup(%q) = %+v, %v", tc.code, d, ok)
		}
	}
	for _, missing := range []string{"12", "510106", "510104001003", "abc", ""} {
		if _, ok := tr.Lookup(missing); ok {
			t.Errorf("Lookup(%q) found a division", missing)
		}
		_, err := tr.Get(missing)
		var ue *UnknownDivisionError
		if !errors.As(err, &ue) || ue.Code != missing || !strings.Contains(err.Error(), "not in the division list") {
			t.Errorf("Get(%q) error %v", missing, err)
		}
	}
	wantCounts := []int{1, 4, 4, 5, 2, 2}
	for l, n := range wantCounts {
		if got := tr.Count(Level(l)); got != n {
			t.Errorf("Count(%s) = %d, want %d", Level(l), got, n)
		}
		if got := len(tr.Level(Level(l))); got != n {
			t.Errorf("len(Level(%s)) = %d, want %d", Level(l), got, n)
		}
	}
}

func TestDivisionTreeNavigation(t *testing.T) {
	tr := buildSmall(t)
	tests := []struct {
		name string
		got  func() ([]Division, error)
		want []string
	}{
		{"children of nation", func() ([]Division, error) { return tr.Children("00") }, []string{"11", "42", "44", "51"}},
		{"children of 51", func() ([]Division, error) { return tr.Children("51") }, []string{"5101"}},
		{"children of 5101", func() ([]Division, error) { return tr.Children("510100") }, []string{"510104", "510105"}},
		{"children of 4419", func() ([]Division, error) { return tr.Children("4419") }, []string{"441900"}},
		{"children of 441900", func() ([]Division, error) { return tr.Children("441900") }, []string{"441900003"}},
		{"children of a village", func() ([]Division, error) { return tr.Children("510104001001") }, []string{}},
		{"children of a leaf county", func() ([]Division, error) { return tr.Children("510105") }, []string{}},
		{"counties of nation", func() ([]Division, error) { return tr.Descendants("00", LevelCounty) }, []string{"110101", "429004", "441900", "510104", "510105"}},
		{"villages of 51", func() ([]Division, error) { return tr.Descendants("51", LevelVillage) }, []string{"510104001001", "510104001002"}},
		{"townships of 44", func() ([]Division, error) { return tr.Descendants("44", LevelTownship) }, []string{"441900003"}},
		{"descendants at own level", func() ([]Division, error) { return tr.Descendants("51", LevelProvince) }, []string{}},
		{"descendants above", func() ([]Division, error) { return tr.Descendants("510104", LevelCity) }, []string{}},
		{"ancestors of a village", func() ([]Division, error) { return tr.Ancestors("510104001002") }, []string{"00", "51", "5101", "510104", "510104001"}},
		{"ancestors of 441900003", func() ([]Division, error) { return tr.Ancestors("441900003") }, []string{"00", "44", "4419", "441900"}},
		{"ancestors of 429004", func() ([]Division, error) { return tr.Ancestors("429004") }, []string{"00", "42", "4290"}},
		{"ancestors of nation", func() ([]Division, error) { return tr.Ancestors("00") }, []string{}},
	}
	for _, tc := range tests {
		ds, err := tc.got()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := codes(ds); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, f := range []func() error{
		func() error { _, err := tr.Children("12"); return err },
		func() error { _, err := tr.Descendants("12", LevelVillage); return err },
		func() error { _, err := tr.Ancestors("12"); return err },
		func() error { _, err := tr.FullName("12"); return err },
	} {
		if err := f(); err == nil {
			t.Error("navigation from an unknown code succeeded")
		}
	}
	// Results are copies.
	kids, _ := tr.Children("00")
	kids[0].Name = "changed"
	if d, _ := tr.Lookup(kids[0].Code); d.Name == "changed" {
		t.Error("changing Children's result changed the tree")
	}
}

func TestDivisionTreeFullName(t *testing.T) {
	tr := buildSmall(t)
	tests := map[string]string{
		"510104001001": "四川省成都市锦江区督院街街道锦官驿社区居委会",
		"110101":       "北京市东城区", // 市辖区 left out
		"429004":       "湖北省省直辖县级行政区划仙桃市",
		"51":           "四川省",
		"00":           "全国",
	}
	for code, want := range tests {
		if got, err := tr.FullName(code); err != nil || got != want {
			t.Errorf("FullName(%s) = %q, %v; want %q", code, got, err, want)
		}
	}
}

func TestNewDivisionTreeErrors(t *testing.T) {
	base := []Division{{Code: "51", Name: "四川省"}, {Code: "5101", Name: "成都市"}}
	tests := []struct {
		name string
		add  []Division
		want string
	}{
		{"orphan county", []Division{{Code: "510204", Name: "东区"}}, "parent 5102 is missing"},
		{"orphan province-less city", []Division{{Code: "1101", Name: "市辖区"}}, "parent 11 is missing"},
		{"duplicate", []Division{{Code: "5101", Name: "成都"}}, "5101 appears twice"},
		{"duplicate in padded form", []Division{{Code: "510000", Name: "四川"}}, "51 appears twice"},
		{"bad code", []Division{{Code: "51x1", Name: "?"}}, "not all digits"},
		{"bad length", []Division{{Code: "51010", Name: "?"}}, "length 5"},
		{"padded county without level", []Division{{Code: "510100", Name: "?"}}, "5101 appears twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewDivisionTree(append(append([]Division(nil), base...), tc.add...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNewDivisionTreeNormalises(t *testing.T) {
	// Padded input, with levels that do not fit the code's length or are
	// left blank and parents that are wrong, is normalised.
	tr, err := NewDivisionTree([]Division{
		{Code: "510000000000", Name: "四川省", Level: LevelCity, Parent: "99"},
		{Code: "510100", Name: "成都市"},
		{Code: "00", Name: "中华人民共和国"},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, ok := tr.Lookup("51")
	if !ok || d.Level != LevelProvince || d.Parent != "00" {
		t.Errorf("Lookup(51) = %+v, %v", d, ok)
	}
	if n, _ := tr.Lookup("00"); n.Name != "中华人民共和国" {
		t.Errorf("given nation replaced: %+v", n)
	}
	// A level that fits the code's length is believed: 510000000000 as a
	// village needs its township 510000000.
	if _, err := NewDivisionTree([]Division{{Code: "51", Name: "四川省"}, {Code: "510000000000", Name: "?", Level: LevelVillage}}); err == nil ||
		!strings.Contains(err.Error(), "parent 510000000 is missing") {
		t.Errorf("village 510000000000 without its township: error %v", err)
	}
	empty, err := NewDivisionTree(nil)
	if err != nil || empty.Count(LevelNation) != 1 || empty.Count(LevelProvince) != 0 {
		t.Errorf("empty tree: %v, %d nations", err, empty.Count(LevelNation))
	}
}
