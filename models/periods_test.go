package models

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"firstask/scoring"
)

// scoringOrg creates a department with n staff members and an HR account,
// and returns the HR actor and the staff ids.
func scoringOrg(t testing.TB, s *Store, n int) (Actor, []int64) {
	t.Helper()
	ctx := context.Background()
	sys := System("t")
	code := "D1"
	d, err := s.CreateDepartment(ctx, sys, DepartmentInput{Code: &code, Name: &code})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(no string, role Role) Staff {
		st, err := s.CreateStaff(ctx, sys, StaffInput{EmployeeNo: &no, Name: &no, DepartmentID: &d.ID, Role: &role})
		if err != nil {
			t.Fatal(err)
		}
		return st.Staff
	}
	hr := mk("hr1", RoleHR)
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = mk(fmt.Sprintf("s%03d", i), RoleStaff).ID
	}
	return Actor{StaffID: hr.ID, Role: RoleHR, DepartmentID: d.ID, RequestID: "t"}, ids
}

// openStoreAt opens a store whose clock stands at now.
func openStoreAt(t testing.TB, now time.Time) *Store {
	t.Helper()
	s := openStore(t)
	s.now = func() time.Time { return now }
	return s
}

var october = scoring.Month{Year: 2026, Mon: time.October}

// TestConcurrentClose runs two closes of the same month at once, several
// times: exactly one succeeds and the other is refused with a conflict, and
// the snapshot holds each person once.
func TestConcurrentClose(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC))
	hr, staff := scoringOrg(t, s, 30)
	hr2 := Actor{StaffID: staff[0], Role: RoleHR, RequestID: "t2"} // a second HR user
	ctx := context.Background()
	for round := 0; round < 4; round++ {
		m := october.AddMonths(-round)
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for i, a := range []Actor{hr, hr2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = s.ClosePeriod(ctx, a, m)
			}()
		}
		close(start)
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch ErrorCode(err) {
			case "":
				ok++
			case EConflict:
				conflicts++
			default:
				t.Fatalf("round %d: unexpected error %v", round, err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("round %d (%s): %d succeeded, %d conflicts; errors %v", round, m, ok, conflicts, errs)
		}
		var rows int64
		s.db.Model(&periodResult{}).Where("month = ?", m.String()).Count(&rows)
		if rows != int64(len(staff)+1) {
			t.Fatalf("round %d: %d snapshot rows, want %d", round, rows, len(staff)+1)
		}
	}
	res, err := s.VerifyAudit(ctx, System("t"))
	if err != nil || !res.OK {
		t.Fatalf("audit chain: %+v %v", res, err)
	}
}

// TestCloseRacingVerifications verifies violations of October while October
// is being closed: each must end up either in October's snapshot or counted
// in November as carried over, never lost between the two.
func TestCloseRacingVerifications(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	hr, staff := scoringOrg(t, s, 12)
	ctx := context.Background()
	reporter := Actor{StaffID: staff[0], Role: RoleHR, RequestID: "t"}
	var ids []int64
	for i, st := range staff[1:] {
		for k := 0; k < 2; k++ {
			at := time.Date(2026, 10, 10+i, 3+k, 0, 0, 0, time.UTC)
			v, err := s.ReportViolation(ctx, reporter, ViolationInput{StaffID: st, Type: scoring.ViolationNoFeedback,
				Severity: scoring.SeverityMinor, OccurredAt: &at})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, v.ID)
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, len(ids)+1)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if i == len(ids)/2 {
				_, err := s.ClosePeriod(ctx, hr, october)
				errs <- err
			}
			_, err := s.VerifyViolation(ctx, hr, id, DecisionInput{})
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	snap, err := s.MonthScores(ctx, hr, october, 0)
	if err != nil || !snap.Closed {
		t.Fatalf("october: closed %v, %v", snap.Closed, err)
	}
	inSnapshot := map[int64]bool{}
	for _, r := range snap.Records {
		inSnapshot[r.ID] = true
	}
	var vs []Violation
	s.db.Where("id IN ?", ids).Find(&vs)
	inOct, inNov := 0, 0
	for _, v := range vs {
		switch {
		case v.CountedMonth != nil && *v.CountedMonth == "2026-10" && inSnapshot[v.ID]:
			inOct++
		case v.CountedMonth != nil && *v.CountedMonth == "2026-11" && v.CarriedOverFrom != nil && !inSnapshot[v.ID]:
			inNov++
		default:
			t.Fatalf("violation %d lost: counted %v carried %v in snapshot %v", v.ID, deref(v.CountedMonth), deref(v.CarriedOverFrom), inSnapshot[v.ID])
		}
	}
	if inOct+inNov != len(ids) || len(snap.Records) != inOct {
		t.Fatalf("%d in October (%d records in the snapshot), %d carried into November, of %d", inOct, len(snap.Records), inNov, len(ids))
	}
	t.Logf("%d verified before the close, %d after", inOct, inNov)
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
