package api

import (
	"net/http"
	"strings"
	"testing"

	"firstask/models"
	"firstask/scoring"
	"firstask/worktime"
)

// TestContactClockWaitsForReturnFromLeave is the "done when": a
// clerk registers a phone complaint and refers it to a person on leave;
// the contact clock starts only when that person is back; a scan after the
// deadline raises one late_contact violation however often it runs, and
// escalates to the supervisor.
func TestContactClockWaitsForReturnFromLeave(t *testing.T) {
	e := newTestEnv(t)
	// staffA1 is on leave from now (Thursday 10:00) until Monday 09:00.
	e.as("hr", "POST", "/api/v1/staff/"+id(e.users["staffA1"].ID)+"/absences", map[string]any{
		"from": "2026-10-15T08:00:00+08:00", "to": "2026-10-19T09:00:00+08:00", "reason": "年假"}).want(http.StatusCreated)
	inq := e.mkInquiry("staffA", complaintBody(map[string]any{"channel": "phone", "disposition": "referred",
		"referral": map[string]any{"to_department_id": e.depts["A1"].ID, "to_staff_id": e.users["staffA1"].ID}}))
	c := clock(inq, models.ClockContact)
	if !c.StartedAt.Equal(at(2026, 10, 19, 9, 0)) || !c.DeadlineAt.Equal(at(2026, 10, 19, 13, 0)) || !c.RemindAt.Equal(at(2026, 10, 19, 12, 0)) {
		t.Fatalf("contact clock starts %s, due %s, reminder %s; want Monday 09:00, 13:00, 12:00", c.StartedAt, c.DeadlineAt, c.RemindAt)
	}
	key := c.Key
	// Friday: nothing is due on the contact clock while the assignee is away.
	if res := e.scan(at(2026, 10, 16, 17, 0)); res.Breaches != 0 {
		t.Fatalf("Friday scan: %+v", res)
	}
	// Monday 12:00: a quarter is left, the reminder goes out once.
	if res := e.scan(at(2026, 10, 19, 12, 0)); res.Reminders != 1 || res.Breaches != 0 {
		t.Fatalf("Monday 12:00 scan: %+v", res)
	}
	// 12:30: no second contact reminder, but the feedback clock (due
	// Tuesday 10:00, a quarter left from 12:15) reminds the first responder.
	if res := e.scan(at(2026, 10, 19, 12, 30)); res.Reminders != 1 {
		t.Fatalf("12:30 scan: %+v", res)
	}
	// 13:30: breached. Then scan again and again.
	if res := e.scan(at(2026, 10, 19, 13, 30)); res.Breaches != 1 || res.Violations != 1 {
		t.Fatalf("Monday 13:30 scan: %+v", res)
	}
	for _, h := range []int{14, 16} {
		if res := e.scan(at(2026, 10, 19, h, 0)); res.Breaches != 0 || res.Violations != 0 {
			t.Fatalf("scan at %d:00: %+v", h, res)
		}
	}
	vs := e.violationsFor(key)
	if len(vs) != 1 {
		t.Fatalf("%d violations for %s, want 1", len(vs), key)
	}
	v := vs[0]
	if v.Type != scoring.ViolationLateContact || v.StaffID != e.users["staffA1"].ID || v.Source != models.SourceSLA ||
		v.State != models.ViolationReported || v.InquiryID == nil || *v.InquiryID != inq.ID || !v.OccurredAt.Equal(at(2026, 10, 19, 13, 0)) {
		t.Fatalf("violation %+v", v)
	}
	e.setClock(at(2026, 10, 19, 16, 0))
	d := e.getInquiry("staffA1", inq.ID)
	if c := clock(d, models.ClockContact); c.State != models.ClockOverdue || c.BreachedAt == nil || c.EscalatedTo == nil || *c.EscalatedTo != e.users["supA"].ID {
		t.Fatalf("contact clock after breach %+v", c)
	}
	inboxKinds := func(user string) []models.NotificationKind {
		var l notificationList
		e.as(user, "GET", "/api/v1/me/notifications?page_size=200", nil).want(http.StatusOK).decode(&l)
		var out []models.NotificationKind
		for _, n := range l.Items {
			out = append(out, n.Kind)
		}
		return out
	}
	count := func(ks []models.NotificationKind, k models.NotificationKind) int {
		n := 0
		for _, x := range ks {
			if x == k {
				n++
			}
		}
		return n
	}
	a1 := inboxKinds("staffA1")
	if count(a1, models.NotifyAssignment) != 1 || count(a1, models.NotifyReminder) != 1 || count(a1, models.NotifyBreach) != 1 {
		t.Fatalf("assignee's inbox %v", a1)
	}
	// staffA1's department has no supervisor: the escalation goes up to supA.
	if sup := inboxKinds("supA"); count(sup, models.NotifyEscalation) != 1 {
		t.Fatalf("supervisor's inbox %v", sup)
	}

	t.Run("OverdueQueues", func(t *testing.T) {
		e.t = t
		other := e.mkInquiry("staffB", nil) // fresh, on time
		ids := func(user, path string) []int64 {
			var l struct {
				Items []struct{ ID int64 }
				Total int64
			}
			e.as(user, "GET", path, nil).want(http.StatusOK).decode(&l)
			var out []int64
			for _, it := range l.Items {
				out = append(out, it.ID)
			}
			return out
		}
		refID := d.Referrals[0].ID
		for _, c := range []struct {
			user, path string
			want       []int64
		}{
			{"staffA1", "/api/v1/referrals?assignee=me&overdue=true", []int64{refID}},
			{"supA", "/api/v1/referrals?overdue=true&department_id=" + id(e.depts["A1"].ID), []int64{refID}},
			{"supB", "/api/v1/referrals?overdue=true", nil},
			{"staffA", "/api/v1/inquiries?overdue=true", []int64{inq.ID}},
			{"hr", "/api/v1/inquiries?overdue=true&department_id=" + id(e.depts["A"].ID), []int64{inq.ID}},
			{"hr", "/api/v1/inquiries?overdue=true&first_responder_id=" + id(e.users["staffB"].ID), nil},
			{"staffB", "/api/v1/inquiries?overdue=false", []int64{other.ID}},
		} {
			if got := ids(c.user, c.path); !equalIDs(got, c.want) {
				t.Errorf("%s %s: %v, want %v", c.user, c.path, got, c.want)
			}
		}
	})
	t.Run("LateContactAfterTheScanIsNotRaisedAgain", func(t *testing.T) {
		e.t = t
		r := e.step("staffA1", d.Referrals[0], "accept", nil)
		r = e.step("staffA1", r, "contact", map[string]any{"note": "已联系"})
		if len(e.violationsFor(key)) != 1 || r.Clock.State != models.ClockOverdue {
			t.Fatalf("after a late contact: %d violations, clock %+v", len(e.violationsFor(key)), r.Clock)
		}
	})
}

