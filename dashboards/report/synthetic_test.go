package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/models"
)

// originReader is the fake reader that knows the snapshot's origin.
type originReader struct {
	fullFakeReader
	gen *models.GenInfo
}

func (o originReader) Origin(context.Context, string) (*models.GenInfo, models.Scope, error) {
	return o.gen, models.Scope{Province: "51"}, nil
}

// TestSyntheticReportSaysSo: a report built from a synthetic snapshot
// says so, with its scale, in the HTML (zh and en) and in every PDF
// page's running header; one built from real data does not.
func TestSyntheticReportSaysSo(t *testing.T) {
	for _, tt := range []struct {
		name string
		gen  *models.GenInfo
		want map[models.Lang]string
	}{
		{"synthetic", &models.GenInfo{Seed: 7, Persons: 300000, Months: 24}, map[models.Lang]string{
			models.ZH: "合成演示数据（约1:280抽样规模）", models.EN: "Synthetic demonstration data (about 1:280 scale)"}},
		{"real", nil, nil},
	} {
		f := newFakeReader()
		b := Builder{Reader: originReader{fullFakeReader{f}, tt.gen}, Catalog: testCatalog(), Now: func() time.Time { return fixedTime }}
		r, err := b.Build(context.Background(), "51", Month{2025, 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []models.Lang{models.ZH, models.EN} {
			var buf bytes.Buffer
			if err := RenderHTML(&buf, r, lang); err != nil {
				t.Fatal(err)
			}
			html := buf.String()
			if want := tt.want[lang]; want != "" && !strings.Contains(html, want) {
				t.Errorf("%s %v: the HTML report does not say %q", tt.name, lang, want)
			}
			if tt.want == nil && (strings.Contains(html, "合成演示数据") || strings.Contains(html, "Synthetic demonstration")) {
				t.Errorf("%s %v: a report from real data is labelled synthetic", tt.name, lang)
			}
			if doc := newDocument(r, lang); tt.want != nil && !strings.Contains(doc.Header, tt.want[lang]) {
				t.Errorf("%s %v: the PDF running header %q lacks the notice", tt.name, lang, doc.Header)
			}
		}
	}
}
