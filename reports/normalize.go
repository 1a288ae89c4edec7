package reports

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// foldWidth maps the full-width forms people type with a Chinese input method
// to their ASCII equivalents: U+FF01–U+FF5E become U+0021–U+007E and the
// ideographic space U+3000 becomes a space. It is the part of NFKC that
// matters for headers, employee numbers and scores, hand-rolled so the
// package needs nothing beyond excelize.
func foldWidth(s string) string {
	if isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000, r == 0x00A0:
			b.WriteByte(' ')
		case r == 0x200B, r == 0xFEFF: // zero-width space, byte-order mark
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// clean folds full-width characters and trims every kind of surrounding
// space (ASCII, U+3000, no-break space, tabs and line breaks).
func clean(s string) string {
	return strings.TrimFunc(foldWidth(s), unicode.IsSpace)
}

// headerKey reduces a header cell to the form aliases are compared in:
// folded, lower-case, without spaces, underscores, hyphens, dots, colons, a
// trailing "*" (required marker) or a trailing bracketed hint such as
// "(0-100)" or "（必填）".
func headerKey(s string) string {
	s = strings.ToLower(clean(s))
	for {
		t := strings.TrimSuffix(strings.TrimRightFunc(s, unicode.IsSpace), "*")
		if strings.HasSuffix(t, ")") {
			if i := strings.LastIndex(t, "("); i > 0 {
				t = t[:i]
			}
		}
		if t == s {
			break
		}
		s = t
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		switch r {
		case '_', '-', '.', ':', '*', '：':
			return -1
		}
		return r
	}, s)
}

// normalizeCode cleans an identifier cell (employee number, department code,
// phone). A number that a spreadsheet or a script stored as a float
// ("1001.0") becomes its integer digits; text such as "001001" is kept as
// typed, leading zeros included. E notation is left alone: codes such as
// "12E3" exist, and spreadsheets store integers below 10^15 plainly.
func normalizeCode(s string) string {
	s = clean(s)
	if s == "" {
		return s
	}
	if i := strings.IndexByte(s, '.'); i > 0 && allDigits(s[:i]) && strings.Trim(s[i+1:], "0") == "" {
		return s[:i]
	}
	return s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseDecimal parses a score typed by a person or stored by a spreadsheet:
// full-width digits and surrounding spaces are accepted, as are a leading
// sign, a fraction and an exponent (raw cell values); hexadecimal, "Inf",
// "NaN", thousands separators and units are not.
func parseDecimal(s string) (float64, bool) {
	s = clean(s)
	if s == "" || len(s) > 64 {
		return 0, false
	}
	body := strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-")
	mant, exp := body, ""
	if i := strings.IndexAny(body, "eE"); i >= 0 {
		mant, exp = body[:i], body[i+1:]
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		if !allDigits(exp) {
			return 0, false
		}
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if intPart == "" && frac == "" {
		return 0, false
	}
	if (intPart != "" && !allDigits(intPart)) || (hasDot && frac != "" && !allDigits(frac)) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// round2 rounds to two decimals, which is what a score keeps.
func round2(v float64) float64 {
	r := math.Round(v*100) / 100
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// displayWidth approximates how many narrow characters s occupies in a
// spreadsheet column: CJK and full-width characters count as two.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r < 0x1100:
			w++
		case unicode.Is(unicode.Han, r), r >= 0x3000 && r <= 0x30FF, r >= 0xFF00 && r <= 0xFF60, r >= 0xAC00 && r <= 0xD7A3:
			w += 2
		default:
			w++
		}
	}
	return w
}
