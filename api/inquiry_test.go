package api

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"firstask/models"
)

func TestInquiryCreate(t *testing.T) {
	e := newTestEnv(t)
	t.Run("OK", func(t *testing.T) {
		e.t = t
		var inq models.InquiryDetail
		e.as("staffA", "POST", "/api/v1/inquiries", complaintBody(map[string]any{
			"visitor_org": "3号楼业主", "documents": []map[string]any{{"name": "身份证复印件", "count": 1}},
		})).want(http.StatusCreated).decode(&inq)
		if !regexp.MustCompile(`^SW-20261015-\d{4}$`).MatchString(inq.Ref) {
			t.Fatalf("ref %q", inq.Ref)
		}
		if inq.FirstResponderID != e.users["staffA"].ID || inq.DepartmentID != e.depts["A"].ID || inq.Status != models.InquiryOpen ||
			inq.VisitorPhone != "13800138000" || inq.PhoneMasked || !inq.ReceivedAt.Equal(testStart) || len(inq.Documents) != 1 {
			t.Fatalf("created %+v", inq.Inquiry)
		}
		c := clock(inq, models.ClockHandover)
		if c == nil || c.Status != models.ClockRunning || c.State != models.ClockOnTime || !c.DeadlineAt.Equal(at(2026, 10, 15, 12, 0)) ||
			!c.RemindAt.Equal(at(2026, 10, 15, 11, 30)) || c.WorkingMinutes != 120 {
			t.Fatalf("hand-over clock %+v", c)
		}
		if len(inq.Timeline) != 1 || inq.Timeline[0].Kind != models.EventCreated || *inq.Timeline[0].ActorID != e.users["staffA"].ID {
			t.Fatalf("timeline %+v", inq.Timeline)
		}
		if n := e.auditCount("inquiry", inq.ID); n != 1 {
			t.Fatalf("%d audit entries for the inquiry, want 1", n)
		}
	})
	t.Run("RefsCountPerDay", func(t *testing.T) {
		e.t = t
		a, b := e.mkInquiry("staffA", nil), e.mkInquiry("staffB", nil)
		if a.Ref[:12] != b.Ref[:12] || a.Ref >= b.Ref {
			t.Fatalf("refs %s then %s", a.Ref, b.Ref)
		}
		// After midnight in Shanghai (16:00 UTC) the counter starts again.
		e.setClock(time.Date(2026, 10, 15, 16, 5, 0, 0, time.UTC))
		defer e.setClock(testStart)
		if c := e.mkInquiry("staffA", nil); c.Ref != "SW-20261016-0001" {
			t.Fatalf("first ref of the next day: %s", c.Ref)
		}
	})
	t.Run("ClosingDispositions", func(t *testing.T) {
		e.t = t
		for _, body := range []map[string]any{
			{"disposition": "resolved_on_spot"},
			{"disposition": "guided", "guidance": "请到 2 号窗口办理"},
			{"disposition": "out_of_scope", "guidance": "属供电公司业务，已告知 95598"},
		} {
			inq := e.mkInquiry("staffA", body)
			if inq.Status != models.InquiryClosed || inq.ClosedAt == nil || inq.ResolvedAt == nil || len(inq.Clocks) != 0 {
				t.Fatalf("%v: %+v", body, inq.Inquiry)
			}
		}
	})
	t.Run("ReferredAtOnce", func(t *testing.T) {
		e.t = t
		inq := e.mkInquiry("staffA", map[string]any{"disposition": "referred",
			"referral": map[string]any{"to_department_id": e.depts["B"].ID, "to_staff_id": e.users["staffB"].ID, "note": "请联系"}})
		if inq.Status != models.InquiryReferred || len(inq.Referrals) != 1 || inq.Referrals[0].Status != models.ReferralPending {
			t.Fatalf("%+v", inq)
		}
		h, f, c := clock(inq, models.ClockHandover), clock(inq, models.ClockFeedback), clock(inq, models.ClockContact)
		if h == nil || h.Status != models.ClockStopped || h.State != models.ClockOnTime {
			t.Fatalf("hand-over %+v", h)
		}
		// Feedback: 3 working days of 9 h from Thursday 10:00 is Tuesday 10:00.
		if f == nil || f.Status != models.ClockRunning || !f.DeadlineAt.Equal(at(2026, 10, 20, 10, 0)) {
			t.Fatalf("feedback %+v", f)
		}
		if c == nil || *c.OwnerID != e.users["staffB"].ID || !c.DeadlineAt.Equal(at(2026, 10, 15, 14, 0)) || inq.Referrals[0].Clock == nil {
			t.Fatalf("contact %+v", c)
		}
		kinds := []models.EventKind{}
		for _, ev := range inq.Timeline {
			kinds = append(kinds, ev.Kind)
		}
		if len(kinds) != 2 || kinds[1] != models.EventReferred {
			t.Fatalf("timeline %v", kinds)
		}
	})
	t.Run("FirstResponder", func(t *testing.T) {
		e.t = t
		inq := e.mkInquiry("supA", map[string]any{"first_responder_id": e.users["staffA1"].ID})
		if inq.FirstResponderID != e.users["staffA1"].ID || inq.DepartmentID != e.depts["A1"].ID || inq.CreatedBy != e.users["supA"].ID {
			t.Fatalf("registered for staffA1: %+v", inq.Inquiry)
		}
		for _, c := range []struct{ user, other string }{{"supA", "staffB"}, {"staffA", "staffA1"}} {
			d := e.as(c.user, "POST", "/api/v1/inquiries", inquiryBody(map[string]any{"first_responder_id": e.users[c.other].ID})).
				wantError(http.StatusUnprocessableEntity, "invalid")
			if field(d) != "first_responder_id" {
				t.Fatalf("%s for %s: %+v", c.user, c.other, d)
			}
		}
	})
	t.Run("MakeupSaturday", func(t *testing.T) {
		e.t = t
		// Friday 2026-10-09 17:00: the hand-over clock runs on into the
		// make-up working Saturday 2026-10-10 (调休), not Monday.
		e.setClock(at(2026, 10, 9, 17, 0))
		defer e.setClock(testStart)
		inq := e.mkInquiry("staffA", nil)
		if c := clock(inq, models.ClockHandover); !c.DeadlineAt.Equal(at(2026, 10, 10, 10, 0)) {
			t.Fatalf("deadline %s, want Saturday 10:00", c.DeadlineAt.In(at(2026, 1, 1, 0, 0).Location()))
		}
	})
}

