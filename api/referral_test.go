package api

import (
	"net/http"
	"testing"

	"firstask/models"
)

func timelineKinds(d models.InquiryDetail) []models.EventKind {
	var out []models.EventKind
	for _, ev := range d.Timeline {
		out = append(out, ev.Kind)
	}
	return out
}

func TestInquiryLifeCycle(t *testing.T) {
	e := newTestEnv(t)
	t.Run("ReferredToFeedbackAndClose", func(t *testing.T) {
		e.t = t
		inq := e.mkInquiry("staffA", complaintBody(nil))
		p := "/api/v1/inquiries/" + id(inq.ID)
		var r models.Referral
		e.as("staffA", "POST", p+"/referrals", map[string]any{"to_department_id": e.depts["B"].ID, "to_staff_id": e.users["staffB"].ID}).
			want(http.StatusCreated).decode(&r)
		// Wrong states answer 409 and write nothing.
		before := e.auditCount("", 0)
		e.as("staffA", "POST", p+"/feedback", map[string]any{"satisfaction": "satisfied"}).wantError(http.StatusConflict, "conflict")
		e.as("staffA", "POST", p+"/close", nil).wantError(http.StatusConflict, "conflict")
		e.as("staffA", "POST", p+"/resolve", map[string]any{"resolution": "x"}).wantError(http.StatusConflict, "conflict")
		e.as("staffB", "POST", "/api/v1/referrals/"+id(r.ID)+"/contact", nil).wantError(http.StatusConflict, "conflict")
		e.as("staffB", "POST", "/api/v1/referrals/"+id(r.ID)+"/resolve", map[string]any{"resolution": "x"}).wantError(http.StatusConflict, "conflict")
		if after := e.auditCount("", 0); after != before {
			t.Fatalf("refused transitions wrote %d audit entries", after-before)
		}
		r = e.step("staffB", r, "accept", nil)
		e.as("staffB", "POST", "/api/v1/referrals/"+id(r.ID)+"/accept", nil).wantError(http.StatusConflict, "conflict")
		r = e.step("staffB", r, "contact", map[string]any{"note": "已电话联系王先生"})
		if r.Status != models.ReferralContacted || r.Clock.Status != models.ClockStopped || r.Clock.State != models.ClockOnTime {
			t.Fatalf("contacted %+v clock %+v", r, r.Clock)
		}
		e.as("staffB", "POST", "/api/v1/referrals/"+id(r.ID)+"/return", map[string]any{"reason": "x"}).wantError(http.StatusConflict, "conflict")
		e.as("staffB", "POST", "/api/v1/referrals/"+id(r.ID)+"/resolve", map[string]any{}).wantError(http.StatusUnprocessableEntity, "invalid")
		r = e.step("staffB", r, "resolve", map[string]any{"resolution": "已安排电工更换灯具"})
		d := e.getInquiry("staffA", inq.ID)
		if d.Status != models.InquiryResolved || d.Resolution != "已安排电工更换灯具" || *d.ResolvedBy != e.users["staffB"].ID {
			t.Fatalf("after the referral's resolution: %+v", d.Inquiry)
		}
		d2 := e.as("staffA", "POST", p+"/feedback", map[string]any{"satisfaction": "delighted"}).wantError(http.StatusUnprocessableEntity, "invalid")
		if field(d2) != "satisfaction" {
			t.Fatalf("%+v", d2)
		}
		e.as("staffA", "POST", p+"/close", nil).wantError(http.StatusConflict, "conflict") // no feedback yet
		e.as("staffA", "POST", p+"/feedback", map[string]any{"satisfaction": "satisfied", "note": "来访人表示感谢"}).want(http.StatusOK).decode(&d)
		if d.FeedbackAt == nil || d.Satisfaction != models.Satisfied || clock(d, models.ClockFeedback).Status != models.ClockStopped {
			t.Fatalf("after feedback: %+v", d.Inquiry)
		}
		e.as("staffA", "POST", p+"/close", map[string]any{"note": "办结"}).want(http.StatusOK).decode(&d)
		want := []models.EventKind{models.EventCreated, models.EventReferred, models.EventAccepted, models.EventContacted,
			models.EventReferralResolved, models.EventFeedback, models.EventClosed}
		if d.Status != models.InquiryClosed || !equalKinds(timelineKinds(d), want) {
			t.Fatalf("closed %s with timeline %v, want %v", d.Status, timelineKinds(d), want)
		}
		for _, c := range d.Clocks {
			if c.Status != models.ClockStopped {
				t.Fatalf("clock %s still %s after closing", c.Key, c.Status)
			}
		}
		var inbox notificationList
		e.as("staffA", "GET", "/api/v1/me/notifications", nil).want(http.StatusOK).decode(&inbox)
		if inbox.Unread != 1 || inbox.Items[0].Kind != models.NotifyReferralResolved {
			t.Fatalf("first responder's inbox %+v", inbox)
		}
	})
	t.Run("DissatisfiedReopens", func(t *testing.T) {
		e.t = t
		inq := e.mkInquiry("staffA", nil)
		p := "/api/v1/inquiries/" + id(inq.ID)
		e.as("staffA", "POST", p+"/resolve", map[string]any{"resolution": "已解释收费标准"}).want(http.StatusOK)
		e.as("staffA", "POST", p+"/resolve", map[string]any{"resolution": "again"}).wantError(http.StatusConflict, "conflict")
		var d models.InquiryDetail
		e.as("staffA", "POST", p+"/feedback", map[string]any{"satisfaction": "dissatisfied", "note": "认为收费过高"}).want(http.StatusOK).decode(&d)
		f := clock(d, models.ClockFeedback)
		if d.Status != models.InquiryOpen || d.ReopenCount != 1 || d.Satisfaction != models.Dissatisfied || f == nil ||
			f.Key != "inquiry:"+id(inq.ID)+":feedback:2" || f.Status != models.ClockRunning {
			t.Fatalf("after dissatisfied: %+v feedback clock %+v", d.Inquiry, f)
		}
		kinds := timelineKinds(d)
		if kinds[len(kinds)-1] != models.EventReopened {
			t.Fatalf("timeline %v", kinds)
		}
		// Reopened: it can be referred again.
		e.as("staffA", "POST", p+"/referrals", map[string]any{"to_department_id": e.depts["B"].ID}).want(http.StatusCreated)
	})
}

