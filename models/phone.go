package models

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// phoneCharsRE is what a written phone number may contain before it is
// parsed; phonenumbers itself ignores letters, which would let
// "13800138000abc" through.
var phoneCharsRE = regexp.MustCompile(`^\+?[0-9 ()\-]{3,30}$`)

// phoneExtRE splits an extension off the end of a number: "转123",
// "分机 123", "ext 12", "ext. 12", "x12", "#12".
var phoneExtRE = regexp.MustCompile(`(?i)^(.*?)\s*(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})$`)

// NormalizePhone checks a visitor's phone number and returns its canonical
// form: a mainland mobile as 11 digits ("13800138000"), a mainland landline
// with its area code ("010-65529988"), either followed by an extension
// ("0755-88886666转123"); a number given with another country code
// ("+1 415 555 2671") in E.164 ("+14155552671"). ok is false for anything
// else, including a landline without its area code.
func NormalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	ext := ""
	if m := phoneExtRE.FindStringSubmatch(s); m != nil {
		s, ext = strings.TrimSpace(m[1]), m[2]
	}
	if !phoneCharsRE.MatchString(s) {
		return "", false
	}
	num, err := phonenumbers.Parse(s, "CN")
	if err != nil {
		return "", false
	}
	var out string
	if num.GetCountryCode() == 86 {
		// A valid number is one of a known type (IsValidNumber is
		// GetNumberType != UNKNOWN for the number's region), so the type
		// alone decides, and a mobile's national form without spaces is
		// its national significant number: no pattern is matched twice
		// and nothing formatted (a registration's costliest check).
		switch phonenumbers.GetNumberType(num) {
		case phonenumbers.MOBILE:
			out = phonenumbers.GetNationalSignificantNumber(num)
		case phonenumbers.FIXED_LINE, phonenumbers.FIXED_LINE_OR_MOBILE:
			national := phonenumbers.Format(num, phonenumbers.NATIONAL)
			area, rest, _ := strings.Cut(national, " ")
			out = area + "-" + strings.ReplaceAll(rest, " ", "")
		default:
			return "", false // invalid, or a service number (400, 95xxx): not a visitor's contact
		}
	} else if !phonenumbers.IsValidNumber(num) {
		return "", false
	} else {
		out = phonenumbers.Format(num, phonenumbers.E164)
	}
	if ext != "" {
		out += "转" + ext
	}
	return out, true
}

// MaskPhone hides the middle of a phone number the way Chinese services
// print it: the first three and the last four digits stay, "138****8000";
// an extension is dropped. Anything too short to mask becomes "****".
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	if i := strings.Index(s, "转"); i >= 0 {
		s = s[:i]
	}
	digits := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	if len(digits) < 8 {
		return "****"
	}
	prefix := ""
	if strings.HasPrefix(s, "+") {
		prefix = "+"
	}
	return prefix + string(digits[:3]) + "****" + string(digits[len(digits)-4:])
}
