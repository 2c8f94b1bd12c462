package quality_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/cube/cubetest"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/quality"
	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Villages of testdata/tiny; 519999999999 in the files is not one.
const (
	vA = "510104001001"
	vB = "510104001002" // same township as vA
	vC = "510105002001"
)

// loadFixture loads the hand-written snapshot in dir like cubetest.Load
// but keeps its quarantined rows: the division list is exactly villages.
func loadFixture(t *testing.T, st *store.Store, dir string, villages ...string) int64 {
	t.Helper()
	m, err := models.ReadManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for i, f := range m.Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		m.Files[i].SHA256, m.Files[i].Rows = hex.EncodeToString(sum[:]), int64(len(recs)-1)
		if err := os.WriteFile(filepath.Join(tmp, f.Path), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mb, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(tmp, "manifest.json"), mb, 0o600); err != nil {
		t.Fatal(err)
	}
	vs := map[string]bool{}
	for _, v := range villages {
		vs[v] = true
	}
	// The fixture quarantines a third of its persons on purpose: the
	// quarantine bound is off.
	rep, err := load.Load(context.Background(), st, tmp, load.Options{Keys: cubetest.Keys(t), Divisions: cubetest.Tree(t, vs), MaxQuarantine: 1})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Version.ID
}

func runTiny(t *testing.T) (*store.Store, int64, *quality.Result) {
	t.Helper()
	st := cubetest.OpenStore(t)
	ver := loadFixture(t, st, "testdata/tiny", vA, vB, vC)
	if _, err := cube.Build(context.Background(), st, ver, cube.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := quality.Run(context.Background(), st, ver, quality.Options{MinHeapingPop: 1})
	if err != nil {
		t.Fatal(err)
	}
	return st, ver, res
}

type frac struct{ num, den float64 }

func checkProp(t *testing.T, what string, p quality.Proportion, want frac, scale float64) {
	t.Helper()
	if p.Numerator != want.num || p.Denominator != want.den {
		t.Errorf("%s = %v/%v, want %v/%v", what, p.Numerator, p.Denominator, want.num, want.den)
		return
	}
	if want.den == 0 {
		if !math.IsNaN(p.Value) {
			t.Errorf("%s = %v, want NaN with no denominator", what, p.Value)
		}
		return
	}
	lo, hi := cube.Wilson(want.num, want.den)
	if math.Abs(p.Value-want.num/want.den*scale) > 1e-9 || math.Abs(p.Lower-lo*scale) > 1e-9 || math.Abs(p.Upper-hi*scale) > 1e-9 {
		t.Errorf("%s = %v [%v, %v], want %v with the Wilson interval", what, p.Value, p.Lower, p.Upper, want.num/want.den*scale)
	}
}

// TestTinyGolden checks every measure of testdata/tiny against the hand
// computation in testdata/tiny/README.md.
func TestTinyGolden(t *testing.T) {
	st, ver, res := runTiny(t)
	if res.Records != 18 || res.Unplaced != 1 {
		t.Errorf("records %d, unplaced %d; want 18 and 1 (P24: no residence, unknown household)", res.Records, res.Unplaced)
	}
	if res.Linkage {
		t.Errorf("linkage found in a store without linkage tables")
	}
	type want struct {
		records, accepted, quarantined float64
		compl, id, code, cons          frac
		checks                         [4]frac // id_match, marital_age, mother_age, household_head
		timely                         frac
		p50, p90, max                  float64
		bins                           [6]float64
	}
	cases := map[string]want{
		vA: {8, 6, 2, frac{106, 109}, frac{6, 7}, frac{7, 7}, frac{12, 14},
			[4]frac{{5, 6}, {4, 5}, {1, 1}, {2, 2}}, frac{1, 3}, 52, 326, 326, [6]float64{1, 0, 1, 0, 1, 0}},
		vB: {5, 4, 1, frac{66, 68}, frac{3, 3}, frac{4, 5}, frac{6, 8},
			[4]frac{{2, 3}, {3, 3}, {0, 1}, {1, 1}}, frac{2, 2}, 30, 30, 30, [6]float64{0, 2, 0, 0, 0, 0}},
		vC: {4, 2, 2, frac{54, 57}, frac{3, 3}, frac{2, 3}, frac{5, 6},
			[4]frac{{2, 2}, {2, 2}, {0, 0}, {1, 2}}, frac{1, 1}, 30, 30, 30, [6]float64{0, 1, 0, 0, 0, 0}},
		"510104001": {13, 10, 3, frac{172, 177}, frac{9, 10}, frac{11, 12}, frac{18, 22},
			[4]frac{{7, 9}, {7, 8}, {1, 2}, {3, 3}}, frac{3, 5}, 30, 326, 326, [6]float64{1, 2, 1, 0, 1, 0}},
		"51": {17, 12, 5, frac{226, 234}, frac{12, 13}, frac{13, 15}, frac{23, 28},
			[4]frac{{9, 11}, {9, 10}, {1, 2}, {4, 5}}, frac{4, 6}, 30, 326, 326, [6]float64{1, 3, 1, 0, 1, 0}},
	}
	for div, w := range cases {
		ms, err := quality.Read(context.Background(), st, ver, []string{div})
		if err != nil || len(ms) != 1 {
			t.Fatalf("Read %s: %v, %d units", div, err, len(ms))
		}
		m := ms[0]
		if m.Records != w.records || m.Accepted != w.accepted || m.Quarantined != w.quarantined {
			t.Errorf("%s records %v/%v/%v, want %v/%v/%v", div, m.Records, m.Accepted, m.Quarantined, w.records, w.accepted, w.quarantined)
		}
		checkProp(t, div+" completeness", m.Completeness, w.compl, 100)
		checkProp(t, div+" id validity", m.IDValidity, w.id, 100)
		checkProp(t, div+" code validity", m.CodeValidity, w.code, 100)
		checkProp(t, div+" consistency", m.Consistency, w.cons, 100)
		for i, c := range m.Checks {
			checkProp(t, div+" "+c.Name, c.Proportion, w.checks[i], 100)
		}
		checkProp(t, div+" timeliness", m.Timeliness, w.timely, 100)
		if m.Lags.P50 != w.p50 || m.Lags.P90 != w.p90 || m.Lags.Max != w.max {
			t.Errorf("%s lag p50/p90/max = %v/%v/%v, want %v/%v/%v", div, m.Lags.P50, m.Lags.P90, m.Lags.Max, w.p50, w.p90, w.max)
		}
		for i, b := range m.Lags.Bins {
			if b.Events != w.bins[i] {
				t.Errorf("%s lag bin %s = %v, want %v", div, b.Label, b.Events, w.bins[i])
			}
		}
		if m.Duplicates != nil || m.Feedback != nil {
			t.Errorf("%s: duplicates/feedback present without linkage tables", div)
		}
		if m.Period != "2024-12" {
			t.Errorf("%s period %q, want 2024-12", div, m.Period)
		}
	}
	// Field detail: education is missing for P05 (A), birth_date invalid
	// for P25 (A), ethnicity missing for P21 (C), status date for P12 (C).
	ms, _ := quality.Read(context.Background(), st, ver, []string{"51"})
	fields := map[string]frac{"education": {13, 14}, "birth_date": {16, 17}, "ethnicity": {16, 17}, "status_date": {1, 2},
		"id_number": {15, 17}, "sex": {16, 17}, "res_place": {16, 17}, "marital_status": {14, 14}, "name": {17, 17}}
	for _, f := range ms[0].Fields {
		if w, ok := fields[f.Name]; ok {
			checkProp(t, "51 "+f.Name, f.Proportion, w, 100)
		}
	}
	// Province mean lag (5+52+326+30+30+30)/6.
	if got := ms[0].Lags.Mean; math.Abs(got-473.0/6) > 1e-9 {
		t.Errorf("mean lag %v, want %v", got, 473.0/6)
	}
}
