package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"firstask/models"
	"firstask/scoring"
)

// TestReviewQueues walks 核实: the reporter's own verify is refused with
// the reason shown next to the record, a second HR officer verifies, the
// staff member appeals and HR decides; the counts on 首页 follow, and
// people without HR's rights get 404.
func TestReviewQueues(t *testing.T) {
	e := newTestEnv(t, Options{})
	ctx := context.Background()
	hr1, subject := e.staff["D028"], e.staff["D003"]
	at := e.store.Now().Add(-2 * time.Hour)
	v, err := e.store.ReportViolation(ctx, models.Actor{StaffID: hr1.ID, Role: models.RoleHR, DepartmentID: hr1.DepartmentID, RequestID: "t"},
		models.ViolationInput{StaffID: subject.ID, Type: scoring.ViolationNoFeedback, Severity: scoring.SeverityMinor, OccurredAt: &at, Evidence: "录音 <b>3</b>"})
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(v.ID)
	c1 := e.signedIn("D028")
	_, home := c1.get("/home")
	if !strings.Contains(home, `href="/review#reported"`) {
		t.Fatal("HR's 首页 has no verification count")
	}
	_, page := c1.get("/review")
	if !strings.Contains(page, "您是此记录的报告人") || !strings.Contains(page, "录音 &lt;b&gt;3&lt;/b&gt;") {
		t.Fatalf("the reporter does not see why they may not verify, or evidence is not escaped")
	}
	resp, body := c1.post("/review/violations/"+id+"/verify", url.Values{"note": {"ok"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "四眼原则") {
		t.Fatalf("reporter's verify: %d", resp.StatusCode)
	}
	if got, _ := e.store.GetViolation(ctx, models.System("t"), v.ID); got.State != models.ViolationReported {
		t.Fatal("a refused verify changed the record")
	}
	c2 := e.signedIn("D029")
	if resp, _ := c2.post("/review/violations/"+id+"/dismiss", url.Values{"note": {""}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("dismiss without a note: %d", resp.StatusCode)
	}
	if resp, _ := c2.post("/review/violations/"+id+"/verify", url.Values{"note": {"查实"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", resp.StatusCode)
	}
	cs := e.signedIn("D003")
	if resp, _ := cs.get("/review"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("staff open 核实: %d", resp.StatusCode)
	}
	if resp, _ := cs.post("/my/violations/"+id+"/appeal", url.Values{"explanation": {"当天休假"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("appeal: %d", resp.StatusCode)
	}
	_, page = c2.get("/review")
	if !strings.Contains(page, "当天休假") || !strings.Contains(page, `action="/review/violations/`+id+`/decide"`) {
		t.Fatal("the appeal is not in the queue")
	}
	_, inbox := c2.get("/notifications")
	if !strings.Contains(inbox, "申诉待处理") {
		t.Fatal("HR was not told of the appeal")
	}
	if resp, _ := c2.post("/review/violations/"+id+"/decide", url.Values{"note": {"x"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("decide without a decision: %d", resp.StatusCode)
	}
	if resp, _ := c2.post("/review/violations/"+id+"/decide", url.Values{"decision": {"overturn"}, "note": {"休假属实"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("decide: %d", resp.StatusCode)
	}
	if got, _ := e.store.GetViolation(ctx, models.System("t"), v.ID); got.State != models.ViolationOverturned {
		t.Fatalf("state %s", got.State)
	}
	sup := e.signedIn("D001")
	_, inbox = sup.get("/notifications")
	if strings.Count(inbox, "的违规记录") < 3 {
		t.Fatal("the supervisor was not told of verification, appeal and decision")
	}
}
