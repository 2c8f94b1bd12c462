package load

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"
)

// csvScanner follows RFC 4180 record boundaries byte by byte, counting
// records and spotting malformed ones (wrong number of fields, a quote
// inside an unquoted field, text after a closing quote, an unterminated
// quote) so that a malformed record becomes a quarantine row instead of
// aborting DuckDB's reader. Record 0 is the header.
type csvScanner struct {
	want    int // fields per record, from the header; 0 before it
	state   int
	fields  int
	bad     bool
	cr      bool  // the last byte was a carriage return outside quotes
	badCR   bool  // a carriage return outside quotes not followed by a line feed
	empty   bool  // nothing but the line end seen in this record
	records int64 // records completed, header included
	header  []byte
	// onRecord, when set, is called with each data record's 1-based
	// number, whether it is well formed, and its field count.
	onRecord func(row int64, ok bool, fields int)
	// recordEnd, when set, is called at the end of every record (header
	// included) before the counters move on; pos is then the index of the
	// record's line end in the buffer being fed (-1 from finish).
	recordEnd func()
	pos       int
	malformed []malformedRow
	// content, when set, is called for each data record whose fields are
	// well formed, and returns why its content is unreadable ("" when it
	// is not).
	content func() string
	ok      bool // the last data record is well formed

	// Set by writeCleanCSV: data records with a byte outside ASCII, and
	// those of them that are not valid UTF-8.
	textRecords, invalidUTF8 int64
}

// malformedRow is a record dropped by writeCleanCSV. Detail says what is
// wrong in words of the scanner, never quoting the record.
type malformedRow struct {
	Row    int64
	Fields int
	Detail string
	Key    string // the record's key, when it could be read from it
}

const (
	stFieldStart = iota
	stUnquoted
	stQuoted
	stQuoteSeen
)

func newCSVScanner() *csvScanner { return &csvScanner{state: stFieldStart, empty: true} }

// feed consumes the next bytes of the file.
func (s *csvScanner) feed(b []byte) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if s.records == 0 && len(s.header) <= maxRecordBytes {
			s.header = append(s.header, c)
		}
		// A carriage return outside quotes must end the line (CRLF):
		// DuckDB takes a lone one for a line end and would refuse the
		// file.
		if s.cr && c != '\n' {
			s.badCR = true
		}
		s.cr = false
		switch s.state {
		case stFieldStart:
			switch c {
			case '"':
				s.state = stQuoted
				s.empty = false
			case ',':
				s.fields++
				s.empty = false
			case '\n':
				s.pos = i
				s.end()
			case '\r':
				s.cr = true
			default:
				s.state = stUnquoted
				s.empty = false
			}
		case stUnquoted:
			switch c {
			case ',':
				s.fields++
				s.state = stFieldStart
			case '\n':
				s.pos = i
				s.end()
			case '\r':
				s.cr = true
			case '"':
				s.bad = true
			}
		case stQuoted:
			if c == '"' {
				s.state = stQuoteSeen
			}
		case stQuoteSeen:
			switch c {
			case '"':
				s.state = stQuoted
			case ',':
				s.fields++
				s.state = stFieldStart
			case '\n':
				s.pos = i
				s.end()
			case '\r':
				s.cr = true
			default:
				s.bad = true
				s.state = stUnquoted
			}
		}
	}
}

// end closes the current record.
func (s *csvScanner) end() {
	n := s.fields + 1
	if s.records == 0 {
		s.want = n
	} else {
		d := ""
		switch {
		case s.empty && s.want > 1:
			d = "empty line"
		case s.bad && s.state == stQuoted:
			d = "unterminated quote"
		case s.bad:
			d = "stray quote"
		case s.badCR:
			d = "carriage return inside the record"
		case n != s.want:
			d = fmt.Sprintf("%d fields, want %d", n, s.want)
		case s.content != nil:
			d = s.content()
		}
		s.ok = d == ""
		if !s.ok {
			s.malformed = append(s.malformed, malformedRow{Row: s.records, Fields: n, Detail: d})
		}
		if s.onRecord != nil {
			s.onRecord(s.records, s.ok, n)
		}
	}
	if s.recordEnd != nil {
		s.recordEnd()
	}
	s.records++
	s.fields = 0
	s.bad = false
	s.badCR = false
	s.empty = true
	s.state = stFieldStart
}

// finish closes a last record without a line end.
func (s *csvScanner) finish() {
	if s.state == stQuoted {
		s.bad = true
	}
	if !s.empty || s.state != stFieldStart || s.fields > 0 {
		s.end()
	}
}

// dataRows returns the number of data records.
func (s *csvScanner) dataRows() int64 {
	if s.records == 0 {
		return 0
	}
	return s.records - 1
}