// TestLateActionWithoutScanStillBreaches: contacting after the deadline
// before any scan ran raises the violation at that moment.
func TestLateActionWithoutScanStillBreaches(t *testing.T) {
	e := newTestEnv(t)
	r := e.mkReferral("staffA", "", "staffB")
	e.setClock(at(2026, 10, 15, 17, 0)) // contact was due at 14:00
	r = e.step("staffB", r, "accept", nil)
	r = e.step("staffB", r, "contact", nil)
	if vs := e.violationsFor(r.Clock.Key); len(vs) != 1 || vs[0].Type != scoring.ViolationLateContact {
		t.Fatalf("violations %+v", vs)
	}
	if res := e.scan(at(2026, 10, 15, 17, 30)); res.Breaches != 0 {
		t.Fatalf("scan after the late contact: %+v", res)
	}
}

func TestPauseResume(t *testing.T) {
	e := newTestEnv(t)
	inq := e.mkInquiry("staffA", nil) // hand-over due 12:00
	p := "/api/v1/inquiries/" + id(inq.ID)
	if d := e.as("staffA", "POST", p+"/pause", map[string]any{}).wantError(http.StatusUnprocessableEntity, "invalid"); field(d) != "reason" {
		t.Fatalf("%+v", d)
	}
	e.as("staffA", "POST", p+"/resume", nil).wantError(http.StatusConflict, "conflict")
	e.setClock(at(2026, 10, 15, 11, 0)) // one working hour left
	var d models.InquiryDetail
	e.as("staffA", "POST", p+"/pause", map[string]any{"reason": "等待来访人提供房号"}).want(http.StatusOK).decode(&d)
	if c := clock(d, models.ClockHandover); c.State != models.ClockIsPause || c.PauseReason != "等待来访人提供房号" || d.PausedAt == nil {
		t.Fatalf("paused %+v", c)
	}
	e.as("staffA", "POST", p+"/pause", map[string]any{"reason": "again"}).wantError(http.StatusConflict, "conflict")
	if res := e.scan(at(2026, 10, 15, 15, 0)); res.Breaches != 0 {
		t.Fatalf("a paused clock breached: %+v", res)
	}
	// Resumed Friday 10:00: the hour left runs to 11:00.
	e.setClock(at(2026, 10, 16, 10, 0))
	e.as("staffA", "POST", p+"/resume", nil).want(http.StatusOK).decode(&d)
	c := clock(d, models.ClockHandover)
	if c.Status != models.ClockRunning || !c.DeadlineAt.Equal(at(2026, 10, 16, 11, 0)) || !c.RemindAt.Equal(at(2026, 10, 16, 10, 30)) {
		t.Fatalf("resumed clock due %s, reminder %s", c.DeadlineAt, c.RemindAt)
	}
	if k := timelineKinds(d); k[len(k)-2] != models.EventPaused || k[len(k)-1] != models.EventResumed {
		t.Fatalf("timeline %v", k)
	}
	if res := e.scan(at(2026, 10, 16, 11, 1)); res.Breaches != 1 || len(e.violationsFor(c.Key)) != 1 {
		t.Fatalf("scan after the moved deadline: %+v", res)
	}
	// An expired clock cannot be paused.
	e.setClock(at(2026, 10, 16, 11, 5))
	e.as("staffA", "POST", p+"/pause", map[string]any{"reason": "太晚了"}).wantError(http.StatusConflict, "conflict")

	t.Run("FromTheReferral", func(t *testing.T) {
		e.t = t
		r := e.mkReferral("staffA", "", "staffB")
		e.as("staffA1", "POST", "/api/v1/referrals/"+id(r.ID)+"/pause", map[string]any{"reason": "x"}).wantError(http.StatusNotFound, "not_found")
		e.as("staffA", "POST", "/api/v1/referrals/"+id(r.ID)+"/pause", map[string]any{"reason": "x"}).wantError(http.StatusForbidden, "forbidden")
		r = e.step("staffB", r, "pause", map[string]any{"reason": "来访人电话无人接听"})
		if r.Clock.State != models.ClockIsPause {
			t.Fatalf("contact clock %+v", r.Clock)
		}
		got := e.getInquiry("staffA", r.InquiryID)
		if f := clock(got, models.ClockFeedback); f.State != models.ClockIsPause {
			t.Fatalf("feedback clock while the referral waits: %+v", f)
		}
		r = e.step("staffB", r, "resume", nil)
		if r.Clock.State != models.ClockOnTime {
			t.Fatalf("resumed %+v", r.Clock)
		}
	})
}

