package load

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestCSVScanner(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        string
		rows      int64
		malformed []int64
	}{
		{"plain", "a,b\n1,2\n3,4\n", 2, nil},
		{"no final newline", "a,b\n1,2\n3,4", 2, nil},
		{"crlf", "a,b\r\n1,2\r\n3,4\r\n", 2, nil},
		{"quoted comma and newline", "a,b\n\"x,\ny\",2\n3,4\n", 2, nil},
		{"escaped quote", "a,b\n\"x\"\"y\",2\n", 1, nil},
		{"empty fields", "a,b,c\n,,\n", 1, nil},
		{"short", "a,b\n1\n3,4\n", 2, []int64{1}},
		{"long", "a,b\n1,2,3\n", 1, []int64{1}},
		{"stray quote", "a,b\nx\"y,2\n3,4\n", 2, []int64{1}},
		{"text after quote", "a,b\n\"x\"y,2\n3,4\n", 2, []int64{1}},
		{"unterminated", "a,b\n1,2\n\"x,2\n", 2, []int64{2}},
		{"blank line", "a,b\n1,2\n\n3,4\n", 3, []int64{2}},
		{"header only", "a,b\n", 0, nil},
		{"lone carriage return", "a,b\n1\r2,3\n4,\r5\n6,7\r\n", 3, []int64{1, 2}},
		{"carriage return in quotes", "a,b\n\"1\r2\",3\n", 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Whole, and one byte at a time: the result must not depend
			// on buffer boundaries.
			for _, step := range []int{len(tc.in) + 1, 1} {
				s := newCSVScanner()
				for i := 0; i < len(tc.in); i += step {
					s.feed([]byte(tc.in[i:min(i+step, len(tc.in))]))
				}
				s.finish()
				var bad []int64
				for _, m := range s.malformed {
					bad = append(bad, m.Row)
				}
				if s.dataRows() != tc.rows || fmt.Sprint(bad) != fmt.Sprint(tc.malformed) {
					t.Errorf("step %d: %d rows, malformed %v; want %d, %v", step, s.dataRows(), bad, tc.rows, tc.malformed)
				}
			}
		})
	}
}

func TestWriteCleanCSV(t *testing.T) {
	for _, tc := range []struct {
		in, want        string
		rows, malformed int
	}{
		{"a,b\n1,2\nbad\n\"q\n,x\",3\n4,5,6\n7,8", "_row,a,b\n1,1,2\n3,\"q\n,x\",3\n5,7,8\n", 5, 2},
		{"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n3,4\r\n", "_row,a,b\r\n1,1,2\r\n3,3,4\r\n", 3, 1},
		{"a\n", "_row,a\n", 0, 0},
	} {
		// Whole, and one byte per read: records that span reads are
		// copied whole.
		for _, r := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in))} {
			var out bytes.Buffer
			s, err := writeCleanCSV(r, &out, "")
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("%q: got %q, want %q", tc.in, out.String(), tc.want)
			}
			if s.dataRows() != int64(tc.rows) || len(s.malformed) != tc.malformed {
				t.Errorf("%q: scanned %d rows, %d malformed; want %d, %d", tc.in, s.dataRows(), len(s.malformed), tc.rows, tc.malformed)
			}
		}
	}
}

// TestHostileRecords: records that are too long or not text are
// malformed, and dropped, whatever the read boundaries; the rest is kept;
// the details never quote the record; the key of a dropped record is read
// when it can be.
func TestHostileRecords(t *testing.T) {
	huge := strings.Repeat("S", 3<<20) // a 3 MB field
	in := "person_id,name\n" +
		"p1,张伟\n" +
		"p2,SECRET" + huge + "\n" +
		"p3,nul\x00SECRET\n" +
		"p4,\xd5\xc5SECRET\n" + // GB18030 bytes in a UTF-8 file
		"p5,bad\uFFFDSECRET\n" +
		"p6,李娜\n"
	want := "_row,person_id,name\n1,p1,张伟\n6,p6,李娜\n"
	for _, r := range []io.Reader{strings.NewReader(in), iotest.HalfReader(strings.NewReader(in))} {
		var out bytes.Buffer
		s, err := writeCleanCSV(r, &out, "person_id")
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("kept %q, want %q", out.String(), want)
		}
		var got []string
		for _, m := range s.malformed {
			if strings.Contains(m.Detail, "SECRET") || strings.Contains(m.Detail, "S") && len(m.Detail) > 100 {
				t.Errorf("row %d: detail quotes the record: %.80q", m.Row, m.Detail)
			}
			got = append(got, fmt.Sprintf("%d %s %s", m.Row, m.Key, m.Detail))
		}
		wantBad := []string{
			"2  record longer than 1048576 bytes", // the key of a record this long is not read
			"3 p3 NUL byte",
			"4 p4 not valid UTF-8",
			"5 p5 bytes not valid in the encoding",
		}
		if fmt.Sprint(got) != fmt.Sprint(wantBad) {
			t.Errorf("malformed %q, want %q", got, wantBad)
		}
		if s.dataRows() != 6 || s.textRecords != 4 || s.invalidUTF8 != 1 || wrongEncoding(s) {
			t.Errorf("%d rows, %d with text, %d not UTF-8; wrong encoding %v", s.dataRows(), s.textRecords, s.invalidUTF8, wrongEncoding(s))
		}
	}
}