// field is the first field named by an error's details.
func field(d ErrorDetail) string {
	if len(d.Details) == 0 {
		return ""
	}
	m, _ := d.Details[0].(map[string]any)
	s, _ := m["field"].(string)
	return s
}

func fields(d ErrorDetail) []string {
	var out []string
	for _, x := range d.Details {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m["field"].(string))
		}
	}
	return out
}

func TestInquiryValidation(t *testing.T) {
	e := newTestEnv(t)
	e.as("hr", "POST", "/api/v1/departments", map[string]any{"code": "OLD", "name": "撤销部门", "active": false}).want(http.StatusCreated)
	var depts struct{ Items []models.Department }
	e.as("hr", "GET", "/api/v1/departments", nil).want(http.StatusOK).decode(&depts)
	var old int64
	for _, d := range depts.Items {
		if d.Code == "OLD" {
			old = d.ID
		}
	}
	auditBefore := e.auditCount("", 0)
	for _, c := range []struct {
		name  string
		body  any
		field string
	}{
		{"ComplaintNotReadBack", complaintBody(map[string]any{"read_back_confirmed": false}), "read_back_confirmed"},
		{"HelpNotReadBack", inquiryBody(map[string]any{"category": "help"}), "read_back_confirmed"},
		{"ComplaintWithoutPhone", complaintBody(map[string]any{"visitor_phone": ""}), "visitor_phone"},
		{"GuidedWithoutGuidance", inquiryBody(map[string]any{"disposition": "guided"}), "guidance"},
		{"OutOfScopeWithoutGuidance", inquiryBody(map[string]any{"disposition": "out_of_scope", "guidance": "  "}), "guidance"},
		{"BadPhone", inquiryBody(map[string]any{"visitor_phone": "12345"}), "visitor_phone"},
		{"PhoneWithLetters", inquiryBody(map[string]any{"visitor_phone": "1380013800O"}), "visitor_phone"},
		{"LandlineWithoutAreaCode", inquiryBody(map[string]any{"visitor_phone": "65529988"}), "visitor_phone"},
		{"UnknownChannel", inquiryBody(map[string]any{"channel": "fax"}), "channel"},
		{"MissingChannel", inquiryBody(map[string]any{"channel": nil}), "channel"},
		{"ChannelNotString", inquiryBody(map[string]any{"channel": 3}), "channel"},
		{"UnknownCategory", inquiryBody(map[string]any{"category": "praise"}), "category"},
		{"UnknownDisposition", inquiryBody(map[string]any{"disposition": "ignored"}), "disposition"},
		{"EmptySummary", inquiryBody(map[string]any{"summary": " "}), "summary"},
		{"LongSummary", inquiryBody(map[string]any{"summary": strings.Repeat("长", 2001)}), "summary"},
		{"LongName", inquiryBody(map[string]any{"visitor_name": strings.Repeat("名", 65)}), "visitor_name"},
		{"LongOrg", inquiryBody(map[string]any{"visitor_org": strings.Repeat("o", 101)}), "visitor_org"},
		{"BadDocument", inquiryBody(map[string]any{"documents": []map[string]any{{"name": "", "count": 0}}}), "documents[0].name"},
		{"FutureReceivedAt", inquiryBody(map[string]any{"received_at": "2026-10-16T10:00:00+08:00"}), "received_at"},
		{"UnknownField", inquiryBody(map[string]any{"priority": "high"}), "priority"},
		{"ReferralWithoutReferredDisposition", inquiryBody(map[string]any{"referral": map[string]any{"to_department_id": e.depts["B"].ID}}), "referral"},
		{"ReferralToInactiveDepartment", inquiryBody(map[string]any{"disposition": "referred", "referral": map[string]any{"to_department_id": old}}), "referral.to_department_id"},
		{"ReferralToUnknownDepartment", inquiryBody(map[string]any{"disposition": "referred", "referral": map[string]any{"to_department_id": 99999}}), "referral.to_department_id"},
		{"ReferralWithoutDepartment", inquiryBody(map[string]any{"disposition": "referred", "referral": map[string]any{}}), "referral.to_department_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			d := e.as("staffA", "POST", "/api/v1/inquiries", c.body).wantError(http.StatusUnprocessableEntity, "invalid")
			if !containsString(fields(d), c.field) {
				t.Fatalf("fields %v, want %s (%s)", fields(d), c.field, d.Message)
			}
		})
	}
	e.t = t
	var l List[models.Inquiry]
	e.as("hr", "GET", "/api/v1/inquiries", nil).want(http.StatusOK).decode(&l)
	if l.Total != 0 {
		t.Fatalf("%d inquiries written by refused requests", l.Total)
	}
	if after := e.auditCount("", 0); after != auditBefore {
		t.Fatalf("audit grew from %d to %d", auditBefore, after)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestInquiryUpdate(t *testing.T) {
	e := newTestEnv(t)
	inq := e.mkInquiry("staffA", nil)
	path := "/api/v1/inquiries/" + id(inq.ID)
	var out models.InquiryDetail
	e.as("staffA", "PATCH", path, map[string]any{"summary": "询问物业费及停车费", "visitor_phone": "010-65529988"}).want(http.StatusOK).decode(&out)
	if out.Summary != "询问物业费及停车费" || out.VisitorPhone != "010-65529988" || out.Timeline[len(out.Timeline)-1].Kind != models.EventUpdated {
		t.Fatalf("%+v", out)
	}
	d := e.as("staffA", "PATCH", path, map[string]any{"received_at": "2026-10-15T08:00:00+08:00"}).wantError(http.StatusUnprocessableEntity, "invalid")
	if field(d) != "received_at" {
		t.Fatalf("%+v", d)
	}
	d = e.as("staffA", "PATCH", path, map[string]any{"category": "complaint"}).wantError(http.StatusUnprocessableEntity, "invalid")
	if field(d) != "read_back_confirmed" {
		t.Fatalf("a complaint needs the read-back: %+v", d)
	}
	e.as("staffB", "PATCH", path, map[string]any{"summary": "x"}).wantError(http.StatusNotFound, "not_found")
	e.as("supB", "PATCH", path, map[string]any{"summary": "x"}).wantError(http.StatusNotFound, "not_found")
	// Guiding the visitor settles an open inquiry as at registration.
	e.as("staffA", "PATCH", path, map[string]any{"disposition": "guided", "guidance": "请到 3 号窗口"}).want(http.StatusOK).decode(&out)
	if out.Status != models.InquiryClosed || clock(out, models.ClockHandover).Status != models.ClockStopped {
		t.Fatalf("after guided: %+v", out.Inquiry)
	}
	before := e.auditCount("inquiry", inq.ID)
	e.as("staffA", "PATCH", path, map[string]any{"summary": "改"}).wantError(http.StatusConflict, "conflict")
	if e.auditCount("inquiry", inq.ID) != before {
		t.Fatal("a refused change was audited")
	}
}

func TestInquiryScopeAndPhoneMasking(t *testing.T) {
	e := newTestEnv(t)
	own := e.mkInquiry("staffA", nil)
	other := e.mkInquiry("staffB", nil)
	t.Run("OthersInquiryIs404", func(t *testing.T) {
		e.t = t
		p := "/api/v1/inquiries/" + id(other.ID)
		e.as("staffA", "GET", p, nil).wantError(http.StatusNotFound, "not_found")
		e.as("staffA", "PATCH", p, map[string]any{"summary": "x"}).wantError(http.StatusNotFound, "not_found")
		e.as("staffA", "POST", p+"/resolve", map[string]any{"resolution": "x"}).wantError(http.StatusNotFound, "not_found")
		e.as("staffA", "POST", p+"/referrals", map[string]any{"to_department_id": e.depts["A"].ID}).wantError(http.StatusNotFound, "not_found")
		e.as("supA", "GET", p, nil).wantError(http.StatusNotFound, "not_found")
		e.as("supB", "GET", p, nil).want(http.StatusOK)
		e.as("staffA1", "GET", "/api/v1/inquiries/"+id(own.ID), nil).wantError(http.StatusNotFound, "not_found")
		if d := e.getInquiry("supA", own.ID); d.VisitorPhone != "13800138000" {
			t.Fatalf("supervisor in scope sees %q", d.VisitorPhone)
		}
		var l List[models.Inquiry]
		e.as("staffA", "GET", "/api/v1/inquiries", nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 || l.Items[0].ID != own.ID {
			t.Fatalf("staffA lists %+v", l.Items)
		}
	})
	t.Run("QueueMembersSeeMaskedPhone", func(t *testing.T) {
		e.t = t
		r := e.mkReferral("staffB", "A", "")
		d := e.getInquiry("staffA", r.InquiryID)
		if d.VisitorPhone != "138****8000" || !d.PhoneMasked {
			t.Fatalf("queue member sees %q", d.VisitorPhone)
		}
		var l List[models.Inquiry]
		e.as("staffA", "GET", "/api/v1/inquiries", nil).want(http.StatusOK).decode(&l)
		for _, it := range l.Items {
			if it.ID == r.InquiryID && it.VisitorPhone != "138****8000" {
				t.Fatalf("list shows %q to a queue member", it.VisitorPhone)
			}
			if it.ID == own.ID && it.VisitorPhone != "13800138000" {
				t.Fatalf("list masks the first responder's own phone: %q", it.VisitorPhone)
			}
		}
		e.as("staffA1", "GET", "/api/v1/inquiries/"+id(r.InquiryID), nil).wantError(http.StatusNotFound, "not_found")
		// Accepting makes staffA the assignee: the phone is shown in full.
		e.step("staffA", r, "accept", nil)
		if d := e.getInquiry("staffA", r.InquiryID); d.VisitorPhone != "13800138000" || d.PhoneMasked {
			t.Fatalf("assignee sees %q", d.VisitorPhone)
		}
		if d := e.getInquiry("supA", r.InquiryID); d.VisitorPhone != "13800138000" {
			t.Fatalf("supervisor of the assigned department sees %q", d.VisitorPhone)
		}
	})
}

func TestInquiryListFilters(t *testing.T) {
	e := newTestEnv(t)
	a := e.mkInquiry("staffA", map[string]any{"channel": "visit", "visitor_name": "李女士", "visitor_phone": "13911112222"})
	e.clock.Advance(25 * time.Minute)
	b := e.mkInquiry("staffA", map[string]any{"category": "repair", "summary": "水管漏水"})
	e.clock.Advance(25 * time.Minute)
	c := e.mkInquiry("staffB", map[string]any{"disposition": "resolved_on_spot"})
	list := func(query string) []int64 {
		t.Helper()
		var l List[models.Inquiry]
		e.as("hr", "GET", "/api/v1/inquiries?"+query, nil).want(http.StatusOK).decode(&l)
		ids := []int64{}
		for _, it := range l.Items {
			ids = append(ids, it.ID)
		}
		if int(l.Total) < len(ids) {
			t.Fatalf("total %d < %d items", l.Total, len(ids))
		}
		return ids
	}
	for _, tc := range []struct {
		query string
		want  []int64
	}{
		{"", []int64{c.ID, b.ID, a.ID}}, // newest first
		{"status=closed", []int64{c.ID}},
		{"status=open", []int64{b.ID, a.ID}},
		{"channel=visit", []int64{a.ID}},
		{"category=repair", []int64{b.ID}},
		{"first_responder_id=" + id(e.users["staffB"].ID), []int64{c.ID}},
		{"department_id=" + id(e.depts["A"].ID), []int64{b.ID, a.ID}},
		{"from=2026-10-15T10:20:00%2B08:00", []int64{c.ID, b.ID}},
		{"to=2026-10-15T10:20:00%2B08:00", []int64{a.ID}},
		{"from=2026-10-15&to=2026-10-15", []int64{c.ID, b.ID, a.ID}},
		{"q=" + a.Ref, []int64{a.ID}},
		{"q=139-1111-2222", []int64{a.ID}},
		{"q=1391111", []int64{a.ID}},  // the start of a number (visitor_phone_digits)
		{"q=139%2011", []int64{a.ID}}, // spaces ignored
		{"q=13911112223", []int64{}},  // a whole number matches exactly
		{"q=1392", []int64{}},         // four digits: too short for a phone, searched as text
		{"q=李", []int64{a.ID}},
		{"q=漏水", []int64{b.ID}},
		{"page=2&page_size=2", []int64{a.ID}},
	} {
		if got := list(tc.query); !equalIDs(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	for q, f := range map[string]string{"status=gone": "status", "channel=fax": "channel", "category=x": "category",
		"from=yesterday": "from", "overdue=maybe": "overdue", "first_responder_id=-1": "first_responder_id"} {
		if d := e.as("hr", "GET", "/api/v1/inquiries?"+q, nil).wantError(http.StatusUnprocessableEntity, "invalid"); field(d) != f {
			t.Errorf("%s: %+v", q, d)
		}
	}
}

func equalIDs(a, b []int64) bool {
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
