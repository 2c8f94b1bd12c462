package sqlfile

import (
	"reflect"
	"testing"
)

func TestSectionsExpand(t *testing.T) {
	file := "-- header, dropped\n-- name: first\nSELECT {{a}};\n-- name:  second \nSELECT {{a}} + {{b}};\n"
	got := Sections(file)
	want := []Section{{"first", "SELECT {{a}};\n"}, {"second", "SELECT {{a}} + {{b}};\n"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Sections = %q, want %q", got, want)
	}
	if q := Expand(got[1].SQL, map[string]string{"a": "1", "b": "x.y"}); q != "SELECT 1 + x.y;\n" {
		t.Errorf("Expand = %q", q)
	}
	if Sections("no names") != nil {
		t.Error("a file without names has sections")
	}
}
