package datasets

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/padis/padis/datasets/internal/divcsv"
	"github.com/padis/padis/models"
)

// sharedDivisions is the published code list, next to the repository.
var sharedDivisions = filepath.Join("..", "..", "shared", "data", "divisions")

func mustDivisions(t testing.TB) *models.DivisionTree {
	t.Helper()
	tr, err := Divisions()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestDivisionsCounts(t *testing.T) {
	tr := mustDivisions(t)
	want := map[models.Level]int{
		models.LevelNation: 1, models.LevelProvince: 31, models.LevelCity: 342,
		models.LevelCounty: 2978, models.LevelTownship: 41352, models.LevelVillage: 620573,
	}
	for l, n := range want {
		if got := tr.Count(l); got != n {
			t.Errorf("Count(%s) = %d, want %d", l, got, n)
		}
	}
}

func TestDivisionsLookups(t *testing.T) {
	tr := mustDivisions(t)
	tests := []struct {
		code     string
		name     string
		level    models.Level
		parent   string
		fullName string
	}{
		{"51", "四川省", models.LevelProvince, "00", "四川省"},
		{"510000", "四川省", models.LevelProvince, "00", "四川省"},
		{"5101", "成都市", models.LevelCity, "51", "四川省成都市"},
		{"510104", "锦江区", models.LevelCounty, "5101", "四川省成都市锦江区"},
		{"110101", "东城区", models.LevelCounty, "1101", "北京市东城区"},
		{"110101001", "东华门街道", models.LevelTownship, "110101", "北京市东城区东华门街道"},
		{"110101001001", "多福巷社区居委会", models.LevelVillage, "110101001", "北京市东城区东华门街道多福巷社区居委会"},
		// Counties directly under a province (省直辖县级行政区划).
		{"4190", "省直辖县级行政区划", models.LevelCity, "41", "河南省省直辖县级行政区划"},
		{"419001", "济源市", models.LevelCounty, "4190", "河南省省直辖县级行政区划济源市"},
		// Codes that look padded but are short codes of the statistical list.
		{"4419", "东莞市", models.LevelCity, "44", "广东省东莞市"},
		{"441900", "东莞市", models.LevelCounty, "4419", "广东省东莞市东莞市"},
		{"350527000000", "金门县", models.LevelVillage, "350527000", "福建省泉州市金门县金门县金门县"},
	}
	for _, tc := range tests {
		d, err := tr.Get(tc.code)
		if err != nil {
			t.Errorf("Get(%s): %v", tc.code, err)
			continue
		}
		if d.Name != tc.name || d.Level != tc.level || d.Parent != tc.parent {
			t.Errorf("Get(%s) = %+v, want %s %s parent %s", tc.code, d, tc.name, tc.level, tc.parent)
		}
		if fn, _ := tr.FullName(tc.code); fn != tc.fullName {
			t.Errorf("FullName(%s) = %q, want %q", tc.code, fn, tc.fullName)
		}
		anc, err := tr.Ancestors(tc.code)
		if err != nil || len(anc) != int(tc.level) {
			t.Errorf("Ancestors(%s) = %d divisions, %v; want %d", tc.code, len(anc), err, tc.level)
		}
	}
	if _, ok := tr.Lookup("510199"); ok {
		t.Error("Lookup(510199) found a county that does not exist")
	}
	kids, err := tr.Children("441900")
	if err != nil || len(kids) == 0 {
		t.Fatalf("Children(441900) = %d, %v; want Dongguan's townships", len(kids), err)
	}
	for _, k := range kids {
		if k.Level != models.LevelTownship || !strings.HasPrefix(k.Code, "441900") {
			t.Errorf("Children(441900) holds %+v", k)
		}
	}
}

// TestDivisionsMatchCSV checks that the embedded tree is the published CSV
// code list exactly: every code, name and parent, nothing more.
func TestDivisionsMatchCSV(t *testing.T) {
	if _, err := os.Stat(sharedDivisions); err != nil {
		t.Skipf("no shared division CSVs at %s", sharedDivisions)
	}
	want, err := divcsv.Read(sharedDivisions)
	if err != nil {
		t.Fatal(err)
	}
	tr := mustDivisions(t)
	var got []models.Division
	for l := models.LevelProvince; l <= models.LevelVillage; l++ {
		got = append(got, tr.Level(l)...)
	}
	if len(got) != len(want) {
		t.Fatalf("embedded tree has %d divisions below the nation, CSVs %d", len(got), len(want))
	}
	byCode := make(map[string]models.Division, len(got))
	for _, d := range got {
		byCode[d.Code] = d
	}
	bad := 0
	for _, w := range want {
		g, ok := byCode[w.Code]
		if !ok || g != w {
			if bad++; bad <= 10 {
				t.Errorf("division %s: embedded %+v, CSV %+v", w.Code, g, w)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d divisions differ", bad)
	}
}

func TestDivisionsEmbeddedSize(t *testing.T) {
	const max = 8 << 20
	if len(divisionsGz) > max {
		t.Errorf("embedded divisions are %d bytes, want under %d", len(divisionsGz), max)
	}
}

func TestDivisionsConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	trees := make([]*models.DivisionTree, 8)
	for i := range trees {
		wg.Add(1)
		go func() {
			defer wg.Done()
			trees[i], _ = Divisions()
		}()
	}
	wg.Wait()
	for i, tr := range trees {
		if tr == nil || tr != trees[0] {
			t.Fatalf("call %d returned tree %p, call 0 %p", i, tr, trees[0])
		}
	}
}

// smallDivisions is a hand-made list in code order, with a code that looks
// padded (a county xxxx00) and a village with suffix 000.
var smallDivisions = []models.Division{
	{Code: "44", Name: "广东省", Level: models.LevelProvince, Parent: "00"},
	{Code: "4401", Name: "广州市", Level: models.LevelCity, Parent: "44"},
	{Code: "440103", Name: "荔湾区", Level: models.LevelCounty, Parent: "4401"},
	{Code: "440103001", Name: "沙面街道", Level: models.LevelTownship, Parent: "440103"},
	{Code: "440103001001", Name: "沙面社区居委会", Level: models.LevelVillage, Parent: "440103001"},
	{Code: "4419", Name: "东莞市", Level: models.LevelCity, Parent: "44"},
	{Code: "441900", Name: "东莞市", Level: models.LevelCounty, Parent: "4419"},
	{Code: "441900000", Name: "某镇", Level: models.LevelTownship, Parent: "441900"},
	{Code: "441900000000", Name: "某村村委会", Level: models.LevelVillage, Parent: "441900000"},
	{Code: "45", Name: "广西壮族自治区", Level: models.LevelProvince, Parent: "00"},
}

func encode(t *testing.T, divs []models.Division) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := divcsv.Encode(&buf, divs); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEncodeParseRoundTrip(t *testing.T) {
	got, err := parseDivisions(encode(t, smallDivisions))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(smallDivisions) {
		t.Fatalf("parsed %d divisions, want %d", len(got), len(smallDivisions))
	}
	for i, d := range got {
		w := smallDivisions[i]
		if d.Code != w.Code || d.Name != w.Name || d.Level != w.Level {
			t.Errorf("division %d = %+v, want %+v", i, d, w)
		}
	}
	tr, err := decodeDivisions(encode(t, smallDivisions))
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := tr.Lookup("441900000000"); !ok || d.Name != "某村村委会" {
		t.Errorf("Lookup(441900000000) = %+v, %v", d, ok)
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func TestParseDivisionsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bad header", "padis-divisions 2 1 0 0 0 0\n144广东省\n", "line 1"},
		{"short header", "padis-divisions 1 1 0\n144广东省\n", "want 5 counts"},
		{"bad count", "padis-divisions 1 x 0 0 0 0\n144广东省\n", "count 1"},
		{"level digit", "padis-divisions 1 1 0 0 0 0\n944广东省\n", "line 2: level digit"},
		{"level jump", "padis-divisions 1 1 0 1 0 0\n144广东省\n301荔湾区\n", "line 3: level 3 below level 1"},
		{"non-digit code", "padis-divisions 1 1 0 0 0 0\n1A4广东省\n", "line 2: code"},
		{"no name", "padis-divisions 1 1 0 0 0 0\n144\n", "line 2: code or name missing"},
		{"no final newline", "padis-divisions 1 1 0 0 0 0\n144广东省", "line 2: no final newline"},
		{"count mismatch", "padis-divisions 1 2 0 0 0 0\n144广东省\n", "do not match header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseDivisions(gz(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseDivisions: error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := parseDivisions([]byte("not gzip")); err == nil {
		t.Error("parseDivisions accepted data that is not gzip")
	}
}

func TestEncodeErrors(t *testing.T) {
	d := func(code, name string, l models.Level) models.Division {
		return models.Division{Code: code, Name: name, Level: l}
	}
	tests := []struct {
		name string
		divs []models.Division
		want string
	}{
		{"unsorted", []models.Division{d("45", "广西", 1), d("44", "广东", 1)}, "not sorted"},
		{"orphan", []models.Division{d("44", "广东", 1), d("450103", "某区", 3)}, "parent not written"},
		{"length", []models.Division{d("4401", "广州", 1)}, "code length"},
		{"nation", []models.Division{d("00", "全国", 0)}, "level 0"},
		{"empty name", []models.Division{d("44", "", 1)}, "bad name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := divcsv.Encode(&bytes.Buffer{}, tc.divs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Encode: error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// BenchmarkDivisionsLoad measures a full load of the embedded tree, what
// the first call of Divisions costs.
func BenchmarkDivisionsLoad(b *testing.B) {
	for b.Loop() {
		if _, err := decodeDivisions(divisionsGz); err != nil {
			b.Fatal(err)
		}
	}
}