func TestExtensions(t *testing.T) {
	e := newTestEnv(t)
	r := e.mkReferral("staffA", "", "staffB") // contact due Thursday 14:00
	rp := "/api/v1/referrals/" + id(r.ID) + "/extensions"
	e.as("staffA", "POST", rp, map[string]any{"reason": "x", "new_deadline": "2026-10-15T17:00:00+08:00"}).wantError(http.StatusForbidden, "forbidden")
	for body, f := range map[string]map[string]any{
		"reason":       {"new_deadline": "2026-10-15T17:00:00+08:00"},
		"new_deadline": {"reason": "需现场勘查"},
	} {
		if d := e.as("staffB", "POST", rp, f).wantError(http.StatusUnprocessableEntity, "invalid"); field(d) != body {
			t.Fatalf("%s: %+v", body, d)
		}
	}
	d := e.as("staffB", "POST", rp, map[string]any{"reason": "x", "new_deadline": "2026-10-15T13:00:00+08:00"}).wantError(http.StatusUnprocessableEntity, "invalid")
	if field(d) != "new_deadline" {
		t.Fatalf("an earlier deadline: %+v", d)
	}
	var ext models.Extension
	e.as("staffB", "POST", rp, map[string]any{"reason": "需现场勘查", "new_deadline": "2026-10-15T17:00:00+08:00"}).want(http.StatusCreated).decode(&ext)
	if ext.Status != models.ExtensionPending || ext.ClockKind != models.ClockContact || !ext.OldDeadline.Equal(at(2026, 10, 15, 14, 0)) {
		t.Fatalf("%+v", ext)
	}
	e.as("staffB", "POST", rp, map[string]any{"reason": "again", "new_deadline": "2026-10-15T17:30:00+08:00"}).wantError(http.StatusConflict, "conflict")
	xp := "/api/v1/extensions/" + id(ext.ID)
	e.as("staffB", "POST", xp+"/approve", nil).wantError(http.StatusForbidden, "forbidden")
	e.as("supA", "POST", xp+"/approve", nil).wantError(http.StatusNotFound, "not_found")
	var pending List[models.Extension]
	e.as("supB", "GET", "/api/v1/extensions?status=pending", nil).want(http.StatusOK).decode(&pending)
	if pending.Total != 1 || pending.Items[0].ID != ext.ID {
		t.Fatalf("supB's pending requests %+v", pending)
	}
	e.as("supB", "POST", xp+"/approve", map[string]any{"note": "同意延至 17:00"}).want(http.StatusOK).decode(&ext)
	e.as("supB", "POST", xp+"/refuse", nil).wantError(http.StatusConflict, "conflict")
	got := e.getInquiry("staffA", r.InquiryID)
	c := clock(got, models.ClockContact)
	if ext.Status != models.ExtensionApproved || !c.DeadlineAt.Equal(at(2026, 10, 15, 17, 0)) || c.WorkingMinutes != 7*60 {
		t.Fatalf("approved %+v, clock %+v", ext, c)
	}
	if res := e.scan(at(2026, 10, 15, 15, 0)); res.Breaches != 0 {
		t.Fatalf("breached before the extended deadline: %+v", res)
	}
	if res := e.scan(at(2026, 10, 15, 17, 1)); res.Breaches != 1 {
		t.Fatalf("scan after the extended deadline: %+v", res)
	}

	t.Run("RefusedAndLapsed", func(t *testing.T) {
		e.t = t
		e.setClock(testStart.AddDate(0, 0, 7)) // Thursday 2026-10-22 10:00
		r := e.mkReferral("staffA", "", "staffB")
		rp := "/api/v1/referrals/" + id(r.ID) + "/extensions"
		var ext models.Extension
		e.as("staffB", "POST", rp, map[string]any{"reason": "r", "new_deadline": "2026-10-22T16:00:00+08:00"}).want(http.StatusCreated).decode(&ext)
		e.as("hr", "POST", "/api/v1/extensions/"+id(ext.ID)+"/refuse", map[string]any{"note": "请按时联系"}).want(http.StatusOK).decode(&ext)
		if c := clock(e.getInquiry("staffA", r.InquiryID), models.ClockContact); ext.Status != models.ExtensionRefused || !c.DeadlineAt.Equal(at(2026, 10, 22, 14, 0)) {
			t.Fatalf("refused %+v, clock %+v", ext, c)
		}
		// A request decided after its clock expired has lapsed.
		e.as("staffB", "POST", rp, map[string]any{"reason": "r2", "new_deadline": "2026-10-22T16:00:00+08:00"}).want(http.StatusCreated).decode(&ext)
		e.setClock(at(2026, 10, 22, 14, 30))
		e.as("supB", "POST", "/api/v1/extensions/"+id(ext.ID)+"/approve", nil).wantError(http.StatusConflict, "conflict")
		e.as("staffB", "POST", rp, map[string]any{"reason": "r3", "new_deadline": "2026-10-22T17:00:00+08:00"}).wantError(http.StatusConflict, "conflict")
	})
}

