package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

const projTestdata = "../../projections/testdata/"

func runProjCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestLifetableAustria(t *testing.T) {
	out, errs, code := runProjCmd(t, "lifetable", "--input", projTestdata+"lifetable_austria1992.csv", "--sex", "m")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 20 || recs[0][5] != "lx" {
		t.Fatalf("table shape %d, header %v", len(recs), recs[0])
	}
	// Preston et al. (2001) Box 3.1: l85 = 21134, nL0 = 99192 (radix 100000).
	l85, _ := strconv.ParseFloat(recs[19][5], 64)
	L0, _ := strconv.ParseFloat(recs[1][7], 64)
	if l85 < 21133 || l85 > 21135 || L0 < 99191 || L0 > 99193 {
		t.Errorf("l85 %v L0 %v", l85, L0)
	}
}

func TestLifetableBrassAndJSON(t *testing.T) {
	out, errs, code := runProjCmd(t, "lifetable", "--brass-e0", "70", "--sex", "f", "--format", "json", "--a0", "andreev-kingkade")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var lt struct{ Ex []float64 }
	if err := json.Unmarshal([]byte(out), &lt); err != nil {
		t.Fatal(err)
	}
	if len(lt.Ex) != 111 || lt.Ex[0] < 69.9999 || lt.Ex[0] > 70.0001 {
		t.Errorf("e0 %v (%d rows)", lt.Ex, len(lt.Ex))
	}
	if !strings.Contains(errs, "Brass alpha") {
		t.Errorf("stderr %q", errs)
	}
}

func TestLifetableErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lifetable"}, 2, "give --input FILE or --brass-e0"},
		{[]string{"lifetable", "--input", projTestdata + "lifetable_single.csv", "--sex", "x"}, 2, "--sex"},
		{[]string{"lifetable", "--input", projTestdata + "lifetable_single.csv", "--a0", "xyz"}, 2, "--a0"},
		{[]string{"lifetable", "--input", projTestdata + "lifetable_single.csv", "--format", "xml"}, 2, "--format"},
		{[]string{"lifetable", "--input", projTestdata + "county_single.csv"}, 1, "county_single.csv"},
		{[]string{"lifetable", "--input", "missing.csv"}, 1, "missing.csv"},
		{[]string{"lifetable", "--bogus"}, 2, "bogus"},
	}
	for _, tc := range tests {
		_, errs, code := runProjCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
	if out, _, code := runProjCmd(t, "lifetable", "-h"); code != 0 || !strings.Contains(out, "-a0") || !strings.Contains(out, "exposure") {
		t.Errorf("help: exit %d %q", code, out)
	}
}
