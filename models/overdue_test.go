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

// TestOverdueListsProbedMatch checks HR's overdue lists on the path taken
// when many rows are overdue (overdueProbed: the list walked in its order,
// each row's clocks probed) against the plain subquery, page by page, with
// and without filters: the same rows in the same order, and a total that
// is exact up to the bound and "more than the bound" beyond it.
func TestOverdueListsProbedMatch(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, models.Options{})
	rep, err := seed.Fill(ctx, s, seed.Options{Departments: 6, Staff: 60, Inquiries: 2000, Conduct: 100, Month: "2026-10", Seed: 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.SetTestClock(func() time.Time { return rep.AsOf.Add(time.Hour) })
	const bound = 40
	defer models.SetOverdueExactUpTo(bound)()
	hr := models.System("t")
	var dept models.Department
	if err := s.TestDB().Where("parent_id IS NOT NULL").Order("id").First(&dept).Error; err != nil {
		t.Fatal(err)
	}
	for _, f := range []models.InquiryFilter{
		{},
		{Status: string(models.InquiryReferred)},
		{Channel: string(models.AllChannels[0])},
		{DepartmentID: dept.ID},
	} {
		f.Overdue = true
		for page := 1; page <= 3; page++ {
			f.Page = models.Page{Number: page, Size: 20}
			got, total, err := s.ListInquiriesTotal(ctx, hr, f)
			if err != nil {
				t.Fatal(err)
			}
			g := f
			g.Overdue = false
			want, wantTotal, err := s.OverdueReference(ctx, hr, g)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs, wantIDs []int64
			for _, i := range got {
				gotIDs = append(gotIDs, i.ID)
			}
			for _, i := range want {
				wantIDs = append(wantIDs, i.ID)
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Fatalf("%+v: got %v, want %v", f, gotIDs, wantIDs)
			}
			exact := models.Total{N: wantTotal}
			if wantTotal > bound {
				exact = models.Total{N: bound, LowerBound: true}
			}
			if total != exact {
				t.Fatalf("%+v: total %+v, want %+v (%d overdue)", f, total, exact, wantTotal)
			}
			if page == 1 && f.Status == "" && f.Channel == "" && f.DepartmentID == 0 && !total.LowerBound {
				t.Fatalf("the unfiltered list has %d overdue, not more than %d: the probed path was not taken", wantTotal, bound)
			}
		}
	}
	// Referrals: the unfiltered list, on the probed path, against the
	// exact list.
	rf := models.ReferralFilter{Overdue: true, Page: models.Page{Number: 1, Size: 30}}
	got, total, err := s.ListReferralsTotal(ctx, hr, rf)
	if err != nil {
		t.Fatal(err)
	}
	restore := models.SetOverdueExactUpTo(1 << 30)
	want, wantTotal, err := s.ListReferralsTotal(ctx, hr, rf)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if wantTotal.LowerBound || len(got) != len(want) {
		t.Fatalf("referrals: got %d rows (total %+v), want %d (total %+v)", len(got), total, len(want), wantTotal)
	}
	for i := range got {
		if got[i].ID != want[i].ID {
			t.Fatalf("referrals: row %d is %d, want %d", i, got[i].ID, want[i].ID)
		}
	}
	if wantTotal.N > bound && total != (models.Total{N: bound, LowerBound: true}) || wantTotal.N <= bound && total != wantTotal {
		t.Fatalf("referrals: total %+v, want %+v against the bound %d", total, wantTotal, bound)
	}
}

// TestSupervisorScopeSetMatchesOr: for every supervisor of a seeded
// organisation, the scope written as one set of ids (supervisorScopeSet,
// used for supervisors of small departments) holds exactly the inquiries
// and referrals that the OR of inquiryScope and referralScope holds.
func TestSupervisorScopeSetMatchesOr(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, models.Options{})
	if _, err := seed.Fill(ctx, s, seed.Options{Departments: 6, Staff: 60, Inquiries: 1500, Conduct: 50, Month: "2026-10", Seed: 9}, nil); err != nil {
		t.Fatal(err)
	}
	var sups []models.Staff
	if err := s.TestDB().Where("role = ?", models.RoleSupervisor).Order("id").Find(&sups).Error; err != nil {
		t.Fatal(err)
	}
	if len(sups) < 2 {
		t.Fatalf("%d supervisors seeded", len(sups))
	}
	for _, sup := range sups {
		a := models.Actor{StaffID: sup.ID, Role: sup.Role, DepartmentID: sup.DepartmentID, RequestID: "t"}
		for _, table := range []string{"inquiries", "referrals"} {
			or, err := s.ScopeIDs(ctx, a, table, false)
			if err != nil {
				t.Fatal(err)
			}
			set, err := s.ScopeIDs(ctx, a, table, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(or) == 0 || !slices.Equal(or, set) {
				t.Fatalf("supervisor %s, %s: the OR holds %d, the set %d", sup.EmployeeNo, table, len(or), len(set))
			}
			// The API's list counts by the set and pages by the OR: its
			// total (exact below 1,000) and its rows agree with the OR.
			got, total, err := listIDs(ctx, s, a, table)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			want := models.Total{N: int64(len(or))}
			if len(or) > 1000 {
				want = models.Total{N: 1000, LowerBound: true} // "more than 1,000"
			}
			if total != want || (len(or) <= 200 && !slices.Equal(got, or)) {
				t.Fatalf("supervisor %s, %s list: total %+v and %d rows, the scope holds %d", sup.EmployeeNo, table, total, len(got), len(or))
			}
		}
	}
}

// listIDs lists the first 200 ids of the API's list of table (inquiries or
// referrals) as actor a sees them, with the list's total.
func listIDs(ctx context.Context, s *models.Store, a models.Actor, table string) ([]int64, models.Total, error) {
	page := models.Page{Number: 1, Size: 200}
	var ids []int64
	if table == "inquiries" {
		items, total, err := s.ListInquiriesTotal(ctx, a, models.InquiryFilter{Page: page})
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		return ids, total, err
	}
	items, total, err := s.ListReferralsTotal(ctx, a, models.ReferralFilter{Page: page})
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids, total, err
}
