package models

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"firstask/scoring"
)

// accessOrg is a small organisation for the access rules: HQ above A
// (with its sub-department A1) and B, one person of each kind.
type accessOrg struct {
	hq, a, a1, b                     int64
	hr, admin, supA, staffA1, staffB Actor
}

func newAccessOrg(t *testing.T, s *Store) accessOrg {
	t.Helper()
	ctx, sys := context.Background(), System("t")
	dept := func(code string, parent *int64) int64 {
		name := "dept " + code
		d, err := s.CreateDepartment(ctx, sys, DepartmentInput{Code: &code, Name: &name, ParentID: parent})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	var o accessOrg
	o.hq = dept("HQ", nil)
	o.a = dept("A", &o.hq)
	o.a1 = dept("A1", &o.a)
	o.b = dept("B", &o.hq)
	n := 0
	person := func(role Role, dept int64) Actor {
		n++
		no, name := fmt.Sprintf("E%03d", n), fmt.Sprintf("person %d", n)
		st, err := s.CreateStaff(ctx, sys, StaffInput{EmployeeNo: &no, Name: &name, DepartmentID: &dept, Role: &role})
		if err != nil {
			t.Fatal(err)
		}
		return Actor{StaffID: st.ID, Role: role, DepartmentID: dept, RequestID: "t"}
	}
	o.hr, o.admin = person(RoleHR, o.hq), person(RoleAdmin, o.hq)
	o.supA, o.staffA1, o.staffB = person(RoleSupervisor, o.a), person(RoleStaff, o.a1), person(RoleStaff, o.b)
	return o
}

// TestAccessDepartmentRules checks the one department filter every list
// uses: sub-departments included, and a department outside the scope (or
// none at all) not found, whoever asks.
func TestAccessDepartmentRules(t *testing.T) {
	s := openStore(t)
	o := newAccessOrg(t, s)
	for _, tc := range []struct {
		name  string
		actor Actor
		dept  int64
		want  []int64 // nil with code "" means no narrowing
		code  string
	}{
		{"HR without a filter", o.hr, 0, nil, ""},
		{"HR names A: A and A1", o.hr, o.a, []int64{o.a, o.a1}, ""},
		{"admin names HQ: everything", o.admin, o.hq, []int64{o.hq, o.a, o.a1, o.b}, ""},
		{"supervisor names own department", o.supA, o.a, []int64{o.a, o.a1}, ""},
		{"supervisor names a sub-department", o.supA, o.a1, []int64{o.a1}, ""},
		{"supervisor names a sibling", o.supA, o.b, nil, ENotFound},
		{"supervisor names the parent", o.supA, o.hq, nil, ENotFound},
		{"staff names own department", o.staffA1, o.a1, []int64{o.a1}, ""},
		{"staff names another department", o.staffB, o.a, nil, ENotFound},
		{"nobody finds a missing department", o.hr, 999999, nil, ENotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			err := s.read(context.Background(), tc.actor, func(tx *Tx) error {
				sc, err := tx.scopeOf(tc.actor)
				if err != nil {
					return err
				}
				got, err = tx.departmentsInScope(tc.actor, sc, tc.dept)
				return err
			})
			if ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("departments %v, want %v", got, want)
			}
		})
	}
}

// TestAccessScopeAndStaffRules checks who sees whom: HR everyone,
// supervisors their subtree, staff themselves; anyone else is not found.
func TestAccessScopeAndStaffRules(t *testing.T) {
	s := openStore(t)
	o := newAccessOrg(t, s)
	for _, tc := range []struct {
		name   string
		actor  Actor
		target Actor
		seen   bool
	}{
		{"HR sees staff of B", o.hr, o.staffB, true},
		{"supervisor sees staff of a sub-department", o.supA, o.staffA1, true},
		{"supervisor does not see staff of a sibling", o.supA, o.staffB, false},
		{"supervisor does not see HR at HQ", o.supA, o.hr, false},
		{"staff see themselves", o.staffA1, o.staffA1, true},
		{"staff do not see their supervisor", o.staffA1, o.supA, false},
		{"staff do not see others", o.staffB, o.staffA1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.read(context.Background(), tc.actor, func(tx *Tx) error {
				_, err := tx.staffInScope(tc.actor, tc.target.StaffID)
				return err
			})
			if tc.seen && err != nil {
				t.Fatalf("not seen: %v", err)
			}
			if !tc.seen && ErrorCode(err) != ENotFound {
				t.Fatalf("error %v, want %s", err, ENotFound)
			}
		})
	}
}

