package datasets

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/padis/padis/models"
)

// divisionsGz is the compact form of the 2023 statistical division code
// list written by internal/gendivisions (format in internal/divcsv).
//
//go:embed data/divisions.txt.gz
var divisionsGz []byte

const divisionsMagic = "padis-divisions 1"

var (
	divOnce sync.Once
	divTree *models.DivisionTree
	divErr  error
)

// Divisions returns the embedded 2023 statistical division tree (nation →
// 31 provinces → 342 cities → 2,978 counties → 41,352 townships → 620,573
// villages). It is loaded once on first use and safe for concurrent use;
// the full tree loads in well under a second.
func Divisions() (*models.DivisionTree, error) {
	divOnce.Do(func() {
		divTree, divErr = decodeDivisions(divisionsGz)
		if divErr != nil {
			divErr = fmt.Errorf("embedded divisions: %w", divErr)
		}
	})
	return divTree, divErr
}

// decodeDivisions parses the compact form and builds the tree.
func decodeDivisions(gz []byte) (*models.DivisionTree, error) {
	divs, err := parseDivisions(gz)
	if err != nil {
		return nil, err
	}
	return models.NewDivisionTree(divs)
}

// parseDivisions parses the compact form into divisions with their short
// codes and levels set, in code order.
func parseDivisions(gz []byte) ([]models.Division, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if len(gz) >= 4 { // the gzip trailer holds the uncompressed size mod 2³²
		buf.Grow(int(binary.LittleEndian.Uint32(gz[len(gz)-4:])))
	}
	if _, err := io.Copy(&buf, zr); err != nil {
		return nil, err
	}
	if err := zr.Close(); err != nil {
		return nil, err
	}
	text := buf.String() // names are substrings of this one string

	nl := strings.IndexByte(text, '\n')
	if nl < 0 || !strings.HasPrefix(text, divisionsMagic+" ") {
		return nil, fmt.Errorf("line 1: header is not %q", divisionsMagic)
	}
	var counts [6]int
	total := 0
	fields := strings.Fields(text[len(divisionsMagic):nl])
	if len(fields) != 5 {
		return nil, fmt.Errorf("line 1: want 5 counts, got %d", len(fields))
	}
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("line 1: count %d is %q", i+1, f)
		}
		counts[i+1] = n
		total += n
	}

	// All codes go into one buffer, converted to a string once.
	codeBytes := make([]byte, 0, 2*counts[1]+4*counts[2]+6*counts[3]+9*counts[4]+12*counts[5])
	type span struct{ code, codeEnd, name, nameEnd int32 }
	spans := make([]span, 0, total)
	levels := make([]models.Level, 0, total)
	var path [6][]byte // current code at each level
	var got [6]int
	prev := models.LevelNation
	lineNo := 1
	for pos := nl + 1; pos < len(text); {
		lineNo++
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			return nil, fmt.Errorf("line %d: no final newline", lineNo)
		}
		line := text[pos : pos+end]
		start := pos
		pos += end + 1
		if len(line) == 0 || line[0] < '1' || line[0] > '5' {
			return nil, fmt.Errorf("line %d: level digit missing", lineNo)
		}
		l := models.Level(line[0] - '0')
		if l > prev+1 {
			return nil, fmt.Errorf("line %d: level %d below level %d", lineNo, l, prev)
		}
		own := l.CodeLen()
		if l > models.LevelProvince {
			own -= (l - 1).CodeLen()
		}
		if len(line) <= 1+own {
			return nil, fmt.Errorf("line %d: code or name missing", lineNo)
		}
		suffix := line[1 : 1+own]
		for i := 0; i < len(suffix); i++ {
			if suffix[i] < '0' || suffix[i] > '9' {
				return nil, fmt.Errorf("line %d: code %q is not digits", lineNo, suffix)
			}
		}
		c0 := len(codeBytes)
		if l > models.LevelProvince {
			codeBytes = append(codeBytes, path[l-1]...)
		}
		codeBytes = append(codeBytes, suffix...)
		path[l] = codeBytes[c0:]
		nameStart := start + 1 + own
		spans = append(spans, span{int32(c0), int32(len(codeBytes)), int32(nameStart), int32(start + len(line))})
		levels = append(levels, l)
		got[l]++
		prev = l
	}
	if got != counts {
		return nil, fmt.Errorf("counts by level %v do not match header %v", got[1:], counts[1:])
	}
	codes := string(codeBytes)
	divs := make([]models.Division, len(spans))
	for i, s := range spans {
		divs[i] = models.Division{Code: codes[s.code:s.codeEnd], Name: text[s.name:s.nameEnd], Level: levels[i]}
	}
	return divs, nil
}
