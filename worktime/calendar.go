package worktime

import (
	"cmp"
	"fmt"
	"strings"
	"time"
	// Embedded so that Validate and Compile give the same answer on every
	// host, including minimal containers without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// DefaultZone is the zone of the default calendar.
const DefaultZone = "Asia/Shanghai"

// dateLayout is the text form of a Date.
const dateLayout = "2006-01-02"

// Date is a calendar day without zone, "2026-10-01" in JSON.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses a day in the form YYYY-MM-DD and rejects days that do not
// exist, such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("worktime: invalid date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String returns the day as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText returns the day as YYYY-MM-DD, which is also its JSON form.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText parses a day written as YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// IsValid reports whether d names a day that exists, in years 1 to 9999.
func (d Date) IsValid() bool {
	if d.Year < 1 || d.Year > 9999 {
		return false
	}
	return DateOf(d.midnightUTC()) == d
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.midnightUTC().Weekday()
}

// AddDays returns the day n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Compare returns -1 if d is before o, +1 if it is after, and 0 if they are
// the same day.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmp.Compare(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp.Compare(int(d.Month), int(o.Month))
	default:
		return cmp.Compare(d.Day, o.Day)
	}
}

func (d Date) midnightUTC() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// Calendar says when people work. Its JSON form is how it is stored and
// served by GET/PUT /api/v1/calendar. Compile it to do arithmetic with it.
type Calendar struct {
	// Zone is the IANA name of the zone the hours are read in.
	Zone string `json:"zone"`
	// DayStart is the opening time, "HH:MM".
	DayStart string `json:"day_start"`
	// DayEnd is the closing time, "HH:MM" after DayStart; "24:00" is midnight.
	DayEnd string `json:"day_end"`
	// Weekdays are the ordinary working days of the week, 0 (Sunday) to 6.
	Weekdays []time.Weekday `json:"weekdays"`
	// Holidays are days off even when they fall on a working weekday.
	Holidays []Date `json:"holidays"`
	// MakeupWorkdays (调休) are working days even when they fall on a weekend.
	MakeupWorkdays []Date `json:"makeup_workdays"`
}

// DefaultCalendar returns Monday to Friday, 09:00–18:00 in Asia/Shanghai,
// without holidays.
func DefaultCalendar() Calendar {
	return Calendar{
		Zone:           DefaultZone,
		DayStart:       "09:00",
		DayEnd:         "18:00",
		Weekdays:       []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Holidays:       []Date{},
		MakeupWorkdays: []Date{},
	}
}

// FieldError is one problem with a Calendar: Path names the field the way it
// is written in JSON ("zone", "holidays[3]") and Message says what is wrong.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error returns "path: message".
func (e FieldError) Error() string {
	return e.Path + ": " + e.Message
}

// FieldErrors is the error Compile returns for a calendar that does not
// validate; it lists every problem found.
type FieldErrors []FieldError

// Error joins the problems with "; ".
func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "worktime: invalid calendar: " + strings.Join(parts, "; ")
}

// Validate lists every problem with c, or returns nil when it can be
// compiled. It checks that the zone loads, that the hours are HH:MM with
// DayStart before DayEnd, that weekdays are 0..6 and unique, that dates exist
// and are not repeated, that no date is both a holiday and a make-up workday,
// and that there is at least one working weekday or make-up workday.
func (c Calendar) Validate() []FieldError {
	var errs []FieldError
	add := func(path, format string, args ...any) {
		errs = append(errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
	}

	switch {
	case c.Zone == "":
		add("zone", "is required")
	case c.Zone == "Local":
		add("zone", "must be an IANA zone name such as %s, not Local", DefaultZone)
	default:
		if _, err := time.LoadLocation(c.Zone); err != nil {
			add("zone", "unknown time zone %q", c.Zone)
		}
	}

	start, startErr := parseClock(c.DayStart, false)
	if startErr != "" {
		add("day_start", "%s", startErr)
	}
	end, endErr := parseClock(c.DayEnd, true)
	if endErr != "" {
		add("day_end", "%s", endErr)
	}
	if startErr == "" && endErr == "" && start >= end {
		add("day_end", "must be after day_start")
	}

	seenWeekday := [7]bool{}
	for i, wd := range c.Weekdays {
		path := fmt.Sprintf("weekdays[%d]", i)
		switch {
		case wd < time.Sunday || wd > time.Saturday:
			add(path, "must be 0 (Sunday) to 6 (Saturday)")
		case seenWeekday[wd]:
			add(path, "duplicate weekday %d", int(wd))
		default:
			seenWeekday[wd] = true
		}
	}
	if len(c.Weekdays) == 0 && len(c.MakeupWorkdays) == 0 {
		add("weekdays", "at least one working weekday or make-up workday is required")
	}

	holidays := checkDates(c.Holidays, "holidays", add)
	checkDates(c.MakeupWorkdays, "makeup_workdays", add)
	for i, d := range c.MakeupWorkdays {
		if j, ok := holidays[d]; ok {
			add(fmt.Sprintf("makeup_workdays[%d]", i), "%s is also a holiday (holidays[%d])", d, j)
		}
	}
	return errs
}

// checkDates reports invalid and repeated dates of list and returns the
// index of the first occurrence of each valid date.
func checkDates(list []Date, name string, add func(path, format string, args ...any)) map[Date]int {
	seen := make(map[Date]int, len(list))
	for i, d := range list {
		path := fmt.Sprintf("%s[%d]", name, i)
		if !d.IsValid() {
			add(path, "%s is not a valid date", d)
			continue
		}
		if j, ok := seen[d]; ok {
			add(path, "duplicate of %s[%d]", name, j)
			continue
		}
		seen[d] = i
	}
	return seen
}

// parseClock parses "HH:MM" into minutes after midnight; "24:00" is allowed
// only when allowMidnight is set. It returns a message instead of an error so
// that Validate can attach it to a path.
func parseClock(s string, allowMidnight bool) (minutes int, problem string) {
	const want = "must be HH:MM, e.g. 09:00"
	if s == "" {
		return 0, "is required"
	}
	if len(s) != 5 || s[2] != ':' {
		return 0, want
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, want
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if allowMidnight && h == 24 && m == 0 {
		return 24 * 60, ""
	}
	if h > 23 || m > 59 {
		return 0, want
	}
	return h*60 + m, ""
}