func equalKinds(a, b []models.EventKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReferralRules(t *testing.T) {
	e := newTestEnv(t)
	gone := e.addStaff("gone", "A1", models.RoleStaff)
	e.as("hr", "PATCH", "/api/v1/staff/"+id(gone.ID), map[string]any{"active": false}).want(http.StatusOK)
	var old models.Department
	e.as("hr", "POST", "/api/v1/departments", map[string]any{"code": "OLD", "name": "撤销部门", "active": false}).want(http.StatusCreated).decode(&old)
	inq := e.mkInquiry("staffA", nil)
	p := "/api/v1/inquiries/" + id(inq.ID) + "/referrals"
	t.Run("BadTargets", func(t *testing.T) {
		e.t = t
		before := e.auditCount("", 0)
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"to_department_id": old.ID}, "to_department_id"},
			{map[string]any{"to_department_id": 99999}, "to_department_id"},
			{map[string]any{}, "to_department_id"},
			{map[string]any{"to_department_id": e.depts["A1"].ID, "to_staff_id": gone.ID}, "to_staff_id"},             // inactive
			{map[string]any{"to_department_id": e.depts["A"].ID, "to_staff_id": e.users["staffB"].ID}, "to_staff_id"}, // not in A
			{map[string]any{"to_department_id": e.depts["A"].ID, "to_staff_id": e.users["staffA"].ID}, "to_staff_id"}, // the first responder
			{map[string]any{"to_department_id": e.depts["B"].ID, "to_staff_id": 99999}, "to_staff_id"},
		} {
			d := e.as("staffA", "POST", p, c.body).wantError(http.StatusUnprocessableEntity, "invalid")
			if field(d) != c.field {
				t.Errorf("%v: %+v", c.body, d)
			}
		}
		if after := e.auditCount("", 0); after != before {
			t.Fatalf("refused referrals wrote %d audit entries", after-before)
		}
	})
	t.Run("OneLiveReferral", func(t *testing.T) {
		e.t = t
		e.as("staffA", "POST", p, map[string]any{"to_department_id": e.depts["B"].ID, "to_staff_id": e.users["staffB"].ID}).want(http.StatusCreated)
		before := e.auditCount("", 0)
		e.as("staffA", "POST", p, map[string]any{"to_department_id": e.depts["B"].ID}).wantError(http.StatusConflict, "conflict")
		e.as("supA", "POST", p, map[string]any{"to_department_id": e.depts["A"].ID}).wantError(http.StatusConflict, "conflict")
		if after := e.auditCount("", 0); after != before {
			t.Fatal("a refused second referral was audited")
		}
	})
	t.Run("OnlyTheAssigneeActs", func(t *testing.T) {
		e.t = t
		var l List[models.Referral]
		e.as("staffB", "GET", "/api/v1/referrals?assignee=me&status=pending", nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 || l.Items[0].InquiryRef != inq.Ref {
			t.Fatalf("staffB's pending referrals: %+v", l)
		}
		rp := "/api/v1/referrals/" + id(l.Items[0].ID)
		e.as("staffA", "POST", rp+"/accept", nil).wantError(http.StatusForbidden, "forbidden") // first responder sees, does not work it
		e.as("supB", "POST", rp+"/accept", nil).wantError(http.StatusForbidden, "forbidden")   // a person's referral: only that person
		e.as("hr", "POST", rp+"/accept", nil).wantError(http.StatusForbidden, "forbidden")
		e.as("staffA1", "POST", rp+"/accept", nil).wantError(http.StatusNotFound, "not_found")
		e.as("supA", "GET", rp, nil).want(http.StatusOK) // supervisor of the registering department
	})
	t.Run("ReturnAndReferAgain", func(t *testing.T) {
		e.t = t
		var l List[models.Referral]
		e.as("staffB", "GET", "/api/v1/referrals?assignee=me", nil).want(http.StatusOK).decode(&l)
		rp := "/api/v1/referrals/" + id(l.Items[0].ID)
		d := e.as("staffB", "POST", rp+"/return", map[string]any{"reason": " "}).wantError(http.StatusUnprocessableEntity, "invalid")
		if field(d) != "reason" {
			t.Fatalf("%+v", d)
		}
		e.as("staffB", "POST", rp+"/return", map[string]any{"reason": "属工程部职责"}).want(http.StatusOK)
		got := e.getInquiry("staffA", inq.ID)
		h := clock(got, models.ClockHandover)
		if got.Status != models.InquiryOpen || h.Key != "inquiry:"+id(inq.ID)+":handover:2" || h.Status != models.ClockRunning {
			t.Fatalf("after return: %s, hand-over clock %+v", got.Status, h)
		}
		e.as("staffA", "POST", p, map[string]any{"to_department_id": e.depts["A"].ID}).want(http.StatusCreated)
		if got = e.getInquiry("staffA", inq.ID); got.Status != models.InquiryReferred || len(got.Referrals) != 2 || clock(got, models.ClockHandover).Status != models.ClockStopped {
			t.Fatalf("referred again: %+v", got.Inquiry)
		}
	})
	t.Run("QueueIsClaimedByAccepting", func(t *testing.T) {
		e.t = t
		var l List[models.Referral]
		e.as("staffA", "GET", "/api/v1/referrals?assignee=queue&department_id="+id(e.depts["A"].ID), nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 || l.Items[0].Clock == nil || *l.Items[0].Clock.OwnerID != e.users["supA"].ID {
			t.Fatalf("department A's queue: %+v", l.Items)
		}
		r := e.step("staffA", l.Items[0], "accept", nil)
		if r.ToStaffID == nil || *r.ToStaffID != e.users["staffA"].ID || *r.Clock.OwnerID != e.users["staffA"].ID {
			t.Fatalf("claimed referral %+v clock %+v", r, r.Clock)
		}
		e.as("supA", "POST", "/api/v1/referrals/"+id(r.ID)+"/contact", nil).wantError(http.StatusForbidden, "forbidden")
	})
}
