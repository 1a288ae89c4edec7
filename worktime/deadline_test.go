package worktime

import (
	"math/rand/v2"
	"testing"
	"time"
)

// wall reads "2006-01-02 15:04" (or with seconds) as wall-clock time in loc.
func wall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout = "2006-01-02 15:04:05"
	}
	v, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func zoned(zone string) Calendar {
	c := DefaultCalendar()
	c.Zone = zone
	return c
}

func TestAdd(t *testing.T) {
	deflt := DefaultCalendar()
	china := ChinaCalendar(2026)
	tests := []struct {
		name  string
		cal   Calendar
		start string // wall clock in the calendar's zone
		d     time.Duration
		want  string
	}{
		// Within a day and across nights (2026-11-26 is a Thursday).
		{"SameDay", deflt, "2026-11-26 10:00", 2 * time.Hour, "2026-11-26 12:00"},
		{"CrossNight", deflt, "2026-11-26 17:00", 2 * time.Hour, "2026-11-27 10:00"},
		{"CrossNightSeconds", deflt, "2026-11-26 17:59:30", time.Minute, "2026-11-27 09:00:30"},
		{"Weekend", deflt, "2026-11-27 17:00", 2 * time.Hour, "2026-11-30 10:00"},
		{"FourHoursOverWeekend", deflt, "2026-11-27 15:00", 4 * time.Hour, "2026-11-30 10:00"},
		{"LongDuration", deflt, "2026-11-26 09:00", 45 * time.Hour, "2026-12-02 18:00"},
		{"VeryLong", deflt, "2026-11-27 09:00", 9 * 261 * time.Hour, "2027-11-26 18:00"},

		// Clocks started outside hours.
		{"SaturdayNight", deflt, "2026-11-28 03:00", 4 * time.Hour, "2026-11-30 13:00"},
		{"Sunday", deflt, "2026-11-29 12:00", time.Hour, "2026-11-30 10:00"},
		{"EarlyMorning", deflt, "2026-11-26 07:00", time.Hour, "2026-11-26 10:00"},
		{"Evening", deflt, "2026-11-26 19:00", time.Hour, "2026-11-27 10:00"},
		{"FridayEvening", deflt, "2026-11-27 19:00", time.Hour, "2026-11-30 10:00"},
		{"JustBeforeOpening", deflt, "2026-11-26 08:59:59", time.Hour, "2026-11-26 10:00"},

		// Boundaries at 09:00 and 18:00.
		{"AtOpening", deflt, "2026-11-26 09:00", time.Hour, "2026-11-26 10:00"},
		{"AtClosing", deflt, "2026-11-26 18:00", time.Hour, "2026-11-27 10:00"},
		{"EndsAtClosing", deflt, "2026-11-26 17:00", time.Hour, "2026-11-26 18:00"},
		{"FullDay", deflt, "2026-11-26 09:00", 9 * time.Hour, "2026-11-26 18:00"},
		{"FullDayPlusOne", deflt, "2026-11-26 09:00", 9*time.Hour + time.Minute, "2026-11-27 09:01"},
		{"FullDayFromNight", deflt, "2026-11-25 20:00", 9 * time.Hour, "2026-11-26 18:00"},

		// Zero and negative durations return the start unchanged.
		{"Zero", deflt, "2026-11-28 03:00", 0, "2026-11-28 03:00"},
		{"ZeroInHours", deflt, "2026-11-26 10:00", 0, "2026-11-26 10:00"},
		{"Negative", deflt, "2026-11-26 10:00", -time.Hour, "2026-11-26 10:00"},

		// China 2026: National Day week 10-01..07 (Thu–Wed), make-up
		// Sunday 09-20 and Saturday 10-10; 春节 02-15..23 with make-up
		// Saturdays 02-14 and 02-28; 元旦 01-01..03 with make-up Sunday 01-04.
		{"NationalDay", china, "2026-09-30 17:00", 2 * time.Hour, "2026-10-08 10:00"},
		{"NationalDayStartedInside", china, "2026-10-03 11:00", 2 * time.Hour, "2026-10-08 11:00"},
		{"NationalDayDefaultCalendar", deflt, "2026-09-30 17:00", 2 * time.Hour, "2026-10-01 10:00"},
		{"MakeupSaturdayAfterNationalDay", china, "2026-10-09 17:00", 2 * time.Hour, "2026-10-10 10:00"},
		{"MakeupSaturdayCountsAllDay", china, "2026-10-09 17:00", 11 * time.Hour, "2026-10-12 10:00"},
		{"MakeupSundayBeforeMidAutumn", china, "2026-09-18 17:00", 2 * time.Hour, "2026-09-20 10:00"},
		{"MakeupSundayStartedOnSaturday", china, "2026-09-19 10:00", time.Hour, "2026-09-20 10:00"},
		{"MidAutumn", china, "2026-09-24 17:00", 2 * time.Hour, "2026-09-28 10:00"},
		{"SpringFestivalMakeupBefore", china, "2026-02-13 17:00", 2 * time.Hour, "2026-02-14 10:00"},
		{"SpringFestival", china, "2026-02-14 17:00", 2 * time.Hour, "2026-02-24 10:00"},
		{"SpringFestivalMakeupAfter", china, "2026-02-27 17:00", 2 * time.Hour, "2026-02-28 10:00"},
		{"NewYear", china, "2025-12-31 17:00", 2 * time.Hour, "2026-01-04 10:00"},

		// DST zones: the changes fall on Sundays, so Friday 17:00 + 2h is
		// Monday 10:00 on the wall clock after a 1h shorter/longer weekend.
		{"NewYorkSpringForward", zoned("America/New_York"), "2026-03-06 17:00", 2 * time.Hour, "2026-03-09 10:00"},
		{"NewYorkFallBack", zoned("America/New_York"), "2026-10-30 17:00", 2 * time.Hour, "2026-11-02 10:00"},
		{"BerlinSpringForward", zoned("Europe/Berlin"), "2026-03-27 17:00", 2 * time.Hour, "2026-03-30 10:00"},
		{"BerlinFallBack", zoned("Europe/Berlin"), "2026-10-23 17:00", 2 * time.Hour, "2026-10-26 10:00"},
		{"BerlinStartedOnChangeNight", zoned("Europe/Berlin"), "2026-03-29 02:30", time.Hour, "2026-03-30 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustCompile(t, tt.cal)
			start := wall(t, s.Location(), tt.start)
			want := wall(t, s.Location(), tt.want)
			got := s.Add(start, tt.d)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %v) = %s, want %s", tt.start, tt.d, got.In(s.Location()), want)
			}
			if got.Location() != time.UTC {
				t.Fatalf("Add returned location %v, want UTC", got.Location())
			}
			if tt.d > 0 {
				if back := s.Between(start, got); back != tt.d {
					t.Fatalf("Between(start, Add(start, %v)) = %v", tt.d, back)
				}
			}
		})
	}
}

