package models

import (
	"fmt"
	"sort"
)

// Lang selects the language of a label.
type Lang int

// Languages of labels.
const (
	ZH Lang = iota // Chinese, the default
	EN             // English
)

// CodeEntry is one value of a code list with its labels.
type CodeEntry[T ~string] struct {
	Code T
	ZH   string
	EN   string
}

// Label returns the entry's label in lang.
func (e CodeEntry[T]) Label(lang Lang) string {
	if lang == EN {
		return e.EN
	}
	return e.ZH
}

// CodeList is a closed list of codes from a standard. Unknown codes are
// errors: Parse never maps them to a default.
type CodeList[T ~string] struct {
	Name     string // short machine name, e.g. "sex"
	Standard string // the standard the codes come from, e.g. "GB/T 2261.1-2003"
	entries  []CodeEntry[T]
	index    map[T]int
}

func newCodeList[T ~string](name, standard string, entries []CodeEntry[T]) *CodeList[T] {
	l := &CodeList[T]{Name: name, Standard: standard, entries: entries, index: make(map[T]int, len(entries))}
	for i, e := range entries {
		if _, dup := l.index[e.Code]; dup {
			panic(fmt.Sprintf("models: code list %s: duplicate code %q", name, e.Code))
		}
		l.index[e.Code] = i
	}
	return l
}

// UnknownCodeError reports a code that is not in its list.
type UnknownCodeError struct {
	List string
	Code string
}

func (e *UnknownCodeError) Error() string {
	return fmt.Sprintf("%s: unknown code %q", e.List, e.Code)
}

// Parse returns the code for s, or an *UnknownCodeError.
func (l *CodeList[T]) Parse(s string) (T, error) {
	if _, ok := l.index[T(s)]; !ok {
		return "", &UnknownCodeError{List: l.Name, Code: s}
	}
	return T(s), nil
}

// Valid reports whether c is in the list.
func (l *CodeList[T]) Valid(c T) bool {
	_, ok := l.index[c]
	return ok
}

// Entry returns the entry of c.
func (l *CodeList[T]) Entry(c T) (CodeEntry[T], bool) {
	i, ok := l.index[c]
	if !ok {
		return CodeEntry[T]{}, false
	}
	return l.entries[i], true
}

// Label returns the label of c in lang, or the code itself when unknown.
func (l *CodeList[T]) Label(c T, lang Lang) string {
	if e, ok := l.Entry(c); ok {
		return e.Label(lang)
	}
	return string(c)
}

// Entries returns the list's entries in their standard order.
func (l *CodeList[T]) Entries() []CodeEntry[T] {
	return append([]CodeEntry[T](nil), l.entries...)
}

// Codes returns the codes as plain strings, sorted.
func (l *CodeList[T]) Codes() []string {
	out := make([]string, len(l.entries))
	for i, e := range l.entries {
		out[i] = string(e.Code)
	}
	sort.Strings(out)
	return out
}

// CodeTable describes a code list without its type parameter, for consumers
// (the store's validation, exports) that treat all lists alike.
type CodeTable struct {
	Name     string
	Standard string
	Codes    []string
	ZH       map[string]string
	EN       map[string]string
}

// Table returns the list as a CodeTable.
func (l *CodeList[T]) Table() CodeTable {
	t := CodeTable{Name: l.Name, Standard: l.Standard, Codes: l.Codes(), ZH: map[string]string{}, EN: map[string]string{}}
	for _, e := range l.entries {
		t.ZH[string(e.Code)] = e.ZH
		t.EN[string(e.Code)] = e.EN
	}
	return t
}

// CodeTables returns every code list of the data model, keyed by name.
func CodeTables() map[string]CodeTable {
	return map[string]CodeTable{
		SexCodes.Name:           SexCodes.Table(),
		MaritalCodes.Name:       MaritalCodes.Table(),
		EthnicityCodes.Name:     EthnicityCodes.Table(),
		EducationCodes.Name:     EducationCodes.Table(),
		RegTypeCodes.Name:       RegTypeCodes.Table(),
		ContraceptionCodes.Name: ContraceptionCodes.Table(),
		RelationCodes.Name:      RelationCodes.Table(),
		EventTypeCodes.Name:     EventTypeCodes.Table(),
		VitalStatusCodes.Name:   VitalStatusCodes.Table(),
		HouseholdTypeCodes.Name: HouseholdTypeCodes.Table(),
	}
}
