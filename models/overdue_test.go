package models

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestOverdueListsMatchSubquery checks the overdue lists, driven from the
// clocks (overdueDriven), against the plain "id IN (clocks past their
// deadline)" query on seeded data: the same rows in the same order and the
// same totals, for HR, a supervisor and a staff member, with and without
// other filters, on every page.
func TestOverdueListsMatchSubquery(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	rep, err := s.Seed(ctx, SeedOptions{Departments: 6, Staff: 60, Inquiries: 2000, Conduct: 100, Month: "2026-10", Seed: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return rep.AsOf.Add(time.Hour) }
	now := s.Now()

	var sup, staff Staff
	if err := s.db.Where("role = ?", RoleSupervisor).Order("id").First(&sup).Error; err != nil {
		t.Fatal(err)
	}
	// A staff member who has overdue work of their own.
	if err := s.db.Where("id = (SELECT MIN(owner_id) FROM sla_clocks WHERE state = ? AND deadline_at < ? AND owner_id IN (SELECT id FROM staff WHERE role = ?))",
		ClockRunning, now, RoleStaff).First(&staff).Error; err != nil {
		t.Fatal(err)
	}
	actors := map[string]Actor{
		"hr":         System("t"),
		"supervisor": {StaffID: sup.ID, Role: sup.Role, DepartmentID: sup.DepartmentID, RequestID: "t"},
		"staff":      {StaffID: staff.ID, Role: staff.Role, DepartmentID: staff.DepartmentID, RequestID: "t"},
	}
	ids := func(items []Inquiry) []int64 {
		var out []int64
		for _, i := range items {
			out = append(out, i.ID)
		}
		return out
	}
	for name, a := range actors {
		for _, f := range []InquiryFilter{
			{},
			{Status: string(InquiryReferred)},
			{Channel: string(AllChannels[0])},
			{DepartmentID: sup.DepartmentID},
		} {
			f.Overdue = true
			for page := 1; page <= 3; page++ {
				f.Page = Page{Number: page, Size: 20}
				got, total, err := s.ListInquiries(ctx, a, f)
				if ErrorCode(err) == ENotFound && name == "staff" && f.DepartmentID != a.DepartmentID {
					break // another department lies outside a staff member's scope
				}
				if err != nil {
					t.Fatal(err)
				}
				// The same list, written as a subquery.
				g := f
				g.Overdue = false
				var want []Inquiry
				var wantTotal int64
				err = s.read(ctx, a, func(tx *Tx) error {
					sc, err := tx.scopeOf(a)
					if err != nil {
						return err
					}
					q := inquiryScope(tx.db.Model(&Inquiry{}), a, sc).
						Where("inquiries.id IN (SELECT inquiry_id FROM sla_clocks WHERE state = ? AND deadline_at < ?)", ClockRunning, tx.now)
					if g.Status != "" {
						q = q.Where("inquiries.status = ?", g.Status)
					}
					if g.Channel != "" {
						q = q.Where("inquiries.channel = ?", g.Channel)
					}
					if g.DepartmentID != 0 {
						sub, err := tx.departmentSubtree(g.DepartmentID)
						if err != nil {
							return err
						}
						q = q.Where("inquiries.department_id IN ?", sub)
					}
					if err := q.Count(&wantTotal).Error; err != nil {
						return err
					}
					return q.Order("inquiries.received_at DESC, inquiries.id DESC").Offset(f.Offset()).Limit(f.Size).Find(&want).Error
				})
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
		rf := ReferralFilter{Overdue: true, Page: Page{Number: 1, Size: 30}}
		got, total, err := s.ListReferrals(ctx, a, rf)
		if err != nil {
			t.Fatal(err)
		}
		all, _, err := s.ListReferrals(ctx, a, ReferralFilter{Page: Page{Number: 1, Size: 100000}})
		if err != nil {
			t.Fatal(err)
		}
		var overdue []int64
		if err := s.db.Model(&SLAClock{}).Where("state = ? AND deadline_at < ? AND referral_id IS NOT NULL", ClockRunning, now).Distinct().Pluck("referral_id", &overdue).Error; err != nil {
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