// TestAddInUTC pins the instants themselves, not only wall clocks, for a
// zone without DST and for both directions of a DST change.
func TestAddInUTC(t *testing.T) {
	tests := []struct {
		zone        string
		start, want time.Time // UTC
	}{
		// Shanghai is UTC+8 all year: Thu 17:00 → Fri 10:00.
		{"Asia/Shanghai", time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)},
		{"Asia/Shanghai", time.Date(2026, 7, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 7, 3, 2, 0, 0, 0, time.UTC)},
		// New York: Fri 17:00 EST (22:00Z) → Mon 10:00 EDT (14:00Z).
		{"America/New_York", time.Date(2026, 3, 6, 22, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC)},
		// New York: Fri 17:00 EDT (21:00Z) → Mon 10:00 EST (15:00Z).
		{"America/New_York", time.Date(2026, 10, 30, 21, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)},
		// Berlin: Fri 17:00 CET (16:00Z) → Mon 10:00 CEST (08:00Z).
		{"Europe/Berlin", time.Date(2026, 3, 27, 16, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC)},
		// Berlin: Fri 17:00 CEST (15:00Z) → Mon 10:00 CET (09:00Z).
		{"Europe/Berlin", time.Date(2026, 10, 23, 15, 0, 0, 0, time.UTC), time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		s := mustCompile(t, zoned(tt.zone))
		if got := s.Add(tt.start, 2*time.Hour); !got.Equal(tt.want) {
			t.Errorf("%s: Add(%s, 2h) = %s, want %s", tt.zone, tt.start, got, tt.want)
		}
	}
}

