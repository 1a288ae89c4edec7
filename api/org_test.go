package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"firstask/models"
)

func TestStaff(t *testing.T) {
	e := newTestEnv(t)
	t.Run("CreateGeneratesPassword", func(t *testing.T) {
		e.t = t
		var out models.CreatedStaff
		e.as("hr", "POST", "/api/v1/staff", map[string]any{"employee_no": "1001", "name": " 张三 ", "department_id": e.depts["A"].ID, "employment_type": "dispatched"}).
			want(http.StatusCreated).decode(&out)
		if out.InitialPassword == "" || out.Name != "张三" || out.Role != models.RoleStaff || out.EmploymentType != models.EmploymentDispatched {
			t.Fatalf("created %+v", out)
		}
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"employee_no": "1001", "password": out.InitialPassword}).want(http.StatusOK)
		if n := e.auditCount("staff", out.ID); n != 2 {
			t.Fatalf("audit entries for the new staff member: %d, want 2 (create, login)", n)
		}
	})
	t.Run("ErrDuplicateEmployeeNo", func(t *testing.T) {
		e.t = t
		before := e.auditCount("", 0)
		e.as("hr", "POST", "/api/v1/staff", map[string]any{"employee_no": "staffA", "name": "x", "department_id": e.depts["A"].ID}).
			wantError(http.StatusConflict, "conflict")
		// Nothing was written, not even an audit entry.
		if after := e.auditCount("", 0); after != before {
			t.Fatalf("audit grew from %d to %d on a refused change", before, after)
		}
		e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"employee_no": "staffA"}).
			wantError(http.StatusConflict, "conflict")
	})
	t.Run("ErrInvalidFields", func(t *testing.T) {
		e.t = t
		d := e.as("hr", "POST", "/api/v1/staff", map[string]any{"employee_no": "a b", "name": "", "department_id": 999999, "role": "boss"}).
			wantError(http.StatusUnprocessableEntity, "invalid")
		if len(d.Details) < 3 {
			t.Fatalf("want every bad field named, got %v", d.Details)
		}
		e.as("hr", "POST", "/api/v1/staff", map[string]any{"employee_no": "x9", "name": "x", "department_id": 999999}).
			wantError(http.StatusUnprocessableEntity, "invalid")
	})
	t.Run("OnlyAdminGrantsHR", func(t *testing.T) {
		e.t = t
		e.as("hr", "POST", "/api/v1/staff", map[string]any{"employee_no": "hr2", "name": "x", "department_id": e.depts["HQ"].ID, "role": "hr"}).
			wantError(http.StatusForbidden, "forbidden")
		e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"role": "admin"}).wantError(http.StatusForbidden, "forbidden")
		e.as("admin", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID), map[string]any{"role": "supervisor"}).want(http.StatusOK)
		e.as("admin", "PATCH", "/api/v1/staff/"+id(e.users["admin"].ID), map[string]any{"active": false}).wantError(http.StatusForbidden, "forbidden")
	})
	t.Run("SupervisorScope", func(t *testing.T) {
		e.t = t
		var l List[models.Staff]
		e.as("supA", "GET", "/api/v1/staff?page_size=200", nil).want(http.StatusOK).decode(&l)
		for _, s := range l.Items {
			if s.DepartmentID != e.depts["A"].ID && s.DepartmentID != e.depts["A1"].ID {
				t.Fatalf("supervisor of A sees %s of department %d", s.EmployeeNo, s.DepartmentID)
			}
		}
		if l.Total < 3 { // supA, staffA, staffA1 (+ 1001 from above)
			t.Fatalf("supervisor of A sees %d staff", l.Total)
		}
		e.as("supA", "GET", "/api/v1/staff/"+id(e.users["staffA1"].ID), nil).want(http.StatusOK)
		e.as("supA", "GET", "/api/v1/staff/"+id(e.users["staffB"].ID), nil).want(http.StatusNotFound)
		e.as("supA", "GET", "/api/v1/staff/"+id(e.users["staffB"].ID)+"/absences", nil).want(http.StatusNotFound)
	})
	t.Run("Filters", func(t *testing.T) {
		e.t = t
		var l List[models.Staff]
		e.as("hr", "GET", "/api/v1/staff?q=staffA&role=staff&active=true", nil).want(http.StatusOK).decode(&l)
		if l.Total != 2 {
			t.Fatalf("q=staffA role=staff: %d results, want 2 (staffA, staffA1)", l.Total)
		}
		e.as("hr", "GET", "/api/v1/staff?department_id="+id(e.depts["A1"].ID), nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 || l.Items[0].EmployeeNo != "staffA1" {
			t.Fatalf("department filter: %+v", l)
		}
		e.as("hr", "GET", "/api/v1/staff?q=%25", nil).want(http.StatusOK).decode(&l)
		if l.Total != 0 {
			t.Fatalf("q=%% must match a literal percent sign, got %d", l.Total)
		}
		e.as("hr", "GET", "/api/v1/staff?active=maybe", nil).want(http.StatusUnprocessableEntity)
	})
}