func TestCalendarAPI(t *testing.T) {
	e := newTestEnv(t)
	var cal models.CalendarView
	e.as("staffA", "GET", "/api/v1/calendar", nil).want(http.StatusOK).decode(&cal)
	if !cal.IsDefault || cal.Zone != "Asia/Shanghai" || cal.DayStart != "09:00" || len(cal.Weekdays) != 5 || len(cal.Holidays) < 20 || len(cal.MakeupWorkdays) < 5 {
		t.Fatalf("default calendar %+v", cal)
	}
	d := e.as("hr", "PUT", "/api/v1/calendar", map[string]any{"zone": "Mars/Olympus", "day_start": "9am", "day_end": "18:00",
		"weekdays": []int{1, 8}, "holidays": []string{"2026-10-01"}, "makeup_workdays": []string{"2026-10-01"}}).
		wantError(http.StatusUnprocessableEntity, "invalid")
	for _, f := range []string{"zone", "day_start", "weekdays[1]", "makeup_workdays[0]"} {
		if !containsString(fields(d), f) {
			t.Errorf("fields %v lack %s", fields(d), f)
		}
	}
	e.as("hr", "PUT", "/api/v1/calendar", map[string]any{"zone": "Asia/Shanghai", "day_start": "09:00", "day_end": "18:00",
		"weekdays": []int{1}, "holidays": []string{"2026-02-30"}, "makeup_workdays": []string{}}).wantError(http.StatusUnprocessableEntity, "invalid")

	// Registered Thursday 17:00, the hand-over is due Friday 10:00; HR
	// then makes Friday a holiday and the running clock moves to Monday.
	e.setClock(at(2026, 10, 15, 17, 0))
	inq := e.mkInquiry("staffA", nil)
	if c := clock(inq, models.ClockHandover); !c.DeadlineAt.Equal(at(2026, 10, 16, 10, 0)) {
		t.Fatalf("deadline %s", c.DeadlineAt)
	}
	cal.Holidays = append(cal.Holidays, mustDate("2026-10-16"))
	before := e.auditCount("calendar", 1)
	e.as("hr", "PUT", "/api/v1/calendar", cal.Calendar).want(http.StatusOK).decode(&cal)
	if cal.IsDefault || cal.UpdatedBy == nil || *cal.UpdatedBy != e.users["hr"].ID || e.auditCount("calendar", 1) != before+1 {
		t.Fatalf("saved calendar %+v", cal)
	}
	if c := clock(e.getInquiry("staffA", inq.ID), models.ClockHandover); !c.DeadlineAt.Equal(at(2026, 10, 19, 10, 0)) {
		t.Fatalf("deadline after adding the holiday: %s, want Monday 10:00", c.DeadlineAt)
	}
}

