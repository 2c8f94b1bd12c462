package dashboards

import (
	"fmt"
	"net/http"
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

// clientError is an error written for the client: a key of the translation
// catalog (errorMessages) and its arguments, answered with its status and
// rendered in the request's language by handleError. Arguments are codes,
// numbers and identifiers, never personal data.
type clientError struct {
	status int
	key    string
	args   []any
}

// clientErr returns a clientError.
func clientErr(status int, key string, args ...any) error {
	return &clientError{status: status, key: key, args: args}
}

// Error is the English text (logs and Go callers).
func (e *clientError) Error() string { return e.text(models.EN) }

// text renders the message in lang.
func (e *clientError) text(lang models.Lang) string {
	if len(e.args) == 0 {
		return msg(lang, e.key)
	}
	return fmt.Sprintf(msg(lang, e.key), e.args...)
}

// resolveUnit normalises code, looks it up in tree and checks it against
// the user's jurisdiction.
func resolveUnit(tree *models.DivisionTree, u *User, code string) (models.Division, error) {
	d, ok := tree.Lookup(code)
	if !ok {
		return models.Division{}, clientErr(http.StatusNotFound, "err.unknown_division", quoteCode(code))
	}
	if !InScope(u.Jurisdiction, d.Code) {
		return models.Division{}, clientErr(http.StatusForbidden, "err.division_outside", d.Code)
	}
	return d, nil
}

func quoteCode(s string) string {
	if len(s) > 20 {
		s = s[:20] + "…"
	}
	return "\"" + s + "\""
}
