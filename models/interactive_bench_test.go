package models_test

import (
	"context"
	"testing"
	"time"

	"firstask/models"
	"firstask/scoring"
)

// BenchmarkInteractiveReads guards the reads of issue #17's table, one
// sub-benchmark per row (and the months list, GET /periods), against a seeded store (FIRSTASK_BENCH_INQUIRIES
// inquiries, 1,000,000 by default, one staff member per 100 up to
// 10,000; CI runs it at 2,000). Each iteration runs the read and, as the
// baseline in the same run, a staff member's own conduct list (the
// issue's fast row, GET /me/conduct); x-baseline is the ratio of their
// times and baseline-ns the baseline's time per call.
func BenchmarkInteractiveReads(b *testing.B) {
	n := models.BenchSize(b, "FIRSTASK_BENCH_INQUIRIES", 1000000)
	s, _ := seededStore(b, n)
	ctx := context.Background()
	hr := models.System("bench")
	var st models.Staff
	if err := s.TestDB().Where("role = ? AND id IN (SELECT staff_id FROM violations WHERE counted_month = ?)", models.RoleStaff, "2026-10").
		Order("id").First(&st).Error; err != nil {
		b.Fatal(err)
	}
	me := models.Actor{StaffID: st.ID, Role: st.Role, DepartmentID: st.DepartmentID, RequestID: "bench"}
	var phone string
	if err := s.TestDB().Model(&models.Inquiry{}).Where("visitor_phone LIKE ?", "1%").Order("id").Limit(1).Pluck("visitor_phone", &phone).Error; err != nil || len(phone) < 5 {
		b.Fatalf("no mobile number seeded: %v", err)
	}
	month := scoring.Month{Year: 2026, Mon: time.October}
	page := models.Page{Number: 1, Size: 50}
	reported := models.ViolationReported
	baseline := func() error { _, err := s.MyConduct(ctx, me); return err }
	for _, r := range []struct {
		name string
		read func() error
	}{
		{"MyScores", func() error { _, err := s.MonthScoresOf(ctx, me, month, st.ID); return err }},
		{"OverdueInquiries", func() error {
			_, _, err := s.ListInquiriesTotal(ctx, hr, models.InquiryFilter{Overdue: true, Page: page})
			return err
		}},
		{"OverdueReferrals", func() error {
			_, _, err := s.ListReferralsTotal(ctx, hr, models.ReferralFilter{Overdue: true, Page: page})
			return err
		}},
		{"PhoneSearch", func() error {
			items, _, err := s.ListInquiries(ctx, hr, models.InquiryFilter{Query: phone[:5], Page: page})
			if err == nil && len(items) == 0 {
				b.Fatalf("q=%s found nothing", phone[:5])
			}
			return err
		}},
		{"ViolationQueue", func() error {
			_, _, err := s.ListViolations(ctx, hr, models.ViolationFilter{State: reported, Page: page})
			return err
		}},
		{"PeriodSummary", func() error { _, err := s.GetPeriod(ctx, hr, month); return err }},
		{"ScoresPage", func() error {
			_, _, err := s.ListMonthScores(ctx, hr, month, models.ScoreFilter{Page: page})
			return err
		}},
		{"PeriodsList", func() error {
			_, _, err := s.ListPeriods(ctx, hr, models.PeriodFilter{Page: page})
			return err
		}},
	} {
		b.Run(r.name, func(b *testing.B) {
			var readT, baseT time.Duration
			for b.Loop() {
				t0 := time.Now()
				if err := r.read(); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := baseline(); err != nil {
					b.Fatal(err)
				}
				readT, baseT = readT+t1.Sub(t0), baseT+time.Since(t1)
			}
			b.ReportMetric(float64(baseT.Nanoseconds())/float64(b.N), "baseline-ns")
			b.ReportMetric(float64(readT)/float64(max(baseT, 1)), "x-baseline")
		})
	}
}
