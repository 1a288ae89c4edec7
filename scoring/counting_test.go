package scoring

import (
	"testing"
	"time"
)

func TestCountingMonth(t *testing.T) {
	sep := Month{2026, time.September}
	oct := Month{2026, time.October}
	nov := Month{2026, time.November}
	dec := Month{2026, time.December}
	jan := Month{2027, time.January}

	closed := func(ms ...Month) func(Month) bool {
		return func(m Month) bool {
			for _, c := range ms {
				if c == m {
					return true
				}
			}
			return false
		}
	}
	tests := []struct {
		name        string
		occurred    Month
		isClosed    func(Month) bool
		firstOpen   Month
		want        Month
		wantCarried bool
	}{
		{"own month open", oct, closed(sep), oct, oct, false},
		{"own month open, earlier ones closed", nov, closed(sep, oct), nov, nov, false},
		{"closed, next open", sep, closed(sep), oct, oct, true},
		{"several closed months", sep, closed(sep, oct, nov), dec, dec, true},
		{"over the year end", nov, closed(nov, dec), jan, jan, true},
		{"before firstOpen, isClosed not consulted", Month{2025, time.March}, closed(), oct, oct, true},
		{"firstOpen itself closed (inconsistent caller) still moves on", sep, closed(oct), oct, nov, true},
		{"a future month", dec, closed(sep), oct, dec, false},
		{"nil isClosed: own month", oct, nil, sep, oct, false},
		{"nil isClosed: floor at firstOpen", sep, nil, oct, oct, true},
		{"zero firstOpen sets no floor", sep, closed(), Month{}, sep, false},
		{"everything closed stops at 2999-12", Month{2999, time.November}, func(Month) bool { return true }, Month{}, Month{2999, time.December}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, carried := CountingMonth(tt.occurred, tt.isClosed, tt.firstOpen)
			if got != tt.want || carried != tt.wantCarried {
				t.Fatalf("CountingMonth(%s, …, %s) = %s, %v; want %s, %v", tt.occurred, tt.firstOpen, got, carried, tt.want, tt.wantCarried)
			}
		})
	}
}

func TestCountingMonthAsksOnlyFromFloor(t *testing.T) {
	var asked []Month
	isClosed := func(m Month) bool {
		asked = append(asked, m)
		return m == Month{2026, time.October}
	}
	got, carried := CountingMonth(Month{2026, time.June}, isClosed, Month{2026, time.October})
	if got != (Month{2026, time.November}) || !carried {
		t.Fatalf("got %s, %v", got, carried)
	}
	want := []Month{{2026, time.October}, {2026, time.November}}
	if len(asked) != len(want) || asked[0] != want[0] || asked[1] != want[1] {
		t.Fatalf("asked about %v, want %v", asked, want)
	}
}
