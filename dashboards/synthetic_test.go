package dashboards

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/padis/padis/models"
)

// TestSyntheticDataLabelled: when the current snapshot's manifest has a
// generator block, every page carries the notice with the scale (zh and
// en), the CSV export starts with it as a comment line and the Parquet
// export keeps it in its metadata; with real data none of them does.
func TestSyntheticDataLabelled(t *testing.T) {
	for _, tt := range []struct {
		name string
		gen  *models.GenInfo
		zh   string
		en   string
	}{
		{"synthetic", &models.GenInfo{Seed: 7, Persons: 300000, Months: 24}, "合成演示数据（约1:280抽样规模）", "Synthetic demonstration data (about 1:280 scale)"},
		{"real", nil, "", ""},
	} {
		e := newTestEnv(t)
		e.src.snapshots = []Snapshot{{Version: 3, Scope: "51", AsOf: "2025-06-30", Current: true, Generator: tt.gen}}
		c := loggedIn(t, e, "county")
		for _, page := range []string{"/units/510104", "/alerts", "/explorer", "/quality", "/projections"} {
			for lang, want := range map[string]string{"zh": tt.zh, "en": tt.en} {
				rec := c.do("GET", page+"?lang="+lang, nil)
				if rec.Code != 200 {
					t.Fatalf("%s %s: %d", page, lang, rec.Code)
				}
				body := rec.Body.String()
				has := strings.Contains(body, `id="synthetic-note"`)
				if want == "" && has {
					t.Errorf("%s: %s (%s) labelled synthetic", tt.name, page, lang)
				}
				if want != "" && (!has || !strings.Contains(body, want)) {
					t.Errorf("%s: %s (%s) does not say %q", tt.name, page, lang, want)
				}
			}
		}
		csv := c.do("GET", "/api/v1/explorer?indicator=births&level=village&format=csv&lang=zh", nil).Body.String()
		first, _, _ := strings.Cut(strings.TrimPrefix(csv, "\ufeff"), "\r\n")
		if tt.gen != nil && first != "# "+tt.zh+"，非官方统计数字" {
			t.Errorf("%s: CSV export's first line %q, want the notice", tt.name, first)
		}
		if tt.gen == nil && !strings.HasPrefix(first, "code,name,") {
			t.Errorf("%s: CSV export starts %q, want the header", tt.name, first)
		}
		pq := c.do("GET", "/api/v1/explorer?indicator=cbr&level=township&format=parquet&lang=en", nil)
		rdr, err := file.NewParquetReader(bytes.NewReader(pq.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		note := ""
		if v := rdr.MetaData().KeyValueMetadata().FindValue("padis.data"); v != nil {
			note = *v
		}
		if tt.gen != nil && !strings.HasPrefix(note, tt.en) || tt.gen == nil && note != "" {
			t.Errorf("%s: Parquet metadata padis.data = %q", tt.name, note)
		}
		rdr.Close()
	}
}
