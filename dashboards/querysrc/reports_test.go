package querysrc

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/dashboards/report"
	"github.com/padis/padis/models"
)

func TestReportsArchive(t *testing.T) {
	a := report.Archive{Dir: t.TempDir()}
	for _, u := range []report.Unit{{Code: "51", Name: "四川省"}, {Code: "510104", Name: "锦江区"}} {
		r := &report.Report{Unit: u, Month: "2025-10", Version: 3, GeneratedAt: time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC)}
		name := u.Code + "-2025-10.zh.html"
		if _, err := a.Store(r, []report.Output{{Lang: models.ZH, Format: "html", Name: name, Data: []byte("<h1>" + u.Name + "</h1>")}}); err != nil {
			t.Fatal(err)
		}
	}
	rs := Reports{Archive: a}
	ctx := context.Background()
	list, err := rs.Reports(ctx, "510104")
	if err != nil || len(list) != 1 || list[0].ID != "510104-2025-10.zh.html" || list[0].Unit != "510104" || list[0].Period != "2025-10" {
		t.Fatalf("county list %+v, %v", list, err)
	}
	if all, _ := rs.Reports(ctx, "51"); len(all) != 2 {
		t.Errorf("province sees %d reports, want 2", len(all))
	}
	info, rc, err := rs.Open(ctx, "51-2025-10.zh.html")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if info.Unit != "51" || info.Format != "html" || string(b) != "<h1>四川省</h1>" {
		t.Errorf("open: %+v %q", info, b)
	}
	for _, bad := range []string{"../51-2025-10.zh.html", "52-2025-10.zh.html", "x", "51-2025-1.zh.html"} {
		if _, _, err := rs.Open(ctx, bad); !errors.Is(err, dashboards.ErrNotFound) {
			t.Errorf("Open(%q): %v, want ErrNotFound", bad, err)
		}
	}
}
