package dashboards

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRotatingFile: the file never grows past the bound, rotated files
// shift by one, only keep of them stay, no line is split, and a reopened
// file goes on appending.
func TestRotatingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "access.log")
	w, err := OpenRotatingFile(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		fmt.Fprintf(w, "line %02d 0123456789012345678\n", i) // 30 bytes: 3 lines a file
	}
	w.Close()
	want := map[string]string{"access.log": "18 19", "access.log.1": "15 16 17", "access.log.2": "12 13 14"}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != len(want) {
		t.Errorf("%d files, want %d: %v", len(ents), len(want), ents)
	}
	for name, lines := range want {
		fi, err := os.Stat(filepath.Join(dir, "logs", name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 100 || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %d bytes, mode %v; want at most 100 and 0600", name, fi.Size(), fi.Mode().Perm())
		}
		b, _ := os.ReadFile(filepath.Join(dir, "logs", name))
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			got = append(got, strings.Fields(l)[1])
		}
		if strings.Join(got, " ") != lines {
			t.Errorf("%s holds lines %v, want %s", name, got, lines)
		}
	}
	// Reopened, it appends to the current file and rotates on its size.
	w, err = OpenRotatingFile(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, "line %02d 0123456789012345678\n", 20)
	fmt.Fprintf(w, "line %02d 0123456789012345678\n", 21)
	w.Close()
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "line 21") {
		t.Errorf("after reopening: %q, want a new file starting with line 21", b)
	}
	if b, _ := os.ReadFile(path + ".1"); !strings.Contains(string(b), "line 20") {
		t.Errorf("after reopening, access.log.1 = %q, want lines 18–20", b)
	}
}
