package models

import (
	"strings"

	"gorm.io/gorm"
)

// minPhonePrefix is the fewest digits a search by the start of a phone
// number takes: fewer would match a large part of the register.
const minPhonePrefix = 5

// phonePrefixOf reads a search text that is the start of a phone number:
// digits only, spaces, dashes and parentheses ignored, a leading plus
// allowed, at least minPhonePrefix digits and no more than a number holds.
// It returns the digits as the visitor_phone_digits column holds them.
func phonePrefixOf(s string) (string, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	return d, len(d) >= minPhonePrefix && len(d) <= 20
}

// phoneStartsWith keeps the inquiries whose phone begins with digits: an
// index range on visitor_phone_digits (the phone's digits, a column the
// database computes; migration 00102) rather than a scan of every summary.
// ':' follows '9' in every collation used, so [digits, digits+":") is
// exactly the numbers that start with digits.
func phoneStartsWith(q *gorm.DB, digits string) *gorm.DB {
	return q.Where("inquiries.visitor_phone_digits >= ? AND inquiries.visitor_phone_digits < ?", digits, digits+":")
}
