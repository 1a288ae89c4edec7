package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"firstask/migrations"
	"firstask/models/testdb"
	"firstask/scoring"
)

// TestServiceTotalsMatchAggregate runs a random mix of workflow writes
// (registrations with and without referral, referrals, accepting queue
// referrals, contact, resolution, return, feedback of every kind, record
// corrections that settle an inquiry at once, pauses, absences that restart contact clocks, SLA scans) across a month
// boundary, and after each batch compares the bulletin computed from the
// maintained service_totals with the full aggregate (serviceMetricsScan),
// for HR and for one department, in every month touched; then it rebuilds
// the table and compares it with what the writes maintained.
func TestServiceTotalsMatchAggregate(t *testing.T) {
	ctx, sys := context.Background(), System("t")
	clock := &instant{}
	clock.set(time.Date(2026, 10, 27, 1, 30, 0, 0, time.UTC)) // a Tuesday, 09:30 in Shanghai
	s := instances(t, 1, clock)[0]
	rng := rand.New(rand.NewPCG(7, 11))

	type member struct {
		id, dept int64
		role     Role
	}
	var depts []int64
	var people []member
	staffOf := map[int64][]member{}
	for i := 0; i < 3; i++ {
		code, name := fmt.Sprintf("S%d", i), fmt.Sprintf("科室%d", i)
		d, err := s.CreateDepartment(ctx, sys, DepartmentInput{Code: &code, Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		depts = append(depts, d.ID)
		for j, role := range []Role{RoleSupervisor, RoleStaff, RoleStaff} {
			no, pw := fmt.Sprintf("s%d-%d", i, j), "password-123"
			st, err := s.CreateStaff(ctx, sys, StaffInput{EmployeeNo: &no, Name: &no, DepartmentID: &d.ID, Role: &role, Password: &pw})
			if err != nil {
				t.Fatal(err)
			}
			m := member{st.ID, d.ID, role}
			people = append(people, m)
			staffOf[d.ID] = append(staffOf[d.ID], m)
		}
	}
	hrNo, hrPw, hrRole := "hr", "password-123", RoleHR
	hrSt, err := s.CreateStaff(ctx, sys, StaffInput{EmployeeNo: &hrNo, Name: &hrNo, DepartmentID: &depts[0], Role: &hrRole, Password: &hrPw})
	if err != nil {
		t.Fatal(err)
	}
	hr := Actor{StaffID: hrSt.ID, Role: RoleHR, DepartmentID: depts[0]}
	as := func(m member) Actor { return Actor{StaffID: m.id, Role: m.role, DepartmentID: m.dept} }
	pick := func() member { return people[rng.IntN(len(people))] }

	var inquiries []int64
	var referrals []int64
	done := map[string]int{}
	note := func(op string, err error) {
		switch {
		case err == nil:
			done[op]++
		case ErrorCode(err) == EConflict || ErrorCode(err) == EForbidden || ErrorCode(err) == EInvalid:
		default:
			t.Fatalf("%s: %v", op, err)
		}
	}
	referral := func() *ReferralInput {
		d := depts[rng.IntN(len(depts))]
		in := &ReferralInput{ToDepartmentID: &d}
		if rng.IntN(3) > 0 {
			m := staffOf[d][1+rng.IntN(2)]
			in.ToStaffID = &m.id
		}
		return in
	}
	assignee := func(id int64) (Actor, ReferralStatus, bool) {
		r, err := s.GetReferral(ctx, hr, id)
		if err != nil {
			return Actor{}, "", false
		}
		if r.ToStaffID != nil {
			for _, m := range people {
				if m.id == *r.ToStaffID {
					return as(m), r.Status, true
				}
			}
		}
		return as(staffOf[r.ToDepartmentID][1]), r.Status, true
	}

	compare := func(step int) {
		t.Helper()
		now := clock.now()
		for _, m := range []scoring.Month{{Year: 2026, Mon: time.October}, {Year: 2026, Mon: time.November}, {Year: 2026, Mon: time.December}} {
			for _, dept := range []int64{0, depts[1]} {
				var got, want ServiceMetrics
				err := s.read(ctx, hr, func(tx *Tx) error {
					tx.now = now
					var err error
					if got, err = tx.serviceMetricsTotals(hr, m, dept); err != nil {
						return err
					}
					want, err = tx.serviceMetricsScan(hr, m, dept)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("after step %d, %s, department %d:\nmaintained %+v\naggregate  %+v", step, m, dept, got, want)
				}
			}
		}
	}

	const steps = 400
	for step := 1; step <= steps; step++ {
		clock.set(clock.now().Add(time.Duration(rng.IntN(150)) * time.Minute))
		switch op := rng.IntN(13); {
		case op < 3 || len(inquiries) == 0:
			in := consultation(pick().id)
			if rng.IntN(4) == 0 {
				at := clock.now().Add(-time.Duration(rng.IntN(72)) * time.Hour)
				in.ReceivedAt = &at
			}
			if rng.IntN(2) == 0 {
				disp := string(DispositionReferred)
				in.Disposition, in.Referral = &disp, referral()
			}
			d, err := s.CreateInquiry(ctx, hr, in)
			note("create", err)
			if err == nil {
				inquiries = append(inquiries, d.ID)
				for _, r := range d.Referrals {
					referrals = append(referrals, r.ID)
				}
			}
		case op == 3:
			r, err := s.CreateReferral(ctx, hr, inquiries[rng.IntN(len(inquiries))], *referral())
			note("refer", err)
			if err == nil {
				referrals = append(referrals, r.ID)
			}
		case op == 4 && len(referrals) > 0:
			id := referrals[rng.IntN(len(referrals))]
			if a, status, ok := assignee(id); ok {
				var err error
				switch {
				case rng.IntN(6) == 0:
					_, err = s.ReturnReferral(ctx, a, id, ReferralAction{Reason: "不属本科室"})
					note("return", err)
				case status == ReferralPending:
					_, err = s.AcceptReferral(ctx, a, id)
					note("accept", err)
				case status == ReferralAccepted:
					_, err = s.ContactReferral(ctx, a, id, ReferralAction{Note: "联系了"})
					note("contact", err)
				default:
					_, err = s.ResolveReferral(ctx, a, id, ReferralAction{Resolution: "办结"})
					note("resolve referral", err)
				}
			}
		case op == 5:
			_, err := s.ResolveInquiry(ctx, hr, inquiries[rng.IntN(len(inquiries))], InquiryAction{Resolution: "当场解决"})
			note("resolve", err)
		case op == 6 || op == 7:
			sat := AllSatisfactions[rng.IntN(len(AllSatisfactions))]
			_, err := s.FeedbackInquiry(ctx, hr, inquiries[rng.IntN(len(inquiries))], InquiryAction{Satisfaction: string(sat)})
			note("feedback", err)
		case op == 8:
			// received_at and the first responder are fixed after
			// registration; a closing disposition stops the clocks.
			disp, sum := string(DispositionResolvedOnSpot), "更正"
			in := InquiryInput{Summary: &sum}
			if rng.IntN(2) == 0 {
				in.Disposition = &disp
			}
			_, err := s.UpdateInquiry(ctx, hr, inquiries[rng.IntN(len(inquiries))], in)
			note("update", err)
		case op == 9:
			id := inquiries[rng.IntN(len(inquiries))]
			_, err := s.PauseInquiry(ctx, hr, id, InquiryAction{Reason: "等来访人材料"})
			note("pause", err)
			if err == nil && rng.IntN(2) == 0 {
				_, err = s.ResumeInquiry(ctx, hr, id)
				note("resume", err)
			}
		case op == 10:
			m := pick()
			from := clock.now().Add(-time.Hour)
			to := from.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
			_, err := s.CreateAbsence(ctx, hr, m.id, AbsenceInput{From: &from, To: &to, Reason: "请假"})
			note("absence", err)
		case op == 11:
			_, err := s.CloseInquiry(ctx, hr, inquiries[rng.IntN(len(inquiries))], InquiryAction{Note: "已告知"})
			note("close", err)
		default:
			_, err := s.ScanSLA(ctx, clock.now())
			note("scan", err)
		}
		if step%25 == 0 {
			compare(step)
		}
	}
	compare(steps)
	for _, op := range []string{"create", "refer", "accept", "contact", "resolve referral", "return", "resolve", "feedback", "update", "pause", "absence", "scan"} {
		if done[op] == 0 {
			t.Errorf("no %s succeeded in %d steps: %v", op, steps, done)
		}
	}

	// The table the writes kept equals the one rebuilt from the records,
	// but for rows whose every record moved elsewhere.
	kept := serviceRows(t, s)
	if err := s.RebuildServiceTotals(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt := serviceRows(t, s)
	if !reflect.DeepEqual(kept, rebuilt) {
		t.Fatalf("maintained rows\n%+v\nrebuilt rows\n%+v", kept, rebuilt)
	}
	if len(rebuilt) == 0 {
		t.Fatal("no service totals were kept")
	}
	compare(steps + 1)

	// Migration 00160's backfill, in SQL, gives the same table.
	sqlDB, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	prov, err := migrations.NewProvider(s.dialect.name, sqlDB)
	if err != nil {
		t.Fatal(err)
	}
	for _, up := range []bool{false, true} {
		if _, err := prov.ApplyVersion(ctx, 160, up); err != nil {
			t.Fatal(err)
		}
	}
	if backfilled := serviceRows(t, s); !reflect.DeepEqual(backfilled, rebuilt) {
		t.Fatalf("backfilled rows\n%+v\nrebuilt rows\n%+v", backfilled, rebuilt)
	}
	compare(steps + 2)
}

// serviceRows reads service_totals in key order, leaving out the rows
// that count nothing.
func serviceRows(t *testing.T, s *Store) []serviceTotal {
	t.Helper()
	var rows []serviceTotal
	if err := s.db.Order("month, department_id, staff_id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := rows[:0]
	for _, r := range rows {
		if r != (serviceTotal{Month: r.Month, DepartmentID: r.DepartmentID, StaffID: r.StaffID}) {
			out = append(out, r)
		}
	}
	return out
}

// TestServiceTotalsFollowTheZone opens a store in another zone than the
// one migration 00160 backfilled for: Migrate rebuilds the table for the
// store's zone, and the totals kept from then on match the aggregate at a
// month boundary of that zone.
func TestServiceTotalsFollowTheZone(t *testing.T) {
	ctx := context.Background()
	clock := &instant{}
	clock.set(time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC)) // November already in Shanghai, not in UTC
	driver, dsn := testdb.DSN(t)
	s, err := Open(driver, dsn, Options{BcryptCost: 4, Now: clock.now, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var st serviceTotalsState
	if err := s.db.Where("id = 1").Take(&st).Error; err != nil || st.Location != "UTC" {
		t.Fatalf("state after Migrate: %+v, %v", st, err)
	}
	if rebuilt, err := s.EnsureServiceTotals(ctx); err != nil || rebuilt {
		t.Fatalf("second EnsureServiceTotals: rebuilt %v, %v", rebuilt, err)
	}
	clerk := smallOrg(t, s)
	if _, err := s.CreateInquiry(ctx, System("t"), consultation(clerk.ID)); err != nil {
		t.Fatal(err)
	}
	for _, m := range []scoring.Month{{Year: 2026, Mon: time.October}, {Year: 2026, Mon: time.November}} {
		var got, want ServiceMetrics
		if err := s.read(ctx, System("t"), func(tx *Tx) error {
			var err error
			if got, err = tx.serviceMetricsTotals(System("t"), m, 0); err != nil {
				return err
			}
			want, err = tx.serviceMetricsScan(System("t"), m, 0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: maintained %+v, aggregate %+v", m, got, want)
		}
		if received := len(got.People) > 0 && got.People[0].Received == 1; received != (m.Mon == time.October) {
			t.Fatalf("%s: %+v; the inquiry belongs to October in UTC", m, got.People)
		}
	}
}