func TestDepartments(t *testing.T) {
	e := newTestEnv(t)
	e.as("hr", "POST", "/api/v1/departments", map[string]any{"code": "A", "name": "dup"}).wantError(http.StatusConflict, "conflict")
	// A cannot move under its own child A1.
	e.as("hr", "PATCH", "/api/v1/departments/"+id(e.depts["A"].ID), map[string]any{"parent_id": e.depts["A1"].ID}).
		wantError(http.StatusUnprocessableEntity, "invalid")
	e.as("hr", "PATCH", "/api/v1/departments/999", map[string]any{"name": "x"}).wantError(http.StatusNotFound, "not_found")
	// Staff cannot join an inactive department.
	e.as("hr", "PATCH", "/api/v1/departments/"+id(e.depts["B"].ID), map[string]any{"active": false}).want(http.StatusOK)
	e.as("hr", "POST", "/api/v1/staff", map[string]any{"employee_no": "nb", "name": "x", "department_id": e.depts["B"].ID}).
		wantError(http.StatusUnprocessableEntity, "invalid")
	var l struct{ Items []models.Department }
	e.as("staffA", "GET", "/api/v1/departments", nil).want(http.StatusOK).decode(&l)
	if len(l.Items) != 4 {
		t.Fatalf("departments: %d, want 4", len(l.Items))
	}
}

func TestAbsences(t *testing.T) {
	e := newTestEnv(t)
	path := "/api/v1/staff/" + id(e.users["staffA"].ID) + "/absences"
	e.as("hr", "POST", path, map[string]any{"from": "2026-10-16T09:00:00+08:00", "to": "2026-10-15T09:00:00+08:00"}).
		wantError(http.StatusUnprocessableEntity, "invalid")
	e.as("hr", "POST", path, map[string]any{"from": "not a time", "to": "2026-10-15T09:00:00+08:00"}).
		wantError(http.StatusUnprocessableEntity, "invalid")
	var ab models.Absence
	e.as("hr", "POST", path, map[string]any{"from": "2026-10-16T09:00:00+08:00", "to": "2026-10-18T18:00:00+08:00", "reason": "年假"}).
		want(http.StatusCreated).decode(&ab)
	var l List[models.Absence]
	e.as("supA", "GET", path, nil).want(http.StatusOK).decode(&l)
	if l.Total != 1 || l.Items[0].Reason != "年假" || !l.Items[0].From.Equal(ab.From) {
		t.Fatalf("absences %+v", l)
	}
	// Correct it: a bad patch changes nothing; another person's absence id
	// under this person's path is a 404; the audit keeps both changes.
	one := path + "/" + id(ab.ID)
	e.as("hr", "PATCH", one, map[string]any{"to": "2026-10-15T09:00:00+08:00"}).wantError(http.StatusUnprocessableEntity, "invalid")
	e.as("hr", "PATCH", one, map[string]any{}).wantError(http.StatusUnprocessableEntity, "invalid")
	e.as("hr", "PATCH", "/api/v1/staff/"+id(e.users["staffB"].ID)+"/absences/"+id(ab.ID), map[string]any{"reason": "x"}).
		wantError(http.StatusNotFound, "not_found")
	var fixed models.Absence
	e.as("hr", "PATCH", one, map[string]any{"to": "2026-10-19T18:00:00+08:00", "reason": "病假"}).want(http.StatusOK).decode(&fixed)
	if fixed.Reason != "病假" || !fixed.From.Equal(ab.From) || fixed.To.Sub(ab.To) != 24*time.Hour {
		t.Fatalf("corrected %+v", fixed)
	}
	e.as("supA", "DELETE", one, nil).wantError(http.StatusForbidden, "forbidden")
	e.as("hr", "DELETE", one, nil).want(http.StatusNoContent)
	e.as("hr", "DELETE", one, nil).wantError(http.StatusNotFound, "not_found")
	e.as("supA", "GET", path, nil).want(http.StatusOK).decode(&l)
	if l.Total != 0 {
		t.Fatalf("deleted absence still listed: %+v", l)
	}
	var audit List[models.AuditEntry]
	e.as("hr", "GET", "/api/v1/audit?entity=absence&entity_id="+id(ab.ID), nil).want(http.StatusOK).decode(&audit)
	if audit.Total != 3 {
		t.Fatalf("audit of the absence: %d entries, want create, update, delete", audit.Total)
	}
}

func TestAudit(t *testing.T) {
	e := newTestEnv(t)
	var d models.Department
	e.as("hr", "POST", "/api/v1/departments", map[string]any{"code": "AUD", "name": "审计"}).want(http.StatusCreated).decode(&d)
	e.as("hr", "PATCH", "/api/v1/departments/"+id(d.ID), map[string]any{"name": "审计二"}).want(http.StatusOK)
	var l List[models.AuditEntry]
	req := newJSONRequest(t, "GET", "/api/v1/audit?entity=department&entity_id="+id(d.ID), nil)
	req.Header.Set("X-Request-ID", "audit-req")
	e.send(req, e.tokens["hr"], nil).want(http.StatusOK).decode(&l)
	if l.Total != 2 || l.Items[0].Action != "department.update" || l.Items[1].Action != "department.create" {
		t.Fatalf("audit entries %+v", l.Items)
	}
	upd := l.Items[0]
	if upd.ActorID == nil || *upd.ActorID != e.users["hr"].ID || upd.ActorRole != "hr" {
		t.Fatalf("actor not recorded: %+v", upd)
	}
	if string(upd.BeforeJSON) == "" || !strings.Contains(string(upd.BeforeJSON), "审计") || !strings.Contains(string(upd.AfterJSON), "审计二") {
		t.Fatalf("before/after not recorded: %s / %s", upd.BeforeJSON, upd.AfterJSON)
	}
	var v models.AuditVerification
	e.as("admin", "GET", "/api/v1/audit/verify", nil).want(http.StatusOK).decode(&v)
	if !v.OK || v.Checked < 10 {
		t.Fatalf("verify %+v", v)
	}
}
