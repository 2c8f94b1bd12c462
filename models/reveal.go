package models

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Purposes a reveal of personal data may state (the dashboards translate
// them: 核查, 执法, 服务, 统计复核).
const (
	PurposeVerification      = "verification"       // 核查: checking a worklist item
	PurposeLawEnforcement    = "law_enforcement"    // 执法: a request of the police or a court
	PurposeService           = "service"            // 服务: serving the person (certificate, benefit)
	PurposeStatisticalReview = "statistical_review" // 统计复核: reviewing a statistical anomaly
)

// RevealPurposes lists the purposes, in display order.
var RevealPurposes = []string{PurposeVerification, PurposeLawEnforcement, PurposeService, PurposeStatisticalReview}

// Defaults of RevealPolicy.
const (
	DefaultRevealMinReason = 10 // characters (runes)
	DefaultRevealLimit     = 20 // records per window and user
	DefaultRevealWindow    = time.Hour
)

// RevealPolicy is what a reveal of a record's name and ID number needs: a
// purpose from RevealPurposes, a reason of at least MinReason characters
// (runes, so that Chinese counts characters, not bytes), and at most Limit
// records revealed per user per Window. Zero fields take the defaults.
type RevealPolicy struct {
	MinReason int
	Limit     int
	Window    time.Duration
}

// WithDefaults fills the zero fields.
func (p RevealPolicy) WithDefaults() RevealPolicy {
	if p.MinReason <= 0 {
		p.MinReason = DefaultRevealMinReason
	}
	if p.Limit <= 0 {
		p.Limit = DefaultRevealLimit
	}
	if p.Window <= 0 {
		p.Window = DefaultRevealWindow
	}
	return p
}

// RevealError codes.
const (
	RevealBadPurpose  = "purpose"
	RevealShortReason = "reason"
	RevealRateLimited = "rate"
)

// RevealError is a reveal refused by the policy; Code says why, so that
// the dashboards can translate it.
type RevealError struct {
	Code   string // RevealBadPurpose, RevealShortReason or RevealRateLimited
	Policy RevealPolicy
}

func (e *RevealError) Error() string {
	switch e.Code {
	case RevealBadPurpose:
		return "reveal: the purpose must be one of " + strings.Join(RevealPurposes, ", ")
	case RevealShortReason:
		return fmt.Sprintf("reveal: the reason must be at least %d characters", e.Policy.MinReason)
	default:
		return fmt.Sprintf("reveal: at most %d records per %v per user; try again later", e.Policy.Limit, e.Policy.Window)
	}
}

// Check returns a *RevealError when purpose or reason do not satisfy p.
func (p RevealPolicy) Check(purpose, reason string) error {
	p = p.WithDefaults()
	if !slices.Contains(RevealPurposes, purpose) {
		return &RevealError{Code: RevealBadPurpose, Policy: p}
	}
	if utf8.RuneCountInString(strings.Join(strings.Fields(reason), " ")) < p.MinReason {
		return &RevealError{Code: RevealShortReason, Policy: p}
	}
	return nil
}
