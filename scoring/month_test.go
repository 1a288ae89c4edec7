package scoring

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the zone database ships with the test
)

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in      string
		want    Month
		wantErr bool
	}{
		{in: "2026-10", want: Month{2026, time.October}},
		{in: "2026-01", want: Month{2026, time.January}},
		{in: "2026-12", want: Month{2026, time.December}},
		{in: "2000-01", want: Month{2000, time.January}},
		{in: "2999-12", want: Month{2999, time.December}},
		{in: "2026-13", wantErr: true},
		{in: "2026-00", wantErr: true},
		{in: "2026-1", wantErr: true},
		{in: "26-10", wantErr: true},
		{in: "", wantErr: true},
		{in: "1999-12", wantErr: true},
		{in: "3000-01", wantErr: true},
		{in: "2026/10", wantErr: true},
		{in: "2026-10-01", wantErr: true},
		{in: " 2026-10", wantErr: true},
		{in: "2026-10 ", wantErr: true},
		{in: "+026-10", wantErr: true},
		{in: "2026--1", wantErr: true},
		{in: "2026-1a", wantErr: true},
		{in: "２０２６-10", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMonth(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseMonth(%q) = %v, want error", tt.in, got)
				}
				if !errors.Is(err, ErrInvalidMonth) {
					t.Fatalf("error %v is not ErrInvalidMonth", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMonth(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseMonth(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestMonthArithmetic(t *testing.T) {
	m := func(s string) Month {
		t.Helper()
		v, err := ParseMonth(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		got  Month
		want string
	}{
		{"next mid-year", m("2026-10").Next(), "2026-11"},
		{"next over year end", m("2026-12").Next(), "2027-01"},
		{"prev mid-year", m("2026-10").Prev(), "2026-09"},
		{"prev over year start", m("2026-01").Prev(), "2025-12"},
		{"add 14", m("2026-11").AddMonths(14), "2028-01"},
		{"add -13", m("2026-01").AddMonths(-13), "2024-12"},
		{"add 0", m("2026-05").AddMonths(0), "2026-05"},
	}
	for _, tt := range tests {
		if tt.got.String() != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}

	order := []struct {
		a, b          string
		before, after bool
		cmp           int
	}{
		{"2026-09", "2026-10", true, false, -1},
		{"2026-10", "2026-10", false, false, 0},
		{"2027-01", "2026-12", false, true, 1},
		{"2025-12", "2026-01", true, false, -1},
	}
	for _, tt := range order {
		a, b := m(tt.a), m(tt.b)
		if a.Before(b) != tt.before || a.After(b) != tt.after || a.Compare(b) != tt.cmp {
			t.Errorf("%s vs %s: Before=%v After=%v Compare=%d", tt.a, tt.b, a.Before(b), a.After(b), a.Compare(b))
		}
	}
}

func TestMonthStartEndAndMonthOf(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load zone: %v", err) // time/tzdata is linked in, so this never depends on the machine
	}
	oct := Month{2026, time.October}
	tests := []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"start Shanghai", oct.Start(shanghai), time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC)},
		{"end Shanghai", oct.End(shanghai), time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC)},
		{"start UTC", oct.Start(time.UTC), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"start nil is UTC", oct.Start(nil), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"end December", Month{2026, time.December}.End(time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if !tt.got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	monthOf := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want Month
	}{
		{"UTC evening is next day in Shanghai", time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), shanghai, oct},
		{"one nanosecond earlier", time.Date(2026, 9, 30, 15, 59, 59, 999999999, time.UTC), shanghai, Month{2026, time.September}},
		{"same instant in UTC", time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), time.UTC, Month{2026, time.September}},
		{"nil location is UTC", time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), nil, oct},
	}
	for _, tt := range monthOf {
		if got := MonthOf(tt.t, tt.loc); got != tt.want {
			t.Errorf("%s: MonthOf = %s, want %s", tt.name, got, tt.want)
		}
	}
	if !oct.Contains(oct.Start(shanghai), shanghai) || oct.Contains(oct.End(shanghai), shanghai) {
		t.Error("Contains must treat the month as [Start, End)")
	}
}

func TestMonthJSON(t *testing.T) {
	type doc struct {
		Month Month  `json:"month"`
		From  *Month `json:"from,omitempty"`
	}
	in := doc{Month: Month{2026, time.October}}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"month":"2026-10"}` {
		t.Fatalf("Marshal = %s", data)
	}
	var out doc
	if err := json.Unmarshal(data, &out); err != nil || out != in {
		t.Fatalf("round trip = %#v, %v", out, err)
	}

	bad := []struct {
		name string
		json string
	}{
		{"month 13", `{"month":"2026-13"}`},
		{"empty", `{"month":""}`},
		{"number", `{"month":202610}`},
		{"short", `{"month":"2026-1"}`},
	}
	for _, tt := range bad {
		if err := json.Unmarshal([]byte(tt.json), &out); err == nil {
			t.Errorf("%s: Unmarshal(%s) succeeded", tt.name, tt.json)
		}
	}
	if _, err := json.Marshal(doc{}); err == nil {
		t.Error("Marshal of the zero Month succeeded, want error")
	}
}
