package worktime

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "2026-10-01", want: Date{2026, time.October, 1}},
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "2026-02-29", wantErr: true},
		{in: "2026-02-30", wantErr: true},
		{in: "2026-2-1", wantErr: true},
		{in: "2026-02-01T00:00:00Z", wantErr: true},
		{in: "", wantErr: true},
		{in: "01/10/2026", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestDateOfUsesTheLocation(t *testing.T) {
	shanghai := mustLoad(t, "Asia/Shanghai")
	instant := time.Date(2026, time.September, 30, 20, 0, 0, 0, time.UTC)
	if got, want := DateOf(instant), (Date{2026, time.September, 30}); got != want {
		t.Errorf("DateOf(UTC) = %v, want %v", got, want)
	}
	if got, want := DateOf(instant.In(shanghai)), (Date{2026, time.October, 1}); got != want {
		t.Errorf("DateOf(Shanghai) = %v, want %v", got, want)
	}
}

func TestDateHelpers(t *testing.T) {
	d := Date{2026, time.December, 31}
	if got, want := d.AddDays(1), (Date{2027, time.January, 1}); got != want {
		t.Errorf("AddDays(1) = %v, want %v", got, want)
	}
	if got, want := d.AddDays(-365), (Date{2025, time.December, 31}); got != want {
		t.Errorf("AddDays(-365) = %v, want %v", got, want)
	}
	if got := d.Weekday(); got != time.Thursday {
		t.Errorf("Weekday() = %v, want Thursday", got)
	}
	if d.Compare(d.AddDays(1)) != -1 || d.AddDays(1).Compare(d) != 1 || d.Compare(d) != 0 {
		t.Error("Compare disagrees with AddDays")
	}
	for _, bad := range []Date{{}, {2026, 13, 1}, {2026, 2, 29}, {10000, 1, 1}} {
		if bad.IsValid() {
			t.Errorf("%v.IsValid() = true", bad)
		}
	}
}

func TestCalendarJSON(t *testing.T) {
	t.Run("DefaultShape", func(t *testing.T) {
		b, err := json.Marshal(DefaultCalendar())
		if err != nil {
			t.Fatal(err)
		}
		want := `{"zone":"Asia/Shanghai","day_start":"09:00","day_end":"18:00","weekdays":[1,2,3,4,5],"holidays":[],"makeup_workdays":[]}`
		if string(b) != want {
			t.Fatalf("got  %s\nwant %s", b, want)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		in := ChinaCalendar(2026)
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out Calendar
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("round trip changed the calendar:\n in  %+v\n out %+v", in, out)
		}
	})
	t.Run("DatesAsText", func(t *testing.T) {
		var c Calendar
		if err := json.Unmarshal([]byte(`{"holidays":["2026-10-01"],"makeup_workdays":["2026-10-10"]}`), &c); err != nil {
			t.Fatal(err)
		}
		if c.Holidays[0] != (Date{2026, time.October, 1}) || c.MakeupWorkdays[0] != (Date{2026, time.October, 10}) {
			t.Fatalf("got %+v", c)
		}
	})
	t.Run("ErrBadDate", func(t *testing.T) {
		var c Calendar
		if err := json.Unmarshal([]byte(`{"holidays":["2026-02-30"]}`), &c); err == nil {
			t.Fatal("want error for 2026-02-30")
		}
	})
}

func TestValidate(t *testing.T) {
	d := func(s string) Date {
		t.Helper()
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name   string
		change func(c *Calendar)
		paths  []string
	}{
		{"OK", func(c *Calendar) {}, nil},
		{"OKMidnightEnd", func(c *Calendar) { c.DayStart, c.DayEnd = "00:00", "24:00" }, nil},
		{"OKOnlyMakeupDays", func(c *Calendar) {
			c.Weekdays = nil
			c.MakeupWorkdays = []Date{d("2026-10-10")}
		}, nil},
		{"ErrZoneRequired", func(c *Calendar) { c.Zone = "" }, []string{"zone"}},
		{"ErrZoneUnknown", func(c *Calendar) { c.Zone = "Mars/Olympus_Mons" }, []string{"zone"}},
		{"ErrZoneLocal", func(c *Calendar) { c.Zone = "Local" }, []string{"zone"}},
		{"ErrDayStartFormat", func(c *Calendar) { c.DayStart = "9:00" }, []string{"day_start"}},
		{"ErrDayStartMidnight", func(c *Calendar) { c.DayStart = "24:00" }, []string{"day_start"}},
		{"ErrDayEndRange", func(c *Calendar) { c.DayEnd = "18:60" }, []string{"day_end"}},
		{"ErrDayEndRequired", func(c *Calendar) { c.DayEnd = "" }, []string{"day_end"}},
		{"ErrEndNotAfterStart", func(c *Calendar) { c.DayStart, c.DayEnd = "18:00", "09:00" }, []string{"day_end"}},
		{"ErrEndEqualsStart", func(c *Calendar) { c.DayEnd = "09:00" }, []string{"day_end"}},
		{"ErrWeekdayRange", func(c *Calendar) { c.Weekdays = append(c.Weekdays, 7) }, []string{"weekdays[5]"}},
		{"ErrWeekdayNegative", func(c *Calendar) { c.Weekdays[0] = -1 }, []string{"weekdays[0]"}},
		{"ErrWeekdayDuplicate", func(c *Calendar) { c.Weekdays = append(c.Weekdays, time.Monday) }, []string{"weekdays[5]"}},
		{"ErrNoWorkingDays", func(c *Calendar) { c.Weekdays = []time.Weekday{} }, []string{"weekdays"}},
		{"ErrHolidayInvalid", func(c *Calendar) {
			c.Holidays = []Date{d("2026-10-01"), d("2026-10-02"), d("2026-10-03"), {2026, time.February, 30}}
		}, []string{"holidays[3]"}},
		{"ErrHolidayDuplicate", func(c *Calendar) {
			c.Holidays = []Date{d("2026-10-01"), d("2026-10-01")}
		}, []string{"holidays[1]"}},
		{"ErrMakeupInvalid", func(c *Calendar) { c.MakeupWorkdays = []Date{{}} }, []string{"makeup_workdays[0]"}},
		{"ErrBothHolidayAndMakeup", func(c *Calendar) {
			c.Holidays = []Date{d("2026-10-01"), d("2026-10-10")}
			c.MakeupWorkdays = []Date{d("2026-09-20"), d("2026-10-10")}
		}, []string{"makeup_workdays[1]"}},
		{"ErrSeveral", func(c *Calendar) {
			c.Zone, c.DayStart, c.Weekdays = "Nowhere", "x", []time.Weekday{1, 1}
		}, []string{"zone", "day_start", "weekdays[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultCalendar()
			tt.change(&c)
			errs := c.Validate()
			var paths []string
			for _, e := range errs {
				paths = append(paths, e.Path)
				if e.Message == "" {
					t.Errorf("%s: empty message", e.Path)
				}
			}
			if !slices.Equal(paths, tt.paths) {
				t.Fatalf("paths = %q, want %q (errors %v)", paths, tt.paths, errs)
			}

			s, err := c.Compile()
			if len(tt.paths) == 0 {
				if err != nil || s == nil {
					t.Fatalf("Compile() = %v, %v; want a schedule", s, err)
				}
				return
			}
			var fe FieldErrors
			if !errors.As(err, &fe) || s != nil {
				t.Fatalf("Compile() = %v, %v; want FieldErrors", s, err)
			}
			if !reflect.DeepEqual([]FieldError(fe), errs) {
				t.Fatalf("Compile errors %v differ from Validate %v", fe, errs)
			}
		})
	}
}

func TestCompileCopiesTheCalendar(t *testing.T) {
	c := DefaultCalendar()
	c.Holidays = append(c.Holidays, Date{2026, time.November, 26})
	s := mustCompile(t, c)
	c.Holidays[0] = Date{2026, time.November, 27}
	c.Weekdays[0] = time.Sunday
	if s.IsWorkingDay(Date{2026, time.November, 26}) {
		t.Error("2026-11-26 should stay a holiday")
	}
	if !s.IsWorkingDay(Date{2026, time.November, 30}) {
		t.Error("Monday 2026-11-30 should stay a working day")
	}
}

func mustLoad(t testing.TB, zone string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustCompile(t testing.TB, c Calendar) *Schedule {
	t.Helper()
	s, err := c.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
