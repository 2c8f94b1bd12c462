package load

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
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
			s, err := writeCleanCSV(r, &out)
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

func TestUTF8Checker(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want bool
	}{
		{[]byte("张伟,ok\n𠀀"), true},
		{[]byte("plain ascii"), true},
		{[]byte{0xd5, 0xc5, 0xce, 0xb0}, false}, // 张伟 in GB18030
		{[]byte("ab\xe5\xbc"), false},           // truncated at the end
	} {
		for step := 1; step <= 4; step++ {
			u := newUTF8Checker()
			for i := 0; i < len(tc.in); i += step {
				u.feed(tc.in[i:min(i+step, len(tc.in))])
			}
			if u.ok() != tc.want || utf8.Valid(tc.in) != tc.want {
				t.Errorf("%q step %d: ok = %v, want %v", tc.in, step, u.ok(), tc.want)
			}
		}
	}
}