// TestAccessRecordRules checks the rules about one record that need no
// database: four eyes, no decisions about oneself, HR-only work, roles
// only an admin grants, clocks and requests for more time.
func TestAccessRecordRules(t *testing.T) {
	hr := Actor{StaffID: 1, Role: RoleHR, DepartmentID: 1}
	admin := Actor{StaffID: 2, Role: RoleAdmin, DepartmentID: 1}
	sup := Actor{StaffID: 3, Role: RoleSupervisor, DepartmentID: 2}
	staff := Actor{StaffID: 4, Role: RoleStaff, DepartmentID: 2}
	sys := System("t")
	reporter := int64(3)
	v := &Violation{ID: 7, StaffID: 4, ReportedBy: &reporter}
	owner := int64(4)
	clock := &SLAClock{Kind: "referral", OwnerID: &owner}
	ext := &Extension{ID: 9, RequestedBy: 4}
	supScope := Scope{DepartmentIDs: []int64{2}, StaffID: 3}
	var tx Tx
	for _, tc := range []struct {
		name string
		err  error
		code string
	}{
		{"HR verifies a violation", fourEyes(hr, v, "verify"), ""},
		{"its reporter may not verify it", fourEyes(sup, v, "verify"), EForbidden},
		{"its subject may not verify it", fourEyes(staff, v, "verify"), EForbidden},
		{"the system verifies anything", fourEyes(sys, v, "verify"), ""},
		{"its subject may not dismiss it", notAboutSelf(staff, v, "dismiss it"), EForbidden},
		{"HR dismisses it", notAboutSelf(hr, v, "dismiss it"), ""},
		{"its subject appeals", mayAppeal(staff, v), ""},
		{"nobody else appeals", mayAppeal(hr, v), EForbidden},
		{"HR imports staff", onlyHR(hr, "import staff"), ""},
		{"admin imports staff", onlyHR(admin, "import staff"), ""},
		{"a supervisor does not", onlyHR(sup, "import staff"), EForbidden},
		{"staff do not", onlyHR(staff, "import staff"), EForbidden},
		{"HR grants supervisor", tx.checkGrant(hr, RoleStaff, RoleSupervisor), ""},
		{"HR may not grant hr", tx.checkGrant(hr, RoleStaff, RoleHR), EForbidden},
		{"HR may not demote an admin", tx.checkGrant(hr, RoleAdmin, RoleStaff), EForbidden},
		{"admin grants admin", tx.checkGrant(admin, RoleStaff, RoleAdmin), ""},
		{"HR renames staff", mayRenameLogin(hr, Staff{ID: 4, Role: RoleStaff}), ""},
		{"HR may not rename an admin", mayRenameLogin(hr, Staff{ID: 2, Role: RoleAdmin}), EForbidden},
		{"HR may not rename another HR user", mayRenameLogin(hr, Staff{ID: 5, Role: RoleHR}), EForbidden},
		{"HR renames themselves", mayRenameLogin(hr, Staff{ID: 1, Role: RoleHR}), ""},
		{"admin renames HR", mayRenameLogin(admin, Staff{ID: 5, Role: RoleHR}), ""},
		{"its reporter may not decide its appeal", fourEyes(sup, v, "decide the appeal on"), EForbidden},
		{"nobody changes their own role", notSelfChange(hr, hr.StaffID, "change your own role"), EForbidden},
		{"the clock's owner asks for time", mayExtend(staff, clock), ""},
		{"someone else may not", mayExtend(sup, clock), EForbidden},
		{"a supervisor decides a request in scope", mayDecideExtension(sup, supScope, ext, 2), ""},
		{"a request outside the scope is not found", mayDecideExtension(sup, supScope, ext, 5), ENotFound},
		{"nobody decides their own request", mayDecideExtension(staff, Scope{All: true}, ext, 2), EForbidden},
		{"results need a valid month", checkResultsUploader(hr, scoring.Month{}), EInvalid},
		{"only HR uploads results", checkResultsUploader(sup, scoring.Month{Year: 2026, Mon: 5}), EForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorCode(tc.err); got != tc.code && !(tc.code == "" && tc.err == nil) {
				t.Fatalf("got %v, want code %q", tc.err, tc.code)
			}
		})
	}
	if got := AppraisalDepartment(sup, 0); got != sup.DepartmentID {
		t.Errorf("a supervisor's appraisal covers department %d, want their own %d", got, sup.DepartmentID)
	}
	if got := AppraisalDepartment(hr, 0); got != 0 {
		t.Errorf("HR's appraisal covers department %d, want everything (0)", got)
	}
	inq := &Inquiry{FirstResponderID: 4}
	if !fullPhoneInList(staff, Scope{StaffID: 4}, inq, false) || fullPhoneInList(Actor{StaffID: 5}, Scope{StaffID: 5}, inq, false) {
		t.Error("the visitor's phone shows in full to the first responder only, among staff")
	}
}
