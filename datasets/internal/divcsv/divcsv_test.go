package divcsv

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padis/padis/models"
)

func TestRead(t *testing.T) {
	divs, err := Read(filepath.Join("testdata", "small"))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		code, name, parent string
		level              models.Level
	}{
		{"44", "广东省", "00", models.LevelProvince},
		{"4401", "广州市", "44", models.LevelCity},
		{"440103", "荔湾区", "4401", models.LevelCounty},
		{"440103001", "沙面街道", "440103", models.LevelTownship},
		{"440103001001", "沙面社区居委会", "440103001", models.LevelVillage},
		{"4419", "东莞市", "44", models.LevelCity},
		{"441900", "东莞市", "4419", models.LevelCounty},
		{"441900003", "东城街道", "441900", models.LevelTownship},
		{"441900003001", "东城社区居民委员会", "441900003", models.LevelVillage},
		{"441900003201", "牛山村委会", "441900003", models.LevelVillage},
		{"45", "广西壮族自治区", "00", models.LevelProvince},
	}
	if len(divs) != len(want) {
		t.Fatalf("Read returned %d divisions, want %d", len(divs), len(want))
	}
	for i, w := range want {
		d := divs[i]
		if d.Code != w.code || d.Name != w.name || d.Parent != w.parent || d.Level != w.level {
			t.Errorf("division %d = %+v, want %+v", i, d, w)
		}
	}
	// The real code list's shapes build a tree as they are.
	tr, err := models.NewDivisionTree(divs)
	if err != nil {
		t.Fatalf("NewDivisionTree: %v", err)
	}
	if d, ok := tr.Lookup("441900"); !ok || d.Level != models.LevelCounty {
		t.Errorf("Lookup(441900) = %+v, %v; want the county", d, ok)
	}
}

// copyDir copies the small code list to a temporary directory and replaces
// file with content (gzip'd for .gz files).
func copyDir(t *testing.T, file, content string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("testdata", "small")
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == file {
			b = []byte(content)
			if strings.HasSuffix(file, ".gz") {
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				zw.Write(b)
				zw.Close()
				b = buf.Bytes()
			}
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{"header", "provinces.csv", "code,label\n44,广东省\n", "provinces.csv: header column 2 is \"label\", want \"name\""},
		{"code length", "cities.csv", "code,name,provinceCode\n440,广州市,44\n", "cities.csv: row 2: field code: \"440\" is not a 4-digit city code"},
		{"code digits", "areas.csv", "code,name,cityCode,provinceCode\n4401AB,荔湾区,4401,44\n", "areas.csv: row 2: field code"},
		{"empty name", "streets.csv", "code,name,areaCode,provinceCode,cityCode\n440103001,,440103,44,4401\n", "streets.csv: row 2: field name"},
		{"ancestor column", "areas.csv", "code,name,cityCode,provinceCode\n440103,荔湾区,4402,44\n", "areas.csv: row 2: field cityCode: \"4402\" does not match code 440103"},
		{"missing parent", "areas.csv", "code,name,cityCode,provinceCode\n440103,荔湾区,4401,44\n441900,东莞市,4419,44\n442001,某区,4420,44\n", "areas.csv: division 442001 某区: parent 4420 is missing"},
		{"duplicate", "provinces.csv", "code,name\n44,广东省\n44,广东\n45,广西\n", "provinces.csv: code 44 appears twice"},
		{"field count", "villages.csv.gz", "code,name,streetCode,provinceCode,cityCode,areaCode\n440103001001,沙面\n", "villages.csv.gz: row 2"},
		{"not gzip", "villages.csv.gz", "", "villages.csv.gz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, tc.file, tc.content)
			if tc.name == "not gzip" {
				os.WriteFile(filepath.Join(dir, tc.file), []byte("plain text"), 0o644)
			}
			_, err := Read(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read: error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := Read(t.TempDir()); err == nil {
		t.Error("Read of an empty directory succeeded")
	}
}

func TestEncodeHeader(t *testing.T) {
	divs, err := Read(filepath.Join("testdata", "small"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, divs); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want := "padis-divisions 1 2 2 2 2 3\n144广东省\n201广州市\n303荔湾区\n4001沙面街道\n5001沙面社区居委会\n" +
		"219东莞市\n300东莞市\n4003东城街道\n5001东城社区居民委员会\n5201牛山村委会\n145广西壮族自治区\n"
	if string(text) != want {
		t.Errorf("Encode wrote\n%s\nwant\n%s", text, want)
	}
}
