package scoring

import "time"

// day is the length of one repeat-window day: windows count 24-hour days, not calendar days.
const day = 24 * time.Hour

// SanctionFor returns the sanction for a violation that is the countInWindow-th in the repeat
// window (this one included, so at least 1; lower counts are taken as 1): ladder[count-1],
// the last step for counts beyond the ladder, and at least SeriousMinimum when severity is serious.
func (r RuleSet) SanctionFor(countInWindow int, severity Severity) Sanction {
	if len(r.Ladder) == 0 {
		return SanctionNone
	}
	i := min(max(countInWindow, 1), len(r.Ladder)) - 1
	s := r.Ladder[i]
	if severity == SeveritySerious && r.SeriousMinimum.Rank() > s.Rank() {
		s = r.SeriousMinimum
	}
	return s
}

// RepeatWindowStart returns the earliest occurred_at that still counts towards a violation that
// occurred at occurredAt: occurredAt minus repeat_window_days × 24 h. The boundary is inclusive,
// so a violation exactly 90 days earlier counts.
func (r RuleSet) RepeatWindowStart(occurredAt time.Time) time.Time {
	return occurredAt.Add(-time.Duration(r.RepeatWindowDays) * day)
}

// CountInWindow counts the person's earlier violations inside the repeat window of one that
// occurred at occurredAt, plus one for that violation itself.
//
// earlier holds the occurred_at of the person's other verified, upheld or
// appealed violations (not dismissed, not overturned; the one being verified
// excluded). Those with RepeatWindowStart(occurredAt) <= t <= occurredAt
// count; ones that occurred later than occurredAt do not, even if verified
// before it, because the window runs up to this violation.
func CountInWindow(r RuleSet, occurredAt time.Time, earlier []time.Time) int {
	start := r.RepeatWindowStart(occurredAt)
	n := 1
	for _, t := range earlier {
		if !t.Before(start) && !t.After(occurredAt) {
			n++
		}
	}
	return n
}

// SanctionOnVerification combines CountInWindow and SanctionFor: the sanction fixed when a
// violation that occurred at occurredAt is verified, and its count in the window.
func (r RuleSet) SanctionOnVerification(occurredAt time.Time, severity Severity, earlier []time.Time) (Sanction, int) {
	n := CountInWindow(r, occurredAt, earlier)
	return r.SanctionFor(n, severity), n
}