func TestNotificationsInbox(t *testing.T) {
	e := newTestEnv(t)
	e.mkReferral("staffA", "", "staffB")
	e.mkReferral("staffA", "B", "") // the queue: every member of B is told
	var l notificationList
	e.as("staffB", "GET", "/api/v1/me/notifications", nil).want(http.StatusOK).decode(&l)
	if l.Total != 2 || l.Unread != 2 || l.Items[0].Kind != models.NotifyAssignment {
		t.Fatalf("inbox %+v", l)
	}
	var marked struct{ Marked int64 }
	e.as("staffB", "POST", "/api/v1/me/notifications/read", map[string]any{"ids": []int64{l.Items[0].ID}}).want(http.StatusOK).decode(&marked)
	e.as("staffB", "GET", "/api/v1/me/notifications?unread=true", nil).want(http.StatusOK).decode(&l)
	if marked.Marked != 1 || l.Total != 1 || l.Unread != 1 {
		t.Fatalf("after marking one: marked %d, %+v", marked.Marked, l)
	}
	// Someone else's notification ids are not marked.
	e.as("staffA", "POST", "/api/v1/me/notifications/read", map[string]any{"ids": []int64{l.Items[0].ID}}).want(http.StatusOK).decode(&marked)
	if marked.Marked != 0 {
		t.Fatal("marked another person's notification")
	}
	e.as("staffB", "POST", "/api/v1/me/notifications/read", nil).want(http.StatusOK).decode(&marked)
	e.as("staffB", "GET", "/api/v1/me/notifications", nil).want(http.StatusOK).decode(&l)
	if marked.Marked != 1 || l.Unread != 0 || l.Total != 2 {
		t.Fatalf("after marking all: %+v", l)
	}
}

