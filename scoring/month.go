package scoring

import (
	"errors"
	"fmt"
	"time"
)

// Month is a calendar month, the scoring period, written "YYYY-MM".
//
// The zero Month is not a valid month; ParseMonth never returns it and
// MarshalText refuses it, so an unset month cannot travel into JSON unnoticed.
type Month struct {
	// Year is 2000–2999 in a valid month.
	Year int
	// Mon is January–December in a valid month.
	Mon time.Month
}

// Bounds of the years a Month may hold; they keep "YYYY-MM" four digits wide.
const (
	minMonthYear = 2000
	maxMonthYear = 2999
)

// ErrInvalidMonth is returned (wrapped) by ParseMonth and UnmarshalText for text that is not a month.
var ErrInvalidMonth = errors.New("invalid month")

// ParseMonth reads exactly "YYYY-MM" with a year in 2000–2999 and a month in 01–12.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return Month{}, fmt.Errorf("%w %q: want YYYY-MM", ErrInvalidMonth, s)
	}
	year, ok1 := parseDigits(s[0:4])
	mon, ok2 := parseDigits(s[5:7])
	if !ok1 || !ok2 {
		return Month{}, fmt.Errorf("%w %q: want YYYY-MM", ErrInvalidMonth, s)
	}
	m := Month{Year: year, Mon: time.Month(mon)}
	if !m.Valid() {
		return Month{}, fmt.Errorf("%w %q: year must be %d–%d and month 01–12", ErrInvalidMonth, s, minMonthYear, maxMonthYear)
	}
	return m, nil
}

// parseDigits reads a string of ASCII digits only (no sign, no spaces).
func parseDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// Valid reports whether m has a year in 2000–2999 and a month in January–December.
func (m Month) Valid() bool {
	return m.Year >= minMonthYear && m.Year <= maxMonthYear && m.Mon >= time.January && m.Mon <= time.December
}

// IsZero reports whether m is the zero Month, that is, unset.
func (m Month) IsZero() bool {
	return m == Month{}
}

// String formats m as "YYYY-MM", e.g. "2026-10".
func (m Month) String() string {
	var b [7]byte
	y, mo := m.Year, int(m.Mon)
	if y < 0 || y > 9999 || mo < 0 || mo > 99 {
		return fmt.Sprintf("%04d-%02d", y, mo)
	}
	b[0] = byte('0' + y/1000)
	b[1] = byte('0' + y/100%10)
	b[2] = byte('0' + y/10%10)
	b[3] = byte('0' + y%10)
	b[4] = '-'
	b[5] = byte('0' + mo/10)
	b[6] = byte('0' + mo%10)
	return string(b[:])
}

// AddMonths returns the month n months after m (before it when n is negative).
func (m Month) AddMonths(n int) Month {
	i := m.Year*12 + int(m.Mon) - 1 + n
	y, mo := i/12, i%12
	if mo < 0 {
		y, mo = y-1, mo+12
	}
	return Month{Year: y, Mon: time.Month(mo + 1)}
}

// Next returns the month after m.
func (m Month) Next() Month { return m.AddMonths(1) }

// Prev returns the month before m.
func (m Month) Prev() Month { return m.AddMonths(-1) }

// Compare returns -1 if m is before o, +1 if after, and 0 if they are the same month.
func (m Month) Compare(o Month) int {
	switch {
	case m.Year != o.Year:
		if m.Year < o.Year {
			return -1
		}
		return 1
	case m.Mon < o.Mon:
		return -1
	case m.Mon > o.Mon:
		return 1
	}
	return 0
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.Compare(o) < 0 }

// After reports whether m is later than o.
func (m Month) After(o Month) bool { return m.Compare(o) > 0 }

// Start returns the first instant of m in loc (UTC when loc is nil).
func (m Month) Start(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(m.Year, m.Mon, 1, 0, 0, 0, 0, loc)
}

// End returns the first instant after m in loc, i.e. m.Next().Start(loc); a month is the half-open range [Start, End).
func (m Month) End(loc *time.Location) time.Time {
	return m.Next().Start(loc)
}

// Contains reports whether t lies in m as seen in loc (UTC when loc is nil).
func (m Month) Contains(t time.Time, loc *time.Location) bool {
	return MonthOf(t, loc) == m
}

// MonthOf returns the month that t falls in as seen in loc (UTC when loc is nil).
func MonthOf(t time.Time, loc *time.Location) Month {
	if loc == nil {
		loc = time.UTC
	}
	y, mo, _ := t.In(loc).Date()
	return Month{Year: y, Mon: mo}
}

// MarshalText encodes m as "YYYY-MM" and refuses an invalid (e.g. zero) month.
func (m Month) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, fmt.Errorf("%w: cannot encode %s", ErrInvalidMonth, m)
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes "YYYY-MM" with the same rules as ParseMonth.
func (m *Month) UnmarshalText(text []byte) error {
	parsed, err := ParseMonth(string(text))
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}
