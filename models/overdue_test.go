package models_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
	"firstask/seed"
)

// TestOverdueListsMatchSubquery checks the overdue lists, driven from the
// clocks (overdueDriven), against the plain "id IN (clocks past their
// deadline)" query on seeded data: the same rows in the same order and the
// same totals, for HR, a supervisor and a staff member, with and without
// other filters, on every page.
func TestOverdueListsMatchSubquery(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, models.Options{})
	rep, err := seed.Fill(ctx, s, seed.Options{Departments: 6, Staff: 60, Inquiries: 2000, Conduct: 100, Month: "2026-10", Seed: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.SetTestClock(func() time.Time { return rep.AsOf.Add(time.Hour) })
	now := s.Now()

	var sup, staff models.Staff
	if err := s.TestDB().Where("role = ?", models.RoleSupervisor).Order("id").First(&sup).Error; err != nil {
		t.Fatal(err)
	}
	// A staff member who has overdue work of their own.
	if err := s.TestDB().Where("id = (SELECT MIN(owner_id) FROM sla_clocks WHERE state = ? AND deadline_at < ? AND owner_id IN (SELECT id FROM staff WHERE role = ?))",
		models.ClockRunning, now, models.RoleStaff).First(&staff).Error; err != nil {
		t.Fatal(err)
	}
	actors := map[string]models.Actor{
		"hr":         models.System("t"),
		"supervisor": {StaffID: sup.ID, Role: sup.Role, DepartmentID: sup.DepartmentID, RequestID: "t"},
		"staff":      {StaffID: staff.ID, Role: staff.Role, DepartmentID: staff.DepartmentID, RequestID: "t"},
	}
	ids := func(items []models.Inquiry) []int64 {
		var out []int64
		for _, i := range items {
			out = append(out, i.ID)
		}
		return out
	}
	for name, a := range actors {
		for _, f := range []models.InquiryFilter{
			{},
			{Status: string(models.InquiryReferred)},
			{Channel: string(models.AllChannels[0])},
			{DepartmentID: sup.DepartmentID},
		} {
			f.Overdue = true
			for page := 1; page <= 3; page++ {
				f.Page = models.Page{Number: page, Size: 20}
				got, total, err := s.ListInquiries(ctx, a, f)
				if models.ErrorCode(err) == models.ENotFound && name == "staff" && f.DepartmentID != a.DepartmentID {
					break // another department lies outside a staff member's scope
				}
				if err != nil {
					t.Fatal(err)
				}
				// The same list, written as a subquery.
				g := f
				g.Overdue = false
				want, wantTotal, err := s.OverdueReference(ctx, a, g)
				if err != nil {
					t.Fatal(err)
				}
				if total != wantTotal || !slices.Equal(ids(got), ids(want)) {
					t.Fatalf("%s %+v: got %d %v, want %d %v", name, f, total, ids(got), wantTotal, ids(want))
				}
				if name == "hr" && page == 1 && f.Status == "" && total == 0 {
					t.Fatalf("no overdue inquiry seeded")
				}
			}
		}
		// Referrals: the same comparison for the unfiltered list.
		rf := models.ReferralFilter{Overdue: true, Page: models.Page{Number: 1, Size: 30}}
		got, total, err := s.ListReferrals(ctx, a, rf)
		if err != nil {
			t.Fatal(err)
		}
		all, _, err := s.ListReferrals(ctx, a, models.ReferralFilter{Page: models.Page{Number: 1, Size: 100000}})
		if err != nil {
			t.Fatal(err)
		}
		var overdue []int64
		if err := s.TestDB().Model(&models.SLAClock{}).Where("state = ? AND deadline_at < ? AND referral_id IS NOT NULL", models.ClockRunning, now).Distinct().Pluck("referral_id", &overdue).Error; err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, r := range all {
			if slices.Contains(overdue, r.ID) {
				want = append(want, r.ID)
			}
		}
		var gotIDs []int64
		for _, r := range got {
			gotIDs = append(gotIDs, r.ID)
		}
		if int(total) != len(want) || !slices.Equal(gotIDs, want[:min(30, len(want))]) {
			t.Fatalf("%s referrals: got %d %v, want %d %v", name, total, gotIDs, len(want), want)
		}
	}
}