// headerNames parses the header record.
func (s *csvScanner) headerNames() ([]string, error) {
	if len(s.header) > maxRecordBytes {
		return nil, fmt.Errorf("header: longer than %d bytes", maxRecordBytes)
	}
	h := bytes.TrimPrefix(s.header, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(h) || bytes.IndexByte(h, 0) >= 0 {
		return nil, errors.New("header: not valid UTF-8 text")
	}
	r := csv.NewReader(bytes.NewReader(h))
	r.FieldsPerRecord = -1
	names, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	seen := map[string]bool{}
	for i, n := range names {
		if n == "" {
			return nil, fmt.Errorf("header: column %d has no name", i+1)
		}
		if seen[n] {
			// The name is not quoted: a file that is no data file may
			// hold anything in its first line.
			return nil, fmt.Errorf("header: column %d has the name of an earlier column", i+1)
		}
		seen[n] = true
	}
	return names, nil
}

// maxRecordBytes is the longest record writeCleanCSV keeps; a longer one is
// malformed. DuckDB refuses a line longer than its max_line_size (2 MB by
// default) and the error would abort the load and quote the line; no real
// snapshot record comes near 1 MiB.
const maxRecordBytes = 1 << 20

// writeCleanCSV copies the CSV from r to w, dropping malformed records and
// prefixing every kept record with its 1-based data row number in a
// column _row, so that row numbers survive the removal (and DuckDB need not
// number the rows itself: row_number() OVER () makes its whole read serial
// and cost 1.7× the CPU, measured on 1 M persons). Records are copied from
// the read buffer in one piece, not byte by byte. It returns the scan of
// the records read.
//
// A record is malformed (and reported in the scan, never quoted) when its
// fields are (wrong count, bad quoting, empty line), when it is longer
// than maxRecordBytes, or when its text is not text: a NUL byte, bytes
// that are not UTF-8, or U+FFFD (what the GB18030 decoder makes of bytes it
// cannot decode). For a malformed data record, the value of the column
// key (the table's key) is read from it when it can be, so that the rows
// referring to it are flagged, not quarantined as unknown references.
func writeCleanCSV(r io.Reader, w io.Writer, key string) (*csvScanner, error) {
	s := newCSVScanner()
	var (
		cur    []byte // the buffer being fed
		start  int    // where the current record starts in cur
		carry  []byte // the current record's bytes from earlier buffers
		long   bool   // the current record is longer than maxRecordBytes
		rec    []byte // the current record, once record has made it
		recSet bool
		num    []byte
		werr   error
		keyCol = -1
	)
	write := func(b []byte) {
		if werr == nil && len(b) > 0 {
			_, werr = w.Write(b)
		}
	}
	record := func() []byte {
		if !recSet {
			end := start
			if s.pos >= 0 {
				end = s.pos + 1
			}
			part := cur[start:end]
			long = long || len(carry)+len(part) > maxRecordBytes
			if len(carry) == 0 {
				rec = part
			} else {
				carry = append(carry, part...)
				rec = carry
			}
			recSet = true
		}
		return rec
	}
	s.content = func() string {
		b := record()
		if long {
			return fmt.Sprintf("record longer than %d bytes", maxRecordBytes)
		}
		if bytes.IndexByte(b, 0) >= 0 {
			return "NUL byte"
		}
		if ascii(b) {
			return ""
		}
		s.textRecords++
		if !utf8.Valid(b) {
			s.invalidUTF8++
			return "not valid UTF-8"
		}
		if bytes.Contains(b, []byte("\uFFFD")) {
			return "bytes not valid in the encoding"
		}
		return ""
	}
	s.recordEnd = func() {
		b := record()
		switch {
		case s.records == 0:
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
			write([]byte("_row,"))
			write(b)
			if key != "" {
				if names, err := parseRecord(b); err == nil {
					keyCol = slices.Index(names, key)
				}
			}
		case s.ok:
			num = append(strconv.AppendInt(num[:0], s.records, 10), ',')
			write(num)
			write(b)
		case keyCol >= 0 && !long:
			if fs, err := parseRecord(b); err == nil && keyCol < len(fs) && len(fs[keyCol]) <= 256 && utf8.ValidString(fs[keyCol]) {
				s.malformed[len(s.malformed)-1].Key = fs[keyCol]
			}
		}
		if s.pos >= 0 {
			start = s.pos + 1
		}
		carry, rec, recSet, long = carry[:0], nil, false, false
	}
	buf := make([]byte, 1<<20)
	for {
		n, err := r.Read(buf)
		cur, start = buf[:n], 0
		s.feed(cur)
		// Keep the unfinished record's bytes, up to one byte past the
		// limit: a record that long is dropped, and its bytes are not
		// kept in memory.
		if room := maxRecordBytes + 1 - len(carry); room > 0 {
			carry = append(carry, cur[start:start+min(room, len(cur)-start)]...)
		}
		if len(carry) > maxRecordBytes {
			long = true
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	// A last record without a line end gets one.
	if len(carry) > 0 {
		carry = append(carry, '\n')
	}
	cur, start, s.pos = nil, 0, -1
	s.finish()
	return s, werr
}

// ascii reports whether b is all ASCII.
func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// parseRecord splits one CSV record, leniently.
func parseRecord(b []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	return r.Read()
}
