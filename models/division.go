package models

import (
	"fmt"
	"sort"
	"strings"
)

// Level is an administrative level.
type Level int

// Administrative levels, from the nation down to the village.
const (
	LevelNation   Level = 0
	LevelProvince Level = 1 // 省, 2-digit code
	LevelCity     Level = 2 // 市 (地级), 4 digits
	LevelCounty   Level = 3 // 县 (县级), 6 digits
	LevelTownship Level = 4 // 乡镇/街道, 9 digits
	LevelVillage  Level = 5 // 村/居委会, 12 digits
)

var levelNames = [...][2]string{
	{"全国", "nation"}, {"省", "province"}, {"市", "city"}, {"县", "county"}, {"乡镇", "township"}, {"村", "village"},
}

// codeLen is the length of the short code at each level.
var codeLen = [...]int{0, 2, 4, 6, 9, 12}

// Label returns the level's name in lang.
func (l Level) Label(lang Lang) string {
	if l < 0 || int(l) >= len(levelNames) {
		return fmt.Sprintf("level %d", int(l))
	}
	if lang == EN {
		return levelNames[l][1]
	}
	return levelNames[l][0]
}

// String returns the English name of the level.
func (l Level) String() string { return l.Label(EN) }

// CodeLen returns the length of a short division code at level l.
func (l Level) CodeLen() int { return codeLen[l] }

// ParseLevel parses an English level name.
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if n[1] == s || n[0] == s {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown level %q (want nation, province, city, county, township or village)", s)
}

// NationCode is the code of the nation, the root of the tree.
const NationCode = "00"

// NormalizeCode turns a division code into its short form: 2, 4, 6, 9 or 12
// digits. It accepts the short forms and the 12-digit padded form of the
// statistical code list ("510100000000" → "5101") and the 6-digit padded
// GB/T 2260 form ("510000" → "51"). It returns an error for anything else.
func NormalizeCode(code string) (string, error) {
	if code == NationCode {
		return code, nil
	}
	if !allDigits(code) {
		return "", fmt.Errorf("division code %q: not all digits", code)
	}
	switch len(code) {
	case 2, 4, 9:
	case 6:
		code = trimZeroPairs(code, 2)
	case 12:
		switch {
		case code[2:] == "0000000000":
			code = code[:2]
		case code[4:] == "00000000":
			code = code[:4]
		case code[6:] == "000000":
			code = code[:6]
		case code[9:] == "000":
			code = code[:9]
		}
	default:
		return "", fmt.Errorf("division code %q: length %d is not 2, 4, 6, 9 or 12", code, len(code))
	}
	if code[:2] == "00" {
		return "", fmt.Errorf("division code %q: no province 00", code)
	}
	return code, nil
}

// trimZeroPairs strips trailing "00" pairs from a 6-digit code, keeping at
// least min digits.
func trimZeroPairs(code string, min int) string {
	for len(code) > min && strings.HasSuffix(code, "00") {
		code = code[:len(code)-2]
	}
	return code
}

// LevelOfCode returns the level of a (normalisable) division code.
func LevelOfCode(code string) (Level, error) {
	c, err := NormalizeCode(code)
	if err != nil {
		return 0, err
	}
	return levelOfShort(c), nil
}

func levelOfShort(c string) Level {
	switch len(c) {
	case 2:
		if c == NationCode {
			return LevelNation
		}
		return LevelProvince
	case 4:
		return LevelCity
	case 6:
		return LevelCounty
	case 9:
		return LevelTownship
	default:
		return LevelVillage
	}
}

// PadCode returns the 12-digit form of a short code ("5101" → "510100000000").
func PadCode(code string) string {
	if len(code) >= 12 {
		return code
	}
	return code + strings.Repeat("0", 12-len(code))
}

// AncestorCode returns the code of code's ancestor at level l (the code
// itself when l is its own level), by truncation of the short code.
func AncestorCode(code string, l Level) string {
	if l == LevelNation {
		return NationCode
	}
	if n := codeLen[l]; len(code) >= n {
		return code[:n]
	}
	return code
}

// Division is one administrative unit.
type Division struct {
	Code   string // short code: 2, 4, 6, 9 or 12 digits; "00" for the nation
	Name   string
	Level  Level
	Parent string // short code of the parent; "" for the nation
}

// DivisionTree is the tree of administrative divisions, nation at the root.
// It is immutable once built and safe for concurrent use.
type DivisionTree struct {
	levels [6][]Division // per level, sorted by code
}

// UnknownDivisionError reports a code that is not in the tree.
type UnknownDivisionError struct{ Code string }

func (e *UnknownDivisionError) Error() string {
	return fmt.Sprintf("division code %q is not in the division list", e.Code)
}

