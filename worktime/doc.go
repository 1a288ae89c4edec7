// Package worktime does working-time deadline arithmetic for the SLA clocks:
// "2 working hours after this inquiry was received" or "3 working days after
// it was referred".
//
// A [Calendar] is the editable, JSON form kept by HR (zone, opening hours,
// working weekdays, public holidays and make-up working days, 调休).
// [Calendar.Compile] validates it and turns it into a [Schedule], the
// immutable, pre-parsed form that does the arithmetic; a Schedule is safe for
// concurrent use. [ChinaCalendar] seeds a Calendar with the State Council's
// holidays and make-up working days from github.com/6tail/lunar-go.
//
// The package is pure: it never reads the clock, keeps no mutable globals and
// imports nothing of the project.
//
// # Decisions
//
//   - Working periods are [DayStart, DayEnd) of each working day, in the
//     calendar's zone. A working day is a weekday listed in Weekdays that is
//     not a holiday, or any make-up workday (a make-up workday wins even on a
//     weekend).
//   - Wall clock is read in the zone, elapsed time is real: a period runs
//     from the instant the zone's clocks show DayStart to the instant they
//     show DayEnd. On a day when daylight saving time changes inside the
//     opening hours (only possible when they span the change, e.g. 00:00–12:00
//     in America/New_York) the period is an hour shorter or longer than
//     [Schedule.DayLength]; with ordinary office hours nothing changes.
//   - [Schedule.Add] with d <= 0 returns start unchanged (in UTC): zero
//     working time after start is start, even outside hours. With d > 0 a
//     start outside hours counts from the next working period's start.
//   - A deadline that uses up a period exactly ends at that period's DayEnd
//     (17:00 + 1h is 18:00 the same day, not 09:00 the next working day);
//     18:00 + 1h is 10:00 the next working day.
//   - Results are returned in UTC; callers render them in any zone.
//   - [Schedule.AddDays] adds days × [Schedule.DayLength] of working time
//     (3 days = 27 working hours with 09:00–18:00), so a clock started at
//     14:30 ends at 14:30 three working days later.
//   - [Schedule.Between] is the inverse of Add: Between(start, Add(start, d))
//     == d for every d > 0.
//   - Add walks day by day (never minute by minute). [Calendar.Compile]
//     rejects a calendar without any working weekday or make-up workday; if a
//     search still finds no working period for ten years (e.g. only make-up
//     days in the past remain), Add falls back to start + d and
//     NextWorkingInstant to t, so every call terminates.
//   - [Calendar.Validate] reports every problem as a [FieldError] with a
//     JSON path ("zone", "holidays[3]"); Compile returns them as
//     [FieldErrors], so the API can return the whole list.
//   - DayEnd may be "24:00" (a period ending at midnight); DayStart may not.
//   - The zone must be an IANA name; "Local" is refused because its meaning
//     depends on the host. The package embeds time/tzdata so zones load even
//     on hosts without a zoneinfo database.
package worktime
