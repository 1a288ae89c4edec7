package models

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"firstask/scoring"
)

// BenchmarkRulePreview10k previews a draft rule set (2-point violation types
// cost 3, praise cap 8) on a live month of 10,000 staff with 200,000
// counted records, and in the same run computes that month's scores with
// Store.MonthScores, alternating the two. It reports x_monthscores, the
// ratio of the preview's mean time to MonthScores' (issue 18's target:
// ≤ 1.5), x_monthscores_best (of the fastest runs) and both times. The
// organisation's size comes from FIRSTASK_BENCH_SCORE_STAFF (records are 20
// per person), as for BenchmarkMonthScores10k, so CI runs it small:
//
//	go test ./models -run '^$' -bench RulePreview10k -benchtime=3x
func BenchmarkRulePreview10k(b *testing.B) {
	benchStaff = benchSize(b, "FIRSTASK_BENCH_SCORE_STAFF", 10_000)
	benchViolations, benchPraise = 16*benchStaff, 4*benchStaff
	s := openStoreAt(b, time.Date(2026, 10, 31, 8, 0, 0, 0, time.UTC))
	ctx := context.Background()
	seedBenchMonth(b, s)
	hr := System("bench")

	draft := scoring.DefaultRuleSet()
	for _, t := range []scoring.ViolationType{scoring.ViolationLateReferral, scoring.ViolationLateContact, scoring.ViolationNoFeedback, scoring.ViolationOther} {
		draft.Points[t] = 3
	}
	draft.PraiseCap = 8
	doc, err := json.Marshal(draft)
	if err != nil {
		b.Fatal(err)
	}
	in := RulePreviewInput{Rules: doc, Months: []string{october.String()}}
	page := &Page{Number: 1, Size: 50}

	// The preview must describe the same month MonthScores computes.
	ms, err := s.MonthScores(ctx, hr, october, 0)
	if err != nil {
		b.Fatal(err)
	}
	pv, err := s.PreviewRules(ctx, hr, in, PreviewOptions{Page: page})
	if err != nil {
		b.Fatal(err)
	}
	mp := pv.Months[0]
	if mp.People != len(ms.Results) || mp.Changed == 0 || len(mp.Changes) != min(50, mp.Changed) {
		b.Fatalf("preview of %d people, %d changed (%d listed); MonthScores %d results", mp.People, mp.Changed, len(mp.Changes), len(ms.Results))
	}
	bonus := 0.0
	for _, r := range ms.Results {
		bonus += r.BonusDeductionPercent
	}
	if math.Abs(mp.BonusWithheldBefore-bonus) > 0.01 {
		b.Fatalf("bonus withheld before %v, MonthScores %v", mp.BonusWithheldBefore, bonus)
	}
	b.Logf("%d staff, %d records: %d change", mp.People, benchViolations+benchPraise, mp.Changed)

	var preview, scores time.Duration
	bestPreview, bestScores := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := s.PreviewRules(ctx, hr, in, PreviewOptions{Page: page}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := s.MonthScores(ctx, hr, october, 0); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		preview += t1.Sub(t0)
		scores += t2.Sub(t1)
		bestPreview, bestScores = min(bestPreview, t1.Sub(t0)), min(bestScores, t2.Sub(t1))
	}
	n := float64(b.N)
	b.ReportMetric(float64(preview.Milliseconds())/n, "ms_preview")
	b.ReportMetric(float64(scores.Milliseconds())/n, "ms_monthscores")
	b.ReportMetric(float64(preview)/float64(scores), "x_monthscores")
	b.ReportMetric(float64(bestPreview)/float64(bestScores), "x_monthscores_best")
}