func TestWebhooksAPI(t *testing.T) {
	e := newTestEnv(t)
	for body, f := range map[string]map[string]any{
		"url":         {"url": "ftp://example.com/x"},
		"secret":      {"url": "https://example.com/x", "secret": "short"},
		"events":      {"url": "https://example.com/x", "events": []string{"Not An Event"}},
		"description": {"url": "https://example.com/x", "description": string(make([]byte, 201))},
	} {
		if d := e.as("admin", "POST", "/api/v1/webhooks", f).wantError(http.StatusUnprocessableEntity, "invalid"); field(d) != body {
			t.Errorf("%s: %+v", body, d)
		}
	}
	var given, generated map[string]any
	e.as("admin", "POST", "/api/v1/webhooks", map[string]any{"url": "https://example.com/a", "secret": "0123456789abcdef0123", "events": []string{"inquiry.*"}}).
		want(http.StatusCreated).decode(&given)
	if _, ok := given["secret"]; ok {
		t.Fatalf("a given secret was echoed: %v", given)
	}
	e.as("admin", "POST", "/api/v1/webhooks", map[string]any{"url": "http://gateway.internal/hook"}).want(http.StatusCreated).decode(&generated)
	if s, _ := generated["secret"].(string); len(s) < 32 {
		t.Fatalf("generated secret not shown once: %v", generated)
	}
	r := e.as("admin", "GET", "/api/v1/webhooks", nil).want(http.StatusOK)
	if string(r.Body) == "" || containsBytes(r.Body, "secret") || containsBytes(r.Body, "0123456789abcdef") {
		t.Fatalf("the list shows a secret: %s", r.Body)
	}
	wid := id(int64(given["id"].(float64)))
	e.as("admin", "DELETE", "/api/v1/webhooks/"+wid, nil).want(http.StatusNoContent)
	e.as("admin", "DELETE", "/api/v1/webhooks/"+wid, nil).wantError(http.StatusNotFound, "not_found")
}

func containsBytes(b []byte, s string) bool { return strings.Contains(string(b), s) }

func mustDate(s string) worktime.Date {
	d, err := worktime.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestAbsenceRecordedAfterReferralDelaysContact: HR enters the leave after
// the referral was made; the contact clock still starts at the return.
func TestAbsenceRecordedAfterReferralDelaysContact(t *testing.T) {
	e := newTestEnv(t)
	r := e.mkReferral("staffA", "", "staffB")
	if !r.Clock.DeadlineAt.Equal(at(2026, 10, 15, 14, 0)) {
		t.Fatalf("deadline before the absence: %s", r.Clock.DeadlineAt)
	}
	e.as("hr", "POST", "/api/v1/staff/"+id(e.users["staffB"].ID)+"/absences", map[string]any{
		"from": "2026-10-15T09:00:00+08:00", "to": "2026-10-16T13:00:00+08:00", "reason": "病假"}).want(http.StatusCreated)
	var got models.Referral
	e.as("staffB", "GET", "/api/v1/referrals/"+id(r.ID), nil).want(http.StatusOK).decode(&got)
	if !got.Clock.StartedAt.Equal(at(2026, 10, 16, 13, 0)) || !got.Clock.DeadlineAt.Equal(at(2026, 10, 16, 17, 0)) {
		t.Fatalf("contact clock after the absence: starts %s, due %s", got.Clock.StartedAt, got.Clock.DeadlineAt)
	}
}
