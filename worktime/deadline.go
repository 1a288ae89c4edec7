package worktime

import (
	"math"
	"time"
)

// searchHorizonDays is how many consecutive days without a working period
// Add and NextWorkingInstant look through before giving up; it keeps them
// terminating for calendars whose working days have all passed.
const searchHorizonDays = 10 * 366

// Schedule is the compiled form of a Calendar: zone loaded, hours parsed and
// dates in maps. It is immutable and safe for concurrent use.
type Schedule struct {
	loc         *time.Location
	startHour   int
	startMinute int
	endHour     int // 24 when the day ends at midnight
	endMinute   int
	dayLength   time.Duration
	weekdays    [7]bool
	holidays    map[Date]struct{}
	makeup      map[Date]struct{}
}

// Compile validates c and returns its Schedule. When c does not validate the
// error is a FieldErrors listing every problem.
func (c Calendar) Compile() (*Schedule, error) {
	if errs := c.Validate(); len(errs) > 0 {
		return nil, FieldErrors(errs)
	}
	loc, err := time.LoadLocation(c.Zone)
	if err != nil { // Validate loaded it already; kept for safety
		return nil, FieldErrors{{Path: "zone", Message: err.Error()}}
	}
	start, _ := parseClock(c.DayStart, false)
	end, _ := parseClock(c.DayEnd, true)
	s := &Schedule{
		loc:         loc,
		startHour:   start / 60,
		startMinute: start % 60,
		endHour:     end / 60,
		endMinute:   end % 60,
		dayLength:   time.Duration(end-start) * time.Minute,
		holidays:    make(map[Date]struct{}, len(c.Holidays)),
		makeup:      make(map[Date]struct{}, len(c.MakeupWorkdays)),
	}
	for _, wd := range c.Weekdays {
		s.weekdays[wd] = true
	}
	for _, d := range c.Holidays {
		s.holidays[d] = struct{}{}
	}
	for _, d := range c.MakeupWorkdays {
		s.makeup[d] = struct{}{}
	}
	return s, nil
}

// Location returns the zone the schedule's hours are read in.
func (s *Schedule) Location() *time.Location {
	return s.loc
}

// DayLength returns the nominal length of a working day, DayEnd − DayStart
// on the wall clock (9h for 09:00–18:00).
func (s *Schedule) DayLength() time.Duration {
	return s.dayLength
}

// IsWorkingDay reports whether d is a working day: a make-up workday, or a
// working weekday that is not a holiday.
func (s *Schedule) IsWorkingDay(d Date) bool {
	if _, ok := s.makeup[d]; ok {
		return true
	}
	if _, ok := s.holidays[d]; ok {
		return false
	}
	return s.weekdays[d.Weekday()]
}

// Period returns the working period of day d, from the instant the zone's
// clocks show DayStart to the instant they show DayEnd, in the schedule's
// zone. ok is false when d is not a working day (or, on a pathological
// daylight-saving day, when the period is empty).
func (s *Schedule) Period(d Date) (start, end time.Time, ok bool) {
	if !s.IsWorkingDay(d) {
		return time.Time{}, time.Time{}, false
	}
	start = time.Date(d.Year, d.Month, d.Day, s.startHour, s.startMinute, 0, 0, s.loc)
	end = time.Date(d.Year, d.Month, d.Day, s.endHour, s.endMinute, 0, 0, s.loc)
	if !end.After(start) {
		return time.Time{}, time.Time{}, false
	}
	return start, end, true
}

// firstDay is the day to start scanning periods for instant t. It is the day
// before t's own, so that a period ending at midnight (DayEnd "24:00") or
// shifted by a daylight-saving change is never missed.
func (s *Schedule) firstDay(t time.Time) Date {
	return DateOf(t.In(s.loc)).AddDays(-1)
}

// Add returns the instant, in UTC, at which d of working time has elapsed
// after start. A start outside working hours counts from the next working
// period's start; d <= 0 returns start unchanged. A deadline that ends a
// period exactly is that period's end (17:00 + 1h is 18:00). If no working
// period exists within ten years of the last one seen, Add gives up and
// returns start + d.
func (s *Schedule) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start.UTC()
	}
	remaining := d
	idle := 0
	for day := s.firstDay(start); idle <= searchHorizonDays; day = day.AddDays(1) {
		open, shut, ok := s.Period(day)
		if !ok || !shut.After(start) {
			idle++
			continue
		}
		idle = 0
		from := open
		if start.After(open) {
			from = start
		}
		available := shut.Sub(from)
		if remaining <= available {
			return from.Add(remaining).UTC()
		}
		remaining -= available
	}
	return start.Add(d).UTC()
}

// AddDays returns Add(start, days × DayLength), rounded to the nanosecond:
// 3 days on 09:00–18:00 is 27 working hours.
func (s *Schedule) AddDays(start time.Time, days float64) time.Time {
	return s.Add(start, time.Duration(math.Round(days*float64(s.dayLength))))
}

// Between returns the working time elapsed from a to b: the total overlap of
// [a, b) with the working periods. It is 0 when b is not after a, and the
// inverse of Add: Between(start, Add(start, d)) == d for d > 0.
func (s *Schedule) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	last := DateOf(b.In(s.loc))
	var total time.Duration
	for day := s.firstDay(a); day.Compare(last) <= 0; day = day.AddDays(1) {
		open, shut, ok := s.Period(day)
		if !ok {
			continue
		}
		lo, hi := open, shut
		if a.After(lo) {
			lo = a
		}
		if b.Before(hi) {
			hi = b
		}
		if hi.After(lo) {
			total += hi.Sub(lo)
		}
	}
	return total
}

// NextWorkingInstant returns, in UTC, t itself when it lies inside a working
// period, else the start of the next working period. DayEnd is outside its
// period, so 18:00 gives 09:00 of the next working day. If no working period
// exists within ten years it returns t.
func (s *Schedule) NextWorkingInstant(t time.Time) time.Time {
	for day, idle := s.firstDay(t), 0; idle <= searchHorizonDays; day, idle = day.AddDays(1), idle+1 {
		open, shut, ok := s.Period(day)
		if !ok || !shut.After(t) {
			continue
		}
		if t.Before(open) {
			return open.UTC()
		}
		return t.UTC()
	}
	return t.UTC()
}
