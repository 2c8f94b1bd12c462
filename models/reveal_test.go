package models

import (
	"errors"
	"testing"
)

func TestRevealPolicyCheck(t *testing.T) {
	tests := []struct {
		purpose, reason string
		p               RevealPolicy
		code            string
	}{
		{PurposeVerification, "家访核实户口登记信息", RevealPolicy{}, ""},                                // 10 characters
		{PurposeVerification, "家访核实户口登记信", RevealPolicy{}, RevealShortReason},                  // 9: bytes would be 27
		{PurposeService, "home visit", RevealPolicy{}, ""},                                     // 10 characters
		{PurposeService, "  x       y   ", RevealPolicy{}, RevealShortReason},                  // spaces do not count
		{"curiosity", "a perfectly long reason", RevealPolicy{}, RevealBadPurpose},             // not a purpose
		{"", "a perfectly long reason", RevealPolicy{}, RevealBadPurpose},                      // no purpose
		{PurposeLawEnforcement, "court order", RevealPolicy{MinReason: 20}, RevealShortReason}, // configured
		{PurposeStatisticalReview, "核查", RevealPolicy{MinReason: 2}, ""},
	}
	for _, tt := range tests {
		err := tt.p.Check(tt.purpose, tt.reason)
		var re *RevealError
		switch {
		case tt.code == "" && err != nil:
			t.Errorf("Check(%q, %q): %v, want nil", tt.purpose, tt.reason, err)
		case tt.code != "" && (!errors.As(err, &re) || re.Code != tt.code):
			t.Errorf("Check(%q, %q): %v, want code %s", tt.purpose, tt.reason, err, tt.code)
		}
	}
}