// NewDivisionTree builds a tree from divisions given in any order. Every
// division's parent must be present; the nation is added when missing.
//
// A division whose Level is set (province to village) and whose Code has
// that level's short length is taken as is; otherwise the code is
// normalised and the level inferred. Setting Level matters for the few
// statistical codes that look padded: the counties 441900 (东莞市), 442000
// (中山市) and 460400 (儋州市), and the village 350527000000 (金门县).
func NewDivisionTree(divs []Division) (*DivisionTree, error) {
	t := &DivisionTree{}
	var sizes [6]int // capacity hints
	for _, d := range divs {
		if isShortAt(d.Code, d.Level) {
			sizes[d.Level]++
		}
	}
	for l, n := range sizes {
		t.levels[l] = make([]Division, 0, n)
	}
	for _, d := range divs {
		c := d.Code
		if !isShortAt(c, d.Level) {
			var err error
			if c, err = NormalizeCode(d.Code); err != nil {
				return nil, err
			}
		}
		d.Code = c
		d.Level = levelOfShort(c)
		d.Parent = parentCode(c)
		t.levels[d.Level] = append(t.levels[d.Level], d)
	}
	if len(t.levels[LevelNation]) == 0 {
		t.levels[LevelNation] = []Division{{Code: NationCode, Name: "全国", Level: LevelNation}}
	}
	for l := range t.levels {
		lv := t.levels[l]
		if !sort.SliceIsSorted(lv, func(i, j int) bool { return lv[i].Code < lv[j].Code }) {
			sort.Slice(lv, func(i, j int) bool { return lv[i].Code < lv[j].Code })
		}
		for i := 1; i < len(lv); i++ {
			if lv[i].Code == lv[i-1].Code {
				return nil, fmt.Errorf("division code %s appears twice", lv[i].Code)
			}
		}
	}
	for l := LevelProvince; l <= LevelVillage; l++ {
		for _, d := range t.levels[l] {
			if _, ok := t.find(d.Parent, l-1); !ok {
				return nil, fmt.Errorf("division %s %s: parent %s is missing", d.Code, d.Name, d.Parent)
			}
		}
	}
	return t, nil
}

func parentCode(c string) string {
	switch len(c) {
	case 2:
		if c == NationCode {
			return ""
		}
		return NationCode
	case 4:
		return c[:2]
	case 6:
		return c[:4]
	case 9:
		return c[:6]
	default:
		return c[:9]
	}
}

// isShortAt reports whether c is a well-formed short code of level l
// (province to village).
func isShortAt(c string, l Level) bool {
	return l >= LevelProvince && l <= LevelVillage && len(c) == codeLen[l] && allDigits(c) && c[:2] != NationCode
}

// Lookup returns the division with the given code (short or padded form).
// A code that is, as written, the short code of a division in the tree is
// that division, so "441900" is the county-level 东莞市 and "350527000000"
// the village-level 金门县; other codes are normalised first.
func (t *DivisionTree) Lookup(code string) (Division, bool) {
	switch len(code) {
	case 2, 4, 6, 9, 12:
		if d, ok := t.find(code, levelOfShort(code)); ok {
			return d, true
		}
	}
	c, err := NormalizeCode(code)
	if err != nil {
		return Division{}, false
	}
	return t.find(c, levelOfShort(c))
}

// find looks up the short code c among the divisions of level l.
func (t *DivisionTree) find(c string, l Level) (Division, bool) {
	if l < LevelNation || l > LevelVillage {
		return Division{}, false
	}
	lv := t.levels[l]
	i := sort.Search(len(lv), func(i int) bool { return lv[i].Code >= c })
	if i < len(lv) && lv[i].Code == c {
		return lv[i], true
	}
	return Division{}, false
}

// Get is Lookup returning an *UnknownDivisionError for a missing code.
func (t *DivisionTree) Get(code string) (Division, error) {
	d, ok := t.Lookup(code)
	if !ok {
		return Division{}, &UnknownDivisionError{Code: code}
	}
	return d, nil
}

// Children returns the direct children of code, sorted by code.
func (t *DivisionTree) Children(code string) ([]Division, error) {
	d, err := t.Get(code)
	if err != nil {
		return nil, err
	}
	if d.Level == LevelVillage {
		return nil, nil
	}
	if d.Level == LevelNation {
		return append([]Division(nil), t.levels[LevelProvince]...), nil
	}
	lv := t.levels[d.Level+1]
	lo := sort.Search(len(lv), func(i int) bool { return lv[i].Code >= d.Code })
	hi := lo
	for hi < len(lv) && strings.HasPrefix(lv[hi].Code, d.Code) {
		hi++
	}
	return append([]Division(nil), lv[lo:hi]...), nil
}

// Descendants returns every division below code at level l, sorted.
func (t *DivisionTree) Descendants(code string, l Level) ([]Division, error) {
	d, err := t.Get(code)
	if err != nil {
		return nil, err
	}
	if l <= d.Level {
		return nil, nil
	}
	lv := t.levels[l]
	if d.Level == LevelNation {
		return append([]Division(nil), lv...), nil
	}
	lo := sort.Search(len(lv), func(i int) bool { return lv[i].Code >= d.Code })
	hi := lo
	for hi < len(lv) && strings.HasPrefix(lv[hi].Code, d.Code) {
		hi++
	}
	return append([]Division(nil), lv[lo:hi]...), nil
}

// Ancestors returns code's ancestors from the nation down to its parent.
func (t *DivisionTree) Ancestors(code string) ([]Division, error) {
	d, err := t.Get(code)
	if err != nil {
		return nil, err
	}
	var out []Division
	for p, l := d.Parent, d.Level-1; p != ""; l-- {
		a, ok := t.find(p, l)
		if !ok {
			return nil, &UnknownDivisionError{Code: p}
		}
		out = append(out, a)
		p = a.Parent
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Level returns all divisions of a level, sorted by code.
func (t *DivisionTree) Level(l Level) []Division {
	return append([]Division(nil), t.levels[l]...)
}

// Count returns the number of divisions at level l.
func (t *DivisionTree) Count(l Level) int { return len(t.levels[l]) }

// FullName joins the names from the province down to code, e.g.
// "四川省成都市锦江区".
func (t *DivisionTree) FullName(code string) (string, error) {
	d, err := t.Get(code)
	if err != nil {
		return "", err
	}
	anc, _ := t.Ancestors(code)
	var b strings.Builder
	for _, a := range anc {
		if a.Level == LevelNation || a.Name == "市辖区" || a.Name == "县" {
			continue
		}
		b.WriteString(a.Name)
	}
	b.WriteString(d.Name)
	return b.String(), nil
}
