package worktime

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestChinaCalendar2026(t *testing.T) {
	c := ChinaCalendar(2026)
	if got := len(c.Holidays) + len(c.MakeupWorkdays); got != 39 {
		t.Fatalf("2026 has %d entries, want 39 (STACK.md)", got)
	}
	if len(c.Holidays) != 33 {
		t.Errorf("len(Holidays) = %d, want 33", len(c.Holidays))
	}
	wantMakeup := []Date{
		{2026, time.January, 4},
		{2026, time.February, 14},
		{2026, time.February, 28},
		{2026, time.May, 9},
		{2026, time.September, 20},
		{2026, time.October, 10},
	}
	if !slices.Equal(c.MakeupWorkdays, wantMakeup) {
		t.Errorf("MakeupWorkdays = %v, want %v", c.MakeupWorkdays, wantMakeup)
	}
	for day := 1; day <= 7; day++ {
		if !slices.Contains(c.Holidays, Date{2026, time.October, day}) {
			t.Errorf("2026-10-%02d is not a holiday", day)
		}
	}
	for _, d := range []Date{{2026, time.January, 1}, {2026, time.February, 17}, {2026, time.June, 19}, {2026, time.September, 25}} {
		if !slices.Contains(c.Holidays, d) {
			t.Errorf("%v is not a holiday", d)
		}
	}
	if !slices.IsSortedFunc(c.Holidays, Date.Compare) || !slices.IsSortedFunc(c.MakeupWorkdays, Date.Compare) {
		t.Error("dates are not sorted")
	}
	if errs := c.Validate(); errs != nil {
		t.Errorf("Validate() = %v", errs)
	}
	// Everything but the dates is the default.
	c.Holidays, c.MakeupWorkdays = []Date{}, []Date{}
	if !reflect.DeepEqual(c, DefaultCalendar()) {
		t.Errorf("non-date fields differ from DefaultCalendar: %+v", c)
	}
}

func TestChinaCalendarYears(t *testing.T) {
	if got := ChinaCalendar(); !reflect.DeepEqual(got, DefaultCalendar()) {
		t.Errorf("ChinaCalendar() = %+v, want DefaultCalendar", got)
	}
	one := ChinaCalendar(2026)
	if got := ChinaCalendar(2026, 2026); !reflect.DeepEqual(got, one) {
		t.Error("a repeated year changed the calendar")
	}
	two := ChinaCalendar(2026, 2025)
	if got := len(two.Holidays) + len(two.MakeupWorkdays); got != 39+33 {
		t.Errorf("2025 and 2026 have %d entries, want 72", got)
	}
	// Every year the library knows compiles: no day is both off and on.
	var years []int
	for y := 2002; y <= 2027; y++ {
		years = append(years, y)
	}
	if errs := ChinaCalendar(years...).Validate(); errs != nil {
		t.Errorf("Validate() = %v", errs)
	}
	if got := ChinaCalendar(1900); !reflect.DeepEqual(got, DefaultCalendar()) {
		t.Error("an unknown year added dates")
	}
}

func TestChinaDays(t *testing.T) {
	days := ChinaDays(2026)
	if len(days) != 39 {
		t.Fatalf("len = %d, want 39", len(days))
	}
	want := ChinaDay{
		Date:   Date{2026, time.February, 14},
		Name:   "春节",
		Work:   true,
		Target: Date{2026, time.February, 17},
	}
	if !slices.Contains(days, want) {
		t.Errorf("missing %+v", want)
	}
	i := slices.IndexFunc(days, func(d ChinaDay) bool { return d.Date == Date{2026, time.October, 1} })
	if i < 0 || days[i].Work || days[i].Name != "国庆节" {
		t.Errorf("2026-10-01 = %+v", days)
	}
}
