package models

import (
	"context"
	"testing"
	"time"
)

func TestImportStaff(t *testing.T) {
	ctx := context.Background()
	f := newUploadFixture(t)
	admin := Actor{StaffID: 0, Role: RoleAdmin, RequestID: "r"}
	countStaff := func() (n, audits int64) {
		f.s.db.Model(&Staff{}).Count(&n)
		f.s.db.Model(&AuditEntry{}).Count(&audits)
		return
	}

	t.Run("CreateAndUpdate", func(t *testing.T) {
		sum, err := f.s.ImportStaff(ctx, f.hr, []StaffImportRow{
			{Row: 2, EmployeeNo: "2001", Name: "赵六", Department: "a", Role: "主管", EmploymentType: "派遣", Phone: "13800138000"},
			{Row: 3, EmployeeNo: "２００２", Name: "钱七", Department: "部门B", Password: "chosen-pass-1"},
			{Row: 4, EmployeeNo: "1001", Name: "张三", Department: "B", Phone: "010-1"}, // moves and gets a phone
			{Row: 5, EmployeeNo: "1002", Name: "李四"},                                  // unchanged
			{Row: 6, EmployeeNo: "1003", Name: "王五", Active: "在职"},                    // reactivated
		})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rows != 5 || sum.Created != 2 || sum.Updated != 2 || sum.Unchanged != 1 || len(sum.InitialPasswords) != 1 || sum.InitialPasswords[0].EmployeeNo != "2001" {
			t.Fatalf("summary %+v", sum)
		}
		if _, err := f.s.Login(ctx, "r", "2001", sum.InitialPasswords[0].Password, time.Hour); err != nil {
			t.Fatalf("login with the generated password: %v", err)
		}
		if _, err := f.s.Login(ctx, "r", "2002", "chosen-pass-1", time.Hour); err != nil {
			t.Fatalf("login with the file's password: %v", err)
		}
		get := func(no string) (st Staff) {
			f.s.db.Where("employee_no = ?", no).Take(&st)
			return st
		}
		st := get("2001")
		if st.Role != RoleSupervisor || st.EmploymentType != EmploymentDispatched || st.DepartmentID != f.depts["A"].ID || !st.Active {
			t.Fatalf("created %+v", st)
		}
		st = get("1001")
		if st.DepartmentID != f.depts["B"].ID || st.Phone != "010-1" || st.Name != "张三" {
			t.Fatalf("updated %+v", st)
		}
		st = get("1003")
		if !st.Active {
			t.Fatal("1003 was not reactivated")
		}
	})

	t.Run("ErrEveryProblemAndNothingWritten", func(t *testing.T) {
		n0, a0 := countStaff()
		_, err := f.s.ImportStaff(ctx, f.hr, []StaffImportRow{
			{Row: 2, EmployeeNo: "bad no", Name: "x", Department: "A"},
			{Row: 3, EmployeeNo: "3001", Name: "", Department: "ZZ"},
			{Row: 4, EmployeeNo: "3002", Name: "y", Department: "A", Role: "boss", EmploymentType: "temp", Active: "maybe", Password: "short"},
			{Row: 5, EmployeeNo: "3003", Name: "z", Department: "A", Role: "hr"}, // HR may not grant hr
			{Row: 6, EmployeeNo: "3003", Name: "z", Department: "A"},             // duplicate
			{Row: 7, EmployeeNo: "H01", Name: "人事甲", Active: "否"},                // deactivating oneself
			{Row: 8, EmployeeNo: "3004", Name: "w"},                              // no department
		})
		ps := problemsOf(t, err)
		want := []struct {
			row int
			col string
		}{{2, ColEmployeeNo}, {3, ColName}, {3, ColDepartment}, {4, ColRole}, {4, ColEmploymentType}, {4, ColActive}, {4, ColPassword},
			{5, ColRole}, {6, ColEmployeeNo}, {7, ColActive}, {7, ColActive}, {8, ColDepartment}}
		if len(ps) != len(want) {
			t.Fatalf("problems %+v", ps)
		}
		for i, w := range want {
			if ps[i].Row != w.row || ps[i].Column != w.col {
				t.Errorf("problem %d = %+v, want row %d column %s", i, ps[i], w.row, w.col)
			}
		}
		if n1, a1 := countStaff(); n1 != n0 || a1 != a0 {
			t.Fatalf("a refused import wrote: staff %d→%d, audit %d→%d", n0, n1, a0, a1)
		}
	})

	t.Run("AdminGrantsHR", func(t *testing.T) {
		sum, err := f.s.ImportStaff(ctx, admin, []StaffImportRow{{Row: 2, EmployeeNo: "3003", Name: "z", Department: "A", Role: "hr"}})
		if err != nil || sum.Created != 1 {
			t.Fatalf("%+v %v", sum, err)
		}
		// HR may rename an HR colleague but not deactivate them.
		if _, err := f.s.ImportStaff(ctx, f.hr, []StaffImportRow{{Row: 2, EmployeeNo: "3003", Name: "z2"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ImportStaff(ctx, f.hr, []StaffImportRow{{Row: 2, EmployeeNo: "3003", Active: "no"}}); ErrorCode(err) != EInvalid {
			t.Fatalf("HR deactivating HR: %v", err)
		}
	})

	t.Run("DeactivationRevokesTokens", func(t *testing.T) {
		sess, err := f.s.Login(ctx, "r", "1002", "password-1", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ImportStaff(ctx, f.hr, []StaffImportRow{{Row: 2, EmployeeNo: "1002", Active: "离职"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Authenticate(ctx, sess.Token); ErrorCode(err) != EUnauthorized {
			t.Fatalf("token of a deactivated account: %v", err)
		}
	})

	t.Run("ErrNotHR", func(t *testing.T) {
		if _, err := f.s.ImportStaff(ctx, f.sup, []StaffImportRow{{Row: 2, EmployeeNo: "1001"}}); ErrorCode(err) != EForbidden {
			t.Fatalf("supervisor import: %v", err)
		}
	})
}
