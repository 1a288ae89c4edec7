package scoring

import "strings"

// reasonKey is everything an Item's Reason depends on, with enums as small numbers
// (0 for an empty value, position+1 otherwise) so that hashing it is cheap.
type reasonKey struct {
	kind, violationType, severity, sanction, praiseKind int8
	points, raw                                         float64
	carriedFrom                                         Month
}

// reasonCache shares one string among items with the same explanation: a month of 200,000
// records has only a few hundred distinct reasons, so this saves an allocation per item.
type reasonCache struct {
	byKey map[reasonKey]string
}

func newReasonCache() *reasonCache {
	return &reasonCache{byKey: make(map[reasonKey]string)}
}

// enumCode maps an enum position to a key code: "" is 0, a known value position+1, an unknown one -1.
func enumCode(isEmpty bool, index int) int8 {
	if isEmpty {
		return 0
	}
	if index < 0 {
		return -1
	}
	return int8(index + 1)
}

// reason returns the English explanation of it, shared with every item explained alike.
func (c *reasonCache) reason(it *Item) string {
	key := reasonKey{
		kind:          enumCode(it.Kind == "", recordKindIndex(it.Kind)),
		violationType: enumCode(it.ViolationType == "", violationIndex(it.ViolationType)),
		severity:      enumCode(it.Severity == "", severityIndex(it.Severity)),
		sanction:      enumCode(false, it.Sanction.Rank()),
		praiseKind:    enumCode(it.PraiseKind == "", praiseIndex(it.PraiseKind)),
		points:        it.Points,
		raw:           it.RawPoints,
	}
	if it.CarriedOverFrom != nil {
		key.carriedFrom = *it.CarriedOverFrom
	}
	if key.kind < 0 || key.violationType < 0 || key.severity < 0 || key.sanction < 0 || key.praiseKind < 0 {
		return formatReason(it) // unknown values would share a code, so they are not cached
	}
	if s, ok := c.byKey[key]; ok {
		return s
	}
	s := formatReason(it)
	c.byKey[key] = s
	return s
}

// formatReason writes the explanation of one item:
//
//	buck_passing serious: −20 (written_warning)
//	supervisor_praise: +2
//	supervisor_praise: 0 of 2 (monthly praise cap reached)
//	correction: +10
//
// with ", carried over from 2026-09" appended to a carried-over record.
func formatReason(it *Item) string {
	var b strings.Builder
	switch it.Kind {
	case RecordViolation:
		b.WriteString(string(it.ViolationType))
		b.WriteByte(' ')
		b.WriteString(string(it.Severity))
		b.WriteString(": ")
		b.WriteString(signedPoints(it.Points))
		if it.Sanction != SanctionNone {
			b.WriteString(" (")
			b.WriteString(string(it.Sanction))
			b.WriteByte(')')
		}
	case RecordPraise:
		b.WriteString(string(it.PraiseKind))
		b.WriteString(": ")
		b.WriteString(signedPoints(it.Points))
		if it.Points < it.RawPoints {
			b.WriteString(" of ")
			b.WriteString(formatNumber(it.RawPoints))
			b.WriteString(" (monthly praise cap reached)")
		}
	case RecordCorrection:
		b.WriteString("correction")
		if it.ViolationType != "" {
			b.WriteString(" of ")
			b.WriteString(string(it.ViolationType))
			if it.Severity != "" {
				b.WriteByte(' ')
				b.WriteString(string(it.Severity))
			}
		}
		b.WriteString(": ")
		b.WriteString(signedPoints(it.Points))
	default:
		b.WriteString(string(it.Kind))
	}
	if it.CarriedOverFrom != nil && !it.CarriedOverFrom.IsZero() {
		b.WriteString(", carried over from ")
		b.WriteString(it.CarriedOverFrom.String())
	}
	return b.String()
}

// signedPoints prints points with their sign, using a true minus sign: "+3", "−20", "0".
func signedPoints(x float64) string {
	switch {
	case x > 0:
		return "+" + formatNumber(x)
	case x < 0:
		return "−" + formatNumber(-x)
	}
	return "0"
}
