package datasets

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/padis/padis/models"
)

// ReadMonitoringCounties reads a user-supplied panel from CSV: one county
// per row, "code" or "code,weight", with an optional header row "code" or
// "code,weight" and "#" comment lines. The code is a 6-digit county code
// (or its 12-digit padded form) that must be a county of Divisions(); the
// weight, when given, must be a positive number and defaults to 1. Name,
// Province, Urban and Stratum are filled in from the division tree. name
// names the input in errors, which give the row (the line of the file) and
// the field.
func ReadMonitoringCounties(r io.Reader, name string) ([]MonitoringCounty, error) {
	t, err := Divisions()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	var out []MonitoringCounty
	seen := map[string]int{} // code → row
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > 2 {
			return nil, fmt.Errorf("%s: row %d: %d fields, want code[,weight]", name, line, len(rec))
		}
		code := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff"))
		if first && strings.EqualFold(code, "code") {
			if len(rec) == 2 && !strings.EqualFold(strings.TrimSpace(rec[1]), "weight") {
				return nil, fmt.Errorf("%s: row %d: header column 2 is %q, want weight", name, line, rec[1])
			}
			continue
		}
		d, ok := t.Lookup(code)
		switch {
		case code == "":
			return nil, fmt.Errorf("%s: row %d: field code: empty", name, line)
		case !ok:
			return nil, fmt.Errorf("%s: row %d: field code: %q is not in the 2023 division list", name, line, code)
		case d.Level != models.LevelCounty:
			return nil, fmt.Errorf("%s: row %d: field code: %q is a %s (%s), not a county", name, line, code, d.Level, d.Name)
		}
		if prev, dup := seen[d.Code]; dup {
			return nil, fmt.Errorf("%s: row %d: field code: county %s already listed on row %d", name, line, d.Code, prev)
		}
		seen[d.Code] = line
		w := 1.0
		if len(rec) == 2 && strings.TrimSpace(rec[1]) != "" {
			w, err = strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
			if err != nil || w <= 0 || math.IsInf(w, 0) || math.IsNaN(w) {
				return nil, fmt.Errorf("%s: row %d: field weight: %q is not a positive number", name, line, rec[1])
			}
		}
		urban := CountyKind(d.Name) == KindDistrict
		stratum := d.Code[:2] + "-rural"
		if urban {
			stratum = d.Code[:2] + "-urban"
		}
		out = append(out, MonitoringCounty{Code: d.Code, Name: d.Name, Province: d.Code[:2], Urban: urban, Stratum: stratum, Weight: w})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no counties listed", name)
	}
	return out, nil
}
