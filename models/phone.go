package models

import (
	"regexp"
	"strings"
	"sync/atomic"

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
	if out, ok, known := mainlandMobile(s); known {
		return out, ok
	}
	return normalizePhone(s)
}

// Verdicts kept in mobilePrefixes.
const (
	prefixUnknown = iota // not asked yet
	prefixMobile         // every number under it is a mainland mobile
	prefixInvalid        // no number under it is valid
	prefixParse          // mixed or anything else: parse every number
)

// mobilePrefixes holds, for each five-digit prefix 10000–19999 of an
// 11-digit number, what normalizePhone answers for the numbers under it,
// learned the first time a number with the prefix comes. Parsing a number
// with phonenumbers (patterns matched against the country's metadata) was
// a tenth of a registration's CPU; the most common input, a mainland
// mobile written as 11 digits, is then decided by an array lookup. Which
// mobile ranges exist depends on the first five digits at most
// ("1740[0-5]"); TestMainlandMobileShortcut checks the shortcut against
// the parser for every prefix.
var mobilePrefixes [10000]atomic.Uint32

// mainlandMobile decides s, when it is 11 ASCII digits starting with 1, by
// its prefix's verdict (known true); otherwise known is false and s must
// be parsed.
func mainlandMobile(s string) (out string, ok, known bool) {
	if len(s) != 11 || s[0] != '1' {
		return "", false, false
	}
	prefix := 0
	for i := range len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			return "", false, false
		}
		if i < 5 {
			prefix = prefix*10 + int(c-'0')
		}
	}
	slot := &mobilePrefixes[prefix-10000]
	v := slot.Load()
	if v == prefixUnknown {
		v = prefixVerdict(s[:5])
		slot.Store(v)
	}
	switch v {
	case prefixMobile:
		return s, true, true
	case prefixInvalid:
		return "", false, true
	}
	return "", false, false
}

// prefixVerdict asks the parser about three numbers under prefix: when
// all three are mobiles answered as themselves, or all three invalid, so
// is every number under it (see mobilePrefixes); anything else is parsed
// number by number.
func prefixVerdict(prefix string) uint32 {
	verdict := uint32(prefixUnknown)
	for _, rest := range []string{"000000", "555555", "999999"} {
		n := prefix + rest
		out, ok := normalizePhone(n)
		v := uint32(prefixParse)
		switch {
		case ok && out == n:
			v = prefixMobile
		case !ok:
			v = prefixInvalid
		}
		if verdict != prefixUnknown && v != verdict {
			return prefixParse
		}
		verdict = v
	}
	return verdict
}

// normalizePhone is NormalizePhone without the mobile shortcut.
func normalizePhone(s string) (string, bool) {
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
