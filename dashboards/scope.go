package dashboards

import (
	"strings"

	"github.com/padis/padis/models"
)

// InScope reports whether the unit with short code code is at or below
// jurisdiction (also a short code). The nation's jurisdiction covers all.
func InScope(jurisdiction, code string) bool {
	if jurisdiction == models.NationCode {
		return true
	}
	if code == models.NationCode {
		return false
	}
	return strings.HasPrefix(code, jurisdiction)
}

// scopeError is a unit the user may not see (403) or that does not exist
// (404).
type scopeError struct {
	status int
	msg    string
}

func (e *scopeError) Error() string { return e.msg }

// resolveUnit normalises code, looks it up in tree and checks it against
// the user's jurisdiction.
func resolveUnit(tree *models.DivisionTree, u *User, code string) (models.Division, error) {
	d, ok := tree.Lookup(code)
	if !ok {
		return models.Division{}, &scopeError{404, "unknown division code " + quoteCode(code)}
	}
	if !InScope(u.Jurisdiction, d.Code) {
		return models.Division{}, &scopeError{403, "division " + d.Code + " is outside your jurisdiction"}
	}
	return d, nil
}

func quoteCode(s string) string {
	if len(s) > 20 {
		s = s[:20] + "…"
	}
	return "\"" + s + "\""
}
