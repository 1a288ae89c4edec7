package api

import (
	"context"
	"testing"
	"time"

	"firstask/models"
	"firstask/scoring"
)

// TestServiceMetrics builds a small October of inquiries and checks the
// service bulletin's counts and on-time figures per department and person.
func TestServiceMetrics(t *testing.T) {
	e := newTestEnv(t)
	// staffA: one referred at once to staffB (hand-over met), one left open
	// (its hand-over clock will be breached); staffB: one resolved on the spot.
	e.mkInquiry("staffA", map[string]any{"disposition": "referred",
		"referral": map[string]any{"to_department_id": e.depts["B"].ID, "to_staff_id": e.users["staffB"].ID, "note": "请联系"}})
	e.mkInquiry("staffA", nil)
	e.mkInquiry("staffB", map[string]any{"disposition": "resolved_on_spot"})
	e.scan(at(2026, 10, 21, 10, 0))

	oct := scoring.Month{Year: 2026, Mon: time.October}
	m, err := e.store.ServiceMetrics(context.Background(), e.storeActor("hr"), oct, 0)
	if err != nil {
		t.Fatal(err)
	}
	byDept := map[string]models.ServiceFigures{}
	for _, d := range m.Departments {
		byDept[d.DepartmentCode] = d
	}
	a, b := byDept["A"], byDept["B"]
	if a.Received != 2 || a.Referred != 1 || a.HandoverMet != 1 || a.HandoverDecided != 2 || a.DepartmentName != "部门A" {
		t.Fatalf("department A %+v", a)
	}
	// B: staffB's own inquiry, and the contact clock of the referral it got
	// (past its deadline by the 21st, never contacted).
	if b.Received != 1 || b.ContactMet != 0 || b.ContactDecided != 1 {
		t.Fatalf("department B %+v", b)
	}
	if r := models.Rate(a.HandoverMet, a.HandoverDecided); r == nil || *r != 0.5 {
		t.Fatalf("hand-over rate %v", r)
	}
	if models.Rate(0, 0) != nil {
		t.Fatal("no data must not be 0 %")
	}
	var staffA *models.ServiceFigures
	for i, p := range m.People {
		if p.EmployeeNo == "staffA" {
			staffA = &m.People[i]
		}
	}
	if staffA == nil || staffA.Received != 2 || staffA.Name != "姓名staffA" {
		t.Fatalf("people %+v", m.People)
	}
	// A supervisor sees only their subtree; another department is not found.
	sup, err := e.store.ServiceMetrics(context.Background(), e.storeActor("supA"), oct, 0)
	if err != nil || len(sup.Departments) != 1 || sup.Departments[0].DepartmentCode != "A" {
		t.Fatalf("supA: %+v %v", sup, err)
	}
	if _, err := e.store.ServiceMetrics(context.Background(), e.storeActor("supA"), oct, e.depts["B"].ID); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("supA asking for B: %v", err)
	}
}