// TestDSTInsideHours covers the documented decision: a period runs between
// the instants the zone's clocks show DayStart and DayEnd, so it loses or
// gains the hour when a change falls inside the opening hours.
func TestDSTInsideHours(t *testing.T) {
	c := zoned("America/New_York")
	c.DayStart, c.DayEnd = "00:00", "12:00"
	c.Weekdays = []time.Weekday{0, 1, 2, 3, 4, 5, 6}
	s := mustCompile(t, c)
	ny := s.Location()
	if s.DayLength() != 12*time.Hour {
		t.Fatalf("DayLength() = %v, want 12h", s.DayLength())
	}
	tests := []struct {
		day  string
		want time.Duration
	}{
		{"2026-03-07", 12 * time.Hour},
		{"2026-03-08", 11 * time.Hour}, // spring forward at 02:00
		{"2026-11-01", 13 * time.Hour}, // fall back at 02:00
	}
	for _, tt := range tests {
		d, _ := ParseDate(tt.day)
		start, end, ok := s.Period(d)
		if !ok || end.Sub(start) != tt.want {
			t.Errorf("Period(%s) = %s..%s (%v), want %v long", tt.day, start, end, ok, tt.want)
		}
		if got := s.Between(start, end); got != tt.want {
			t.Errorf("Between over %s = %v, want %v", tt.day, got, tt.want)
		}
	}
	start := wall(t, ny, "2026-03-08 00:00")
	if got, want := s.Add(start, 11*time.Hour), wall(t, ny, "2026-03-08 12:00"); !got.Equal(want) {
		t.Errorf("Add(03-08 00:00, 11h) = %s, want %s", got.In(ny), want)
	}
	if got, want := s.Add(start, 12*time.Hour), wall(t, ny, "2026-03-09 01:00"); !got.Equal(want) {
		t.Errorf("Add(03-08 00:00, 12h) = %s, want %s", got.In(ny), want)
	}
	start = wall(t, ny, "2026-11-01 00:00")
	if got, want := s.Add(start, 13*time.Hour), wall(t, ny, "2026-11-01 12:00"); !got.Equal(want) {
		t.Errorf("Add(11-01 00:00, 13h) = %s, want %s", got.In(ny), want)
	}
}

func TestMidnightEnd(t *testing.T) {
	c := DefaultCalendar()
	c.DayStart, c.DayEnd = "00:00", "24:00"
	s := mustCompile(t, c)
	loc := s.Location()
	// Thursday 23:00 + 2h runs straight on into Friday.
	if got, want := s.Add(wall(t, loc, "2026-11-26 23:00"), 2*time.Hour), wall(t, loc, "2026-11-27 01:00"); !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(loc), want)
	}
	// Friday 23:00 + 2h skips the weekend.
	if got, want := s.Add(wall(t, loc, "2026-11-27 23:00"), 2*time.Hour), wall(t, loc, "2026-11-30 01:00"); !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(loc), want)
	}
	if got := s.NextWorkingInstant(wall(t, loc, "2026-11-27 23:30")); !got.Equal(wall(t, loc, "2026-11-27 23:30")) {
		t.Errorf("NextWorkingInstant(Fri 23:30) = %s", got.In(loc))
	}
}

