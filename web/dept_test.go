package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"firstask/models"
)

// TestDeptPage: a supervisor sees their department's scores with the
// grade chart, reports a violation and records praise for their own
// people (field errors next to the field, someone else's people refused),
// and drills down to a person; others get 404.
func TestDeptPage(t *testing.T) {
	e := newTestEnv(t, Options{})
	sup := e.signedIn("D001")
	resp, body := sup.get("/dept?sort=name")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<svg class="chart"`) || !strings.Contains(body, e.staff["D003"].Name) {
		t.Fatalf("dept page: %d", resp.StatusCode)
	}
	if strings.Contains(body, ">"+e.staff["D011"].Name+"（") {
		t.Fatal("the picker offers someone of another department")
	}
	at := e.store.Now().In(e.store.Location()).Add(-time.Hour)
	when := at.Format("2006-01-02T15:04")
	resp, body = sup.post("/dept/violations", url.Values{"staff_id": {itoa(e.staff["D003"].ID)}, "type": {"other"}, "severity": {"minor"}, "occurred_at": {when}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
		t.Fatalf("type other without description: %d", resp.StatusCode)
	}
	resp, _ = sup.post("/dept/violations", url.Values{"staff_id": {itoa(e.staff["D011"].ID)}, "type": {"no_feedback"}, "severity": {"minor"}, "occurred_at": {when}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("another department's person: %d", resp.StatusCode)
	}
	if resp, _ := sup.post("/dept/violations", url.Values{"staff_id": {itoa(e.staff["D003"].ID)}, "type": {"no_feedback"}, "severity": {"minor"},
		"occurred_at": {when}, "evidence": {"回访记录缺失"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	if resp, _ := sup.post("/dept/praise", url.Values{"staff_id": {itoa(e.staff["D003"].ID)}, "kind": {"supervisor_praise"}, "occurred_at": {when}, "reason": {"主动加班"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("praise: %d", resp.StatusCode)
	}
	vs, _, err := e.store.ListViolations(t.Context(), models.System("t"), models.ViolationFilter{StaffID: e.staff["D003"].ID, State: models.ViolationReported, Page: models.Page{Number: 1, Size: 10}})
	if err != nil || len(vs) == 0 || vs[0].Evidence != "回访记录缺失" {
		t.Fatalf("the report was not stored: %v %+v", err, vs)
	}
	month := at.Format("2006-01") // the month the praise counts in, also in the first hour of a month
	if resp, body := sup.get("/periods/" + month + "/staff/" + itoa(e.staff["D003"].ID)); resp.StatusCode != http.StatusOK || !strings.Contains(body, "主管表扬") {
		t.Fatalf("drill-down: %d", resp.StatusCode)
	}
	if resp, _ := sup.get("/periods/" + month + "/staff/" + itoa(e.staff["D011"].ID)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("drill-down outside scope: %d", resp.StatusCode)
	}
	if resp, _ := sup.get("/periods/" + month + "/staff/" + itoa(e.staff["D003"].ID) + "/sheet.xlsx"); resp.StatusCode != http.StatusOK {
		t.Fatalf("sheet: %d", resp.StatusCode)
	}
	staff := e.signedIn("D003")
	if resp, _ := staff.get("/dept"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("staff open 部门: %d", resp.StatusCode)
	}
}
