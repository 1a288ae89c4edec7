package models

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName writes a person's name as people expect it stored and
// printed, whoever typed it: NFKC (full-width letters and digits folded,
// the ideographic space U+3000 becomes a space), runs of white space one
// space, trimmed, and no space left between two CJK characters (offices pad
// two-character names: 「李　红」 is 李红). A space between Latin words stays
// (John Smith).
func NormalizeName(s string) string {
	s = norm.NFKC.String(s)
	fields := strings.FieldsFunc(s, unicode.IsSpace)
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			prev := lastRune(fields[i-1])
			next := []rune(f)[0]
			if !(isCJK(prev) && isCJK(next)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	return b.String()
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

// isCJK reports whether r is written without spaces between words: Han,
// Hiragana, Katakana, Hangul and the CJK punctuation.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || r == '·' || r == '・'
}
