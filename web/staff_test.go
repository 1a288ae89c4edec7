package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"firstask/models"
)

// TestStaffPages: HR searches, creates someone and sees the one-time
// password once, is refused granting the admin role (HR may not), edits,
// records, corrects and deletes an absence, deactivates; an import with a
// bad row shows the problems table and takes nothing, the fixed file shows
// the passwords; supervisors get 404.
func TestStaffPages(t *testing.T) {
	e := newTestEnv(t, Options{})
	hr := e.signedIn("D028")
	if _, body := hr.get("/staff?q=" + url.QueryEscape(e.staff["D003"].Name)); !strings.Contains(body, e.staff["D003"].Name) || strings.Contains(body, e.staff["D011"].Name+"</a>") {
		t.Fatal("search does not find the person, or finds others")
	}
	dept := itoa(e.staff["D003"].DepartmentID)
	resp, body := hr.post("/staff", url.Values{"employee_no": {"W900"}, "name": {"王新"}, "department_id": {dept}, "role": {"admin"}, "employment_type": {"regular"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "只有管理员") {
		t.Fatalf("HR granting admin: %d %s", resp.StatusCode, body[strings.Index(body, "<main"):strings.Index(body, "<main")+900])
	}
	resp, body = hr.post("/staff", url.Values{"employee_no": {"W900"}, "name": {"王新"}, "department_id": {dept}, "role": {"staff"}, "employment_type": {"regular"}})
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `id="initial-password"`) {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	list, _, _ := e.store.ListStaff(t.Context(), models.System("t"), models.StaffFilter{Query: "W900", Page: models.Page{Number: 1, Size: 5}})
	if len(list) != 1 {
		t.Fatal("the new person is not stored")
	}
	id := itoa(list[0].ID)
	if _, body := hr.get("/staff/" + id); strings.Contains(body, `id="initial-password"`) {
		t.Fatal("the password is shown again")
	}
	if resp, _ := hr.post("/staff/"+id, url.Values{"employee_no": {"W900"}, "name": {"王新民"}, "department_id": {dept}, "role": {"supervisor"}, "employment_type": {"dispatched"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	if resp, body := hr.post("/staff/"+id+"/absences", url.Values{"from": {"2026-10-16T09:00"}, "to": {"2026-10-15T09:00"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
		t.Fatalf("absence to before from: %d", resp.StatusCode)
	}
	if resp, _ := hr.post("/staff/"+id+"/absences", url.Values{"from": {"2026-10-16T09:00"}, "to": {"2026-10-17T18:00"}, "reason": {"年假"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("absence: %d", resp.StatusCode)
	}
	abs, _, _ := e.store.ListAbsences(t.Context(), models.System("t"), list[0].ID, models.Page{Number: 1, Size: 5})
	if len(abs) != 1 {
		t.Fatal("absence not stored")
	}
	aid := itoa(abs[0].ID)
	if resp, _ := hr.post("/staff/"+id+"/absences/"+aid+"/edit", url.Values{"from": {"2026-10-16T09:00"}, "to": {"2026-10-18T18:00"}, "reason": {"病假"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("absence edit: %d", resp.StatusCode)
	}
	if abs, _, _ = e.store.ListAbsences(t.Context(), models.System("t"), list[0].ID, models.Page{Number: 1, Size: 5}); abs[0].Reason != "病假" {
		t.Fatalf("absence not corrected: %+v", abs[0])
	}
	if resp, _ := hr.post("/staff/"+id+"/absences/"+aid+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("absence delete: %d", resp.StatusCode)
	}
	if resp, _ := hr.post("/staff/"+id, url.Values{"active": {"0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", resp.StatusCode)
	}
	if st, _ := e.store.GetStaff(t.Context(), models.System("t"), list[0].ID); st.Active || st.Name != "王新民" || st.Role != models.RoleSupervisor {
		t.Fatalf("after edit and deactivate: %+v", st)
	}
	// Import: the template, a bad row, then the fixed file.
	resp, tpl := hr.get("/staff/import-template.xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("import template: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(strings.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	code := "SVC"
	f.SetSheetRow(sheet, "A2", &[]any{"N001", "新人甲", code, "员工", "正式", "", "是", ""})
	f.SetSheetRow(sheet, "A3", &[]any{"N002", "新人乙", "NOPE", "员工", "正式", "", "是", ""})
	var bad bytes.Buffer
	f.Write(&bad)
	resp, body = hr.postFile("/staff/import", "staff.xlsx", bad.Bytes())
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="problems"`) || !strings.Contains(body, "NOPE") {
		t.Fatalf("bad import: %d %s", resp.StatusCode, body[strings.Index(body, "<main"):])
	}
	f.SetSheetRow(sheet, "A3", &[]any{"N002", "新人乙", code, "员工", "正式", "", "是", ""})
	var good bytes.Buffer
	f.Write(&good)
	resp, body = hr.postFile("/staff/import", "staff.xlsx", good.Bytes())
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="passwords"`) || !strings.Contains(body, "新人乙") {
		t.Fatalf("import: %d %s", resp.StatusCode, body[strings.Index(body, "<main"):])
	}
	sup := e.signedIn("D001")
	for _, p := range []string{"/staff", "/staff/new", "/staff/" + id, "/staff/import"} {
		if resp, _ := sup.get(p); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("supervisor %s: %d", p, resp.StatusCode)
		}
	}
}
