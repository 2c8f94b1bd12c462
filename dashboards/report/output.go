package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/padis/padis/models"
)

// Output formats of a report.
const (
	FormatHTML = "html"
	FormatPDF  = "pdf"
)

// Output is one rendered document of a report.
type Output struct {
	Lang   models.Lang
	Format string // FormatHTML or FormatPDF
	Name   string // file name, FileName(…)
	Data   []byte
}

// LangCode is the short code of a language in file names: "zh" or "en".
func LangCode(l models.Lang) string {
	if l == models.EN {
		return "en"
	}
	return "zh"
}

// ParseLang parses "zh" or "en".
func ParseLang(s string) (models.Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "zh", "zh-cn", "cn":
		return models.ZH, nil
	case "en":
		return models.EN, nil
	}
	return 0, fmt.Errorf("language %q: want zh or en", s)
}

// ParseFormats parses a comma-separated list of formats ("html,pdf").
func ParseFormats(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case FormatHTML, FormatPDF:
		default:
			return nil, fmt.Errorf("format %q: want html or pdf", f)
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// FileName is the name of a report document: "51-2025-10.zh.pdf".
func FileName(division, month string, lang models.Lang, format string) string {
	return division + "-" + month + "." + LangCode(lang) + "." + format
}

// Render renders r in every language and format asked for.
func Render(r *Report, formats []string, langs []models.Lang) ([]Output, error) {
	var out []Output
	for _, lang := range langs {
		for _, f := range formats {
			var buf bytes.Buffer
			var err error
			switch f {
			case FormatHTML:
				err = RenderHTML(&buf, r, lang)
			case FormatPDF:
				err = RenderPDF(&buf, r, lang)
			default:
				err = fmt.Errorf("report %s %s: unknown format %q", r.Unit.Code, r.Month, f)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, Output{Lang: lang, Format: f, Name: FileName(r.Unit.Code, r.Month, lang, f), Data: buf.Bytes()})
		}
	}
	return out, nil
}
