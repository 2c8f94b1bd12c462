package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pasexCSV writes DemoTools' PASEX test population as an age,count file.
func pasexCSV(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "engine", "quality", "testdata", "pop1m_pasex.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c []float64
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString("age,count\n")
	for a, v := range c {
		fmt.Fprintf(&sb, "%d,%g\n", a, v)
	}
	return writeFile(t, "pasex.csv", sb.String())
}

func TestQualityDispatch(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"quality"}, 2},
		{[]string{"quality", "whipple"}, 2},
		{[]string{"quality", "--help"}, 0},
	} {
		code, stdout, stderr := runPadis(tc.args...)
		out := stderr // the list goes with a usage error to stderr, asked for to stdout
		if tc.code == 0 {
			out = stdout
		}
		if code != tc.code || !strings.Contains(out, "heaping") {
			t.Errorf("%v: exit %d (want %d), stdout %q, stderr %q", tc.args, code, tc.code, stdout, stderr)
		}
	}
}

func TestQualityHeaping(t *testing.T) {
	path := pasexCSV(t)
	code, out, stderr := runPadis("quality", "heaping", "--ages", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"233.9", "very rough", "260.2", "23.63", "+14.20"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runPadis("quality", "heaping", "--ages", path, "--format", "json")
	if code != 0 {
		t.Fatalf("json: exit %d", code)
	}
	var rep heapingReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if math.Abs(rep.Whipple05/100-2.34) > 0.005 || rep.WhippleClass != "very rough" ||
		math.Abs(rep.Myers-23.627865) > 1e-5 || rep.WhippleFrom != 23 || rep.MyersTo != 89 {
		t.Errorf("report %+v", rep)
	}
	sum := 0.0
	for _, s := range rep.MyersShare {
		sum += s
	}
	if math.Abs(sum-100) > 1e-9 {
		t.Errorf("Myers shares sum to %v", sum)
	}

	// A narrower Whipple range changes the index.
	code, out, _ = runPadis("quality", "heaping", "--ages", path, "--from", "33", "--to", "52", "--format", "csv")
	if code != 0 || !strings.Contains(out, "whipple_0_5,,") || strings.Contains(out, "233.87") {
		t.Errorf("--from 33 --to 52: exit %d\n%s", code, out)
	}
	// --age-min and --age-max mean DemoTools' ageMin and ageMax: the heaped
	// ages 35…50 count the ages 33…52, the same index as --from 33 --to 52.
	code, out2, _ := runPadis("quality", "heaping", "--ages", path, "--age-min", "35", "--age-max", "50", "--format", "csv")
	if code != 0 || out2 != out {
		t.Errorf("--age-min 35 --age-max 50: exit %d\n%s\nwant the output of --from 33 --to 52:\n%s", code, out2, out)
	}
	code, out, _ = runPadis("quality", "heaping", "--ages", path, "--format", "json")
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.WhippleAgeMin != 25 || rep.WhippleAgeMax != 60 || rep.WhippleFrom != 23 || rep.WhippleTo != 62 {
		t.Errorf("default ages: %+v (%v), want ageMin 25, ageMax 60, range 23–62", rep, err)
	}
	for _, args := range [][]string{
		{"--age-min", "25", "--from", "23", "--to", "62"},
		{"--age-min", "23"},
		{"--from", "23"},
	} {
		if code, _, stderr := runPadis(append([]string{"quality", "heaping", "--ages", path}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

func TestQualityHeapingErrors(t *testing.T) {
	tests := []struct {
		name, content string
		want          string
	}{
		{"bad age", "age,count\n0,5\nold,3\n", "row 3, field age"},
		{"duplicate", "age,count\n0,5\n0,3\n", "row 3, field age: age 0 already given in row 2"},
		{"bad count", "age,count\n0,x\n", "row 2, field count"},
		{"header", "years,n\n0,1\n", "row 1, field 1"},
		{"missing age", "age,count\n23,1\n24,1\n", "counts stop at age 24"},
	}
	for _, tc := range tests {
		path := writeFile(t, "a.csv", tc.content)
		code, _, stderr := runPadis("quality", "heaping", "--ages", path)
		if code != 1 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, path) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q naming the file", tc.name, code, stderr, tc.want)
		}
	}
}