func TestAddDays(t *testing.T) {
	deflt := DefaultCalendar()
	china := ChinaCalendar(2026)
	tests := []struct {
		name  string
		cal   Calendar
		start string
		days  float64
		want  string
	}{
		{"FeedbackThreeDays", deflt, "2026-11-26 10:00", 3, "2026-12-01 10:00"},
		{"FeedbackAfternoon", deflt, "2026-11-26 14:30", 3, "2026-12-01 14:30"},
		{"FeedbackFromSaturday", deflt, "2026-11-28 03:00", 3, "2026-12-02 18:00"},
		{"FeedbackAcrossNationalDay", china, "2026-09-29 10:00", 3, "2026-10-09 10:00"},
		{"HalfDay", deflt, "2026-11-26 09:00", 0.5, "2026-11-26 13:30"},
		{"Zero", deflt, "2026-11-28 03:00", 0, "2026-11-28 03:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustCompile(t, tt.cal)
			start := wall(t, s.Location(), tt.start)
			want := wall(t, s.Location(), tt.want)
			if got := s.AddDays(start, tt.days); !got.Equal(want) {
				t.Fatalf("AddDays(%s, %v) = %s, want %s", tt.start, tt.days, got.In(s.Location()), want)
			}
		})
	}
}

func TestBetween(t *testing.T) {
	deflt := DefaultCalendar()
	china := ChinaCalendar(2026)
	tests := []struct {
		name string
		cal  Calendar
		a, b string
		want time.Duration
	}{
		{"OverWeekend", deflt, "2026-11-27 17:00", "2026-11-30 10:00", 2 * time.Hour},
		{"Reversed", deflt, "2026-11-30 10:00", "2026-11-27 17:00", 0},
		{"Equal", deflt, "2026-11-26 10:00", "2026-11-26 10:00", 0},
		{"OutsideHours", deflt, "2026-11-26 18:00", "2026-11-27 09:00", 0},
		{"Weekend", deflt, "2026-11-28 00:00", "2026-11-30 00:00", 0},
		{"WholeWeek", deflt, "2026-11-30 00:00", "2026-12-07 00:00", 45 * time.Hour},
		{"NationalDayWeek", china, "2026-09-28 00:00", "2026-10-12 00:00", 6 * 9 * time.Hour}, // 09-28..30, 10-08..10
		{"NationalDayWeekDefault", deflt, "2026-09-28 00:00", "2026-10-12 00:00", 10 * 9 * time.Hour},
		{"Year2026China", china, "2026-01-01 00:00", "2027-01-01 00:00", 9 * (261 - 19 + 6) * time.Hour}, // 261 weekdays, 19 holidays on them, 6 make-up days
		{"NewYorkDSTWeek", zoned("America/New_York"), "2026-03-06 09:00", "2026-03-09 18:00", 18 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustCompile(t, tt.cal)
			a, b := wall(t, s.Location(), tt.a), wall(t, s.Location(), tt.b)
			if got := s.Between(a, b); got != tt.want {
				t.Fatalf("Between(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestBetweenInvertsAdd is property-style: from many random starts, in
// hours or not, Between(start, Add(start, d)) == d, the result lies inside
// or at the end of a working period, and Add(start, Between(start, end))
// gives back an end that lies strictly inside hours.
func TestBetweenInvertsAdd(t *testing.T) {
	calendars := map[string]Calendar{
		"default":  DefaultCalendar(),
		"china":    ChinaCalendar(2026, 2027),
		"new_york": zoned("America/New_York"),
		"berlin":   zoned("Europe/Berlin"),
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(365 * 24 * time.Hour)
	for name, c := range calendars {
		t.Run(name, func(t *testing.T) {
			s := mustCompile(t, c)
			rng := rand.New(rand.NewPCG(2026, 10))
			for i := 0; i < 2000; i++ {
				start := from.Add(time.Duration(rng.Int64N(span)))
				d := time.Duration(1 + rng.Int64N(int64(200*time.Hour)))
				end := s.Add(start, d)
				if got := s.Between(start, end); got != d {
					t.Fatalf("start %s d %v: Between(start, Add) = %v", start, d, got)
				}
				if inside := s.NextWorkingInstant(end.Add(-time.Nanosecond)); !inside.Equal(end.Add(-time.Nanosecond)) {
					t.Fatalf("start %s d %v: Add = %s is not in working hours", start, d, end)
				}
				// An end strictly inside hours is reached again from its
				// working time (one at an opening is reached as the
				// previous closing instead, as documented).
				probe := s.NextWorkingInstant(start.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour)))))
				atOpening := s.Between(probe.Add(-time.Nanosecond), probe) == 0
				if w := s.Between(start, probe); w > 0 && !atOpening {
					if again := s.Add(start, w); !again.Equal(probe) {
						t.Fatalf("start %s: Add(start, Between(start, %s)) = %s", start, probe, again)
					}
				}
			}
		})
	}
}

func TestNextWorkingInstant(t *testing.T) {
	s := mustCompile(t, ChinaCalendar(2026))
	loc := s.Location()
	tests := []struct{ at, want string }{
		{"2026-11-26 10:00", "2026-11-26 10:00"},
		{"2026-11-26 09:00", "2026-11-26 09:00"},
		{"2026-11-26 07:00", "2026-11-26 09:00"},
		{"2026-11-26 17:59:59", "2026-11-26 17:59:59"},
		{"2026-11-26 18:00", "2026-11-27 09:00"},
		{"2026-11-28 03:00", "2026-11-30 09:00"},
		{"2026-09-30 18:30", "2026-10-08 09:00"},
		{"2026-10-10 08:00", "2026-10-10 09:00"},
	}
	for _, tt := range tests {
		got := s.NextWorkingInstant(wall(t, loc, tt.at))
		if want := wall(t, loc, tt.want); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("NextWorkingInstant(%s) = %s, want %s in UTC", tt.at, got, want)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	s := mustCompile(t, ChinaCalendar(2026))
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-11-26", true},  // Thursday
		{"2026-11-28", false}, // Saturday
		{"2026-10-01", false}, // National Day
		{"2026-10-07", false}, // National Day, a Wednesday
		{"2026-10-08", true},
		{"2026-10-10", true}, // make-up Saturday
		{"2026-09-20", true}, // make-up Sunday
		{"2026-02-14", true}, // make-up Saturday
		{"2026-02-28", true}, // make-up Saturday
		{"2026-02-16", false},
	}
	for _, tt := range tests {
		d, _ := ParseDate(tt.day)
		if got := s.IsWorkingDay(d); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
}

// TestTerminatesWithoutWorkingDays: a calendar whose only working days are
// in the past cannot be served, so Add falls back to start + d.
func TestTerminatesWithoutWorkingDays(t *testing.T) {
	c := DefaultCalendar()
	c.Weekdays = nil
	c.MakeupWorkdays = []Date{{2020, time.January, 6}}
	s := mustCompile(t, c)
	start := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	if got, want := s.Add(start, 2*time.Hour), start.Add(2*time.Hour); !got.Equal(want) {
		t.Errorf("Add = %s, want fallback %s", got, want)
	}
	if got := s.NextWorkingInstant(start); !got.Equal(start) {
		t.Errorf("NextWorkingInstant = %s, want %s", got, start)
	}
	// Before the only make-up day it is still found.
	before := time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC)
	want := time.Date(2020, 1, 6, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
	if got := s.Add(before, time.Hour); !got.Equal(want) {
		t.Errorf("Add before the make-up day = %s, want %s", got, want)
	}
}

func BenchmarkAdd(b *testing.B) {
	s := mustCompile(b, ChinaCalendar(2026, 2027))
	start := time.Date(2026, 9, 29, 9, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		d    time.Duration
	}{
		{"2h", 2 * time.Hour},
		{"3days", 27 * time.Hour},
		{"1year", 9 * 250 * time.Hour},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				s.Add(start, bc.d)
			}
		})
	}
}
