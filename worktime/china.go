package worktime

import (
	"slices"

	calendar "github.com/6tail/lunar-go/HolidayUtil"
)

// ChinaDay is one entry of the State Council's holiday arrangement: a public
// holiday, or a make-up working day (调休) when Work is set.
type ChinaDay struct {
	// Date is the day the entry applies to.
	Date Date `json:"date"`
	// Name is the festival it belongs to, e.g. "国庆节".
	Name string `json:"name"`
	// Work is true for a make-up working day and false for a day off.
	Work bool `json:"work"`
	// Target is the festival's main day, e.g. 2026-10-01 for 国庆节.
	Target Date `json:"target"`
}

// ChinaDays returns the State Council's holidays and make-up working days of
// year, in date order, as published in github.com/6tail/lunar-go (2026 has
// 39 entries). A year the library does not know yields none.
func ChinaDays(year int) []ChinaDay {
	var days []ChinaDay
	for e := calendar.GetHolidaysByYear(year).Front(); e != nil; e = e.Next() {
		h, ok := e.Value.(*calendar.Holiday)
		if !ok {
			continue
		}
		day, err := ParseDate(h.GetDay())
		if err != nil {
			continue // the library's data is fixed and tested; never expected
		}
		target, _ := ParseDate(h.GetTarget())
		days = append(days, ChinaDay{Date: day, Name: h.GetName(), Work: h.IsWork(), Target: target})
	}
	slices.SortFunc(days, func(a, b ChinaDay) int { return a.Date.Compare(b.Date) })
	return days
}

// ChinaCalendar returns DefaultCalendar plus the State Council's public
// holidays and make-up working days of the given years, sorted and without
// repeats, ready for HR to edit. With no years it is DefaultCalendar.
// Holidays that fall on a weekend are kept: they are the official list.
func ChinaCalendar(years ...int) Calendar {
	c := DefaultCalendar()
	for _, year := range slices.Compact(slices.Sorted(slices.Values(years))) {
		for _, d := range ChinaDays(year) {
			if d.Work {
				c.MakeupWorkdays = append(c.MakeupWorkdays, d.Date)
			} else {
				c.Holidays = append(c.Holidays, d.Date)
			}
		}
	}
	c.Holidays = sortedDates(c.Holidays)
	c.MakeupWorkdays = sortedDates(c.MakeupWorkdays)
	return c
}

// sortedDates sorts list and drops repeats, so the result validates.
func sortedDates(list []Date) []Date {
	slices.SortFunc(list, Date.Compare)
	return slices.Compact(list)
}
