package scoring

import (
	"testing"
	"time"
)

func TestSanctionFor(t *testing.T) {
	r := DefaultRuleSet()
	tests := []struct {
		count int
		sev   Severity
		want  Sanction
	}{
		{1, SeverityMinor, SanctionEducation},
		{1, SeverityOrdinary, SanctionEducation},
		{1, SeveritySerious, SanctionWrittenWarning},
		{2, SeverityMinor, SanctionVerbalWarning},
		{2, SeverityOrdinary, SanctionVerbalWarning},
		{2, SeveritySerious, SanctionWrittenWarning},
		{3, SeverityMinor, SanctionWrittenWarning},
		{3, SeverityOrdinary, SanctionWrittenWarning},
		{3, SeveritySerious, SanctionWrittenWarning},
		{4, SeverityMinor, SanctionPublicCriticism},
		{4, SeverityOrdinary, SanctionPublicCriticism},
		{4, SeveritySerious, SanctionPublicCriticism},
		{5, SeverityMinor, SanctionPublicCriticism},
		{5, SeverityOrdinary, SanctionPublicCriticism},
		{5, SeveritySerious, SanctionPublicCriticism},
		{40, SeverityMinor, SanctionPublicCriticism},
		// A count below 1 cannot happen (the violation itself counts); it is read as 1.
		{0, SeverityMinor, SanctionEducation},
		{-3, SeveritySerious, SanctionWrittenWarning},
	}
	for _, tt := range tests {
		if got := r.SanctionFor(tt.count, tt.sev); got != tt.want {
			t.Errorf("SanctionFor(%d, %s) = %q, want %q", tt.count, tt.sev, got, tt.want)
		}
	}

	custom := DefaultRuleSet()
	custom.Ladder = []Sanction{SanctionVerbalWarning, SanctionPublicCriticism}
	custom.SeriousMinimum = SanctionNone
	customTests := []struct {
		count int
		sev   Severity
		want  Sanction
	}{
		{1, SeveritySerious, SanctionVerbalWarning},
		{2, SeverityMinor, SanctionPublicCriticism},
		{3, SeverityMinor, SanctionPublicCriticism},
	}
	for _, tt := range customTests {
		if got := custom.SanctionFor(tt.count, tt.sev); got != tt.want {
			t.Errorf("custom SanctionFor(%d, %s) = %q, want %q", tt.count, tt.sev, got, tt.want)
		}
	}
}

func TestCountInWindow(t *testing.T) {
	r := DefaultRuleSet()
	at := time.Date(2026, 10, 15, 10, 0, 0, 0, time.UTC)
	window := 90 * 24 * time.Hour
	tests := []struct {
		name    string
		earlier []time.Time
		want    int
	}{
		{"none earlier", nil, 1},
		{"one within", []time.Time{at.Add(-24 * time.Hour)}, 2},
		{"exactly 90 days before counts", []time.Time{at.Add(-window)}, 2},
		{"one second past 90 days does not", []time.Time{at.Add(-window - time.Second)}, 1},
		{"same instant counts", []time.Time{at}, 2},
		{"later occurrence does not count", []time.Time{at.Add(time.Minute)}, 1},
		{"mixed", []time.Time{
			at.Add(-window - time.Nanosecond),
			at.Add(-window),
			at.Add(-30 * 24 * time.Hour),
			at.Add(-time.Hour),
			at.Add(time.Hour),
		}, 4},
	}
	for _, tt := range tests {
		if got := CountInWindow(r, at, tt.earlier); got != tt.want {
			t.Errorf("%s: CountInWindow = %d, want %d", tt.name, got, tt.want)
		}
	}
	if got, want := r.RepeatWindowStart(at), at.Add(-window); !got.Equal(want) {
		t.Errorf("RepeatWindowStart = %v, want %v", got, want)
	}
}

func TestSanctionOnVerification(t *testing.T) {
	r := DefaultRuleSet()
	at := time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)
	sept := []time.Time{
		time.Date(2026, 9, 3, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 9, 17, 9, 0, 0, 0, time.UTC),
	}
	tests := []struct {
		name      string
		sev       Severity
		earlier   []time.Time
		want      Sanction
		wantCount int
	}{
		{"first minor", SeverityMinor, nil, SanctionEducation, 1},
		{"third minor (person D)", SeverityMinor, sept, SanctionWrittenWarning, 3},
		{"first serious", SeveritySerious, nil, SanctionWrittenWarning, 1},
		{"old ones expired", SeverityOrdinary, []time.Time{at.AddDate(0, -4, 0)}, SanctionEducation, 1},
	}
	for _, tt := range tests {
		got, n := r.SanctionOnVerification(at, tt.sev, tt.earlier)
		if got != tt.want || n != tt.wantCount {
			t.Errorf("%s: = %q, %d; want %q, %d", tt.name, got, n, tt.want, tt.wantCount)
		}
	}
}
