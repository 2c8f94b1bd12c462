package models

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReadManifest(t *testing.T) {
	m, err := ReadManifest(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Manifest{
		SchemaVersion: 1,
		Scope:         Scope{Kind: "province", Province: "51"},
		PeriodStart:   Date{day("2023-01-01")},
		AsOf:          Date{day("2024-04-30")},
		Producer:      "四川省卫生健康委员会",
		Generator:     &GenInfo{Seed: 42, Persons: 100000, Months: 16},
		Files: []FileEntry{
			{Table: "persons", Path: "persons.parquet", Format: "parquet", Rows: 100000, SHA256: "ab12"},
			{Table: "households", Path: "households.csv", Format: "csv", Encoding: "GB18030", Rows: 38000, SHA256: "cd34"},
			{Table: "sources/police", Path: "sources/police.arrow", Format: "arrow", Rows: 99000, SHA256: "ef56"},
		},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("ReadManifest =\n%+v\nwant\n%+v", m, want)
	}
	if m.Scope.Key() != "51" {
		t.Errorf("Scope.Key() = %q, want 51", m.Scope.Key())
	}
	if f, ok := m.File("households"); !ok || f.Encoding != "GB18030" {
		t.Errorf("File(households) = %+v, %v", f, ok)
	}
	if _, ok := m.File("events"); ok {
		t.Error("File(events) found an entry that is not there")
	}
}

// TestManifestRoundTrip writes a manifest with encoding/json and reads it
// back through ReadManifest.
func TestManifestRoundTrip(t *testing.T) {
	m := Manifest{
		SchemaVersion: SchemaVersion,
		Scope:         Scope{Kind: "counties", Name: "monitoring", Counties: []string{"510104", "441900"}},
		PeriodStart:   Date{day("2024-01-01")},
		AsOf:          Date{day("2024-01-01")},
		Producer:      "padis synth",
		Files:         []FileEntry{{Table: "events", Path: "events.csv", Format: "csv", Rows: 3}},
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"as_of":"2024-01-01"`) || strings.Contains(string(b), "generator") {
		t.Errorf("marshalled manifest %s", b)
	}
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, m) {
		t.Errorf("round trip = %+v, want %+v", *got, m)
	}
	if got.Scope.Key() != "monitoring" {
		t.Errorf("Scope.Key() = %q", got.Scope.Key())
	}
}

func TestReadManifestErrors(t *testing.T) {
	const ok = `{"schema_version":1,"scope":{"kind":"province","province":"51"},"period_start":"2023-01-01","as_of":"2024-04-30","files":[%s]}`
	file := `{"table":"persons","path":"p.parquet","format":"parquet"}`
	tests := []struct {
		name, body, want string
	}{
		// The errors name the position or the field, never the content.
		{"not json", `{"schema_version":`, "manifest.json: not valid JSON (at byte 18)"},
		{"not json at all", "K3Y-SECRET\n", "manifest.json: not valid JSON (at byte 1)"},
		{"wrong type", `{"schema_version":"1"}`, "manifest.json: field schema_version: a JSON string where int is wanted"},
		{"bad date", strings.Replace(ok, "2024-04-30", "30/04/2024", 1), `date: want YYYY-MM-DD`},
		{"impossible date", strings.Replace(ok, "2024-04-30", "2024-02-30", 1), `date: want YYYY-MM-DD`},
		{"province scope without province", strings.Replace(ok, `"province":"51"`, `"name":"x"`, 1), "scope: names neither a province nor counties"},
		{"counties scope without counties", strings.Replace(ok, `"kind":"province","province":"51"`, `"kind":"counties","name":"m"`, 1), "scope: kind counties without counties"},
		{"bad county", strings.Replace(ok, `"kind":"province","province":"51"`, `"kind":"counties","name":"m","counties":["5101"]`, 1), "scope: counties[0] is not a 6-digit code"},
		{"county outside the province", strings.Replace(ok, `"province":"51"`, `"province":"51","counties":["110101"]`, 1), "scope: county 110101 is not in province 51"},
		{"schema version", strings.Replace(ok, `"schema_version":1`, `"schema_version":2`, 1), "schema_version 2, this PADIS reads 1"},
		{"no schema version", strings.Replace(ok, `"schema_version":1,`, ``, 1), "schema_version 0"},
		{"no as_of", strings.Replace(ok, `,"as_of":"2024-04-30"`, ``, 1), "as_of is missing"},
		{"no period_start", strings.Replace(ok, `"period_start":"2023-01-01",`, ``, 1), "period_start must be set"},
		{"period after as_of", strings.Replace(ok, "2023-01-01", "2024-05-01", 1), "not after as_of"},
		{"scope without key", strings.Replace(ok, `"province":"51"`, `"counties":["510104"]`, 1), "scope has neither name nor province"},
		{"file without path", strings.Replace(ok, "%s", file+`,{"table":"events","format":"csv"}`, 1), "files[1] needs table and path"},
		{"file without table", strings.Replace(ok, "%s", `{"path":"x.csv","format":"csv"}`, 1), "files[0] needs table and path"},
		{"bad format", strings.Replace(ok, "%s", `{"table":"persons","path":"p.xlsx","format":"xlsx"}`, 1), `files[0] (p.xlsx): format "xlsx" is not parquet, csv or arrow`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(tc.body, "%s", file, 1)
			path := filepath.Join(t.TempDir(), "manifest.json")
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadManifest(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("error %v does not name the file", err)
			}
			if err != nil && (strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "30/04")) {
				t.Errorf("error %v quotes the file", err)
			}
		})
	}
	if _, err := ReadManifest(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: error %v", err)
	}
}

func TestDateJSON(t *testing.T) {
	d := Date{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(d)
	if err != nil || string(b) != `"2024-02-29"` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var back Date
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(d.Time) {
		t.Errorf("Unmarshal = %v, %v", back, err)
	}
	for _, bad := range []string{`"2024-2-29"`, `20240229`, `"2023-02-29"`, `null"`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
}
